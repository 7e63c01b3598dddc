use serde::Serialize;

use super::{MacroName, MacroText, Text};
use crate::source::Span;

/// `OAvalue` (one-letter form) or `O Name=value` (long form, 8.7 and later).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OptionLine {
    pub form: OptionForm,
    pub name_span: Span,
    /// The value as written.
    pub value: MacroText,
    /// The sendmail 8.17 long name the option resolves to (`Timeout.queuereturn`),
    /// whichever form and spelling the file used; `None` when unknown.
    pub resolved: Option<Text>,
    /// The value read according to the option's type.
    pub typed: OptionValue,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "form", rename_all = "snake_case")]
pub enum OptionForm {
    /// `OA/etc/aliases`: the byte after `O`.
    Letter { letter: char },
    /// `O AliasFile=/etc/aliases`: the name as written (with `.sub` if any).
    Long { name: Text },
}

/// A time span, as sendmail reads `1h30m`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Duration {
    pub seconds: u64,
}

/// One setting of the old `Or` option or of `Timeout.*`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TimeoutSetting {
    /// `None` for a bare `Or5m`, which sets the six SMTP command timeouts.
    pub name: Option<Text>,
    pub duration: Duration,
}

/// An option value, typed by what the option means.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum OptionValue {
    Bool(bool),
    Number(i64),
    Duration(Duration),
    /// A single character (`BlankSub`); `None` for an empty value.
    Char(Option<char>),
    /// A file mode, given in octal.
    Mode(u32),
    /// One of a fixed set of words, selected by its first letter; the full word.
    Choice(&'static str),
    Path(Text),
    List(Vec<Text>),
    Text(Text),
    Timeouts(Vec<TimeoutSetting>),
    QueueTimeout {
        return_after: Duration,
        warn_after: Option<Duration>,
    },
    /// `OMxvalue`: the old way to define a macro.
    MacroDefinition {
        name: MacroName,
        value: Text,
    },
    /// Accepted and ignored by sendmail 8.17 (e.g. Sun's `O>`).
    Ignored,
    /// The value did not have the option's form (or the option is unknown).
    Unparsed(Text),
}
