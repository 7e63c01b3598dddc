//! The `arith` class.

/// `Ok(None)` is "no match" (division by zero), `Err` a bad operator.
pub fn arith(op: &[u8], args: &[Vec<u8>]) -> Result<Option<Vec<u8>>, ()> {
    let number = |i: usize| -> i64 { args.get(i).map_or(0, |a| parse_c_long(a)) };
    let (a, b) = (number(0), number(1));
    let truth = |t: bool| {
        Ok(Some(if t {
            b"TRUE".to_vec()
        } else {
            b"FALSE".to_vec()
        }))
    };
    let value = match op {
        b"+" => a.wrapping_add(b),
        b"-" => a.wrapping_sub(b),
        b"*" => a.wrapping_mul(b),
        b"/" | b"%" if b == 0 => return Ok(None),
        b"/" => a.wrapping_div(b),
        b"%" => a.wrapping_rem(b),
        b"|" => a | b,
        b"&" => a & b,
        b"l" => return truth(a < b),
        b"=" => return truth(a == b),
        b"r" => a.min(b),
        _ => return Err(()),
    };
    Ok(Some(value.to_string().into_bytes()))
}

/// `strtol(text, NULL, 0)`: decimal, `0x` hex or leading-zero octal.
fn parse_c_long(text: &[u8]) -> i64 {
    let s = String::from_utf8_lossy(text);
    let s = s.trim_start();
    let (neg, s) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let (radix, digits) = if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        (16, h)
    } else if s.starts_with('0') && s.len() > 1 {
        (8, &s[1..])
    } else {
        (10, s)
    };
    let valid: String = digits.chars().take_while(|c| c.is_digit(radix)).collect();
    let n = i64::from_str_radix(&valid, radix).unwrap_or(0);
    if neg {
        -n
    } else {
        n
    }
}
