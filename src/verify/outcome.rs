//! What happens to one address on either side, in comparable form.
//!
//! Normalization (documented in the README): the transport kinds `esmtp`,
//! `smtp`, `smtp8`, `dsmtp`, `relay` are all `smtp` (one SMTP client);
//! `local` and `prog` are `local`; `error` and `retry` are `error`; the
//! next hop loses `[ ]`, a `:port` and a trailing dot and is compared
//! without case; a next hop that is the recipient's own domain counts as
//! none; local deliveries compare the user only; errors compare the kind
//! only (their texts are worded differently by the two programs).

use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Outcome {
    /// smtp, local, error, discard, lmtp, virtual, or a pipe service name.
    pub kind: String,
    pub next_hop: String,
    pub recipient: String,
    /// What decided it: a sendmail rule (`file:line: text`) or a Postfix
    /// parameter or table.
    pub decided_by: String,
}

/// The transport kind of a sendmail mailer or Postfix transport name.
pub fn kind(name: &str) -> String {
    match name.to_ascii_lowercase().as_str() {
        "esmtp" | "smtp" | "smtp8" | "dsmtp" | "relay" => "smtp".into(),
        "local" | "prog" | "*file*" | "*include*" => "local".into(),
        "error" | "*error*" | "retry" => "error".into(),
        other => other.to_owned(),
    }
}

fn domain_of(recipient: &str) -> &str {
    recipient.rsplit_once('@').map_or("", |(_, d)| d)
}

/// A next hop without brackets, port, trailing dot or case; none when it
/// is the recipient's domain.
pub fn next_hop(hop: &str, recipient: &str) -> String {
    let hop = hop.trim();
    let hop = match hop.strip_prefix('[') {
        Some(inner) => inner.split(']').next().unwrap_or(inner),
        None => hop.split(':').next().unwrap_or(hop),
    };
    let hop = hop.trim_end_matches('.').to_ascii_lowercase();
    let domain = domain_of(recipient)
        .trim_matches(['[', ']'])
        .trim_end_matches('.')
        .to_ascii_lowercase();
    if hop == domain {
        String::new()
    } else {
        hop
    }
}

/// A recipient with a lower-case domain and no trailing dot.
pub fn recipient(address: &str) -> String {
    let address = address.trim().trim_matches(['<', '>']);
    match address.rsplit_once('@') {
        Some((user, domain)) => format!(
            "{user}@{}",
            domain.trim_end_matches('.').to_ascii_lowercase()
        ),
        None => address.to_owned(),
    }
}

fn local_part(address: &str) -> String {
    address
        .rsplit_once('@')
        .map_or(address, |(u, _)| u)
        .to_ascii_lowercase()
}

impl Outcome {
    /// Do the two outcomes mean the same delivery?
    pub fn same_as(&self, other: &Outcome) -> bool {
        if self.kind != other.kind {
            return false;
        }
        match self.kind.as_str() {
            "error" | "discard" => true,
            "local" => local_part(&self.recipient) == local_part(&other.recipient),
            _ => {
                self.next_hop == other.next_hop
                    && self.recipient.eq_ignore_ascii_case(&other.recipient)
            }
        }
    }

    /// `smtp to mx.example.org, recipient user@example.org`.
    pub fn describe(&self) -> String {
        let mut s = self.kind.clone();
        if !self.next_hop.is_empty() {
            s.push_str(" to ");
            s.push_str(&self.next_hop);
        }
        if !self.recipient.is_empty() && self.kind != "error" {
            s.push_str(", recipient ");
            s.push_str(&self.recipient);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalization() {
        assert_eq!(kind("esmtp"), "smtp");
        assert_eq!(kind("relay"), "smtp");
        assert_eq!(
            next_hop("[mx.example.org]:25", "u@example.org"),
            "mx.example.org"
        );
        assert_eq!(next_hop("example.org.", "u@example.org"), "");
        assert_eq!(recipient("<u@Example.ORG.>"), "u@example.org");
        let a = Outcome {
            kind: "local".into(),
            next_hop: String::new(),
            recipient: "User".into(),
            decided_by: String::new(),
        };
        let b = Outcome {
            kind: "local".into(),
            next_hop: String::new(),
            recipient: "user@host".into(),
            decided_by: String::new(),
        };
        assert!(a.same_as(&b));
    }
}
