//! The small line kinds: V D C F T P E Q X L G, comments, unknown and invalid lines.

use serde::Serialize;

use super::{MacroName, MacroText, Text};
use crate::source::Span;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CommentLine {
    /// Everything after the leading `#`, continuation lines included.
    pub text: Text,
}

/// `V10/Berkeley`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VersionLine {
    pub level: u32,
    pub vendor: Option<Text>,
}

/// `DXvalue` or `D{name}value`. The value keeps its leading whitespace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MacroDefinition {
    pub name: MacroName,
    pub name_span: Span,
    pub value: MacroText,
}

/// `CX word word` or `C{Name} word`. The words are split at whitespace after
/// macro expansion, when the configuration is loaded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClassDefinition {
    pub name: MacroName,
    pub name_span: Span,
    pub words: MacroText,
}

/// `FX [-o] spec [format]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClassFile {
    pub name: MacroName,
    pub name_span: Span,
    /// The `-o` flag as written (any word starting `-o`), if present.
    pub optional_flag: Option<Text>,
    /// The spec as written (quotes and backslashes kept).
    pub spec: Text,
    pub spec_span: Span,
    pub source: ClassSource,
    /// The scanf format (or, for a program, the words sendmail ignores).
    pub format: Option<Text>,
}

impl ClassFile {
    pub fn is_optional(&self) -> bool {
        self.optional_flag.is_some()
    }
}

/// Where an `F` line reads its class members from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClassSource {
    File { path: Text },
    Program { command: Text },
    Map { key: Text, map: Text },
}

/// `Troot daemon uucp`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TrustedUsers {
    pub users: Vec<Text>,
}

/// `Pfirst-class=0`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PrecedenceDefinition {
    pub name: Text,
    pub value: i64,
}

/// `Ename=value`, or `Ename` to pass sendmail's own value on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EnvironmentVariable {
    pub name: Text,
    pub value: Option<Text>,
}

/// One `Key=value` field of a `Q` or `X` line; only the key's first byte counts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EquateField {
    pub span: Span,
    pub key: Text,
    pub value: Text,
}

impl EquateField {
    pub fn letter(&self) -> u8 {
        self.key.0.first().copied().unwrap_or(0)
    }
}

/// `Qname, P=path, F=flags, ...` (8.12 and later).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct QueueGroupDefinition {
    pub name: Text,
    pub fields: Vec<EquateField>,
}

/// `Xname, S=socket, F=flags, T=timeouts` (8.10 and later).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MilterDefinition {
    pub name: Text,
    pub fields: Vec<EquateField>,
}

/// Sun `Lxkey`: set macro x from the name service entry `key` (kept as
/// written, leading whitespace included).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SunMacroLookup {
    pub name: MacroName,
    pub key: Text,
}

/// Sun `Gxkey`: add the name service entry `key` to class x.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SunClassLookup {
    pub name: MacroName,
    pub key: Text,
}

/// A line whose first byte is not a command letter; kept verbatim.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UnknownLine {
    pub text: Text,
}

/// A line of a known kind that could not be parsed; kept verbatim.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InvalidLine {
    pub text: Text,
}
