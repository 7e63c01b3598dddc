//! smtpd's door: the model (`cf2postfix::postfix::smtpd`) against the real
//! Postfix 3.7 smtpd, spoken to through XCLIENT in a sandbox
//! (`oracle/postfix-smtp-probe`), on the migration of every corpus
//! configuration, example and m4 sample, and on hand-written Postfix
//! directories (`tests/smtpd-dirs/`). Each probe call is one client and
//! sender with many recipients; the reply code, the enhanced status and
//! the stage must agree, the exact text is counted as well.

use std::collections::BTreeSet;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::support::{self, TempDir};
use cf2postfix::postfix::config::Config;
use cf2postfix::postfix::resolve::Resolver;
use cf2postfix::postfix::smtpd::Smtpd;
use cf2postfix::postfix::tables::{config_dir_resolver, split_table_list};
use cf2postfix::smtp::{Client, Resolve, Stage, Verdict};

const HOST: &str = "oracle.example.com";
const SENDER: &str = "someone@example.net";
/// Recipients per probe call, at most.
const MAX_RCPTS: usize = 120;
/// Recipients of the fixed list, and how many of them (and of the
/// directory's own) the clients after the first get.
const FIXED_RCPTS: usize = 30;
const SHORT_RCPTS: usize = 16;
/// Probe calls run at once (they mostly wait for the sandbox).
const WORKERS: usize = 4;
/// Clients per directory, at most (the fixed three included).
const MAX_CLIENTS: usize = 9;

/// A configuration directory under test.
struct Dir {
    name: String,
    path: PathBuf,
    /// Recipients the migration's analysis probed.
    extra: Vec<String>,
}

/// One probe call.
struct Call {
    dir: usize,
    client: Client,
    sender: String,
    rcpts: Vec<String>,
}

/// What the real smtpd answered one recipient.
#[derive(Clone, Debug, PartialEq)]
enum Real {
    Reply {
        stage: Stage,
        code: u16,
        dsn: String,
        text: String,
    },
    /// smtpd did not start (a fatal configuration error).
    NoService,
    /// The probe could not tell (see the output).
    Unknown(String),
}

/// The hand-written directories.
fn hand_written() -> Vec<Dir> {
    let root = support::project_dir().join("tests/smtpd-dirs");
    let mut out: Vec<Dir> = std::fs::read_dir(&root)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("main.cf").is_file())
        .map(|p| Dir {
            name: format!(
                "tests/smtpd-dirs/{}",
                p.file_name().unwrap_or_default().to_string_lossy()
            ),
            path: p,
            extra: Vec::new(),
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// The parameters that shape smtpd's answers (and the probe set).
const SMTPD_PARAMETERS: [&str; 34] = [
    "compatibility_level",
    "myhostname",
    "mydomain",
    "mydestination",
    "relay_domains",
    "virtual_alias_domains",
    "virtual_mailbox_domains",
    "mynetworks",
    "mynetworks_style",
    "inet_interfaces",
    "inet_protocols",
    "proxy_interfaces",
    "smtpd_client_restrictions",
    "smtpd_helo_restrictions",
    "smtpd_sender_restrictions",
    "smtpd_relay_restrictions",
    "smtpd_recipient_restrictions",
    "smtpd_restriction_classes",
    "smtpd_delay_reject",
    "local_recipient_maps",
    "alias_maps",
    "transport_maps",
    "virtual_alias_maps",
    "virtual_mailbox_maps",
    "relay_recipient_maps",
    "canonical_maps",
    "recipient_canonical_maps",
    "relocated_maps",
    "recipient_delimiter",
    "parent_domain_matches_subdomains",
    "swap_bangpath",
    "allow_percent_hack",
    "smtputf8_enable",
    "soft_bounce",
];

/// What smtpd sees of a directory: the parameters above (expanded), the
/// restriction classes, and the other files but main.cf (comments
/// aside), for telling migrations that smtpd treats alike apart.
fn fingerprint(dir: &Path) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    if let Ok(config) = Config::load(dir, HOST) {
        for p in SMTPD_PARAMETERS {
            config.get(p).hash(&mut h);
        }
        for class in config.list("smtpd_restriction_classes") {
            config.get(&class).hash(&mut h);
        }
    }
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        // main.cf counts through its parameters; the migration's report
        // and notes name the source and mean nothing to smtpd.
        .filter(|e| {
            !matches!(
                e.file_name().to_str(),
                Some("main.cf" | "MIGRATION.md" | "report.json")
            )
        })
        .map(|e| {
            // Comments (the migration's notes name the source) do not count.
            let text = std::fs::read(e.path()).unwrap_or_default();
            let lines: Vec<&[u8]> = text
                .split(|b| *b == b'\n')
                .filter(|l| !l.starts_with(b"#"))
                .collect();
            (e.file_name().to_string_lossy().into_owned(), lines.concat())
        })
        .collect();
    files.sort();
    files.hash(&mut h);
    h.finish()
}

/// The keys of an exact-match or cidr table's source.
fn table_keys(config: &Config, reference: &str) -> Vec<String> {
    let mut r = reference.trim();
    while let Some(rest) = r.strip_prefix("proxy:") {
        r = rest;
    }
    let Some((kind, name)) = r.split_once(':') else {
        return Vec::new();
    };
    if !matches!(
        kind,
        "hash" | "btree" | "lmdb" | "cdb" | "dbm" | "texthash" | "cidr"
    ) {
        return Vec::new();
    }
    let path = config_dir_resolver(&config.dir)(name);
    if !path.starts_with(&config.dir) {
        return Vec::new();
    }
    let text = std::fs::read(&path)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    text.lines()
        .filter(|l| !l.starts_with([' ', '\t', '#']))
        .filter_map(|l| l.split_whitespace().next())
        .map(|k| k.trim_end_matches(':').to_owned())
        .collect()
}

/// The tables named after `restriction` (or alone, for the list's own
/// kind) in every restriction list.
fn access_tables(config: &Config, restriction: &str, own_list: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut lists: Vec<String> = [
        "smtpd_client_restrictions",
        "smtpd_helo_restrictions",
        "smtpd_sender_restrictions",
        "smtpd_relay_restrictions",
        "smtpd_recipient_restrictions",
    ]
    .map(String::from)
    .to_vec();
    lists.extend(config.list("smtpd_restriction_classes"));
    for list in lists {
        let items = split_table_list(&config.get(&list));
        for (i, item) in items.iter().enumerate() {
            if item.eq_ignore_ascii_case(restriction) {
                if let Some(t) = items.get(i + 1) {
                    out.push(t.clone());
                }
            } else if item.contains(':')
                && list == own_list
                && (i == 0 || !items[i - 1].starts_with("check_"))
            {
                out.push(item.clone());
            }
        }
    }
    out
}

/// Plain domain names of a domain-list parameter (and the keys of its
/// tables).
fn domains(config: &Config, parameter: &str) -> Vec<String> {
    let mut out = Vec::new();
    for item in config.list(parameter) {
        if item.contains(':') {
            out.extend(table_keys(config, &item));
        } else if !item.starts_with('/') && !item.starts_with('!') {
            out.push(item.to_ascii_lowercase());
        }
    }
    out
}

/// The clients to try: an outside host without a name, the local host, a
/// named outside host, and every address, network and name key of the
/// client access tables and of mynetworks.
fn clients(config: &Config) -> Vec<Client> {
    let mut out = vec![Client::unnamed("203.0.113.9"), Client::unnamed("127.0.0.1")];
    let lists: String = [
        "smtpd_client_restrictions",
        "smtpd_helo_restrictions",
        "smtpd_sender_restrictions",
        "smtpd_relay_restrictions",
        "smtpd_recipient_restrictions",
    ]
    .iter()
    .map(|l| config.get(l))
    .collect();
    // A name matters only where a restriction or mynetworks reads names.
    let names_read = lists.contains("reject_unknown")
        || lists.contains("check_client_access")
        || lists.contains("check_reverse_client")
        || (config.settings.contains_key("mynetworks")
            && config
                .list("mynetworks")
                .iter()
                .any(|n| n.bytes().any(|b| b.is_ascii_alphabetic()) && !n.contains(':')));
    if names_read {
        out.push(Client::named("198.51.100.7", "mail.outside.example"));
    }
    if lists.contains("reject_unknown") {
        let mut forged = Client::named("198.51.100.8", "forged.outside.example");
        forged.resolve = Resolve::Forged;
        let mut temp = Client::unnamed("198.51.100.9");
        temp.resolve = Resolve::Temp;
        out.extend([forged, temp]);
    }
    let mut keys: Vec<String> =
        access_tables(config, "check_client_access", "smtpd_client_restrictions")
            .iter()
            .flat_map(|t| table_keys(config, t))
            .collect();
    if config.settings.contains_key("mynetworks") {
        keys.extend(
            config
                .list("mynetworks")
                .into_iter()
                .filter(|k| !k.contains(':') || k.starts_with('['))
                .map(|k| k.trim_start_matches('!').to_owned()),
        );
    }
    for key in keys {
        let bare = key.replace("]/", "/");
        let bare = bare.trim_start_matches('[').trim_end_matches(']');
        let (addr, _) = bare.split_once('/').unwrap_or((bare, ""));
        let client = if addr.parse::<std::net::IpAddr>().is_ok() {
            Client::unnamed(addr)
        } else if !addr.is_empty()
            && addr.bytes().all(|b| b.is_ascii_digit() || b == b'.')
            && addr.split('.').count() < 4
        {
            let mut a = addr.trim_end_matches('.').to_owned();
            while a.split('.').count() < 4 {
                a.push_str(".9");
            }
            Client::unnamed(&a)
        } else if addr.contains(':') && addr.parse::<std::net::IpAddr>().is_err() {
            continue;
        } else if let Some(domain) = addr.strip_prefix('.') {
            Client::named("192.0.2.200", &format!("host.{domain}"))
        } else if addr
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
            && !addr.is_empty()
        {
            Client::named("192.0.2.200", addr)
        } else {
            continue;
        };
        // A network that holds a client already tried adds nothing.
        let covered = key.contains('/')
            && out
                .iter()
                .any(|c| c.name.is_none() && network_holds(&key, &c.addr));
        if !covered && !out.contains(&client) {
            out.push(client);
        }
    }
    out.truncate(MAX_CLIENTS);
    out
}

/// Does `net` (`a.b.c.d/n` or `[v6]/n`) hold `addr`?
fn network_holds(net: &str, addr: &str) -> bool {
    let net = net.replace("]/", "/");
    let net = net.trim_start_matches('[');
    let Some((base, len)) = net.split_once('/') else {
        return false;
    };
    let (Ok(base), Ok(addr), Ok(len)) = (
        base.parse::<std::net::IpAddr>(),
        addr.parse::<std::net::IpAddr>(),
        len.parse::<u32>(),
    ) else {
        return false;
    };
    match (base, addr) {
        (std::net::IpAddr::V4(b), std::net::IpAddr::V4(a)) if len <= 32 => {
            let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
            u32::from(b) & mask == u32::from(a) & mask
        }
        (std::net::IpAddr::V6(b), std::net::IpAddr::V6(a)) if len <= 128 => {
            let mask = if len == 0 {
                0
            } else {
                u128::MAX << (128 - len)
            };
            u128::from(b) & mask == u128::from(a) & mask
        }
        _ => false,
    }
}

/// The recipients to try in a directory.
fn recipients(config: &Config, extra: &[String]) -> Vec<String> {
    let mut out: Vec<String> = [
        "root@oracle.example.com",
        "postmaster@oracle.example.com",
        "nosuchuser@oracle.example.com",
        "Root@Oracle.Example.Com",
        "root@oracle.example.com.",
        "root",
        "nosuchuser",
        "postmaster",
        "Postmaster",
        "postmaster@outside.example",
        "root@localhost",
        "mailer-daemon@oracle.example.com",
        "victim@outside.example",
        "user@example.net",
        "user@sub.example.net",
        "root@[127.0.0.1]",
        "user@[192.0.2.1]",
        "user@[IPv6:::1]",
        "a%b@oracle.example.com",
        "c!d@oracle.example.com",
        "e!f",
        "root%oracle.example.com@outside.example",
        "user%outside.example@oracle.example.com",
        "caf\u{e9}@oracle.example.com",
        "user@caf\u{e9}.example",
        "user@",
        "user@1.2.3.4",
        "user@-bad.example",
        "\"quoted user\"@oracle.example.com",
        "@gw.example.net:root@oracle.example.com",
    ]
    .map(String::from)
    .to_vec();
    for parameter in [
        "mydestination",
        "relay_domains",
        "virtual_alias_domains",
        "virtual_mailbox_domains",
    ] {
        for d in domains(config, parameter) {
            let d = d.trim_start_matches('.').trim_start_matches('@');
            if d.is_empty() || d.contains(['$', '/', '@']) {
                continue;
            }
            out.push(format!("root@{d}"));
            out.push(format!("nosuchuser@{d}"));
            out.push(format!("user@sub.{d}"));
        }
    }
    let mut keys = Vec::new();
    for parameter in [
        "transport_maps",
        "virtual_alias_maps",
        "virtual_mailbox_maps",
        "relay_recipient_maps",
        "canonical_maps",
        "recipient_canonical_maps",
    ] {
        for t in split_table_list(&config.get(parameter)) {
            keys.extend(table_keys(config, &t));
        }
    }
    for t in access_tables(
        config,
        "check_recipient_access",
        "smtpd_recipient_restrictions",
    ) {
        keys.extend(table_keys(config, &t));
    }
    for key in keys {
        let key = key.to_ascii_lowercase();
        if key == "*" || key.is_empty() {
            continue;
        }
        if let Some(domain) = key.strip_prefix('@') {
            out.push(format!("anyone@{domain}"));
        } else if let Some(user) = key.strip_suffix('@') {
            out.push(format!("{user}@oracle.example.com"));
        } else if key.contains('@') {
            out.push(key);
        } else if let Some(domain) = key.strip_prefix('.') {
            out.push(format!("user@host.{domain}"));
        } else if key.contains('.') {
            out.push(format!("user@{key}"));
            out.push(format!("user@sub.{key}"));
        } else {
            out.push(format!("{key}@oracle.example.com"));
        }
    }
    out.extend(extra.iter().cloned());
    let mut seen = BTreeSet::new();
    out.retain(|r| seen.insert(r.clone()));
    out.retain(|r| !r.contains(['\t', '\n', '<', '>', ' ']) || r.starts_with('"'));
    out.truncate(MAX_RCPTS);
    out
}

/// The probe calls of one directory.
fn calls(index: usize, dir: &Dir) -> Vec<Call> {
    let Ok(config) = Config::load(&dir.path, HOST) else {
        return Vec::new();
    };
    let rcpts = recipients(&config, &dir.extra);
    // The other clients get the recipients that tell relaying and local
    // delivery apart.
    let mut short: Vec<String> = rcpts.iter().take(SHORT_RCPTS).cloned().collect();
    short.extend(rcpts.iter().skip(FIXED_RCPTS).take(SHORT_RCPTS).cloned());
    let mut out = Vec::new();
    for (n, client) in clients(&config).into_iter().enumerate() {
        out.push(Call {
            dir: index,
            client,
            sender: SENDER.into(),
            rcpts: if n == 0 { rcpts.clone() } else { short.clone() },
        });
    }
    let few: Vec<String> = [
        "root@oracle.example.com",
        "victim@outside.example",
        "nosuchuser@oracle.example.com",
    ]
    .map(String::from)
    .to_vec();
    let outside = Client::unnamed("203.0.113.9");
    let senders_listed = !config.get("smtpd_sender_restrictions").trim().is_empty();
    let mut senders: Vec<String> = Vec::new();
    for t in access_tables(&config, "check_sender_access", "smtpd_sender_restrictions") {
        for key in table_keys(&config, &t) {
            senders.push(if key == "<>" {
                String::new()
            } else if key.contains('@') && !key.ends_with('@') && !key.starts_with('@') {
                key
            } else if let Some(user) = key.strip_suffix('@') {
                format!("{user}@example.net")
            } else if let Some(d) = key.strip_prefix('@') {
                format!("someone@{d}")
            } else {
                format!("someone@{}", key.trim_start_matches('.'))
            });
        }
    }
    if senders_listed {
        senders.extend(
            [
                "",
                "someone",
                "bad@example.com",
                "x@host.invalid",
                "root@oracle.example.com",
            ]
            .map(String::from),
        );
    }
    let mut seen = BTreeSet::new();
    for sender in senders {
        if seen.insert(sender.clone()) && !sender.contains([' ', '\t', '<', '>']) {
            out.push(Call {
                dir: index,
                client: outside.clone(),
                sender,
                rcpts: few.clone(),
            });
        }
    }
    let helo_listed = !config.get("smtpd_helo_restrictions").trim().is_empty();
    let mut helos: Vec<String> =
        access_tables(&config, "check_helo_access", "smtpd_helo_restrictions")
            .iter()
            .flat_map(|t| table_keys(&config, t))
            .collect();
    if helo_listed {
        helos.extend(
            [
                "localhost",
                "[192.0.2.1]",
                "[1.2.3]",
                "bad_helo!",
                "192.0.2.1",
            ]
            .map(String::from),
        );
    }
    for helo in helos.into_iter().collect::<BTreeSet<_>>() {
        let mut client = outside.clone();
        client.helo = helo.trim_start_matches('.').to_owned();
        out.push(Call {
            dir: index,
            client,
            sender: SENDER.into(),
            rcpts: few.clone(),
        });
    }
    out
}

/// Runs the probe for one call: each recipient's real answer.
fn probe(dir: &Path, call: &Call) -> (Vec<Real>, String) {
    let dir_text = dir.display().to_string();
    let mut args: Vec<&str> = vec![&dir_text, &call.client.addr, &call.sender];
    args.extend(call.rcpts.iter().map(String::as_str));
    let mut env = vec![
        ("PF_HOSTNAME", HOST),
        ("PF_PROBE_HELO", call.client.helo.as_str()),
    ];
    match (call.client.resolve, &call.client.name) {
        (Resolve::Ok, Some(name)) => env.push(("PF_PROBE_CLIENT_NAME", name.as_str())),
        (Resolve::Forged, Some(name)) => env.push(("PF_PROBE_CLIENT_REVERSE_NAME", name.as_str())),
        (Resolve::Temp, _) => env.push(("PF_PROBE_CLIENT_NAME", "[TEMPUNAVAIL]")),
        _ => {}
    }
    let (ok, text) = support::run_oracle_env("postfix-smtp-probe", &args, &env);
    (parse(ok, &text, call.rcpts.len()), text)
}

fn reply(stage: Stage, code: &str, text: &str) -> Real {
    let Ok(code) = code.parse::<u16>() else {
        return Real::Unknown(format!("code {code}"));
    };
    let (dsn, rest) = text.split_once(' ').unwrap_or((text, ""));
    Real::Reply {
        stage,
        code,
        dsn: dsn.to_owned(),
        text: rest.to_owned(),
    }
}

/// The probe's output to one answer per recipient.
fn parse(ok: bool, text: &str, count: usize) -> Vec<Real> {
    if !ok && text.contains("fatal:") && text.contains("no greeting") {
        return vec![Real::NoService; count];
    }
    let (mut xclient, mut ehlo, mut mail) = (None, None, None);
    let mut lines = Vec::new();
    for line in text.lines() {
        let cols: Vec<&str> = line.splitn(3, '\t').collect();
        if cols.len() < 3 {
            continue;
        }
        match cols[0] {
            "XCLIENT" => xclient = Some(reply(Stage::Connect, cols[1], cols[2])),
            "EHLO" => ehlo = Some(reply(Stage::Helo, cols[1], cols[2])),
            "MAIL" => mail = Some(reply(Stage::Mail, cols[1], cols[2])),
            _ => lines.push((cols[1].to_owned(), cols[2].to_owned())),
        }
    }
    (0..count)
        .map(|i| {
            if let Some(e) = &ehlo {
                return e.clone();
            }
            match lines.get(i) {
                Some((code, _)) if code == "---" => mail
                    .clone()
                    .or_else(|| xclient.clone())
                    .unwrap_or_else(|| Real::Unknown("not tried".into())),
                Some((code, text)) => reply(Stage::Rcpt, code, text),
                None => Real::Unknown("no answer".into()),
            }
        })
        .collect()
}

/// Do the model and the real smtpd agree (stage, code, enhanced status)?
/// And on the text?
fn agree(model: &Verdict, real: &Real) -> (bool, bool) {
    let (dsn, text) = model.text.split_once(' ').unwrap_or((&model.text, ""));
    match real {
        Real::NoService => {
            let same =
                model.stage == Stage::Connect && model.decided_by.starts_with("smtpd: fatal");
            (same, same)
        }
        Real::Reply {
            stage,
            code,
            dsn: real_dsn,
            text: real_text,
        } => {
            let same = model.stage == *stage && model.code == *code && dsn == real_dsn;
            (same, same && text == real_text)
        }
        Real::Unknown(_) => (false, false),
    }
}

/// A difference with a known cause, and the cause.
fn explained(
    _dir: &str,
    _call: &Call,
    _rcpt: &str,
    _model: &Verdict,
    _real: &Real,
) -> Option<&'static str> {
    None
}

#[test]
fn smtpd_verdicts_agree_with_the_real_smtpd() {
    if !support::postfix_available() {
        support::skip(
            "the real Postfix is not installed (run oracle/install.sh): smtpd verdicts not compared",
        );
        return;
    }
    let scratch = TempDir::new("postfix-smtpd-door");
    let mut dirs = hand_written();
    let mut seen = BTreeSet::new();
    for (i, input) in crate::migrate::all_inputs(&scratch.0).iter().enumerate() {
        let path = scratch.0.join(format!("pf-{i}"));
        input.migrate_into(&path);
        if !seen.insert(fingerprint(&path)) {
            continue;
        }
        let extra = crate::migrate::probe_addresses(&input.bytes, input.etc_mail.as_deref())
            .into_iter()
            .filter(|a| !a.contains(['(', ' ', '<']))
            .take(20)
            .collect();
        dirs.push(Dir {
            name: input.name.clone(),
            path,
            extra,
        });
    }
    let started = std::time::Instant::now();
    let calls: Vec<Call> = dirs
        .iter()
        .enumerate()
        .flat_map(|(i, d)| calls(i, d))
        .collect();
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, Vec<Real>, String)>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..WORKERS {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(call) = calls.get(i) else { break };
                let (real, text) = probe(&dirs[call.dir].path, call);
                results.lock().expect("results").push((i, real, text));
            });
        }
    });
    eprintln!("probes: {:.1} s", started.elapsed().as_secs_f64());
    let mut results = results.into_inner().expect("results");
    results.sort_by_key(|r| r.0);
    let (mut total, mut same, mut exact, mut excused) = (0usize, 0usize, 0usize, 0usize);
    let mut differences = Vec::new();
    let mut reasons: BTreeSet<&str> = BTreeSet::new();
    let mut texts: Vec<String> = Vec::new();
    let mut kinds: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    let mut models: Vec<Option<(Config, PathBuf)>> = Vec::new();
    for d in &dirs {
        models.push(
            Config::load(&d.path, HOST)
                .ok()
                .map(|c| (c, d.path.clone())),
        );
    }
    for (i, reals, text) in &results {
        let call = &calls[*i];
        let dir = &dirs[call.dir];
        let Some((config, _)) = &models[call.dir] else {
            continue;
        };
        let resolver = Resolver::new(config);
        let smtpd = Smtpd::new(config, &resolver);
        for (rcpt, real) in call.rcpts.iter().zip(reals) {
            let model = smtpd.verdict(&call.client, &call.sender, rcpt);
            total += 1;
            let (ok, text_ok) = agree(&model, real);
            if ok {
                same += 1;
                exact += usize::from(text_ok);
                if !text_ok && texts.len() < 12 {
                    texts.push(format!(
                        "  text: {} | to <{rcpt}>: model {:?} / real {real:?}",
                        dir.name, model.text
                    ));
                }
                continue;
            }
            if let Some(reason) = explained(&dir.name, call, rcpt, &model, real) {
                excused += 1;
                reasons.insert(reason);
                continue;
            }
            let signature = format!(
                "{}|{}",
                model.decided_by.split(" (").next().unwrap_or(""),
                match real {
                    Real::Reply { code, dsn, .. } => format!("{code} {dsn}"),
                    other => format!("{other:?}"),
                }
            );
            *kinds.entry(signature.clone()).or_insert(0usize) += 1;
            if kinds[&signature] <= 2 && differences.len() < 60 {
                differences.push(format!(
                    "{}: client {}, helo {}, from <{}>, to <{rcpt}>:\n  model {:?} {} {} ({})\n  real  {real:?}{}",
                    dir.name,
                    call.client,
                    call.client.helo,
                    call.sender,
                    model.stage,
                    model.code,
                    model.text,
                    model.decided_by,
                    if matches!(real, Real::Unknown(_)) {
                        format!("\n  probe output:\n{text}")
                    } else {
                        String::new()
                    }
                ));
            }
        }
    }
    let percent = |n: usize| 100.0 * n as f64 / total.max(1) as f64;
    eprintln!(
        "smtpd verdict agreement with the real smtpd: {same}/{total} ({:.2}%) on stage, code and status; {exact}/{total} ({:.2}%) on the exact text; {excused} explained ({} dirs, {} probe calls)",
        percent(same),
        percent(exact),
        dirs.len(),
        calls.len()
    );
    for r in &reasons {
        eprintln!("  explained: {r}");
    }
    for t in &texts {
        eprintln!("{t}");
    }
    for (kind, n) in &kinds {
        eprintln!("  difference x{n}: {kind}");
    }
    assert!(
        total > 0 && same + excused == total,
        "{} differences (first {}):\n{}",
        total - same - excused,
        differences.len(),
        differences.join("\n")
    );
}

#[test]
fn garbage_directories_do_not_panic() {
    let scratch = TempDir::new("postfix-smtpd-garbage");
    let mut rng = support::Rng(0x5eed_cafe);
    let words = [
        "permit",
        "reject",
        "defer",
        "permit_mynetworks",
        "check_client_access",
        "hash:x",
        "cidr:c",
        "reject_unauth_destination",
        "warn_if_reject",
        "defer_if_permit",
        "strict",
        "smtpd_restriction_classes = strict",
        "strict = strict",
        ",",
        "{",
        "}",
        "sleep",
        "9",
        "check_policy_service",
        "inet:x:1",
        "reject_rbl_client",
        "permit_mx_backup",
        "DISCARD",
    ];
    let params = [
        "smtpd_client_restrictions",
        "smtpd_relay_restrictions",
        "smtpd_recipient_restrictions",
        "smtpd_restriction_classes",
        "strict",
        "mynetworks",
        "mynetworks_style",
        "local_recipient_maps",
        "smtpd_delay_reject",
        "compatibility_level",
    ];
    for n in 0..60 {
        let dir = scratch.0.join(format!("g{n}"));
        std::fs::create_dir_all(&dir).expect("dir");
        let mut main = String::new();
        for _ in 0..rng.below(8) {
            main.push_str(params[rng.below(params.len())]);
            main.push_str(" = ");
            for _ in 0..rng.below(6) {
                main.push_str(words[rng.below(words.len())]);
                main.push(' ');
            }
            main.push('\n');
        }
        std::fs::write(dir.join("main.cf"), main).expect("main.cf");
        std::fs::write(dir.join("x"), "a DISCARD\nb strict\nc hash:x\n").expect("x");
        std::fs::write(dir.join("c"), "1.2.3.0/24 OK\nbad\n").expect("c");
        let config = Config::load(&dir, HOST).expect("main.cf");
        let resolver = Resolver::new(&config);
        let smtpd = Smtpd::new(&config, &resolver);
        for client in [Client::unnamed("1.2.3.4"), Client::named("::1", "a.b")] {
            for rcpt in ["a@b", "", "<>", "postmaster", "\u{e9}@x", "a%b@[1.2.3.4]"] {
                let _ = smtpd.verdict(&client, "b@c", rcpt);
            }
        }
    }
}
