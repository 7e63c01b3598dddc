//! The right-hand side of sendmail's `error` results, shared by the
//! mailertable, the virtusertable and the access map.
//!
//! Forms seen in practice, after the `error:` (or `ERROR:`) tag:
//! `D.S.N:code text`, `D.S.N:"code text"`, `code text`, `"code text"`,
//! `word code text` (a sendmail exit-status name such as `nouser`), and bare
//! text. A text that itself begins with a `D.S.N` is split as well.

/// An error result taken apart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorValue {
    /// `D.S.N`, or an exit-status word such as `nouser`.
    pub status: Option<String>,
    /// The SMTP reply code, when written.
    pub code: Option<u16>,
    /// The message, without quotes.
    pub text: String,
}

impl ErrorValue {
    /// Parses the text after `error:`; never fails (an empty text gives an
    /// empty message).
    pub fn parse(text: &str) -> ErrorValue {
        let mut rest = text.trim();
        let mut status = None;
        if let Some((head, tail)) = rest.split_once(':') {
            if is_dsn(head.trim()) {
                status = Some(head.trim().to_owned());
                rest = tail.trim();
            }
        }
        if status.is_none() {
            let word_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            let (word, tail) = rest.split_at(word_end);
            let tail = tail.trim_start();
            let looks_like_code = tail
                .trim_start_matches('"')
                .starts_with(|c: char| c.is_ascii_digit());
            if !word.is_empty()
                && word.chars().all(|c| c.is_ascii_alphabetic())
                && (looks_like_code || tail.is_empty())
                && is_status_word(word)
            {
                status = Some(word.to_ascii_lowercase());
                rest = tail;
            }
        }
        let rest = unquote(rest);
        let (code, rest) = split_code(rest);
        let mut text = rest.trim().to_owned();
        if status.is_none() {
            let word_end = text.find(char::is_whitespace).unwrap_or(text.len());
            if word_end > 0 && is_dsn(&text[..word_end]) {
                status = Some(text[..word_end].to_owned());
                text = text[word_end..].trim().to_owned();
            }
        }
        ErrorValue { status, code, text }
    }

    /// The status as written, or what sendmail reports without one:
    /// `4.0.0` for a 4xx code, `5.0.0` otherwise.
    pub fn status_or_default(&self) -> String {
        match &self.status {
            Some(s) => s.clone(),
            None if self.is_temporary() => "4.0.0".to_owned(),
            None => "5.0.0".to_owned(),
        }
    }

    /// True when the error is temporary (a 4xx code or a 4.x.x status).
    pub fn is_temporary(&self) -> bool {
        match (self.code, &self.status) {
            (Some(c), _) => (400..500).contains(&c),
            (None, Some(s)) => s.starts_with('4') || s == "tempfail",
            _ => false,
        }
    }
}

/// Exit-status names sendmail's `error` mailer accepts in `$@`.
fn is_status_word(word: &str) -> bool {
    matches!(
        word.to_ascii_lowercase().as_str(),
        "nouser"
            | "nohost"
            | "unavailable"
            | "software"
            | "tempfail"
            | "protocol"
            | "config"
            | "dataerr"
            | "noinput"
            | "noperm"
            | "oserr"
            | "osfile"
            | "cantcreat"
            | "ioerr"
            | "usage"
            | "quarantine"
    )
}

/// `D.S.N` with a class digit and two numbers.
pub fn is_dsn(text: &str) -> bool {
    let parts: Vec<&str> = text.split('.').collect();
    parts.len() == 3
        && matches!(parts[0], "2" | "4" | "5")
        && parts[1..]
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 3 && p.chars().all(|c| c.is_ascii_digit()))
}

/// Removes one pair of surrounding double quotes (or a lone leading one).
fn unquote(text: &str) -> &str {
    let text = text.trim();
    match text.strip_prefix('"') {
        Some(inner) => inner.strip_suffix('"').unwrap_or(inner),
        None => text,
    }
}

/// Splits a leading three-digit reply code off `text`.
fn split_code(text: &str) -> (Option<u16>, &str) {
    let text = text.trim_start();
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    if digits != 3 {
        return (None, text);
    }
    let (num, rest) = text.split_at(3);
    if !(rest.is_empty() || rest.starts_with([' ', '\t', '-'])) {
        return (None, text);
    }
    (num.parse().ok(), rest.trim_start_matches('-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> (Option<String>, Option<u16>, String) {
        let e = ErrorValue::parse(s);
        (e.status, e.code, e.text)
    }

    #[test]
    fn dsn_code_text() {
        assert_eq!(
            p("5.7.0:550 Address invalid"),
            (Some("5.7.0".into()), Some(550), "Address invalid".into())
        );
        assert_eq!(
            p("4.2.2:\"450 mailbox full\""),
            (Some("4.2.2".into()), Some(450), "mailbox full".into())
        );
    }

    #[test]
    fn code_text() {
        assert_eq!(p("550 go away"), (None, Some(550), "go away".into()));
        assert_eq!(p("\"550 We don't\""), (None, Some(550), "We don't".into()));
    }

    #[test]
    fn status_word() {
        assert_eq!(
            p("nouser 550 No such user here"),
            (Some("nouser".into()), Some(550), "No such user here".into())
        );
        assert_eq!(p("nouser"), (Some("nouser".into()), None, String::new()));
    }

    #[test]
    fn plain_text_and_embedded_dsn() {
        assert_eq!(p("User unknown"), (None, None, "User unknown".into()));
        assert_eq!(
            p("550 5.7.1 no"),
            (Some("5.7.1".into()), Some(550), "no".into())
        );
        assert_eq!(p(""), (None, None, String::new()));
        assert_eq!(p("5500 x"), (None, None, "5500 x".into()));
    }

    #[test]
    fn temporary() {
        assert!(ErrorValue::parse("450 busy").is_temporary());
        assert!(ErrorValue::parse("4.3.0:try later").is_temporary());
        assert!(!ErrorValue::parse("550 no").is_temporary());
    }

    #[test]
    fn dsn_shape() {
        assert!(!is_dsn("5.x.1"));
        assert!(is_dsn("2.0.0"));
        assert!(!is_dsn("5.1"));
    }
}
