//! `cf2postfix explain`: a configuration, an address or a code in words.

use std::io::Write;
use std::path::PathBuf;

use super::args::{DiagramFormat, ExplainArgs, ExplainFormat};
use super::test_command::environment_or_report;
use super::{read_source, EXIT_FAILURE, EXIT_OK};
use crate::diagnostics::Code;
use crate::engine::Machine;
use crate::explain::render::{self, Style};
use crate::explain::{address, Filter, Migration};
use crate::postfix::cleanup::Pipeline;
use crate::postfix::resolve::Resolver;
use crate::postfix::smtpd::Smtpd;
use crate::verify::door::{self, DoorCheck};
use crate::verify::Verifier;

fn style(format: ExplainFormat) -> Style {
    match format {
        ExplainFormat::Markdown => Style::Markdown,
        _ => Style::Text,
    }
}

fn json(value: &impl serde::Serialize, out: &mut dyn Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value).map_err(std::io::Error::other)?;
    writeln!(out)
}

pub fn run(args: &ExplainArgs, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<u8> {
    if let Some(code) = &args.code {
        return code_page(code, args.format, out, err);
    }
    let Some(path) = &args.file else {
        writeln!(err, "cf2postfix: explain needs a FILE or --code")?;
        return Ok(EXIT_FAILURE);
    };
    let source = read_source(path)?;
    let Some(env) = environment_or_report(&args.environment, err)? else {
        return Ok(EXIT_FAILURE);
    };
    let parsed = crate::syntax::parse(&source);
    super::report_parse_errors(&source, &parsed, err)?;
    let analysis = crate::analyze::analyze(&source, &parsed.config, env.clone());
    let output = match crate::emit::emit(&analysis) {
        Ok(o) => Some(o),
        Err(e) => {
            writeln!(
                err,
                "cf2postfix: {e}; the explanation leaves the Postfix side out"
            )?;
            None
        }
    };
    if let Some(notation) = args.diagram {
        let flow = crate::emit::flow::flow(&analysis.intent);
        let text = match notation {
            DiagramFormat::Text => crate::emit::flow::text(&flow),
            DiagramFormat::Dot => crate::emit::flow::dot(&flow),
            DiagramFormat::Mermaid => crate::emit::flow::mermaid(&flow),
        };
        write!(out, "{text}")?;
        if !text.ends_with('\n') {
            writeln!(out)?;
        }
        return Ok(EXIT_OK);
    }
    let migration = output
        .as_ref()
        .map(|o| Migration::new(&source, &analysis, o));
    if !args.address.is_empty() {
        return addresses(
            args,
            &source,
            &parsed.config,
            env,
            migration.as_ref(),
            output.as_ref(),
            out,
            err,
        );
    }
    let machine = &analysis.facts.machine;
    if let Some(r) = &args.ruleset {
        if machine.rulesets.find(r.as_bytes()).is_err() {
            writeln!(err, "cf2postfix: {}: no ruleset {r}", source.name())?;
            return Ok(EXIT_FAILURE);
        }
    }
    let filter = Filter {
        ruleset: args.ruleset.clone(),
        line: args.line,
    };
    let e = crate::explain::document(
        &source,
        &parsed.config,
        machine,
        migration.as_ref(),
        &filter,
    );
    if let Some(line) = args.line {
        if e.is_empty() {
            writeln!(
                err,
                "cf2postfix: {}: line {line} defines nothing to explain (no rule, ruleset, mailer, option, class, macro or map starts there)",
                source.name()
            )?;
            return Ok(EXIT_FAILURE);
        }
    }
    match args.format {
        ExplainFormat::Json => json(&e, out)?,
        f => {
            let text = render::explanation(&e, style(f));
            writeln!(out, "{text}")?;
        }
    }
    Ok(EXIT_OK)
}

fn code_page(
    code: &str,
    format: ExplainFormat,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<u8> {
    let found = Code::ALL.iter().copied().find(|c| {
        let info = c.info();
        info.code.eq_ignore_ascii_case(code) || info.name.eq_ignore_ascii_case(code)
    });
    let Some(found) = found else {
        let first = Code::ALL.first().map_or("", |c| c.info().code);
        let last = Code::ALL.last().map_or("", |c| c.info().code);
        writeln!(
            err,
            "cf2postfix: no diagnostic code {code} (codes run from {first} to {last})"
        )?;
        return Ok(EXIT_FAILURE);
    };
    match format {
        ExplainFormat::Json => {
            #[derive(serde::Serialize)]
            struct Page {
                #[serde(flatten)]
                info: &'static crate::diagnostics::CodeInfo,
                #[serde(flatten)]
                explanation: &'static crate::diagnostics::Explanation,
            }
            json(
                &Page {
                    info: found.info(),
                    explanation: crate::diagnostics::explanation(found),
                },
                out,
            )?;
        }
        _ => write!(
            out,
            "{}",
            crate::diagnostics::explanation::render_text(found)
        )?,
    }
    Ok(EXIT_OK)
}

/// A private directory for the migrated files the Postfix model reads;
/// removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> std::io::Result<Scratch> {
        let base = std::env::temp_dir();
        for n in 0..1000 {
            let dir = base.join(format!("cf2postfix-explain-{}-{n}", std::process::id()));
            match std::fs::create_dir(&dir) {
                Ok(()) => return Ok(Scratch(dir)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
        Err(std::io::Error::other("cannot create a scratch directory"))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[allow(clippy::too_many_arguments)]
fn addresses(
    args: &ExplainArgs,
    source: &crate::source::SourceFile,
    config: &crate::ast::Config,
    env: crate::engine::Environment,
    migration: Option<&Migration>,
    output: Option<&crate::emit::Output>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<u8> {
    let texts = crate::explain::definitions::rule_texts(source, config);
    let written = crate::explain::written_rules(config);
    let mut machine = Machine::load(source, config, env.clone());
    // The Postfix model reads the migration from a directory.
    let scratch = match output {
        Some(o) => {
            let s = Scratch::new()?;
            for (name, bytes) in &o.files {
                std::fs::write(s.0.join(name), bytes)?;
            }
            Some(s)
        }
        None => None,
    };
    let postfix = match &scratch {
        Some(s) => Some(crate::postfix::config::Config::load(&s.0, &env.hostname)?),
        None => None,
    };
    let mut verifier = postfix.as_ref().map(|pf| {
        Verifier::new(
            Machine::load(source, config, env.clone()),
            Pipeline::new(pf),
            source,
            config,
        )
    });
    // The door: both sides see the same local users (--passwd, or none).
    let resolver = postfix.as_ref().map(Resolver::new);
    let passwd = args
        .environment
        .passwd
        .clone()
        .unwrap_or_else(|| std::path::PathBuf::from("/dev/null"));
    let smtpd = match (&postfix, &resolver) {
        (Some(pf), Some(r)) => Some(Smtpd::with_passwd(pf, r, &passwd)),
        _ => None,
    };
    let clients = if args.clients.is_empty() {
        door::default_clients()
    } else {
        args.clients.clone()
    };
    let door_check = match (verifier.as_mut(), &smtpd) {
        (Some(v), Some(smtpd)) => {
            let default_rule = v.sendmail("user@example.net", true).decided_by;
            Some(DoorCheck::new(&mut v.machine, smtpd, clients, default_rule))
        }
        _ => None,
    };
    let mut traces = Vec::new();
    for address in &args.address {
        let mut t = address::trace(&mut machine, address, &texts, &written);
        if let (Some(verifier), Some(m)) = (verifier.as_mut(), migration) {
            t.postfix = Some(address::postfix_side(verifier, &m.index, address));
            if let Some(d) = &door_check {
                t.door = d.compare(verifier, address);
            }
        }
        traces.push(t);
    }
    drop(door_check);
    drop(verifier);
    drop(scratch);
    match args.format {
        ExplainFormat::Json => json(&traces, out)?,
        f => {
            let texts: Vec<String> = traces.iter().map(|t| render::trace(t, style(f))).collect();
            writeln!(out, "{}", texts.join("\n\n"))?;
        }
    }
    let _ = err;
    Ok(EXIT_OK)
}
