//! local(8) as address verification reports it: alias expansion through
//! alias_maps (recursively, local results delivered in turn, remote ones
//! forwarded), then a mailbox, mailbox_command, luser_relay, or "unknown
//! user". `.forward` files are not read (they live in users' homes).

use std::collections::BTreeSet;

use super::cleanup::Pipeline;
use super::config::Config;
use super::resolve::AddressClass;
use super::tables::{config_dir_resolver, LoadOptions, Lookup, TableList};

/// How deep aliases may refer to aliases (local(8) stops loops the same way).
pub const MAX_ALIAS_DEPTH: usize = 100;

/// One line of local(8)'s report: final recipient, deliverable, detail.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct LocalResult {
    pub recipient: String,
    pub deliverable: bool,
    pub detail: String,
}

/// local(8) for one configuration and a set of system users.
pub struct Local<'a> {
    config: &'a Config,
    pipeline: &'a Pipeline<'a>,
    aliases: TableList,
    users: BTreeSet<String>,
}

impl<'a> Local<'a> {
    /// `users`: the names a passwd file holds.
    pub fn new(
        config: &'a Config,
        pipeline: &'a Pipeline<'a>,
        users: BTreeSet<String>,
    ) -> Local<'a> {
        let resolve = config_dir_resolver(&config.dir);
        let aliases = TableList::load(&config.get("alias_maps"), &resolve, LoadOptions::default());
        Local {
            config,
            pipeline,
            aliases,
            users,
        }
    }

    /// The user names of a passwd file's text.
    pub fn passwd_users(text: &str) -> BTreeSet<String> {
        text.lines()
            .filter_map(|l| l.split(':').next())
            .filter(|u| !u.is_empty() && !u.starts_with('#'))
            .map(str::to_ascii_lowercase)
            .collect()
    }

    /// What local(8) reports for a recipient of the local class.
    pub fn deliver(&self, recipient: &str) -> Vec<LocalResult> {
        let mut out = Vec::new();
        let mut seen = BTreeSet::new();
        self.deliver_depth(recipient, 0, &mut out, &mut seen);
        out.sort();
        out.dedup();
        out
    }

    /// An alias table key: aliases(5) sources write `name:`.
    fn alias_key(&self, user: &str) -> Lookup {
        for key in [user.to_owned(), format!("{user}:")] {
            let (found, _) = self.aliases.find(&key, false);
            if !matches!(found, Lookup::NotFound) {
                return found;
            }
        }
        Lookup::NotFound
    }

    fn alias(&self, user: &str) -> Lookup {
        let found = self.alias_key(user);
        if !matches!(found, Lookup::NotFound) {
            return found;
        }
        let delimiter = self.config.get("recipient_delimiter");
        if let Some(base) = strip_extension(user, &delimiter) {
            return self.alias_key(&base);
        }
        Lookup::NotFound
    }

    fn deliver_depth(
        &self,
        recipient: &str,
        depth: usize,
        out: &mut Vec<LocalResult>,
        seen: &mut BTreeSet<String>,
    ) {
        if depth > MAX_ALIAS_DEPTH || !seen.insert(recipient.to_ascii_lowercase()) {
            return;
        }
        let user = recipient
            .rsplit_once('@')
            .map_or(recipient, |(u, _)| u)
            .to_ascii_lowercase();
        let result = |deliverable: bool, detail: String| LocalResult {
            recipient: recipient.to_owned(),
            deliverable,
            detail,
        };
        match self.alias(&user) {
            Lookup::Fail(_) => out.push(result(false, "mail system configuration error".into())),
            Lookup::Found(value) => {
                for target in split_alias(&value) {
                    if let Some(command) = target.strip_prefix('|') {
                        out.push(result(true, format!("delivers to command: {command}")));
                    } else if target.starts_with('/') {
                        out.push(result(true, format!("delivers to file: {target}")));
                    } else if let Some(path) = target.strip_prefix(":include:") {
                        match std::fs::read_to_string(path.trim()) {
                            Ok(text) => {
                                for t in split_alias(&text.replace('\n', ",")) {
                                    self.forward(&t, depth, out, seen);
                                }
                            }
                            Err(_) => {
                                out.push(result(false, "mail system configuration error".into()))
                            }
                        }
                    } else {
                        self.forward(&target, depth, out, seen);
                    }
                }
            }
            Lookup::NotFound => {
                let base = strip_extension(&user, &self.config.get("recipient_delimiter"))
                    .unwrap_or(user.clone());
                if self.users.contains(&base) {
                    // Not expanded: its `$EXTENSION`, `$USER` are for the shell.
                    let command = self.config.raw("mailbox_command").unwrap_or_default();
                    if command.trim().is_empty() {
                        out.push(result(true, "delivers to mailbox".into()));
                    } else {
                        out.push(result(
                            true,
                            format!("delivers to command: {}", command.trim()),
                        ));
                    }
                } else {
                    let luser = self.config.get("luser_relay");
                    if luser.trim().is_empty() {
                        out.push(result(false, format!("unknown user: \"{base}\"")));
                    } else {
                        let target = luser
                            .trim()
                            .replace("$user", &base)
                            .replace("${user}", &base);
                        self.forward(&target, depth, out, seen);
                    }
                }
            }
        }
    }

    /// An alias target that is an address: delivered again when local,
    /// reported as forwarded otherwise.
    /// (local(8) resolves the target itself; virtual aliases apply only
    /// when forwarded mail goes through cleanup again.)
    fn forward(
        &self,
        target: &str,
        depth: usize,
        out: &mut Vec<LocalResult>,
        seen: &mut BTreeSet<String>,
    ) {
        let resolver = &self.pipeline.resolver;
        let r = resolver.resolve(&resolver.rewrite_local(target));
        if r.class == AddressClass::Local && r.transport == "local" {
            self.deliver_depth(&r.recipient, depth + 1, out, seen);
        } else {
            out.push(LocalResult {
                recipient: r.recipient.clone(),
                deliverable: true,
                detail: format!("forwards to {}", r.recipient),
            });
        }
    }
}

/// `user+ext` without its extension, when a delimiter is set and found.
fn strip_extension(user: &str, delimiters: &str) -> Option<String> {
    if delimiters.is_empty() {
        return None;
    }
    user.find(|c| delimiters.contains(c))
        .map(|i| user[..i].to_owned())
}

/// The targets of an alias value: comma separated, quotes kept together.
fn split_alias(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in value.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                let t = current.trim().to_owned();
                if !t.is_empty() {
                    out.push(t);
                }
                current.clear();
                continue;
            }
            _ => current.push(c),
        }
    }
    let t = current.trim().to_owned();
    if !t.is_empty() {
        out.push(t);
    }
    out
}
