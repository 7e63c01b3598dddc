//! Routing inferred by running the rewrite engine: probe addresses derived
//! from the configuration go through rulesets 3 and 0 (sendmail's
//! `parseaddr`), and the resolved (mailer, host, user) triples are grouped
//! into routes.

use std::collections::{BTreeMap, BTreeSet};

use crate::ast::LineKind;
use crate::engine::meta::CANONNET;
use crate::engine::{lossy_text, AddressFlags, Machine};
use crate::intent::{Destination, MailerKind, NextHop, Origin, RouteAction};

use super::domains::is_domain_like;
use super::facts::Facts;
use super::mailers;

/// At most this many probe addresses per configuration.
pub const MAX_PROBES: usize = 4000;

/// An outside domain no configuration names: where "everything else" goes.
pub const OUTSIDE: [&str; 2] = ["example.net", "mail.example.org"];

/// What sendmail did with one probe address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub address: String,
    pub mailer: String,
    pub kind: Option<MailerKind>,
    pub service: String,
    pub host: Option<String>,
    pub user: String,
    /// The line of the rule that produced the `$#` triple.
    pub rule_line: Option<u32>,
    /// Lines of every rule that fired for this address.
    pub fired: Vec<u32>,
}

impl Outcome {
    /// The route action this outcome means, relative to its domain: the
    /// next hop is dropped when it is the recipient's domain itself.
    pub fn action(&self, domain: &str) -> RouteAction {
        match self.kind {
            Some(MailerKind::Local | MailerKind::Program) => RouteAction::Local { user: None },
            Some(MailerKind::Discard) => RouteAction::Discard,
            Some(MailerKind::Error) | None
                if self.mailer == "*error*" || self.mailer == "error" =>
            {
                let status = self.host.clone().unwrap_or_else(|| "5.1.1".into());
                let (code, text) = split_code(&self.user);
                RouteAction::Error { status, code, text }
            }
            _ => {
                let hop = self.host.as_deref().and_then(NextHop::parse).filter(|h| {
                    let d = domain.trim_end_matches('.');
                    !(h.mx_lookup && h.host == d || !h.mx_lookup && format!("[{}]", h.host) == d)
                });
                RouteAction::Deliver {
                    service: self.service.clone(),
                    next_hop: hop,
                }
            }
        }
    }
}

fn split_code(text: &str) -> (Option<u16>, String) {
    let t = text.trim().trim_matches('"');
    match t.split_once(' ') {
        Some((code, rest)) if code.len() == 3 && code.parse::<u16>().is_ok() => {
            (code.parse().ok(), rest.to_owned())
        }
        _ => (None, t.to_owned()),
    }
}

/// The result of a probe run.
#[derive(Clone, Debug, Default)]
pub struct ProbeRun {
    /// Outcomes by probe address.
    pub outcomes: BTreeMap<String, Outcome>,
    /// Lines of every rule that fired for some probe.
    pub fired: BTreeSet<u32>,
}

/// Runs `addresses` through rulesets 3 and 0 and builds the triples.
pub fn run(machine: &mut Machine, addresses: &BTreeSet<String>) -> ProbeRun {
    let mut run = ProbeRun::default();
    let saved_mode = machine.test_mode;
    machine.test_mode = false;
    for address in addresses.iter().take(MAX_PROBES) {
        machine.trace = Some(Vec::new());
        let parsed = machine.parse_address(address.as_bytes(), AddressFlags::default());
        machine.out.clear();
        let steps = machine.trace.take().unwrap_or_default();
        let mut rule_line = None;
        let mut fired: Vec<u32> = steps.iter().map(|s| s.line).collect();
        fired.sort_unstable();
        fired.dedup();
        for step in &steps {
            run.fired.insert(step.line);
            // The first rule to produce the triple; the rules that called
            // it return it afterwards.
            if rule_line.is_none() && step.output.first().and_then(|t| t.first()) == Some(&CANONNET)
            {
                rule_line = Some(step.line);
            }
        }
        let Some(parsed) = parsed else { continue };
        let mailer = lossy_text(&parsed.mailer);
        let (kind, service) = match machine.mailer(&parsed.mailer) {
            Some(m) => {
                let k = mailers::kind(m);
                (Some(k), mailers::service(m, k))
            }
            None => (None, mailer.clone()),
        };
        run.outcomes.insert(
            address.clone(),
            Outcome {
                address: address.clone(),
                mailer,
                kind,
                service,
                host: parsed.host.as_deref().map(lossy_text),
                user: lossy_text(&parsed.user),
                rule_line,
                fired,
            },
        );
    }
    machine.test_mode = saved_mode;
    machine.trace = None;
    run
}

/// Literal words in rule left-hand sides that look like domains or
/// pseudo-domains (`UUCP`, `BITNET`, `cs.example.edu`).
pub fn rule_literals(facts: &Facts) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in &facts.config.lines {
        let LineKind::Rule(rule) = &line.kind else {
            continue;
        };
        let lhs = String::from_utf8_lossy(&rule.lhs.to_source()).into_owned();
        // Only text after an `@` or a dot is a domain part.
        let bytes = lhs.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'$' {
                i += 2;
                continue;
            }
            let start = i;
            while i < bytes.len()
                && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'.' || bytes[i] == b'-')
            {
                i += 1;
            }
            if i > start {
                let raw = &lhs[start..i];
                let word = raw.trim_matches('.');
                let preceded =
                    raw.starts_with('.') || lhs[..start].trim_end().ends_with(['@', '.']);
                if preceded && is_domain_like(word) && word.len() > 1 {
                    out.insert(word.to_ascii_lowercase());
                }
            } else {
                i += 1;
            }
        }
    }
    out
}

/// The probe addresses for a configuration: local names, every domain it
/// names (class members, macros, literals in rules, map keys), outside
/// domains, UUCP and `%` forms.
pub fn addresses(
    facts: &Facts,
    extra_domains: &BTreeSet<String>,
) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut domains: BTreeSet<String> = BTreeSet::new();
    let host = facts.machine.env.hostname.to_ascii_lowercase();
    domains.insert(host.clone());
    domains.insert("localhost".into());
    for d in OUTSIDE {
        domains.insert(d.into());
    }
    for name in ["j", "w", "m", "S", "H", "R"] {
        if let Some((v, _)) = facts.macro_value(name) {
            let v = v.to_ascii_lowercase();
            let v = v
                .rsplit(':')
                .next()
                .unwrap_or(&v)
                .trim_matches(['[', ']'])
                .to_owned();
            if is_domain_like(&v) {
                if v.contains('.') {
                    domains.insert(format!("sub.{v}"));
                }
                domains.insert(v);
            }
        }
    }
    for class in facts.machine.names_of_classes() {
        for member in facts.class_members(&class) {
            if is_domain_like(&member) && member.contains('.') {
                domains.insert(member);
            }
        }
    }
    let literals = rule_literals(facts);
    // One-word class members (UUCP neighbours, short host names) under
    // each pseudo-domain the rules name.
    let mut short: BTreeSet<String> = BTreeSet::new();
    for class in facts.machine.names_of_classes() {
        // One-letter classes only: m4's long-named ones hold markers
        // (`{Accept}`, `{Tls}`), and `t` holds trusted users.
        if class.len() != 1 || class == "t" {
            continue;
        }
        for member in facts.class_members(&class) {
            if is_domain_like(&member) && !member.contains('.') && member.len() > 1 {
                short.insert(member);
            }
        }
    }
    for word in literals
        .iter()
        .filter(|w| !w.contains('.') && *w != "redirect")
    {
        for member in short.iter().take(50) {
            domains.insert(format!("{member}.{word}"));
        }
    }
    for word in &literals {
        if word.contains('.') {
            domains.insert(word.clone());
            domains.insert(format!("sub.{word}"));
        } else {
            // A pseudo-domain (`UUCP`) or a one-word host name.
            domains.insert(format!("somehost.{word}"));
            domains.insert(word.clone());
        }
    }
    domains.extend(extra_domains.iter().cloned());
    let mut addresses = BTreeSet::new();
    addresses.insert("user".to_owned());
    addresses.insert("postmaster".to_owned());
    for d in &domains {
        addresses.insert(format!("user@{d}"));
    }
    // The other shapes addresses come in: the canonicalizing rules must
    // see them.
    for shape in [
        format!("user%example.net@{host}"),
        "user%example.net".to_owned(),
        "somehost!user".to_owned(),
        "example.net!user".to_owned(),
        "a!b!user".to_owned(),
        "<user@example.net>".to_owned(),
        "Some User <user@example.net>".to_owned(),
        "\"Some User\" <user@example.net>".to_owned(),
        "user@example.net (Some User)".to_owned(),
        "@gw.example.net:user@example.net".to_owned(),
        "@a.example.net,@b.example.net:user@example.net".to_owned(),
        "<@gw.example.net:user@example.net>".to_owned(),
        "<>".to_owned(),
        "user@[192.0.2.1]".to_owned(),
        "user@example.net.".to_owned(),
        "user@a.example.net@example.net".to_owned(),
        "<a <user@example.net>>".to_owned(),
        "\"quoted user\"@example.net".to_owned(),
        "user+detail@example.net".to_owned(),
        format!("user+detail@{host}"),
        "user.name@example.net".to_owned(),
        "USER@EXAMPLE.NET".to_owned(),
    ] {
        addresses.insert(shape);
    }
    (addresses, domains)
}

impl Machine {
    /// Names of every class with members, as the analyzer asks for them.
    pub fn names_of_classes(&self) -> Vec<String> {
        let mut out = Vec::new();
        for id in 0..=255u8 {
            if !self.classes.members(id).is_empty() {
                let name = self.names.name_of(id);
                let name = lossy_text(&name);
                let name = name
                    .trim_start_matches('{')
                    .trim_end_matches('}')
                    .to_owned();
                if !name.is_empty() {
                    out.push(name);
                }
            }
        }
        out
    }
}

/// Two actions that Postfix carries out the same way: its `relay` and
/// `smtp` transports are the same SMTP client.
pub fn same_route(a: &RouteAction, b: &RouteAction) -> bool {
    let norm = |a: &RouteAction| match a {
        RouteAction::Deliver { service, next_hop } if service == "relay" => RouteAction::Deliver {
            service: "smtp".into(),
            next_hop: next_hop.clone(),
        },
        other => other.clone(),
    };
    norm(a) == norm(b)
}

/// The outcome of the outside probes, when they agree: the default route.
pub fn default_action(run: &ProbeRun) -> Option<(RouteAction, Option<u32>)> {
    let mut actions = Vec::new();
    for d in OUTSIDE {
        let o = run.outcomes.get(&format!("user@{d}"))?;
        actions.push((o.action(d), o.rule_line));
    }
    let first = actions.first()?.clone();
    actions.iter().all(|(a, _)| *a == first.0).then_some(first)
}

/// Routes for the probed domains whose outcome differs from the default.
pub fn routes(
    facts: &Facts,
    run: &ProbeRun,
    domains: &BTreeSet<String>,
    default: Option<&RouteAction>,
    covered: &dyn Fn(&str) -> bool,
    relevant: &dyn Fn(&Outcome) -> bool,
) -> Vec<(Destination, RouteAction, String, Origin)> {
    let mut out = Vec::new();
    for d in domains {
        if OUTSIDE.contains(&d.as_str()) || covered(d) {
            continue;
        }
        let address = format!("user@{d}");
        let Some(outcome) = run.outcomes.get(&address) else {
            continue;
        };
        if !relevant(outcome) {
            continue;
        }
        let action = outcome.action(d);
        if matches!(action, RouteAction::Local { .. }) {
            continue; // local domains are handled on their own
        }
        if default.is_some_and(|d| same_route(d, &action)) {
            continue;
        }
        let origin = outcome
            .rule_line
            .map(|l| facts.origin_at(l))
            .unwrap_or_else(|| facts.whole());
        let evidence = format!("probe {address} resolves to {}", describe(outcome));
        // `somehost.uucp`: the route is for the whole pseudo-domain;
        // `sub.example.com`: for every subdomain.
        let label = if d.starts_with("somehost.") {
            "somehost"
        } else {
            "sub"
        };
        if let Some(parent) = d.strip_prefix(&format!("{label}.")) {
            let action = generalize(&action, label);
            if !default.is_some_and(|d| same_route(d, &action)) {
                out.push((
                    Destination::Subdomains(parent.to_owned()),
                    action,
                    evidence,
                    origin,
                ));
            }
            continue;
        }
        // A host under a pseudo-domain that goes where the whole
        // pseudo-domain goes needs no entry of its own.
        if let Some((_, parent)) = d.split_once('.') {
            let whole = run.outcomes.get(&format!("user@somehost.{parent}"));
            if whole.is_some_and(|w| {
                generalize(&w.action(&format!("somehost.{parent}")), "somehost") == action
            }) {
                continue;
            }
        }
        out.push((Destination::Domain(d.clone()), action, evidence, origin));
    }
    out
}

/// A next hop that is the probe's own host label becomes "the recipient's
/// domain" (no fixed next hop).
fn generalize(action: &RouteAction, label: &str) -> RouteAction {
    match action {
        RouteAction::Deliver { service, next_hop } => RouteAction::Deliver {
            service: service.clone(),
            next_hop: next_hop
                .clone()
                .filter(|h| h.host != label && !h.host.starts_with(&format!("{label}."))),
        },
        other => other.clone(),
    }
}

/// `mailer M, host H, user U`, as `/parse` shows a triple.
pub fn describe(o: &Outcome) -> String {
    match &o.host {
        Some(h) => format!("mailer {}, host {h}, user {}", o.mailer, o.user),
        None => format!("mailer {}, user {}", o.mailer, o.user),
    }
}
