//! Turning configuration text into sendmail's internal form and expanding
//! macros in it.
//!
//! `translate` does what sendmail does to every line when it reads it:
//! 8-bit bytes that could be mistaken for operators are quoted, `$$` becomes
//! a literal `$`, and every other `$` sequence becomes the MACROEXPAND byte
//! followed by the macro id. `expand` then substitutes macro values (the
//! operators themselves are predefined macros) and evaluates conditionals.

use super::macros::{MacroNames, MacroValues};
use super::meta::{CONDELSE, CONDFI, CONDIF, MACROEXPAND, METAQUOTE};

/// The size of sendmail's expansion buffer.
pub const EXPAND_BUFFER: usize = 4096;
/// How deep macro values may refer to other macros.
pub const MAX_MACRO_RECURSION: usize = 10;

/// Prefixes 0x80..0x9F and 0xFF with METAQUOTE so they stay literal.
pub fn quote_internal(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    for &b in text {
        if b & 0xE0 == 0x80 || b == METAQUOTE {
            out.push(METAQUOTE);
        }
        out.push(b);
    }
    out
}

/// sendmail's `translate_dollars`. With `comments`, a `#` (not `$#`, not
/// `\#`) ends the text along with the white space before it, as at
/// configuration level 3 and above. Errors are sendmail's messages.
pub fn translate(
    text: &[u8],
    comments: bool,
    names: &mut MacroNames,
    errors: &mut Vec<String>,
) -> Vec<u8> {
    let text = quote_internal(text);
    let mut out: Vec<u8> = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        let c = text[i];
        if c == b'#' && comments && !out.is_empty() {
            match out.last() {
                Some(&MACROEXPAND) => {}
                Some(b'\\') => {
                    out.pop();
                    out.push(b'#');
                    i += 1;
                    continue;
                }
                _ => {
                    while out.len() > 1
                        && out
                            .last()
                            .is_some_and(|b| b.is_ascii_whitespace() && *b != b'\n')
                    {
                        out.pop();
                    }
                    match text[i..].iter().position(|&b| b == b'\n') {
                        Some(nl) => {
                            i += nl;
                            continue;
                        }
                        None => break,
                    }
                }
            }
        }
        if c != b'$' || i + 1 >= text.len() {
            out.push(c);
            i += 1;
            continue;
        }
        if text[i + 1] == b'$' {
            out.push(b'$');
            i += 2;
            continue;
        }
        out.push(MACROEXPAND);
        i += 1;
        if matches!(text[i], b'=' | b'~' | b'&' | b'?') {
            out.push(text[i]);
            i += 1;
        }
        let (id, used) = names.parse(&text[i..]);
        match id {
            Ok(id) => {
                out.push(id);
                i += used;
            }
            Err(error) => {
                errors.push(error.message());
                // sendmail stores a NUL here, which ends the string.
                return trim_end(out);
            }
        }
    }
    trim_end(out)
}

fn trim_end(mut out: Vec<u8>) -> Vec<u8> {
    while out.len() > 1 && out.last().is_some_and(|b| b.is_ascii_whitespace()) {
        out.pop();
    }
    out
}

/// sendmail's `munchstring` over a whole value: `"` toggles quoting and is
/// dropped, `\r \n \f \b` are control characters, `\x` is `x`.
pub fn munch(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut backslash = false;
    for &c in text {
        if out.len() >= 2047 {
            break;
        }
        if backslash {
            backslash = false;
            out.push(match c {
                b'r' => b'\r',
                b'n' => b'\n',
                b'f' => 0x0c,
                b'b' => 0x08,
                other => other,
            });
        } else if c == b'\\' {
            backslash = true;
        } else if c != b'"' {
            out.push(c);
        }
    }
    out
}

/// sendmail's `expand`: macro values substituted, conditionals evaluated,
/// repeated while the result still holds operator bytes that came from a
/// value (up to ten levels). The result is cut to `limit - 1` bytes.
pub fn expand(
    text: &[u8],
    macros: &MacroValues,
    limit: usize,
    errors: &mut Vec<String>,
) -> Vec<u8> {
    expand_level(text, macros, limit, 0, errors)
}

fn expand_level(
    text: &[u8],
    macros: &MacroValues,
    limit: usize,
    level: usize,
    errors: &mut Vec<String>,
) -> Vec<u8> {
    let cap = EXPAND_BUFFER - 1;
    let mut out: Vec<u8> = Vec::with_capacity(text.len().min(cap));
    let mut recurse = false;
    let mut skipping = false;
    let mut skip_level = 0usize;
    let mut if_level = 0usize;
    let mut quote_next = false;
    let mut i = 0;
    while i < text.len() {
        let c = text[i];
        if c == 0 {
            break;
        }
        let mut value: Option<&[u8]> = None;
        if quote_next {
            quote_next = false;
        } else {
            match c {
                CONDIF => {
                    if_level += 1;
                    i += 1;
                    let id = text.get(i).copied().unwrap_or(0);
                    if skipping {
                        skip_level += 1;
                    } else {
                        skipping = macros.get(id).map_or(true, <[u8]>::is_empty);
                    }
                    i += 1;
                    continue;
                }
                CONDELSE if if_level > 0 => {
                    if skip_level == 0 {
                        skipping = !skipping;
                    }
                    i += 1;
                    continue;
                }
                CONDFI if if_level > 0 => {
                    if_level -= 1;
                    if skip_level == 0 {
                        skipping = false;
                    }
                    if skipping {
                        skip_level -= 1;
                    }
                    i += 1;
                    continue;
                }
                MACROEXPAND => {
                    let id = text.get(i + 1).copied().unwrap_or(0);
                    if id == 0 {
                        i += 1;
                        continue;
                    }
                    i += 2;
                    match macros.get(id) {
                        Some(v) => value = Some(v),
                        None => continue,
                    }
                }
                METAQUOTE => quote_next = true,
                _ => {}
            }
        }
        if value.is_none() {
            i += 1;
        }
        if skipping || out.len() >= cap {
            continue;
        }
        match value {
            None => out.push(c),
            Some(v) => {
                let mut hide = false;
                for &b in v {
                    if b == 0 || out.len() >= cap {
                        break;
                    }
                    if !hide && b & 0xE0 == 0x80 {
                        recurse = true;
                    }
                    out.push(b);
                    hide = b == METAQUOTE;
                }
            }
        }
    }
    if recurse {
        if level < MAX_MACRO_RECURSION {
            return expand_level(&out, macros, limit, level + 1, errors);
        }
        errors.push(format!(
            "expand: recursion too deep ({MAX_MACRO_RECURSION} max)"
        ));
    }
    out.truncate(limit.saturating_sub(1));
    out
}
