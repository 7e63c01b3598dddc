use serde::Serialize;

use super::{MacroText, Text};
use crate::source::Span;

/// `Mname, P=..., F=..., S=..., R=..., A=...`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MailerDefinition {
    pub name: Text,
    pub name_span: Span,
    pub fields: Vec<MailerField>,
}

/// One `Key=value` field. Only the key's first byte counts (`P=`, `Path=`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MailerField {
    pub span: Span,
    /// The key as written.
    pub key: Text,
    pub kind: MailerFieldKind,
    /// The value as written, quotes kept; expanded at delivery time.
    pub value: MacroText,
}

/// The mailer fields sendmail 8.17 knows, by their first letter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MailerFieldKind {
    /// `P`: program path, `[IPC]`, `[FILE]` (or the old `[TCP]`).
    Path,
    /// `F`: flag letters.
    Flags,
    /// `S`: sender rulesets, `envelope[/header]`.
    Sender,
    /// `R`: recipient rulesets, `envelope[/header]`.
    Recipient,
    /// `A`: argument vector.
    Argv,
    /// `E`: end-of-line string.
    EndOfLine,
    /// `M`: maximum message size.
    MaxMessageSize,
    /// `m`: maximum messages per connection.
    MaxMessages,
    /// `r`: maximum recipients per envelope.
    MaxRecipients,
    /// `L`: maximum line length.
    LineLimit,
    /// `N`: nice increment.
    Nice,
    /// `D`: working directories.
    Directory,
    /// `C`: default character set.
    Charset,
    /// `Q`: queue group.
    QueueGroup,
    /// `T`: MTA, address and diagnostic types.
    Type,
    /// `U`: user and group to run as.
    User,
    /// `W`: wait timeout.
    Wait,
    /// `/`: chroot directory.
    Chroot,
    /// Any other letter: not a sendmail 8.17 field.
    Unknown,
}

impl MailerFieldKind {
    pub fn from_letter(letter: u8) -> Self {
        match letter {
            b'P' => Self::Path,
            b'F' => Self::Flags,
            b'S' => Self::Sender,
            b'R' => Self::Recipient,
            b'A' => Self::Argv,
            b'E' => Self::EndOfLine,
            b'M' => Self::MaxMessageSize,
            b'm' => Self::MaxMessages,
            b'r' => Self::MaxRecipients,
            b'L' => Self::LineLimit,
            b'N' => Self::Nice,
            b'D' => Self::Directory,
            b'C' => Self::Charset,
            b'Q' => Self::QueueGroup,
            b'T' => Self::Type,
            b'U' => Self::User,
            b'W' => Self::Wait,
            b'/' => Self::Chroot,
            _ => Self::Unknown,
        }
    }
}

impl MailerDefinition {
    pub fn field(&self, kind: MailerFieldKind) -> Option<&MailerField> {
        self.fields.iter().rev().find(|f| f.kind == kind)
    }

    /// The literal value of a field, if it has one.
    pub fn literal(&self, kind: MailerFieldKind) -> Option<Text> {
        self.field(kind).and_then(|f| f.value.as_literal())
    }

    /// The flag letters of `F=`, whitespace and duplicates removed, sorted.
    pub fn flags(&self) -> Vec<u8> {
        let mut flags: Vec<u8> = self
            .fields
            .iter()
            .filter(|f| f.kind == MailerFieldKind::Flags)
            .flat_map(|f| f.value.to_source())
            .filter(|b| !b.is_ascii_whitespace())
            .collect();
        flags.sort_unstable();
        flags.dedup();
        flags
    }
}
