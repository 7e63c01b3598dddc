use std::fmt;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};
use serde::Serialize;

use super::{Diagnostic, Severity};
use crate::source::{SourceFile, Span};

/// How diagnostics are drawn on a terminal.
#[derive(Clone, Copy, Debug)]
pub struct RenderOptions {
    pub color: bool,
    pub width: usize,
}

impl Default for RenderOptions {
    fn default() -> Self {
        Self {
            color: false,
            width: 100,
        }
    }
}

/// A diagnostic paired with the file it is about, as miette wants it.
struct Attached<'a> {
    diagnostic: &'a Diagnostic,
    source: &'a NamedSource<String>,
    span: SourceSpan,
}

impl fmt::Debug for Attached<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Attached")
            .field("diagnostic", self.diagnostic)
            .finish()
    }
}

impl fmt::Display for Attached<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl std::error::Error for Attached<'_> {}

impl miette::Diagnostic for Attached<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.diagnostic.code.info().code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Note => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.diagnostic.help_text()))
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let label = LabeledSpan::new_with_span(self.diagnostic.label.clone(), self.span);
        Some(Box::new(std::iter::once(label)))
    }
}

/// Clamps `span` to the text and to UTF-8 character boundaries.
fn source_span(text: &str, span: Span) -> SourceSpan {
    let mut start = (span.start as usize).min(text.len());
    let mut end = (span.end as usize).clamp(start, text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    while !text.is_char_boundary(end) {
        end += 1;
    }
    SourceSpan::new(start.into(), end - start)
}

/// Renders diagnostics as miette draws them, one after the other.
pub fn render_text(
    file: &SourceFile,
    diagnostics: &[Diagnostic],
    options: RenderOptions,
) -> String {
    let text = file.display_text();
    let source = NamedSource::new(file.name(), text);
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .without_syntax_highlighting()
        .with_width(options.width);
    let mut out = String::new();
    for diagnostic in diagnostics {
        let attached = Attached {
            diagnostic,
            source: &source,
            span: source_span(source.inner(), diagnostic.span),
        };
        // Writing into a String cannot fail.
        let _ = handler.render_report(&mut out, &attached);
    }
    out
}

/// A diagnostic as it appears in JSON output.
#[derive(Debug, Serialize)]
pub struct JsonDiagnostic<'a> {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub message: &'a str,
    pub file: &'a str,
    pub line: u32,
    pub column: u32,
    pub span: Span,
    pub help: &'a str,
}

pub fn render_json<'a>(
    file: &'a SourceFile,
    diagnostics: &'a [Diagnostic],
) -> Vec<JsonDiagnostic<'a>> {
    diagnostics
        .iter()
        .map(|d| JsonDiagnostic {
            code: d.code.info().code,
            name: d.code.info().name,
            severity: d.severity,
            message: &d.message,
            file: file.name(),
            line: file.line_of(d.span.start),
            column: file.column_of(d.span.start),
            span: d.span,
            help: d.help_text(),
        })
        .collect()
}
