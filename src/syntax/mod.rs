//! The parser: bytes of a sendmail.cf to a typed, spanned [`Config`].
//!
//! It reads the file the way sendmail 8.17 does (continuation lines, `#`
//! comments by configuration level, `$` translation), recovers from every
//! error and collects diagnostics. It never panics and every loop is bounded
//! by the input's length.

mod class;
mod define;
mod header;
mod line_text;
mod macro_text;
mod mailer;
mod map;
mod misc;
mod option;
mod reader;
mod rule;
mod ruleset;
mod state;
mod version;

pub use line_text::dollar_sequence_len;
pub use macro_text::MAX_LONG_NAME;

use crate::ast::{CommentLine, Config, InvalidLine, Line, LineKind, Text, UnknownLine};
use crate::diagnostics::{Code, Diagnostic};
use crate::source::{SourceFile, Span};
use line_text::{Cleanup, LineText};
use state::State;

/// The result of parsing: always a tree, plus what was wrong.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub config: Config,
    pub diagnostics: Vec<Diagnostic>,
}

impl Parsed {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Parses a whole sendmail.cf.
pub fn parse(file: &SourceFile) -> Parsed {
    let bytes = file.bytes();
    let mut state = State::default();
    let mut lines = Vec::new();
    for range in reader::LogicalLines::new(bytes) {
        let mut cleanup = Cleanup::default();
        let raw = &bytes[range.start..range.end];
        let mut text = LineText::read(raw, range.start as u32, &mut cleanup);
        if let Some(at) = cleanup.nul_at {
            state.push(
                Diagnostic::warning(Code::NulByte, Span::new(at, at + 1), "NUL byte in line")
                    .with_label("sendmail stops reading the line here"),
            );
        }
        let kind = if text.bytes.first() == Some(&b'#') {
            let mut body = text.bytes[1..].to_vec();
            while body.last().is_some_and(|b| line_text::is_c_space(*b)) {
                body.pop();
            }
            LineKind::Comment(CommentLine { text: Text(body) })
        } else {
            if state.level >= 3 {
                text.strip_comments(&mut cleanup, state.legacy());
            }
            text.strip_trailing_whitespace();
            if text.bytes.is_empty() {
                LineKind::Blank
            } else {
                dispatch(&mut state, &text)
            }
        };
        lines.push(Line {
            span: Span::new(range.start as u32, range.end as u32),
            line: file.line_of(range.start as u32),
            kind,
            comments: cleanup.comments,
        });
    }
    state.finish(&lines);
    Parsed {
        config: Config { lines },
        diagnostics: state.diagnostics,
    }
}

fn dispatch(state: &mut State, text: &LineText) -> LineKind {
    // sendmail translates the `$` sequences of every line, whatever its
    // kind, and rejects malformed `${name}`s everywhere.
    if !state.legacy() {
        if let Some((at, error)) = macro_text::find_bad_name(&text.bytes) {
            let (offset, width, message) = error.describe(text.bytes.len() - at);
            state.push(Diagnostic::error(
                Code::BadMacroName,
                text.span(at + offset, at + offset + width.max(1)),
                message,
            ));
            return invalid(text);
        }
    }
    match text.bytes[0] {
        b'V' => version::parse(state, text),
        b'D' => define::parse(state, text),
        b'C' => class::parse_class(state, text),
        b'F' => class::parse_class_file(state, text),
        b'T' => misc::parse_trusted(text),
        b'O' => option::parse(state, text),
        b'H' => header::parse(state, text),
        b'P' => misc::parse_precedence(state, text),
        b'K' => map::parse(state, text),
        b'M' => mailer::parse(state, text),
        b'S' => ruleset::parse(state, text),
        b'R' => rule::parse(state, text),
        b'E' => misc::parse_environment(state, text),
        b'Q' => misc::parse_queue_group(state, text),
        b'X' => misc::parse_milter(state, text),
        b'L' | b'G' => misc::parse_sun_lookup(state, text),
        _ => {
            let end = text
                .bytes
                .iter()
                .position(|&b| b == b'\n')
                .unwrap_or(text.bytes.len())
                .min(40);
            state.push(
                Diagnostic::error(
                    Code::UnknownLine,
                    text.span(0, end.max(1)),
                    format!(
                        "unknown configuration line `{}`",
                        Text::new(&text.bytes[..end]).to_display().escape_debug()
                    ),
                )
                .with_label("no command starts with this"),
            );
            LineKind::Unknown(UnknownLine {
                text: Text::new(text.bytes.clone()),
            })
        }
    }
}

/// Keeps a line that could not be parsed, verbatim.
fn invalid(text: &LineText) -> LineKind {
    LineKind::Invalid(InvalidLine {
        text: Text::new(text.bytes.clone()),
    })
}

/// Position of the first byte at or after `from` that is not SPACE or TAB
/// (or a continuation newline).
fn skip_space(bytes: &[u8], from: usize) -> usize {
    let mut i = from;
    while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\n') {
        i += 1;
    }
    i
}

/// End of the word starting at `from` (first whitespace or end).
fn word_end(bytes: &[u8], from: usize) -> usize {
    let mut i = from;
    while i < bytes.len() && !line_text::is_c_space(bytes[i]) {
        i += 1;
    }
    i
}
