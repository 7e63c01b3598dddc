//! Who may relay: the relay check the configuration has (or lacks), in
//! Postfix's terms of mynetworks, relay_domains and client names.

use crate::ast::LineKind;
use crate::intent::{Disposition, Finding, Intent, Risk, RiskKind};

use super::facts::Facts;
use super::features::Features;

/// The rulesets sendmail calls to decide relaying at RCPT time.
const RCPT_HOOKS: &[&str] = &["check_rcpt", "checkrcpt", "Basic_check_rcpt"];

pub fn analyze(facts: &Facts, features: &Features, intent: &mut Intent) {
    let hook = RCPT_HOOKS.iter().find_map(|name| {
        let n = facts.ruleset(name)?;
        (!facts.machine.rulesets.rules(n).is_empty()).then_some(n)
    });
    let denies = facts.config.lines.iter().find(|l| {
        matches!(l.kind, LineKind::Rule(_))
            && String::from_utf8_lossy(facts.file.slice(l.span))
                .to_ascii_lowercase()
                .contains("relaying denied")
    });
    if let Some(origin) = features.origin("promiscuous_relay") {
        open(
            intent,
            origin.clone(),
            "FEATURE(promiscuous_relay) relays mail for anyone",
        );
        return;
    }
    match (hook, denies) {
        (_, Some(line)) if features.is_m4() => {
            intent.findings.push(Finding {
                disposition: Disposition::Translated,
                origin: facts.origin(line),
                subject: "relay check".into(),
                reason: "sendmail's standard relay check becomes smtpd_relay_restrictions: permit_mynetworks, the relay clients, then reject_unauth_destination".into(),
                action: String::new(),
            });
        }
        (Some(_), _) => {
            let origin = denies
                .map(|l| facts.origin(l))
                .unwrap_or_else(|| facts.whole());
            intent.findings.push(Finding {
                disposition: Disposition::Approximated,
                origin,
                subject: "hand-written relay check".into(),
                reason: "the check_rcpt ruleset is not translated rule by rule; the output uses Postfix's relay check with the networks and domains found in the configuration".into(),
                action: "Review smtpd_relay_restrictions against what the old ruleset allowed.".into(),
            });
        }
        (None, _) => {
            let text = if facts.machine.level < 6 {
                "sendmail before 8.9 relayed mail for anyone: this configuration has no relay check"
            } else {
                "the configuration has no check_rcpt ruleset, so sendmail relays mail for anyone"
            };
            open(intent, facts.whole(), text);
        }
    }
}

fn open(intent: &mut Intent, origin: crate::intent::Origin, text: &str) {
    intent.relay.open = Some(origin.clone());
    intent.risks.push(Risk {
        kind: RiskKind::OpenRelay,
        origin,
        text: format!("{text}: an open relay."),
        action: "The Postfix configuration does not reproduce this: only loopback clients (and networks the configuration names) may relay; every other client may only send to local, virtual and relayed domains. Add trusted networks to mynetworks by hand.".into(),
    });
}

/// Features with no table of their own that the report must still name.
pub fn feature_findings(features: &Features, intent: &mut Intent) {
    let notes: &[(&str, Disposition, &str, &str)] = &[
        ("redirect", Disposition::Approximated, "aliases pointing at user@host.REDIRECT bounce with the new address; Postfix does this with relocated_maps", "List moved users in a relocated table (relocated_maps)."),
        ("nouucp", Disposition::Translated, "no UUCP routing; Postfix's swap_bangpath still reads user!host forms", ""),
        ("always_add_domain", Disposition::Translated, "Postfix always qualifies local addresses (append_at_myorigin)", ""),
        ("use_cw_file", Disposition::Translated, "the local host names are in mydestination", "Keep mydestination in step with the old local-host-names file."),
        ("delay_checks", Disposition::Translated, "Postfix applies client and sender restrictions at RCPT time by default (smtpd_delay_reject)", ""),
        ("relay_hosts_only", Disposition::Approximated, "Postfix's relay_domains also match subdomains (parent_domain_matches_subdomains)", "List hosts, not domains, in relay_domains if subdomains must not relay."),
        ("ldap_routing", Disposition::NotTranslated, "LDAP routing is not translated", "Use Postfix ldap: tables (ldap_table(5)) for transport_maps and virtual_alias_maps."),
        ("stickyhost", Disposition::NotTranslated, "user@host forms keep their host in sendmail; Postfix has no counterpart", "Review mail for user@host.domain addresses."),
        ("blacklist_recipients", Disposition::Translated, "To: entries of the access map reject recipients (check_recipient_access)", ""),
        ("blocklist_recipients", Disposition::Translated, "To: entries of the access map reject recipients (check_recipient_access)", ""),
        ("accept_unresolvable_domains", Disposition::Translated, "Postfix accepts unresolvable sender domains unless reject_unknown_sender_domain is set", ""),
        ("accept_unqualified_senders", Disposition::Translated, "Postfix accepts unqualified senders unless reject_non_fqdn_sender is set", ""),
        ("authinfo", Disposition::NotTranslated, "client credentials for relays (AuthInfo:) are not carried over", "Set smtp_sasl_auth_enable and smtp_sasl_password_maps."),
        ("preserve_local_plus_detail", Disposition::Approximated, "Postfix handles +detail with recipient_delimiter", "Set recipient_delimiter = + if users rely on +detail."),
        ("nullclient", Disposition::Approximated, "a null client: relayhost plus an empty mydestination", "Set mydestination empty and inet_interfaces = loopback-only if this host accepts no mail."),
    ];
    for (name, disposition, reason, action) in notes {
        if let Some(origin) = features.origin(name) {
            intent.findings.push(Finding {
                disposition: *disposition,
                origin: origin.clone(),
                subject: format!("FEATURE({name})"),
                reason: (*reason).into(),
                action: (*action).into(),
            });
        }
    }
}

/// DNS block lists: `$(dnsbl $4.$3.$2.$1.ZONE. $: OK $)` lookups that
/// FEATURE(dnsbl) and FEATURE(enhdnsbl) put into the client check.
pub fn dnsbl(facts: &Facts, intent: &mut Intent) {
    for line in &facts.config.lines {
        if !matches!(line.kind, LineKind::Rule(_)) {
            continue;
        }
        let text = String::from_utf8_lossy(facts.file.slice(line.span)).into_owned();
        for marker in ["$(dnsbl ", "$(ednsbl "] {
            let Some((_, rest)) = text.split_once(marker) else {
                continue;
            };
            let Some(zone) = rest.split_whitespace().next() else {
                continue;
            };
            let zone = zone
                .trim_start_matches("$4.$3.$2.$1.")
                .trim_end_matches('.');
            if !zone.contains('$') && super::domains::is_domain_like(zone) {
                let origin = facts.origin(line);
                intent.findings.push(Finding {
                    disposition: Disposition::Translated,
                    origin: origin.clone(),
                    subject: format!("DNS block list {zone}"),
                    reason: "reject_rbl_client in smtpd_client_restrictions".into(),
                    action: String::new(),
                });
                intent
                    .dnsbl
                    .push(crate::intent::Sourced::new(zone.to_owned(), origin));
            }
        }
    }
}
