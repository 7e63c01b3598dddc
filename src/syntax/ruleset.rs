//! `S` lines: start (or reopen) a ruleset.

use super::line_text::LineText;
use super::state::State;
use super::{invalid, skip_space};
use crate::ast::{LineKind, RulesetDeclaration, RulesetId, Text};
use crate::diagnostics::{Code, Diagnostic};

/// Numbered rulesets are 0 to 99.
pub const MAX_NUMBERED: u32 = 99;

fn digits(bytes: &[u8], from: usize) -> (usize, Option<u32>) {
    let mut end = from;
    while end < bytes.len() && bytes[end].is_ascii_digit() {
        end += 1;
    }
    let value = std::str::from_utf8(&bytes[from..end])
        .ok()
        .and_then(|s| s.parse().ok());
    (end, value)
}

pub fn parse(state: &mut State, text: &LineText) -> LineKind {
    let bytes = &text.bytes;
    let start = skip_space(bytes, 1);
    let bad = |state: &mut State, message: String| {
        state.in_ruleset = false;
        state.push(
            Diagnostic::error(Code::BadRuleset, text.span(0, bytes.len()), message)
                .with_label("ruleset"),
        );
        invalid(text)
    };
    let (id, id_end) = match bytes.get(start) {
        Some(b) if b.is_ascii_digit() => {
            let (end, number) = digits(bytes, start);
            match number {
                Some(n) if n <= MAX_NUMBERED => (RulesetId::Number { number: n }, end),
                _ => {
                    return bad(
                        state,
                        format!("bad ruleset `{}` (99 max)", Text::new(&bytes[start..end])),
                    )
                }
            }
        }
        Some(b) if b.is_ascii_alphabetic() => {
            let mut end = start;
            while end < bytes.len() && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'_') {
                end += 1;
            }
            let name = Text::new(&bytes[start..end]);
            let mut i = skip_space(bytes, end);
            let mut number = None;
            if bytes.get(i) == Some(&b'=') {
                i = skip_space(bytes, i + 1);
                let (num_end, value) = digits(bytes, i);
                match value {
                    Some(n) if n <= MAX_NUMBERED && num_end > i => number = Some(n),
                    _ => {
                        return bad(
                            state,
                            format!("ruleset `{name}`: `=` must be followed by a number 0 to 99"),
                        )
                    }
                }
                end = num_end;
            }
            (RulesetId::Named { name, number }, end)
        }
        _ => return bad(state, "`S` line needs a ruleset number or name".into()),
    };
    if skip_space(bytes, id_end) < bytes.len() {
        return bad(state, "unexpected text after the ruleset".into());
    }
    let id_span = text.span(start, id_end);
    let number = match &id {
        RulesetId::Number { number } => *number,
        RulesetId::Named { name, number } => {
            match (state.named_rulesets.get(&name.0).copied(), number) {
                (Some(old), Some(new)) if old != *new => {
                    state.push(Diagnostic::warning(
                        Code::BadRuleset,
                        id_span,
                        format!("ruleset `{name}` changed value from {old} to {new}"),
                    ));
                    *new
                }
                (Some(old), _) => old,
                (None, Some(n)) => *n,
                (None, None) => {
                    let n = state.next_named;
                    state.next_named = state.next_named.saturating_sub(1).max(100);
                    n
                }
            }
        }
    };
    if let RulesetId::Named { name, .. } = &id {
        state.named_rulesets.insert(name.0.clone(), number);
    }
    if !state.rulesets.insert(number) {
        state.push(Diagnostic::warning(
            Code::ReopenedRuleset,
            id_span,
            format!(
                "ruleset `{}` has multiple definitions; its rules are appended",
                Text::new(&bytes[start..id_end])
            ),
        ));
    }
    state.in_ruleset = true;
    LineKind::Ruleset(RulesetDeclaration { id, id_span })
}
