use serde::Serialize;

use super::Origin;

/// Which recipients a route applies to.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Destination {
    /// One full address, `user@domain`.
    Address(String),
    /// Exactly this domain.
    Domain(String),
    /// Every subdomain of this domain, not the domain itself.
    Subdomains(String),
    /// Every destination no other route names.
    Everything,
}

/// A next-hop host, as sendmail's `$@` names it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct NextHop {
    pub host: String,
    /// Look up MX records first (`host`), or go straight to the host (`[host]`).
    pub mx_lookup: bool,
    pub port: Option<u16>,
}

impl NextHop {
    /// Reads sendmail's host forms: `host`, `[host]`, `[1.2.3.4]`, `host:port`
    /// is not sendmail syntax, so a colon stays part of the name.
    pub fn parse(text: &str) -> Option<NextHop> {
        let text = text.trim().trim_end_matches('.');
        if text.is_empty() {
            return None;
        }
        if let Some(inner) = text.strip_prefix('[') {
            let inner = inner
                .strip_suffix(']')
                .unwrap_or(inner)
                .trim_end_matches('.');
            if inner.is_empty() {
                return None;
            }
            return Some(NextHop {
                host: inner.to_ascii_lowercase(),
                mx_lookup: false,
                port: None,
            });
        }
        Some(NextHop {
            host: text.to_ascii_lowercase(),
            mx_lookup: true,
            port: None,
        })
    }

    /// Postfix's spelling: `[host]` suppresses MX lookups.
    pub fn postfix(&self) -> String {
        let host = if self.mx_lookup {
            self.host.clone()
        } else {
            format!("[{}]", self.host)
        };
        match self.port {
            Some(p) => format!("{host}:{p}"),
            None => host,
        }
    }
}

/// What kind of delivery agent a sendmail mailer is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MailerKind {
    /// SMTP to a remote host (`smtp`, `esmtp`, `smtp8`, `dsmtp`, `[IPC]` mailers).
    Smtp,
    /// SMTP to a relay that gets full addresses (`relay`).
    Relay,
    /// LMTP to a local or remote server.
    Lmtp,
    /// The local mailbox delivery agent.
    Local,
    /// Delivery through procmail.
    Procmail,
    /// Piping to programs (`prog`, `*file*`, `*include*`).
    Program,
    /// Cyrus IMAP delivery.
    Cyrus,
    /// UUCP via `uux`.
    Uucp,
    /// Bounce with an error.
    Error,
    /// Drop silently.
    Discard,
    /// Some other program the config pipes to.
    Pipe,
}

/// One Postfix transport, made from one sendmail mailer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Transport {
    /// The sendmail mailer name.
    pub mailer: String,
    /// The master.cf service name.
    pub service: String,
    pub kind: MailerKind,
    /// Program and arguments, for pipe transports.
    pub command: Option<String>,
    /// The user a pipe runs as.
    pub user: Option<String>,
    /// Postfix pipe(8) flags that match the mailer's F= flags.
    pub pipe_flags: String,
    /// Destination recipient limit (sendmail's `r=`; 1 without `m` flag for pipes).
    pub recipient_limit: Option<u32>,
    pub origin: Origin,
}

/// What happens to mail for a destination.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RouteAction {
    /// Hand to a transport, to a next hop or (for `None`) to the
    /// recipient's domain.
    Deliver {
        service: String,
        next_hop: Option<NextHop>,
    },
    /// Deliver on this host, optionally to one fixed user.
    Local {
        user: Option<String>,
    },
    /// Reject with this status and text.
    Error {
        status: String,
        code: Option<u16>,
        text: String,
    },
    Discard,
}

impl RouteAction {
    /// Delivery on this host: the local mailer, or a mailer whose Postfix
    /// service is `local` (procmail and other local delivery agents).
    pub fn is_local_delivery(&self) -> bool {
        match self {
            RouteAction::Local { .. } => true,
            RouteAction::Deliver { service, .. } => service == "local",
            _ => false,
        }
    }
}

/// One routing decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Route {
    pub destination: Destination,
    pub action: RouteAction,
    /// How the route was found: a map entry, a macro, or a probe address.
    pub evidence: String,
    pub origin: Origin,
}
