//! The SMTP door end to end: the real sendmail 8.17 daemon on the old
//! configuration against the real Postfix smtpd on its migration, for the
//! same (client, recipient) pairs, on the examples, the corpus and the m4
//! samples. Each pair must get the same answer (accept, defer, reject),
//! or differ in a way the migration intends and its report names: the
//! old open relay closed, Postfix's own acceptance of a bare
//! `<postmaster>`.
//!
//! Clients: an outside client without a name, loopback, and the clients
//! the old configuration trusts (names the door inference found, networks
//! it relays for). Recipients: every probe domain of the migration
//! (`user@D`), the host's own users, an unknown user, `postmaster`,
//! an 8-bit local part and an address literal.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use cf2postfix::smtp::Answer;

use crate::migrate::{all_inputs, Input};
use crate::support::{self, TempDir};

/// The agreement this test holds the migrations to: it may only go up.
const FLOOR_PERCENT: f64 = 98.4;

/// At most this many recipients per configuration.
const MAX_RCPTS: usize = 60;

const SENDER: &str = "";

struct Pair {
    client: String,
    name: Option<String>,
    rcpt: String,
}

#[derive(Clone, Debug)]
struct Reply {
    code: u16,
    text: String,
}

fn answer(code: u16) -> Answer {
    Answer::of_code(code)
}

/// Every input migrate handles (the examples, the corpus, the m4 samples),
/// a real-world configuration with the maps of the `etc-mail` beside it.
fn inputs(scratch: &Path) -> Vec<Input> {
    let corpus = support::corpus_dir();
    let mut inputs = all_inputs(scratch);
    for input in &mut inputs {
        let Some(rel) = input.name.strip_prefix("corpus/") else {
            continue;
        };
        let etc = corpus
            .as_ref()
            .and_then(|c| c.join(rel).parent().map(|p| p.join("etc-mail")));
        input.etc_mail = etc.filter(|e| e.is_dir());
    }
    inputs
}

fn etc_path(input: &Input) -> Option<PathBuf> {
    input.etc_mail.as_ref().map(|e| {
        if e.is_absolute() {
            e.clone()
        } else {
            support::project_dir().join(e)
        }
    })
}

/// The pairs to ask both servers about, and what the migration says.
fn pairs(input: &Input) -> (Vec<Pair>, cf2postfix::emit::Output, bool) {
    let file = cf2postfix::source::SourceFile::new(&input.name, input.bytes.clone());
    let parsed = cf2postfix::syntax::parse(&file);
    let mut env = cf2postfix::engine::Environment::new("oracle.example.com");
    env.etc_mail = etc_path(input);
    let analysis = cf2postfix::analyze::analyze(&file, &parsed.config, env);
    let output = cf2postfix::emit::emit(&analysis).expect("templates render");
    let open = analysis.intent.relay.open.is_some();
    let mut rcpts: Vec<String> = vec![
        "root@oracle.example.com".into(),
        "postmaster@oracle.example.com".into(),
        "no-such-user-e2e@oracle.example.com".into(),
        "root@localhost".into(),
        "postmaster".into(),
        "j\u{f6}rg@oracle.example.com".into(),
        "user@[192.0.2.1]".into(),
        "user@outside.example".into(),
    ];
    for a in analysis.probes.outcomes.keys() {
        if rcpts.len() >= MAX_RCPTS {
            break;
        }
        if a.starts_with("user@") && !a.contains(['%', '!', '<', ' ', '"']) && !rcpts.contains(a) {
            rcpts.push(a.clone());
        }
    }
    let mut clients: Vec<(String, Option<String>)> =
        vec![("203.0.113.9".into(), None), ("127.0.0.1".into(), None)];
    for name in analysis.door.trusted_names.iter().take(2) {
        clients.push(("198.51.100.7".into(), Some(name.clone())));
    }
    for net in analysis.intent.relay.networks.iter().take(2) {
        let addr = net
            .value
            .split('/')
            .next()
            .unwrap_or("")
            .trim_matches(['[', ']']);
        if let Ok(std::net::IpAddr::V4(v4)) = addr.parse::<std::net::IpAddr>() {
            let mut o = v4.octets();
            if o[3] == 0 {
                o[3] = 1;
            }
            let a = std::net::Ipv4Addr::from(o).to_string();
            if !clients.iter().any(|(c, _)| *c == a) {
                clients.push((a, None));
            }
        }
    }
    let mut out = Vec::new();
    for (client, name) in &clients {
        for rcpt in &rcpts {
            out.push(Pair {
                client: client.clone(),
                name: name.clone(),
                rcpt: rcpt.clone(),
            });
        }
    }
    (out, output, open)
}

/// The real sendmail's replies, by (client, recipient).
fn sendmail_replies(
    cf: &Path,
    input: &Input,
    pairs: &[Pair],
) -> Result<BTreeMap<(String, String), Reply>, String> {
    let mut clients: Vec<serde_json::Value> = Vec::new();
    let mut seen = Vec::new();
    for p in pairs {
        let key = (p.client.clone(), p.name.clone());
        if !seen.contains(&key) {
            seen.push(key);
            let mut c = serde_json::json!({"addr": p.client});
            if let Some(n) = &p.name {
                c["name"] = n.clone().into();
                c["helo"] = n.clone().into();
            }
            clients.push(c);
        }
    }
    let mut rcpts: Vec<String> = Vec::new();
    for p in pairs {
        if !rcpts.contains(&p.rcpt) {
            rcpts.push(p.rcpt.clone());
        }
    }
    let spec = serde_json::json!({"clients": clients, "sender": SENDER, "rcpts": rcpts});
    // Both servers see the same aliases: the ones the migration carried,
    // or else the Postfix host's own /etc/aliases.
    let etc = cf.with_file_name("etc-mail");
    std::fs::create_dir_all(&etc).map_err(|e| e.to_string())?;
    if let Some(e) = etc_path(input) {
        for entry in std::fs::read_dir(&e).into_iter().flatten().flatten() {
            if entry.path().is_file() {
                let _ = std::fs::copy(entry.path(), etc.join(entry.file_name()));
            }
        }
    }
    if !etc.join("aliases").exists() {
        let _ = std::fs::copy("/etc/aliases", etc.join("aliases"));
    }
    let mut cmd = Command::new(support::oracle_script("sendmail-smtp"));
    cmd.arg(cf)
        .env("ORACLE_HOSTNAME", "oracle.example.com")
        .env("ORACLE_ETC_MAIL", &etc)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().map_err(|e| e.to_string())?;
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(spec.to_string().as_bytes());
    }
    let output = child.wait_with_output().map_err(|e| e.to_string())?;
    let mut out = BTreeMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if v["stage"] == "error" {
            return Err(v["text"].as_str().unwrap_or("").to_owned());
        }
        let client = v["client"].as_str().unwrap_or("").to_owned();
        let rcpt = v["rcpt"].as_str().unwrap_or("").to_owned();
        let code = v["code"].as_u64().unwrap_or(0) as u16;
        let text = v["text"].as_str().unwrap_or("").to_owned();
        out.insert((client, rcpt), Reply { code, text });
    }
    if out.is_empty() {
        return Err(format!(
            "no answer: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(out)
}

/// The real Postfix smtpd's replies for one client.
fn postfix_replies(dir: &Path, client: &str, name: Option<&str>, rcpts: &[&str]) -> Vec<Reply> {
    let dir_text = dir.display().to_string();
    let mut args: Vec<&str> = vec![&dir_text, client, SENDER];
    args.extend(rcpts.iter().copied());
    let mut env = vec![("PF_HOSTNAME", "oracle.example.com")];
    if let Some(n) = name {
        env.push(("PF_PROBE_CLIENT_NAME", n));
        env.push(("PF_PROBE_HELO", n));
    }
    let (_, text) = support::run_oracle_env("postfix-smtp-probe", &args, &env);
    let mut by_rcpt: BTreeMap<String, Reply> = BTreeMap::new();
    let mut before: Option<Reply> = None;
    for line in text.lines() {
        let cols: Vec<&str> = line.splitn(3, '\t').collect();
        if cols.len() < 3 {
            continue;
        }
        let reply = Reply {
            code: cols[1].parse().unwrap_or(0),
            text: cols[2].to_owned(),
        };
        if matches!(cols[0], "MAIL" | "XCLIENT" | "EHLO") && reply.code >= 400 {
            before.get_or_insert(reply);
        } else if cols[1] != "---" {
            by_rcpt.entry(cols[0].to_owned()).or_insert(reply);
        }
    }
    rcpts
        .iter()
        .map(|r| {
            by_rcpt
                .get(*r)
                .cloned()
                .or_else(|| before.clone())
                .unwrap_or(Reply {
                    code: 0,
                    text: format!("no reply in:\n{text}"),
                })
        })
        .collect()
}

/// Why a difference is one the migration means to make.
fn intended(
    open: bool,
    client: &str,
    rcpt: &str,
    old: &Reply,
    new: &Reply,
) -> Option<&'static str> {
    if cf2postfix::verify::odd_form(rcpt) {
        return Some("an address form old rules parse their own way");
    }
    if rcpt.to_ascii_lowercase().ends_with(".redirect") {
        return Some("the REDIRECT pseudo-domain, which only aliases produce");
    }
    if rcpt == "postmaster" && answer(new.code) == Answer::Accept {
        return Some("Postfix accepts a bare <postmaster> itself (RFC 5321)");
    }
    if open
        && answer(old.code) == Answer::Accept
        && new.code == 554
        && new.text.contains("Relay access denied")
        && client != "127.0.0.1"
    {
        return Some("the old open relay is closed");
    }
    None
}

#[test]
fn migrated_door_answers_as_the_old_one() {
    if !support::sendmail_available() || !support::postfix_available() {
        support::skip("the real sendmail or Postfix is not installed (run oracle/install.sh): the door is not compared end to end");
        return;
    }
    let scratch = TempDir::new("door-e2e");
    let inputs = inputs(&scratch.0);
    let mut total = 0usize;
    let mut same = 0usize;
    let mut intended_count = 0usize;
    let mut differences: Vec<String> = Vec::new();
    let mut daemon_refused: Vec<String> = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        let (pairs, output, open) = pairs(input);
        let dir = scratch.0.join(format!("in{i}"));
        support::write_output(&output, &dir);
        let cf = dir.join("old.cf");
        std::fs::write(&cf, &input.bytes).expect("cf copy");
        let old = match sendmail_replies(&cf, input, &pairs) {
            Ok(o) => o,
            Err(e) => {
                daemon_refused.push(format!(
                    "{}: {}",
                    input.name,
                    e.lines().next().unwrap_or("")
                ));
                continue;
            }
        };
        // A configuration whose maps or files are missing here makes the
        // old server defer every recipient: nothing to compare.
        if old.values().all(|r| r.code == 451) {
            daemon_refused.push(format!(
                "{}: the old server defers every recipient here ({}): a map or file it needs is missing",
                input.name,
                old.values().next().map(|r| r.text.as_str()).unwrap_or("")
            ));
            continue;
        }
        let mut by_client: BTreeMap<(String, Option<String>), Vec<&str>> = BTreeMap::new();
        for p in &pairs {
            by_client
                .entry((p.client.clone(), p.name.clone()))
                .or_default()
                .push(&p.rcpt);
        }
        for ((client, name), rcpts) in &by_client {
            let new = postfix_replies(&dir, client, name.as_deref(), rcpts);
            for (rcpt, new) in rcpts.iter().zip(new) {
                let Some(old) = old.get(&(client.clone(), (*rcpt).to_owned())) else {
                    continue;
                };
                total += 1;
                if answer(old.code) == answer(new.code) {
                    same += 1;
                } else if let Some(_why) = intended(open, client, rcpt, old, &new) {
                    intended_count += 1;
                } else {
                    differences.push(format!(
                        "{}: client {client}{}, RCPT {rcpt}: sendmail {} {} | postfix {} {}",
                        input.name,
                        name.as_ref().map(|n| format!(" ({n})")).unwrap_or_default(),
                        old.code,
                        old.text,
                        new.code,
                        new.text
                    ));
                }
            }
        }
    }
    let agree = (same + intended_count) as f64 * 100.0 / total.max(1) as f64;
    println!(
        "door end to end: {total} (client, recipient) pairs over {} configurations; {same} answer alike, {intended_count} differ as intended, {} differ: {agree:.1}% agree",
        inputs.len() - daemon_refused.len(),
        differences.len()
    );
    for d in &daemon_refused {
        println!("  not compared: {d}");
    }
    for d in differences.iter().take(400) {
        println!("  DIFFERENT {d}");
    }
    assert!(total > 0, "no pair was compared");
    assert!(
        agree >= FLOOR_PERCENT,
        "door agreement {agree:.1}% is below {FLOOR_PERCENT}%"
    );
}
