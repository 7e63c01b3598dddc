//! What the old server accepted at its SMTP door, inferred the way routes
//! are: the engine's model of sendmail's door ([`crate::engine::door`])
//! answers RCPT for probe recipients, from an outside client and from
//! clients the configuration may trust, and the answers become relay
//! domains, client names that may relay, and whether unknown local users
//! were accepted.
//!
//! A domain is relayed when the old door accepted mail for it from an
//! outside client and the old rules sent it to another host. Where the
//! old door accepted everything (no relay check: an open relay), only the
//! domains some rule other than the default route's singles out count:
//! the rest is the open relay, which the Postfix configuration closes.

use std::collections::BTreeSet;

use crate::engine::door::Door;
use crate::engine::Machine;
use crate::intent::{
    Disposition, DoorClass, DoorRow, Finding, Intent, OldReply, Origin, Risk, RiskKind,
    RouteAction, Sourced,
};
use crate::smtp::{Answer, Client, Verdict, OUTSIDE_CLIENT};

use super::facts::Facts;
use super::probes::{self, ProbeRun};

/// The address trusted-name probes connect from (TEST-NET-2): only the
/// name differs from one probe to the next.
pub const NAMED_CLIENT: &str = "198.51.100.7";

/// A local user no system has.
pub const UNKNOWN_USER: &str = "no-such-user-cf2postfix";

/// What the old door said, for the report and for verify's defaults.
#[derive(Clone, Debug, Default)]
pub struct DoorFacts {
    /// The old server accepted mail for outside domains from anyone.
    pub open: bool,
    /// Client names the old door let relay.
    pub trusted_names: BTreeSet<String>,
}

/// Fills relay domains, relaying client names and the unknown-user
/// behaviour from the door model.
pub fn analyze(
    facts: &mut Facts,
    run: &ProbeRun,
    domains: &BTreeSet<String>,
    intent: &mut Intent,
) -> DoorFacts {
    let machine: &mut Machine = &mut facts.machine;
    let door = Door::new(machine);
    let outside = door.open(machine, &Client::unnamed(OUTSIDE_CLIENT), "");
    let ask = |machine: &mut Machine, rcpt: &str| door.rcpt(machine, &outside, rcpt);

    let open = probes::OUTSIDE
        .iter()
        .all(|d| ask(machine, &format!("user@{d}")).answer == Answer::Accept);
    let default_line = probes::OUTSIDE
        .first()
        .and_then(|d| run.outcomes.get(&format!("user@{d}")))
        .and_then(|o| o.rule_line);

    // Relay domains.
    let local: BTreeSet<String> = intent
        .local_domains
        .iter()
        .map(|d| d.value.to_ascii_lowercase())
        .collect();
    let virtual_domains: BTreeSet<String> = intent
        .virtual_domains
        .iter()
        .map(|d| d.value.to_ascii_lowercase())
        .collect();
    let mut accepted: Vec<(String, Verdict, Option<u32>)> = Vec::new();
    let mut refused: BTreeSet<String> = BTreeSet::new();
    for d in domains {
        if probes::OUTSIDE.contains(&d.as_str()) || local.contains(d) || virtual_domains.contains(d)
        {
            continue;
        }
        let address = format!("user@{d}");
        let Some(outcome) = run.outcomes.get(&address) else {
            continue;
        };
        if !matches!(outcome.action(d), RouteAction::Deliver { .. }) {
            continue;
        }
        let verdict = ask(machine, &address);
        if verdict.answer != Answer::Accept {
            refused.insert(d.clone());
            continue;
        }
        if open && outcome.rule_line == default_line {
            continue; // the open relay itself
        }
        accepted.push((d.clone(), verdict, outcome.rule_line));
    }
    // Parents first, so that a subdomain a parent covers is not listed.
    accepted.sort_by_key(|(d, _, _)| (d.matches('.').count(), d.clone()));
    let mut listed: BTreeSet<String> = intent
        .relay
        .domains
        .iter()
        .map(|d| d.value.to_ascii_lowercase())
        .collect();
    for (d, verdict, line) in &accepted {
        // `somehost.uucp`: the whole pseudo-domain.
        let value = match d.strip_prefix("somehost.") {
            Some(parent) => format!(".{parent}"),
            None => d.clone(),
        };
        if listed.contains(&value) || covered_by(&listed, d) {
            continue;
        }
        let origin = line
            .map(|l| facts.origin_at(l))
            .unwrap_or_else(|| facts.whole());
        intent.findings.push(Finding {
            disposition: Disposition::Translated,
            origin: origin.clone(),
            subject: format!("relay domain {value}"),
            reason: format!(
                "the old server accepted user@{d} from an outside client ({}) and sent it on to another host; relayed for every client",
                verdict_words(verdict)
            ),
            action: String::new(),
        });
        listed.insert(value.clone());
        intent.relay.domains.push(Sourced::new(value, origin));
    }
    // A domain under a listed `.parent` needs no entry of its own.
    let parents: Vec<String> = intent
        .relay
        .domains
        .iter()
        .filter(|d| d.value.starts_with('.'))
        .map(|d| d.value.clone())
        .collect();
    intent.relay.domains.retain(|d| {
        !parents
            .iter()
            .any(|p| d.value.ends_with(p.as_str()) && d.value != *p)
    });
    // Domains listed as relayed (class R) that the old door refused from
    // outside: relaying them would open more than the old server did.
    let before = intent.relay.domains.len();
    intent
        .relay
        .domains
        .retain(|d| !refused.contains(&d.value.to_ascii_lowercase()));
    if intent.relay.domains.len() != before {
        intent.findings.push(Finding {
            disposition: Disposition::Translated,
            origin: facts.whole(),
            subject: "relay domains".into(),
            reason: "domains the old server refused from outside clients are not relayed".into(),
            action: String::new(),
        });
    }

    // Loopback: did the old door let it relay?
    if !open {
        let machine: &mut Machine = &mut facts.machine;
        let session = door.open(machine, &Client::named("127.0.0.1", "localhost"), "");
        let verdict = door.rcpt(machine, &session, &format!("user@{}", probes::OUTSIDE[0]));
        if verdict.answer != Answer::Accept {
            let origin = facts.whole();
            intent.findings.push(Finding {
                disposition: Disposition::Translated,
                origin: origin.clone(),
                subject: "relaying from loopback".into(),
                reason: format!(
                    "the old server did not let loopback clients relay to outside domains ({}); loopback is not a trusted network",
                    verdict_words(&verdict)
                ),
                action: "Add 127.0.0.0/8 to mynetworks if local programs submit outgoing mail over SMTP.".into(),
            });
            intent.relay.loopback_refused = Some(origin);
        }
    }
    // Client names the old door let relay.
    let mut trusted_names = BTreeSet::new();
    if !open {
        let outside_rcpt = format!("user@{}", probes::OUTSIDE[0]);
        for name in candidate_names(facts, intent) {
            let client = Client::named(NAMED_CLIENT, &name);
            let machine: &mut Machine = &mut facts.machine;
            let session = door.open(machine, &client, "");
            if door.rcpt(machine, &session, &outside_rcpt).answer == Answer::Accept {
                trusted_names.insert(name);
            }
        }
        let known: BTreeSet<String> = intent
            .relay
            .client_names
            .iter()
            .map(|n| n.value.to_ascii_lowercase())
            .collect();
        for name in &trusted_names {
            if known.contains(name) {
                continue;
            }
            let origin = facts.whole();
            intent.findings.push(Finding {
                disposition: Disposition::Translated,
                origin: origin.clone(),
                subject: format!("relay client {name}"),
                reason: format!("the old server let a client named {name} relay to outside domains; relaying by client name"),
                action: "Client names come from reverse DNS: check that the name's zone is yours.".into(),
            });
            intent
                .relay
                .client_names
                .push(Sourced::new(name.clone(), origin));
        }
    }

    // Unknown local users: refused at RCPT, or accepted (a mail hub, a
    // null client, LUSER_RELAY, a local mailer sendmail does not check).
    let myhostname = super::domains::postfix_hostname(intent);
    let machine: &mut Machine = &mut facts.machine;
    let verdict = door.rcpt(machine, &outside, &format!("{UNKNOWN_USER}@{myhostname}"));
    if verdict.answer == Answer::Accept && intent.any_local_user.is_none() {
        let origin = facts.whole();
        intent.findings.push(Finding {
            disposition: Disposition::Translated,
            origin: origin.clone(),
            subject: "unknown local users".into(),
            reason: format!(
                "the old server accepted mail for users it does not know at its own name ({UNKNOWN_USER}@{myhostname}: {}); local_recipient_maps is empty",
                verdict_words(&verdict)
            ),
            action: "List the valid users (local_recipient_maps) once the mail goes where it should: accepting unknown users sends bounces to forged senders.".into(),
        });
        intent.any_local_user = Some(origin);
    }
    rows(facts, &door, intent);
    backup_mx(run, intent);
    DoorFacts {
        open,
        trusted_names,
    }
}

/// The old door's answer for every destination the migration names, from
/// an outside client and from loopback, for the report.
fn rows(facts: &mut Facts, door: &Door, intent: &mut Intent) {
    let machine: &mut Machine = &mut facts.machine;
    let outside = door.open(machine, &Client::unnamed(OUTSIDE_CLIENT), "");
    let trusted = door.open(machine, &Client::named("127.0.0.1", "localhost"), "");
    let myhostname = super::domains::postfix_hostname(intent);
    let mut wanted: Vec<(String, String, DoorClass, Origin)> = Vec::new();
    let own = intent
        .hostname
        .as_ref()
        .map_or_else(|| facts.whole(), |h| h.origin.clone());
    wanted.push((
        myhostname.clone(),
        format!("root@{myhostname}"),
        DoorClass::Local,
        own,
    ));
    for d in &intent.local_domains {
        wanted.push((
            d.value.clone(),
            format!("root@{}", d.value),
            DoorClass::Local,
            d.origin.clone(),
        ));
    }
    for d in &intent.relay.domains {
        let domain = d.value.trim_start_matches('.');
        let probe = if d.value.starts_with('.') {
            format!("user@somehost.{domain}")
        } else {
            format!("user@{domain}")
        };
        wanted.push((d.value.clone(), probe, DoorClass::Relay, d.origin.clone()));
    }
    for d in &intent.virtual_domains {
        wanted.push((
            d.value.clone(),
            format!("user@{}", d.value),
            DoorClass::Virtual,
            d.origin.clone(),
        ));
    }
    wanted.push((
        "other domains".into(),
        format!("user@{}", probes::OUTSIDE[0]),
        DoorClass::Outside,
        facts.whole(),
    ));
    let reply = |v: Verdict| OldReply {
        answer: v.answer,
        code: v.code,
        text: v.text,
    };
    let machine: &mut Machine = &mut facts.machine;
    let mut seen = BTreeSet::new();
    for (destination, probe, class, origin) in wanted {
        if !seen.insert(destination.to_ascii_lowercase()) {
            continue;
        }
        let o = reply(door.rcpt(machine, &outside, &probe));
        let t = reply(door.rcpt(machine, &trusted, &probe));
        intent.door.push(DoorRow {
            destination,
            probe,
            class,
            outside: o,
            trusted: t,
            origin,
        });
    }
}

/// Relay domains the old rules hand to the domain's own MX hosts: this
/// host is their backup MX.
fn backup_mx(run: &ProbeRun, intent: &mut Intent) {
    let mut names = Vec::new();
    let mut origin = None;
    for d in &intent.relay.domains {
        // A `.parent` entry is a pseudo-domain's hosts, not a backup MX.
        if d.value.starts_with('.') {
            continue;
        }
        let domain = d.value.as_str();
        let Some(o) = run.outcomes.get(&format!("user@{domain}")) else {
            continue;
        };
        if let RouteAction::Deliver { next_hop: None, .. } = o.action(domain) {
            names.push(domain.to_owned());
            origin.get_or_insert_with(|| d.origin.clone());
        }
    }
    let Some(origin) = origin else { return };
    intent.risks.push(Risk {
        kind: RiskKind::BackupMx,
        origin,
        text: format!(
            "this host relays mail for {} to the domain's own MX hosts, as a backup MX does: it accepts any recipient there without the checks of the hosts behind it",
            names.join(", ")
        ),
        action: "Ask each domain's owner for its list of valid recipients (relay_recipient_maps) or verify recipients against the primary (reject_unverified_recipient); a backup MX that filters less than the primary draws spam.".into(),
    });
}

/// Is `domain` under a listed relay domain (which matches subdomains)?
fn covered_by(listed: &BTreeSet<String>, domain: &str) -> bool {
    let mut rest = domain;
    while let Some((_, parent)) = rest.split_once('.') {
        if listed.contains(parent) || listed.contains(&format!(".{parent}")) {
            return true;
        }
        rest = parent;
    }
    false
}

/// Names that might be trusted clients: domain-like members of every
/// class and access keys that are names.
fn candidate_names(facts: &Facts, intent: &Intent) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for class in facts.machine.names_of_classes() {
        for member in facts.class_members(&class) {
            if super::domains::is_domain_like(&member) && member.contains('.') {
                out.insert(member.to_ascii_lowercase());
            }
        }
    }
    for rule in &intent.access {
        let key = rule.key.to_ascii_lowercase();
        let key = key.strip_prefix("connect:").unwrap_or(&key);
        if super::domains::is_domain_like(key) && key.contains('.') && !key.contains('@') {
            out.insert(key.to_owned());
        }
    }
    out.into_iter().take(200).collect()
}

/// `accepted (250 2.1.5 ...)`.
pub fn verdict_words(v: &Verdict) -> String {
    format!("{} ({} {})", v.answer, v.code, v.text)
}
