use serde::Serialize;

use super::{Origin, Sourced};

/// The aliases database and what it needs.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Aliases {
    /// Alias files (`AliasFile`), without the map class.
    pub files: Vec<Sourced<String>>,
    /// Entries read from the alias files that were available.
    pub entries: Vec<Sourced<(String, String)>>,
}

/// How mail for local users is stored.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LocalDeliveryKind {
    /// The local delivery agent writes the mailbox (`mail.local`, `/bin/mail`).
    #[default]
    Mailbox,
    /// A program delivers every mailbox (procmail, maildrop).
    Command,
    /// An LMTP server (`local_lmtp`, cyrus).
    Lmtp,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct LocalDelivery {
    pub kind: LocalDeliveryKind,
    /// The mailbox program with its arguments, in Postfix's terms.
    pub command: Option<Sourced<String>>,
    /// LMTP endpoint in Postfix's terms (`unix:/path` or `inet:host:port`).
    pub lmtp: Option<Sourced<String>>,
    /// Shell programs run through (smrsh).
    pub command_shell: Option<Sourced<String>>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Limits {
    pub message_size: Option<Sourced<u64>>,
    pub header_size: Option<Sourced<u64>>,
    pub recipients_per_message: Option<Sourced<u64>>,
    pub daemon_children: Option<Sourced<u64>>,
    /// New connections per second (sendmail counts globally).
    pub connection_rate: Option<Sourced<u64>>,
    /// Hop count before a message is bounced as looping.
    pub hop_count: Option<Sourced<u64>>,
}

/// Times in seconds.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Timeouts {
    pub queue_return: Option<Sourced<u64>>,
    pub queue_warn: Option<Sourced<u64>>,
    pub helo: Option<Sourced<u64>>,
    pub mail: Option<Sourced<u64>>,
    pub rcpt: Option<Sourced<u64>>,
    pub data_init: Option<Sourced<u64>>,
    pub data_block: Option<Sourced<u64>>,
    pub data_final: Option<Sourced<u64>>,
    pub command: Option<Sourced<u64>>,
    pub connect: Option<Sourced<u64>>,
    pub initial: Option<Sourced<u64>>,
    pub queue_interval: Option<Sourced<u64>>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Privacy {
    pub no_vrfy: Option<Origin>,
    pub no_expn: Option<Origin>,
    pub need_helo: Option<Origin>,
}

/// A listening SMTP service.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Listener {
    pub name: String,
    pub address: Option<String>,
    pub port: u16,
    /// A message submission service (`M=E`, port 587 or `Name=MSA`).
    pub submission: bool,
    /// Implicit TLS (`M=s`).
    pub tls_wrapper: bool,
    /// Requires SMTP AUTH (`M=a`).
    pub auth_required: bool,
    pub origin: Origin,
}

/// A mail filter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Milter {
    pub name: String,
    /// In Postfix's form: `unix:/path` or `inet:host:port`.
    pub socket: String,
    /// `accept`, `tempfail` or `reject` when the filter is unavailable.
    pub default_action: String,
    pub origin: Origin,
}

/// TLS and SMTP AUTH.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Security {
    pub cert_file: Option<Sourced<String>>,
    pub key_file: Option<Sourced<String>>,
    pub ca_file: Option<Sourced<String>>,
    pub ca_path: Option<Sourced<String>>,
    /// SASL mechanisms offered to clients.
    pub auth_mechanisms: Option<Sourced<Vec<String>>>,
    /// Client credentials for relays (authinfo).
    pub client_auth: Option<Origin>,
}
