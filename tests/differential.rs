//! Load-time diagnostics against the real sendmail 8.17: wherever sendmail
//! complains about a line when it reads a configuration, we report a
//! diagnostic (error, warning or dialect note) on the same line.

use std::path::{Path, PathBuf};

use crate::support::{self, cf_files, corpus_dir, parse_bytes};
use cf2postfix::ast::LineKind;
use cf2postfix::diagnostics::Code;

/// sendmail messages that depend on the machine, not on the file: missing
/// class files and maps, unknown local users, the host name.
const ENVIRONMENTAL: &[&str] = &[
    "fileclass: cannot open",
    "unknown user",
    "missing map file",
    "cannot open",
    "local host name",
    "No such file or directory",
];

/// One complaint of sendmail's about the configuration.
#[derive(Debug)]
enum Complaint {
    Line(u32, String),
    Mailer(String, String),
    OutOfDate(String),
}

impl Complaint {
    fn describe(&self) -> String {
        match self {
            Complaint::Line(n, message) => format!("line {n}: {message}"),
            Complaint::Mailer(name, message) => format!("M{name}: {message}"),
            Complaint::OutOfDate(message) => message.clone(),
        }
    }
}

fn complaints(cf: &Path, output: &str) -> Vec<Complaint> {
    let prefix = format!("{}: line ", cf.display());
    let mut found = Vec::new();
    for raw in output.lines() {
        let line = raw.trim_start_matches("> ");
        if ENVIRONMENTAL.iter().any(|e| line.contains(e)) {
            continue;
        }
        if let Some(rest) = line.strip_prefix(&prefix) {
            if let Some((number, message)) = rest.split_once(": ") {
                if let Ok(n) = number.parse() {
                    found.push(Complaint::Line(n, message.to_string()));
                }
            }
        } else if line.starts_with("Warning: .cf file is out of date") {
            found.push(Complaint::OutOfDate(line.to_string()));
        } else if let Some(rest) = line.strip_prefix('M') {
            if let Some((name, message)) = rest.split_once(": ") {
                if !name.contains(' ') {
                    found.push(Complaint::Mailer(name.to_string(), message.to_string()));
                }
            }
        }
    }
    found
}

/// Checks one file; returns (complaints, unmatched descriptions).
fn check(cf: &Path) -> (usize, Vec<String>) {
    let bytes = std::fs::read(cf).expect("readable cf");
    let (file, parsed) = parse_bytes(&cf.display().to_string(), &bytes);
    let output = support::sendmail_bt(cf, "");
    let complaints = complaints(cf, &output);
    let mut unmatched = Vec::new();
    for complaint in &complaints {
        let matched = match complaint {
            Complaint::Line(n, _) => parsed.config.lines.iter().any(|line| {
                let first = file.line_of(line.span.start);
                let last = file.line_of(line.span.end.saturating_sub(1).max(line.span.start));
                (first..=last).contains(n)
                    && parsed
                        .diagnostics
                        .iter()
                        .any(|d| d.span.start >= line.span.start && d.span.start <= line.span.end)
            }),
            Complaint::Mailer(name, _) => parsed.config.lines.iter().any(|line| match &line.kind {
                LineKind::Mailer(m) if m.name.to_display() == *name => parsed
                    .diagnostics
                    .iter()
                    .any(|d| d.span.start >= line.span.start && d.span.start <= line.span.end),
                _ => false,
            }),
            Complaint::OutOfDate(_) => parsed
                .diagnostics
                .iter()
                .any(|d| matches!(d.code, Code::OldConfigLevel | Code::NoVersionLine)),
        };
        if !matched {
            unmatched.push(format!("{}: {}", cf.display(), complaint.describe()));
        }
    }
    (complaints.len(), unmatched)
}

fn run_all(files: &[PathBuf], what: &str) {
    let mut total = 0;
    let mut unmatched = Vec::new();
    for cf in files {
        let (count, missing) = check(cf);
        total += count;
        unmatched.extend(missing);
    }
    println!(
        "{what}: {} files, sendmail made {total} load-time complaints, {} matched by our diagnostics",
        files.len(),
        total - unmatched.len()
    );
    assert!(
        unmatched.is_empty(),
        "sendmail complained where we did not:\n{}",
        unmatched.join("\n")
    );
}

#[test]
fn corpus_load_complaints_match_sendmail() {
    if !support::sendmail_available() {
        support::skip("the real sendmail 8.17 is not installed (run oracle/install.sh)");
        return;
    }
    let Some(dir) = corpus_dir() else {
        support::skip("CF2POSTFIX_CORPUS is not set; differential corpus test skipped");
        return;
    };
    run_all(&cf_files(&dir), "corpus");
}

#[test]
fn examples_and_m4_samples_load_complaints_match_sendmail() {
    if !support::sendmail_available() || support::sample_mc_files().is_empty() {
        support::skip(
            "the real sendmail 8.17 or its m4 tree is not installed (run oracle/install.sh)",
        );
        return;
    }
    let scratch = support::TempDir::new("diff-m4");
    let mut files: Vec<PathBuf> = support::sample_mc_files()
        .iter()
        .filter_map(|mc| support::mc_to_cf(mc, &scratch.0))
        .collect();
    files.extend(crate::examples::example_configs());
    run_all(&files, "m4 samples and examples");
}

/// Hand-made files with the problems sendmail reports, so the match is
/// shown on purpose and not only where the corpus happens to have them.
#[test]
fn deliberate_problems_match_sendmail() {
    if !support::sendmail_available() {
        support::skip("the real sendmail 8.17 is not installed (run oracle/install.sh)");
        return;
    }
    let scratch = support::TempDir::new("diff-deliberate");
    let cf = scratch.0.join("problems.cf");
    std::fs::write(
        &cf,
        "V10/Berkeley\n\
         OW*\n\
         O NoSuchOption=1\n\
         ONARPA\n\
         D{a b}x\n\
         Mtcp, P=[TCP], F=mDFMuX, A=TCP $h\n\
         Mold, P=[IPC], F=mDFMuX, A=IPC $h\n\
         Mlocal, P=/bin/true, F=lsDFM, A=mail $u\n\
         S0\n\
         R$*\t$@ $2\n\
         R$* foo\n\
         S100\n\
         Kbad mysql -x\n\
         Z unknown line\n\
         V10/Acme\n",
    )
    .expect("write test cf");
    let (count, unmatched) = check(&cf);
    println!("deliberate problems: sendmail made {count} complaints");
    assert!(
        count >= 10,
        "sendmail should complain about most lines, got {count}"
    );
    assert!(unmatched.is_empty(), "{}", unmatched.join("\n"));
}
