//! The mail-flow diagram of every example: the text and Graphviz
//! renderings are snapshots, and the real `dot` (when installed) draws the
//! Graphviz one without complaint. Graphviz is optional: without it the
//! check says so loudly and passes.

use std::io::Write;
use std::process::{Command, Stdio};

use cf2postfix::emit::flow;

use crate::migrate::{examples, Input};
use crate::support::{self, TempDir};

/// The flow of an example, analyzed as migrate analyzes it.
fn example_flow(input: &Input) -> flow::Flow {
    let file = cf2postfix::source::SourceFile::new(&input.name, input.bytes.clone());
    let parsed = cf2postfix::syntax::parse(&file);
    let mut env = cf2postfix::engine::Environment::new("oracle.example.com");
    env.etc_mail = input.etc_mail.clone();
    let analysis = cf2postfix::analyze::analyze(&file, &parsed.config, env);
    flow::flow(&analysis.intent)
}

fn graphviz_installed() -> bool {
    Command::new("dot")
        .arg("-V")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// `dot -Tsvg` on the text: (success, stderr).
fn graphviz(text: &str) -> (bool, String) {
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("dot starts");
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(text.as_bytes())
            .expect("dot reads its input");
    }
    let output = child.wait_with_output().expect("dot runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output.status.success() && stderr.trim().is_empty(), stderr)
}

/// A loud note that does not fail the run: Graphviz is never required.
fn skip_graphviz() {
    let message = "skipped: graphviz not installed; the DOT renderings are not checked by `dot`";
    eprintln!(
        "\n{}\n{message}\n{}\n",
        "=".repeat(message.len()),
        "=".repeat(message.len())
    );
}

#[test]
fn example_flows_are_snapshots() {
    let scratch = TempDir::new("flow-snapshots");
    let inputs = examples(&scratch.0);
    if inputs.len() < 3 {
        support::skip(
            "the sendmail m4 tree is not installed; the m4 example's flow is not snapshot-tested",
        );
    }
    for input in &inputs {
        let flow = example_flow(input);
        assert_eq!(
            flow,
            example_flow(input),
            "{}: flow is not deterministic",
            input.name
        );
        let example = crate::migrate::short_name(&input.name);
        support::snapshot_settings().bind(|| {
            insta::assert_snapshot!(format!("flow@{example}@text"), flow::text(&flow));
            insta::assert_snapshot!(format!("flow@{example}@dot"), flow::dot(&flow));
        });
    }
}

/// MIGRATION.md draws the same flow as the flow module does.
#[test]
fn migration_report_draws_the_flow() {
    let scratch = TempDir::new("flow-migration");
    for input in examples(&scratch.0) {
        let output = support::migrate(&input.name, &input.bytes, input.etc_mail.as_deref(), &[]);
        let report = String::from_utf8_lossy(&output.files["MIGRATION.md"]).into_owned();
        let diagram = flow::mermaid(&example_flow(&input));
        assert!(
            report.contains(&format!("```mermaid\n{diagram}```")),
            "{}: MIGRATION.md does not hold the flow diagram",
            input.name
        );
    }
}

#[test]
fn graphviz_draws_every_example() {
    if !graphviz_installed() {
        skip_graphviz();
        return;
    }
    let scratch = TempDir::new("flow-graphviz");
    for input in examples(&scratch.0) {
        let text = flow::dot(&example_flow(&input));
        let (ok, stderr) = graphviz(&text);
        assert!(ok, "{}: dot -Tsvg failed: {stderr}\n{text}", input.name);
    }
}

/// Hostile names (quotes, brackets, braces, newlines, non-ASCII, a
/// Graphviz escape) in every kind of box still make a graph `dot` draws.
#[test]
fn graphviz_draws_hostile_names() {
    if !graphviz_installed() {
        skip_graphviz();
        return;
    }
    use cf2postfix::intent::*;
    let nasty = "a\"b]c{d}e\nf\\N<g>&amp;é|#\u{1b}[31m";
    let origin = Origin::new(format!("dir/{nasty}"), 3, nasty);
    let hop = NextHop {
        host: nasty.into(),
        mx_lookup: false,
        port: Some(25),
    };
    let mut intent = Intent::default();
    intent
        .local_domains
        .push(Sourced::new(nasty.into(), origin.clone()));
    intent
        .virtual_domains
        .push(Sourced::new(nasty.into(), origin.clone()));
    intent
        .relay
        .domains
        .push(Sourced::new(nasty.into(), origin.clone()));
    intent
        .relay
        .networks
        .push(Sourced::new(nasty.into(), origin.clone()));
    intent.smart_host = Some(Sourced::new(hop.clone(), origin.clone()));
    intent.local_delivery.kind = LocalDeliveryKind::Command;
    intent.local_delivery.command = Some(Sourced::new(nasty.into(), origin.clone()));
    for (i, action) in [
        RouteAction::Deliver {
            service: nasty.into(),
            next_hop: Some(hop),
        },
        RouteAction::Error {
            status: nasty.into(),
            code: Some(550),
            text: nasty.into(),
        },
        RouteAction::Local {
            user: Some(nasty.into()),
        },
    ]
    .into_iter()
    .enumerate()
    {
        intent.routes.push(Route {
            destination: Destination::Domain(format!("{nasty}{i}")),
            action,
            evidence: String::new(),
            origin: origin.clone(),
        });
    }
    let text = flow::dot(&flow::flow(&intent));
    let (ok, stderr) = graphviz(&text);
    assert!(ok, "dot -Tsvg failed: {stderr}\n{text}");
}
