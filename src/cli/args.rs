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
    /// Address test mode: an offline `sendmail -bt` on the emulated engine.
    ///
    /// Reads test lines (`3,0 user@host`, `/parse addr`, `/try mailer addr`,
    /// `=S0`, `$m`, ...) from stdin, or from `-e`, and prints what sendmail
    /// 8.17 prints. Nothing is sent anywhere, no program is run.
    /// Exit status: 0, or 2 on a usage or I/O failure.
    Test(TestArgs),
    /// Translate a sendmail.cf into an equivalent, safe Postfix configuration.
    ///
    /// Writes main.cf, master.cf, the lookup tables, MIGRATION.md and
    /// report.json into the output directory. Existing files are replaced
    /// only with --force. With --check nothing is written: the command
    /// shows a unified diff against the directory instead.
    /// Exit status: 0, 1 when --check finds a difference, 2 on a usage,
    /// I/O or template failure.
    Migrate(MigrateArgs),
    /// Prove a migration: every address through the old sendmail rules and
    /// through the new Postfix configuration, every difference listed.
    ///
    /// Addresses come from --addresses files (one per line), from the `to=`
    /// fields of sendmail --maillog files, or, with neither, from a probe
    /// set built from the configuration. Processing streams: memory does
    /// not grow with the number of addresses.
    /// Exit status: 0 when both agree on every address, 1 when any
    /// differs, 2 on a usage or I/O failure.
    Verify(VerifyArgs),
    /// Explain a sendmail.cf in plain English: every ruleset, rule, mailer,
    /// option, class, macro and map, the Postfix line each became, and the
    /// mail flow; or one address's way through the rules.
    ///
    /// `--code CF001` explains a diagnostic code instead (no file needed).
    /// Exit status: 0, or 2 on a usage or I/O failure (an unknown code,
    /// ruleset or line included).
    Explain(ExplainArgs),
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The sendmail.cf to explain.
    #[arg(value_name = "FILE", required_unless_present = "code")]
    pub file: Option<PathBuf>,

    #[command(flatten)]
    pub environment: EnvironmentArgs,

    /// Only this ruleset (a number or a name).
    #[arg(long, value_name = "RULESET")]
    pub ruleset: Option<String>,

    /// Only what is defined on this line of the file.
    #[arg(long, value_name = "N")]
    pub line: Option<u32>,

    /// Trace this address through the rules instead (repeatable): each rule
    /// that fires in words, the delivery decision, and the Postfix line
    /// that reproduces it.
    #[arg(long, value_name = "ADDR")]
    pub address: Vec<String>,

    /// With `--address`: an SMTP client to show the door's answer for,
    /// `ADDR` or `ADDR,NAME` (repeatable; default an outside client and
    /// loopback).
    #[arg(long = "client", value_name = "ADDR[,NAME]", value_parser = parse_client, requires = "address")]
    pub clients: Vec<crate::smtp::Client>,

    /// Print only the mail-flow diagram, in this notation.
    #[arg(long, value_enum, value_name = "NOTATION")]
    pub diagram: Option<DiagramFormat>,

    /// Explain a diagnostic code (`CF001`): what it means, why it matters,
    /// an example and the fix.
    #[arg(long, value_name = "CODE", conflicts_with_all = ["ruleset", "line", "address", "diagram"])]
    pub code: Option<String>,

    /// `text` for a terminal, `markdown`, or `json`.
    #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
    pub format: ExplainFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    Text,
    Markdown,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiagramFormat {
    Text,
    Dot,
    Mermaid,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The sendmail.cf the migration came from.
    #[arg(value_name = "SENDMAIL_CF")]
    pub file: PathBuf,

    /// The Postfix configuration directory (main.cf, master.cf, tables).
    #[arg(value_name = "POSTFIX_DIR")]
    pub postfix_dir: PathBuf,

    #[command(flatten)]
    pub environment: EnvironmentArgs,

    /// A file of addresses, one per line (`-` for stdin; repeatable).
    #[arg(long = "addresses", value_name = "FILE")]
    pub addresses: Vec<PathBuf>,

    /// A sendmail syslog file: the recipients of its `to=` fields (repeatable).
    #[arg(long = "maillog", value_name = "FILE")]
    pub maillogs: Vec<PathBuf>,

    /// An SMTP client to compare the door for: `ADDR` (no host name) or
    /// `ADDR,NAME` (a name that resolves back to the address); repeatable.
    /// Default: an outside client (203.0.113.9, no name) and loopback.
    #[arg(long = "client", value_name = "ADDR[,NAME]", value_parser = parse_client)]
    pub clients: Vec<crate::smtp::Client>,

    /// `text`: differences as they are found, then a summary table.
    /// `json`: one JSON object per difference, then one with the summary
    /// (JSON Lines).
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// The sendmail.cf to translate.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Directory to write the Postfix configuration into.
    #[arg(short = 'o', long = "output", value_name = "DIR")]
    pub output: PathBuf,

    #[command(flatten)]
    pub environment: EnvironmentArgs,

    /// Replace files that already exist in the output directory.
    #[arg(long)]
    pub force: bool,

    /// Write nothing; print a unified diff against the output directory and
    /// exit 1 when it differs.
    #[arg(long)]
    pub check: bool,

    /// `text`: a summary on stdout. `json`: report.json on stdout.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
}

#[derive(Debug, Args)]
pub struct TestArgs {
    /// The sendmail.cf to load.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    #[command(flatten)]
    pub environment: EnvironmentArgs,

    /// A test line to run instead of reading stdin (repeatable).
    #[arg(short = 'e', value_name = "LINE")]
    pub lines: Vec<String>,

    /// Debug flags as for sendmail's `-d` (category 21 is honoured), e.g. `-d21.12`.
    #[arg(short = 'd', value_name = "FLAGS")]
    pub debug: Vec<String>,

    /// After each test line, print on stderr which rules fired, where they
    /// are, and what `$1..$9` were bound to.
    #[arg(long)]
    pub trace: bool,
}

/// The machine the configuration ran on: what `sendmail` would have found
/// in its environment (host name, `/etc/mail`, hosts, passwd, group, maps).
#[derive(Debug, Args)]
pub struct EnvironmentArgs {
    /// The host name sendmail would see (`$j`, `$w`, `$m`, `$=w`).
    /// Default: this machine's name.
    #[arg(long, value_name = "NAME")]
    pub hostname: Option<String>,

    /// Directory to read `/etc/mail/...` files (class files, map sources,
    /// aliases) from.
    #[arg(long, value_name = "DIR")]
    pub etc_mail: Option<PathBuf>,

    /// Hosts file for `$[ $]`, `/canon` and the host map (default: localhost only).
    #[arg(long, value_name = "FILE")]
    pub hosts: Option<PathBuf>,

    /// Password file for `user` maps and mailer `U=` users (default: none).
    #[arg(long, value_name = "FILE")]
    pub passwd: Option<PathBuf>,

    /// Group file for mailer `U=user:group` fields (default: none).
    #[arg(long, value_name = "FILE")]
    pub group: Option<PathBuf>,

    /// Text source for map NAME (`key value` lines, as fed to makemap).
    #[arg(long = "map", value_name = "NAME=FILE")]
    pub maps: Vec<String>,
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

fn parse_client(text: &str) -> Result<crate::smtp::Client, String> {
    crate::smtp::Client::parse(text)
}
