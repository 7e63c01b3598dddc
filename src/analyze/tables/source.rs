//! Reading the text source of a sendmail database map (`makemap` input).
//!
//! `makemap` reads one entry per line: the key runs up to the first
//! whitespace, the value is the rest after that whitespace. Lines that are
//! empty or start with `#` are skipped; a line starting with whitespace is a
//! syntax error, and so is a key without a value. Keys are lower-cased
//! unless `makemap -f` was used. When a key appears twice, `makemap`
//! complains and keeps the first value (`-r` would replace it instead);
//! this reader does the same and reports the later line.

use crate::intent::{Disposition, Finding, Origin};

use super::finding;

/// One `key value` line of a table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableEntry {
    /// The key, lower-cased unless the table keeps case.
    pub key: String,
    /// The value, with surrounding whitespace removed.
    pub value: String,
    /// 1-based line number in the file.
    pub line: u32,
    /// The line as written (without its line ending), for reports.
    pub text: String,
}

impl TableEntry {
    /// An entry whose original text is rebuilt as `key<TAB>value`.
    pub fn new(key: impl Into<String>, value: impl Into<String>, line: u32) -> Self {
        let key = key.into();
        let value = value.into();
        let text = format!("{key}\t{value}");
        TableEntry {
            key,
            value,
            line,
            text,
        }
    }
}

/// The entries of one table file, in file order, without duplicates.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    /// The path as reports show it.
    pub file: String,
    pub entries: Vec<TableEntry>,
}

impl Table {
    /// Where `entry` came from: this table's file, its line and its text.
    pub fn origin(&self, entry: &TableEntry) -> Origin {
        let text = if entry.text.is_empty() {
            format!("{}\t{}", entry.key, entry.value)
        } else {
            entry.text.clone()
        };
        Origin::new(self.file.clone(), entry.line, text)
    }
}

/// Reads a table like `makemap` does; see [`read_table_checked`] for the
/// lines it skips.
pub fn read_table(bytes: &[u8], file: &str, keep_case: bool) -> Table {
    read_table_checked(bytes, file, keep_case).0
}

/// Reads a table like `makemap` does and reports each line `makemap`
/// would refuse: a leading space, a key without a value, a duplicate key
/// (the first value is kept). Bytes that are not UTF-8 are replaced.
pub fn read_table_checked(bytes: &[u8], file: &str, keep_case: bool) -> (Table, Vec<Finding>) {
    let text = String::from_utf8_lossy(bytes);
    let mut table = Table {
        file: file.to_owned(),
        entries: Vec::new(),
    };
    let mut findings = Vec::new();
    let mut seen = std::collections::BTreeMap::<String, u32>::new();
    for (index, raw) in text.split('\n').enumerate() {
        let line_no = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let origin = || Origin::new(file, line_no, line);
        if line.starts_with(char::is_whitespace) {
            findings.push(finding(
                Disposition::NotTranslated,
                origin(),
                "table line starting with whitespace",
                "makemap rejects a line that starts with a space or tab, so sendmail never saw it",
                "remove the leading whitespace if the entry is wanted",
            ));
            continue;
        }
        let key_end = line.find(char::is_whitespace).unwrap_or(line.len());
        let (key, rest) = line.split_at(key_end);
        let value = rest.trim();
        if value.is_empty() {
            findings.push(finding(
                Disposition::NotTranslated,
                origin(),
                format!("table key `{key}` without a value"),
                "makemap rejects a key that has no value, so sendmail never saw it",
                "add a value or delete the line",
            ));
            continue;
        }
        let key = if keep_case {
            key.to_owned()
        } else {
            key.to_ascii_lowercase()
        };
        if let Some(first) = seen.get(&key) {
            findings.push(finding(
                Disposition::NotTranslated,
                origin(),
                format!("duplicate table key `{key}`"),
                format!("makemap keeps the first value (line {first}) and ignores this one"),
                "delete one of the two lines",
            ));
            continue;
        }
        seen.insert(key.clone(), line_no);
        table.entries.push(TableEntry {
            key,
            value: value.to_owned(),
            line: line_no,
            text: line.trim_end().to_owned(),
        });
    }
    (table, findings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_keys_and_values() {
        let t = read_table(b"# c\n\nFoo.COM\t smtp:[x]  \nbar  a b c\n", "mt", false);
        assert_eq!(t.entries.len(), 2);
        assert_eq!(t.entries[0].key, "foo.com");
        assert_eq!(t.entries[0].value, "smtp:[x]");
        assert_eq!(t.entries[0].line, 3);
        assert_eq!(t.entries[1].value, "a b c");
        assert_eq!(t.origin(&t.entries[0]).text, "Foo.COM\t smtp:[x]");
        assert_eq!(t.origin(&t.entries[0]).location(), "mt:3");
    }

    #[test]
    fn keeps_case_on_request() {
        let t = read_table(b"Foo x\n", "f", true);
        assert_eq!(t.entries[0].key, "Foo");
    }

    #[test]
    fn crlf_lines() {
        let t = read_table(b"a b\r\nc d\r\n", "f", false);
        assert_eq!(t.entries[1].value, "d");
        assert_eq!(t.entries[1].text, "c d");
    }

    #[test]
    fn first_duplicate_wins() {
        let (t, f) = read_table_checked(b"a 1\nA 2\n", "f", false);
        assert_eq!(t.entries.len(), 1);
        assert_eq!(t.entries[0].value, "1");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].origin.line, 2);
    }

    #[test]
    fn refuses_leading_space_and_missing_value() {
        let (t, f) = read_table_checked(b" a b\nkey\nkey2   \n", "f", false);
        assert!(t.entries.is_empty());
        assert_eq!(f.len(), 3);
    }

    #[test]
    fn hash_inside_value_is_kept() {
        let t = read_table(b"a b # c\n", "f", false);
        assert_eq!(t.entries[0].value, "b # c");
    }

    #[test]
    fn invalid_utf8_is_replaced() {
        let t = read_table(b"a\xff b\xfe\n", "f", false);
        assert_eq!(t.entries.len(), 1);
        assert!(t.entries[0].key.starts_with('a'));
    }

    #[test]
    fn entry_constructor_rebuilds_text() {
        let e = TableEntry::new("k", "v", 4);
        let t = Table {
            file: "x".into(),
            entries: vec![],
        };
        assert_eq!(t.origin(&e).text, "k\tv");
    }
}
