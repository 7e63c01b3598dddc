//! Rewrite rules that neither feature recognition nor the probes account
//! for: each goes to the report with its line.

use std::collections::BTreeSet;

use crate::engine::{lossy_text, AddressFlags};
use crate::intent::{Disposition, Finding, Intent, MailerKind};

use super::facts::Facts;
use super::features::Features;
use super::mailers;

/// Rulesets m4 leaves empty for the site's own rules.
fn is_hook(facts: &Facts, number: usize) -> bool {
    if matches!(number, 1 | 2 | 98) {
        return true;
    }
    let name = facts
        .machine
        .rulesets
        .name(number)
        .map(lossy_text)
        .unwrap_or_default();
    name.starts_with("Local_") || name == "ParseLocal"
}

/// Lines of every rule in a hook ruleset.
pub fn hook_lines(facts: &Facts) -> BTreeSet<u32> {
    let mut out = BTreeSet::new();
    for number in facts.machine.rulesets.defined() {
        if is_hook(facts, number) {
            out.extend(
                facts
                    .machine
                    .rulesets
                    .rules(number)
                    .iter()
                    .filter(|r| !is_feature_rule(facts, r.line))
                    .map(|r| r.line),
            );
        }
    }
    out
}

/// Rules m4 features put into the hook rulesets (FEATURE(redirect) in
/// ParseLocal).
fn is_feature_rule(facts: &Facts, line: u32) -> bool {
    facts.origin_at(line).text.contains(".REDIRECT")
}

/// Runs sender and recipient addresses through every SMTP-like mailer's
/// rewriting (`/try`), returning the rules that fired and the domain the
/// sender was shown as.
pub fn try_mailers(facts: &mut Facts) -> (BTreeSet<u32>, Option<(String, u32)>) {
    let mut fired = BTreeSet::new();
    let mut shown_as = None;
    let host = facts.machine.env.hostname.clone();
    let names: Vec<(Vec<u8>, MailerKind)> = facts
        .machine
        .mailers
        .iter()
        .map(|m| (m.name.clone(), mailers::kind(m)))
        .collect();
    let machine = &mut facts.machine;
    let saved = machine.test_mode;
    machine.test_mode = false;
    for (name, kind) in names {
        for (address, sender, header) in [
            ("user".to_owned(), true, false),
            (format!("user@{host}"), true, true),
            ("user@example.net".to_owned(), false, false),
            ("user@example.net".to_owned(), false, true),
            ("somehost!user".to_owned(), true, false),
            ("user@somehost.uucp".to_owned(), true, true),
        ] {
            machine.trace = Some(Vec::new());
            let result =
                machine.remote_name(address.as_bytes(), &name, AddressFlags { header, sender });
            machine.out.clear();
            let steps = machine.trace.take().unwrap_or_default();
            fired.extend(steps.iter().map(|s| s.line));
            if sender
                && !header
                && matches!(kind, MailerKind::Smtp | MailerKind::Relay)
                && shown_as.is_none()
            {
                let text = lossy_text(&result.address);
                if let Some((_, domain)) = text.rsplit_once('@') {
                    let line = steps.last().map(|s| s.line).unwrap_or(0);
                    shown_as = Some((domain.trim_end_matches('.').to_ascii_lowercase(), line));
                }
            }
        }
    }
    machine.trace = None;
    machine.test_mode = saved;
    (fired, shown_as)
}

pub fn report(
    facts: &Facts,
    features: &Features,
    routed: &BTreeSet<u32>,
    rewritten: &BTreeSet<u32>,
    intent: &mut Intent,
) {
    for (number, line) in facts.rule_lines() {
        let in_hook = is_hook(facts, number) && !is_feature_rule(facts, line.line);
        if features.is_m4() && !in_hook {
            continue; // part of a recognized m4 ruleset
        }
        let ruleset = lossy_text(&facts.machine.rulesets.display_name(number));
        let origin = facts.origin(line);
        if routed.contains(&line.line) {
            intent.findings.push(Finding {
                disposition: Disposition::Translated,
                origin,
                subject: format!("rule in ruleset {ruleset}"),
                reason: "fired for probe addresses; its routing effect is in the generated routes"
                    .into(),
                action: String::new(),
            });
        } else if rewritten.contains(&line.line) {
            intent.findings.push(Finding {
                disposition: Disposition::Approximated,
                origin,
                subject: format!("address rewriting rule in ruleset {ruleset}"),
                reason: "rewrites addresses for a mailer; Postfix rewrites with myorigin, masquerade_domains and canonical/generic tables, which reproduce only the masquerading found".into(),
                action: "Check that outgoing sender addresses look as before.".into(),
            });
        } else {
            intent.findings.push(Finding {
                disposition: Disposition::NotTranslated,
                origin,
                subject: format!("rule in ruleset {ruleset}"),
                reason: "no probe address reached this rule, and it belongs to no recognized feature".into(),
                action: "Read the rule (cf2postfix explain) and reproduce it with a Postfix table if the site still needs it.".into(),
            });
        }
    }
}

/// Lines the parser could not read (or that are no command at all):
/// sendmail skips or mangles them, and nothing in the output comes from
/// them.
pub fn unreadable(facts: &Facts, intent: &mut Intent) {
    for line in &facts.config.lines {
        let what = match &line.kind {
            crate::ast::LineKind::Invalid(_) => "line that could not be read",
            crate::ast::LineKind::Unknown(_) => "line with no command letter",
            _ => continue,
        };
        intent.findings.push(Finding {
            disposition: Disposition::NotTranslated,
            origin: facts.origin(line),
            subject: what.into(),
            reason: "sendmail skips or misreads it, so it has no meaning to carry over".into(),
            action: "See `cf2postfix parse` for the problem; fix the line if it was meant to do something.".into(),
        });
    }
}
