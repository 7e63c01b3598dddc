//! Translating Postfix's regular expressions into the `regex` crate's
//! syntax.
//!
//! `regexp:` tables use POSIX regular expressions (glibc `regcomp`, in
//! the C locale: bytes), extended by default, basic with the `x` flag;
//! `pcre:` tables use PCRE2 without UTF mode (bytes). Both are rewritten
//! here into `regex::bytes` syntax with Unicode off, every literal byte as
//! `\xHH`, capture groups one for one (what we add never captures), so
//! `$n` numbering is kept.
//!
//! What cannot be expressed (back-references, look-around, atomic groups,
//! possessive quantifiers, recursion, conditionals, `\K`, ...) is an error
//! naming the construct; the table then skips the rule, as Postfix skips a
//! rule that does not compile. Known differences that remain: POSIX picks
//! the leftmost-longest match where the `regex` crate picks the leftmost
//! first one by priority, which can change what a group captures when
//! alternatives overlap (whether a rule matches is never affected); PCRE's
//! `$` also matches before a final newline, ours only at the end.

use std::fmt::Write as _;

fn lit(out: &mut String, byte: u8) {
    if byte.is_ascii_alphanumeric() {
        out.push(char::from(byte));
    } else {
        let _ = write!(out, "\\x{byte:02X}");
    }
}

const POSIX_CLASSES: [&str; 12] = [
    "alpha", "digit", "alnum", "upper", "lower", "space", "blank", "punct", "print", "graph",
    "cntrl", "xdigit",
];

/// Reads `{m}`, `{m,}`, `{m,n}` (and `{,n}` when `allow_empty_min`) at
/// `p[at]`; returns the Rust form and the index after `}`.
fn interval(p: &[u8], at: usize, close: &[u8], allow_empty_min: bool) -> Option<(String, usize)> {
    let mut i = at + 1;
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < p.len() && p[*i].is_ascii_digit() {
            *i += 1;
        }
        std::str::from_utf8(&p[start..*i])
            .unwrap_or_default()
            .to_string()
    };
    let min = digits(&mut i);
    let max;
    let mut comma = false;
    if p.get(i) == Some(&b',') {
        comma = true;
        i += 1;
        max = digits(&mut i);
    } else {
        max = String::new();
    }
    if !p[i.min(p.len())..].starts_with(close) {
        return None;
    }
    if min.is_empty() && !(allow_empty_min && comma && !max.is_empty()) {
        return None;
    }
    let min = if min.is_empty() { "0".to_string() } else { min };
    let text = if comma {
        format!("{{{min},{max}}}")
    } else {
        format!("{{{min}}}")
    };
    Some((text, i + close.len()))
}

/// A POSIX regular expression (`regexp:` table) in Rust syntax.
pub fn posix(pattern: &[u8], extended: bool, icase: bool, newline: bool) -> Result<String, String> {
    let mut out = String::new();
    if icase {
        out.push_str("(?i)");
    }
    if newline {
        out.push_str("(?m)");
    }
    let p = pattern;
    let mut i = 0;
    let mut depth = 0usize;
    // BRE only: at the start of the expression or of a group/alternative.
    let mut at_start = true;
    while i < p.len() {
        let c = p[i];
        let was_start = at_start;
        at_start = false;
        match c {
            b'\\' => {
                let Some(&d) = p.get(i + 1) else {
                    return Err("trailing backslash (\\)".into());
                };
                i += 2;
                match d {
                    b'1'..=b'9' => return Err(unsupported("a back-reference")),
                    b'w' | b'W' | b's' | b'S' | b'b' | b'B' => {
                        out.push('\\');
                        out.push(char::from(d));
                    }
                    b'<' => out.push_str("\\b{start}"),
                    b'>' => out.push_str("\\b{end}"),
                    b'`' => out.push_str("\\A"),
                    b'\'' => out.push_str("\\z"),
                    b'(' if !extended => {
                        depth += 1;
                        out.push('(');
                        at_start = true;
                    }
                    b')' if !extended => {
                        if depth == 0 {
                            return Err("unmatched \\)".into());
                        }
                        depth -= 1;
                        out.push(')');
                    }
                    b'|' if !extended => {
                        out.push('|');
                        at_start = true;
                    }
                    b'+' | b'?' if !extended => {
                        if was_start {
                            lit(&mut out, d);
                        } else {
                            out.push(char::from(d));
                        }
                    }
                    b'{' if !extended => {
                        let Some((text, next)) = interval(p, i - 1, b"\\}", true) else {
                            return Err("invalid interval \\{".into());
                        };
                        out.push_str(&text);
                        i = next;
                    }
                    _ => lit(&mut out, d),
                }
                continue;
            }
            b'[' => {
                i = bracket(p, i, newline, &mut out)?;
                continue;
            }
            b'.' => out.push_str(if newline { "[^\\n]" } else { "(?s:.)" }),
            b'(' if extended => {
                depth += 1;
                out.push('(');
            }
            b')' if extended => {
                if depth == 0 {
                    lit(&mut out, c);
                } else {
                    depth -= 1;
                    out.push(')');
                }
            }
            b'|' if extended => out.push('|'),
            b'*' => {
                if !extended && was_start {
                    lit(&mut out, c);
                } else {
                    out.push('*');
                }
            }
            b'+' | b'?' if extended => out.push(char::from(c)),
            b'{' if extended => {
                let Some((text, next)) = interval(p, i, b"}", true) else {
                    return Err("invalid interval {".into());
                };
                out.push_str(&text);
                i = next;
                continue;
            }
            b'^' => {
                if extended || was_start {
                    out.push('^');
                    at_start = !extended;
                } else {
                    lit(&mut out, c);
                }
            }
            b'$' => {
                let at_end = i + 1 == p.len()
                    || p[i + 1..].starts_with(b"\\)")
                    || p[i + 1..].starts_with(b"\\|");
                if extended || at_end {
                    out.push('$');
                } else {
                    lit(&mut out, c);
                }
            }
            _ => lit(&mut out, c),
        }
        i += 1;
    }
    if depth > 0 {
        return Err("unmatched ( or \\(".into());
    }
    Ok(out)
}

/// A POSIX bracket expression at `p[start] == '['`; returns the index
/// after its closing `]`.
fn bracket(p: &[u8], start: usize, newline: bool, out: &mut String) -> Result<usize, String> {
    let mut j = start + 1;
    let negate = p.get(j) == Some(&b'^');
    if negate {
        j += 1;
    }
    let mut body = String::new();
    let mut first = true;
    loop {
        let Some(&c) = p.get(j) else {
            return Err("unmatched [, [^, [:, [., or [=".into());
        };
        if c == b']' && !first {
            j += 1;
            break;
        }
        first = false;
        if c == b'[' && matches!(p.get(j + 1), Some(b':' | b'=' | b'.')) {
            let kind = p[j + 1];
            let from = j + 2;
            let mut k = from;
            while k + 1 < p.len() && !(p[k] == kind && p[k + 1] == b']') {
                k += 1;
            }
            if k + 1 >= p.len() {
                return Err("unmatched [, [^, [:, [., or [=".into());
            }
            let name = &p[from..k];
            j = k + 2;
            if kind == b':' {
                let name = std::str::from_utf8(name).unwrap_or_default();
                if !POSIX_CLASSES.contains(&name) {
                    return Err(format!("invalid character class name [:{name}:]"));
                }
                let _ = write!(body, "[:{name}:]");
            } else if name.len() == 1 {
                lit(&mut body, name[0]);
            } else {
                return Err("invalid collation character".into());
            }
            continue;
        }
        j += 1;
        if p.get(j) == Some(&b'-') && p.get(j + 1).is_some_and(|&e| e != b']') {
            let end = p[j + 1];
            if end < c {
                return Err("invalid range end".into());
            }
            lit(&mut body, c);
            body.push('-');
            lit(&mut body, end);
            j += 2;
        } else {
            lit(&mut body, c);
        }
    }
    out.push('[');
    if negate {
        out.push('^');
        if newline {
            body.push_str("\\n");
        }
    }
    out.push_str(&body);
    out.push(']');
    Ok(j)
}

/// The options of a `pcre:` pattern.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PcreOptions {
    pub caseless: bool,
    pub dotall: bool,
    pub multiline: bool,
    pub extended: bool,
    pub anchored: bool,
    pub ungreedy: bool,
}

/// The text that marks a construct this model cannot express.
pub const UNSUPPORTED: &str = "is not supported by this model";

fn unsupported(what: &str) -> String {
    format!("{what} {UNSUPPORTED}")
}

/// One escaped literal in PCRE (outside or inside a class): returns the
/// byte and the index after it, or `None` when `\d` is not a literal.
fn pcre_escape_literal(p: &[u8], at: usize) -> Result<Option<(u8, usize)>, String> {
    let Some(&d) = p.get(at + 1) else {
        return Err("\\ at end of pattern".into());
    };
    let next = at + 2;
    let byte = match d {
        b'n' => b'\n',
        b't' => b'\t',
        b'r' => b'\r',
        b'f' => 0x0C,
        b'a' => 0x07,
        b'e' => 0x1B,
        b'c' => {
            let Some(&x) = p.get(next) else {
                return Err("\\c at end of pattern".into());
            };
            return Ok(Some((x.to_ascii_uppercase() ^ 0x40, next + 1)));
        }
        b'x' => {
            if p.get(next) == Some(&b'{') {
                let close = p[next..].iter().position(|&b| b == b'}');
                let Some(close) = close else {
                    return Err("missing } after \\x{".into());
                };
                let hex = std::str::from_utf8(&p[next + 1..next + close]).unwrap_or_default();
                let value = u32::from_str_radix(hex, 16).map_err(|_| "bad \\x{...}".to_string())?;
                let byte =
                    u8::try_from(value).map_err(|_| "character code too large".to_string())?;
                return Ok(Some((byte, next + close + 1)));
            }
            let mut k = next;
            let mut value = 0u32;
            while k < p.len() && k < next + 2 && p[k].is_ascii_hexdigit() {
                value = value * 16 + char::from(p[k]).to_digit(16).unwrap_or(0);
                k += 1;
            }
            return Ok(Some((u8::try_from(value).unwrap_or(0), k)));
        }
        b'0' => {
            let mut k = next;
            let mut value = 0u32;
            while k < p.len() && k < next + 2 && (b'0'..=b'7').contains(&p[k]) {
                value = value * 8 + u32::from(p[k] - b'0');
                k += 1;
            }
            return Ok(Some((u8::try_from(value).unwrap_or(0), k)));
        }
        b'o' => {
            let close = p[next..].iter().position(|&b| b == b'}');
            if p.get(next) != Some(&b'{') || close.is_none() {
                return Err("bad \\o{...}".into());
            }
            let close = close.unwrap_or(0);
            let oct = std::str::from_utf8(&p[next + 1..next + close]).unwrap_or_default();
            let value = u32::from_str_radix(oct, 8).map_err(|_| "bad \\o{...}".to_string())?;
            let byte = u8::try_from(value).map_err(|_| "character code too large".to_string())?;
            return Ok(Some((byte, next + close + 1)));
        }
        _ if d.is_ascii_alphanumeric() => return Ok(None),
        _ => d,
    };
    Ok(Some((byte, next)))
}

/// Class shorthands PCRE2 has in 8-bit, non-UTF mode; the body to put
/// inside `[...]` (or a whole class for the negated ones when `negated`).
fn pcre_shorthand(d: u8) -> Option<(&'static str, bool)> {
    Some(match d {
        b'd' => ("\\d", false),
        b'D' => ("\\D", false),
        b'w' => ("\\w", false),
        b'W' => ("\\W", false),
        b's' => ("\\s", false),
        b'S' => ("\\S", false),
        b'h' => ("\\x09\\x20\\xA0", false),
        b'H' => ("\\x09\\x20\\xA0", true),
        b'v' => ("\\x0A-\\x0D\\x85", false),
        b'V' => ("\\x0A-\\x0D\\x85", true),
        _ => return None,
    })
}

/// A `pcre:` pattern in Rust syntax.
pub fn pcre(pattern: &[u8], options: PcreOptions) -> Result<String, String> {
    let mut out = String::new();
    let mut flags = String::new();
    if options.caseless {
        flags.push('i');
    }
    if options.dotall {
        flags.push('s');
    }
    if options.multiline {
        flags.push('m');
    }
    if options.ungreedy {
        flags.push('U');
    }
    if !flags.is_empty() {
        let _ = write!(out, "(?{flags})");
    }
    if options.anchored {
        out.push_str("\\A(?:");
    }
    let p = pattern;
    let mut i = 0;
    while i < p.len() {
        let c = p[i];
        if options.extended && (super::source::is_space(c) || c == b'#') {
            if c == b'#' {
                while i < p.len() && p[i] != b'\n' {
                    i += 1;
                }
            }
            i += 1;
            continue;
        }
        match c {
            b'\\' => {
                let d = p.get(i + 1).copied().unwrap_or(0);
                match d {
                    b'd' | b'D' | b'w' | b'W' | b's' | b'S' | b'b' | b'B' | b'A' | b'z' => {
                        out.push('\\');
                        out.push(char::from(d));
                        i += 2;
                    }
                    b'h' | b'H' | b'v' | b'V' => {
                        let (body, negated) = pcre_shorthand(d).unwrap_or(("", false));
                        let _ = write!(out, "[{}{body}]", if negated { "^" } else { "" });
                        i += 2;
                    }
                    b'Z' => {
                        out.push_str("\\z");
                        i += 2;
                    }
                    b'G' => {
                        out.push_str("\\A");
                        i += 2;
                    }
                    b'R' => {
                        out.push_str("(?:\\x0D\\x0A|[\\x0A-\\x0D\\x85])");
                        i += 2;
                    }
                    b'Q' => {
                        i += 2;
                        while i < p.len() && !p[i..].starts_with(b"\\E") {
                            lit(&mut out, p[i]);
                            i += 1;
                        }
                        i += 2;
                    }
                    b'E' => i += 2,
                    b'1'..=b'9' => return Err(unsupported("a back-reference")),
                    _ => match pcre_escape_literal(p, i)? {
                        Some((byte, next)) => {
                            lit(&mut out, byte);
                            i = next;
                        }
                        None => {
                            return Err(unsupported(&format!("\\{}", char::from(d))));
                        }
                    },
                }
                continue;
            }
            b'[' => {
                i = pcre_class(p, i, &mut out)?;
            }
            b'(' => {
                i = pcre_group(p, i, &mut out)?;
                continue;
            }
            b'{' => match interval(p, i, b"}", false) {
                Some((text, next)) => {
                    out.push_str(&text);
                    i = next;
                    i = pcre_possessive_check(p, i)?;
                    continue;
                }
                None => {
                    lit(&mut out, c);
                    i += 1;
                }
            },
            b'*' | b'+' | b'?' => {
                out.push(char::from(c));
                i += 1;
                i = pcre_possessive_check(p, i)?;
                continue;
            }
            b'.' | b'^' | b'$' | b'|' | b')' => {
                out.push(char::from(c));
                i += 1;
            }
            _ => {
                lit(&mut out, c);
                i += 1;
            }
        }
    }
    if options.anchored {
        out.push(')');
    }
    Ok(out)
}

/// After a quantifier: `?` (lazy) is kept, `+` (possessive) refused.
fn pcre_possessive_check(p: &[u8], i: usize) -> Result<usize, String> {
    match p.get(i) {
        Some(b'+') => Err(unsupported("a possessive quantifier")),
        _ => Ok(i),
    }
}

fn pcre_group(p: &[u8], i: usize, out: &mut String) -> Result<usize, String> {
    if p.get(i + 1) == Some(&b'*') {
        return Err(unsupported("a (*VERB)"));
    }
    if p.get(i + 1) != Some(&b'?') {
        out.push('(');
        return Ok(i + 1);
    }
    let rest = &p[i + 2..];
    if rest.starts_with(b"#") {
        let Some(close) = rest.iter().position(|&b| b == b')') else {
            return Err("missing ) after (?# comment".into());
        };
        return Ok(i + 2 + close + 1);
    }
    if rest.starts_with(b":") {
        out.push_str("(?:");
        return Ok(i + 3);
    }
    let name_end = |from: usize, close: u8| -> Result<(String, usize), String> {
        let Some(len) = rest[from..].iter().position(|&b| b == close) else {
            return Err("bad group name".into());
        };
        let name = &rest[from..from + len];
        if name.is_empty()
            || !name.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_')
            || name[0].is_ascii_digit()
        {
            return Err("bad group name".into());
        }
        Ok((
            String::from_utf8_lossy(name).into_owned(),
            i + 2 + from + len + 1,
        ))
    };
    if rest.starts_with(b"P<") {
        let (name, next) = name_end(2, b'>')?;
        let _ = write!(out, "(?P<{name}>");
        return Ok(next);
    }
    if rest.starts_with(b"<") && !rest.starts_with(b"<=") && !rest.starts_with(b"<!") {
        let (name, next) = name_end(1, b'>')?;
        let _ = write!(out, "(?P<{name}>");
        return Ok(next);
    }
    if rest.starts_with(b"'") {
        let (name, next) = name_end(1, b'\'')?;
        let _ = write!(out, "(?P<{name}>");
        return Ok(next);
    }
    // Inline option settings: (?imsU-imsU) and (?imsU-imsU: ...).
    let mut k = 0;
    let mut flags = String::new();
    while k < rest.len() && matches!(rest[k], b'i' | b'm' | b's' | b'U' | b'-') {
        flags.push(char::from(rest[k]));
        k += 1;
    }
    match rest.get(k) {
        Some(b')') if !flags.is_empty() => {
            let _ = write!(out, "(?{flags})");
            Ok(i + 2 + k + 1)
        }
        Some(b':') if !flags.is_empty() => {
            let _ = write!(out, "(?{flags}:");
            Ok(i + 2 + k + 1)
        }
        _ => {
            let what = match rest.first() {
                Some(b'=' | b'!') => "look-ahead",
                Some(b'<') => "look-behind",
                Some(b'>') => "an atomic group",
                Some(b'|') => "a branch reset group",
                Some(b'(') => "a conditional group",
                _ => "this (? group",
            };
            Err(unsupported(what))
        }
    }
}

/// A PCRE character class at `p[start] == '['`; the index after it.
fn pcre_class(p: &[u8], start: usize, out: &mut String) -> Result<usize, String> {
    let mut j = start + 1;
    let negate = p.get(j) == Some(&b'^');
    if negate {
        j += 1;
    }
    let mut body = String::new();
    let mut first = true;
    // Previous single byte, which may start a range.
    loop {
        let Some(&c) = p.get(j) else {
            return Err("missing terminating ] for character class".into());
        };
        if c == b']' && !first {
            j += 1;
            break;
        }
        first = false;
        // One item: a byte, or a set.
        let item: Result<u8, String>;
        if c == b'[' && p.get(j + 1) == Some(&b':') {
            let from = j + 2;
            let mut k = from;
            while k + 1 < p.len() && !(p[k] == b':' && p[k + 1] == b']') {
                k += 1;
            }
            if k + 1 >= p.len() {
                return Err("missing terminating ] for character class".into());
            }
            let name = std::str::from_utf8(&p[from..k]).unwrap_or_default();
            let bare = name.strip_prefix('^').unwrap_or(name);
            if !POSIX_CLASSES.contains(&bare) && bare != "word" {
                return Err(format!("unknown POSIX class name {name}"));
            }
            let _ = write!(body, "[:{name}:]");
            j = k + 2;
            continue;
        } else if c == b'\\' {
            let d = p.get(j + 1).copied().unwrap_or(0);
            if let Some((set, negated)) = pcre_shorthand(d) {
                if negated {
                    let _ = write!(body, "[^{set}]");
                } else {
                    body.push_str(set);
                }
                j += 2;
                continue;
            }
            if d == b'b' {
                item = Ok(0x08);
                j += 2;
            } else if d == b'Q' {
                j += 2;
                while j < p.len() && !p[j..].starts_with(b"\\E") {
                    lit(&mut body, p[j]);
                    j += 1;
                }
                j += 2;
                continue;
            } else if d == b'E' {
                j += 2;
                continue;
            } else {
                match pcre_escape_literal(p, j)? {
                    Some((byte, next)) => {
                        item = Ok(byte);
                        j = next;
                    }
                    None => return Err(unsupported(&format!("\\{} in a class", char::from(d)))),
                }
            }
        } else {
            item = Ok(c);
            j += 1;
        }
        let low = item?;
        // A range?
        if p.get(j) == Some(&b'-') && p.get(j + 1).is_some_and(|&e| e != b']') {
            let high = if p[j + 1] == b'\\' {
                match pcre_escape_literal(p, j + 1)? {
                    Some((byte, next))
                        if pcre_shorthand(p.get(j + 2).copied().unwrap_or(0)).is_none() =>
                    {
                        j = next;
                        Some(byte)
                    }
                    _ => None,
                }
            } else if p[j + 1] == b'[' && p.get(j + 2) == Some(&b':') {
                None
            } else {
                let byte = p[j + 1];
                j += 2;
                Some(byte)
            };
            match high {
                Some(high) => {
                    if high < low {
                        return Err("range out of order in character class".into());
                    }
                    lit(&mut body, low);
                    body.push('-');
                    lit(&mut body, high);
                }
                None => {
                    // `a-\d`: the hyphen is literal.
                    lit(&mut body, low);
                    lit(&mut body, b'-');
                    j += 1;
                }
            }
        } else {
            lit(&mut body, low);
        }
    }
    out.push('[');
    if negate {
        out.push('^');
    }
    out.push_str(&body);
    out.push(']');
    Ok(j)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ere(p: &str) -> regex::bytes::Regex {
        let t = posix(p.as_bytes(), true, true, false).unwrap();
        regex::bytes::RegexBuilder::new(&t)
            .unicode(false)
            .build()
            .unwrap()
    }

    #[test]
    fn posix_brackets_are_literal_inside() {
        let r = ere("^[\\.]+$");
        assert!(r.is_match(b"\\.\\"));
        let r = ere("^[]a-]$");
        assert!(r.is_match(b"]") && r.is_match(b"-") && !r.is_match(b"b"));
        let r = ere("^[[:digit:]]{2,}$");
        assert!(r.is_match(b"12") && !r.is_match(b"1"));
        assert!(posix(b"(a)\\1", true, true, false).is_err());
    }

    #[test]
    fn posix_basic_syntax() {
        let t = posix(b"^a\\(b*\\)c+$", false, false, false).unwrap();
        let r = regex::bytes::RegexBuilder::new(&t)
            .unicode(false)
            .build()
            .unwrap();
        assert!(r.is_match(b"abbc+"));
        assert_eq!(r.captures_len(), 2);
    }

    #[test]
    fn pcre_constructs() {
        let o = PcreOptions {
            caseless: true,
            dotall: true,
            ..Default::default()
        };
        assert!(pcre(b"(?=a)", o).is_err());
        assert!(pcre(b"a++", o).is_err());
        let t = pcre(b"^(?<u>[^@]+)@x{2}\\.(?#c)com\\z", o).unwrap();
        let r = regex::bytes::RegexBuilder::new(&t)
            .unicode(false)
            .build()
            .unwrap();
        assert!(r.is_match(b"U@XX.com"));
        let t = pcre(b"a{,2}[a[]", o).unwrap();
        let r = regex::bytes::RegexBuilder::new(&t)
            .unicode(false)
            .build()
            .unwrap();
        assert!(r.is_match(b"a{,2}["));
    }
}
