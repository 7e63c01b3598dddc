//! Host identity, local and relayed domains, smart host, mail hub, luser
//! relay and masquerading, from macros, classes and recognized features.

use crate::ast::{ClassSource, LineKind};
use crate::intent::{Disposition, Finding, Intent, NextHop, Sourced};

use super::facts::Facts;
use super::features::Features;

/// A word that could be a host or domain name (not an IP prefix or junk).
pub fn is_domain_like(word: &str) -> bool {
    !word.is_empty()
        && word.len() < 254
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_')
        && word.chars().any(|c| c.is_ascii_alphabetic())
        && !word.starts_with('.')
        && !word.starts_with('-')
}

/// A word that is an IP address or a sendmail IP prefix (`192.168.1`,
/// `IPv6:2001:db8`).
pub fn is_ip_prefix(word: &str) -> bool {
    super::tables::network_cidr(word).is_some()
}

/// A sendmail `mailer:host` value (SMART_HOST, MAIL_HUB) as a next hop
/// and the mailer it names.
pub fn mailer_host(value: &str) -> Option<(Option<String>, NextHop)> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    match value.split_once(':') {
        Some((mailer, host)) if !mailer.starts_with('[') && !mailer.contains('.') => {
            NextHop::parse(host).map(|h| (Some(mailer.to_owned()), h))
        }
        _ => NextHop::parse(value).map(|h| (None, h)),
    }
}

/// The name Postfix will call itself: `$j` where the configuration fixes
/// it, else the host's (`--hostname`).
pub fn postfix_hostname(intent: &Intent) -> String {
    intent
        .hostname
        .as_ref()
        .map_or(&intent.system_hostname, |h| &h.value)
        .to_ascii_lowercase()
}

/// Postfix's `$mydomain`: `$m` where the configuration fixes it, else
/// `$myhostname` without its first label.
pub fn postfix_domain(intent: &Intent) -> Option<String> {
    if let Some(d) = &intent.origin_domain {
        return Some(d.value.to_ascii_lowercase());
    }
    postfix_hostname(intent)
        .split_once('.')
        .map(|(_, d)| d.to_owned())
}

pub fn analyze(facts: &Facts, features: &Features, intent: &mut Intent) {
    // $j only when the configuration spells it out: a value built from
    // $w belongs to whatever host runs it, which Postfix finds itself.
    if let Some((value, origin)) = facts.macro_value("j") {
        if origin.line > 0
            && is_domain_like(&value)
            && !origin.text.get(2..).unwrap_or("").contains('$')
        {
            intent.hostname = Some(Sourced::new(value, origin));
        }
    }
    if let Some((value, origin)) = facts.macro_value("m") {
        if origin.line > 0 && is_domain_like(&value) {
            intent.origin_domain = Some(Sourced::new(value, origin));
        }
    }
    // $=w: local host names (the machine's name and `$j` among them, as
    // sendmail adds both). Postfix's own name is `$myhostname`.
    let myhostname = postfix_hostname(intent);
    for member in facts.class_members("w") {
        if member == myhostname || member.starts_with('[') {
            continue; // Postfix knows its own name and addresses.
        }
        if is_domain_like(&member) {
            let origin = facts.member_origin("w", &member);
            intent.local_domains.push(Sourced::new(member, origin));
        }
    }
    for line in facts.class_lines("w") {
        if let LineKind::ClassFile(f) = &line.kind {
            if let ClassSource::File { path } = &f.source {
                intent
                    .local_domain_files
                    .push(Sourced::new(path.to_display(), facts.origin(line)));
            }
        }
    }
    // The m4 macro and class conventions (`$S` smart host, `$H` hub, `$L`
    // luser relay, `$M` and class M masquerading): hand-written
    // configurations used the same letters for other things (SunOS `$M`
    // is the smart host's mailer), so there the probes decide.
    if features.is_m4() {
        smart_host(facts, intent);
        hub_and_luser(facts, intent);
        masquerade(facts, features, intent);
    }
    // Class R means "relay domains" in m4 configurations (8.9 and later);
    // hand-written ones used it for anything, often the relay host.
    if features.is_m4() {
        relay_classes(facts, features, intent);
    }
    virtual_hosts(facts, intent);
}

fn smart_host(facts: &Facts, intent: &mut Intent) {
    let Some((value, origin)) = facts.macro_value("S") else {
        return;
    };
    if origin.line == 0 {
        return;
    }
    if let Some((mailer, hop)) = mailer_host(&value) {
        intent.findings.push(Finding {
            disposition: Disposition::Translated,
            origin: origin.clone(),
            subject: "smart host".into(),
            reason: match &mailer {
                Some(m) => format!("relayhost (the mailer {m}: prefix is dropped: Postfix's smtp client speaks ESMTP to it)"),
                None => "relayhost".into(),
            },
            action: String::new(),
        });
        intent.smart_host = Some(Sourced::new(hop, origin));
    }
}

fn hub_and_luser(facts: &Facts, intent: &mut Intent) {
    if let Some((value, origin)) = facts.macro_value("H") {
        if origin.line > 0 {
            if let Some((_, hop)) = mailer_host(&value) {
                intent.findings.push(Finding {
                    disposition: Disposition::Translated,
                    origin: origin.clone(),
                    subject: "mail hub".into(),
                    reason: "local_transport = relay:[hub]: mail for local users goes to the hub"
                        .into(),
                    action: String::new(),
                });
                intent.mail_hub = Some(Sourced::new(hop, origin));
            }
        }
    }
    if let Some((value, origin)) = facts.macro_value("L") {
        if origin.line > 0 && !value.is_empty() && facts.map_line("user").is_some() {
            let target = match value.split_once(':') {
                Some(("local", user)) => user.to_owned(),
                Some((_, host)) => format!("$user@{}", host.trim_matches(['[', ']'])),
                None => format!("$user@{}", value.trim_matches(['[', ']'])),
            };
            intent.findings.push(Finding {
                disposition: Disposition::Approximated,
                origin: origin.clone(),
                subject: "luser relay".into(),
                reason: "luser_relay; Postfix only uses it when local_recipient_maps is empty, which the output sets".into(),
                action: "Unknown local users are no longer rejected at SMTP time; that is what LUSER_RELAY meant.".into(),
            });
            intent.luser_relay = Some(Sourced::new(target, origin));
        }
    }
}

fn masquerade(facts: &Facts, features: &Features, intent: &mut Intent) {
    if let Some((value, origin)) = facts.macro_value("M") {
        if origin.line > 0 && is_domain_like(&value) {
            intent.findings.push(Finding {
                disposition: Disposition::Approximated,
                origin: origin.clone(),
                subject: "masquerading".into(),
                reason: format!("masquerade_domains = {value} rewrites sender addresses of {value} and its subdomains; myorigin stays the host name, so an unqualified address is shown as {value} only when the host name is under it (a myorigin of {value} would also send bare local recipients into {value}'s virtual aliases)"),
                action: format!("Set myorigin = {value} if this host's name is not under {value} and no virtual catch-all covers {value}."),
            });
            intent.masquerade.as_domain = Some(Sourced::new(value.to_ascii_lowercase(), origin));
        }
    }
    for member in facts.class_members("M") {
        if is_domain_like(&member) {
            let origin = facts.member_origin("M", &member);
            intent.masquerade.domains.push(Sourced::new(member, origin));
        }
    }
    for member in facts.class_members("E") {
        if member != "root" || facts.class_lines("E").len() > 1 {
            let origin = facts.member_origin("E", &member);
            intent
                .masquerade
                .exposed_users
                .push(Sourced::new(member, origin));
        }
    }
    intent.masquerade.envelope = features.origin("masquerade_envelope").cloned();
    intent.masquerade.all_headers = features.origin("allmasquerade").cloned();
    intent.masquerade.entire_domain = features.origin("masquerade_entire_domain").cloned();
}

fn relay_classes(facts: &Facts, features: &Features, intent: &mut Intent) {
    for member in facts.class_members("R") {
        let origin = facts.member_origin("R", &member);
        if is_ip_prefix(&member) {
            if let Some(cidr) = ip_prefix_cidr(&member) {
                intent.relay.networks.push(Sourced::new(cidr, origin));
            }
        } else if is_domain_like(&member) {
            intent
                .relay
                .domains
                .push(Sourced::new(member.clone(), origin.clone()));
            intent.relay.client_names.push(Sourced::new(member, origin));
        }
    }
    if let Some(origin) = features.origin("relay_entire_domain") {
        if let Some(domain) = &intent.origin_domain {
            let d = domain.value.clone();
            intent
                .relay
                .domains
                .push(Sourced::new(d.clone(), origin.clone()));
            intent
                .relay
                .client_names
                .push(Sourced::new(d, origin.clone()));
        }
    }
    if let Some(origin) = features.origin("relay_based_on_MX") {
        intent.relay.based_on_mx = Some(origin.clone());
    }
}

fn virtual_hosts(facts: &Facts, intent: &mut Intent) {
    let local: Vec<String> = intent
        .local_domains
        .iter()
        .map(|d| d.value.clone())
        .collect();
    for member in facts.class_members("VirtHost") {
        if is_domain_like(&member) && !local.contains(&member) {
            let origin = facts.member_origin("VirtHost", &member);
            intent.virtual_domains.push(Sourced::new(member, origin));
        }
    }
}

/// A sendmail IP prefix in mynetworks' form: CIDR, IPv6 in brackets.
pub fn ip_prefix_cidr(word: &str) -> Option<String> {
    let cidr = super::tables::network_cidr(word)?;
    Some(match cidr.split_once('/') {
        Some((address, bits)) if address.contains(':') => format!("[{address}]/{bits}"),
        _ => cidr,
    })
}

/// `user+detail` handling: sendmail's ruleset 5 (`localaddr`) retries a
/// local `user+detail` as `user+*` and `user`, which is Postfix's
/// recipient_delimiter.
pub fn plus_detail(facts: &Facts, intent: &mut Intent) {
    let Some(number) = facts.ruleset("localaddr").or_else(|| facts.ruleset("5")) else {
        return;
    };
    for rule in facts.machine.rulesets.rules(number).iter() {
        let origin = facts.origin_at(rule.line);
        let lhs = origin
            .text
            .get(1..)
            .unwrap_or("")
            .split('\t')
            .next()
            .unwrap_or("");
        if lhs.replace(' ', "") == "$++$*" {
            intent.findings.push(Finding {
                disposition: Disposition::Translated,
                origin: origin.clone(),
                subject: "user+detail addresses".into(),
                reason: "local user+detail is delivered to user; recipient_delimiter = +".into(),
                action: String::new(),
            });
            intent.recipient_delimiter = Some(Sourced::new("+".into(), origin));
            return;
        }
    }
}
