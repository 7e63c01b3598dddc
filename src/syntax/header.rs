//! `H` lines: header templates and header checks.

use super::line_text::LineText;
use super::macro_text::{parse_macro_text, parse_name_at};
use super::state::State;
use super::{invalid, skip_space};
use crate::ast::{
    HeaderCheck, HeaderCondition, HeaderDefinition, LineKind, MacroText, Operator, PieceKind, Text,
};
use crate::diagnostics::{Code, Diagnostic};

pub fn parse(state: &mut State, text: &LineText) -> LineKind {
    let bytes = &text.bytes;
    let mut i = 1;
    let mut condition = None;
    if bytes.get(1) == Some(&b'?') {
        let Some(close) = bytes[2..].iter().position(|&b| b == b'?').map(|n| n + 2) else {
            state.push(
                Diagnostic::error(
                    Code::BadHeader,
                    text.span(1, bytes.len()),
                    "unclosed `?` condition in header definition",
                )
                .with_label("expected a second `?`"),
            );
            return invalid(text);
        };
        let inner = &bytes[2..close];
        condition = Some(match inner.first() {
            Some(b'$') => match parse_name_at(&inner[1..]) {
                Ok((name, len)) if len + 1 == inner.len() => HeaderCondition::MacroSet(name),
                _ => {
                    state.push(Diagnostic::error(
                        Code::BadHeader,
                        text.span(2, close),
                        "header condition must be mailer flags or one macro",
                    ));
                    return invalid(text);
                }
            },
            _ => HeaderCondition::MailerFlags(Text::new(inner)),
        });
        i = close + 1;
    }
    let name_start = i;
    while i < bytes.len() && bytes[i] != b':' && bytes[i].is_ascii_graphic() {
        i += 1;
    }
    if i == name_start || bytes.get(i) != Some(&b':') {
        state.push(
            Diagnostic::error(
                Code::BadHeader,
                text.span(0, bytes.len()),
                "header syntax error",
            )
            .with_label("expected `Name: value`"),
        );
        return invalid(text);
    }
    let name = Text::new(&bytes[name_start..i]);
    let value_start = skip_space(bytes, i + 1);
    let value = match parse_macro_text(text, value_start, bytes.len(), state.dollar_dialect()) {
        Ok(value) => value,
        Err(diagnostic) => {
            state.push(diagnostic);
            return invalid(text);
        }
    };
    let check = header_check(&value);
    LineKind::Header(HeaderDefinition {
        condition,
        name,
        value,
        check,
    })
}

/// `$>Ruleset`, `$>+Ruleset`, `$>"Ruleset"`.
fn header_check(value: &MacroText) -> Option<HeaderCheck> {
    let mut pieces = value.pieces.iter();
    match &pieces.next()?.kind {
        PieceKind::Operator(Operator::Call) => {}
        _ => return None,
    }
    let rest = match &pieces.next()?.kind {
        PieceKind::Literal(text) => text.0.clone(),
        PieceKind::Operator(_) => return None,
    };
    if pieces.next().is_some() {
        return None;
    }
    let (keep_comments, name) = match rest.strip_prefix(b"+") {
        Some(name) => (true, name),
        None => (false, &rest[..]),
    };
    let name = name.trim_ascii();
    let name = name
        .strip_prefix(b"\"")
        .and_then(|n| n.strip_suffix(b"\""))
        .unwrap_or(name);
    Some(HeaderCheck {
        ruleset: Text::new(name),
        keep_comments,
    })
}
