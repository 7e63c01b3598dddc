//! The maps m4 features read (mailertable, virtusertable, access,
//! genericstable, domaintable) and the alias files: their text sources,
//! read and converted into the intent.

use std::path::PathBuf;

use crate::intent::{AccessAction, AccessStage, Disposition, Finding, Intent, Origin, Sourced};

use super::domains::{is_domain_like, is_ip_prefix};
use super::facts::Facts;
use super::features::Features;
use super::tables;

/// Where the text source of map `name` is: `--map NAME=FILE`, else the
/// K line's file under `--etc-mail`, without a `.db` suffix.
fn source_path(facts: &Facts, name: &str) -> Option<(PathBuf, Origin, bool)> {
    let line = facts.map_line(name)?;
    let origin = facts.origin(line);
    let crate::ast::LineKind::Map(map) = &line.kind else {
        return None;
    };
    let keep_case = map.has_flag('f');
    if let Some(path) = facts.machine.env.map_files.get(name.as_bytes()) {
        return Some((path.clone(), origin, keep_case));
    }
    let file = map.file()?.to_display();
    let file = file.strip_suffix(".db").unwrap_or(&file).to_owned();
    Some((
        facts.machine.env.resolve(file.as_bytes()),
        origin,
        keep_case,
    ))
}

fn read(
    facts: &Facts,
    intent: &mut Intent,
    name: &str,
    what: &str,
) -> Option<tables::source::Table> {
    let (path, origin, keep_case) = source_path(facts, name)?;
    match std::fs::read(&path) {
        Ok(bytes) => Some(tables::source::read_table(
            &bytes,
            &path.display().to_string(),
            keep_case,
        )),
        Err(_) => {
            intent.findings.push(Finding {
                disposition: Disposition::NotTranslated,
                origin,
                subject: format!("{what} entries"),
                reason: format!("the map's text source {} could not be read", path.display()),
                action: format!("Run again with --etc-mail DIR or --map {name}=FILE pointing at the text source of the map."),
            });
            None
        }
    }
}

pub fn analyze(facts: &Facts, features: &Features, intent: &mut Intent) {
    if features.has("mailertable") || facts.map_line("mailertable").is_some() {
        if let Some(table) = read(facts, intent, "mailertable", "mailertable") {
            let (routes, findings) = tables::mailertable::routes(&table);
            intent.routes.extend(routes);
            intent.findings.extend(findings);
        }
    }
    if features.has("virtusertable") || facts.map_line("virtuser").is_some() {
        if let Some(table) = read(facts, intent, "virtuser", "virtusertable") {
            let (aliases, findings) = tables::virtusertable::aliases(&table);
            // sendmail consults the virtusertable only for its own names
            // ($=w) and the virtual hosts ($={VirtHost}); entries for any
            // other domain never apply.
            let virt_hosts = facts.class_members("VirtHost");
            let hostname = facts.machine.env.hostname.to_ascii_lowercase();
            let applies = |key: &str| -> bool {
                let domain = key
                    .rsplit_once('@')
                    .map(|(_, d)| d.to_ascii_lowercase())
                    .unwrap_or_default();
                domain.is_empty()
                    || domain == hostname
                    || facts.class_members("w").contains(&domain)
                    || virt_hosts.contains(&domain)
                    || features.has("virtuser_entire_domain")
                        && virt_hosts
                            .iter()
                            .any(|v| domain.ends_with(&format!(".{v}")))
            };
            let (mut aliases, dead): (Vec<_>, Vec<_>) =
                aliases.into_iter().partition(|a| applies(&a.key));
            // A bare local user as a target: Postfix would qualify it with
            // myorigin and look it up again, where a catch-all of that
            // domain takes it. `@localhost` (always in mydestination)
            // keeps it local, as sendmail delivers it.
            for a in &mut aliases {
                if let crate::intent::VirtualTarget::Addresses { targets } = &mut a.target {
                    for t in targets.iter_mut() {
                        let plain = !t.contains('@')
                            && !t.contains('%')
                            && !t.starts_with(['|', '/', ':', '"']);
                        if plain && !t.is_empty() {
                            t.push_str("@localhost");
                        }
                    }
                }
            }
            for a in dead {
                intent.findings.push(Finding {
                    disposition: Disposition::NotTranslated,
                    origin: a.origin.clone(),
                    subject: format!("virtusertable entry {}", a.key),
                    reason: "its domain is neither a local host name ($=w) nor a virtual host ($={VirtHost}), so sendmail never uses this entry".into(),
                    action: "Add the domain with VIRTUSER_DOMAIN in the old configuration's terms, or list it in virtual_alias_domains if the entry is meant to work.".into(),
                });
            }
            for a in &aliases {
                if let Some((_, domain)) = a.key.rsplit_once('@') {
                    let domain = domain.to_ascii_lowercase();
                    let local = intent.local_domains.iter().any(|d| d.value == domain)
                        || facts.machine.env.hostname.eq_ignore_ascii_case(&domain);
                    if !local
                        && is_domain_like(&domain)
                        && !intent.virtual_domains.iter().any(|d| d.value == domain)
                    {
                        intent
                            .virtual_domains
                            .push(Sourced::new(domain, a.origin.clone()));
                    }
                }
            }
            intent.virtual_aliases.extend(aliases);
            intent.findings.extend(findings);
        }
    }
    if features.has("access_db") || facts.map_line("access").is_some() && features.is_m4() {
        if let Some(table) = read(facts, intent, "access", "access") {
            let (rules, findings) = tables::access::rules(&table);
            for rule in &rules {
                if rule.action != AccessAction::Relay {
                    continue;
                }
                match rule.stage {
                    // Client networks that may relay stay in the access
                    // tables (with their SKIP exceptions), not in mynetworks.
                    AccessStage::Client if is_ip_prefix(&rule.key) => {}
                    AccessStage::Client => intent
                        .relay
                        .client_names
                        .push(Sourced::new(rule.key.clone(), rule.origin.clone())),
                    AccessStage::Recipient if is_domain_like(&rule.key) => {
                        intent.relay.domains.push(Sourced::new(
                            rule.key.to_ascii_lowercase(),
                            rule.origin.clone(),
                        ))
                    }
                    _ => {}
                }
            }
            intent.access.extend(rules);
            intent.findings.extend(findings);
        }
    }
    if features.has("genericstable") || facts.map_line("generics").is_some() && features.is_m4() {
        if let Some(table) = read(facts, intent, "generics", "genericstable") {
            let (rewrites, findings) = tables::generics::rewrites(&table);
            intent.sender_rewrites.extend(rewrites);
            intent.findings.extend(findings);
        }
    }
    if features.has("domaintable") || facts.map_line("domaintable").is_some() && features.is_m4() {
        if let Some(table) = read(facts, intent, "domaintable", "domaintable") {
            let (rewrites, findings) = tables::domaintable::rewrites(&table);
            intent.domain_rewrites.extend(rewrites);
            intent.findings.extend(findings);
        }
    }
    aliases(facts, intent);
}

fn aliases(facts: &Facts, intent: &mut Intent) {
    use crate::postfix::ALIAS_FILE;
    let files = intent.aliases.files.clone();
    for file in files {
        // Alias files are read only from --etc-mail (by base name), never
        // from this machine's /etc.
        let base = file
            .value
            .rsplit('/')
            .next()
            .unwrap_or(&file.value)
            .to_owned();
        let path = facts.machine.env.etc_mail.as_ref().map(|d| d.join(&base));
        let Some(Ok(bytes)) = path.as_ref().map(std::fs::read) else {
            intent.findings.push(Finding {
                disposition: Disposition::Approximated,
                origin: file.origin.clone(),
                subject: "alias file".into(),
                reason: if file.value == ALIAS_FILE {
                    format!("alias_maps is {}, as on the old host; its entries were not read, so :include:, file and program aliases were not checked", file.value)
                } else {
                    format!("the old alias file {} was not read; alias_maps is {ALIAS_FILE}, the Postfix host's own file, so that no local recipient is deferred for a missing alias database", file.value)
                },
                action: if file.value == ALIAS_FILE {
                    "Run newaliases after installing the configuration; pass --etc-mail DIR to have the aliases checked.".into()
                } else {
                    format!("Merge the entries of {} into {ALIAS_FILE} and run newaliases, or pass --etc-mail DIR (the directory holding the file) to have them carried into this directory.", file.value)
                },
            });
            continue;
        };
        let shown = path.map(|p| p.display().to_string()).unwrap_or_default();
        let (entries, findings, risks) = tables::aliases::read_aliases(&bytes, &shown);
        intent.aliases.entries.extend(entries);
        intent.findings.extend(findings);
        intent.risks.extend(risks);
    }
}
