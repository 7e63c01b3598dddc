//! `K` lines: keyed map declarations.

use super::line_text::LineText;
use super::macro_text::parse_macro_text;
use super::state::State;
use super::{invalid, skip_space, word_end};
use crate::ast::{LineKind, MapDeclaration, MapFlag, Text};
use crate::diagnostics::{Code, Diagnostic};
use crate::sendmail::map_classes;

pub fn parse(state: &mut State, text: &LineText) -> LineKind {
    let bytes = &text.bytes;
    let name_start = 1;
    let name_end = word_end(bytes, name_start);
    let name = &bytes[name_start..name_end];
    let valid_name = name.first().is_some_and(u8::is_ascii_alphanumeric)
        && name
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.');
    if !valid_name {
        state.push(
            Diagnostic::error(
                Code::BadMap,
                text.span(0, name_end.max(1)),
                "map name must start with a letter or digit and hold only letters, digits, `_` and `.`",
            )
            .with_label("map name"),
        );
        return invalid(text);
    }
    let class_start = skip_space(bytes, name_end);
    let class_end = word_end(bytes, class_start);
    if class_start == class_end {
        state.push(
            Diagnostic::error(
                Code::BadMap,
                text.span(0, bytes.len()),
                format!("no map class for map `{}`", Text::new(name)),
            )
            .with_label("expected `Kname class [arguments]`"),
        );
        return invalid(text);
    }
    let class = &bytes[class_start..class_end];
    let class_span = text.span(class_start, class_end);
    if !map_classes::is_known(class) {
        let severity = state.dialect_severity();
        state.push(Diagnostic::new(
            Code::UnavailableMapClass,
            severity,
            class_span,
            format!(
                "map `{}`: class `{}` is not available in sendmail 8.17",
                Text::new(name),
                Text::new(class)
            ),
        ));
    }
    let spec_start = skip_space(bytes, class_end);
    let spec = match parse_macro_text(text, spec_start, bytes.len(), state.dollar_dialect()) {
        Ok(spec) => spec,
        Err(diagnostic) => {
            state.push(diagnostic);
            return invalid(text);
        }
    };
    let (flags, arguments) = split_spec(&spec.to_source(), class);
    LineKind::Map(MapDeclaration {
        name: Text::new(name),
        name_span: text.span(name_start, name_end),
        class: Text::new(class),
        class_span,
        spec,
        flags,
        arguments,
    })
}

/// Splits a map spec into its leading `-X[value]` flags and the words after.
/// `-k` and `-v` may have their value as the next word. For `regex` the
/// rest of the line after the flags is one argument (the pattern).
fn split_spec(spec: &[u8], class: &[u8]) -> (Vec<MapFlag>, Vec<Text>) {
    let mut flags = Vec::new();
    let mut i = 0;
    loop {
        i = skip_space(spec, i);
        if spec.get(i) != Some(&b'-') || i + 1 >= spec.len() {
            break;
        }
        let end = word_end(spec, i);
        if end < i + 2 {
            // A lone `-` is an argument, not a flag.
            break;
        }
        let letter = spec[i + 1] as char;
        let mut value = spec[i + 2..end].to_vec();
        i = end;
        if value.is_empty() && matches!(letter, 'k' | 'v') {
            let next = skip_space(spec, i);
            let next_end = word_end(spec, next);
            value = spec[next..next_end].to_vec();
            i = next_end;
        }
        flags.push(MapFlag {
            letter,
            value: Text(value),
        });
    }
    let rest = &spec[i.min(spec.len())..];
    let arguments = if class.eq_ignore_ascii_case(b"regex") {
        let rest = rest.trim_ascii();
        if rest.is_empty() {
            Vec::new()
        } else {
            vec![Text::new(rest)]
        }
    } else {
        rest.split(|b| super::line_text::is_c_space(*b))
            .filter(|w| !w.is_empty())
            .map(Text::new)
            .collect()
    };
    (flags, arguments)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_and_file() {
        let (flags, args) = split_spec(b"-T<TMPF> -o /etc/mail/access", b"hash");
        assert_eq!(flags.len(), 2);
        assert_eq!(flags[0].letter, 'T');
        assert_eq!(flags[0].value.0, b"<TMPF>");
        assert_eq!(args, vec![Text::from("/etc/mail/access")]);
    }

    #[test]
    fn separate_column_values() {
        let (flags, args) = split_spec(b"-k 0 -v 1 /etc/passwd", b"text");
        assert_eq!(flags[0].value.0, b"0");
        assert_eq!(flags[1].value.0, b"1");
        assert_eq!(args.len(), 1);
    }

    #[test]
    fn lone_dash_is_an_argument() {
        let (flags, args) = split_spec(b"- x", b"hash");
        assert!(flags.is_empty());
        assert_eq!(args.len(), 2);
    }

    #[test]
    fn regex_keeps_pattern_whole() {
        let (flags, args) = split_spec(b"-a@MATCH ^(a b)$", b"regex");
        assert_eq!(flags.len(), 1);
        assert_eq!(args, vec![Text::from("^(a b)$")]);
    }
}
