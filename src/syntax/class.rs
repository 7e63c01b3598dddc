//! `C` and `F` lines: class members, inline or from a file, program or map.

use super::line_text::LineText;
use super::macro_text::{parse_macro_text, parse_name_at, NameError};
use super::state::State;
use super::{invalid, skip_space};
use crate::ast::{ClassDefinition, ClassFile, ClassSource, LineKind, MacroName, Text};
use crate::diagnostics::{Code, Diagnostic};

fn class_name(state: &mut State, text: &LineText) -> Option<(MacroName, usize)> {
    match parse_name_at(&text.bytes[1..]) {
        Ok(ok) => Some(ok),
        Err(error) => {
            report_name_error(state, text, error);
            None
        }
    }
}

fn report_name_error(state: &mut State, text: &LineText, error: NameError) {
    let (at, width, message) = error.describe(text.bytes.len() - 1);
    state.push(Diagnostic::error(
        Code::BadMacroName,
        text.span(1 + at, 1 + at + width.max(1)),
        message,
    ));
}

pub fn parse_class(state: &mut State, text: &LineText) -> LineKind {
    let Some((name, len)) = class_name(state, text) else {
        return invalid(text);
    };
    match parse_macro_text(text, 1 + len, text.bytes.len(), state.dollar_dialect()) {
        Ok(words) => LineKind::Class(ClassDefinition {
            name,
            name_span: text.span(1, 1 + len),
            words,
        }),
        Err(diagnostic) => {
            state.push(diagnostic);
            invalid(text)
        }
    }
}

/// End of an `F` line spec: the first unquoted SPACE or TAB; `\x` is literal.
fn spec_end(bytes: &[u8], from: usize) -> usize {
    let mut i = from;
    let mut quoted = false;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'"' => quoted = !quoted,
            b' ' | b'\t' | b'\n' if !quoted => break,
            _ => {}
        }
        i += 1;
    }
    i.min(bytes.len())
}

/// The spec with quotes and backslash escapes removed.
fn unquote(spec: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(spec.len());
    let mut i = 0;
    while i < spec.len() {
        match spec[i] {
            b'"' => {}
            b'\\' if i + 1 < spec.len() => {
                i += 1;
                out.push(spec[i]);
            }
            b => out.push(b),
        }
        i += 1;
    }
    out
}

fn classify(spec: &[u8]) -> ClassSource {
    let plain = unquote(spec);
    match plain.first() {
        Some(b'|') => ClassSource::Program {
            command: Text::new(&plain[1..]),
        },
        Some(b'/') => ClassSource::File { path: Text(plain) },
        _ => match plain.iter().position(|&b| b == b'@') {
            Some(at) => {
                let after = &plain[at + 1..];
                let is_map =
                    after.eq_ignore_ascii_case(b"LDAP") || after.iter().skip(1).any(|&b| b == b':');
                if is_map {
                    ClassSource::Map {
                        key: Text::new(&plain[..at]),
                        map: Text::new(after),
                    }
                } else {
                    ClassSource::File { path: Text(plain) }
                }
            }
            None => ClassSource::File { path: Text(plain) },
        },
    }
}

pub fn parse_class_file(state: &mut State, text: &LineText) -> LineKind {
    let bytes = &text.bytes;
    let Some((name, len)) = class_name(state, text) else {
        return invalid(text);
    };
    let mut i = skip_space(bytes, 1 + len);
    let mut optional_flag = None;
    if bytes[i..].starts_with(b"-o") {
        let end = super::word_end(bytes, i);
        optional_flag = Some(Text::new(&bytes[i..end]));
        i = skip_space(bytes, end);
    }
    let spec_start = i;
    let spec_stop = spec_end(bytes, i);
    if spec_start == spec_stop {
        state.push(
            Diagnostic::error(
                Code::BadClassFile,
                text.span(0, bytes.len()),
                "`F` line names no file, program or map",
            )
            .with_label("expected a path after the class name"),
        );
        return invalid(text);
    }
    let spec = Text::new(&bytes[spec_start..spec_stop]);
    let source = classify(&spec.0);
    let format_start = skip_space(bytes, spec_stop);
    let format = (format_start < bytes.len()).then(|| Text::new(&bytes[format_start..]));
    if let (ClassSource::Program { .. }, Some(_)) = (&source, &format) {
        state.push(
            Diagnostic::warning(
                Code::DroppedProgramArguments,
                text.span(format_start, bytes.len()),
                "sendmail ignores these words: program arguments must be inside the quotes",
            )
            .with_label("dropped"),
        );
    }
    LineKind::ClassFile(ClassFile {
        name,
        name_span: text.span(1, 1 + len),
        optional_flag,
        spec,
        spec_span: text.span(spec_start, spec_stop),
        source,
        format,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_are_classified() {
        assert!(matches!(
            classify(b"/etc/mail/local-host-names"),
            ClassSource::File { .. }
        ));
        assert!(
            matches!(classify(b"\"|/bin/echo a\""), ClassSource::Program { command } if command.0 == b"/bin/echo a")
        );
        assert!(matches!(classify(b"@LDAP"), ClassSource::Map { .. }));
        assert!(matches!(
            classify(b"key@hash:/etc/mail/x"),
            ClassSource::Map { .. }
        ));
        assert!(matches!(classify(b"user@host"), ClassSource::File { .. }));
    }
}
