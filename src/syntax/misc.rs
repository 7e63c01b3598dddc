//! The small line kinds: `T`, `P`, `E`, `Q`, `X`, and Sun's `L` and `G`.

use super::invalid;
use super::line_text::LineText;
use super::macro_text::parse_name_at;
use super::mailer::split_fields;
use super::state::State;
use crate::ast::{
    EnvironmentVariable, EquateField, LineKind, MilterDefinition, PrecedenceDefinition,
    QueueGroupDefinition, SunClassLookup, SunMacroLookup, Text, TrustedUsers,
};
use crate::diagnostics::{Code, Diagnostic, Severity};

pub fn parse_trusted(text: &LineText) -> LineKind {
    LineKind::Trusted(TrustedUsers {
        users: text.bytes[1..]
            .split(|b| super::line_text::is_c_space(*b))
            .filter(|w| !w.is_empty())
            .map(Text::new)
            .collect(),
    })
}

pub fn parse_precedence(state: &mut State, text: &LineText) -> LineKind {
    let bytes = &text.bytes;
    let parsed = bytes.iter().position(|&b| b == b'=').and_then(|eq| {
        let name = bytes[1..eq].trim_ascii();
        let value: i64 = std::str::from_utf8(bytes[eq + 1..].trim_ascii())
            .ok()?
            .parse()
            .ok()?;
        (!name.is_empty()).then(|| (Text::new(name), value))
    });
    match parsed {
        Some((name, value)) => LineKind::Precedence(PrecedenceDefinition { name, value }),
        None => {
            state.push(
                Diagnostic::error(
                    Code::BadPrecedence,
                    text.span(0, bytes.len()),
                    "precedence line needs `name=number`",
                )
                .with_label("expected `Pname=number`"),
            );
            invalid(text)
        }
    }
}

pub fn parse_environment(state: &mut State, text: &LineText) -> LineKind {
    let bytes = &text.bytes;
    let (name, value) = match bytes.iter().position(|&b| b == b'=') {
        Some(eq) => (&bytes[1..eq], Some(Text::new(&bytes[eq + 1..]))),
        None => (&bytes[1..], None),
    };
    let valid = !name.is_empty() && name.iter().all(|b| b.is_ascii_graphic());
    if !valid {
        state.push(Diagnostic::error(
            Code::BadEnvironment,
            text.span(0, bytes.len()),
            "environment line needs a variable name",
        ));
        return invalid(text);
    }
    LineKind::Environment(EnvironmentVariable {
        name: Text::new(name),
        value,
    })
}

/// `Q` and `X` lines share the `name, K=value, ...` layout.
fn equate_line(
    state: &mut State,
    text: &LineText,
    code: Code,
    what: &str,
) -> Result<(Text, Vec<EquateField>), ()> {
    let bytes = &text.bytes;
    let mut name_end = 1;
    while name_end < bytes.len()
        && bytes[name_end] != b','
        && !super::line_text::is_c_space(bytes[name_end])
    {
        name_end += 1;
    }
    if name_end == 1 {
        state.push(Diagnostic::error(
            code,
            text.span(0, 1),
            format!("{what} without a name"),
        ));
        return Err(());
    }
    let name = Text::new(&bytes[1..name_end]);
    match split_fields(bytes, name_end) {
        Ok(fields) => Ok((
            name,
            fields
                .into_iter()
                .map(|(ks, ke, vs, ve)| EquateField {
                    span: text.span(ks, ve.max(ke)),
                    key: Text::new(&bytes[ks..ke]),
                    value: Text::new(&bytes[vs..ve]),
                })
                .collect(),
        )),
        Err(at) => {
            let severity = if state.level < 10 {
                Severity::Note
            } else {
                Severity::Error
            };
            let message = if severity == Severity::Note {
                format!("{what} {name}: `=` expected; this `{}` line is a vendor extension older than sendmail 8.12's", bytes[0] as char)
            } else {
                format!("{what} {name}: `=` expected")
            };
            state.push(
                Diagnostic::new(
                    code,
                    severity,
                    text.span(at, super::word_end(bytes, at).max(at + 1)),
                    message,
                )
                .with_label("field without `=`"),
            );
            Err(())
        }
    }
}

pub fn parse_queue_group(state: &mut State, text: &LineText) -> LineKind {
    match equate_line(state, text, Code::BadQueueGroup, "queue") {
        Ok((name, fields)) => LineKind::QueueGroup(QueueGroupDefinition { name, fields }),
        Err(()) => invalid(text),
    }
}

pub fn parse_milter(state: &mut State, text: &LineText) -> LineKind {
    match equate_line(state, text, Code::BadMilter, "milter") {
        Ok((name, fields)) => LineKind::Milter(MilterDefinition { name, fields }),
        Err(()) => invalid(text),
    }
}

pub fn parse_sun_lookup(state: &mut State, text: &LineText) -> LineKind {
    let bytes = &text.bytes;
    let letter = bytes[0];
    let Ok((name, len)) = parse_name_at(&bytes[1..]) else {
        state.push(Diagnostic::error(
            Code::VendorLine,
            text.span(0, bytes.len()),
            format!("`{}` line needs a macro or class name", letter as char),
        ));
        return invalid(text);
    };
    let key = Text::new(&bytes[1 + len..]);
    let what = if letter == b'L' {
        "sets a macro from the name service (sendmailvars)"
    } else {
        "adds class members from the name service (sendmailvars)"
    };
    state.push(
        Diagnostic::note(
            Code::VendorLine,
            text.span(0, 1),
            format!(
                "`{}` line: Sun sendmail {what}; sendmail 8.17 rejects it as an unknown configuration line",
                letter as char
            ),
        )
        .with_label("Sun dialect"),
    );
    if letter == b'L' {
        state.defined.insert(name.clone());
        LineKind::SunMacroLookup(SunMacroLookup { name, key })
    } else {
        LineKind::SunClassLookup(SunClassLookup { name, key })
    }
}
