use std::fmt;

use serde::Serialize;

/// How the client's address resolved to a name: sendmail's
/// `{client_resolve}` values, which Postfix's XCLIENT `NAME=` can also
/// express (`[UNAVAILABLE]` for a permanent failure, `[TEMPUNAVAIL]` for
/// a temporary one).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Resolve {
    /// The address has a name, and the name resolves back to it.
    Ok,
    /// The address has no name (the lookup failed for good).
    Fail,
    /// The address has a name that does not resolve back to it.
    Forged,
    /// The lookup failed for now (no DNS answer).
    Temp,
}

impl Resolve {
    /// The value sendmail gives `{client_resolve}`.
    pub fn as_str(self) -> &'static str {
        match self {
            Resolve::Ok => "OK",
            Resolve::Fail => "FAIL",
            Resolve::Forged => "FORGED",
            Resolve::Temp => "TEMP",
        }
    }
}

/// An SMTP client as both servers see it when it connects.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Client {
    /// The client's IP address, as text (`203.0.113.9`, `2001:db8::1`).
    pub addr: String,
    /// The client's verified host name, when `resolve` is [`Resolve::Ok`]
    /// (or the unverified one, when [`Resolve::Forged`]); lower case.
    pub name: Option<String>,
    pub resolve: Resolve,
    /// The name the client gives in HELO/EHLO.
    pub helo: String,
}

/// The outside client both the inference and the comparisons ask for: an
/// address of TEST-NET-3 with no name, as a spam source or an unknown MX
/// client is.
pub const OUTSIDE_CLIENT: &str = "203.0.113.9";

impl Client {
    /// A client with no name: what an outside host without reverse DNS is.
    pub fn unnamed(addr: &str) -> Client {
        Client {
            addr: addr.to_owned(),
            name: None,
            resolve: Resolve::Fail,
            helo: "client.example".into(),
        }
    }

    /// A client whose address resolves to `name` and back.
    pub fn named(addr: &str, name: &str) -> Client {
        Client {
            addr: addr.to_owned(),
            name: Some(name.to_ascii_lowercase()),
            resolve: Resolve::Ok,
            helo: name.to_ascii_lowercase(),
        }
    }

    /// Reads `ADDR` or `ADDR,NAME` (the `--client` option's form).
    pub fn parse(text: &str) -> Result<Client, String> {
        let (addr, name) = match text.split_once(',') {
            Some((a, n)) => (a.trim(), Some(n.trim())),
            None => (text.trim(), None),
        };
        let bare = addr.trim_start_matches('[').trim_end_matches(']');
        let bare = bare
            .strip_prefix("IPv6:")
            .or_else(|| bare.strip_prefix("ipv6:"))
            .unwrap_or(bare);
        if bare.parse::<std::net::IpAddr>().is_err() {
            return Err(format!("`{addr}` is not an IP address"));
        }
        match name {
            Some(n) if !n.is_empty() => {
                if !n
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
                {
                    return Err(format!("`{n}` is not a host name"));
                }
                Ok(Client::named(bare, n))
            }
            _ => Ok(Client::unnamed(bare)),
        }
    }

    /// `{client_name}` as sendmail sets it: the name, or the address in
    /// brackets when there is none.
    pub fn sendmail_name(&self) -> String {
        match (&self.name, self.resolve) {
            (Some(n), Resolve::Ok | Resolve::Forged) => n.clone(),
            _ => format!("[{}]", self.addr),
        }
    }
}

impl fmt::Display for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.name {
            Some(n) => write!(f, "{} ({n})", self.addr),
            None => write!(f, "{} (no name)", self.addr),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_option_form() {
        let c = Client::parse("192.0.2.7,Relay.Example.COM").unwrap();
        assert_eq!(c.addr, "192.0.2.7");
        assert_eq!(c.name.as_deref(), Some("relay.example.com"));
        assert_eq!(c.resolve, Resolve::Ok);
        assert_eq!(Client::parse("[2001:db8::1]").unwrap().addr, "2001:db8::1");
        assert_eq!(
            Client::parse("203.0.113.9").unwrap().sendmail_name(),
            "[203.0.113.9]"
        );
        assert!(Client::parse("not-an-ip").is_err());
        assert!(Client::parse("192.0.2.7,bad name").is_err());
    }
}
