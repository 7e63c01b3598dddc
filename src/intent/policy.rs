use serde::Serialize;

use super::{Origin, Sourced};

/// Who may relay, to where.
#[derive(Clone, Debug, Default, Serialize)]
pub struct RelayPolicy {
    /// Recipient domains mail is relayed to (and their subdomains).
    pub domains: Vec<Sourced<String>>,
    /// Client networks that may relay anywhere, in CIDR form.
    pub networks: Vec<Sourced<String>>,
    /// Client host names (or domains) that may relay anywhere.
    pub client_names: Vec<Sourced<String>>,
    /// Recipient domains relayed only because this host is their MX.
    pub based_on_mx: Option<Origin>,
    /// The source relays for anyone (no relay check, or promiscuous_relay).
    pub open: Option<Origin>,
    /// Authenticated clients may relay (SMTP AUTH).
    pub authenticated: bool,
    /// The old server did not let loopback clients relay to outside
    /// domains, so loopback is not among the trusted networks.
    pub loopback_refused: Option<Origin>,
}

/// The SMTP stage an access rule applies at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AccessStage {
    /// The connecting client's address or name (`Connect:`, untagged).
    Client,
    /// The envelope sender (`From:`).
    Sender,
    /// The envelope recipient (`To:`).
    Recipient,
}

/// What an access rule does.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AccessAction {
    /// Accept; skip further checks of this stage.
    Accept,
    /// Accept and allow relaying.
    Relay,
    Reject,
    Discard,
    /// Stop looking in this table, go on with the next check.
    Skip,
    /// Put the message on hold (quarantine).
    Hold {
        reason: String,
    },
    /// Reject with this status code and text.
    Error {
        code: u16,
        status: Option<String>,
        text: String,
    },
}

/// One access table entry, in neither system's syntax.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AccessRule {
    pub stage: AccessStage,
    /// The key as sendmail matched it: address, domain, `user@`, IP or net.
    pub key: String,
    pub action: AccessAction,
    pub origin: Origin,
}
