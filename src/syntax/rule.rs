//! `R` lines: rewrite rules, and the checks sendmail makes when it reads one.

use super::invalid;
use super::line_text::LineText;
use super::macro_text::parse_macro_text;
use super::state::State;
use crate::ast::{LineKind, MacroText, Operator, PieceKind, RewriteRule, Text};
use crate::diagnostics::{Code, Diagnostic};

/// sendmail binds at most nine wildcards, `$1`..`$9`.
pub const MAX_WILDCARDS: usize = 9;
/// A map lookup takes at most nine `$@` arguments.
pub const MAX_LOOKUP_ARGS: usize = 9;

pub fn parse(state: &mut State, text: &LineText) -> LineKind {
    let bytes = &text.bytes;
    let Some(tab) = bytes.iter().position(|&b| b == b'\t') else {
        state.push(
            Diagnostic::error(
                Code::RuleWithoutTab,
                text.span(0, bytes.len()),
                "invalid rewrite line (tab expected)",
            )
            .with_label("no TAB in this rule"),
        );
        return invalid(text);
    };
    let mut rhs_start = tab;
    while rhs_start < bytes.len() && bytes[rhs_start] == b'\t' {
        rhs_start += 1;
    }
    let rhs_end = bytes[rhs_start..]
        .iter()
        .position(|&b| b == b'\t')
        .map_or(bytes.len(), |n| rhs_start + n);
    let mut comment_start = rhs_end;
    while comment_start < bytes.len() && bytes[comment_start] == b'\t' {
        comment_start += 1;
    }
    let comment = (comment_start < bytes.len()).then(|| Text::new(&bytes[comment_start..]));
    let dialect = state.dollar_dialect();
    let (lhs, rhs) = match (
        parse_macro_text(text, 1, tab, dialect),
        parse_macro_text(text, rhs_start, rhs_end, dialect),
    ) {
        (Ok(lhs), Ok(rhs)) => (lhs, rhs),
        (Err(diagnostic), _) | (_, Err(diagnostic)) => {
            state.push(diagnostic);
            return invalid(text);
        }
    };
    let rule = RewriteRule {
        lhs,
        lhs_span: text.span(1, tab),
        rhs,
        rhs_span: text.span(rhs_start, rhs_end),
        comment,
    };
    if !state.in_ruleset {
        state.push(
            Diagnostic::error(
                Code::RuleOutsideRuleset,
                text.span(0, 1),
                "rewrite rule before any ruleset (missing valid ruleset)",
            )
            .with_label("no `S` line above"),
        );
    }
    check(state, &rule);
    check_eight_bit(state, text, 1, rhs_end);
    state.saw_rule = true;
    LineKind::Rule(rule)
}

fn check(state: &mut State, rule: &RewriteRule) {
    let mut wildcards = 0;
    for (op, span) in rule.lhs.operators() {
        if op.is_wildcard() {
            wildcards += 1;
            if wildcards == MAX_WILDCARDS + 1 {
                state.push(
                    Diagnostic::error(Code::TooManyWildcards, span, "R line: too many wildcards")
                        .with_label("the tenth wildcard"),
                );
            }
        }
        if op.is_vendor() {
            vendor_note(state, op, span);
        }
        let misplaced = matches!(
            op,
            Operator::Positional(_)
                | Operator::User
                | Operator::Call
                | Operator::HostBegin
                | Operator::HostEnd
                | Operator::LookupBegin
                | Operator::LookupEnd
        );
        if misplaced {
            state.push(
                Diagnostic::error(
                    Code::MisplacedOperator,
                    span,
                    format!(
                        "inappropriate use of `{}` on the left-hand side",
                        Text(op.to_source())
                    ),
                )
                .with_label("only meaningful on the right-hand side"),
            );
        }
    }
    let mut open_lookup: Option<usize> = None;
    for (op, span) in rule.rhs.operators() {
        match op {
            Operator::Positional(n) if *n == 0 || *n as usize > wildcards => {
                state.push(
                    Diagnostic::warning(
                        Code::ReplacementOutOfBounds,
                        span,
                        format!("replacement ${n} out of bounds"),
                    )
                    .with_label(format!(
                        "the left-hand side has {wildcards} wildcard{}",
                        if wildcards == 1 { "" } else { "s" }
                    )),
                );
            }
            Operator::ZeroOrMore
            | Operator::OneOrMore
            | Operator::ExactlyOne
            | Operator::Class(_)
            | Operator::NotClass(_)
            | Operator::SunMapMatch(_)
            | Operator::SunMapNonMatch(_) => {
                state.push(
                    Diagnostic::error(
                        Code::MisplacedOperator,
                        span,
                        format!(
                            "inappropriate use of `{}` on the right-hand side",
                            Text(op.to_source())
                        ),
                    )
                    .with_label("wildcards only match on the left-hand side"),
                );
            }
            Operator::LookupBegin | Operator::HostBegin => {
                if open_lookup.is_some() {
                    state.push(Diagnostic::error(
                        Code::UnbalancedLookup,
                        span,
                        "cannot nest map lookups",
                    ));
                }
                open_lookup = Some(0);
            }
            Operator::LookupEnd | Operator::HostEnd => {
                if open_lookup.is_none() {
                    state.push(Diagnostic::error(
                        Code::UnbalancedLookup,
                        span,
                        format!("`{}` without an opening lookup", Text(op.to_source())),
                    ));
                }
                open_lookup = None;
            }
            Operator::Host => {
                if let Some(args) = open_lookup.as_mut() {
                    *args += 1;
                    if *args == MAX_LOOKUP_ARGS + 1 {
                        state.push(Diagnostic::error(
                            Code::UnbalancedLookup,
                            span,
                            "too many arguments for map lookup",
                        ));
                    }
                }
            }
            _ => {}
        }
        if op.is_vendor() {
            vendor_note(state, op, span);
        }
    }
    if open_lookup.is_some() {
        if let Some(span) = rule.rhs.span() {
            state.push(Diagnostic::error(
                Code::UnbalancedLookup,
                span,
                "missing map closing token (`$)` or `$]`)",
            ));
        }
    }
    for (side, text, span) in [
        ("left", &rule.lhs, rule.lhs_span),
        ("right", &rule.rhs, rule.rhs_span),
    ] {
        if let Some(reason) = empty_when_read(state, text) {
            state.push(
                Diagnostic::warning(
                    Code::EmptyRuleSide,
                    span,
                    format!("R line: null {} side", side),
                )
                .with_label(reason),
            );
        }
    }
}

fn vendor_note(state: &mut State, op: &Operator, span: crate::source::Span) {
    let Some((dialect, meaning)) = op.vendor_meaning() else {
        return;
    };
    state.push(
        Diagnostic::note(
            Code::VendorOperator,
            span,
            format!(
                "`{}` is a {dialect} operator: it {meaning}; sendmail 8.17 does not implement it",
                Text(op.to_source())
            ),
        )
        .with_label(format!("{dialect} dialect")),
    );
}

/// Does this side expand to nothing when sendmail reads it (all whitespace,
/// or only conditionals on macros that are not set yet)?
fn empty_when_read(state: &State, text: &MacroText) -> Option<&'static str> {
    let mut stack: Vec<bool> = Vec::new();
    let mut saw_conditional = false;
    for piece in &text.pieces {
        let active = stack.iter().all(|&on| on);
        match &piece.kind {
            PieceKind::Operator(Operator::IfSet(name)) => {
                saw_conditional = true;
                stack.push(!state.surely_undefined(name));
            }
            PieceKind::Operator(Operator::Else) if !stack.is_empty() => {
                if let Some(top) = stack.last_mut() {
                    *top = !*top;
                }
            }
            PieceKind::Operator(Operator::EndIf) if !stack.is_empty() => {
                stack.pop();
            }
            PieceKind::Operator(Operator::Macro(name))
                if active && !state.surely_undefined(name) =>
            {
                return None;
            }
            PieceKind::Operator(Operator::Macro(_)) => {}
            PieceKind::Operator(_) if active => return None,
            PieceKind::Literal(lit)
                if active && lit.0.iter().any(|b| !super::line_text::is_c_space(*b)) =>
            {
                return None;
            }
            _ => {}
        }
    }
    Some(if saw_conditional {
        "a conditional on a macro that is not defined yet leaves nothing"
    } else {
        "nothing to match or produce"
    })
}

fn check_eight_bit(state: &mut State, text: &LineText, start: usize, end: usize) {
    let bytes = &text.bytes[start..end];
    if let Some(i) = bytes
        .iter()
        .position(|&b| (0x80..=0x9f).contains(&b) || b == 0xff)
    {
        state.push(
            Diagnostic::warning(
                Code::EightBitRule,
                text.span(start + i, start + i + 1),
                format!("byte 0x{:02x} in a rewrite rule cannot match", bytes[i]),
            )
            .with_label("quoted internally by sendmail"),
        );
    }
}
