//! Keyed maps (`K` lines): declarations, offline data, lookups.
//!
//! Database maps (hash, btree, dbm, cdb, implicit) are read from the text
//! source next to the database (the file `makemap` was fed), or from a
//! file given for the map by name. Maps that need the network or run a
//! program are declared but answer every lookup with a temporary failure,
//! which is what the real sendmail does with no network.

mod arith;
mod dequote;
mod flags;
mod source;

use std::collections::BTreeMap;

pub use dequote::dequote;
pub use flags::MapFlags;
use source::TextTable;

use super::{lossy, status, Machine};

/// How a map finds values.
#[derive(Clone, Debug)]
pub enum MapKind {
    /// hash, btree, dbm, cdb, implicit: `key value` lines.
    Database,
    /// `text`: columns of a flat file, scanned on each lookup.
    Text,
    /// `sequence` (and `switch` once resolved): the first member that finds the key.
    Sequence(Vec<Vec<u8>>),
    Host,
    Dequote,
    Macro,
    Arith,
    Arpa,
    Regex(Option<regex::bytes::Regex>),
    User,
    /// `null`, `stab`, `syslog` and the like: never finds anything.
    Null,
    /// `syslog`: finds everything, with an empty value.
    Empty,
    /// Needs the network or a program: always a temporary failure.
    Offline,
}

#[derive(Clone, Debug)]
pub struct Map {
    pub name: Vec<u8>,
    pub class: Vec<u8>,
    pub kind: MapKind,
    pub flags: MapFlags,
    /// The file named on the K line (first word after the flags).
    pub file: Option<Vec<u8>>,
    pub line: u32,
    table: Option<Result<TextTable, String>>,
}

/// Every declared map, by lower-cased name.
#[derive(Clone, Debug, Default)]
pub struct Maps {
    maps: BTreeMap<Vec<u8>, Map>,
}

/// The map classes the real sendmail on Debian knows.
pub const KNOWN_CLASSES: &[&str] = &[
    "arith", "arpa", "bestmx", "btree", "cdb", "dequote", "dns", "hash", "host", "implicit",
    "ldap", "macro", "nis", "null", "program", "regex", "sequence", "socket", "stab", "switch",
    "syslog", "text", "user", "ldapx", "nisplus", "hesiod", "dbm", "userdb", "bogus",
];

impl Maps {
    pub fn exists(&self, name: &[u8]) -> bool {
        self.maps.contains_key(&name.to_ascii_lowercase())
    }

    pub fn get(&self, name: &[u8]) -> Option<&Map> {
        self.maps.get(&name.to_ascii_lowercase())
    }

    pub fn iter(&self) -> impl Iterator<Item = &Map> {
        self.maps.values()
    }

    /// The space substitute for building keys.
    pub fn space_sub(&self, name: &[u8]) -> Option<u8> {
        self.get(name).and_then(|m| m.flags.space_sub)
    }

    /// `-t`: temporary failures are not passed on.
    pub fn no_defer(&self, name: &[u8]) -> bool {
        self.get(name).is_some_and(|m| m.flags.no_defer)
    }

    pub fn insert(&mut self, map: Map) {
        self.maps.insert(map.name.to_ascii_lowercase(), map);
    }

    /// Declares a map from its expanded K line arguments. Errors are
    /// sendmail's messages.
    pub fn declare(
        &mut self,
        name: &[u8],
        class: &[u8],
        spec: &[u8],
        line: u32,
    ) -> Result<(), String> {
        let class_lc = class.to_ascii_lowercase();
        let class_str = lossy(&class_lc);
        if !KNOWN_CLASSES.contains(&class_str.as_str()) {
            return Err(format!(
                "readcf: map {}: class {} not available",
                lossy(name),
                lossy(class)
            ));
        }
        let first_flag_only = matches!(class_str.as_str(), "dequote" | "macro" | "arith" | "arpa");
        let (flags, rest) = MapFlags::parse(spec, first_flag_only)
            .map_err(|c| format!("Illegal option {} map {}", c as char, lossy(name)))?;
        let words: Vec<&[u8]> = rest
            .split(|b| b.is_ascii_whitespace())
            .filter(|w| !w.is_empty())
            .collect();
        let file = words.first().map(|w| w.to_vec());
        let kind = match class_str.as_str() {
            "hash" | "btree" | "dbm" | "cdb" | "implicit" => MapKind::Database,
            "text" => MapKind::Text,
            "sequence" => MapKind::Sequence(words.iter().map(|w| w.to_vec()).collect()),
            "switch" => MapKind::Sequence(
                ["files"]
                    .iter()
                    .map(|s| {
                        let mut n = words.first().map(|w| w.to_vec()).unwrap_or_default();
                        if n.is_empty() {
                            n = name.to_vec();
                        }
                        n.push(b'.');
                        n.extend(s.as_bytes());
                        n
                    })
                    .collect(),
            ),
            "host" => MapKind::Host,
            "dequote" => MapKind::Dequote,
            "macro" => MapKind::Macro,
            "arith" => MapKind::Arith,
            "arpa" => MapKind::Arpa,
            "regex" => {
                let pattern = rest_after_flags(&rest);
                let mut builder = regex::bytes::RegexBuilder::new(&lossy(pattern));
                builder.case_insensitive(!flags.keep_case).unicode(false);
                MapKind::Regex(builder.build().ok())
            }
            "user" => MapKind::User,
            "null" | "stab" => MapKind::Null,
            "syslog" => MapKind::Empty,
            _ => MapKind::Offline,
        };
        self.insert(Map {
            name: name.to_vec(),
            class: class_lc,
            kind,
            flags,
            file: if matches!(class_str.as_str(), "regex" | "sequence" | "switch") {
                None
            } else {
                file
            },
            line,
            table: None,
        });
        Ok(())
    }
}

fn rest_after_flags(rest: &[u8]) -> &[u8] {
    super::trim_start(rest)
}

impl Machine {
    /// Looks `key` up in map `name` with `%1..` arguments, as sendmail's
    /// `map_lookup` (quotes stripped unless `-q`, `-T` suffix on temporary
    /// failure). Returns the value and the status.
    pub fn map_lookup(
        &mut self,
        name: &[u8],
        key: &[u8],
        args: &[Vec<u8>],
    ) -> (Option<Vec<u8>>, i32) {
        let Some(map) = self.maps.get(name) else {
            return (None, status::OK);
        };
        let mut key = key.to_vec();
        let keeps_quotes = map.flags.keep_quotes
            || matches!(
                map.kind,
                MapKind::Dequote | MapKind::Macro | MapKind::Arith | MapKind::Arpa
            );
        if !keeps_quotes {
            super::rewrite::strip_quotes(&mut key);
        }
        let (value, st) = self.lookup_raw(name, &key, args, 0);
        if st == status::TEMPFAIL {
            if let Some(suffix) = self
                .maps
                .get(name)
                .and_then(|m| m.flags.temp_suffix.clone())
            {
                let mut v = key;
                v.extend(suffix);
                return (Some(v), st);
            }
        }
        (value, st)
    }

    /// The class-specific lookup (what `/map` calls directly).
    pub fn lookup_raw(
        &mut self,
        name: &[u8],
        key: &[u8],
        args: &[Vec<u8>],
        depth: usize,
    ) -> (Option<Vec<u8>>, i32) {
        let lc = name.to_ascii_lowercase();
        // The kind and flags only: cloning the whole map would copy its
        // table on every lookup.
        let Some((kind, flags)) = self
            .maps
            .maps
            .get(&lc)
            .map(|m| (m.kind.clone(), m.flags.clone()))
        else {
            return (None, status::OK);
        };
        let flags = &flags;
        let rewrite_value = |value: &[u8]| -> Vec<u8> { flags.rewrite(value, key, args) };
        let lookup_key = || -> Vec<u8> {
            if flags.keep_case {
                key.to_vec()
            } else {
                key.to_ascii_lowercase()
            }
        };
        match &kind {
            MapKind::Database | MapKind::Text => {
                let table = self.open_table(&lc);
                match table {
                    Err(st) => (None, st),
                    Ok(()) => {
                        let Some(Some(Ok(t))) = self.maps.maps.get(&lc).map(|m| m.table.as_ref())
                        else {
                            return (None, status::OK);
                        };
                        let found = match kind {
                            MapKind::Text => t.find_text(key, flags),
                            _ => t.find(&lookup_key()[..lookup_key().len().min(256)]),
                        };
                        match found {
                            Some(_) if flags.match_only => (Some(flags.append(key)), status::OK),
                            Some(v) => (Some(rewrite_value(&v)), status::OK),
                            None => (None, status::OK),
                        }
                    }
                }
            }
            MapKind::Sequence(members) => {
                if depth > 10 {
                    return (None, status::OK);
                }
                let mut saw_temp = false;
                for member in members.clone() {
                    if !self.maps.exists(&member) {
                        continue;
                    }
                    let (v, st) = self.lookup_raw(&member, key, args, depth + 1);
                    if v.is_some() {
                        return (v, st);
                    }
                    if st == status::TEMPFAIL {
                        saw_temp = true;
                    }
                }
                (
                    None,
                    if saw_temp {
                        status::TEMPFAIL
                    } else {
                        status::OK
                    },
                )
            }
            MapKind::Host => match self.env.canonical_host(key) {
                Some(mut host) => {
                    if flags.match_only {
                        return (Some(flags.append(key)), status::OK);
                    }
                    let mut v = std::mem::take(&mut host).into_bytes();
                    v = flags.append(&v);
                    (Some(v), status::OK)
                }
                None => (None, status::NOHOST),
            },
            MapKind::Dequote => match dequote::dequote(key, flags.space_sub) {
                Some(v) => (Some(rewrite_value(&v)), status::OK),
                None => (None, status::OK),
            },
            MapKind::Macro => {
                // A change of state no replay would repeat.
                self.memo_taint();
                let (id, _) = self.names.parse(key);
                if let Ok(id) = id {
                    let value = args
                        .first()
                        .map(|a| super::translate(a, false, &mut self.names, &mut Vec::new()));
                    self.macros.set(id, value.as_deref());
                }
                (Some(Vec::new()), status::OK)
            }
            MapKind::Arith => match arith::arith(key, args) {
                Ok(Some(v)) => (Some(rewrite_value(&v)), status::OK),
                Ok(None) => (None, status::OK),
                Err(()) => (None, status::CONFIG),
            },
            MapKind::Arpa => match arpa(key) {
                Some(v) => (Some(rewrite_value(&v)), status::OK),
                None => (None, status::OK),
            },
            MapKind::Regex(re) => {
                let Some(re) = re else {
                    return (None, status::OK);
                };
                let matched = re.captures(key);
                match (matched, flags.invert) {
                    (None, false) | (Some(_), true) => (None, status::OK),
                    (None, true) => (Some(flags.append(b"")), status::OK),
                    (Some(caps), false) => {
                        if flags.match_only {
                            return (Some(flags.append(key)), status::OK);
                        }
                        let mut v = Vec::new();
                        if let Some(groups) = &flags.substrings {
                            for (i, g) in groups.iter().enumerate() {
                                if i > 0 {
                                    v.extend(
                                        flags
                                            .delimiter
                                            .clone()
                                            .unwrap_or_else(|| vec![super::meta::CONDELSE]),
                                    );
                                }
                                if let Some(m) = caps.get(*g) {
                                    v.extend(m.as_bytes());
                                }
                            }
                        }
                        (Some(flags.append(&v)), status::OK)
                    }
                }
            }
            MapKind::User => {
                let entry = self
                    .env
                    .passwd
                    .iter()
                    .find(|e| e.fields.first().is_some_and(|n| n == key));
                match entry {
                    Some(e) => {
                        let column = flags.value_column_index();
                        let v = e.fields.get(column).cloned().unwrap_or_default();
                        (Some(rewrite_value(&v)), status::OK)
                    }
                    None => (None, status::OK),
                }
            }
            MapKind::Null => (None, status::OK),
            MapKind::Empty => (Some(Vec::new()), status::OK),
            MapKind::Offline => (None, status::TEMPFAIL),
        }
    }

    /// Reads a database or text map's source on first use.
    fn open_table(&mut self, lc: &[u8]) -> Result<(), i32> {
        let Some(map) = self.maps.maps.get(lc) else {
            return Ok(());
        };
        if map.table.is_none() {
            let loaded = source::load(map, &self.env);
            let optional = map.flags.optional;
            let class = lossy(&map.class);
            let name = lossy(&map.name);
            if let Err(path) = &loaded {
                if !optional {
                    let message = format!(
                        "{class} map \"{name}\": missing map file {path}: No such file or directory"
                    );
                    self.error(&message);
                }
            }
            if let Some(m) = self.maps.maps.get_mut(lc) {
                m.table = Some(loaded);
            }
        }
        match self.maps.maps.get(lc).and_then(|m| m.table.as_ref()) {
            Some(Err(_)) => {
                let optional = self.maps.maps.get(lc).is_some_and(|m| m.flags.optional);
                if optional {
                    Err(status::OK)
                } else {
                    Err(status::TEMPFAIL)
                }
            }
            _ => Ok(()),
        }
    }
}

/// The `arpa` class: reversed IPv4 octets.
fn arpa(key: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(key).ok()?;
    let parts: Vec<&str> = text.split('.').collect();
    if parts.len() != 4 || parts.iter().any(|p| p.parse::<u8>().is_err()) {
        return None;
    }
    Some(
        parts
            .iter()
            .rev()
            .cloned()
            .collect::<Vec<_>>()
            .join(".")
            .into_bytes(),
    )
}
