//! What the emulator knows about the machine the configuration ran on:
//! its name, its hosts file, its password file, and where the files that
//! the configuration names are found. Nothing here reads the real system
//! unless the caller loaded it from there.

use std::collections::BTreeMap;
use std::path::PathBuf;

/// One line of a hosts file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostEntry {
    pub address: String,
    /// The canonical name first, then the aliases.
    pub names: Vec<String>,
}

/// One line of a passwd file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PasswdEntry {
    pub fields: Vec<Vec<u8>>,
}

#[derive(Clone, Debug, Default)]
pub struct Environment {
    /// The fully qualified host name (`$j`).
    pub hostname: String,
    pub hosts: Vec<HostEntry>,
    pub passwd: Vec<PasswdEntry>,
    /// Lines of a group file, in the same shape.
    pub groups: Vec<PasswdEntry>,
    /// Where `/etc/mail/...` files are looked up instead.
    pub etc_mail: Option<PathBuf>,
    /// Files given for maps by name (lower-cased), overriding the K line.
    pub map_files: BTreeMap<Vec<u8>, PathBuf>,
    /// Keys of SunOS NIS maps (by lower-cased map name) for `$%x`/`$!x`.
    pub nis_maps: BTreeMap<Vec<u8>, std::collections::BTreeSet<Vec<u8>>>,
}

impl Environment {
    pub fn new(hostname: &str) -> Self {
        Environment {
            hostname: hostname.to_owned(),
            hosts: vec![
                HostEntry {
                    address: "127.0.0.1".into(),
                    names: vec!["localhost".into()],
                },
                HostEntry {
                    address: "::1".into(),
                    names: vec!["localhost".into()],
                },
            ],
            ..Environment::default()
        }
    }

    /// The keys of a NIS map source: for a hosts-style line (an address
    /// first) every name on it, otherwise the first word.
    pub fn nis_keys(text: &[u8]) -> std::collections::BTreeSet<Vec<u8>> {
        let mut keys = std::collections::BTreeSet::new();
        for line in text.split(|&b| b == b'\n') {
            let line = line.split(|&b| b == b'#').next().unwrap_or_default();
            let words: Vec<&[u8]> = line
                .split(|b| b.is_ascii_whitespace())
                .filter(|w| !w.is_empty())
                .collect();
            let Some(first) = words.first() else { continue };
            let is_address =
                std::str::from_utf8(first).is_ok_and(|w| w.parse::<std::net::IpAddr>().is_ok());
            if is_address {
                keys.extend(words[1..].iter().map(|w| w.to_ascii_lowercase()));
            } else {
                keys.insert(first.to_ascii_lowercase());
            }
        }
        keys
    }

    /// Reads a hosts file's text.
    pub fn parse_hosts(text: &str) -> Vec<HostEntry> {
        let mut entries = Vec::new();
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("");
            let mut words = line.split_whitespace();
            let Some(address) = words.next() else {
                continue;
            };
            let names: Vec<String> = words.map(str::to_owned).collect();
            if !names.is_empty() {
                entries.push(HostEntry {
                    address: address.to_owned(),
                    names,
                });
            }
        }
        entries
    }

    pub fn parse_passwd(text: &[u8]) -> Vec<PasswdEntry> {
        text.split(|&b| b == b'\n')
            .filter(|l| !l.is_empty() && !l.starts_with(b"#"))
            .map(|l| PasswdEntry {
                fields: l.split(|&b| b == b':').map(<[u8]>::to_vec).collect(),
            })
            .collect()
    }

    /// uid and gid of a user in the passwd file.
    pub fn user_ids(&self, name: &[u8]) -> Option<(i64, i64)> {
        let e = self
            .passwd
            .iter()
            .find(|e| e.fields.first().is_some_and(|n| n == name))?;
        let num =
            |i: usize| -> Option<i64> { std::str::from_utf8(e.fields.get(i)?).ok()?.parse().ok() };
        Some((num(2)?, num(3)?))
    }

    /// gid of a group in the group file.
    pub fn group_id(&self, name: &[u8]) -> Option<i64> {
        let e = self
            .groups
            .iter()
            .find(|e| e.fields.first().is_some_and(|n| n == name))?;
        std::str::from_utf8(e.fields.get(2)?).ok()?.parse().ok()
    }

    /// The domain part of the host name (`$m`).
    pub fn domain(&self) -> Option<&str> {
        self.hostname.split_once('.').map(|(_, d)| d)
    }

    /// Where a file the configuration names is read from.
    pub fn resolve(&self, path: &[u8]) -> PathBuf {
        let text = String::from_utf8_lossy(path).into_owned();
        if let Some(dir) = &self.etc_mail {
            if let Some(rest) = text.strip_prefix("/etc/mail/") {
                return dir.join(rest);
            }
        }
        PathBuf::from(text)
    }

    /// The canonical name of a host from the hosts file, as sendmail's
    /// `files` lookup gives it: the first name of the matching line, with
    /// the local domain added when it has no dot.
    pub fn canonical_host(&self, name: &[u8]) -> Option<String> {
        let name = std::str::from_utf8(name).ok()?;
        if let Some(literal) = name.strip_prefix('[').and_then(|n| n.strip_suffix(']')) {
            // An address literal: the name the hosts file gives it, as is.
            let address = literal.strip_prefix("IPv6:").unwrap_or(literal);
            let entry = self
                .hosts
                .iter()
                .find(|e| e.address.eq_ignore_ascii_case(address))?;
            return entry.names.first().cloned();
        }
        let trimmed = name.strip_suffix('.').unwrap_or(name);
        let found = |wanted: &str| {
            self.hosts
                .iter()
                .find(|e| e.names.iter().any(|n| n.eq_ignore_ascii_case(wanted)))
        };
        let entry = found(trimmed).or_else(|| {
            if trimmed.contains('.') {
                None
            } else {
                let domain = self.domain()?;
                found(&format!("{trimmed}.{domain}"))
            }
        })?;
        let canonical = entry.names.first()?.clone();
        if canonical.contains('.') {
            return Some(canonical);
        }
        match self.domain() {
            Some(domain) => Some(format!("{canonical}.{domain}")),
            None => Some(canonical),
        }
    }
}
