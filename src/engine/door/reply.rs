//! How sendmail turns an error into an SMTP reply: `usrerr` and `fmtmsg`
//! (the reply code, the enhanced status code, `addr... ` for the codes
//! that concern an address), and `buildaddr`'s reading of a `$#error`
//! triple, which `rscheck` uses for the check rulesets.

use super::super::print::enhanced_code_len;

/// An SMTP reply: its code and the text after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    pub code: u16,
    pub text: String,
}

/// The reply codes after which `fmtmsg` names the address.
const NAMES_ADDRESS: [&str; 6] = ["050", "250", "252", "450", "550", "553"];

/// A reply code (`550 ` or `550-`) at the start of `text`.
fn smtp_code(text: &str) -> Option<&str> {
    let b = text.as_bytes();
    (b.len() >= 4 && b[..3].iter().all(u8::is_ascii_digit) && (b[3] == b' ' || b[3] == b'-'))
        .then(|| &text[..3])
}

/// The length of an enhanced status code at the start of `text` when the
/// byte after it is `delimiter` (`None`: the end of the text).
fn enhanced(text: &str, delimiter: Option<u8>) -> Option<usize> {
    let len = enhanced_code_len(text.as_bytes())?;
    (text.as_bytes().get(len).copied() == delimiter).then_some(len)
}

/// `usrerrenh(enhsc, fmt)`: `fmtmsg` with the default code 550 and the
/// given enhanced code for a message that has none.
pub fn usrerr_enh(enhsc: Option<&str>, message: &str, to: Option<&[u8]>) -> Reply {
    let (code, mut rest) = match smtp_code(message) {
        Some(code) => (code, &message[4..]),
        None => ("550", message),
    };
    let mut text = String::new();
    if let Some(len) = enhanced(rest, Some(b' ')) {
        text.push_str(&rest[..=len]);
        rest = &rest[len + 1..];
    } else if let Some(e) = enhsc.filter(|e| enhanced(e, None).is_some()) {
        text.push_str(e);
        text.push(' ');
    }
    if let Some(to) = to.filter(|t| !t.is_empty()) {
        if NAMES_ADDRESS.contains(&code) {
            text.extend(
                super::super::shorten(to)
                    .iter()
                    .map(|&b| char::from(b & 0x7F)),
            );
            text.push_str("... ");
        }
    }
    text.push_str(rest);
    Reply {
        code: code.parse().unwrap_or(550),
        text,
    }
}

/// `usrerr(fmt)`: the enhanced code defaults by the first byte of the
/// message (5.0.0 for a 5, 4.0.0 for a 4, 2.0.0 for a 2).
pub fn usrerr(message: &str, to: Option<&[u8]>) -> Reply {
    let enhsc = match message.as_bytes().first() {
        Some(b'5' | b'6') => Some("5.0.0"),
        Some(b'4' | b'8') => Some("4.0.0"),
        Some(b'2') => Some("2.0.0"),
        _ => None,
    };
    usrerr_enh(enhsc, message, to)
}

/// The reply `buildaddr` gives for `$#error $@ host $: user` (host and
/// user already joined, quotes still in the user part).
pub fn error_mailer(host: Option<&[u8]>, user: &[u8], to: Option<&[u8]>) -> Reply {
    let mut message = user.to_vec();
    super::super::rewrite::strip_quotes(&mut message);
    let message = String::from_utf8_lossy(&message).into_owned();
    let host = host.map(|h| String::from_utf8_lossy(h).into_owned());
    if smtp_code(&message).is_some() && message.as_bytes()[3] == b' ' {
        let rest = &message[4..];
        if enhanced(rest, Some(b' ')).is_some() {
            return usrerr(&message, to);
        }
        if let Some(h) = host.as_deref().filter(|h| enhanced(h, None).is_some()) {
            return usrerr_enh(Some(h), &message, to);
        }
        return usrerr(&message, to);
    }
    usrerr(&format!("553 5.3.0 {message}"), to)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(code: u16, text: &str) -> Reply {
        Reply {
            code,
            text: text.into(),
        }
    }

    #[test]
    fn error_triples_become_replies() {
        let to = Some(&b"<joe@example.net>"[..]);
        // $#error $@ 5.7.1 $: "550 Relaying denied"
        assert_eq!(
            error_mailer(Some(b"5.7.1"), b"\"550 Relaying denied\"", to),
            reply(550, "5.7.1 <joe@example.net>... Relaying denied")
        );
        // The enhanced code in the text wins over the one in $@.
        assert_eq!(
            error_mailer(Some(b"5.7.0"), b"550 5.7.1 Access denied", to),
            reply(550, "5.7.1 <joe@example.net>... Access denied")
        );
        // No code: 553 5.3.0.
        assert_eq!(
            error_mailer(None, b"Go away", to),
            reply(553, "5.3.0 <joe@example.net>... Go away")
        );
        // A code without an enhanced one, no DSN in $@: the default.
        assert_eq!(
            error_mailer(Some(b"nouser"), b"550 No such user", to),
            reply(550, "5.0.0 <joe@example.net>... No such user")
        );
        // 4xx: the address is named only for 450.
        assert_eq!(
            error_mailer(Some(b"4.7.1"), b"451 Try later", to),
            reply(451, "4.7.1 Try later")
        );
        assert_eq!(
            error_mailer(Some(b"4.2.0"), b"450 Busy", to),
            reply(450, "4.2.0 <joe@example.net>... Busy")
        );
        // 554 does not name the address; a code with no space after it is text.
        assert_eq!(
            error_mailer(None, b"554 5.7.1 Spam", to),
            reply(554, "5.7.1 Spam")
        );
        assert_eq!(
            error_mailer(None, b"550-x", to),
            reply(553, "5.3.0 <joe@example.net>... 550-x")
        );
    }

    #[test]
    fn messages_become_replies() {
        assert_eq!(
            usrerr("553 Unbalanced '<'", Some(b"<a<b>")),
            reply(553, "5.0.0 <a<b>... Unbalanced '<'")
        );
        assert_eq!(
            usrerr("554 5.3.5 buildaddr: unknown mailer x", Some(b"<a@b>")),
            reply(554, "5.3.5 buildaddr: unknown mailer x")
        );
        // A refused connection has no address.
        assert_eq!(
            usrerr("550 5.7.1 Access denied", None),
            reply(550, "5.7.1 Access denied")
        );
        assert_eq!(usrerr("Nothing", None), reply(550, "Nothing"));
    }
}
