//! `cf2postfix verify`: stream addresses through both configurations.

use std::io::{BufRead, BufReader, IsTerminal, Write};

use super::args::{OutputFormat, VerifyArgs};
use super::test_command::environment_or_report;
use super::{read_source, EXIT_FAILURE, EXIT_FINDINGS, EXIT_OK};
use crate::engine::Machine;
use crate::postfix::cleanup::Pipeline;
use crate::postfix::config::Config;
use crate::postfix::resolve::Resolver;
use crate::postfix::smtpd::Smtpd;
use crate::verify::door::{self, DoorCheck, DoorComparison, DoorSummary};
use crate::verify::{maillog, Comparison, Summary, Verifier};

/// Where the addresses come from.
enum Source {
    Addresses(Box<dyn BufRead>),
    Maillog(Box<dyn BufRead>),
}

fn open(path: &std::path::Path) -> std::io::Result<Box<dyn BufRead>> {
    if path.as_os_str() == "-" {
        return Ok(Box::new(BufReader::new(std::io::stdin())));
    }
    let file = std::fs::File::open(path).map_err(|e| {
        std::io::Error::new(e.kind(), format!("cannot read {}: {e}", path.display()))
    })?;
    Ok(Box::new(BufReader::new(file)))
}

pub fn run(args: &VerifyArgs, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<u8> {
    let source = read_source(&args.file)?;
    let Some(env) = environment_or_report(&args.environment, err)? else {
        return Ok(EXIT_FAILURE);
    };
    let config = match Config::load(&args.postfix_dir, &env.hostname) {
        Ok(c) => c,
        Err(e) => {
            writeln!(
                err,
                "cf2postfix: cannot read {}/main.cf: {e}",
                args.postfix_dir.display()
            )?;
            return Ok(EXIT_FAILURE);
        }
    };
    let parsed = crate::syntax::parse(&source);
    super::report_parse_errors(&source, &parsed, err)?;
    // Without an address list: the probe set migrate uses.
    let mut probes: Vec<String> = Vec::new();
    if args.addresses.is_empty() && args.maillogs.is_empty() {
        let analysis = crate::analyze::analyze(&source, &parsed.config, env.clone());
        probes = analysis.probes.outcomes.keys().cloned().collect();
    }
    let machine = Machine::load(&source, &parsed.config, env);
    let pipeline = Pipeline::new(&config);
    let mut verifier = Verifier::new(machine, pipeline, &source, &parsed.config);
    // The door: both sides see the same local users (--passwd, or none).
    let resolver = Resolver::new(&config);
    let passwd = args
        .environment
        .passwd
        .clone()
        .unwrap_or_else(|| std::path::PathBuf::from("/dev/null"));
    let smtpd = Smtpd::with_passwd(&config, &resolver, &passwd);
    let default_rule = verifier.sendmail("user@example.net", true).decided_by;
    let clients = if args.clients.is_empty() {
        door::default_clients()
    } else {
        args.clients.clone()
    };
    let door = DoorCheck::new(&mut verifier.machine, &smtpd, clients, default_rule);
    let mut door_summary = DoorSummary::default();
    let mut sources = Vec::new();
    for path in &args.addresses {
        sources.push(Source::Addresses(open(path)?));
    }
    for path in &args.maillogs {
        sources.push(Source::Maillog(open(path)?));
    }
    let progress = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {pos} addresses, {msg} ({per_sec})")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        bar
    });
    let mut summary = Summary::default();
    let mut check = |address: &str, out: &mut dyn Write| -> std::io::Result<()> {
        let address = address.trim();
        if address.is_empty() || address.starts_with('#') {
            return Ok(());
        }
        let c = verifier.compare(address);
        summary.add(&c);
        if let Some(bar) = &progress {
            bar.inc(1);
            if summary.total % 1024 == 0 {
                bar.set_message(format!("{} different", summary.different));
            }
        }
        if !c.same {
            write_difference(&c, args.format, out)?;
        }
        for d in door.compare(&mut verifier, address) {
            door_summary.add(&d);
            if !d.same {
                write_door_difference(&d, args.format, out)?;
            }
        }
        Ok(())
    };
    for address in &probes {
        check(address, out)?;
    }
    let mut line = String::new();
    for source in sources {
        let (mut reader, log) = match source {
            Source::Addresses(r) => (r, false),
            Source::Maillog(r) => (r, true),
        };
        loop {
            line.clear();
            // Lines are read as bytes: logs are not always UTF-8.
            let mut bytes = Vec::new();
            if reader.read_until(b'\n', &mut bytes)? == 0 {
                break;
            }
            line.push_str(&String::from_utf8_lossy(&bytes));
            if log {
                for r in maillog::recipients(&line) {
                    check(&r, out)?;
                }
            } else {
                check(&line, out)?;
            }
        }
    }
    if let Some(bar) = &progress {
        bar.finish_and_clear();
    }
    write_summary(&summary, &door_summary, args.format, out)?;
    Ok(if summary.different > 0 || door_summary.unexplained() > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}

fn write_difference(
    c: &Comparison,
    format: OutputFormat,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    match format {
        OutputFormat::Json => {
            let json = serde_json::to_string(c).map_err(std::io::Error::other)?;
            writeln!(out, "{json}")
        }
        OutputFormat::Text => {
            writeln!(out, "DIFFERENT {}", c.address)?;
            if let Some(why) = &c.explanation {
                writeln!(out, "  expected: {why}")?;
            }
            writeln!(out, "  sendmail: {}", c.sendmail.describe())?;
            writeln!(out, "            decided by {}", c.sendmail.decided_by)?;
            for p in &c.postfix {
                writeln!(out, "  postfix:  {}", p.describe())?;
                writeln!(out, "            decided by {}", p.decided_by)?;
            }
            Ok(())
        }
    }
}

fn write_door_difference(
    d: &DoorComparison,
    format: OutputFormat,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    match format {
        OutputFormat::Json => {
            let json = serde_json::to_string(&serde_json::json!({ "door": d }))
                .map_err(std::io::Error::other)?;
            writeln!(out, "{json}")
        }
        OutputFormat::Text => {
            writeln!(out, "DIFFERENT AT THE DOOR {} from {}", d.address, d.client)?;
            if let Some(why) = &d.explanation {
                writeln!(out, "  intended: {why}")?;
            }
            for (side, v) in [("sendmail", &d.sendmail), ("postfix", &d.postfix)] {
                writeln!(
                    out,
                    "  {side:<9} {} at {:?}: {} {}",
                    v.answer, v.stage, v.code, v.text
                )?;
                writeln!(out, "            decided by {}", v.decided_by)?;
            }
            Ok(())
        }
    }
}

fn write_summary(
    s: &Summary,
    door: &DoorSummary,
    format: OutputFormat,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    match format {
        OutputFormat::Json => {
            let json = serde_json::to_string(&serde_json::json!({ "summary": s, "door": door }))
                .map_err(std::io::Error::other)?;
            writeln!(out, "{json}")
        }
        OutputFormat::Text => {
            writeln!(out)?;
            writeln!(out, "| sendmail delivery | addresses | same | different |")?;
            writeln!(out, "| --- | ---: | ---: | ---: |")?;
            for (kind, (same, diff)) in &s.by_kind {
                writeln!(out, "| {kind} | {} | {same} | {diff} |", same + diff)?;
            }
            writeln!(out, "| all | {} | {} | {} |", s.total, s.same, s.different)?;
            if s.explained > 0 {
                writeln!(out)?;
                writeln!(out, "{} of the {} differences are of an expected kind (marked `expected:`); {} are not.", s.explained, s.different, s.different - s.explained)?;
            }
            writeln!(out)?;
            writeln!(out, "| at the door | (address, client) pairs | same answer | intended difference | other difference |")?;
            writeln!(out, "| --- | ---: | ---: | ---: | ---: |")?;
            writeln!(
                out,
                "| RCPT | {} | {} | {} | {} |",
                door.total,
                door.same,
                door.intended,
                door.unexplained()
            )?;
            Ok(())
        }
    }
}
