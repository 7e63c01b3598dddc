//! One address through the rules: each rule that fired, in words, with
//! what its wildcards bound, then the delivery decision and the Postfix
//! line that reproduces it.

use std::collections::BTreeMap;

use serde::Serialize;

use super::postfix_lines::{PostfixIndex, PostfixLine};
use super::rule::{self, RuleExplanation};
use crate::engine::{lossy_text, print_tokens, AddressFlags, Machine, Token};
use crate::verify::{Comparison, Verifier};

/// One rule that fired.
#[derive(Clone, Debug, Serialize)]
pub struct Step {
    pub ruleset: String,
    /// Nesting of `$>` calls (0 for the top-level rulesets).
    pub depth: usize,
    pub input: String,
    pub output: String,
    /// `$n = tokens`, as this address bound them.
    pub bindings: Vec<String>,
    pub rule: RuleExplanation,
}

/// sendmail's decision.
#[derive(Clone, Debug, Serialize)]
pub struct Decision {
    pub mailer: String,
    pub host: Option<String>,
    pub user: String,
    pub words: String,
}

/// What the Postfix side does with the address.
#[derive(Clone, Debug, Serialize)]
pub struct PostfixSide {
    /// `transport:nexthop recipient` per final recipient.
    pub deliveries: Vec<String>,
    /// The parameter or table that decided.
    pub decided_by: Vec<String>,
    /// The migrated lines that make Postfix do it.
    pub lines: Vec<PostfixLine>,
    /// Whether the two sides agree, in the terms `verify` uses.
    pub agrees: bool,
    pub comparison: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Trace {
    pub address: String,
    pub steps: Vec<Step>,
    pub decision: Decision,
    /// Messages sendmail would print on the way (errors, loops).
    pub messages: Vec<String>,
    pub postfix: Option<PostfixSide>,
    /// RCPT at the SMTP door, both sides, for each client asked about.
    pub door: Vec<crate::verify::door::DoorComparison>,
}

fn show(machine: &Machine, tokens: &[Token]) -> String {
    lossy_text(&print_tokens(tokens, Some(&machine.names)))
        .trim()
        .to_owned()
}

/// Tokens as one piece of text, the way they were written.
fn joined(machine: &Machine, tokens: &[Token]) -> String {
    tokens
        .iter()
        .map(|t| lossy_text(&crate::engine::print_token(t, Some(&machine.names))))
        .collect()
}

/// Runs `/parse` on `address` with tracing and explains every step.
pub fn trace(
    machine: &mut Machine,
    address: &str,
    rule_texts: &BTreeMap<u32, String>,
    written: &BTreeMap<u32, &crate::ast::RewriteRule>,
) -> Trace {
    machine.test_mode = false;
    machine.out.clear();
    machine.trace = Some(Vec::new());
    let parsed = machine.parse_address(address.as_bytes(), AddressFlags::default());
    let steps = machine.trace.take().unwrap_or_default();
    let messages: Vec<String> = lossy_text(&machine.take_output())
        .lines()
        .map(str::to_owned)
        .collect();
    let steps = steps
        .iter()
        .filter_map(|s| {
            let rules = machine.rulesets.rules(s.ruleset);
            let r = rules.get(s.rule.checked_sub(1)?)?;
            let text = rule_texts.get(&r.line).map_or("", String::as_str);
            Some(Step {
                ruleset: lossy_text(&machine.rulesets.display_name(s.ruleset)),
                depth: s.depth,
                input: show(machine, &s.input),
                output: show(machine, &s.output),
                bindings: s
                    .bindings
                    .iter()
                    .map(|b| format!("${} = {}", b.number, joined(machine, &b.tokens)))
                    .collect(),
                rule: rule::explain(machine, r, s.rule, text, written.get(&r.line).copied()),
            })
        })
        .collect();
    let decision = match parsed {
        Some(p) => {
            let mailer = lossy_text(&p.mailer);
            let host = p.host.as_deref().map(lossy_text);
            let user = lossy_text(&p.user);
            let words = decision_words(machine, &mailer, host.as_deref(), &user);
            Decision {
                mailer,
                host,
                user,
                words,
            }
        }
        None => Decision {
            mailer: String::new(),
            host: None,
            user: String::new(),
            words: "sendmail cannot parse this address: it would refuse it.".into(),
        },
    };
    Trace {
        address: address.to_owned(),
        steps,
        decision,
        messages,
        postfix: None,
        door: Vec::new(),
    }
}

fn decision_words(machine: &Machine, mailer: &str, host: Option<&str>, user: &str) -> String {
    match mailer {
        "*error*" | "error" => format!(
            "sendmail refuses it: error {}{}.",
            host.unwrap_or(""),
            if user.is_empty() {
                String::new()
            } else {
                format!(" \"{user}\"")
            }
        ),
        "discard" => "sendmail accepts it and throws it away.".into(),
        _ => {
            let kind = match machine.mailer(mailer.as_bytes()) {
                Some(m) if m.has_flag(b'l') => " (a local mailer)",
                Some(_) => "",
                None => " (not defined: sendmail reports an error)",
            };
            let to = match host {
                Some(h) if !h.is_empty() => format!(" to host {h}"),
                _ => String::new(),
            };
            format!("sendmail delivers with mailer {mailer}{kind}{to}, as user {user}.")
        }
    }
}

/// The lines of the migration behind a Postfix resolution.
fn lines_for(index: &PostfixIndex, decided_by: &str, recipient: &str) -> Vec<PostfixLine> {
    let mut out = Vec::new();
    for part in decided_by.split(", ").flat_map(|p| p.split(" then ")) {
        let (what, key) = part.split_once(": ").unwrap_or((part, recipient));
        let found = match what {
            "transport_maps" => index.table_entry("transport", recipient),
            "virtual_alias_maps" => index
                .table_entry("virtual", key)
                .or_else(|| index.parameter("virtual_alias_maps")),
            "canonical_maps" | "recipient_canonical_maps" => index
                .table_entry("canonical", key)
                .or_else(|| index.parameter(what)),
            "local_transport" => index
                .parameter("local_transport")
                .or_else(|| index.parameter("mydestination")),
            "default_transport" => index
                .parameter("default_transport")
                .or_else(|| index.parameter("relayhost")),
            "relay_transport" => index
                .parameter("relay_transport")
                .or_else(|| index.parameter("relay_domains")),
            other => index.parameter(other),
        };
        if let Some(l) = found {
            if !out.contains(&l) {
                out.push(l);
            }
        }
    }
    out
}

/// Adds the Postfix side: the migration's model answer, and its lines.
pub fn postfix_side(verifier: &mut Verifier, index: &PostfixIndex, address: &str) -> PostfixSide {
    let comparison: Comparison = verifier.compare(address);
    let envelope = crate::verify::envelope_address(address);
    let deliveries = verifier.pipeline.deliveries(&envelope).unwrap_or_default();
    let mut lines = Vec::new();
    let mut decided = Vec::new();
    for d in &deliveries {
        let mut by = d.resolution.decided_by.clone();
        if !d.rewritten_by.is_empty() {
            by = format!("{} then {by}", d.rewritten_by.join(", "));
        }
        for l in lines_for(index, &by, &d.recipient) {
            if !lines.contains(&l) {
                lines.push(l);
            }
        }
        decided.push(by);
    }
    let text = |o: &crate::verify::Outcome| o.describe();
    let comparison_words = if comparison.same {
        format!(
            "Postfix does the same: {}.",
            comparison.postfix.first().map(text).unwrap_or_default()
        )
    } else {
        let theirs: Vec<String> = comparison.postfix.iter().map(text).collect();
        let mut s = format!(
            "Postfix differs: sendmail {}, Postfix {}.",
            text(&comparison.sendmail),
            theirs.join("; ")
        );
        if let Some(why) = &comparison.explanation {
            s.push_str(&format!(" Expected: {why}."));
        }
        s
    };
    PostfixSide {
        deliveries: deliveries
            .iter()
            .map(|d| {
                let r = &d.resolution;
                format!("{}:{} {}", r.transport, r.nexthop, r.recipient)
            })
            .collect(),
        decided_by: decided,
        lines,
        agrees: comparison.same,
        comparison: comparison_words,
    }
}
