//! The analyzer: reads a parsed configuration (and the maps it names) and
//! infers its [`Intent`](crate::intent::Intent), in two ways:
//!
//! 1. recognizing sendmail m4 FEATUREs and defines ([`features`]) and
//!    reading the text sources of their maps ([`maps`]);
//! 2. running the rewrite engine over probe addresses ([`probes`]) and
//!    grouping the resolved triples into routes.
//!
//! Rules neither way accounts for go to the report ([`rules`]).

pub mod acceptance;
pub mod domains;
pub mod facts;
pub mod features;
pub mod mailers;
pub mod maps;
pub mod options;
pub mod probes;
pub mod relay;
pub mod risks;
pub mod rules;
pub mod tables;

use std::collections::BTreeSet;

use crate::ast::Config;
use crate::engine::{Environment, Machine};
use crate::intent::{Destination, Disposition, Finding, Intent, Route, RouteAction, Sourced};
use crate::source::SourceFile;

pub use facts::Facts;
pub use features::{Features, Generation};

/// The result of an analysis: the intent plus what it was inferred from.
pub struct Analysis<'a> {
    pub intent: Intent,
    pub features: Features,
    pub probes: probes::ProbeRun,
    /// What the old door answered the inference's probes.
    pub door: acceptance::DoorFacts,
    pub facts: Facts<'a>,
}

/// Analyzes a parsed configuration loaded in `env`.
pub fn analyze<'a>(file: &'a SourceFile, config: &'a Config, env: Environment) -> Analysis<'a> {
    let machine = Machine::load(file, config, env);
    let mut facts = Facts::new(file, config, machine);
    let features = features::recognize(&facts);
    let mut intent = Intent {
        source: file.name().to_owned(),
        system_hostname: facts.machine.env.hostname.to_ascii_lowercase(),
        ..Intent::default()
    };
    domains::analyze(&facts, &features, &mut intent);
    domains::plus_detail(&facts, &mut intent);
    options::analyze(&facts, &mut intent);
    mailers::analyze(&facts, &mut intent);
    maps::analyze(&facts, &features, &mut intent);
    relay::analyze(&facts, &features, &mut intent);
    relay::feature_findings(&features, &mut intent);
    relay::dnsbl(&facts, &mut intent);

    // Way 2: the engine over probe addresses.
    let mut extra: BTreeSet<String> = BTreeSet::new();
    for r in &intent.routes {
        if let Destination::Domain(d) | Destination::Subdomains(d) = &r.destination {
            extra.insert(d.clone());
            extra.insert(format!("sub.{d}"));
        }
    }
    extra.extend(intent.virtual_domains.iter().map(|d| d.value.clone()));
    // The names Postfix gives itself: are they local in the old rules?
    extra.insert(domains::postfix_hostname(&intent));
    if let Some(d) = domains::postfix_domain(&intent) {
        extra.insert(format!("localhost.{d}"));
    }
    extra.extend(intent.relay.domains.iter().map(|d| d.value.clone()));
    let (addresses, domains) = probes::addresses(&facts, &extra);
    let run = probes::run(&mut facts.machine, &addresses);
    let hooks = rules::hook_lines(&facts);
    apply_probes(&facts, &features, &run, &domains, &hooks, &mut intent);
    let door = acceptance::analyze(&mut facts, &run, &domains, &mut intent);
    let (rewritten, shown_as) = rules::try_mailers(&mut facts);
    if let Some((domain, line)) = shown_as {
        masquerade_from_probe(&facts, &domain, line, &mut intent);
    }
    rules::report(&facts, &features, &run.fired, &rewritten, &mut intent);
    rules::unreadable(&facts, &mut intent);
    everything_route(&mut intent);
    local_under_routes(&mut intent);
    normalize(&mut intent);
    risks::analyze(&mut intent);
    intent.risks.sort();
    intent.risks.dedup();
    Analysis {
        intent,
        features,
        probes: run,
        door,
        facts,
    }
}

/// Does a route already decide mail for `domain`?
fn covered(routes: &[Route], domain: &str) -> bool {
    routes.iter().any(|r| match &r.destination {
        Destination::Domain(d) => d == domain,
        Destination::Subdomains(d) => domain.ends_with(&format!(".{d}")),
        _ => false,
    })
}

fn apply_probes(
    facts: &Facts,
    features: &Features,
    run: &probes::ProbeRun,
    domains: &BTreeSet<String>,
    hooks: &BTreeSet<u32>,
    intent: &mut Intent,
) {
    // In m4 configurations the features are translated from their maps
    // and classes; the probes add only what the site's own hook rules do.
    let relevant = |o: &probes::Outcome| -> bool {
        !features.is_m4() || o.fired.iter().any(|l| hooks.contains(l))
    };
    // Local domains the rules recognize that $=w does not list.
    let hostname = facts.machine.env.hostname.to_ascii_lowercase();
    let myhostname = domains::postfix_hostname(intent);
    for d in domains {
        if probes::OUTSIDE.contains(&d.as_str()) || *d == myhostname {
            continue;
        }
        let Some(o) = run.outcomes.get(&format!("user@{d}")) else {
            continue;
        };
        // Every name the old rules deliver locally belongs in
        // mydestination, whatever feature or rule made it local.
        let local = o.action(d).is_local_delivery();
        let known = intent.local_domains.iter().any(|x| &x.value == d);
        if local
            && !known
            && !covered(&intent.routes, d)
            && !d.starts_with("somehost.")
            && !d.starts_with("sub.")
        {
            let origin = o
                .rule_line
                .map(|l| facts.origin_at(l))
                .unwrap_or_else(|| facts.whole());
            intent.findings.push(Finding {
                disposition: Disposition::Translated,
                origin: origin.clone(),
                subject: format!("local domain {d}"),
                reason: format!(
                    "probe user@{d} is delivered locally ({}); added to mydestination",
                    probes::describe(o)
                ),
                action: String::new(),
            });
            intent.local_domains.push(Sourced::new(d.clone(), origin));
        }
    }
    // The default route: where mail for outside domains goes.
    let default = probes::default_action(run);
    if let Some((action, line)) = &default {
        let origin = line
            .map(|l| facts.origin_at(l))
            .unwrap_or_else(|| facts.whole());
        match action {
            RouteAction::Deliver { service, next_hop } => {
                let smtp_like = service == "smtp" || service == "relay";
                match next_hop {
                    Some(hop) if smtp_like && intent.smart_host.is_none() => {
                        intent.findings.push(Finding {
                            disposition: Disposition::Translated,
                            origin: origin.clone(),
                            subject: "default route".into(),
                            reason: format!("mail for outside domains goes to {} (found by probing); relayhost", hop.host),
                            action: String::new(),
                        });
                        intent.smart_host = Some(Sourced::new(hop.clone(), origin));
                    }
                    _ if !smtp_like => {
                        intent.routes.push(Route {
                            destination: Destination::Everything,
                            action: action.clone(),
                            evidence: "probes for outside domains".into(),
                            origin,
                        });
                    }
                    _ => {}
                }
            }
            RouteAction::Error { .. } | RouteAction::Discard => intent.routes.push(Route {
                destination: Destination::Everything,
                action: action.clone(),
                evidence: "probes for outside domains".into(),
                origin,
            }),
            RouteAction::Local { .. } => intent.findings.push(Finding {
                disposition: Disposition::NotTranslated,
                origin,
                subject: "default route".into(),
                reason: "mail for outside domains is delivered locally; Postfix would need every domain in mydestination".into(),
                action: "Decide where outside mail should go and set relayhost.".into(),
            }),
        }
    }
    // The expected default in Postfix terms, to compare routes with.
    let everything = intent
        .routes
        .iter()
        .find(|r| r.destination == Destination::Everything)
        .map(|r| r.action.clone());
    let expected_default = match (&everything, &intent.smart_host, &default) {
        (Some(a), _, _) => Some(a.clone()),
        (None, Some(h), _) => Some(RouteAction::Deliver {
            service: "smtp".into(),
            next_hop: Some(h.value.clone()),
        }),
        (None, None, Some((a, _))) => Some(a.clone()),
        (None, None, None) => None,
    };
    let routes = intent.routes.clone();
    let found = probes::routes(
        facts,
        run,
        domains,
        expected_default.as_ref(),
        &|d| covered(&routes, d) || d == hostname,
        &relevant,
    );
    let smart = intent.smart_host.as_ref().map(|h| h.value.host.clone());
    for (destination, action, evidence, origin) in found {
        // Direct delivery to the smart host itself is what relayhost does.
        if let (Destination::Domain(d), RouteAction::Deliver { next_hop: None, .. }) =
            (&destination, &action)
        {
            if smart.as_deref() == Some(d.as_str()) {
                continue;
            }
        }
        // m4 configurations: routes the features explain are already there;
        // what is left is routing by hand-written hook rules or classes.
        if features.is_m4()
            && matches!(&destination, Destination::Domain(d) if intent.relay.domains.iter().any(|r| &r.value == d) || intent.virtual_domains.iter().any(|v| &v.value == d))
        {
            continue;
        }
        intent.findings.push(Finding {
            disposition: Disposition::Translated,
            origin: origin.clone(),
            subject: format!("route for {}", destination_text(&destination)),
            reason: format!("{evidence}; written to the transport table"),
            action: String::new(),
        });
        intent.routes.push(Route {
            destination,
            action,
            evidence,
            origin,
        });
    }
}

fn masquerade_from_probe(facts: &Facts, domain: &str, line: u32, intent: &mut Intent) {
    let hostname = facts.machine.env.hostname.to_ascii_lowercase();
    if intent.masquerade.as_domain.is_some()
        || domain == hostname
        || !domains::is_domain_like(domain)
    {
        return;
    }
    if !hostname.ends_with(&format!(".{domain}")) {
        return;
    }
    let origin = facts.origin_at(line);
    intent.findings.push(Finding {
        disposition: Disposition::Approximated,
        origin: origin.clone(),
        subject: "sender masquerading".into(),
        reason: format!(
            "probing shows local senders leave as user@{domain}; masquerade_domains = {domain}"
        ),
        action: String::new(),
    });
    intent.masquerade.as_domain = Some(Sourced::new(domain.to_owned(), origin));
}

/// Mailertable's `.` default, and a default found by probing, apply only
/// to mail that is neither local nor virtual: Postfix's default_transport
/// (or relayhost), never a `*` transport entry, which would catch local
/// mail too.
fn everything_route(intent: &mut Intent) {
    let Some(pos) = intent
        .routes
        .iter()
        .position(|r| r.destination == Destination::Everything)
    else {
        return;
    };
    if let RouteAction::Deliver {
        service,
        next_hop: Some(hop),
    } = intent.routes[pos].action.clone()
    {
        if service == "smtp" || service == "relay" {
            match &intent.smart_host {
                None => {
                    let route = intent.routes.remove(pos);
                    intent.smart_host = Some(Sourced::new(hop, route.origin));
                }
                Some(h) if h.value.host == hop.host => {
                    intent.routes.remove(pos);
                }
                Some(_) => {}
            }
        }
    }
}

/// Postfix consults transport_maps before mydestination: a local domain
/// under a routed parent (`gw.uucp` under `.uucp`) needs its own `local:`
/// entry to stay local.
fn local_under_routes(intent: &mut Intent) {
    let mut extra = Vec::new();
    let own = intent.hostname.clone().unwrap_or_else(|| {
        Sourced::new(
            intent.system_hostname.clone(),
            crate::intent::Origin::new(intent.source.clone(), 0, ""),
        )
    });
    for d in intent.local_domains.iter().chain(std::iter::once(&own)) {
        let under = intent.routes.iter().any(|r| match &r.destination {
            Destination::Subdomains(p) => d.value.ends_with(&format!(".{p}")),
            Destination::Domain(x) => x == &d.value,
            _ => false,
        });
        let own = intent
            .routes
            .iter()
            .any(|r| r.destination == Destination::Domain(d.value.clone()));
        if under && !own {
            extra.push(Route {
                destination: Destination::Domain(d.value.clone()),
                action: RouteAction::Local { user: None },
                evidence: format!(
                    "{} is local, and transport_maps come before mydestination",
                    d.value
                ),
                origin: d.origin.clone(),
            });
        }
    }
    intent.routes.extend(extra);
}

/// How a destination is written in the report.
pub fn destination_text(d: &Destination) -> String {
    match d {
        Destination::Address(a) => a.clone(),
        Destination::Domain(d) => d.clone(),
        Destination::Subdomains(d) => format!("subdomains of {d}"),
        Destination::Everything => "every other destination".into(),
    }
}

/// Sorts and deduplicates everything, so the same input gives the same output.
fn normalize(intent: &mut Intent) {
    fn dedup(v: &mut Vec<Sourced<String>>) {
        v.sort();
        v.dedup_by(|a, b| a.value == b.value);
    }
    dedup(&mut intent.local_domains);
    dedup(&mut intent.local_domain_files);
    dedup(&mut intent.virtual_domains);
    dedup(&mut intent.relay.domains);
    // A virtual alias domain is rewritten, never relayed; Postfix refuses
    // a domain in both lists.
    let virtual_domains: Vec<String> = intent
        .virtual_domains
        .iter()
        .map(|d| d.value.clone())
        .collect();
    intent
        .relay
        .domains
        .retain(|d| !virtual_domains.contains(&d.value));
    dedup(&mut intent.relay.networks);
    dedup(&mut intent.relay.client_names);
    dedup(&mut intent.dnsbl);
    dedup(&mut intent.masquerade.domains);
    dedup(&mut intent.masquerade.exposed_users);
    intent.findings.sort();
    intent.findings.dedup();
    intent.risks.sort();
    intent.risks.dedup();
}
