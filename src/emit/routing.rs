//! Where the generated configuration sends each probe address, compared
//! with where sendmail sent it. A small model of Postfix's resolver over
//! the intent: mydestination, virtual alias domains, transport_maps
//! (exact domain, then parent domains, then `*`), relayhost.

use crate::analyze::probes::{Outcome, ProbeRun};
use crate::intent::{Destination, Intent, MailerKind, RouteAction};

use super::report::Difference;

/// (transport, next hop) as both sides are compared: esmtp/smtp/smtp8 are
/// one transport, a next hop equal to the recipient's domain is "none".
type Decision = (String, String);

fn postfix_decision(intent: &Intent, domain: &str) -> Decision {
    let local = domain == "localhost"
        || intent.system_hostname.eq_ignore_ascii_case(domain)
        || intent
            .hostname
            .as_ref()
            .is_some_and(|h| h.value.eq_ignore_ascii_case(domain))
        || intent
            .local_domains
            .iter()
            .any(|d| d.value.eq_ignore_ascii_case(domain));
    if local {
        return match &intent.mail_hub {
            Some(h) => ("relay".into(), h.value.host.clone()),
            None => ("local".into(), String::new()),
        };
    }
    let mut candidates = vec![Destination::Domain(domain.to_owned())];
    let mut rest = domain;
    while let Some((_, parent)) = rest.split_once('.') {
        candidates.push(Destination::Subdomains(parent.to_owned()));
        rest = parent;
    }
    candidates.push(Destination::Everything);
    for c in &candidates {
        if let Some(r) = intent.routes.iter().find(|r| &r.destination == c) {
            return action_decision(&r.action);
        }
    }
    match &intent.smart_host {
        Some(h) => ("smtp".into(), h.value.host.clone()),
        None => ("smtp".into(), String::new()),
    }
}

fn action_decision(a: &RouteAction) -> Decision {
    match a {
        RouteAction::Deliver { service, next_hop } => {
            let hop = next_hop.as_ref().map(|h| h.host.clone());
            (service.clone(), hop.unwrap_or_default())
        }
        RouteAction::Local { .. } => ("local".into(), String::new()),
        RouteAction::Error { .. } => ("error".into(), String::new()),
        RouteAction::Discard => ("discard".into(), String::new()),
    }
}

fn sendmail_decision(o: &Outcome, domain: &str) -> Decision {
    match o.action(domain) {
        RouteAction::Local { .. } => ("local".into(), String::new()),
        RouteAction::Error { .. } => ("error".into(), String::new()),
        RouteAction::Discard => ("discard".into(), String::new()),
        RouteAction::Deliver { service, next_hop } => {
            let service = match o.kind {
                Some(MailerKind::Smtp) => "smtp".into(),
                _ => service,
            };
            (service, next_hop.map(|h| h.host).unwrap_or_default())
        }
    }
}

/// relay and smtp are the same SMTP client; a next hop that is the
/// recipient's own domain is no next hop.
fn normalized(d: Decision, domain: &str) -> Decision {
    let service = if d.0 == "relay" {
        "smtp".to_owned()
    } else {
        d.0
    };
    let hop = if d.1 == domain || format!("[{}]", d.1) == domain {
        String::new()
    } else {
        d.1
    };
    (service, hop)
}

fn show(d: &Decision) -> String {
    if d.1.is_empty() {
        d.0.clone()
    } else {
        format!("{} to {}", d.0, d.1)
    }
}

/// Every probe address of the form `user@domain` whose decision differs.
pub fn differences(intent: &Intent, run: &ProbeRun) -> Vec<Difference> {
    let mut out = Vec::new();
    for (address, outcome) in &run.outcomes {
        let Some((user, domain)) = address.rsplit_once('@') else {
            continue;
        };
        if user != "user" || domain.contains('%') {
            continue;
        }
        let domain = domain.to_ascii_lowercase();
        let literal = domain.starts_with('[') && domain.ends_with(']');
        if !literal && !crate::analyze::domains::is_domain_like(&domain) {
            continue; // comments, routes and other shapes: not one domain
        }
        if intent.virtual_domains.iter().any(|d| d.value == domain) {
            continue; // virtual aliases rewrite the address first
        }
        let sendmail = normalized(sendmail_decision(outcome, &domain), &domain);
        let postfix = normalized(postfix_decision(intent, &domain), &domain);
        if sendmail == postfix {
            continue;
        }
        let reason = if domain.ends_with(".redirect") {
            "FEATURE(redirect): sendmail bounces user@host.REDIRECT, which aliases of moved users produce; in Postfix list moved users in relocated_maps".to_owned()
        } else if literal {
            "an address literal: sendmail delivers to the address itself, Postfix's transport table cannot name [address] literals so they follow the default route".to_owned()
        } else if domain.starts_with("somehost.") || domain.split('.').count() == 1 {
            "a one-word or pseudo-domain host that sendmail's rules route by name; Postfix routes by domain".to_owned()
        } else if sendmail.0 == "local" {
            "sendmail delivers this domain locally through a rule the analysis did not turn into a local domain".to_owned()
        } else {
            "the rule that routes this address has no equivalent in the generated tables".to_owned()
        };
        out.push(Difference {
            address: address.clone(),
            sendmail: show(&sendmail),
            postfix: show(&postfix),
            reason,
        });
    }
    out.sort();
    out
}
