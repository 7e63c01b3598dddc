//! The `dequote` class.

/// Removes double quotes when what is left is a plain token: balanced
/// `<>` and `()`, no trailing backslash, no spaces (unless `-S` maps them),
/// and at least one quote was there.
pub fn dequote(key: &[u8], space_sub: Option<u8>) -> Option<Vec<u8>> {
    // Without a quote there is nothing to remove (checked below too, after
    // the whole key has been copied).
    if !key.contains(&b'"') {
        return None;
    }
    let mut out = Vec::with_capacity(key.len());
    let mut quoted = false;
    let mut quotes = 0;
    let mut angles = 0i32;
    let mut parens = 0i32;
    let mut backslash = false;
    let mut spaces = false;
    for &c in key {
        if backslash {
            backslash = false;
            out.push(c);
            continue;
        }
        match c {
            b'\\' => {
                backslash = true;
                out.push(c);
                continue;
            }
            b'"' => {
                quoted = !quoted;
                quotes += 1;
                continue;
            }
            _ => {}
        }
        if !quoted {
            match c {
                b'<' => angles += 1,
                b'>' => angles -= 1,
                b'(' => parens += 1,
                b')' => parens -= 1,
                _ => {}
            }
        }
        if c == b' ' {
            match space_sub {
                Some(s) => {
                    out.push(s);
                    continue;
                }
                None => spaces = true,
            }
        }
        out.push(c);
    }
    if quotes == 0 || angles != 0 || parens != 0 || backslash || spaces || quoted {
        return None;
    }
    Some(out)
}
