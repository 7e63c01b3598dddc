//! `mynetworks` as smtpd matches it (`namadr_list_match`): network
//! blocks, addresses, host names and domains (with parent matching when
//! `parent_domain_matches_subdomains` names `mynetworks`), `!` exclusions,
//! `/file` and `type:table` entries. Without a `mynetworks` setting the
//! list comes from `mynetworks_style` over the interfaces smtpd listens
//! on: in the oracle's sandbox only `lo` (127.0.0.1/8, ::1/128) and the
//! IP literals of `inet_interfaces`, which the sandbox adds to `lo` as
//! single addresses.

use super::super::config::{split_list, Config};
use super::super::resolve::interface_addresses;
use super::super::tables::cidr::{Address, Network};
use super::super::tables::{config_dir_resolver, LoadOptions, Lookup, TableList};

enum Pattern {
    Net(Network),
    /// A host name (`host.example`) or `.domain`.
    Name(String),
    Table(TableList),
    /// An entry smtpd cannot read (a table that fails): matching fails.
    Broken,
}

/// A parsed `mynetworks` list.
pub struct NetList {
    items: Vec<(bool, Pattern)>,
    parents: bool,
    /// The value the list was built from (for `decided_by`).
    pub source: String,
}

/// The interfaces smtpd has, as (address, prefix length) pairs.
fn interfaces(config: &Config) -> Vec<(String, u8)> {
    interface_addresses(config)
        .into_iter()
        .map(|(a, len)| (a.to_string(), len))
        .collect()
}

/// The `mynetworks` default for a style (`host`, `subnet`, `class`).
fn style_default(config: &Config) -> String {
    let style = if config.settings.contains_key("mynetworks_style") {
        config.get("mynetworks_style").trim().to_ascii_lowercase()
    } else if config.compatibility_level() < 2.0 {
        "subnet".to_owned()
    } else {
        "host".to_owned()
    };
    let mut nets = Vec::new();
    for (addr, len) in interfaces(config) {
        let v6 = addr.contains(':');
        let bits = if v6 { 128 } else { 32 };
        let len = match style.as_str() {
            "host" => bits,
            "class" if !v6 => {
                let first: u8 = addr
                    .split('.')
                    .next()
                    .and_then(|o| o.parse().ok())
                    .unwrap_or(0);
                match first {
                    0..=127 => 8,
                    128..=191 => 16,
                    192..=223 => 24,
                    _ => 32,
                }
            }
            _ => len,
        };
        let net = if v6 {
            format!("{addr}/{len}")
        } else {
            format!("{}/{len}", mask_v4(&addr, len))
        };
        nets.push(if v6 { format!("[{net}]") } else { net });
    }
    nets.join(" ")
}

impl NetList {
    pub fn mynetworks(config: &Config, parents: bool) -> NetList {
        let value = if config.settings.contains_key("mynetworks") {
            config.get("mynetworks")
        } else {
            style_default(config)
        };
        NetList::parse(config, &value, parents)
    }

    fn parse(config: &Config, value: &str, parents: bool) -> NetList {
        let resolve = config_dir_resolver(&config.dir);
        let mut items = Vec::new();
        let mut words: Vec<String> = super::super::tables::split_table_list(value);
        let mut files = 0;
        let mut i = 0;
        while i < words.len() {
            let word = words[i].clone();
            i += 1;
            let (negated, word) = match word.strip_prefix('!') {
                Some(rest) => (true, rest.to_owned()),
                None => (false, word),
            };
            if word.starts_with('/') && files < 20 {
                files += 1;
                let text = std::fs::read(config.table_path(&word))
                    .map(|b| String::from_utf8_lossy(&b).into_owned())
                    .unwrap_or_default();
                let more: Vec<String> = text
                    .lines()
                    .filter(|l| !l.trim_start().starts_with('#'))
                    .flat_map(split_list)
                    .collect();
                words.splice(i..i, more);
                continue;
            }
            let pattern = if super::super::resolve::is_table_reference(&word) {
                Pattern::Table(TableList::load(&word, &resolve, LoadOptions::default()))
            } else if let Some(net) = network(&word) {
                Pattern::Net(net)
            } else if word.contains('/') || word.starts_with('[') {
                Pattern::Broken
            } else {
                Pattern::Name(word.to_ascii_lowercase())
            };
            items.push((negated, pattern));
        }
        NetList {
            items,
            parents,
            source: value.to_owned(),
        }
    }

    /// Does the list hold the client (`name` is `unknown` without one)?
    /// `Err` when a table lookup failed.
    pub fn matches(&self, name: &str, addr: &str) -> Result<bool, String> {
        let address = Address::parse(addr);
        let name = name.to_ascii_lowercase();
        for (negated, pattern) in &self.items {
            let hit = match pattern {
                Pattern::Net(n) => address.as_ref().is_some_and(|a| n.contains(a)),
                Pattern::Name(p) => {
                    if let Some(sub) = p.strip_prefix('.') {
                        name.ends_with(&format!(".{sub}"))
                    } else {
                        name == *p || (self.parents && name.ends_with(&format!(".{p}")))
                    }
                }
                Pattern::Table(t) => {
                    let mut hit = false;
                    for key in [name.as_str(), addr] {
                        match t.find(key, false).0 {
                            Lookup::Found(_) => {
                                hit = true;
                                break;
                            }
                            Lookup::Fail(e) => return Err(e),
                            Lookup::NotFound => {}
                        }
                    }
                    hit
                }
                Pattern::Broken => false,
            };
            if hit {
                return Ok(!negated);
            }
        }
        Ok(false)
    }
}

/// The network address of `addr/len` (IPv4).
fn mask_v4(addr: &str, len: u8) -> String {
    let Ok(a) = addr.parse::<std::net::Ipv4Addr>() else {
        return addr.to_owned();
    };
    let bits = u32::from(a);
    let mask = if len == 0 {
        0
    } else {
        u32::MAX << (32 - u32::from(len.min(32)))
    };
    std::net::Ipv4Addr::from(bits & mask).to_string()
}

/// `1.2.3.0/24`, `1.2.3.4`, `[2001:db8::]/32`, `[::1]`.
fn network(word: &str) -> Option<Network> {
    let text = word.replace("]/", "/");
    let text = text.trim_start_matches('[').trim_end_matches(']');
    if text.contains('/') {
        return Network::parse(text).ok();
    }
    let address = text.parse::<std::net::IpAddr>().ok()?;
    let bits = if address.is_ipv4() { 32 } else { 128 };
    Network::parse(&format!("{text}/{bits}")).ok()
}
