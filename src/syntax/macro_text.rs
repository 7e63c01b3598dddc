//! The `$` language shared by every line kind, parsed with nom.
//!
//! sendmail translates every `$` sequence of a line when it reads it
//! (`translate_dollars`); this module does the same, but into typed
//! [`Operator`]s instead of internal bytes.

use nom::branch::alt;
use nom::bytes::complete::{tag, take_while};
use nom::combinator::{map, value};
use nom::number::complete::u8 as any_byte;
use nom::sequence::{delimited, pair, preceded};
use nom::IResult;

use super::line_text::LineText;
use crate::ast::{MacroName, MacroText, Operator, Piece, PieceKind, Text};
use crate::diagnostics::{Code, Diagnostic};

/// Longest `{name}` sendmail accepts.
pub const MAX_LONG_NAME: usize = 25;

/// Which operators the dialect of the file has.
#[derive(Clone, Copy, Debug)]
pub struct DollarDialect {
    /// Read `$%x $!x $" $<x ${x..$} $}` as the SunOS/Ultrix/HP-UX operators.
    pub vendor_operators: bool,
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// `{name}` with a valid name of any length (length is checked later).
fn long_name(input: &[u8]) -> IResult<&[u8], MacroName> {
    map(
        delimited(tag("{"), take_while(is_name_byte), tag("}")),
        |name: &[u8]| MacroName::Long(Text::new(name)),
    )(input)
}

/// A macro or class name after `$`, `$&`, `$=`, `$~`, `$?`.
fn macro_name(input: &[u8]) -> IResult<&[u8], MacroName> {
    alt((long_name, map(any_byte, MacroName::Short)))(input)
}

fn simple_operator(input: &[u8]) -> IResult<&[u8], Operator> {
    alt((
        value(Operator::Dollar, tag("$")),
        value(Operator::ZeroOrMore, tag("*")),
        value(Operator::OneOrMore, tag("+")),
        value(Operator::ExactlyOne, tag("-")),
        value(Operator::Host, tag("@")),
        value(Operator::User, tag(":")),
        value(Operator::Mailer, tag("#")),
        value(Operator::Call, tag(">")),
        value(Operator::HostBegin, tag("[")),
        value(Operator::HostEnd, tag("]")),
        value(Operator::LookupBegin, tag("(")),
        value(Operator::LookupEnd, tag(")")),
        value(Operator::Else, tag("|")),
        value(Operator::EndIf, tag(".")),
        map(
            nom::character::complete::satisfy(|c| c.is_ascii_digit()),
            |c| Operator::Positional(c as u8 - b'0'),
        ),
    ))(input)
}

fn named_operator(input: &[u8]) -> IResult<&[u8], Operator> {
    alt((
        map(preceded(tag("&"), macro_name), Operator::Deferred),
        map(preceded(tag("="), macro_name), Operator::Class),
        map(preceded(tag("~"), macro_name), Operator::NotClass),
        map(preceded(tag("?"), macro_name), Operator::IfSet),
    ))(input)
}

fn vendor_operator(input: &[u8]) -> IResult<&[u8], Operator> {
    alt((
        map(preceded(tag("%"), macro_name), Operator::SunMapMatch),
        map(preceded(tag("!"), macro_name), Operator::SunMapNonMatch),
        value(Operator::UltrixAliasMatch, tag("\"")),
        map(preceded(tag("<"), macro_name), Operator::HpuxPathalias),
        value(Operator::SunLookupEnd, tag("}")),
    ))(input)
}

/// Everything after a `$` that is not a `{`: a one-byte macro name, or an
/// operator. `rest_has_close` says whether a `$}` follows somewhere.
fn after_dollar(dialect: DollarDialect) -> impl FnMut(&[u8]) -> IResult<&[u8], Operator> {
    move |input| {
        if dialect.vendor_operators {
            if let Ok(ok) = vendor_operator(input) {
                return Ok(ok);
            }
        }
        alt((
            simple_operator,
            named_operator,
            map(any_byte, |b| Operator::Macro(MacroName::Short(b))),
        ))(input)
    }
}

/// `${`: a long macro name, or in a vendor dialect the Sun lookup or the
/// Ultrix passwd test.
fn brace_operator(input: &[u8], dialect: DollarDialect) -> Result<(&[u8], Operator), BraceError> {
    if let Ok((rest, name)) = long_name(input) {
        return Ok((rest, Operator::Macro(name)));
    }
    if dialect.vendor_operators {
        // `${x key $}`: a one-byte map macro and a closing `$}` later on.
        let closes = input.windows(2).any(|w| w == b"$}");
        if closes {
            if let Ok((rest, (_, b))) =
                pair(tag::<_, _, nom::error::Error<&[u8]>>("{"), any_byte)(input)
            {
                return Ok((rest, Operator::SunLookupBegin(MacroName::Short(b))));
            }
        }
        return Ok((&input[1..], Operator::UltrixPasswdMatch));
    }
    // Find what is wrong, the way sendmail reports it.
    let body = &input[1..];
    match body.iter().position(|&b| !is_name_byte(b)) {
        Some(i) if body[i] == b'}' => Err(BraceError::Empty),
        Some(i) => Err(BraceError::BadByte(i + 1, body[i])),
        None => Err(BraceError::Unclosed),
    }
}

#[derive(Debug)]
enum BraceError {
    Empty,
    BadByte(usize, u8),
    Unclosed,
}

fn show_byte(b: u8) -> String {
    match b {
        b'\t' => "TAB".into(),
        b' ' => "SPACE".into(),
        b'\n' => "newline".into(),
        0x21..=0x7e => format!("`{}`", b as char),
        _ => format!("byte 0x{b:02x}"),
    }
}

/// Parses `bytes[start..end]` of `line` into a [`MacroText`].
///
/// Fails with a diagnostic when a `${...}` name is malformed; the caller
/// then keeps the whole line as an invalid line.
pub fn parse_macro_text(
    line: &LineText,
    start: usize,
    end: usize,
    dialect: DollarDialect,
) -> Result<MacroText, Diagnostic> {
    let bytes = &line.bytes[start..end];
    let mut pieces = Vec::new();
    let mut i = 0;
    let mut literal_start = 0;
    while i < bytes.len() {
        if bytes[i] != b'$' {
            i += 1;
            continue;
        }
        if literal_start < i {
            pieces.push(Piece {
                span: line.span(start + literal_start, start + i),
                kind: PieceKind::Literal(Text::new(&bytes[literal_start..i])),
            });
        }
        let after = &bytes[i + 1..];
        let (rest, op) = if after.is_empty() {
            (after, Operator::Dollar)
        } else if after[0] == b'{' {
            match brace_operator(after, dialect) {
                Ok(ok) => ok,
                Err(error) => {
                    let at = start + i;
                    let (span, message) = match error {
                        BraceError::Empty => {
                            (line.span(at, at + 3), "empty macro name `${}`".to_string())
                        }
                        BraceError::BadByte(k, b) => (
                            line.span(at + 1 + k, at + 2 + k),
                            format!("invalid character {} in macro or class name", show_byte(b)),
                        ),
                        BraceError::Unclosed => (
                            line.span(at, end),
                            "unbalanced `{` in macro or class name".to_string(),
                        ),
                    };
                    return Err(
                        Diagnostic::error(Code::BadMacroName, span, message).with_label("here")
                    );
                }
            }
        } else {
            match after_dollar(dialect)(after) {
                Ok(ok) => ok,
                Err(_) => (&after[1..], Operator::Macro(MacroName::Short(after[0]))),
            }
        };
        let consumed = after.len() - rest.len();
        let op_end = i + 1 + consumed;
        if let Some(name) = long_name_of(&op) {
            if name.len() > MAX_LONG_NAME {
                return Err(Diagnostic::error(
                    Code::BadMacroName,
                    line.span(start + i, start + op_end),
                    format!(
                        "macro or class name `{}` is longer than {MAX_LONG_NAME} characters",
                        Text::new(name)
                    ),
                ));
            }
        }
        pieces.push(Piece {
            span: line.span(start + i, start + op_end),
            kind: PieceKind::Operator(op),
        });
        i = op_end;
        literal_start = i;
    }
    if literal_start < bytes.len() {
        pieces.push(Piece {
            span: line.span(start + literal_start, start + bytes.len()),
            kind: PieceKind::Literal(Text::new(&bytes[literal_start..])),
        });
    }
    Ok(MacroText { pieces })
}

fn long_name_of(op: &Operator) -> Option<&[u8]> {
    match op {
        Operator::Macro(MacroName::Long(n))
        | Operator::Deferred(MacroName::Long(n))
        | Operator::Class(MacroName::Long(n))
        | Operator::NotClass(MacroName::Long(n))
        | Operator::IfSet(MacroName::Long(n))
        | Operator::SunMapMatch(MacroName::Long(n))
        | Operator::SunMapNonMatch(MacroName::Long(n))
        | Operator::HpuxPathalias(MacroName::Long(n)) => Some(&n.0),
        _ => None,
    }
}

/// Parses a macro or class name at the start of `bytes` (after `D`, `C`,
/// `F`...): returns the name and its length in bytes.
pub fn parse_name_at(bytes: &[u8]) -> Result<(MacroName, usize), NameError> {
    match bytes.first() {
        None => Err(NameError::Missing),
        Some(b'{') => match long_name(bytes) {
            Ok((rest, MacroName::Long(name))) if name.is_empty() => {
                let _ = rest;
                Err(NameError::Empty)
            }
            Ok((rest, name)) => {
                let len = bytes.len() - rest.len();
                if len - 2 > MAX_LONG_NAME {
                    Err(NameError::TooLong(len))
                } else {
                    Ok((name, len))
                }
            }
            Err(_) => {
                let body = &bytes[1..];
                match body.iter().position(|&b| !is_name_byte(b)) {
                    Some(i) => Err(NameError::BadByte(i + 1, body[i])),
                    None => Err(NameError::Unclosed),
                }
            }
        },
        Some(&b) => Ok((MacroName::Short(b), 1)),
    }
}

/// The first malformed `{name}` after a `$` (or `$& $= $~ $?`) in `bytes`:
/// its position (of the `{`) and what is wrong.
pub fn find_bad_name(bytes: &[u8]) -> Option<(usize, NameError)> {
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'$' {
            i += 1;
            continue;
        }
        let brace = match bytes.get(i + 1) {
            Some(b'{') => i + 1,
            Some(b'&' | b'=' | b'~' | b'?') if bytes.get(i + 2) == Some(&b'{') => i + 2,
            _ => {
                i += super::line_text::dollar_sequence_len(&bytes[i..], false);
                continue;
            }
        };
        if let Err(error) = parse_name_at(&bytes[brace..]) {
            return Some((brace, error));
        }
        i += super::line_text::dollar_sequence_len(&bytes[i..], false);
    }
    None
}

/// Why a name after a line's command letter is not valid.
#[derive(Debug, Clone, Copy)]
pub enum NameError {
    Missing,
    Empty,
    Unclosed,
    TooLong(usize),
    BadByte(usize, u8),
}

impl NameError {
    /// Offset (from the name's start) and length of the bad part, and the message.
    pub fn describe(self, available: usize) -> (usize, usize, String) {
        match self {
            NameError::Missing => (0, 0, "missing macro or class name".into()),
            NameError::Empty => (0, 2, "empty macro or class name `{}`".into()),
            NameError::Unclosed => (0, available, "unbalanced `{` in macro or class name".into()),
            NameError::TooLong(len) => (
                0,
                len,
                format!("macro or class name is longer than {MAX_LONG_NAME} characters"),
            ),
            NameError::BadByte(i, b) => (
                i,
                1,
                format!("invalid character {} in macro or class name", show_byte(b)),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::line_text::Cleanup;

    fn ops(text: &str, vendor: bool) -> Result<Vec<String>, String> {
        let mut cleanup = Cleanup::default();
        let line = LineText::read(text.as_bytes(), 0, &mut cleanup);
        parse_macro_text(
            &line,
            0,
            line.bytes.len(),
            DollarDialect {
                vendor_operators: vendor,
            },
        )
        .map(|t| {
            t.pieces
                .iter()
                .map(|p| match &p.kind {
                    PieceKind::Literal(l) => format!("lit:{l}"),
                    PieceKind::Operator(op) => format!("{op:?}"),
                })
                .collect()
        })
        .map_err(|d| d.message)
    }

    #[test]
    fn berkeley_operators() {
        assert_eq!(
            ops("$*<@$=w.>$#local$:$1", false).unwrap(),
            [
                "ZeroOrMore",
                "lit:<@",
                "Class(Short(119))",
                "lit:.>",
                "Mailer",
                "lit:local",
                "User",
                "Positional(1)"
            ]
        );
        assert_eq!(
            ops("${name}$&{x}$={Cls}$~x$?x$|$.$$", false).unwrap().len(),
            8
        );
        assert_eq!(ops("a$", false).unwrap(), ["lit:a", "Dollar"]);
    }

    #[test]
    fn sun_operators_only_in_vendor_dialect() {
        assert_eq!(ops("$%y", true).unwrap(), ["SunMapMatch(Short(121))"]);
        assert_eq!(ops("$%y", false).unwrap(), ["Macro(Short(37))", "lit:y"]);
        assert_eq!(
            ops("${Z$1@$2$}", true).unwrap(),
            [
                "SunLookupBegin(Short(90))",
                "Positional(1)",
                "lit:@",
                "Positional(2)",
                "SunLookupEnd"
            ]
        );
        assert_eq!(
            ops("${$*", true).unwrap(),
            ["UltrixPasswdMatch", "ZeroOrMore"]
        );
    }

    #[test]
    fn bad_long_names() {
        assert!(ops("${a b}", false).unwrap_err().contains("SPACE"));
        assert!(ops("${abc", false).unwrap_err().contains("unbalanced"));
        assert!(ops("${abcdefghijklmnopqrstuvwxyz}", false)
            .unwrap_err()
            .contains("longer"));
    }
}
