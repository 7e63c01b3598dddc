//! How sendmail prints tokens in address test mode (`xputs`), and how it
//! formats its error messages there.

use super::macros::MacroNames;
use super::meta::{MACRODEXPAND, MACROEXPAND, MATCHCLASS, MATCHNCLASS, MATCHREPL, META_MACROS};

/// One token (or any internal string) as `xputs` shows it.
pub fn print_token(token: &[u8], names: Option<&MacroNames>) -> Vec<u8> {
    let mut out = Vec::with_capacity(token.len() + 4);
    print_token_into(&mut out, token, names);
    out
}

/// [`print_token`] appended to `out`.
pub fn print_token_into(out: &mut Vec<u8>, token: &[u8], names: Option<&MacroNames>) {
    // Most tokens are plain printable text, which `xputs` shows as is.
    if token.iter().all(|&c| plain(c)) {
        out.extend_from_slice(token);
        return;
    }
    // A macro or class id: the byte itself, or `{name}` for a long name.
    let push_name = |out: &mut Vec<u8>, id: u8| {
        if id & 0x80 != 0 {
            out.push(b'{');
            match names {
                Some(n) => out.extend(n.name_of(id)),
                None => out.push(id),
            }
            out.push(b'}');
        } else {
            out.push(id);
        }
    };
    let mut i = 0;
    while i < token.len() {
        let mut c = token[i];
        i += 1;
        if c == 0 {
            break;
        }
        if !c.is_ascii() {
            if c == MATCHREPL {
                out.push(b'$');
                match token.get(i) {
                    None | Some(0) => continue,
                    Some(&d) => {
                        c = d;
                        i += 1;
                        print_char(out, c);
                        continue;
                    }
                }
            }
            if c == MACROEXPAND || c == MACRODEXPAND {
                out.push(b'$');
                if c == MACRODEXPAND {
                    out.push(b'&');
                }
                let Some(&next) = token.get(i) else { continue };
                if next == 0 {
                    continue;
                }
                let mut id = next;
                if b"=~&?".contains(&next) {
                    out.push(next);
                    i += 1;
                    match token.get(i) {
                        Some(&n) => id = n,
                        None => continue,
                    }
                }
                push_name(out, id);
                i += 1;
                continue;
            }
            if c == super::meta::SUNMATCH || c == super::meta::SUNNOMATCH {
                out.extend(if c == super::meta::SUNMATCH {
                    b"$%"
                } else {
                    b"$!"
                });
                if let Some(&id) = token.get(i) {
                    push_name(out, id);
                    i += 1;
                }
                continue;
            }
            let meta = META_MACROS
                .iter()
                .take_while(|(n, _)| *n != 0)
                .find(|(_, v)| *v == c);
            if let Some((name, _)) = meta {
                out.push(b'$');
                out.push(*name);
            }
            if c == MATCHCLASS || c == MATCHNCLASS {
                if let Some(&id) = token.get(i).filter(|&&id| id != 0) {
                    push_name(out, id);
                    i += 1;
                }
            }
            if meta.is_some() {
                continue;
            }
            out.extend(b"M-");
            c &= 0x7F;
        }
        print_char(out, c);
    }
}

/// Bytes `xputs` prints as themselves: printable ASCII and space.
fn plain(c: u8) -> bool {
    (b' '..=b'~').contains(&c)
}

fn print_char(out: &mut Vec<u8>, c: u8) {
    if c.is_ascii_graphic() || c == b' ' {
        out.push(c);
        return;
    }
    let shown = match c {
        b'\n' => b'n',
        b'\r' => b'r',
        b'\t' => b't',
        other => other,
    };
    if shown.is_ascii_graphic() || shown == b' ' {
        out.push(b'\\');
        out.push(shown);
    } else if !shown.is_ascii() {
        out.push(b'^');
        out.push(shown ^ 0x40);
    }
}

/// A token vector as `printav` prints it: a space before each token, then
/// a newline.
pub fn print_tokens<T: AsRef<[u8]>>(tokens: &[T], names: Option<&MacroNames>) -> Vec<u8> {
    let mut out = Vec::new();
    print_tokens_into(&mut out, tokens, names);
    out
}

/// [`print_tokens`] appended to `out`.
pub fn print_tokens_into<T: AsRef<[u8]>>(
    out: &mut Vec<u8>,
    tokens: &[T],
    names: Option<&MacroNames>,
) {
    // Room for the usual case, where each token prints as itself.
    out.reserve(tokens.iter().map(|t| t.as_ref().len() + 1).sum::<usize>() + 1);
    for t in tokens {
        out.push(b' ');
        let t = t.as_ref();
        // The common case inline; `print_token_into` checks again.
        if t.iter().all(|&c| plain(c)) {
            out.extend_from_slice(t);
        } else {
            print_token_into(out, t, names);
        }
    }
    out.push(b'\n');
}

/// The text sendmail prints for an error in address test mode: the reply
/// code and enhanced status code are dropped; for the codes that concern
/// an address (050 250 252 450 550 553) the address comes first.
pub fn error_text(message: &str, to: Option<&[u8]>) -> Vec<u8> {
    let bytes = message.as_bytes();
    let is_code = bytes.len() >= 4
        && bytes[..3].iter().all(u8::is_ascii_digit)
        && (bytes[3] == b' ' || bytes[3] == b'-');
    let (code, mut text) = if is_code {
        (&message[..3], &message[4..])
    } else {
        ("554", message)
    };
    if let Some(len) = enhanced_code_len(text.as_bytes()) {
        if text.as_bytes().get(len) == Some(&b' ') {
            text = &text[len + 1..];
        }
    }
    let mut out = Vec::new();
    if let Some(to) = to.filter(|t| !t.is_empty()) {
        if ["050", "250", "252", "450", "550", "553"].contains(&code) {
            out.extend(super::shorten(to).iter().map(|b| b & 0x7F));
            out.extend(b"... ");
        }
    }
    out.extend(text.bytes().map(|b| b & 0x7F));
    out
}

/// The length of an enhanced status code (`5.1.2`) at the start of `text`.
pub fn enhanced_code_len(text: &[u8]) -> Option<usize> {
    let mut i = 0;
    if !matches!(text.first(), Some(b'2' | b'4' | b'5')) || text.get(1) != Some(&b'.') {
        return None;
    }
    i += 2;
    for part in 0..2 {
        let start = i;
        while text.get(i).is_some_and(u8::is_ascii_digit) && i - start < 3 {
            i += 1;
        }
        if i == start {
            return None;
        }
        if part == 0 {
            if text.get(i) != Some(&b'.') {
                return None;
            }
            i += 1;
        }
    }
    if text.get(i).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    Some(i)
}
