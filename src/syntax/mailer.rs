//! `M` lines: mailer definitions.

use super::invalid;
use super::line_text::LineText;
use super::macro_text::parse_macro_text;
use super::state::State;
use crate::ast::{LineKind, MailerDefinition, MailerField, MailerFieldKind, Text};
use crate::diagnostics::{Code, Diagnostic};

/// Splits `bytes[from..]` into `(key_start, key_end, value_start, value_end)`
/// fields the way sendmail's `makemailer` does: separators are `,` and
/// whitespace; a value runs to the next `,` outside double quotes.
pub fn split_fields(bytes: &[u8], from: usize) -> Result<Vec<(usize, usize, usize, usize)>, usize> {
    let mut fields = Vec::new();
    let mut i = from;
    loop {
        while i < bytes.len() && (bytes[i] == b',' || super::line_text::is_c_space(bytes[i])) {
            i += 1;
        }
        if i >= bytes.len() {
            return Ok(fields);
        }
        let key_start = i;
        while i < bytes.len() && bytes[i] != b'=' && bytes[i] != b',' {
            i += 1;
        }
        if bytes.get(i) != Some(&b'=') {
            return Err(key_start);
        }
        let key_end = i;
        i += 1;
        while i < bytes.len() && super::line_text::is_c_space(bytes[i]) {
            i += 1;
        }
        let value_start = i;
        let mut quoted = false;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' => i += 1,
                b'"' => quoted = !quoted,
                b',' if !quoted => break,
                _ => {}
            }
            i += 1;
        }
        let mut value_end = i.min(bytes.len());
        while value_end > value_start && super::line_text::is_c_space(bytes[value_end - 1]) {
            value_end -= 1;
        }
        fields.push((key_start, key_end, value_start, value_end));
    }
}

pub fn parse(state: &mut State, text: &LineText) -> LineKind {
    let bytes = &text.bytes;
    let mut name_end = 1;
    while name_end < bytes.len()
        && bytes[name_end] != b','
        && !super::line_text::is_c_space(bytes[name_end])
    {
        name_end += 1;
    }
    if name_end == 1 {
        state.push(
            Diagnostic::error(
                Code::BadMailer,
                text.span(0, 1),
                "mailer definition without a name",
            )
            .with_label("expected `Mname, P=..., A=...`"),
        );
        return invalid(text);
    }
    let name = Text::new(&bytes[1..name_end]);
    let raw_fields = match split_fields(bytes, name_end) {
        Ok(fields) => fields,
        Err(at) => {
            state.push(
                Diagnostic::error(
                    Code::BadMailer,
                    text.span(at, super::word_end(bytes, at).max(at + 1)),
                    format!("mailer {name}: `=` expected"),
                )
                .with_label("field without `=`"),
            );
            return invalid(text);
        }
    };
    let mut fields = Vec::with_capacity(raw_fields.len());
    for (key_start, key_end, value_start, value_end) in raw_fields {
        let key = Text::new(&bytes[key_start..key_end]);
        let kind = MailerFieldKind::from_letter(bytes[key_start]);
        if kind == MailerFieldKind::Unknown {
            state.push(Diagnostic::warning(
                Code::UnknownMailerField,
                text.span(key_start, key_end.max(key_start + 1)),
                format!("mailer {name}: unknown mailer equate `{}=`", key),
            ));
        }
        let value = match parse_macro_text(text, value_start, value_end, state.dollar_dialect()) {
            Ok(value) => value,
            Err(diagnostic) => {
                state.push(diagnostic);
                return invalid(text);
            }
        };
        fields.push(MailerField {
            span: text.span(key_start, value_end.max(key_end)),
            key,
            kind,
            value,
        });
    }
    let mailer = MailerDefinition {
        name,
        name_span: text.span(1, name_end),
        fields,
    };
    check(state, &mailer);
    LineKind::Mailer(mailer)
}

fn check(state: &mut State, mailer: &MailerDefinition) {
    let name = &mailer.name;
    for (kind, letter) in [(MailerFieldKind::Path, 'P'), (MailerFieldKind::Argv, 'A')] {
        if mailer.field(kind).is_none() {
            state.push(
                Diagnostic::error(
                    Code::BadMailer,
                    mailer.name_span,
                    format!("mailer {name}: {letter}= argument required"),
                )
                .with_label("this mailer"),
            );
        }
    }
    let legacy = state.dialect_severity();
    let path = mailer.literal(MailerFieldKind::Path);
    if let (Some(path), Some(field)) = (&path, mailer.field(MailerFieldKind::Path)) {
        if path.0.trim_ascii().eq_ignore_ascii_case(b"[TCP]") {
            state.push(
                Diagnostic::new(
                    Code::LegacyIpcMailer,
                    legacy,
                    field.span,
                    format!("mailer {name}: P=[TCP] must be replaced by P=[IPC] for sendmail 8.12 and later"),
                )
                .with_label("pre-8.12 form"),
            );
        }
    }
    let is_ipc = path.as_ref().is_some_and(|p| {
        let p = p.0.trim_ascii();
        p.eq_ignore_ascii_case(b"[IPC]") || p.eq_ignore_ascii_case(b"[TCP]")
    });
    if let (true, Some(argv)) = (is_ipc, mailer.field(MailerFieldKind::Argv)) {
        let words = argv.value.to_source();
        let first = words
            .split(|b| b.is_ascii_whitespace())
            .find(|w| !w.is_empty())
            .unwrap_or(b"");
        if !first.eq_ignore_ascii_case(b"TCP") && !first.eq_ignore_ascii_case(b"FILE") {
            state.push(
                Diagnostic::new(
                    Code::LegacyIpcMailer,
                    legacy,
                    argv.span,
                    format!(
                        "mailer {name}: the first argument of an [IPC] mailer must be TCP or FILE"
                    ),
                )
                .with_label("sendmail 8.17 warns about this form"),
            );
        }
    }
}
