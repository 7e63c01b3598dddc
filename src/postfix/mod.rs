//! A model of Postfix 3.7's address handling for one configuration
//! directory: main.cf and master.cf ([`config`]), lookup tables read from
//! their text sources with Postfix's search orders ([`tables`]), and
//! trivial-rewrite's `rewrite` and `resolve` ([`resolve`]).

pub mod cleanup;
pub mod config;
pub mod local;
pub mod resolve;
pub mod smtpd;
pub mod tables;

/// The alias file a Postfix host has: `alias_maps` and `alias_database`
/// default to it (as `hash:/etc/aliases`) on Debian, Red Hat and the BSDs.
pub const ALIAS_FILE: &str = "/etc/aliases";
