use serde::Serialize;

use super::{MacroText, Text};
use crate::source::Span;

/// `Kname class [-flags] [file or arguments]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MapDeclaration {
    pub name: Text,
    pub name_span: Span,
    pub class: Text,
    pub class_span: Span,
    /// Everything after the class, as written; expanded when the line is read.
    pub spec: MacroText,
    /// The leading `-X[value]` flags of the spec.
    pub flags: Vec<MapFlag>,
    /// The words after the flags: file name, program and its arguments, regex...
    pub arguments: Vec<Text>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MapFlag {
    pub letter: char,
    pub value: Text,
}

impl MapDeclaration {
    pub fn has_flag(&self, letter: char) -> bool {
        self.flags.iter().any(|f| f.letter == letter)
    }

    /// The map's file (first argument), for classes that read one.
    pub fn file(&self) -> Option<&Text> {
        self.arguments.first()
    }
}
