//! `cf2postfix explain`: every rule of every configuration explained, the
//! explanations of the examples snapshot-tested, each delivery rule's
//! explanation checked against what the engine does with a workspace the
//! rule matches, and the command's forms.

use std::path::Path;
use std::rc::Rc;

use cf2postfix::engine::meta::{
    CANONHOST, CANONNET, CANONUSER, MACRODEXPAND, MATCHANY, MATCHCLASS, MATCHNCLASS, MATCHONE,
    MATCHZANY, MATCHZERO, SUNMATCH, SUNNOMATCH,
};
use cf2postfix::engine::{Environment, Machine, Token};
use cf2postfix::explain::form::Form;
use cf2postfix::explain::rule::Action;
use cf2postfix::explain::{document, Filter};
use cf2postfix::source::SourceFile;

use crate::migrate::{examples, m4_samples, Input};
use crate::support::{self, TempDir};

/// The corpus (when given), the m4 samples and the examples.
fn inputs(scratch: &Path) -> Vec<Input> {
    let mut inputs = examples(scratch);
    match support::corpus_dir() {
        Some(corpus) => {
            for path in support::cf_files(&corpus) {
                inputs.push(Input {
                    name: path.display().to_string(),
                    bytes: std::fs::read(&path).expect("corpus file"),
                    etc_mail: None,
                });
            }
        }
        None => support::skip("CF2POSTFIX_CORPUS is not set: corpus explanations not checked"),
    }
    inputs.extend(m4_samples(scratch));
    inputs
}

/// The input parsed, and the environment the tests load it in.
fn parse(input: &Input) -> (SourceFile, cf2postfix::ast::Config, Environment) {
    let file = SourceFile::new(input.name.clone(), input.bytes.clone());
    let parsed = cf2postfix::syntax::parse(&file);
    let mut env = Environment::new("oracle.example.com");
    env.etc_mail = input
        .etc_mail
        .as_ref()
        .map(|p| support::project_dir().join(p));
    (file, parsed.config, env)
}

fn load(input: &Input) -> (SourceFile, cf2postfix::ast::Config, Machine) {
    let (file, config, env) = parse(input);
    let machine = Machine::load(&file, &config, env);
    (file, config, machine)
}

/// The words an explanation adds of its own: everything outside code
/// spans and quotations (those hold the configuration's own text).
fn own_words(text: &str) -> String {
    let mut out = String::new();
    let mut in_code = false;
    let mut in_quote = false;
    for c in text.chars() {
        match c {
            '`' if !in_quote => in_code = !in_code,
            '"' if !in_code => in_quote = !in_quote,
            _ if !in_code && !in_quote => out.push(c),
            _ => {}
        }
    }
    out
}

#[test]
fn every_rule_of_every_configuration_is_explained() {
    let scratch = TempDir::new("explain-all");
    let inputs = inputs(&scratch.0);
    let mut rules = 0usize;
    let mut problems = Vec::new();
    for input in &inputs {
        let (file, config, machine) = load(input);
        let e = document(&file, &config, &machine, None, &Filter::default());
        let loaded: usize = machine
            .rulesets
            .defined()
            .map(|n| machine.rulesets.rules(n).len())
            .sum();
        let explained = e.rules().count();
        if loaded != explained {
            problems.push(format!(
                "{}: {loaded} rules loaded, {explained} explained",
                input.name
            ));
        }
        for r in e.rules() {
            rules += 1;
            let mut words = vec![r.summary.clone(), r.pattern.words.clone()];
            words.extend(r.notes.iter().cloned());
            for w in words {
                let own = own_words(&w);
                let lower = own.to_ascii_lowercase();
                if w.trim().is_empty()
                    || ["unknown", "???", "(no such wildcard)"]
                        .iter()
                        .any(|p| lower.contains(p))
                    || own.contains("TODO")
                {
                    problems.push(format!("{}:{}: {w}", input.name, r.line));
                }
            }
        }
        // Every R line the loader kept is among them, by line.
        let lines: std::collections::BTreeSet<u32> = e.rules().map(|r| r.line).collect();
        for number in machine.rulesets.defined() {
            for r in machine.rulesets.rules(number).iter() {
                if !lines.contains(&r.line) {
                    problems.push(format!("{}:{}: rule not explained", input.name, r.line));
                }
            }
        }
    }
    println!(
        "explain: {rules} rules of {} configurations explained",
        inputs.len()
    );
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(rules > 500, "too few rules found ({rules})");
}

/// A token sequence that each element of a left-hand side can match.
fn probe_workspace(machine: &Machine, lhs: &[Token], star: &[u8]) -> Option<Vec<Token>> {
    let mut work: Vec<Token> = Vec::new();
    let word = |b: &[u8]| -> Token { Rc::from(b) };
    for t in lhs {
        match t.first().copied() {
            Some(MATCHZANY) => {
                if !star.is_empty() {
                    work.push(word(star));
                }
            }
            Some(MATCHANY) => work.push(word(b"u1")),
            Some(MATCHONE) => work.push(word(b"h1")),
            Some(MATCHCLASS) => {
                let id = t.get(1).copied()?;
                let members = machine.classes.members(id);
                // A one-token member keeps the probe simple.
                let member = members
                    .iter()
                    .find(|m| m.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-'))?;
                work.push(word(member));
            }
            Some(MATCHNCLASS) => work.push(word(b"zq9")),
            Some(MATCHZERO) => {}
            Some(MACRODEXPAND) => {
                let value = machine.macros.get(t.get(1).copied()?)?;
                let scan = machine.scan(
                    value,
                    cf2postfix::engine::meta::Table::External,
                    0,
                    cf2postfix::engine::ADDRESS_BUFFER,
                );
                work.extend(scan.tokens?);
            }
            // SunOS NIS matches need a map file: no simple probe.
            Some(SUNMATCH | SUNNOMATCH) => return None,
            _ => work.push(Rc::clone(t)),
        }
    }
    Some(work)
}

/// The three parts of a resolved workspace, each part's tokens joined.
fn split_triple(work: &[Token]) -> Option<(String, Option<String>, Option<String>)> {
    if work.first()?.first() != Some(&CANONNET) {
        return None;
    }
    let text = |ts: &[Token]| -> String {
        ts.iter()
            .map(|t| String::from_utf8_lossy(t).into_owned())
            .collect()
    };
    let rest = &work[1..];
    let host_at = rest.iter().position(|t| t.first() == Some(&CANONHOST));
    let user_at = rest.iter().position(|t| t.first() == Some(&CANONUSER));
    let mailer_end = host_at.or(user_at).unwrap_or(rest.len());
    let host = host_at.map(|h| text(&rest[h + 1..user_at.unwrap_or(rest.len())]));
    let user = user_at.map(|u| text(&rest[u + 1..]));
    Some((text(&rest[..mailer_end]), host, user))
}

#[test]
fn delivery_explanations_match_the_engine() {
    let scratch = TempDir::new("explain-engine");
    let inputs = inputs(&scratch.0);
    let (mut full, mut mailer_only, mut no_probe, mut rules) = (0usize, 0usize, 0usize, 0usize);
    let mut problems = Vec::new();
    for input in &inputs {
        let (file, config, mut machine) = load(input);
        let e = document(&file, &config, &machine, None, &Filter::default());
        // A spare ruleset slot runs one rule by itself.
        let Some(spare) = (10..100).find(|&n| machine.rulesets.rules(n).is_empty()) else {
            continue;
        };
        for rs in &e.rulesets {
            let all = Rc::clone(machine.rulesets.rules(rs.number));
            for r in &rs.rules {
                let triple = match &r.action {
                    Action::Deliver { triple } | Action::Reject { triple } => triple,
                    _ => continue,
                };
                rules += 1;
                let rule = all[r.position - 1].clone();
                // A workspace the rule matches: `$*` empty, then one word.
                let mut found = None;
                for star in [&b""[..], b"x1"] {
                    if let Some(work) = probe_workspace(&machine, &rule.lhs, star) {
                        if let Some(m) = machine.match_lhs(&rule.lhs, &work) {
                            found = Some((work, m));
                            break;
                        }
                    }
                }
                let Some((work, matches)) = found else {
                    no_probe += 1;
                    continue;
                };
                let parts: Vec<String> = matches
                    .iter()
                    .map(|m| {
                        work[m.first..m.end]
                            .iter()
                            .map(|t| String::from_utf8_lossy(t).into_owned())
                            .collect()
                    })
                    .collect();
                let old = machine
                    .rulesets
                    .set_rules(spare, Rc::new(vec![rule.clone()]));
                let mut out = work.clone();
                machine.out.clear();
                machine.rewrite(&mut out, spare, 0, cf2postfix::engine::MAX_ATOM);
                machine.rulesets.set_rules(spare, old);
                let Some((mailer, host, user)) = split_triple(&out) else {
                    // The explanation must say why the engine could not resolve it.
                    let engine_says = String::from_utf8_lossy(&machine.out).into_owned();
                    let explained = r.notes.iter().any(|n| {
                        (n.contains("out of bounds") && engine_says.contains("out of bounds"))
                            || n.contains("does not implement it")
                    });
                    if explained {
                        no_probe += 1;
                        continue;
                    }
                    problems.push(format!(
                        "{}:{}: the engine did not resolve the probe",
                        input.name, r.line
                    ));
                    continue;
                };
                let eval = |f: &Form| f.evaluate(&|n| parts.get(n.wrapping_sub(1)).cloned());
                // The mailer the explanation names.
                match eval(&triple.mailer) {
                    Some(m) if m == mailer => {}
                    Some(m) => problems.push(format!(
                        "{}:{}: explanation says mailer {m}, engine {mailer}",
                        input.name, r.line
                    )),
                    None => {}
                }
                let literal = triple.mailer.literal().is_some();
                if literal
                    && !r.summary.contains(&mailer)
                    && !matches!(r.action, Action::Reject { .. })
                {
                    problems.push(format!(
                        "{}:{}: summary does not name mailer {mailer}: {}",
                        input.name, r.line, r.summary
                    ));
                }
                let side = |f: &Option<Form>| f.as_ref().map(eval);
                let (h, u) = (side(&triple.host), side(&triple.user));
                let known = |x: &Option<Option<String>>| !matches!(x, Some(None));
                if !known(&h) || !known(&u) {
                    mailer_only += 1;
                    continue;
                }
                let h = h.flatten();
                let u = u.flatten();
                if h != host || u != user {
                    problems.push(format!(
                        "{}:{}: explanation gives host {h:?} user {u:?}, engine host {host:?} user {user:?}",
                        input.name, r.line
                    ));
                    continue;
                }
                full += 1;
            }
        }
    }
    println!(
        "explain vs engine: {rules} delivery rules; {full} host and user checked, {mailer_only} mailer only (a lookup, call or run-time macro builds the rest), {no_probe} without a simple probe"
    );
    assert!(
        problems.is_empty(),
        "{} disagreements:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(full * 2 > rules, "too few rules checked in full");
}

#[test]
fn explanations_of_the_examples_are_snapshots() {
    let scratch = TempDir::new("explain-snapshots");
    let inputs = examples(&scratch.0);
    if inputs.len() < 3 {
        support::skip("the sendmail m4 tree is not installed; the m4 example's explanation is not snapshot-tested");
    }
    for input in inputs {
        let (file, config, env) = parse(&input);
        let analysis = cf2postfix::analyze::analyze(&file, &config, env);
        let output = cf2postfix::emit::emit(&analysis).expect("templates render");
        let migration = cf2postfix::explain::Migration::new(&file, &analysis, &output);
        let e = document(
            &file,
            &config,
            &analysis.facts.machine,
            Some(&migration),
            &Filter::default(),
        );
        let text =
            cf2postfix::explain::render::explanation(&e, cf2postfix::explain::render::Style::Text);
        let markdown = cf2postfix::explain::render::explanation(
            &e,
            cf2postfix::explain::render::Style::Markdown,
        );
        let name = crate::migrate::short_name(&input.name);
        support::snapshot_settings().bind(|| {
            insta::assert_snapshot!(format!("explain@{name}@text"), text);
            insta::assert_snapshot!(format!("explain@{name}@markdown"), markdown);
        });
    }
}

const RELAY: &str = "examples/relay-1990s/sendmail.cf";

#[test]
fn every_code_is_explained_by_the_command() {
    for code in cf2postfix::diagnostics::Code::ALL {
        let info = code.info();
        let (status, out, err) = support::cf2postfix(&["explain", "--code", info.code]);
        assert_eq!(status, 0, "{}: {err}", info.code);
        assert!(out.contains(info.code) && out.contains(info.name), "{out}");
        let (status, out, _) =
            support::cf2postfix(&["explain", "--code", info.code, "--format", "json"]);
        assert_eq!(status, 0);
        let v: serde_json::Value = serde_json::from_str(&out).expect("json");
        assert_eq!(v["code"], info.code);
        assert!(v["fix"].as_str().is_some_and(|s| !s.is_empty()));
    }
    let (status, _, err) = support::cf2postfix(&["explain", "--code", "CF999"]);
    assert_eq!(status, 2);
    assert!(err.contains("no diagnostic code CF999"), "{err}");
}

#[test]
fn an_address_trace_ends_in_the_decision_and_the_postfix_line() {
    let trace = |format: &str| {
        support::cf2postfix(&[
            "explain",
            RELAY,
            "--hostname",
            "gw.example.edu",
            "--address",
            "user@decvax.uucp",
            "--format",
            format,
        ])
    };
    let (status, out, err) = trace("text");
    assert_eq!(status, 0, "{err}");
    // The rules that fire, in order: canonify focuses, ruleset 0 resolves.
    let focus = out.find("ruleset 3, line 79").expect("canonify step");
    let resolve = out.find("ruleset 0, line 104").expect("ruleset 0 step");
    assert!(focus < resolve, "{out}");
    assert!(
        out.contains("USER ($1) = user, HOST ($2) = decvax"),
        "{out}"
    );
    assert!(
        out.contains("sendmail delivers with mailer uucp to host decvax, as user user."),
        "{out}"
    );
    // The transport entry migrate wrote for that rule reproduces it.
    assert!(
        out.contains("Postfix (transport): decvax.uucp uucp:decvax"),
        "{out}"
    );
    // JSON carries the same, typed.
    let (status, out, _) = trace("json");
    assert_eq!(status, 0);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v[0]["decision"]["mailer"], "uucp");
    assert_eq!(v[0]["decision"]["host"], "decvax");
    assert_eq!(v[0]["postfix"]["decided_by"][0], "transport_maps");
}

#[test]
fn the_selection_options_narrow_the_explanation() {
    let run = |extra: &[&str]| {
        let mut args = vec!["explain", RELAY, "--hostname", "gw.example.edu"];
        args.extend_from_slice(extra);
        support::cf2postfix(&args)
    };
    let (status, out, _) = run(&["--ruleset", "3"]);
    assert_eq!(status, 0);
    assert!(
        out.contains("Ruleset 3") && !out.contains("Ruleset 0"),
        "{out}"
    );
    assert!(!out.contains("Mailers"), "{out}");
    let (status, out, _) = run(&["--line", "104"]);
    assert_eq!(status, 0);
    assert!(
        out.contains("Line 104 (rule 5)") && !out.contains("Line 105"),
        "{out}"
    );
    let (status, out, _) = run(&["--line", "68", "--format", "markdown"]);
    assert_eq!(status, 0);
    assert!(
        out.starts_with("# ") && out.contains("### Mailer smtp, line 68"),
        "{out}"
    );
    let (status, _, err) = run(&["--ruleset", "nosuch"]);
    assert_eq!(status, 2);
    assert!(err.contains("no ruleset nosuch"), "{err}");
    let (status, _, err) = run(&["--line", "1"]);
    assert_eq!(status, 2, "{err}");
    let (status, out, _) = run(&["--format", "json"]);
    assert_eq!(status, 0);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert!(v["rulesets"].as_array().is_some_and(|r| r.len() == 3));
    let (status, out, _) = run(&["--diagram", "dot"]);
    assert_eq!(status, 0);
    assert!(out.starts_with("digraph"), "{out}");
    let (status, out, _) = run(&["--diagram", "mermaid"]);
    assert_eq!(status, 0);
    assert!(out.starts_with("flowchart"), "{out}");
}
