//! `V` lines: configuration level and vendor.

use super::line_text::LineText;
use super::state::State;
use super::{invalid, skip_space};
use crate::ast::{LineKind, Text, VersionLine};
use crate::diagnostics::{Code, Diagnostic};

/// The level sendmail 8.17 writes and expects.
pub const CURRENT_LEVEL: u32 = 10;

pub fn parse(state: &mut State, text: &LineText) -> LineKind {
    let bytes = &text.bytes;
    let digits_start = skip_space(bytes, 1);
    let mut i = digits_start;
    while i < bytes.len() && bytes[i].is_ascii_digit() {
        i += 1;
    }
    if i == digits_start || i - digits_start > 9 {
        state.push(
            Diagnostic::error(
                Code::BadVersionLine,
                text.span(0, bytes.len()),
                "invalid argument to `V` line",
            )
            .with_label("expected a configuration level number"),
        );
        return invalid(text);
    }
    let level: u32 = std::str::from_utf8(&bytes[digits_start..i])
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let level_span = text.span(digits_start, i);
    let mut vendor = None;
    if bytes.get(i) == Some(&b'/') {
        let start = i + 1;
        let mut end = start;
        while end < bytes.len() && bytes[end].is_ascii_alphabetic() {
            end += 1;
        }
        let name = &bytes[start..end];
        let span = text.span(start, end.max(start + 1));
        if name.eq_ignore_ascii_case(b"Sun") {
            state.push(
                Diagnostic::note(
                    Code::VendorVersion,
                    span,
                    format!(
                        "vendor `{}`: this file was written for Sun's sendmail; sendmail 8.17 rejects the vendor code",
                        Text::new(name)
                    ),
                )
                .with_help("Sun's dialect (`$%x` operators, `L`/`G` lines, `${x...$}` lookups) is read as Sun meant it"),
            );
        } else if !name.eq_ignore_ascii_case(b"Berkeley") {
            state.push(Diagnostic::warning(
                Code::VendorVersion,
                span,
                format!("invalid V line vendor code `{}`", Text::new(name)),
            ));
        }
        vendor = Some(Text::new(name));
        i = end;
    }
    if i < bytes.len() {
        state.push(Diagnostic::warning(
            Code::BadVersionLine,
            text.span(i, bytes.len()),
            "text after the configuration level is ignored",
        ));
    }
    if level > CURRENT_LEVEL {
        state.push(Diagnostic::warning(
            Code::OldConfigLevel,
            level_span,
            format!("configuration level {level} exceeds what sendmail 8.17 implements ({CURRENT_LEVEL})"),
        ));
    } else if level < CURRENT_LEVEL {
        state.push(Diagnostic::note(
            Code::OldConfigLevel,
            level_span,
            format!("configuration level {level}: sendmail 8.17 supports level {CURRENT_LEVEL} and keeps level-{level} semantics for this file"),
        ));
    }
    state.level = level;
    state.saw_version = true;
    state.vendor = vendor.as_ref().map(|v| v.0.to_ascii_lowercase());
    LineKind::Version(VersionLine { level, vendor })
}
