use serde::Serialize;

use crate::smtp::Answer;

use super::Origin;

/// What a destination is to the migrated server, which decides what its
/// door answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DoorClass {
    /// Delivered on this host (mydestination): known users, from anyone.
    Local,
    /// Relayed to another host (relay_domains): any user, from anyone.
    Relay,
    /// Rewritten by virtual aliases: listed users, from anyone.
    Virtual,
    /// Any other domain: only trusted clients may send there.
    Outside,
}

/// One reply of the old server, for the report.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct OldReply {
    pub answer: Answer,
    pub code: u16,
    pub text: String,
}

/// What the old server answered at RCPT for one destination, from an
/// outside client and from a trusted one (loopback).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct DoorRow {
    /// The domain, or `other domains`.
    pub destination: String,
    /// The recipient the old server was asked about.
    pub probe: String,
    pub class: DoorClass,
    pub outside: OldReply,
    pub trusted: OldReply,
    /// The rule or line behind the destination's class.
    pub origin: Origin,
}
