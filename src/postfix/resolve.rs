//! trivial-rewrite(8) in the small: the `rewrite local` step (myorigin,
//! bang paths, `%` hack, trailing dots) and `resolve` (address class,
//! transport, next hop, recipient), over a [`Config`] and its tables.

use super::config::{split_list, Config};
use super::tables::{
    config_dir_resolver, parse_transport_entry, transport_lookup, LoadOptions, Lookup, TableList,
};

/// Postfix's address classes (the resolver's `class=` flags).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AddressClass {
    Local,
    /// A virtual alias domain: the address must be rewritten by
    /// virtual_alias_maps, else it is unknown.
    Alias,
    Virtual,
    Relay,
    Default,
}

impl AddressClass {
    pub fn name(self) -> &'static str {
        match self {
            AddressClass::Local => "local",
            AddressClass::Alias => "alias",
            AddressClass::Virtual => "virtual",
            AddressClass::Relay => "relay",
            AddressClass::Default => "default",
        }
    }
}

/// What the resolver answers for one address.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Resolution {
    pub transport: String,
    pub nexthop: String,
    pub recipient: String,
    pub class: AddressClass,
    /// A table lookup failed (not available offline): the real Postfix
    /// would defer.
    pub failed: bool,
    /// Which setting or table decided the transport.
    pub decided_by: String,
}

/// The domain lists and tables the resolver reads, prepared once.
pub struct Resolver<'a> {
    pub config: &'a Config,
    myhostname: String,
    myorigin: String,
    mydomain: String,
    destinations: DomainList,
    relay_domains: DomainList,
    virtual_alias_domains: DomainList,
    virtual_mailbox_domains: DomainList,
    transport_maps: TableList,
    relocated_maps: TableList,
    parent_matches: Vec<String>,
    interfaces: Vec<(std::net::IpAddr, u8)>,
}

/// A Postfix domain list: names (and, with parent matching, their
/// subdomains), `.name` for subdomains, and `type:table` lookups.
pub struct DomainList {
    names: Vec<String>,
    tables: TableList,
    parents: bool,
}

impl DomainList {
    fn new(config: &Config, items: Vec<String>, parents: bool) -> DomainList {
        let (tables, names): (Vec<String>, Vec<String>) =
            items.into_iter().partition(|i| is_table_reference(i));
        let names = names
            .into_iter()
            .flat_map(|n| {
                if n.starts_with('/') {
                    // A file of names.
                    std::fs::read_to_string(config.table_path(&n))
                        .map(|t| {
                            split_list(
                                &t.lines()
                                    .filter(|l| !l.trim_start().starts_with('#'))
                                    .collect::<Vec<_>>()
                                    .join(" "),
                            )
                        })
                        .unwrap_or_default()
                } else {
                    vec![n]
                }
            })
            .map(|n| n.to_ascii_lowercase())
            .collect();
        DomainList {
            names,
            tables: open(config, &tables, false),
            parents,
        }
    }

    /// Does the list hold `domain`? `Err` when a table lookup failed.
    pub fn matches(&self, domain: &str) -> Result<bool, String> {
        let domain = domain.to_ascii_lowercase();
        for name in &self.names {
            if let Some(negated) = name.strip_prefix('!') {
                if domain_match(negated, &domain, self.parents) {
                    return Ok(false);
                }
                continue;
            }
            if domain_match(name, &domain, self.parents) {
                return Ok(true);
            }
        }
        // Tables (Postfix `match_hostname`): the domain, then, for tables
        // that answer partial keys, each parent: `sub.example` with parent
        // matching, `.sub.example` without.
        let mut entry = domain.as_str();
        loop {
            match self.tables.find(entry, entry.len() != domain.len()).0 {
                Lookup::Found(_) => return Ok(true),
                Lookup::Fail(e) => return Err(e),
                Lookup::NotFound => {}
            }
            let Some(dot) = entry
                .char_indices()
                .skip(1)
                .find(|&(_, c)| c == '.')
                .map(|(at, _)| at)
            else {
                break;
            };
            entry = if self.parents {
                &entry[dot + 1..]
            } else {
                &entry[dot..]
            };
            if entry.is_empty() {
                break;
            }
        }
        Ok(false)
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty() && self.tables.tables.is_empty()
    }
}

/// Opens the tables of a list (`transport`: Postfix's no-`$n` rule).
fn open(config: &Config, items: &[String], transport: bool) -> TableList {
    let resolve = config_dir_resolver(&config.dir);
    TableList::load(
        &items.join(", "),
        &resolve,
        LoadOptions {
            no_regsub: transport,
        },
    )
}

/// Postfix `match_hostname` for a name pattern: the name itself; with
/// parent matching its subdomains too (a `.name` pattern then matches
/// nothing else); without, `.name` matches the subdomains.
fn domain_match(pattern: &str, domain: &str, parents: bool) -> bool {
    if domain == pattern {
        return true;
    }
    if parents {
        domain.len() > pattern.len() + 1 && domain.ends_with(&format!(".{pattern}"))
    } else if pattern.starts_with('.') {
        domain.len() > pattern.len() && domain.ends_with(pattern)
    } else {
        false
    }
}

/// The addresses of the interfaces Postfix receives mail on, with their
/// prefix lengths: `inet_interfaces` (`all` and `loopback-only` are the
/// loopback interface, 127.0.0.1/8 and ::1/128, as in the oracle's
/// sandbox, which has no other) and `proxy_interfaces`, for the protocols
/// of `inet_protocols`.
pub fn interface_addresses(config: &Config) -> Vec<(std::net::IpAddr, u8)> {
    use std::net::IpAddr;
    let protocols = config.get("inet_protocols").to_ascii_lowercase();
    let any = protocols.trim().is_empty() || protocols.contains("all");
    let v4 = any || protocols.contains("ipv4");
    let v6 = any || protocols.contains("ipv6");
    let mut out: Vec<(IpAddr, u8)> = Vec::new();
    for parameter in ["inet_interfaces", "proxy_interfaces"] {
        let items = split_list(&config.get(parameter).to_ascii_lowercase());
        let everything = items.iter().any(|i| i == "all" || i == "loopback-only");
        if everything || (parameter == "inet_interfaces" && items.is_empty()) {
            out.push((IpAddr::from([127, 0, 0, 1]), 8));
            out.push((IpAddr::from(std::net::Ipv6Addr::LOCALHOST), 128));
        }
        for item in &items {
            let bare = item.trim_start_matches('[').trim_end_matches(']');
            let bare = bare.strip_prefix("ipv6:").unwrap_or(bare);
            match bare.parse::<IpAddr>() {
                Ok(a @ IpAddr::V4(v)) => {
                    let len = if v.octets() == [127, 0, 0, 1] { 8 } else { 32 };
                    out.push((a, len));
                }
                Ok(a @ IpAddr::V6(_)) => out.push((a, 128)),
                Err(_) => {}
            }
        }
    }
    out.retain(|(a, _)| if a.is_ipv4() { v4 } else { v6 });
    out.sort();
    out.dedup();
    out
}

/// `type:name` (but not an IPv6 address or a `[...]` literal).
pub fn is_table_reference(item: &str) -> bool {
    match item.split_once(':') {
        Some((kind, _)) => {
            !kind.is_empty()
                && kind.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !kind.chars().all(|c| c.is_ascii_hexdigit())
        }
        None => false,
    }
}

impl<'a> Resolver<'a> {
    pub fn new(config: &'a Config) -> Resolver<'a> {
        let parent_matches = config.list("parent_domain_matches_subdomains");
        let parents = |name: &str| parent_matches.iter().any(|p| p == name);
        Resolver {
            config,
            myhostname: config.get("myhostname").to_ascii_lowercase(),
            myorigin: config.get("myorigin").to_ascii_lowercase(),
            mydomain: config.get("mydomain").to_ascii_lowercase(),
            destinations: DomainList::new(config, config.list("mydestination"), false),
            relay_domains: DomainList::new(
                config,
                config.list("relay_domains"),
                parents("relay_domains"),
            ),
            virtual_alias_domains: DomainList::new(
                config,
                config.list("virtual_alias_domains"),
                false,
            ),
            virtual_mailbox_domains: DomainList::new(
                config,
                config.list("virtual_mailbox_domains"),
                false,
            ),
            transport_maps: open(config, &config.list("transport_maps"), true),
            relocated_maps: open(config, &config.list("relocated_maps"), false),
            parent_matches: parent_matches.clone(),
            interfaces: interface_addresses(config),
        }
    }

    /// Is the domain this host's (mydestination or a literal of ours)?
    pub fn is_local_domain(&self, domain: &str) -> bool {
        let d = domain.to_ascii_lowercase();
        if let Some(inner) = d.strip_prefix('[').and_then(|d| d.strip_suffix(']')) {
            let bare = inner.strip_prefix("ipv6:").unwrap_or(inner);
            return match bare.parse::<std::net::IpAddr>() {
                Ok(a) if a.is_ipv6() == inner.starts_with("ipv6:") => {
                    self.interfaces.iter().any(|(i, _)| *i == a)
                }
                _ => false,
            };
        }
        self.destinations.matches(&d).unwrap_or(false)
    }

    /// `rewrite local`: a trailing dot goes, an unqualified address gets
    /// `@myorigin` (append_at_myorigin), bang paths and `%` stay for the
    /// resolver.
    pub fn rewrite_local(&self, address: &str) -> String {
        let address = address.trim();
        let address = address
            .strip_prefix('<')
            .and_then(|a| a.strip_suffix('>'))
            .unwrap_or(address);
        if address.is_empty() {
            return String::new();
        }
        let address = address.trim_end_matches('.');
        // A source route (`@gw:user@domain`) is dropped.
        let address = match address.strip_prefix('@').and_then(|r| r.rsplit_once(':')) {
            Some((_, rest)) => rest,
            None => address,
        };
        match address.rsplit_once('@') {
            Some((user, domain)) => {
                let domain = domain.trim_end_matches('.');
                let domain = if self.config.yes("append_dot_mydomain")
                    && !domain.contains('.')
                    && !domain.starts_with('[')
                {
                    format!("{domain}.{}", self.mydomain)
                } else {
                    domain.to_owned()
                };
                // The external form: a local part with specials (an `@`)
                // is quoted, as Postfix writes it back.
                let user = if user.len() >= 2 && user.starts_with('"') && user.ends_with('"') {
                    user.to_owned()
                } else {
                    super::tables::quote_822_local(user, true)
                };
                format!("{user}@{domain}")
            }
            None => {
                // `host!user` becomes `user@host`; `user%host` becomes
                // `user@host`; what is left gets `@myorigin`.
                if self.config.yes("swap_bangpath") {
                    if let Some((host, user)) = address.split_once('!') {
                        return self.rewrite_local(&format!("{user}@{host}"));
                    }
                }
                if self.config.yes("allow_percent_hack") {
                    if let Some((user, host)) = address.rsplit_once('%') {
                        return self.rewrite_local(&format!("{user}@{host}"));
                    }
                }
                if self.config.yes("append_at_myorigin") {
                    format!("{address}@{}", self.myorigin)
                } else {
                    address.to_owned()
                }
            }
        }
    }

    /// `resolve`: class, transport, next hop and recipient.
    pub fn resolve(&self, address: &str) -> Resolution {
        let mut address = address.to_owned();
        // Routing operators in the local part of a local address are
        // followed (bounded: each pass removes one operator).
        for _ in 0..64 {
            let (user, domain) = match address.rsplit_once('@') {
                Some((u, d)) => (u.to_owned(), Some(d.to_owned())),
                None => (address.clone(), None),
            };
            let local = domain
                .as_deref()
                .is_none_or_local(|d| self.is_local_domain(d));
            if !local {
                break;
            }
            if self.config.yes("swap_bangpath") {
                if let Some((host, rest)) = user.split_once('!') {
                    address = format!("{rest}@{host}");
                    continue;
                }
            }
            if self.config.yes("allow_percent_hack") {
                if let Some((u, d)) = user.rsplit_once('%') {
                    address = format!("{u}@{d}");
                    continue;
                }
            }
            if domain.is_none() {
                address = format!("{user}@{}", self.myhostname);
            }
            break;
        }
        // The domain as written: Postfix keeps its case in the next hop.
        let domain = address
            .rsplit_once('@')
            .map(|(_, d)| d.to_owned())
            .unwrap_or_default();
        let mut failed = false;
        let mut check = |r: Result<bool, String>| -> bool {
            match r {
                Ok(b) => b,
                Err(_) => {
                    failed = true;
                    false
                }
            }
        };
        let (class, mut transport, mut nexthop, mut decided_by) = if self.is_local_domain(&domain) {
            (
                AddressClass::Local,
                self.config.get("local_transport"),
                domain.clone(),
                "local_transport".to_owned(),
            )
        } else if check(self.virtual_alias_domains.matches(&domain)) {
            (
                AddressClass::Alias,
                "error".to_owned(),
                "5.1.1 User unknown in virtual alias table".to_owned(),
                "virtual_alias_domains".to_owned(),
            )
        } else if check(self.virtual_mailbox_domains.matches(&domain)) {
            (
                AddressClass::Virtual,
                self.config.get("virtual_transport"),
                domain.clone(),
                "virtual_transport".to_owned(),
            )
        } else {
            let relay = check(self.relay_domains.matches(&domain));
            let (class, transport, by) = if relay {
                (
                    AddressClass::Relay,
                    self.config.get("relay_transport"),
                    "relay_transport",
                )
            } else {
                (
                    AddressClass::Default,
                    self.config.get("default_transport"),
                    "default_transport",
                )
            };
            let relayhost = self.config.get("relayhost");
            let hop = if relayhost.trim().is_empty() {
                domain.clone()
            } else {
                relayhost.trim().to_owned()
            };
            (class, transport, hop, by.to_owned())
        };
        // A transport:nexthop setting overrides the next hop.
        if let Some((t, hop)) = transport.clone().split_once(':') {
            transport = t.to_owned();
            if !hop.is_empty() && class != AddressClass::Alias {
                nexthop = hop.to_owned();
            }
        }
        if class != AddressClass::Alias && !self.transport_maps.tables.is_empty() {
            let parent = self.parent_matches.iter().any(|p| p == "transport_maps");
            let delimiter = self.config.get("recipient_delimiter");
            match transport_lookup(&self.transport_maps, &address, parent, &delimiter).result {
                Lookup::Found(result) => {
                    (transport, nexthop) =
                        parse_transport_entry(&result, &domain, &transport, &nexthop);
                    decided_by = "transport_maps".into();
                }
                Lookup::Fail(_) => failed = true,
                Lookup::NotFound => {}
            }
        }
        if !self.relocated_maps.tables.is_empty() {
            if let Lookup::Found(new) = self.relocated_maps.find(&address, false).0 {
                transport = "error".into();
                nexthop = format!("5.1.6 User has moved to {new}");
                decided_by = "relocated_maps".into();
            }
        }
        Resolution {
            transport,
            nexthop,
            recipient: address,
            class,
            failed,
            decided_by,
        }
    }
}

trait LocalCheck {
    fn is_none_or_local(&self, f: impl Fn(&str) -> bool) -> bool;
}

impl LocalCheck for Option<&str> {
    fn is_none_or_local(&self, f: impl Fn(&str) -> bool) -> bool {
        match self {
            None => true,
            Some(d) => f(d),
        }
    }
}
