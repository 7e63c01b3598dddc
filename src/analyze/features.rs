//! Recognizing the sendmail m4 FEATUREs and defines a configuration was
//! built with, from the .cf alone: the `$Id:` comments m4 leaves for every
//! file it includes, and the maps, rulesets and rules each feature adds.

use std::collections::BTreeMap;

use crate::ast::LineKind;
use crate::intent::Origin;

use super::facts::Facts;

/// Which generation of the m4 tree built the configuration, if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Generation {
    /// Hand-written or vendor configuration.
    Handwritten,
    /// sendmail 8.7 to 8.9 m4: numbered core rulesets.
    M4Numbered,
    /// sendmail 8.10 and later m4: named core rulesets.
    M4Named,
}

/// The features that change routing or policy, by their m4 names.
pub const KNOWN: &[&str] = &[
    "accept_unqualified_senders",
    "accept_unresolvable_domains",
    "access_db",
    "allmasquerade",
    "always_add_domain",
    "authinfo",
    "blacklist_recipients",
    "blocklist_recipients",
    "delay_checks",
    "dnsbl",
    "domaintable",
    "enhdnsbl",
    "genericstable",
    "generics_entire_domain",
    "ldap_routing",
    "local_lmtp",
    "local_procmail",
    "mailertable",
    "masquerade_entire_domain",
    "masquerade_envelope",
    "nocanonify",
    "nouucp",
    "nullclient",
    "preserve_local_plus_detail",
    "promiscuous_relay",
    "redirect",
    "relay_based_on_MX",
    "relay_entire_domain",
    "relay_hosts_only",
    "relay_local_from",
    "relay_mail_from",
    "smrsh",
    "stickyhost",
    "use_ct_file",
    "use_cw_file",
    "virtuser_entire_domain",
    "virtusertable",
];

/// What was recognized, each with the line that shows it.
#[derive(Clone, Debug)]
pub struct Features {
    pub generation: Generation,
    pub generation_origin: Origin,
    pub found: BTreeMap<&'static str, Origin>,
}

impl Features {
    pub fn has(&self, name: &str) -> bool {
        self.found.contains_key(name)
    }

    pub fn origin(&self, name: &str) -> Option<&Origin> {
        self.found.get(name)
    }

    pub fn is_m4(&self) -> bool {
        self.generation != Generation::Handwritten
    }
}

/// The `$Id: name.m4,v` file names in the comments.
fn m4_files(facts: &Facts) -> Vec<(String, Origin)> {
    let mut out = Vec::new();
    for line in &facts.config.lines {
        if let LineKind::Comment(c) = &line.kind {
            let text = c.text.to_display();
            if let Some(rest) = text.split("$Id: ").nth(1) {
                if let Some(name) = rest
                    .split(".m4,v")
                    .next()
                    .filter(|_| rest.contains(".m4,v"))
                {
                    out.push((name.trim().to_owned(), facts.origin(line)));
                }
            }
        }
    }
    out
}

/// Rules whose source text contains `needle`, first one.
fn rule_with(facts: &Facts, needle: &str) -> Option<Origin> {
    facts.config.lines.iter().find_map(|line| match &line.kind {
        LineKind::Rule(_) => {
            let text = String::from_utf8_lossy(facts.file.slice(line.span));
            text.contains(needle).then(|| facts.origin(line))
        }
        _ => None,
    })
}

pub fn recognize(facts: &Facts) -> Features {
    let files = m4_files(facts);
    let named = facts.ruleset("Parse0").is_some() || facts.ruleset("canonify").is_some();
    let m4_comment = files
        .iter()
        .find(|(n, _)| n == "cf" || n == "cfhead" || n == "proto");
    let (generation, generation_origin) = match (m4_comment, named) {
        (Some((_, o)), true) => (Generation::M4Named, o.clone()),
        (Some((_, o)), false) => (Generation::M4Numbered, o.clone()),
        (None, true) => (
            Generation::M4Named,
            facts
                .config
                .lines
                .iter()
                .find(|l| matches!(&l.kind, LineKind::Ruleset(_)))
                .map(|l| facts.origin(l))
                .unwrap_or_else(|| facts.whole()),
        ),
        (None, false) => (Generation::Handwritten, facts.whole()),
    };
    let mut found: BTreeMap<&'static str, Origin> = BTreeMap::new();
    for (name, origin) in &files {
        if let Some(known) = KNOWN.iter().find(|k| k.eq_ignore_ascii_case(name)) {
            found.entry(known).or_insert_with(|| origin.clone());
        }
    }
    // Structural tell-tales, for configurations whose comments were edited out.
    let map_features = [
        ("mailertable", "mailertable"),
        ("virtuser", "virtusertable"),
        ("access", "access_db"),
        ("generics", "genericstable"),
        ("domaintable", "domaintable"),
        ("authinfo", "authinfo"),
        ("dnsbl", "dnsbl"),
        ("mxserved", "relay_based_on_MX"),
    ];
    if generation != Generation::Handwritten {
        for (map, feature) in map_features {
            if let Some(line) = facts.map_line(map) {
                let feature = KNOWN.iter().find(|k| **k == feature).copied();
                if let Some(feature) = feature {
                    found.entry(feature).or_insert_with(|| facts.origin(line));
                }
            }
        }
        if let Some(o) = rule_with(facts, "REDIRECT") {
            found.entry("redirect").or_insert(o);
        }
    }
    if let Some(local) = facts.machine.mailer(b"local") {
        let path = String::from_utf8_lossy(&local.path);
        let origin = facts
            .mailer_line(b"local")
            .map(|l| facts.origin(l))
            .unwrap_or_else(|| facts.whole());
        if path.ends_with("procmail") {
            found.entry("local_procmail").or_insert(origin.clone());
        }
        if local.argv.iter().any(|a| a.as_slice() == b"-l") && path.ends_with("mail.local") {
            found.entry("local_lmtp").or_insert(origin);
        }
    }
    if let Some(prog) = facts.machine.mailer(b"prog") {
        if String::from_utf8_lossy(&prog.path).ends_with("smrsh") {
            let origin = facts
                .mailer_line(b"prog")
                .map(|l| facts.origin(l))
                .unwrap_or_else(|| facts.whole());
            found.entry("smrsh").or_insert(origin);
        }
    }
    Features {
        generation,
        generation_origin,
        found,
    }
}
