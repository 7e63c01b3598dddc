//! `O` lines: one-letter (`OA/etc/aliases`) and long (`O AliasFile=...`)
//! options, normalized to sendmail 8.17's option table with typed values.

use super::invalid;
use super::line_text::LineText;
use super::macro_text::{parse_macro_text, parse_name_at};
use super::state::State;
use crate::ast::{
    Duration, LineKind, MacroText, OptionForm, OptionLine, OptionValue, Text, TimeoutSetting,
};
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::sendmail::map_classes;
use crate::sendmail::options::{self, HistoricOption, LongLookup, OptionSpec, ValueKind};
use crate::source::Span;

pub fn parse(state: &mut State, text: &LineText) -> LineKind {
    let bytes = &text.bytes;
    // A space after `O` starts a long name, whatever follows (sendmail 8.17
    // reads `O  Name=v` as the name ` Name`).
    let long_form = bytes.len() >= 2 && bytes[1] == b' ';
    if long_form {
        parse_long(state, text)
    } else {
        parse_letter(state, text)
    }
}

fn value_text(state: &mut State, text: &LineText, start: usize) -> Option<MacroText> {
    match parse_macro_text(text, start, text.bytes.len(), state.dollar_dialect()) {
        Ok(value) => Some(value),
        Err(diagnostic) => {
            state.push(diagnostic);
            None
        }
    }
}

fn parse_letter(state: &mut State, text: &LineText) -> LineKind {
    let bytes = &text.bytes;
    let Some(&letter) = bytes.get(1) else {
        state.push(
            Diagnostic::error(
                Code::UnknownOption,
                text.span(0, 1),
                "`O` line names no option",
            )
            .with_label("expected an option letter or ` Name=value`"),
        );
        return invalid(text);
    };
    let name_span = text.span(1, 2);
    let Some(value) = value_text(state, text, 2) else {
        return invalid(text);
    };
    let raw = value.to_source();
    let form = OptionForm::Letter {
        letter: letter as char,
    };
    let (resolved, typed) = match options::by_letter(letter) {
        Some(spec) => {
            let value_span = value.span().unwrap_or(name_span);
            let typed = type_value(state, spec, None, &raw, value_span);
            check_alias_classes(state, spec, &typed, value_span);
            (Some(Text::from(spec.name)), typed)
        }
        None => {
            let shown = if letter.is_ascii_graphic() {
                format!("`O{}`", letter as char)
            } else {
                format!("0x{letter:02x}")
            };
            match options::historic_letter(letter) {
                Some(historic) => report_historic(state, historic, name_span, &shown),
                None => state.push(
                    Diagnostic::error(
                        Code::UnknownOption,
                        name_span,
                        format!("unknown option letter {shown}"),
                    )
                    .with_label("not an option of any sendmail version"),
                ),
            }
            (None, OptionValue::Unparsed(Text(raw)))
        }
    };
    finish(state, form, name_span, value, resolved, typed)
}

fn parse_long(state: &mut State, text: &LineText) -> LineKind {
    // As sendmail's `setoption` reads it: the name is everything before
    // the first `=` (or the whole line), less the spaces (not tabs) before
    // the `=`; the value starts after the spaces that follow it. So
    // `O Name value` names an option `Name value`, and `O Name\t=v` one
    // called `Name\t` (both checked against sendmail 8.17).
    let bytes = &text.bytes;
    let name_start = 2.min(bytes.len());
    let equals = bytes[name_start..]
        .iter()
        .position(|&b| b == b'=')
        .map(|p| name_start + p);
    let mut name_end = equals.unwrap_or(bytes.len());
    // (Not the whitespace that starts a continuation line: the name keeps
    // its line break as written.)
    while name_end > name_start && bytes[name_end - 1] == b' ' && bytes[name_end - 2] != b'\n' {
        name_end -= 1;
    }
    let value_start = match equals {
        Some(e) => e + 1 + bytes[e + 1..].iter().take_while(|&&b| b == b' ').count(),
        None => bytes.len(),
    };
    if name_end == name_start {
        state.push(
            Diagnostic::error(
                Code::UnknownOption,
                text.span(0, bytes.len()),
                "null option name",
            )
            .with_label("nothing before `=` names an option"),
        );
        let Some(value) = value_text(state, text, value_start) else {
            return invalid(text);
        };
        let raw = value.to_source();
        let form = OptionForm::Long {
            name: Text::new(b""),
        };
        let span = text.span(name_start, name_start);
        return finish(
            state,
            form,
            span,
            value,
            None,
            OptionValue::Unparsed(Text(raw)),
        );
    }
    let written = Text::new(&bytes[name_start..name_end]);
    let name_span = text.span(name_start, name_end);
    let Some(value) = value_text(state, text, value_start) else {
        return invalid(text);
    };
    let raw = value.to_source();
    let (base, sub) = match written.0.iter().position(|&b| b == b'.') {
        Some(dot) => (&written.0[..dot], Some(&written.0[dot + 1..])),
        None => (&written.0[..], None),
    };
    let spec = match options::by_long_name(base) {
        LongLookup::Exact(spec) => Some(spec),
        LongLookup::Abbreviation(spec) => {
            state.push(Diagnostic::note(
                Code::AbbreviatedOption,
                name_span,
                format!(
                    "option `{}` is an abbreviation of `{}`",
                    Text::new(base),
                    spec.name
                ),
            ));
            Some(spec)
        }
        LongLookup::Ambiguous => {
            state.push(Diagnostic::error(
                Code::UnknownOption,
                name_span,
                format!("ambiguous option name `{}`", Text::new(base)),
            ));
            None
        }
        LongLookup::Unknown => {
            let shown = format!("`{}`", Text::new(base));
            match options::historic_long(base) {
                Some(historic) => report_historic(state, historic, name_span, &shown),
                None => state.push(
                    Diagnostic::error(
                        Code::UnknownOption,
                        name_span,
                        format!("unknown option name {shown}"),
                    )
                    .with_label("not an option of sendmail 8.17"),
                ),
            }
            None
        }
    };
    let form = OptionForm::Long {
        name: written.clone(),
    };
    let Some(spec) = spec else {
        return finish(
            state,
            form,
            name_span,
            value,
            None,
            OptionValue::Unparsed(Text(raw)),
        );
    };
    let resolved = match sub {
        Some(sub) => {
            let known = match spec.name {
                "Timeout" => options::TIMEOUT_NAMES
                    .iter()
                    .any(|n| n.as_bytes().eq_ignore_ascii_case(sub)),
                "Milter" => true,
                _ => false,
            };
            if !known {
                state.push(Diagnostic::warning(
                    Code::UnknownOption,
                    name_span,
                    format!("`{}` has no sub-option `{}`", spec.name, Text::new(sub)),
                ));
            }
            let mut name = spec.name.as_bytes().to_vec();
            name.push(b'.');
            name.extend(sub.iter().map(u8::to_ascii_lowercase));
            Text(name)
        }
        None => Text::from(spec.name),
    };
    let value_span = value.span().unwrap_or(name_span);
    let typed = type_value(state, spec, sub, &raw, value_span);
    check_alias_classes(state, spec, &typed, value_span);
    finish(state, form, name_span, value, Some(resolved), typed)
}

/// `AliasFile` entries may start with a map class (`hash:/etc/aliases`);
/// sendmail rejects a class it does not know, such as the drive letter of
/// an OS/2 path (`c:\\tcpip\\etc\\aliases`).
fn check_alias_classes(state: &mut State, spec: &OptionSpec, typed: &OptionValue, span: Span) {
    let OptionValue::List(entries) = typed else {
        return;
    };
    if spec.name != "AliasFile" {
        return;
    }
    for entry in entries {
        let Some(colon) = entry.0.iter().position(|&b| b == b':') else {
            continue;
        };
        let class = &entry.0[..colon];
        if class.is_empty() || class.contains(&b'/') || map_classes::is_known(class) {
            continue;
        }
        let severity = state.dialect_severity();
        state.push(Diagnostic::new(
            Code::BadOptionValue,
            severity,
            span,
            format!(
                "alias file `{entry}`: sendmail 8.17 reads `{}:` as an unknown map class",
                Text::new(class)
            ),
        ));
    }
}

fn report_historic(state: &mut State, historic: &HistoricOption, span: Span, shown: &str) {
    let own_dialect = state.legacy() || state.level <= historic.last_level;
    let severity = if own_dialect {
        Severity::Note
    } else {
        Severity::Warning
    };
    state.push(
        Diagnostic::new(
            Code::ObsoleteOption,
            severity,
            span,
            format!(
                "option {shown} ({}) is not known to sendmail 8.17",
                historic.meaning
            ),
        )
        .with_label("ignored by sendmail 8.17"),
    );
}

fn finish(
    state: &mut State,
    form: OptionForm,
    name_span: Span,
    value: MacroText,
    resolved: Option<Text>,
    typed: OptionValue,
) -> LineKind {
    if state.saw_rule && resolved.as_ref().is_some_and(|r| r.0 == b"OperatorChars") {
        state.push(Diagnostic::warning(
            Code::LateOperatorChars,
            name_span,
            "OperatorChars is set after the first rule; sendmail ignores the new value",
        ));
    }
    LineKind::Option(OptionLine {
        form,
        name_span,
        value,
        resolved,
        typed,
    })
}

fn type_value(
    state: &mut State,
    spec: &OptionSpec,
    sub: Option<&[u8]>,
    raw: &[u8],
    span: Span,
) -> OptionValue {
    match read_value(spec.kind, sub, raw) {
        Ok(value) => value,
        Err(expected) => {
            state.push(
                Diagnostic::warning(
                    Code::BadOptionValue,
                    span,
                    format!("`{}` expects {expected}", spec.name),
                )
                .with_label("this value"),
            );
            OptionValue::Unparsed(Text::new(raw))
        }
    }
}

/// Reads a raw option value as `kind` says; `Err` names the expected form.
pub fn read_value(
    kind: ValueKind,
    sub: Option<&[u8]>,
    raw: &[u8],
) -> Result<OptionValue, &'static str> {
    let trimmed = raw.trim_ascii();
    Ok(match kind {
        ValueKind::Bool => OptionValue::Bool(is_true(raw)),
        ValueKind::Number => OptionValue::Number(parse_number(trimmed).ok_or("a number")?),
        ValueKind::Duration(unit) => {
            OptionValue::Duration(parse_duration(trimmed, unit).ok_or("a time such as `30m`")?)
        }
        ValueKind::Char => OptionValue::Char(raw.first().map(|&b| b as char)),
        ValueKind::Mode => OptionValue::Mode(parse_octal(trimmed).ok_or("an octal file mode")?),
        ValueKind::Choice(words) => {
            let first = trimmed.first().ok_or("a value")?.to_ascii_lowercase();
            let word = words
                .iter()
                .find(|w| w.as_bytes()[0] == first)
                .ok_or("one of its documented values")?;
            OptionValue::Choice(word)
        }
        ValueKind::SuperSafe => match trimmed.first().map(u8::to_ascii_lowercase) {
            Some(b'i') => OptionValue::Choice("interactive"),
            Some(b'p') => OptionValue::Choice("postmilter"),
            _ => OptionValue::Bool(is_true(raw)),
        },
        ValueKind::Path => OptionValue::Path(Text::new(trimmed)),
        ValueKind::List(sep) => OptionValue::List(split_list(trimmed, sep)),
        ValueKind::Text => OptionValue::Text(Text::new(raw)),
        ValueKind::Timeout => OptionValue::Timeouts(parse_timeouts(sub, trimmed)?),
        ValueKind::QueueTimeout => {
            let (ret, warn) = match trimmed.iter().position(|&b| b == b'/') {
                Some(slash) => (&trimmed[..slash], Some(&trimmed[slash + 1..])),
                None => (trimmed, None),
            };
            let bad = "a time such as `5d` or `5d/4h`";
            OptionValue::QueueTimeout {
                return_after: parse_duration(ret, b'd').ok_or(bad)?,
                warn_after: match warn {
                    Some(w) => Some(parse_duration(w, b'h').ok_or(bad)?),
                    None => None,
                },
            }
        }
        ValueKind::Macro => {
            let (name, len) = parse_name_at(raw).map_err(|_| "a macro name and its value")?;
            OptionValue::MacroDefinition {
                name,
                value: Text::new(&raw[len..]),
            }
        }
        ValueKind::Ignored => OptionValue::Ignored,
    })
}

fn is_true(raw: &[u8]) -> bool {
    matches!(raw.first(), None | Some(b't' | b'T' | b'y' | b'Y'))
}

fn parse_number(raw: &[u8]) -> Option<i64> {
    std::str::from_utf8(raw).ok()?.parse().ok()
}

fn parse_octal(raw: &[u8]) -> Option<u32> {
    u32::from_str_radix(std::str::from_utf8(raw).ok()?, 8).ok()
}

fn split_list(raw: &[u8], sep: u8) -> Vec<Text> {
    raw.split(|&b| b == sep || b.is_ascii_whitespace())
        .filter(|w| !w.is_empty())
        .map(Text::new)
        .collect()
}

/// sendmail's `convtime`: digits followed by a unit (`s m h d w`), repeated;
/// a number without a unit takes `default_unit`.
pub fn parse_duration(raw: &[u8], default_unit: u8) -> Option<Duration> {
    if raw.is_empty() {
        return Some(Duration { seconds: 0 });
    }
    let mut seconds: u64 = 0;
    let mut i = 0;
    while i < raw.len() {
        let start = i;
        while i < raw.len() && raw[i].is_ascii_digit() {
            i += 1;
        }
        if i - start > 12 {
            return None;
        }
        let number: u64 = if i == start {
            0
        } else {
            std::str::from_utf8(&raw[start..i]).ok()?.parse().ok()?
        };
        let unit = match raw.get(i) {
            Some(&u) => {
                i += 1;
                u
            }
            None => default_unit,
        };
        let scale = match unit.to_ascii_lowercase() {
            b's' => 1,
            b'm' => 60,
            b'h' => 3600,
            b'd' => 86_400,
            b'w' => 604_800,
            _ => return None,
        };
        seconds = seconds.checked_add(number.checked_mul(scale)?)?;
    }
    Some(Duration { seconds })
}

fn parse_timeouts(sub: Option<&[u8]>, raw: &[u8]) -> Result<Vec<TimeoutSetting>, &'static str> {
    let bad = "a time such as `5m`, or `name=time` pairs";
    if let Some(sub) = sub {
        return Ok(vec![TimeoutSetting {
            name: Some(Text::new(sub.to_ascii_lowercase())),
            duration: parse_duration(raw, b'm').ok_or(bad)?,
        }]);
    }
    if !raw.contains(&b'=') {
        return Ok(vec![TimeoutSetting {
            name: None,
            duration: parse_duration(raw, b'm').ok_or(bad)?,
        }]);
    }
    raw.split(|&b| b == b',')
        .map(|pair| pair.trim_ascii())
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let eq = pair.iter().position(|&b| b == b'=').ok_or(bad)?;
            Ok(TimeoutSetting {
                name: Some(Text::new(pair[..eq].trim_ascii().to_ascii_lowercase())),
                duration: parse_duration(pair[eq + 1..].trim_ascii(), b'm').ok_or(bad)?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(
            parse_duration(b"1h30m", b'm'),
            Some(Duration { seconds: 5400 })
        );
        assert_eq!(parse_duration(b"5", b'm'), Some(Duration { seconds: 300 }));
        assert_eq!(
            parse_duration(b"5d", b'm'),
            Some(Duration { seconds: 432_000 })
        );
        assert_eq!(parse_duration(b"5x", b'm'), None);
    }

    #[test]
    fn queue_timeout_pair() {
        let value =
            read_value(ValueKind::QueueTimeout, None, b"5d/4h").unwrap_or(OptionValue::Ignored);
        assert_eq!(
            value,
            OptionValue::QueueTimeout {
                return_after: Duration { seconds: 432_000 },
                warn_after: Some(Duration { seconds: 14_400 })
            }
        );
    }

    #[test]
    fn booleans_follow_sendmail() {
        assert_eq!(
            read_value(ValueKind::Bool, None, b""),
            Ok(OptionValue::Bool(true))
        );
        assert_eq!(
            read_value(ValueKind::Bool, None, b"False"),
            Ok(OptionValue::Bool(false))
        );
        assert_eq!(
            read_value(ValueKind::Bool, None, b"yes"),
            Ok(OptionValue::Bool(true))
        );
    }
}
