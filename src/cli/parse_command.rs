//! `cf2postfix parse FILE...`.

use std::io::{IsTerminal, Write};

use serde::Serialize;

use super::{read_source, ColorChoice, OutputFormat, ParseArgs, EXIT_FINDINGS, EXIT_OK};
use crate::ast::Config;
use crate::diagnostics::{render_json, render_text, JsonDiagnostic, RenderOptions, Severity};
use crate::syntax;

#[derive(Serialize)]
struct FileReport<'a> {
    file: &'a str,
    ast: &'a Config,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

pub fn run(args: &ParseArgs, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<u8> {
    let mut any_error = false;
    let mut sources = Vec::with_capacity(args.files.len());
    for path in &args.files {
        sources.push(read_source(path)?);
    }
    let parsed: Vec<_> = sources.iter().map(syntax::parse).collect();
    match args.format {
        OutputFormat::Json => {
            let reports: Vec<FileReport> = sources
                .iter()
                .zip(&parsed)
                .map(|(file, parsed)| FileReport {
                    file: file.name(),
                    ast: &parsed.config,
                    diagnostics: render_json(file, &parsed.diagnostics),
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &reports)?;
            writeln!(out)?;
            any_error = parsed.iter().any(syntax::Parsed::has_errors);
        }
        OutputFormat::Text => {
            let color = match args.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => {
                    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
                }
            };
            let options = RenderOptions {
                color,
                width: args.width.into(),
            };
            for (file, parsed) in sources.iter().zip(&parsed) {
                err.write_all(render_text(file, &parsed.diagnostics, options).as_bytes())?;
                let count = |s| {
                    parsed
                        .diagnostics
                        .iter()
                        .filter(|d| d.severity == s)
                        .count()
                };
                let (errors, warnings, notes) = (
                    count(Severity::Error),
                    count(Severity::Warning),
                    count(Severity::Note),
                );
                any_error |= errors > 0;
                writeln!(
                    err,
                    "{}: {} lines, {errors} error{}, {warnings} warning{}, {notes} note{}",
                    file.name(),
                    parsed.config.lines.len(),
                    plural(errors),
                    plural(warnings),
                    plural(notes),
                )?;
            }
        }
    }
    Ok(if any_error { EXIT_FINDINGS } else { EXIT_OK })
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
