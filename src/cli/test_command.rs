//! `cf2postfix test`: address test mode.

use std::io::{BufRead, Write};
use std::path::PathBuf;

use super::args::{EnvironmentArgs, TestArgs};
use super::{read_source, EXIT_FAILURE, EXIT_OK};
use crate::engine::{lossy_text, Environment, Machine, TraceStep};
use crate::testmode::{Session, BANNER};

fn io_error(message: String) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidInput, message)
}

/// The environment, or `None` after reporting why it cannot be built.
pub fn environment_or_report(
    args: &EnvironmentArgs,
    err: &mut dyn Write,
) -> std::io::Result<Option<Environment>> {
    match environment(args) {
        Ok(env) => Ok(Some(env)),
        Err(e) => {
            writeln!(err, "cf2postfix: {e}")?;
            Ok(None)
        }
    }
}

/// Builds the environment the configuration is loaded in.
pub fn environment(args: &EnvironmentArgs) -> std::io::Result<Environment> {
    let (etc_mail, hosts, passwd, group) = (&args.etc_mail, &args.hosts, &args.passwd, &args.group);
    let hostname = match args.hostname.as_deref() {
        Some(h) => h.to_owned(),
        None => std::fs::read_to_string("/proc/sys/kernel/hostname")
            .map(|h| h.trim().to_owned())
            .unwrap_or_else(|_| "localhost".into()),
    };
    let mut env = Environment::new(&hostname);
    env.etc_mail.clone_from(etc_mail);
    if let Some(path) = hosts {
        let text = std::fs::read_to_string(path)
            .map_err(|e| io_error(format!("cannot read {}: {e}", path.display())))?;
        env.hosts = Environment::parse_hosts(&text);
    }
    if let Some(path) = passwd {
        let bytes = std::fs::read(path)
            .map_err(|e| io_error(format!("cannot read {}: {e}", path.display())))?;
        env.passwd = Environment::parse_passwd(&bytes);
    }
    if let Some(path) = group {
        let bytes = std::fs::read(path)
            .map_err(|e| io_error(format!("cannot read {}: {e}", path.display())))?;
        env.groups = Environment::parse_passwd(&bytes);
    }
    for spec in &args.maps {
        let Some((name, file)) = spec.split_once('=') else {
            return Err(io_error(format!("--map {spec}: expected NAME=FILE")));
        };
        env.map_files
            .insert(name.as_bytes().to_ascii_lowercase(), PathBuf::from(file));
        // The same file also serves a SunOS NIS map of that name.
        if let Ok(bytes) = std::fs::read(file) {
            env.nis_maps.insert(
                name.as_bytes().to_ascii_lowercase(),
                Environment::nis_keys(&bytes),
            );
        }
    }
    Ok(env)
}

pub fn run(args: &TestArgs, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<u8> {
    let source = read_source(&args.file)?;
    let Some(env) = environment_or_report(&args.environment, err)? else {
        return Ok(EXIT_FAILURE);
    };
    let parsed = crate::syntax::parse(&source);
    let mut machine = Machine::load(&source, &parsed.config, env);
    if args.trace {
        machine.trace = Some(Vec::new());
    }
    for map in machine.maps.iter() {
        if matches!(map.kind, crate::engine::maps::MapKind::Offline) {
            writeln!(
                err,
                "cf2postfix: map {} (class {}) is not available offline: every lookup is a temporary failure",
                lossy_text(&map.name),
                lossy_text(&map.class)
            )?;
        }
    }
    let mut session = Session::new(machine);
    for flags in &args.debug {
        let mut line = b"-d".to_vec();
        line.extend(flags.as_bytes());
        session.line(&line);
        session.machine.take_output();
    }
    // Output is buffered, and flushed whenever reading the next line might
    // wait (so a program driving the session sees each answer), not after
    // every line.
    let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
    let out: &mut dyn Write = &mut out;
    for message in &session.machine.load_messages {
        writeln!(out, "{message}")?;
    }
    out.write_all(BANNER.as_bytes())?;
    // The session's own output buffer collects prompts and answers; it is
    // written out when it is large, before a trace goes to stderr, and
    // whenever reading the next line might wait.
    const SPILL: usize = 1 << 16;
    let spill = |session: &mut Session, out: &mut dyn Write| -> std::io::Result<()> {
        out.write_all(&session.machine.out)?;
        session.machine.out.clear();
        Ok(())
    };
    let run_line = |session: &mut Session,
                    line: &[u8],
                    out: &mut dyn Write,
                    err: &mut dyn Write|
     -> std::io::Result<()> {
        for (i, chunk) in crate::testmode::reads(line).into_iter().enumerate() {
            if i > 0 {
                session.machine.out.extend_from_slice(b"> ");
            }
            session.line(chunk);
            if let Some(steps) = session.machine.trace.as_mut() {
                let steps = std::mem::take(steps);
                spill(session, out)?;
                out.flush()?;
                write_trace(&session.machine, &steps, err)?;
            } else if session.machine.out.len() >= SPILL {
                spill(session, out)?;
            }
            if session.quit_requested() {
                break;
            }
        }
        Ok(())
    };
    if !args.lines.is_empty() {
        for line in &args.lines {
            session.machine.out.extend_from_slice(b"> ");
            run_line(&mut session, line.as_bytes(), out, err)?;
            if session.quit_requested() {
                break;
            }
        }
        if !session.quit_requested() {
            session.machine.out.extend_from_slice(b"> ");
        }
        spill(&mut session, out)?;
        out.flush()?;
        return Ok(EXIT_OK);
    }
    let mut input = std::io::BufReader::with_capacity(1 << 16, std::io::stdin());
    let mut buffer = Vec::new();
    loop {
        session.machine.out.extend_from_slice(b"> ");
        if input.buffer().is_empty() {
            spill(&mut session, out)?;
            out.flush()?;
        }
        buffer.clear();
        if input.read_until(b'\n', &mut buffer)? == 0 {
            break;
        }
        if buffer.last() == Some(&b'\n') {
            buffer.pop();
        }
        run_line(&mut session, &buffer, out, err)?;
        if session.quit_requested() {
            break;
        }
    }
    spill(&mut session, out)?;
    out.flush()?;
    Ok(EXIT_OK)
}

/// The `--trace` lines for the rules that fired.
pub fn write_trace(
    machine: &Machine,
    steps: &[TraceStep],
    err: &mut dyn Write,
) -> std::io::Result<()> {
    for step in steps {
        let name = lossy_text(&machine.rulesets.display_name(step.ruleset));
        let indent = "  ".repeat(step.depth + 1);
        let show = |tokens: &[crate::engine::Token]| {
            let line = crate::engine::print_tokens(tokens, Some(&machine.names));
            lossy_text(&line).trim().to_owned()
        };
        writeln!(
            err,
            "{indent}ruleset {name} rule {} ({}:{}): {} -> {}",
            step.rule,
            machine.file_name,
            step.line,
            show(&step.input),
            show(&step.output)
        )?;
        for b in &step.bindings {
            writeln!(err, "{indent}    ${} = {}", b.number, show(&b.tokens))?;
        }
    }
    Ok(())
}
