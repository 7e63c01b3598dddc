//! The command line: argument types (clap) and the commands they run.

mod args;
mod explain_command;
mod migrate_command;
mod parse_command;
mod test_command;
mod verify_command;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

pub use args::{
    Cli, ColorChoice, Command, DiagramFormat, EnvironmentArgs, ExplainArgs, ExplainFormat,
    MigrateArgs, OutputFormat, ParseArgs, TestArgs, VerifyArgs,
};

/// Exit status: everything fine.
pub const EXIT_OK: u8 = 0;
/// Exit status: the input has errors (or, for later commands, findings).
pub const EXIT_FINDINGS: u8 = 1;
/// Exit status: usage, I/O or internal failure.
pub const EXIT_FAILURE: u8 = 2;

/// Runs the program with the process's arguments.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let code = run(&cli, &mut stdout.lock(), &mut stderr.lock());
    ExitCode::from(code)
}

/// Runs a parsed command line, writing to the given streams; returns the exit status.
pub fn run(cli: &Cli, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let result = match &cli.command {
        Command::Parse(args) => parse_command::run(args, out, err),
        Command::Test(args) => test_command::run(args, out, err),
        Command::Migrate(args) => migrate_command::run(args, out, err),
        Command::Verify(args) => verify_command::run(args, out, err),
        Command::Explain(args) => explain_command::run(args, out, err),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            // A broken pipe on stdout is not worth a message.
            if error.kind() != std::io::ErrorKind::BrokenPipe {
                let _ = writeln!(err, "cf2postfix: {error}");
            }
            EXIT_FAILURE
        }
    }
}

/// Reads one input file, refusing what cannot be addressed with 32-bit offsets.
pub fn read_source(path: &std::path::Path) -> std::io::Result<crate::source::SourceFile> {
    let bytes = std::fs::read(path).map_err(|e| {
        std::io::Error::new(e.kind(), format!("cannot read {}: {e}", path.display()))
    })?;
    if bytes.len() > crate::source::MAX_SOURCE_LEN {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("{}: file too large (4 GiB max)", path.display()),
        ));
    }
    Ok(crate::source::SourceFile::new(
        path.display().to_string(),
        bytes,
    ))
}

/// Shows the parse errors of a configuration a command goes on to use
/// (migrate, verify) on stderr, as `parse` draws them: code, span, help.
pub fn report_parse_errors(
    file: &crate::source::SourceFile,
    parsed: &crate::syntax::Parsed,
    err: &mut dyn Write,
) -> std::io::Result<()> {
    use std::io::IsTerminal;
    let errors: Vec<crate::diagnostics::Diagnostic> = parsed
        .diagnostics
        .iter()
        .filter(|d| d.severity == crate::diagnostics::Severity::Error)
        .cloned()
        .collect();
    if errors.is_empty() {
        return Ok(());
    }
    let options = crate::diagnostics::RenderOptions {
        color: std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        width: 100,
    };
    err.write_all(crate::diagnostics::render_text(file, &errors, options).as_bytes())?;
    writeln!(
        err,
        "cf2postfix: {}: {} line(s) could not be read; they are listed as not translated",
        file.name(),
        errors.len()
    )
}
