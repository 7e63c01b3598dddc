//! The local mailer's user check at RCPT time: a user is known when the
//! alias file has it or the passwd file does (`recipient`, `finduser`).

use std::collections::BTreeSet;

use super::super::Environment;

/// The names the alias file and the passwd file know, lower case.
#[derive(Clone, Debug, Default)]
pub struct LocalUsers {
    aliases: BTreeSet<Vec<u8>>,
    users: BTreeSet<Vec<u8>>,
}

impl LocalUsers {
    /// Reads the text alias file under the environment's etc-mail (when
    /// there is one) and takes the passwd file's names.
    pub fn new(env: &Environment) -> LocalUsers {
        let aliases = env
            .etc_mail
            .as_ref()
            .and_then(|dir| std::fs::read(dir.join("aliases")).ok())
            .map(|text| alias_keys(&text))
            .unwrap_or_default();
        let users = env
            .passwd
            .iter()
            .filter_map(|e| e.fields.first())
            .filter(|n| !n.is_empty())
            .map(|n| n.to_vec())
            .collect();
        LocalUsers { aliases, users }
    }

    pub fn is_alias(&self, user: &[u8]) -> bool {
        self.aliases.contains(&user.to_ascii_lowercase())
    }

    /// `finduser`: the name as is, then in lower case.
    pub fn is_user(&self, user: &[u8]) -> bool {
        self.users.contains(user) || self.users.contains(&user.to_ascii_lowercase())
    }
}

/// The keys of an aliases text: `name: targets` lines, continuation lines
/// (starting with a blank) and comments skipped; keys lower-cased.
pub fn alias_keys(text: &[u8]) -> BTreeSet<Vec<u8>> {
    let mut keys = BTreeSet::new();
    for line in text.split(|&b| b == b'\n') {
        if line.is_empty() || line[0] == b'#' || line[0].is_ascii_whitespace() {
            continue;
        }
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let key = super::super::trim(&line[..colon]);
        let key = key.strip_prefix(b"\"").unwrap_or(key);
        let key = key.strip_suffix(b"\"").unwrap_or(key);
        if !key.is_empty() {
            keys.insert(key.to_ascii_lowercase());
        }
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_alias_keys() {
        let keys = alias_keys(b"# c\nPostmaster: root\nstaff:\ta,\n\tb\n\nbad line\n");
        assert!(keys.contains(&b"postmaster"[..]));
        assert!(keys.contains(&b"staff"[..]));
        assert_eq!(keys.len(), 2);
    }
}
