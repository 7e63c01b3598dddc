//! smtpd(8)'s verdict on one RCPT TO from a client outside mynetworks:
//! the client, sender, relay and recipient restriction lists evaluated in
//! that order at RCPT time (Postfix's default `smtpd_delay_reject = yes`),
//! with the restrictions a migrated configuration uses. Checks that need
//! DNS or a SASL login (RBLs, `permit_mx_backup`, `reject_unknown_*`,
//! `permit_sasl_authenticated`) do not fire, as for a client without a
//! name, login or DNS.

use super::config::Config;
use super::resolve::{AddressClass, Resolver};
use super::tables::cidr::{Address, Network};
use super::tables::{
    access_address_lookup, access_client_lookup, config_dir_resolver, LoadOptions, Lookup,
    TableList,
};

/// What smtpd answers to RCPT TO.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Verdict {
    /// The reply code class: 2 accepted, 4 deferred, 5 rejected.
    pub class: u8,
    /// The restriction (and table key) that decided.
    pub decided_by: String,
}

/// The smtpd side of one configuration.
pub struct Smtpd<'a> {
    config: &'a Config,
    resolver: &'a Resolver<'a>,
    mynetworks: Vec<Network>,
}

impl<'a> Smtpd<'a> {
    pub fn new(config: &'a Config, resolver: &'a Resolver<'a>) -> Smtpd<'a> {
        let mynetworks = config
            .list("mynetworks")
            .iter()
            .filter_map(|n| {
                Network::parse(
                    n.trim_start_matches('[')
                        .replace("]/", "/")
                        .trim_end_matches(']'),
                )
                .ok()
            })
            .collect();
        Smtpd {
            config,
            resolver,
            mynetworks,
        }
    }

    fn table(&self, reference: &str) -> TableList {
        let resolve = config_dir_resolver(&self.config.dir);
        TableList::load(reference, &resolve, LoadOptions::default())
    }

    /// The verdict for `client` (an IP address, no host name) sending
    /// from `sender` to `recipient`.
    pub fn rcpt(&self, client: &str, sender: &str, recipient: &str) -> Verdict {
        let recipient = self.resolver.rewrite_local(recipient);
        for list in [
            "smtpd_client_restrictions",
            "smtpd_helo_restrictions",
            "smtpd_sender_restrictions",
            "smtpd_relay_restrictions",
            "smtpd_recipient_restrictions",
        ] {
            match self.evaluate(list, client, sender, &recipient) {
                Step::Permit => continue,
                Step::Final(v) => return v,
                Step::Dunno => continue,
            }
        }
        Verdict {
            class: 2,
            decided_by: "no restriction rejected".into(),
        }
    }

    fn evaluate(&self, list: &str, client: &str, sender: &str, recipient: &str) -> Step {
        let items = self.config.list(list);
        let mut i = 0;
        let parents = self
            .config
            .get("parent_domain_matches_subdomains")
            .contains("smtpd_access_maps");
        let delimiter = self.config.get("recipient_delimiter");
        while i < items.len() {
            let item = items[i].as_str();
            i += 1;
            let step = match item {
                "permit" => Step::Permit,
                "reject" => reject(5, list, item),
                "defer" => reject(4, list, item),
                "permit_mynetworks" => {
                    if self.in_mynetworks(client) {
                        Step::Permit
                    } else {
                        Step::Dunno
                    }
                }
                "reject_unauth_destination" | "defer_unauth_destination" => {
                    if self.authorized_destination(recipient) {
                        Step::Dunno
                    } else {
                        reject(if item.starts_with("defer") { 4 } else { 5 }, list, item)
                    }
                }
                "check_client_access" | "check_sender_access" | "check_recipient_access" => {
                    let Some(reference) = items.get(i) else { break };
                    i += 1;
                    let table = self.table(reference);
                    let found = match item {
                        "check_client_access" => {
                            access_client_lookup(&table, "unknown", client, parents)
                        }
                        "check_sender_access" => {
                            access_address_lookup(&table, sender, parents, &delimiter)
                        }
                        _ => access_address_lookup(&table, recipient, parents, &delimiter),
                    };
                    let key = found.key.clone().unwrap_or_default();
                    match found.result {
                        Lookup::Found(action) => {
                            action_step(&action, &format!("{list}: {item} {reference} ({key})"))
                        }
                        Lookup::Fail(e) => Step::Final(Verdict {
                            class: 4,
                            decided_by: format!("{list}: {item}: {e}"),
                        }),
                        Lookup::NotFound => Step::Dunno,
                    }
                }
                // Need DNS, a login or a name: they do not fire here.
                _ if item.starts_with("reject_rbl_client") || item.starts_with("reject_rhsbl") => {
                    i += 1;
                    Step::Dunno
                }
                _ => Step::Dunno,
            };
            match step {
                Step::Dunno => continue,
                other => return other,
            }
        }
        Step::Dunno
    }

    fn in_mynetworks(&self, client: &str) -> bool {
        Address::parse(client).is_some_and(|a| self.mynetworks.iter().any(|n| n.contains(&a)))
    }

    /// Local, virtual or relayed: reject_unauth_destination lets it pass.
    fn authorized_destination(&self, recipient: &str) -> bool {
        let r = self.resolver.resolve(recipient);
        r.class != AddressClass::Default
    }
}

enum Step {
    Permit,
    Dunno,
    Final(Verdict),
}

fn reject(class: u8, list: &str, item: &str) -> Step {
    Step::Final(Verdict {
        class,
        decided_by: format!("{list}: {item}"),
    })
}

/// An access(5) action as a step.
fn action_step(action: &str, by: &str) -> Step {
    let word = action
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_ascii_uppercase();
    match word.as_str() {
        "OK" | "PERMIT" | "DISCARD" | "HOLD" | "FILTER" | "REDIRECT" | "BCC" | "WARN" | "INFO" => {
            Step::Permit
        }
        "REJECT" => reject(5, by, action),
        "DEFER" | "DEFER_IF_PERMIT" | "DEFER_IF_REJECT" => reject(4, by, action),
        "DUNNO" | "PREPEND" => Step::Dunno,
        w if w.len() == 3 && w.chars().all(|c| c.is_ascii_digit()) => match w.as_bytes()[0] {
            b'4' => reject(4, by, action),
            b'5' => reject(5, by, action),
            _ => Step::Permit,
        },
        _ => Step::Dunno,
    }
}
