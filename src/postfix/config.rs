//! A Postfix configuration directory as Postfix reads it: main.cf
//! parameters (continuation lines, `$name` expansion, the defaults that
//! matter for routing) and master.cf services.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// How deep `$name` references may nest before expansion stops (Postfix
/// reports a loop at the same depth).
pub const MAX_EXPANSION_DEPTH: usize = 100;

/// How many `$name` references one expansion may follow in all: references
/// that fan out at every level would otherwise take exponential time.
pub const MAX_EXPANSION_STEPS: usize = 100_000;

/// The longest value expansion may build: references that double at each
/// level (`a = $b$b`, `b = $c$c`, ...) would otherwise grow without end.
pub const MAX_EXPANSION_LEN: usize = 100_000;

/// A master.cf service entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Service {
    pub name: String,
    pub kind: String,
    pub command: String,
    /// `-o name=value` overrides.
    pub options: BTreeMap<String, String>,
    /// Arguments after the command (with `-o` pairs removed).
    pub args: Vec<String>,
    pub line: u32,
}

/// main.cf and master.cf of one directory.
#[derive(Clone, Debug, Default)]
pub struct Config {
    pub dir: PathBuf,
    /// main.cf settings as written (unexpanded), by name.
    pub settings: BTreeMap<String, String>,
    /// The line of each setting in main.cf.
    pub lines: BTreeMap<String, u32>,
    pub services: Vec<Service>,
    /// The machine's host name, Postfix's default for `myhostname`.
    pub system_hostname: String,
}

/// Reads the logical lines of a Postfix config file: a line starting with
/// whitespace continues the previous one; `#` lines and blank lines go.
pub fn logical_lines(text: &str) -> Vec<(u32, String)> {
    let mut out: Vec<(u32, String)> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let number = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if raw.starts_with([' ', '\t']) {
            if let Some(last) = out.last_mut() {
                last.1.push(' ');
                last.1.push_str(trimmed);
                continue;
            }
        }
        out.push((number, trimmed.to_owned()));
    }
    out
}

/// main.cf text to settings (the last of repeated names wins).
pub fn parse_main(text: &str) -> (BTreeMap<String, String>, BTreeMap<String, u32>) {
    let mut settings = BTreeMap::new();
    let mut lines = BTreeMap::new();
    for (number, line) in logical_lines(text) {
        if let Some((name, value)) = line.split_once('=') {
            let name = name.trim().to_owned();
            settings.insert(name.clone(), value.trim().to_owned());
            lines.insert(name, number);
        }
    }
    (settings, lines)
}

/// master.cf text to services.
pub fn parse_master(text: &str) -> Vec<Service> {
    let mut out = Vec::new();
    for (number, line) in logical_lines(text) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.len() < 8 {
            continue;
        }
        let mut options = BTreeMap::new();
        let mut args = Vec::new();
        let mut rest = fields[8..].iter();
        while let Some(arg) = rest.next() {
            if *arg == "-o" {
                if let Some((k, v)) = rest.next().and_then(|kv| kv.split_once('=')) {
                    options.insert(k.to_owned(), v.to_owned());
                }
            } else if let Some(kv) = arg.strip_prefix("-o") {
                if let Some((k, v)) = kv.split_once('=') {
                    options.insert(k.to_owned(), v.to_owned());
                }
            } else {
                args.push((*arg).to_owned());
            }
        }
        out.push(Service {
            name: fields[0].to_owned(),
            kind: fields[1].to_owned(),
            command: fields[7].to_owned(),
            options,
            args,
            line: number,
        });
    }
    out
}

impl Config {
    /// Reads DIR/main.cf and DIR/master.cf (a missing master.cf means
    /// Postfix's standard services).
    pub fn load(dir: &Path, system_hostname: &str) -> std::io::Result<Config> {
        // Postfix reads bytes; a stray non-UTF-8 byte must not stop us.
        let main = String::from_utf8_lossy(&std::fs::read(dir.join("main.cf"))?).into_owned();
        let (settings, lines) = parse_main(&main);
        let services = std::fs::read(dir.join("master.cf"))
            .map(|t| parse_master(&String::from_utf8_lossy(&t)))
            .unwrap_or_default();
        Ok(Config {
            dir: dir.to_path_buf(),
            settings,
            lines,
            services,
            system_hostname: system_hostname.to_ascii_lowercase(),
        })
    }

    /// The compatibility level, as a number (`3.6` is 3.6).
    pub fn compatibility_level(&self) -> f64 {
        self.settings
            .get("compatibility_level")
            .and_then(|v| {
                let mut parts = v.split('.');
                let major: f64 = parts.next()?.trim().parse().ok()?;
                let minor: f64 = parts.next().map_or(Some(0.0), |m| m.trim().parse().ok())?;
                Some(major + minor / 100.0)
            })
            .unwrap_or(0.0)
    }

    /// The built-in default of a parameter, as Postfix 3.7 has it (only
    /// the parameters address resolution reads).
    pub fn default_of(&self, name: &str) -> Option<String> {
        let compat = self.compatibility_level();
        let v = match name {
            "myhostname" => self.system_hostname.clone(),
            "mydomain" => {
                let host = self.get("myhostname");
                host.split_once('.').map(|(_, d)| d.to_owned()).unwrap_or_else(|| "localdomain".into())
            }
            "myorigin" => "$myhostname".into(),
            "mydestination" => "$myhostname, localhost.$mydomain, localhost".into(),
            "relay_domains" => {
                if compat < 2.0 {
                    "$mydestination".into()
                } else {
                    String::new()
                }
            }
            "relayhost" | "transport_maps" | "canonical_maps" | "recipient_canonical_maps"
            | "sender_canonical_maps" | "virtual_maps" | "relocated_maps" | "luser_relay"
            | "recipient_delimiter" | "smtpd_recipient_restrictions" | "smtpd_client_restrictions"
            | "smtpd_sender_restrictions" | "smtpd_helo_restrictions" | "proxy_interfaces"
            | "virtual_mailbox_maps" | "relay_recipient_maps" | "masquerade_domains" => String::new(),
            "virtual_alias_maps" => "$virtual_maps".into(),
            "virtual_alias_domains" => "$virtual_alias_maps".into(),
            "virtual_mailbox_domains" => "$virtual_mailbox_maps".into(),
            "default_transport" => "smtp".into(),
            "relay_transport" => "relay".into(),
            "local_transport" => "local:$myhostname".into(),
            "virtual_transport" => "virtual".into(),
            "alias_maps" => "hash:/etc/aliases".into(),
            "inet_interfaces" => "all".into(),
            "swap_bangpath" | "allow_percent_hack" | "append_at_myorigin" | "resolve_dequoted_address" => "yes".into(),
            "append_dot_mydomain" => if compat < 1.0 { "yes".into() } else { "no".into() },
            "empty_address_recipient" => "MAILER-DAEMON".into(),
            "propagate_unmatched_extensions" => "canonical, virtual".into(),
            "parent_domain_matches_subdomains" => "debug_peer_list,fast_flush_domains,mynetworks,permit_mx_backup_networks,qmqpd_authorized_clients,relay_domains,smtpd_access_maps".into(),
            "mynetworks" => "127.0.0.0/8 [::1]/128".into(),
            "smtpd_relay_restrictions" => "permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination".into(),
            "local_recipient_maps" => "proxy:unix:passwd.byname $alias_maps".into(),
            "virtual_alias_recursion_limit" => "1000".into(),
            "virtual_alias_expansion_limit" => "1000".into(),
            "config_directory" => "/etc/postfix".into(),
            "mail_name" => "Postfix".into(),
            _ => return None,
        };
        Some(v)
    }

    /// A parameter's value as written (or its default), unexpanded.
    pub fn raw(&self, name: &str) -> Option<String> {
        self.settings
            .get(name)
            .cloned()
            .or_else(|| self.default_of(name))
    }

    /// A parameter's value with `$name`, `${name}` and `$(name)`
    /// expanded; unknown names expand to nothing.
    pub fn get(&self, name: &str) -> String {
        let mut state = Expansion {
            active: vec![name.to_owned()],
            steps: MAX_EXPANSION_STEPS,
        };
        self.expand_depth(&self.raw(name).unwrap_or_default(), &mut state)
    }

    /// Expands `$name` references in any text.
    pub fn expand(&self, text: &str) -> String {
        let mut state = Expansion {
            active: Vec::new(),
            steps: MAX_EXPANSION_STEPS,
        };
        self.expand_depth(text, &mut state)
    }

    fn expand_depth(&self, text: &str, state: &mut Expansion) -> String {
        if state.active.len() > MAX_EXPANSION_DEPTH || !text.contains('$') {
            return text.to_owned();
        }
        let mut out = String::with_capacity(text.len());
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if out.len() > MAX_EXPANSION_LEN {
                break;
            }
            if bytes[i] != b'$' {
                let ch = text[i..].chars().next().unwrap_or(' ');
                out.push(ch);
                i += ch.len_utf8();
                continue;
            }
            i += 1;
            let (name, default) = match bytes.get(i) {
                Some(b'{') | Some(b'(') => {
                    let close = if bytes[i] == b'{' { '}' } else { ')' };
                    let end = text[i + 1..].find(close).map(|e| i + 1 + e);
                    let Some(end) = end else {
                        out.push('$');
                        continue;
                    };
                    let inner = &text[i + 1..end];
                    i = end + 1;
                    // ${name?value} and ${name:value}
                    match inner.find(['?', ':']) {
                        Some(p) => (
                            inner[..p].to_owned(),
                            Some((inner.as_bytes()[p], inner[p + 1..].to_owned())),
                        ),
                        None => (inner.to_owned(), None),
                    }
                }
                Some(b'$') => {
                    out.push('$');
                    i += 1;
                    continue;
                }
                _ => {
                    let start = i;
                    while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_')
                    {
                        i += 1;
                    }
                    (text[start..i].to_owned(), None)
                }
            };
            let value = if state.active.contains(&name) || state.steps == 0 {
                String::new()
            } else {
                state.steps -= 1;
                state.active.push(name.clone());
                let raw = self.raw(&name).unwrap_or_default();
                let value = self.expand_depth(&raw, state);
                state.active.pop();
                value
            };
            let alternative = |alt: &str, state: &mut Expansion| {
                self.expand_depth(alt.trim_matches(['{', '}']), state)
            };
            match default {
                Some((b'?', alt)) => {
                    if !value.is_empty() {
                        out.push_str(&alternative(&alt, state));
                    }
                }
                Some((_, alt)) => {
                    if value.is_empty() {
                        out.push_str(&alternative(&alt, state));
                    }
                }
                None => out.push_str(&value),
            }
        }
        out
    }

    /// A list parameter: items separated by commas and whitespace.
    pub fn list(&self, name: &str) -> Vec<String> {
        split_list(&self.get(name))
    }

    pub fn yes(&self, name: &str) -> bool {
        self.get(name).trim().eq_ignore_ascii_case("yes")
    }

    /// Resolves a table path from main.cf to a file: paths under the
    /// configured config_directory or /etc/postfix are read from the
    /// directory given, others as they are.
    pub fn table_path(&self, path: &str) -> PathBuf {
        let config_dir = self.get("config_directory");
        for prefix in [config_dir.as_str(), "/etc/postfix"] {
            if let Some(rest) = path.strip_prefix(prefix).and_then(|r| r.strip_prefix('/')) {
                return self.dir.join(rest);
            }
        }
        PathBuf::from(path)
    }
}

/// The state of one expansion: the names being expanded (a name that
/// refers back to one of them expands to nothing: Postfix calls it a
/// loop) and the references it may still follow.
struct Expansion {
    active: Vec<String>,
    steps: usize,
}

/// Splits a Postfix list value (commas and whitespace).
pub fn split_list(value: &str) -> Vec<String> {
    value
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(main: &str) -> Config {
        let (settings, lines) = parse_main(main);
        Config {
            dir: PathBuf::from("/tmp/x"),
            settings,
            lines,
            services: Vec::new(),
            system_hostname: "mail.example.com".into(),
        }
    }

    #[test]
    fn continuation_lines_and_comments() {
        let c = config("# comment\nmydestination = a,\n    b\n\nrelayhost = [r]\n");
        assert_eq!(c.list("mydestination"), vec!["a", "b"]);
        assert_eq!(c.get("relayhost"), "[r]");
    }

    #[test]
    fn expansion_and_defaults() {
        let c = config("myorigin = $mydomain\n");
        assert_eq!(c.get("mydomain"), "example.com");
        assert_eq!(c.get("myorigin"), "example.com");
        assert_eq!(
            c.list("mydestination"),
            vec!["mail.example.com", "localhost.example.com", "localhost"]
        );
        assert_eq!(c.get("local_transport"), "local:mail.example.com");
        let c = config("a = ${b?yes}${c:no}\nb = 1\n");
        assert_eq!(c.get("a"), "yesno");
    }

    #[test]
    fn self_reference_stops() {
        let c = config("a = x$a\nb = $b$b$c\nc = 1\n");
        assert_eq!(c.get("a"), "x");
        assert_eq!(c.get("b"), "1");
        let doubling: String = (0..40)
            .map(|i| format!("p{i} = $p{}$p{}\n", i + 1, i + 1))
            .collect();
        let c = config(&doubling);
        assert!(c.get("p0").len() <= MAX_EXPANSION_LEN + 100);
    }

    #[test]
    fn compatibility_changes_relay_domains() {
        assert_eq!(
            config("").get("relay_domains"),
            "mail.example.com, localhost.example.com, localhost"
        );
        assert_eq!(
            config("compatibility_level = 3.6\n").get("relay_domains"),
            ""
        );
    }

    #[test]
    fn master_services() {
        let s = parse_master("smtp inet n - n - - smtpd\n  -o a=b\nuucp unix - n n - - pipe flags=F user=uucp argv=uux $nexthop\n");
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].options.get("a").map(String::as_str), Some("b"));
        assert_eq!(s[1].command, "pipe");
        assert_eq!(s[1].args[0], "flags=F");
    }
}
