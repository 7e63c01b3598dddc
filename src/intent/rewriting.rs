use serde::Serialize;

use super::{Origin, Sourced};

/// Hiding host names behind a domain on the way out.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Masquerade {
    /// The domain addresses are shown as (`MASQUERADE_AS`).
    pub as_domain: Option<Sourced<String>>,
    /// Further domains masqueraded (`MASQUERADE_DOMAIN`).
    pub domains: Vec<Sourced<String>>,
    /// Users never masqueraded (`EXPOSED_USER`).
    pub exposed_users: Vec<Sourced<String>>,
    /// The envelope sender is masqueraded too.
    pub envelope: Option<Origin>,
    /// Recipient headers are masqueraded too.
    pub all_headers: Option<Origin>,
    /// Subdomains of the masqueraded domains are masqueraded too.
    pub entire_domain: Option<Origin>,
}

/// Where an address rewrite applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RewriteScope {
    /// A whole address `user@domain` (or `user` for every local domain).
    Address,
    /// Every user of a domain.
    Domain,
}

/// `from` becomes `to`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AddressRewrite {
    pub scope: RewriteScope,
    pub from: String,
    pub to: String,
    pub origin: Origin,
}

/// Where a virtual address goes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum VirtualTarget {
    /// To these addresses or local users; `%1` stands for the user part
    /// (or the detail, for `+*` keys), `%2`, `%3` for more.
    Addresses {
        targets: Vec<String>,
    },
    /// Reject with this status.
    Error {
        status: String,
        code: Option<u16>,
        text: String,
    },
    Discard,
}

/// One virtusertable entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VirtualAlias {
    /// `user@domain`, `user+*@domain`, `@domain`.
    pub key: String,
    pub target: VirtualTarget,
    pub origin: Origin,
}
