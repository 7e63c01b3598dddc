use std::fmt;

use serde::Serialize;

/// The SMTP command whose reply decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// The greeting (sendmail's `check_relay`, a `Connect:` entry).
    Connect,
    /// HELO/EHLO.
    Helo,
    /// MAIL FROM (`check_mail`, the sender's parse).
    Mail,
    /// RCPT TO (`check_rcpt`, the recipient's parse and user check).
    Rcpt,
}

/// What the server's reply means for the message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Answer {
    /// 2xx: accepted.
    Accept,
    /// 4xx: try again later.
    Defer,
    /// 5xx: refused for good.
    Reject,
}

impl Answer {
    /// The answer a reply code means (`250`, `451`, `550`...).
    pub fn of_code(code: u16) -> Answer {
        match code / 100 {
            2 | 3 => Answer::Accept,
            4 => Answer::Defer,
            _ => Answer::Reject,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Answer::Accept => "accept",
            Answer::Defer => "defer",
            Answer::Reject => "reject",
        }
    }
}

impl fmt::Display for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A server's answer to one (client, sender, recipient) transaction: the
/// first reply that was not a success, or the RCPT's success.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub stage: Stage,
    pub answer: Answer,
    /// The reply code (`250`, `553`...).
    pub code: u16,
    /// The reply text after the code, enhanced status included.
    pub text: String,
    /// What decided: the sendmail rule (`file:line: text`) or the Postfix
    /// restriction (`smtpd_relay_restrictions: reject_unauth_destination`).
    pub decided_by: String,
}

impl Verdict {
    /// A verdict with the answer its code means.
    pub fn new(
        stage: Stage,
        code: u16,
        text: impl Into<String>,
        decided_by: impl Into<String>,
    ) -> Verdict {
        Verdict {
            stage,
            answer: Answer::of_code(code),
            code,
            text: text.into(),
            decided_by: decided_by.into(),
        }
    }

    /// RCPT accepted.
    pub fn accepted(decided_by: impl Into<String>) -> Verdict {
        Verdict::new(Stage::Rcpt, 250, "2.1.5 Ok", decided_by)
    }
}
