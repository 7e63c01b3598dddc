//! smtpd's reply texts: `smtpd_check_reject` (code range, enhanced status
//! checks, `soft_bounce`, the status's class made the code's), RFC 3463
//! status parsing (`dsn_valid`, `dsn_split`) and `smtpd_dsn_fix`.

/// One reply smtpd would send, and what decided it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    pub code: u16,
    /// The enhanced status code (`5.7.1`).
    pub dsn: String,
    /// The text after the enhanced status.
    pub text: String,
    /// The parameter and restriction (and table key) that decided.
    pub by: String,
}

/// What the text names: `<x@y>: Recipient address rejected: ...`.
pub const CLIENT: &str = "Client host";
pub const REVERSE_CLIENT: &str = "Unverified Client host";
pub const HELO: &str = "Helo command";
pub const SENDER: &str = "Sender address";
pub const RECIPIENT: &str = "Recipient address";

/// The length of the RFC 3463 status at the start of `text`, or 0
/// (Postfix `dsn_valid`).
pub fn dsn_valid(text: &str) -> usize {
    let b = text.as_bytes();
    if b.len() < 2 || !matches!(b[0], b'2' | b'4' | b'5') || b[1] != b'.' {
        return 0;
    }
    let digits = |from: usize| b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
    let second = digits(2);
    if !(1..=3).contains(&second) || b.get(2 + second) != Some(&b'.') {
        return 0;
    }
    let start = 3 + second;
    let third = digits(start);
    if !(1..=3).contains(&third) {
        return 0;
    }
    match b.get(start + third) {
        None => start + third,
        Some(c) if c.is_ascii_whitespace() => start + third,
        Some(_) => 0,
    }
}

/// `dsn_split`: an optional status at the start of `text` (else
/// `default`), and the rest, leading white space skipped.
pub fn dsn_split(default: &str, text: &str) -> (String, String) {
    let text = text.trim_start();
    let len = dsn_valid(text);
    if len > 0 {
        (text[..len].to_owned(), text[len..].trim_start().to_owned())
    } else {
        (default.to_owned(), text.to_owned())
    }
}

/// `smtpd_dsn_fix`: an address status (`X.1.Y`) made to fit what is
/// reported on.
pub fn dsn_fix(status: &str, class: &str) -> String {
    let b = status.as_bytes();
    if !(b.len() > 4 && b[0].is_ascii_digit() && &status[1..4] == ".1.") {
        return status.to_owned();
    }
    let micro = &status[4..];
    let (sender, recipient) = match micro {
        "1" => ("4.1.0", "4.1.1"),
        "2" => ("4.1.8", "4.1.2"),
        "3" => ("4.1.7", "4.1.3"),
        "4" => ("4.1.0", "4.1.4"),
        "5" => ("4.1.0", "4.1.5"),
        "6" => ("4.1.0", "4.1.6"),
        "7" => ("4.1.7", "4.1.3"),
        "8" => ("4.1.8", "4.1.2"),
        _ => ("4.1.0", "4.1.0"),
    };
    if class == SENDER {
        sender.to_owned()
    } else if class == RECIPIENT {
        recipient.to_owned()
    } else {
        "4.0.0".to_owned()
    }
}

impl Reply {
    /// `smtpd_check_reject`'s formatting: a code outside 400..599 or a bad
    /// status becomes `450 4.7.1 Service unavailable`; the line is cut at
    /// 510 bytes; `soft_bounce` turns 5 into 4; the status's class is the
    /// code's.
    pub fn new(code: u16, dsn: &str, text: String, by: String, soft_bounce: bool) -> Reply {
        let (mut code, mut dsn, mut text) = if !(400..=599).contains(&code) || dsn_valid(dsn) == 0 {
            (450, "4.7.1".to_owned(), "Service unavailable".to_owned())
        } else {
            (code, dsn.to_owned(), text)
        };
        // "CODE DSN TEXT" is cut at 510 bytes.
        let room = 510usize.saturating_sub(4 + dsn.len() + 1);
        if text.len() > room {
            let mut cut = room;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text.truncate(cut);
        }
        text = printable(&text);
        if soft_bounce && code / 100 == 5 {
            code -= 100;
        }
        let class = char::from(b'0' + (code / 100) as u8);
        dsn.replace_range(0..1, &class.to_string());
        Reply {
            code,
            dsn,
            text,
            by,
        }
    }

    /// `451 4.3.0 <name>: Temporary lookup failure` (`reject_dict_retry`).
    pub fn dict_retry(name: &str, by: String) -> Reply {
        Reply::new(
            451,
            "4.3.0",
            format!("<{name}>: Temporary lookup failure"),
            by,
            false,
        )
    }

    /// `451 4.3.5 Server configuration error` (`reject_server_error`).
    pub fn server_error(by: String) -> Reply {
        Reply::new(451, "4.3.5", "Server configuration error".into(), by, false)
    }
}

/// Postfix `printable(text, ' ')`: control characters become spaces
/// (valid UTF-8 is kept).
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_codes() {
        assert_eq!(dsn_valid("5.7.1 text"), 5);
        assert_eq!(dsn_valid("4.123.456"), 9);
        assert_eq!(dsn_valid("3.1.1"), 0);
        assert_eq!(dsn_valid("5.1.1x"), 0);
        assert_eq!(
            dsn_split("5.7.1", "  4.2.0 go away"),
            ("4.2.0".into(), "go away".into())
        );
        assert_eq!(dsn_split("5.7.1", "go"), ("5.7.1".into(), "go".into()));
        assert_eq!(dsn_fix("5.1.1", SENDER), "4.1.0");
        assert_eq!(dsn_fix("5.1.8", RECIPIENT), "4.1.2");
        assert_eq!(dsn_fix("5.1.1", CLIENT), "4.0.0");
        assert_eq!(dsn_fix("5.7.1", CLIENT), "5.7.1");
        let r = Reply::new(554, "4.7.1", "x".into(), String::new(), false);
        assert_eq!((r.code, r.dsn.as_str()), (554, "5.7.1"));
        let r = Reply::new(200, "5.7.1", "x".into(), String::new(), false);
        assert_eq!((r.code, r.text.as_str()), (450, "Service unavailable"));
    }
}
