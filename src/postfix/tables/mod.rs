//! Postfix 3.7 lookup tables, offline.
//!
//! A table is named as in main.cf, `type:name`. The indexed types
//! (`hash`, `btree`, `lmdb`, `cdb`, `dbm`, `sdbm`) are read from their
//! `postmap` source (the file named, without `.db`), like `texthash`;
//! `regexp`, `pcre` and `cidr` from their rule files (or the 3.7 inline
//! form `regexp:{ {rule}, {rule} }`); `static:`, `inline:{...}` and
//! `fail:` from the name itself; `proxy:X` is X. Every other type (LDAP,
//! SQL, socketmap, tcp, NIS, ...) is [`TableBody::Unavailable`]: its lookups
//! fail as a temporary error, which is neither "found" nor "not found".
//!
//! File names go through a caller-given resolver, so a configuration
//! written for `/etc/postfix` can be read from anywhere.
//!
//! [`search`] holds the search orders the daemons apply on top of single
//! lookups (address forms, parent domains, network prefixes).

pub mod cidr;
pub mod indexed;
pub mod pattern;
pub mod search;
pub mod source;
mod translate;

use std::path::{Path, PathBuf};

pub use cidr::CidrTable;
pub use indexed::{fold, IndexedTable};
pub use pattern::{Dialect, PatternTable};
pub use search::{
    access_address_lookup, access_client_lookup, access_domain_lookup, access_ip_lookup,
    address_lookup, address_lookup_with, apply_extension, matches_parent_style,
    parse_transport_entry, quote_822_local, transport_lookup, AccessMatch, AddressMatch,
    AddressMode, AddressOptions, TransportMatch,
};

/// The answer of one lookup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lookup {
    Found(String),
    NotFound,
    /// The lookup failed (Postfix: a temporary error, "try again later").
    Fail(String),
}

impl Lookup {
    pub fn found(&self) -> Option<&str> {
        match self {
            Lookup::Found(v) => Some(v),
            _ => None,
        }
    }

    pub fn is_fail(&self) -> bool {
        matches!(self, Lookup::Fail(_))
    }
}

/// How a table is loaded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LoadOptions {
    /// Postfix's `DICT_FLAG_NO_REGSUB` (transport_maps and a few others):
    /// `regexp`/`pcre` rules whose result uses `$n` are skipped.
    pub no_regsub: bool,
}

/// What a table is made of.
#[derive(Clone, Debug)]
pub enum TableBody {
    /// hash, btree, lmdb, cdb, dbm, sdbm, texthash, inline.
    Indexed(IndexedTable),
    /// regexp, pcre.
    Pattern(PatternTable),
    Cidr(CidrTable),
    /// `static:value`: every key finds the value.
    Static(String),
    /// `fail:name`: every lookup fails.
    FailTable,
    /// A type that needs the network or a program, an unknown type, or a
    /// table whose file cannot be read: every lookup fails.
    Unavailable {
        reason: String,
        /// Whether Postfix consults this type for partial keys
        /// (`DICT_FLAG_FIXED`: LDAP, SQL, NIS, ...) or only for full ones
        /// (`DICT_FLAG_PATTERN`: socketmap, tcp, and tables that failed to
        /// open).
        fixed: bool,
    },
}

/// One loaded table.
#[derive(Clone, Debug)]
pub struct Table {
    /// The reference as given, `type:name`.
    pub reference: String,
    /// The type after `proxy:` is taken off.
    pub kind: String,
    pub body: TableBody,
    /// Load problems: skipped lines and rules, in file order.
    pub warnings: Vec<String>,
}

const INDEXED_TYPES: [&str; 7] = ["hash", "btree", "lmdb", "cdb", "dbm", "sdbm", "texthash"];
/// Types Postfix flags `DICT_FLAG_FIXED` (answering partial keys).
const FIXED_REMOTE_TYPES: [&str; 11] = [
    "ldap", "mysql", "pgsql", "sqlite", "memcache", "nis", "nisplus", "netinfo", "unix", "environ",
    "internal",
];

/// Turns `{ {rule1}, {rule2} }` into the lines of an in-memory file.
fn inline_rules(name: &str) -> Result<String, String> {
    let bytes = name.as_bytes();
    match indexed::balanced_end(bytes) {
        None => return Err(format!("missing '}}' in \"{name}\"")),
        Some(end) if end != bytes.len() => {
            return Err(format!("syntax error after '}}' in \"{name}\""))
        }
        Some(_) => {}
    }
    let inner = &name[1..name.len() - 1];
    let mut text = String::new();
    for token in indexed::split_outside_braces(inner, b", \t\r\n") {
        if !token.starts_with('{') {
            return Err(format!("no '{{' at start of text in \"{token}\""));
        }
        text.push_str(indexed::strip_braces(token)?);
        text.push('\n');
    }
    Ok(text)
}

impl Table {
    /// Loads `reference` (`type:name`); file names are passed through
    /// `resolve`. Never fails: a table that cannot be loaded answers every
    /// lookup with [`Lookup::Fail`].
    pub fn load(reference: &str, resolve: &dyn Fn(&str) -> PathBuf) -> Table {
        Self::load_with(reference, resolve, LoadOptions::default())
    }

    pub fn load_with(
        reference: &str,
        resolve: &dyn Fn(&str) -> PathBuf,
        options: LoadOptions,
    ) -> Table {
        let mut spec = reference.trim();
        // proxy:proxy:... is bounded by the length of the text.
        while let Some(rest) = spec.strip_prefix("proxy:") {
            spec = rest;
        }
        let Some((kind, name)) = spec.split_once(':') else {
            return Table::unavailable(
                reference,
                "",
                format!("expecting \"type:name\" form instead of \"{spec}\""),
                false,
            );
        };
        let read = |name: &str| -> Result<Vec<u8>, String> {
            if name.starts_with('{') {
                return inline_rules(name)
                    .map(String::into_bytes)
                    .map_err(|e| format!("{kind} map: {e}"));
            }
            let path = resolve(name);
            std::fs::read(&path).map_err(|e| format!("open {}: {e}", path.display()))
        };
        let mut warnings = Vec::new();
        let body = match kind {
            k if INDEXED_TYPES.contains(&k) => {
                // An inline `{...}` is not a file for these types.
                let path = resolve(name);
                match std::fs::read(&path) {
                    Ok(bytes) => {
                        TableBody::Indexed(IndexedTable::from_source(&bytes, &mut warnings))
                    }
                    Err(e) => {
                        return Table::unavailable(
                            reference,
                            kind,
                            format!("open {}: {e}", path.display()),
                            false,
                        )
                    }
                }
            }
            "regexp" | "pcre" | "cidr" => match read(name) {
                Ok(bytes) => match kind {
                    "cidr" => TableBody::Cidr(CidrTable::load(&bytes, &mut warnings)),
                    _ => {
                        let dialect = if kind == "pcre" {
                            Dialect::Pcre
                        } else {
                            Dialect::Posix
                        };
                        TableBody::Pattern(PatternTable::load(
                            dialect,
                            &bytes,
                            options.no_regsub,
                            &mut warnings,
                        ))
                    }
                },
                Err(e) => return Table::unavailable(reference, kind, e, false),
            },
            "inline" => match IndexedTable::from_inline(name) {
                Ok(t) => TableBody::Indexed(t),
                Err(e) => return Table::unavailable(reference, kind, e, false),
            },
            "static" => {
                if name.starts_with('{') {
                    match indexed::strip_braces(name) {
                        Ok(v) => TableBody::Static(v.to_string()),
                        Err(e) => {
                            return Table::unavailable(
                                reference,
                                kind,
                                format!("bad static:name syntax: {e}"),
                                false,
                            )
                        }
                    }
                } else {
                    TableBody::Static(name.to_string())
                }
            }
            "fail" => TableBody::FailTable,
            k => {
                let fixed = FIXED_REMOTE_TYPES.contains(&k);
                return Table::unavailable(
                    reference,
                    kind,
                    format!("{k}:{name} is not available offline"),
                    fixed,
                );
            }
        };
        Table {
            reference: reference.to_string(),
            kind: kind.to_string(),
            body,
            warnings,
        }
    }

    /// A table built from text in memory (for tests and callers that hold
    /// the file already): `kind` is `hash`-like, `texthash`, `regexp`,
    /// `pcre` or `cidr`.
    pub fn from_text(kind: &str, text: &[u8], options: LoadOptions) -> Table {
        let mut warnings = Vec::new();
        let body = match kind {
            "regexp" => TableBody::Pattern(PatternTable::load(
                Dialect::Posix,
                text,
                options.no_regsub,
                &mut warnings,
            )),
            "pcre" => TableBody::Pattern(PatternTable::load(
                Dialect::Pcre,
                text,
                options.no_regsub,
                &mut warnings,
            )),
            "cidr" => TableBody::Cidr(CidrTable::load(text, &mut warnings)),
            k if INDEXED_TYPES.contains(&k) => {
                TableBody::Indexed(IndexedTable::from_source(text, &mut warnings))
            }
            k => {
                return Table::unavailable(
                    &format!("{k}:(text)"),
                    k,
                    format!("{k}: not a file-based type"),
                    false,
                )
            }
        };
        Table {
            reference: format!("{kind}:(text)"),
            kind: kind.to_string(),
            body,
            warnings,
        }
    }

    fn unavailable(reference: &str, kind: &str, reason: String, fixed: bool) -> Table {
        Table {
            reference: reference.to_string(),
            kind: kind.to_string(),
            body: TableBody::Unavailable { reason, fixed },
            warnings: Vec::new(),
        }
    }

    /// One lookup of `key`, as `postmap -q key type:name` does it.
    pub fn lookup(&self, key: &str) -> Lookup {
        match &self.body {
            TableBody::Indexed(t) => t
                .get(key)
                .map_or(Lookup::NotFound, |v| Lookup::Found(v.to_string())),
            TableBody::Pattern(t) => t.lookup(key).map_or(Lookup::NotFound, Lookup::Found),
            TableBody::Cidr(t) => t.lookup(key).map_or(Lookup::NotFound, Lookup::Found),
            TableBody::Static(v) => Lookup::Found(v.clone()),
            TableBody::FailTable => Lookup::Fail(format!("table {}: query error", self.reference)),
            TableBody::Unavailable { reason, .. } => Lookup::Fail(reason.clone()),
        }
    }

    /// False when the model may answer differently from Postfix: a
    /// `regexp`/`pcre` rule uses a construct it cannot express (see
    /// [`PatternTable::unsupported_lines`]), or the table is unavailable.
    pub fn is_exact(&self) -> bool {
        match &self.body {
            TableBody::Pattern(t) => t.unsupported_lines.is_empty(),
            TableBody::Unavailable { .. } => false,
            _ => true,
        }
    }

    /// Whether Postfix consults this table for partial keys (`user@`,
    /// `@domain`, a domain, a network prefix): exact-match tables do,
    /// pattern tables (`regexp`, `pcre`, `cidr`, `fail`, tables that
    /// failed to open, socketmap, tcp) see only full keys.
    pub fn answers_partial_keys(&self) -> bool {
        match &self.body {
            TableBody::Indexed(_) | TableBody::Static(_) => true,
            TableBody::Pattern(_) | TableBody::Cidr(_) | TableBody::FailTable => false,
            TableBody::Unavailable { fixed, .. } => *fixed,
        }
    }
}

/// A list of tables searched in order (a main.cf `*_maps` value).
#[derive(Clone, Debug, Default)]
pub struct TableList {
    pub tables: Vec<Table>,
}

/// Splits a main.cf table list (`hash:/a, regexp:/b inline:{a=b, c=d}`)
/// into references: separators are commas and whitespace outside braces.
pub fn split_table_list(value: &str) -> Vec<String> {
    indexed::split_outside_braces(value, b", \t\r\n")
        .into_iter()
        .map(str::to_string)
        .collect()
}

/// The usual resolver: `$config_directory/x` and `/etc/postfix/x` become
/// `dir/x`; any other name is taken as is (relative names are relative to
/// `dir`).
pub fn config_dir_resolver(dir: &Path) -> impl Fn(&str) -> PathBuf + '_ {
    move |name: &str| {
        for prefix in [
            "$config_directory/",
            "${config_directory}/",
            "/etc/postfix/",
        ] {
            if let Some(rest) = name.strip_prefix(prefix) {
                return dir.join(rest);
            }
        }
        let path = Path::new(name);
        if path.is_absolute() {
            path.to_path_buf()
        } else {
            dir.join(path)
        }
    }
}

impl TableList {
    /// Loads every table of a main.cf list value.
    pub fn load(value: &str, resolve: &dyn Fn(&str) -> PathBuf, options: LoadOptions) -> TableList {
        TableList {
            tables: split_table_list(value)
                .iter()
                .map(|r| Table::load_with(r, resolve, options))
                .collect(),
        }
    }

    pub fn new(tables: Vec<Table>) -> TableList {
        TableList { tables }
    }

    /// Postfix `maps_find`: each table in turn (for a partial key only the
    /// tables that answer partial keys); the first result wins; a failure
    /// ends the search; an empty key finds nothing; an empty result is a
    /// configuration error (a failure). Returns the answer and the index
    /// of the table that gave it.
    pub fn find(&self, key: &str, partial: bool) -> (Lookup, Option<usize>) {
        if key.is_empty() {
            return (Lookup::NotFound, None);
        }
        for (index, table) in self.tables.iter().enumerate() {
            if partial && !table.answers_partial_keys() {
                continue;
            }
            match table.lookup(key) {
                Lookup::Found(v) if v.is_empty() => {
                    return (
                        Lookup::Fail(format!(
                            "{} lookup of {key} returns an empty string result",
                            table.reference
                        )),
                        Some(index),
                    )
                }
                Lookup::NotFound => {}
                other => return (other, Some(index)),
            }
        }
        (Lookup::NotFound, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("cf2postfix-tables-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn references_and_resolution() {
        let dir = scratch("refs");
        std::fs::write(dir.join("virtual"), "a@x b@y\n").unwrap();
        std::fs::write(dir.join("re"), "/^a/ A\n").unwrap();
        let resolve = config_dir_resolver(&dir);
        let t = Table::load("proxy:hash:/etc/postfix/virtual", &resolve);
        assert_eq!(t.kind, "hash");
        assert_eq!(t.lookup("A@X"), Lookup::Found("b@y".into()));
        let t = Table::load("regexp:$config_directory/re", &resolve);
        assert_eq!(t.lookup("abc"), Lookup::Found("A".into()));
        assert!(!t.answers_partial_keys());
        let t = Table::load("hash:/etc/postfix/missing", &resolve);
        assert!(t.lookup("a").is_fail());
        let t = Table::load("ldap:/etc/postfix/ldap.cf", &resolve);
        assert!(t.lookup("a").is_fail());
        assert!(t.answers_partial_keys());
        let t = Table::load("fail:x", &resolve);
        assert!(t.lookup("a").is_fail());
        let t = Table::load("static:{ smtp:[relay] }", &resolve);
        assert_eq!(t.lookup("z"), Lookup::Found("smtp:[relay]".into()));
        let t = Table::load("regexp:{ {/^a/ one}, {/b/ two} }", &resolve);
        assert_eq!(t.lookup("xb"), Lookup::Found("two".into()));
        let t = Table::load("nonsense", &resolve);
        assert!(t.lookup("a").is_fail());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn random_input_never_panics() {
        let mut state: u64 = 0x1234_5678_9abc_def1;
        let mut next = move || {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            state.wrapping_mul(0x2545_F491_4F6C_DD1D)
        };
        let alphabet = b"/!()[]{}\\$^.*+?|:-,# \t\nabcAB019@ifendIFENDIF\xc3\xa9\x00";
        for _ in 0..3000 {
            let len = (next() % 40) as usize;
            let bytes: Vec<u8> = (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            let key = String::from_utf8_lossy(&bytes[..len / 2]).into_owned();
            for kind in ["regexp", "pcre", "cidr", "hash"] {
                let t = Table::from_text(kind, &bytes, LoadOptions::default());
                let _ = t.lookup(&key);
                let _ = t.lookup("1.2.3.4");
            }
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let resolve = |n: &str| PathBuf::from(n);
            for prefix in ["inline:", "static:", "regexp:", "cidr:", "proxy:"] {
                let _ = Table::load(&format!("{prefix}{text}"), &resolve).lookup(&key);
            }
        }
    }

    #[test]
    fn lists_search_in_order() {
        let resolve = |n: &str| PathBuf::from(n);
        let list = TableList::load(
            "inline:{a=1, b=}, static:s",
            &resolve,
            LoadOptions::default(),
        );
        assert_eq!(list.tables.len(), 2);
        assert_eq!(list.find("a", false).0, Lookup::Found("1".into()));
        assert!(list.find("b", false).0.is_fail());
        assert_eq!(list.find("c", true), (Lookup::Found("s".into()), Some(1)));
        assert_eq!(list.find("", false).0, Lookup::NotFound);
    }
}
