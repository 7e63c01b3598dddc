//! Text sources of database maps and flat `text` maps.

use std::collections::HashMap;

use super::{Map, MapFlags};
use crate::engine::environment::Environment;

/// The lines of a map source.
#[derive(Clone, Debug, Default)]
pub struct TextTable {
    /// Database maps: lower-cased (unless `-f`) key to value, first wins.
    keyed: HashMap<Vec<u8>, Vec<u8>>,
    /// Text maps: the raw lines.
    lines: Vec<Vec<u8>>,
}

/// Reads the source of `map`; on failure the database path sendmail
/// would have reported missing.
pub fn load(map: &Map, env: &Environment) -> Result<TextTable, String> {
    let by_name = env.map_files.get(&map.name.to_ascii_lowercase()).cloned();
    let file = map.file.clone().unwrap_or_default();
    let database = matches!(map.kind, super::MapKind::Database);
    let (source, reported) = match by_name {
        Some(path) => (path.clone(), path.display().to_string()),
        None => {
            let text = String::from_utf8_lossy(&file).into_owned();
            let base = text.strip_suffix(".db").unwrap_or(&text).to_owned();
            let shown = if database {
                format!("{base}.db")
            } else {
                text.clone()
            };
            (env.resolve(base.as_bytes()), shown)
        }
    };
    let bytes = std::fs::read(&source).map_err(|_| reported)?;
    let mut table = TextTable::default();
    for line in bytes.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() || line.starts_with(b"#") {
            continue;
        }
        if !database {
            table.lines.push(line.to_vec());
            continue;
        }
        let key_end = line
            .iter()
            .position(u8::is_ascii_whitespace)
            .unwrap_or(line.len());
        let key = &line[..key_end];
        let value = crate::engine::trim_start(&line[key_end..]);
        if key.is_empty() {
            continue;
        }
        let key = if map.flags.keep_case {
            key.to_vec()
        } else {
            key.to_ascii_lowercase()
        };
        table.keyed.entry(key).or_insert_with(|| value.to_vec());
    }
    Ok(table)
}

impl TextTable {
    pub fn find(&self, key: &[u8]) -> Option<Vec<u8>> {
        self.keyed.get(key).cloned()
    }

    /// The `text` class: the key column compared without case, the value
    /// column returned (both column 0 unless `-k`/`-v`).
    pub fn find_text(&self, key: &[u8], flags: &MapFlags) -> Option<Vec<u8>> {
        let column = |c: &Option<Vec<u8>>| -> usize {
            c.as_deref()
                .and_then(|v| std::str::from_utf8(v).ok()?.parse().ok())
                .unwrap_or(0)
        };
        let (kc, vc) = (column(&flags.key_column), column(&flags.value_column));
        for line in &self.lines {
            let fields: Vec<&[u8]> = match flags.column_delimiter {
                Some(d) => line.split(|&b| b == d).collect(),
                None => line
                    .split(|b| b.is_ascii_whitespace())
                    .filter(|f| !f.is_empty())
                    .collect(),
            };
            if fields.get(kc).is_some_and(|f| f.eq_ignore_ascii_case(key)) {
                return fields.get(vc).map(|f| f.to_vec());
            }
        }
        None
    }
}
