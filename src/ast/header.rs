use serde::Serialize;

use super::{MacroName, MacroText, Text};

/// `H[?cond?]Name: value`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HeaderDefinition {
    pub condition: Option<HeaderCondition>,
    pub name: Text,
    /// The template after the colon, leading whitespace removed.
    pub value: MacroText,
    /// Set when the value is a header check (`$>ruleset`).
    pub check: Option<HeaderCheck>,
}

/// The `?...?` part of an `H` line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum HeaderCondition {
    /// `?DFM?`: emit only for mailers with one of these flags.
    MailerFlags(Text),
    /// `?$x?` / `?${name}?`: emit only when the macro is set.
    MacroSet(MacroName),
}

/// `HName: $>Ruleset` (or `$>+Ruleset`, which keeps comments).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HeaderCheck {
    pub ruleset: Text,
    pub keep_comments: bool,
}
