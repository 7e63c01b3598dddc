use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Read a legacy sendmail.cf, explain it, and translate it into an
/// equivalent, safe Postfix configuration.
#[derive(Debug, Parser)]
#[command(name = "cf2postfix", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse sendmail.cf files and report every problem found in them.
    ///
    /// Exit status: 0 when no file has an error, 1 when one has, 2 on a
    /// usage or I/O failure. Warnings and dialect notes do not change it.
    Parse(ParseArgs),
}

#[derive(Debug, Args)]
pub struct ParseArgs {
    /// The sendmail.cf files to read.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// `text`: diagnostics drawn for people (on stderr). `json`: the syntax
    /// tree with spans and the diagnostics of every file (on stdout).
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,

    /// Colour in text output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Width of text output, in columns.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u16).range(40..))]
    pub width: u16,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}
