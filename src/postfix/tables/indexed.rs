//! Exact-match tables: the `postmap` sources of `hash`, `btree`, `lmdb`,
//! `cdb`, `dbm`, `sdbm`, and `texthash`, `inline:{...}`.

use std::collections::BTreeMap;

use super::source::{is_space, logical_lines, quoted_key_end, split_record, trim_end, trim_start};

/// Folds a key as Postfix does with `DICT_FLAG_FOLD_FIX` (the default of
/// `postmap` and of the daemons' table lookups): ASCII lower case; other
/// UTF-8 text with Unicode lower-casing (Postfix uses full case folding,
/// which differs for a handful of characters such as `ß`).
pub fn fold(key: &str) -> String {
    if key.is_ascii() {
        key.to_ascii_lowercase()
    } else {
        key.to_lowercase()
    }
}

/// An exact-match table: folded key to value.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IndexedTable {
    pub entries: BTreeMap<String, String>,
}

impl IndexedTable {
    /// Reads a `postmap` source: the first of duplicate keys wins (postmap's
    /// default `duplicate entry` warning), keys are folded.
    pub fn from_source(bytes: &[u8], warnings: &mut Vec<String>) -> IndexedTable {
        let mut entries = BTreeMap::new();
        for line in logical_lines(bytes, warnings) {
            let Some(record) = split_record(&line, warnings) else {
                continue;
            };
            let key = fold(&record.key);
            if entries.contains_key(&key) {
                warnings.push(format!(
                    "line {}: duplicate entry: \"{}\"",
                    record.line, key
                ));
                continue;
            }
            entries.insert(key, record.value);
        }
        IndexedTable { entries }
    }

    /// Parses the name of an `inline:` table, `{ key=value, ... }`; the
    /// last of duplicate keys wins. Any error fails the whole table.
    pub fn from_inline(name: &str) -> Result<IndexedTable, String> {
        let bad = || format!("bad syntax: \"inline:{name}\"; need \"inline:{{name=value...}}\"");
        let bytes = name.as_bytes();
        if balanced_end(bytes) != Some(bytes.len()) || bytes.len() < 3 {
            return Err(bad());
        }
        let inner = &name[1..name.len() - 1];
        let mut entries = BTreeMap::new();
        for token in split_outside_braces(inner, b", \t\r\n") {
            let item = if token.starts_with('{') {
                strip_braces(token).map_err(|e| format!("{e}: \"inline:{name}\""))?
            } else {
                token
            };
            let (key, value) = split_qnameval(item)?;
            entries.insert(fold(key), value.to_string());
        }
        if entries.is_empty() {
            return Err(format!("empty table: \"inline:{name}\""));
        }
        Ok(IndexedTable { entries })
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries.get(&fold(key)).map(String::as_str)
    }
}

/// The length of the balanced `{...}` group at the start of `bytes`
/// (Postfix `balpar`), or `None`.
pub(crate) fn balanced_end(bytes: &[u8]) -> Option<usize> {
    if bytes.first() != Some(&b'{') {
        return None;
    }
    let mut level = 0usize;
    for (at, &b) in bytes.iter().enumerate() {
        if b == b'{' {
            level += 1;
        } else if b == b'}' {
            level = level.saturating_sub(1);
            if level == 0 {
                return Some(at + 1);
            }
        }
    }
    None
}

/// Postfix `extpar` with stripping: `{ text }` to `text`.
pub(crate) fn strip_braces(text: &str) -> Result<&str, String> {
    let bytes = text.as_bytes();
    match balanced_end(bytes) {
        None => Err(format!("missing '}}' in \"{text}\"")),
        Some(end) if end != bytes.len() => Err(format!("syntax error after '}}' in \"{text}\"")),
        Some(end) => {
            let inner = &text[1..end - 1];
            let inner = trim_end(trim_start(inner.as_bytes()));
            Ok(std::str::from_utf8(inner).unwrap_or_default())
        }
    }
}

/// Postfix `mystrtokq`: tokens separated by `separators`, where `{...}`
/// groups are kept whole.
pub(crate) fn split_outside_braces<'a>(text: &'a str, separators: &[u8]) -> Vec<&'a str> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        while at < bytes.len() && separators.contains(&bytes[at]) {
            at += 1;
        }
        if at >= bytes.len() {
            break;
        }
        let start = at;
        let mut level = 0usize;
        while at < bytes.len() {
            let b = bytes[at];
            if b == b'{' {
                level += 1;
            } else if level > 0 && b == b'}' {
                level -= 1;
            } else if level == 0 && separators.contains(&b) {
                break;
            }
            at += 1;
        }
        tokens.push(&text[start..at]);
    }
    tokens
}

/// Postfix `split_qnameval`: `key = value`, where the key ends at
/// whitespace or `=` outside quotes.
fn split_qnameval(text: &str) -> Result<(&str, &str), String> {
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() && is_space(bytes[at]) {
        at += 1;
    }
    if at >= bytes.len() {
        return Err("no key found; expected format: key = value".into());
    }
    let key_start = at;
    let key_end = quoted_key_end(bytes, at, |b| is_space(b) || b == b'=')
        .ok_or_else(|| "unbalanced '\"'".to_owned())?;
    let mut value_at = key_end;
    while value_at < bytes.len() && is_space(bytes[value_at]) {
        value_at += 1;
    }
    if bytes.get(value_at) != Some(&b'=') {
        return Err("missing '=' after attribute name".into());
    }
    let value = trim_end(trim_start(&bytes[value_at + 1..]));
    let key = &text[key_start..key_end];
    Ok((key, std::str::from_utf8(value).unwrap_or_default()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_duplicate_wins_and_keys_fold() {
        let mut w = Vec::new();
        let t = IndexedTable::from_source(b"Foo bar\n  baz\nfoo dup\n", &mut w);
        assert_eq!(t.get("FOO"), Some("bar  baz"));
        assert_eq!(w.len(), 1);
    }

    #[test]
    fn inline_tables() {
        let t = IndexedTable::from_inline("{a=b, A=c, { k = v w }}").unwrap();
        assert_eq!(t.get("a"), Some("c"));
        assert_eq!(t.get("K"), Some("v w"));
        assert!(IndexedTable::from_inline("{a = b}").is_err());
        assert!(IndexedTable::from_inline("{}").is_err());
        assert!(IndexedTable::from_inline("{a=b").is_err());
    }
}
