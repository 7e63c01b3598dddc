//! `D` lines: macro definitions.

use super::invalid;
use super::line_text::LineText;
use super::macro_text::{parse_macro_text, parse_name_at};
use super::state::State;
use crate::ast::{LineKind, MacroDefinition, PieceKind};
use crate::diagnostics::{Code, Diagnostic};

pub fn parse(state: &mut State, text: &LineText) -> LineKind {
    let bytes = &text.bytes;
    let (name, len) = match parse_name_at(&bytes[1..]) {
        Ok(ok) => ok,
        Err(error) => {
            let (at, width, message) = error.describe(bytes.len() - 1);
            state.push(Diagnostic::error(
                Code::BadMacroName,
                text.span(1 + at, 1 + at + width.max(1)),
                message,
            ));
            return invalid(text);
        }
    };
    let value = match parse_macro_text(text, 1 + len, bytes.len(), state.dollar_dialect()) {
        Ok(value) => value,
        Err(diagnostic) => {
            state.push(diagnostic);
            return invalid(text);
        }
    };
    if let Some(first) = value.pieces.first() {
        if let PieceKind::Literal(lit) = &first.kind {
            if lit.0.first() == Some(&b'|') {
                state.push(Diagnostic::note(
                    Code::ProgramMacro,
                    first.span,
                    "IRIX sendmail set this macro from the program's output; sendmail 8.17 takes the text literally",
                ));
            }
        }
    }
    if value.is_empty() {
        state.defined.remove(&name);
    } else {
        state.defined.insert(name.clone());
    }
    LineKind::Define(MacroDefinition {
        name,
        name_span: text.span(1, 1 + len),
        value,
    })
}
