//! The rewrite engine against the real sendmail 8.17: the same test lines
//! through `sendmail -bt` and through `cf2postfix test`, output compared
//! command by command, byte for byte.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use cf2postfix::engine::{Environment, Machine};
use cf2postfix::source::SourceFile;
use cf2postfix::testmode::Session;

use crate::support::{self, TempDir};

/// The host name both sides see.
const HOSTNAME: &str = "oracle.example.com";

/// Users the oracle script adds to its private passwd and group files.
const ORACLE_USERS: [&str; 5] = ["smmta", "smmsp", "mailnull", "smtrust", "cyrus"];

/// The passwd and group text the oracle's sandbox has.
fn oracle_accounts() -> (Vec<u8>, Vec<u8>) {
    let mut passwd = std::fs::read("/etc/passwd").unwrap_or_default();
    let mut group = std::fs::read("/etc/group").unwrap_or_default();
    for (i, user) in ORACLE_USERS.iter().enumerate() {
        let id = 64001 + i;
        let prefix = format!("{user}:");
        let has = |text: &[u8]| {
            text.split(|&b| b == b'\n')
                .any(|l| l.starts_with(prefix.as_bytes()))
        };
        if !has(&passwd) {
            passwd.extend(format!("{user}:x:{id}:{id}::/nonexistent:/usr/sbin/nologin\n").bytes());
        }
        if !has(&group) {
            group.extend(format!("{user}:x:{id}:\n").bytes());
        }
    }
    (passwd, group)
}

/// Runs the emulator the way `cf2postfix test` does.
pub fn emulate(cf: &Path, etc_mail: Option<&Path>, input: &str) -> Vec<u8> {
    Session::new(machine(cf, etc_mail)).run_script(input.as_bytes())
}

/// The emulator's machine for `cf`, with the oracle's accounts.
pub fn machine(cf: &Path, etc_mail: Option<&Path>) -> Machine {
    let bytes = std::fs::read(cf).expect("cf readable");
    let file = SourceFile::new(cf.display().to_string(), bytes);
    let parsed = cf2postfix::syntax::parse(&file);
    let mut env = Environment::new(HOSTNAME);
    env.etc_mail = etc_mail.map(Path::to_path_buf);
    let (passwd, group) = oracle_accounts();
    env.passwd = Environment::parse_passwd(&passwd);
    env.groups = Environment::parse_passwd(&group);
    Machine::load(&file, &parsed.config, env)
}

/// The real `sendmail -bt` on the same input: its stdout.
pub fn oracle(cf: &Path, etc_mail: Option<&Path>, input: &str) -> Vec<u8> {
    use std::io::Write;
    let mut command = Command::new(support::oracle_script("sendmail-bt"));
    command
        .arg(cf)
        .env("ORACLE_HOSTNAME", HOSTNAME)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if let Some(dir) = etc_mail {
        command.env("ORACLE_ETC_MAIL", dir);
    }
    let mut child = command.spawn().expect("oracle/sendmail-bt starts");
    // Feed stdin from a thread: sendmail answers while it reads.
    let writer = child.stdin.take().map(|mut stdin| {
        let input = input.to_owned();
        std::thread::spawn(move || {
            let _ = stdin.write_all(input.as_bytes());
        })
    });
    let out = child.wait_with_output().expect("oracle runs").stdout;
    if let Some(w) = writer {
        let _ = w.join();
    }
    out
}

/// The output after the banner, cut into one answer per input line, with
/// the token addresses `-d21.15` prints (`$1: 0x7ffc...="a"`) blanked:
/// they are where each program keeps its tokens, nothing to compare.
fn answers(output: &[u8]) -> Vec<Vec<u8>> {
    let blanked = blank_addresses(output);
    let output = &blanked[..];
    let banner = b"Enter <ruleset> <address>\n";
    let start = output
        .windows(banner.len())
        .position(|w| w == banner)
        .map_or(0, |p| p + banner.len());
    let mut rest = &output[start..];
    let mut chunks = Vec::new();
    while let Some(after) = rest.strip_prefix(b"> ") {
        if after.is_empty() {
            break;
        }
        if after.starts_with(b"> ") {
            chunks.push(Vec::new());
            rest = after;
            continue;
        }
        match after.windows(3).position(|w| w == b"\n> ") {
            Some(p) => {
                chunks.push(after[..=p].to_vec());
                rest = &after[p + 1..];
            }
            None => {
                chunks.push(after.to_vec());
                break;
            }
        }
    }
    chunks
}

/// `0x` and hex digits right before `="` become `0x…`.
pub fn blank_addresses(output: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(output.len());
    let mut i = 0;
    while i < output.len() {
        if output[i..].starts_with(b" 0x") {
            let digits = output[i + 3..]
                .iter()
                .take_while(|b| b.is_ascii_hexdigit())
                .count();
            if digits > 0 && output[i + 3 + digits..].starts_with(b"=\"") {
                out.extend_from_slice(" 0x…".as_bytes());
                i += 3 + digits;
                continue;
            }
        }
        out.push(output[i]);
        i += 1;
    }
    out
}

/// A probe set for one configuration, derived from what it contains.
pub fn probe_lines(cf: &Path, etc_mail: Option<&Path>) -> Vec<String> {
    let bytes = std::fs::read(cf).unwrap_or_default();
    let file = SourceFile::new(cf.display().to_string(), bytes);
    let parsed = cf2postfix::syntax::parse(&file);
    let machine = Machine::load(&file, &parsed.config, Environment::new(HOSTNAME));
    let mut domains: Vec<String> = vec![
        "example.com".into(),
        "example.com.".into(),
        "EXAMPLE.COM".into(),
        "localhost".into(),
        HOSTNAME.into(),
        "oracle".into(),
        "sub.example.com".into(),
        "foo.uucp".into(),
        "bar.bitnet".into(),
        "host.local".into(),
        "[192.0.2.1]".into(),
        "[127.0.0.1]".into(),
        "[IPv6:2001:db8::1]".into(),
    ];
    // Literal words from the rules: domains and pseudo-domains the
    // configuration tests for.
    let mut words = std::collections::BTreeSet::new();
    for number in machine.rulesets.defined() {
        for rule in machine.rulesets.rules(number).iter() {
            for t in rule.lhs.iter().chain(rule.rhs.iter()) {
                if t.len() > 1
                    && t.len() < 40
                    && t.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-')
                    && t.iter().any(u8::is_ascii_alphabetic)
                {
                    words.insert(String::from_utf8_lossy(t).into_owned());
                }
            }
        }
    }
    for w in words.iter().take(40) {
        domains.push(format!("{w}.example.com"));
        domains.push(w.to_lowercase());
    }
    for class in [b'w', b'm', b'k', b'P', b'V', b'U', b'G', b'R', b'E', b'O'] {
        for member in machine.classes.members(class).into_iter().take(10) {
            domains.push(String::from_utf8_lossy(member).into_owned());
        }
    }
    domains.sort();
    domains.dedup();
    let users = [
        "user",
        "root",
        "postmaster",
        "MAILER-DAEMON",
        "Joe.Smith",
        "a+b",
    ];
    let mut addresses: Vec<String> = Vec::new();
    for d in &domains {
        addresses.push(format!("user@{d}"));
    }
    for u in users {
        addresses.push(u.to_owned());
        addresses.push(format!("{u}@{HOSTNAME}"));
    }
    for d in domains.iter().take(20) {
        addresses.push(format!("<user@{d}>"));
        addresses.push(format!("\"Full Name\" <user@{d}>"));
        addresses.push(format!("user (Comment) @{d}"));
        addresses.push(format!("{d}!user"));
        addresses.push(format!("user%{d}@example.com"));
        addresses.push(format!("@gw.example.net:user@{d}"));
        addresses.push(format!("\"quoted local\"@{d}"));
    }
    addresses.extend(
        [
            "<>",
            "<@>",
            "a!b!c!user",
            "user@host.uucp",
            "host!user@example.com",
            "user%host%other@example.com",
            "<@a.example,@b.example:user@c.example>",
            "user@",
            "@example.com",
            "user@@example.com",
            "user.@example.com",
            "\"unbalanced@example.com",
            "(unbalanced comment user@example.com",
            "user@example.com)",
            "<user@example.com",
            "user@example.com>",
            "a\\@b@example.com",
            "user\\!host@example.com",
            "j\u{f6}e@example.com",
            "user@ex\u{e4}mple.com",
            "user @ example . com",
            "user@example.com, other@example.org",
            "user;other@example.com",
            "$#local $: user",
        ]
        .map(str::to_owned),
    );
    addresses.push(format!("{}@example.com", "x".repeat(240)));
    addresses.push(format!("{}@example.com", "y".repeat(300)));
    // Keys of the maps whose text sources are at hand.
    let mut map_lines = Vec::new();
    if let Some(dir) = etc_mail {
        for map in machine.maps.iter() {
            let Some(file) = &map.file else { continue };
            let file = String::from_utf8_lossy(file).into_owned();
            let Some(rest) = file.strip_prefix("/etc/mail/") else {
                continue;
            };
            let rest = rest.strip_suffix(".db").unwrap_or(rest);
            let Ok(text) = std::fs::read_to_string(dir.join(rest)) else {
                continue;
            };
            let name = String::from_utf8_lossy(&map.name).into_owned();
            for line in text.lines().filter(|l| !l.starts_with('#')).take(30) {
                let Some(key) = line.split_whitespace().next() else {
                    continue;
                };
                map_lines.push(format!("/map {name} {key}"));
                let key = key.split_once(':').map_or(key, |(_, k)| k);
                if key.contains('@') {
                    addresses.push(key.to_owned());
                    if let Some(domain) = key.rsplit_once('@').map(|(_, d)| d) {
                        addresses.push(format!("someone@{domain}"));
                    }
                } else if !key.is_empty() {
                    addresses.push(format!("user@{}", key.trim_start_matches('.')));
                    addresses.push(format!("user@sub.{}", key.trim_start_matches('.')));
                }
            }
        }
    }
    let mut lines: Vec<String> = map_lines;
    for a in &addresses {
        lines.push(format!("3,0 {a}"));
    }
    for a in addresses.iter().take(60) {
        lines.push(format!("/parse {a}"));
    }
    for m in &machine.mailers {
        let name = String::from_utf8_lossy(&m.name).into_owned();
        for a in [
            "user@example.com",
            "user",
            "\"Full Name\" <user@example.com>",
        ] {
            lines.push(format!("/try {name} {a}"));
        }
    }
    for n in machine.rulesets.defined().take(30) {
        lines.push(format!("=S{n}"));
    }
    lines.extend(
        [
            "=M",
            "$j",
            "$w",
            "$m",
            "$k",
            "$n",
            "$v",
            "$_",
            "$Z",
            "/canon localhost",
            "/canon nosuchhost",
            "/mx example.com",
            "/map host localhost",
            "/map host nosuch",
            "/map nosuchmap key",
            "3",
            "nosuchruleset user",
            "3,nosuchruleset user",
            "0 $# local $: x",
            ".Dq quux",
            "$q",
            "/tryflags HS",
            "/try local user",
            "/tryflags ER",
            "-d21.12",
            "3,0 user@example.com",
            "-d21.15",
            "3,0 user@example.com",
            "-d21.0",
        ]
        .map(str::to_owned),
    );
    lines
}

/// Compares one configuration; returns (agreeing commands, all commands, report).
fn compare(cf: &Path, etc_mail: Option<&Path>) -> (usize, usize, Vec<String>) {
    let lines = probe_lines(cf, etc_mail);
    let input = lines.join("\n") + "\n";
    let theirs = answers(&oracle(cf, etc_mail, &input));
    let ours = answers(&emulate(cf, etc_mail, &input));
    let mut agree = 0;
    let mut report = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let t = theirs.get(i).cloned().unwrap_or_default();
        let o = ours.get(i).cloned().unwrap_or_default();
        if t == o {
            agree += 1;
        } else if report.len() < 5 {
            report.push(format!(
                "{}: `{line}`\n--- sendmail\n{}--- cf2postfix\n{}",
                cf.display(),
                String::from_utf8_lossy(&t),
                String::from_utf8_lossy(&o)
            ));
        }
    }
    (agree, lines.len(), report)
}

/// Does the real sendmail load this file without configuration errors?
fn loads_cleanly(cf: &Path) -> bool {
    let out = oracle(cf, None, "");
    let text = String::from_utf8_lossy(&out);
    let head = text.split("ADDRESS TEST MODE").next().unwrap_or("");
    !head
        .lines()
        .any(|l| l.contains(": line ") && !l.contains("fileclass"))
}

fn run_set(files: &[(PathBuf, Option<PathBuf>)], what: &str) {
    if !support::sendmail_available() {
        support::skip(&format!("real sendmail not installed; {what} not compared"));
        return;
    }
    let mut total = 0;
    let mut agree = 0;
    let mut reports = Vec::new();
    let mut compared = 0;
    for (cf, etc) in files {
        if !loads_cleanly(cf) {
            continue;
        }
        compared += 1;
        let (a, t, r) = compare(cf, etc.as_deref());
        assert!(t >= 200, "{}: only {t} probe lines", cf.display());
        agree += a;
        total += t;
        reports.extend(r);
    }
    let percent = if total == 0 {
        100.0
    } else {
        agree as f64 * 100.0 / total as f64
    };
    eprintln!(
        "engine agreement, {what}: {agree}/{total} test lines identical ({percent:.2}%) over {compared} configurations"
    );
    for r in reports.iter().take(12) {
        eprintln!("{r}");
    }
    // Known differences are listed in KNOWN_DIFFERENCES; everything else
    // must agree.
    assert!(
        percent >= MIN_AGREEMENT,
        "{what}: agreement {percent:.2}% is below {MIN_AGREEMENT}%"
    );
}

/// The floor below which the comparison fails. The target is 100%; the
/// remaining differences are these:
/// - `$=X` listings (sendmail prints hash-table order, we print sorted;
///   not probed);
/// - crackaddr's templates for unusual phrase/comment mixes in `/parse`
///   and `/try` (only the common shapes are reproduced).
const MIN_AGREEMENT: f64 = 97.0;

#[test]
fn examples_and_m4_samples_rewrite_like_sendmail() {
    let scratch = TempDir::new("engine-diff");
    let mut files: Vec<(PathBuf, Option<PathBuf>)> = Vec::new();
    let examples = support::project_dir().join("examples");
    for name in ["relay-1990s", "sunos-main"] {
        files.push((examples.join(name).join("sendmail.cf"), None));
    }
    let site = examples.join("m4-site");
    if let Some(cf) = support::mc_to_cf(&site.join("site.mc"), &scratch.0) {
        files.push((cf, Some(site.join("etc-mail"))));
    }
    for mc in support::sample_mc_files() {
        if let Some(cf) = support::mc_to_cf(&mc, &scratch.0) {
            files.push((cf, None));
        }
    }
    run_set(&files, "examples and m4 samples");
}

#[test]
fn corpus_rewrites_like_sendmail() {
    let Some(dir) = support::corpus_dir() else {
        eprintln!("SKIPPED: CF2POSTFIX_CORPUS not set; corpus not compared");
        return;
    };
    let files: Vec<(PathBuf, Option<PathBuf>)> = support::cf_files(&dir)
        .into_iter()
        .map(|f| (f, None))
        .collect();
    run_set(&files, "corpus");
}

/// What each program prints before the banner, one message per line, with
/// the file's path shortened to `FILE` and the messages that depend on the
/// machine left out (class files the oracle's sandbox has and this
/// machine may not, the host name's qualification).
fn startup_messages(cf: &Path, output: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(output);
    let head = text.split("ADDRESS TEST MODE").next().unwrap_or("");
    // The oracle names the file by its canonical path, the emulator as it
    // was given (a relative path, or one through a symbolic link).
    let path = cf.display().to_string();
    let canonical = std::fs::canonicalize(cf)
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| path.clone());
    head.lines()
        .filter(|l| !l.contains("fileclass: cannot open") && !l.contains("local host name"))
        .map(|l| l.replace(&canonical, "FILE").replace(&path, "FILE"))
        .collect()
}

/// Start-up messages the emulator prints and sendmail does not, with the
/// reason: (file name, part of the message).
/// - ultrix-4.2-generic.cf line 630, `R${$*`: sendmail 8.17 reads Ultrix's
///   `${` (a YP/Hesiod passwd match) as the start of a long macro name,
///   complains about each character and drops the rule; the emulator's
///   loader reports the unbalanced brace and keeps what it can.
const KNOWN_STARTUP_DIFFERENCES: [(&str, &str); 3] = [
    ("ultrix-4.2-generic.cf", "line 630: Unbalanced { on"),
    ("ultrix-4.2-generic.cf", "line 630: R line: null LHS"),
    (
        "ultrix-4.2-generic.cf",
        "line 630: replacement $1 out of bounds",
    ),
];

/// Start-up messages: every message the emulator prints before the
/// banner, sendmail prints too, in the same order; and the two it prints
/// once the file is read (an out-of-date version level, no local mailer)
/// appear exactly when sendmail's do. sendmail's other readcf warnings are
/// not printed by `cf2postfix test` (README says which); `cf2postfix
/// parse` reports them.
#[test]
fn startup_messages_are_sendmails() {
    if !support::sendmail_available() {
        support::skip("real sendmail not installed; start-up messages not compared");
        return;
    }
    let scratch = TempDir::new("engine-startup");
    let mut files: Vec<PathBuf> = Vec::new();
    let examples = support::project_dir().join("examples");
    for name in ["relay-1990s", "sunos-main"] {
        files.push(examples.join(name).join("sendmail.cf"));
    }
    for mc in support::sample_mc_files() {
        files.extend(support::mc_to_cf(&mc, &scratch.0));
    }
    if let Some(dir) = support::corpus_dir() {
        files.extend(support::cf_files(&dir));
    }
    let mut ours_total = 0;
    let mut problems = Vec::new();
    for cf in &files {
        let theirs = startup_messages(cf, &oracle(cf, None, ""));
        let ours = startup_messages(cf, &emulate(cf, None, ""));
        ours_total += ours.len();
        // Ours must be a subsequence of theirs.
        let mut at = 0;
        for message in &ours {
            let known = KNOWN_STARTUP_DIFFERENCES
                .iter()
                .any(|(file, part)| cf.ends_with(file) && message.contains(part));
            match theirs[at..].iter().position(|t| t == message) {
                Some(p) => at += p + 1,
                None if known => {}
                None => problems.push(format!(
                    "{}: `{message}` is not sendmail's (in this order)",
                    cf.display()
                )),
            }
        }
        for kind in [
            "Warning: .cf file is out of date",
            "No local mailer defined",
        ] {
            let count = |list: &[String]| list.iter().filter(|m| m.starts_with(kind)).count();
            if count(&ours) != count(&theirs) {
                problems.push(format!(
                    "{}: `{kind}` {} times, sendmail {} times",
                    cf.display(),
                    count(&ours),
                    count(&theirs)
                ));
            }
        }
    }
    eprintln!(
        "start-up messages: {} configurations, {ours_total} messages printed, {} not sendmail's",
        files.len(),
        problems.len()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
