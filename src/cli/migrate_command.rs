//! `cf2postfix migrate`: analyze, emit, then write (atomically) or check.

use std::io::Write;
use std::path::Path;

use super::args::{MigrateArgs, OutputFormat};
use super::test_command::environment_or_report;
use super::{read_source, EXIT_FAILURE, EXIT_FINDINGS, EXIT_OK};
use crate::emit::Output;

/// Every file name migrate can write; stale ones are removed with --force.
pub const FILE_NAMES: &[&str] = &[
    "MIGRATION.md",
    "aliases",
    "canonical",
    "client_access",
    "client_access_cidr",
    "client_relay",
    "client_relay_cidr",
    "generic",
    "main.cf",
    "master.cf",
    "recipient_access",
    "report.json",
    "sender_access",
    "transport",
    "virtual",
    "virtual_regexp",
];

pub fn run(args: &MigrateArgs, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<u8> {
    let source = read_source(&args.file)?;
    let Some(env) = environment_or_report(&args.environment, err)? else {
        return Ok(EXIT_FAILURE);
    };
    let parsed = crate::syntax::parse(&source);
    super::report_parse_errors(&source, &parsed, err)?;
    let analysis = crate::analyze::analyze(&source, &parsed.config, env);
    let output = match crate::emit::emit(&analysis) {
        Ok(o) => o,
        Err(e) => {
            writeln!(err, "cf2postfix: {e}")?;
            return Ok(EXIT_FAILURE);
        }
    };
    if args.check {
        let differs = check(&output, &args.output, out)?;
        return Ok(if differs { EXIT_FINDINGS } else { EXIT_OK });
    }
    if let Err(e) = write(&output, &args.output, args.force) {
        writeln!(err, "cf2postfix: {e}")?;
        return Ok(EXIT_FAILURE);
    }
    summary(&output, args, out)?;
    Ok(EXIT_OK)
}

fn summary(output: &Output, args: &MigrateArgs, out: &mut dyn Write) -> std::io::Result<()> {
    match args.format {
        OutputFormat::Json => {
            if let Some(json) = output.files.get("report.json") {
                out.write_all(json)?;
            }
        }
        OutputFormat::Text => {
            if let Some(r) = &output.report {
                writeln!(
                    out,
                    "wrote {} files to {}: {} translated, {} approximated, {} not translated, {} risks, {} routing differences (see MIGRATION.md)",
                    output.files.len(),
                    args.output.display(),
                    r.translated.len(),
                    r.approximated.len(),
                    r.not_translated.len(),
                    r.risks.len(),
                    r.differences.len()
                )?;
                for risk in &r.risks {
                    writeln!(
                        out,
                        "risk: {:?} at {}: {}",
                        risk.kind, risk.location, risk.text
                    )?;
                }
            }
        }
    }
    Ok(())
}

/// Prints a unified diff per file that differs; true when any does.
fn check(output: &Output, dir: &Path, out: &mut dyn Write) -> std::io::Result<bool> {
    let mut differs = false;
    for name in FILE_NAMES {
        let path = dir.join(name);
        let old = std::fs::read(&path).ok();
        let new = output.files.get(*name);
        if old.as_deref() == new.map(|v| v.as_slice()) {
            continue;
        }
        differs = true;
        let old_text = old
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        let new_text = new
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default();
        let diff = similar::TextDiff::from_lines(&old_text, &new_text);
        let shown = path.display().to_string();
        write!(
            out,
            "{}",
            diff.unified_diff()
                .context_radius(3)
                .header(&format!("a/{shown}"), &format!("b/{shown}"))
        )?;
    }
    Ok(differs)
}

/// Writes every file through a temporary file and a rename.
fn write(output: &Output, dir: &Path, force: bool) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    if !force {
        let existing: Vec<&str> = FILE_NAMES
            .iter()
            .copied()
            .filter(|n| dir.join(n).exists())
            .collect();
        if !existing.is_empty() {
            return Err(format!(
                "{} already holds {}; pass --force to replace them (or --check to compare)",
                dir.display(),
                existing.join(", ")
            ));
        }
    }
    for (name, bytes) in &output.files {
        let path = dir.join(name);
        let tmp = dir.join(format!(".{name}.cf2postfix-tmp"));
        std::fs::write(&tmp, bytes).map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
        std::fs::rename(&tmp, &path).map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            format!("cannot replace {}: {e}", path.display())
        })?;
    }
    for name in FILE_NAMES {
        if !output.files.contains_key(*name) {
            let path = dir.join(name);
            if path.exists() {
                std::fs::remove_file(&path)
                    .map_err(|e| format!("cannot remove stale {}: {e}", path.display()))?;
            }
        }
    }
    Ok(())
}
