use serde::Serialize;

use super::Origin;

/// How much of a construct made it into the Postfix configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Disposition {
    /// Postfix does the same thing.
    Translated,
    /// Postfix does nearly the same thing; the difference is explained.
    Approximated,
    /// Nothing in the output does it.
    NotTranslated,
}

/// One line of the migration report.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Finding {
    pub disposition: Disposition,
    pub origin: Origin,
    /// What the construct is, in a few words.
    pub subject: String,
    /// Why it was handled this way.
    pub reason: String,
    /// What the administrator should do about it (may be empty).
    pub action: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskKind {
    /// The source relays for anyone.
    OpenRelay,
    /// A relayed or virtual domain accepts any recipient: bounces go to
    /// forged senders.
    Backscatter,
    /// The host relays for domains it is a backup MX of.
    BackupMx,
    /// No limit on simultaneous SMTP sessions.
    NoProcessLimit,
    /// Programs or files receive mail through aliases.
    AliasPrograms,
}

/// A danger in the source configuration, and how the output deals with it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Risk {
    pub kind: RiskKind,
    pub origin: Origin,
    pub text: String,
    pub action: String,
}
