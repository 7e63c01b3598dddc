//! `cf2postfix migrate`: snapshots of every emitted file for the examples,
//! the real Postfix's checks on the output for the whole corpus and every
//! m4 sample, routing agreement between the real sendmail and the real
//! Postfix, an open-relay test through XCLIENT, and `--check`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::support::{self, TempDir};

/// An input configuration for migrate tests.
pub struct Input {
    /// Stable name: the file's path relative to the project or corpus.
    pub name: String,
    pub bytes: Vec<u8>,
    /// `--etc-mail`, relative to the project when it is one of ours.
    pub etc_mail: Option<PathBuf>,
}

impl Input {
    /// Migrates the input and writes the files into `dir`.
    pub fn migrate_into(&self, dir: &Path) -> cf2postfix::emit::Output {
        let output = support::migrate(&self.name, &self.bytes, self.etc_mail.as_deref(), &[]);
        support::write_output(&output, dir);
        output
    }
}

/// The m4-generated text with the lines that name the build user, host,
/// date and directory made constant.
pub fn stable_m4(text: &str) -> Vec<u8> {
    text.lines()
        .map(|line| {
            if line.starts_with("##### built by") || line.starts_with("##### in ") {
                "##### (build details removed)"
            } else {
                line
            }
        })
        .flat_map(|line| [line, "\n"])
        .collect::<String>()
        .into_bytes()
}

/// The examples: two hand-written, one built from its .mc (when the m4
/// tree is installed).
pub fn examples(scratch: &Path) -> Vec<Input> {
    let mut out = Vec::new();
    for name in ["mx-1996", "relay-1990s", "sunos-main"] {
        let rel = format!("examples/{name}/sendmail.cf");
        let bytes = std::fs::read(support::project_dir().join(&rel)).expect("example");
        out.push(Input {
            name: rel,
            bytes,
            etc_mail: None,
        });
    }
    let mc = support::project_dir().join("examples/m4-site/site.mc");
    if let Some(cf) = support::mc_to_cf(&mc, scratch) {
        let text = std::fs::read_to_string(cf).expect("generated cf");
        out.push(Input {
            name: "examples/m4-site/site.cf".into(),
            bytes: stable_m4(&text),
            etc_mail: Some(PathBuf::from("examples/m4-site/etc-mail")),
        });
    }
    out
}

/// `relay-1990s` for `examples/relay-1990s/sendmail.cf`.
pub fn short_name(name: &str) -> String {
    name.trim_start_matches("examples/")
        .split('/')
        .next()
        .unwrap_or(name)
        .to_owned()
}

#[test]
fn example_outputs_are_snapshots() {
    let scratch = TempDir::new("migrate-snapshots");
    let inputs = examples(&scratch.0);
    if inputs.len() < 3 {
        support::skip("the sendmail m4 tree is not installed; the m4 example's migration is not snapshot-tested");
    }
    for input in inputs {
        let output = support::migrate(&input.name, &input.bytes, input.etc_mail.as_deref(), &[]);
        let again = support::migrate(&input.name, &input.bytes, input.etc_mail.as_deref(), &[]);
        assert_eq!(
            output.files, again.files,
            "{}: output is not deterministic",
            input.name
        );
        let example = short_name(&input.name);
        support::snapshot_settings().bind(|| {
            for (file, bytes) in &output.files {
                insta::assert_snapshot!(
                    format!("migrate@{example}@{file}"),
                    String::from_utf8_lossy(bytes)
                );
            }
        });
    }
}

/// The .cf of every m4 sample (none without the m4 tree), named `m4/NAME.cf`.
pub fn m4_samples(scratch: &Path) -> Vec<Input> {
    support::sample_mc_files()
        .iter()
        .filter_map(|mc| support::mc_to_cf(mc, scratch))
        .map(|cf| Input {
            name: format!(
                "m4/{}",
                cf.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            ),
            bytes: std::fs::read(&cf).expect("generated cf"),
            etc_mail: None,
        })
        .collect()
}

/// Every configuration migrate must handle: the corpus, the m4 samples,
/// the examples.
pub fn all_inputs(scratch: &Path) -> Vec<Input> {
    let mut inputs = examples(scratch);
    if let Some(corpus) = support::corpus_dir() {
        for path in support::cf_files(&corpus) {
            let name = path
                .strip_prefix(&corpus)
                .map(|p| format!("corpus/{}", p.display()))
                .unwrap_or_else(|_| path.display().to_string());
            inputs.push(Input {
                name,
                bytes: std::fs::read(&path).expect("corpus file"),
                etc_mail: None,
            });
        }
    } else {
        support::skip("CF2POSTFIX_CORPUS is not set: corpus migrations skipped");
    }
    inputs.extend(m4_samples(scratch));
    inputs
}

#[test]
fn postfix_accepts_every_migration() {
    let scratch = TempDir::new("migrate-postfix-check");
    let inputs = all_inputs(&scratch.0);
    let postfix = support::postfix_available();
    if !postfix {
        support::skip("the real Postfix is not installed (run oracle/install.sh): migrations are built but not checked by postfix-check");
    }
    let mut failures = Vec::new();
    let mut checked = 0;
    for (i, input) in inputs.iter().enumerate() {
        let result = std::panic::catch_unwind(|| {
            support::migrate(&input.name, &input.bytes, input.etc_mail.as_deref(), &[])
        });
        let Ok(output) = result else {
            failures.push(format!("{}: migrate panicked", input.name));
            continue;
        };
        for required in ["main.cf", "master.cf", "MIGRATION.md", "report.json"] {
            assert!(
                output.files.contains_key(required),
                "{}: no {required}",
                input.name
            );
        }
        let main = String::from_utf8_lossy(&output.files["main.cf"]).into_owned();
        assert!(
            main.contains("reject_unauth_destination"),
            "{}: relay restrictions do not end in a reject",
            input.name
        );
        if !postfix {
            continue;
        }
        let dir = scratch.0.join(format!("out-{i}"));
        support::write_output(&output, &dir);
        let (ok, text) = support::run_oracle("postfix-check", &[&dir.display().to_string()]);
        checked += 1;
        if !ok {
            failures.push(format!("{}:\n{text}", input.name));
        }
    }
    println!(
        "migrate: {} configurations migrated, {checked} passed through postfix-check, {} failures",
        inputs.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// sendmail's mailer name and host, as both sides are compared.
fn normalize(transport: &str, hop: &str, domain: &str) -> (String, String) {
    let transport = match transport {
        // One SMTP client: sendmail's relay mailer and Postfix's relay
        // transport are SMTP with another name.
        "esmtp" | "smtp" | "smtp8" | "dsmtp" | "relay" => "smtp",
        "*error*" | "error" => "error",
        "local" | "prog" | "*file*" | "*include*" => "local",
        other => other,
    }
    .to_owned();
    let mut hop = hop
        .trim()
        .trim_start_matches('[')
        .split(']')
        .next()
        .unwrap_or("")
        .trim_end_matches('.')
        .to_ascii_lowercase();
    if transport == "local" || transport == "error" || hop == domain {
        hop.clear();
    }
    (transport, hop)
}

/// `/parse` through the real sendmail: address to (mailer, host).
fn sendmail_routes(
    cf: &Path,
    etc_mail: Option<&Path>,
    addresses: &[String],
) -> BTreeMap<String, (String, String)> {
    let input: String = addresses.iter().map(|a| format!("/parse {a}\n")).collect();
    let text = crate::engine_differential::oracle(cf, etc_mail, &input);
    let text = String::from_utf8_lossy(&text).into_owned();
    let mut out = BTreeMap::new();
    let mut current = 0usize;
    for line in text.lines() {
        if line.starts_with("> ") && line.contains("Cracked address")
            || line.starts_with("> Cracked")
        {
            // a new /parse answer starts
        }
        if let Some(rest) = line.strip_prefix("mailer ") {
            let Some(address) = addresses.get(current) else {
                break;
            };
            let domain = address
                .rsplit_once('@')
                .map(|(_, d)| d.to_ascii_lowercase())
                .unwrap_or_default();
            let mut mailer = rest.split(',').next().unwrap_or("").trim().to_owned();
            let host = rest
                .split(", ")
                .find_map(|p| p.strip_prefix("host "))
                .unwrap_or("")
                .to_owned();
            if mailer.is_empty() {
                mailer = "?".into();
            }
            out.insert(address.clone(), normalize(&mailer, &host, &domain));
            current += 1;
        } else if line.contains("Cannot parse") || line.ends_with("Cannot parse") {
            current += 1;
        }
    }
    out
}

/// The real Postfix (full pipeline, nothing delivered): address to
/// (transport, next hop) of its first final recipient.
fn postfix_routes(dir: &Path, addresses: &[String]) -> BTreeMap<String, (String, String)> {
    let mut args: Vec<String> = vec![dir.display().to_string()];
    args.extend(addresses.iter().cloned());
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let (_, text) = support::run_oracle("postfix-route", &refs);
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 5 {
            continue;
        }
        let domain = cols[0]
            .rsplit_once('@')
            .map(|(_, d)| d.to_ascii_lowercase())
            .unwrap_or_default();
        let hop = if matches!(cols[2], "smtp" | "relay" | "lmtp") {
            cols[4]
        } else {
            ""
        };
        let hop = hop.split(':').next().unwrap_or(hop);
        out.entry(cols[0].to_owned())
            .or_insert_with(|| normalize(cols[2], hop, &domain));
    }
    out
}

#[test]
fn postfix_routes_like_sendmail_for_m4_configs_with_maps() {
    if !support::sendmail_available()
        || !support::postfix_available()
        || support::sample_mc_files().is_empty()
    {
        support::skip("the real sendmail or Postfix is not installed (run oracle/install.sh): routing agreement not measured");
        return;
    }
    let scratch = TempDir::new("migrate-routes");
    let etc_mail = support::project_dir().join("examples/m4-site/etc-mail");
    let mut configs: Vec<(String, PathBuf)> = Vec::new();
    let site = support::mc_to_cf(
        &support::project_dir().join("examples/m4-site/site.mc"),
        &scratch.0,
    )
    .expect("site.mc builds");
    configs.push(("m4-site".into(), site));
    if let Some(knecht) = support::sample_mc_files()
        .into_iter()
        .find(|p| p.ends_with("knecht.mc"))
    {
        configs.push((
            "knecht".into(),
            support::mc_to_cf(&knecht, &scratch.0).expect("knecht builds"),
        ));
    }
    let (mut agree, mut total, mut listed) = (0usize, 0usize, 0usize);
    let mut unlisted = Vec::new();
    for (name, cf) in configs {
        let bytes = std::fs::read(&cf).expect("cf");
        let output = support::migrate(&name, &bytes, Some(&etc_mail), &[]);
        let dir = scratch.0.join(format!("pf-{name}"));
        support::write_output(&output, &dir);
        let report = output.report.as_ref().expect("report");
        let addresses: Vec<String> = crate::migrate::probe_addresses(&bytes, Some(&etc_mail));
        let sendmail = sendmail_routes(&cf, Some(&etc_mail), &addresses);
        let postfix = postfix_routes(&dir, &addresses);
        for address in &addresses {
            let (Some(s), Some(p)) = (sendmail.get(address), postfix.get(address)) else {
                continue;
            };
            total += 1;
            if s == p {
                agree += 1;
            } else if report.differences.iter().any(|d| &d.address == address) {
                listed += 1;
            } else {
                unlisted.push(format!("{name}: {address}: sendmail {s:?}, postfix {p:?}"));
            }
        }
    }
    println!(
        "routing agreement (real sendmail /parse vs real Postfix): {agree} of {total} probe addresses ({:.1}%); {listed} differences listed in MIGRATION.md",
        100.0 * agree as f64 / total.max(1) as f64
    );
    assert!(total > 20, "too few comparable probe addresses: {total}");
    assert!(
        unlisted.is_empty(),
        "differences not listed in MIGRATION.md:\n{}",
        unlisted.join("\n")
    );
}

/// The probe addresses of a configuration that have a domain.
pub fn probe_addresses(bytes: &[u8], etc_mail: Option<&Path>) -> Vec<String> {
    let file = cf2postfix::source::SourceFile::new("probe.cf", bytes.to_vec());
    let parsed = cf2postfix::syntax::parse(&file);
    let mut env = cf2postfix::engine::Environment::new("oracle.example.com");
    env.etc_mail = etc_mail.map(Path::to_path_buf);
    let analysis = cf2postfix::analyze::analyze(&file, &parsed.config, env);
    analysis
        .probes
        .outcomes
        .keys()
        .filter(|a| a.starts_with("user@") && !a.contains('%') && !a.contains('!'))
        .cloned()
        .collect()
}

#[test]
fn no_example_is_an_open_relay() {
    if !support::postfix_available() {
        support::skip(
            "the real Postfix is not installed (run oracle/install.sh): open-relay test not run",
        );
        return;
    }
    let scratch = TempDir::new("migrate-relay");
    for input in examples(&scratch.0) {
        let dir = scratch.0.join(short_name(&input.name));
        let output = input.migrate_into(&dir);
        let dir_text = dir.display().to_string();
        let (ok, text) = support::run_oracle(
            "postfix-smtp-probe",
            &[
                &dir_text,
                "203.0.113.9",
                "someone@example.net",
                "victim@outside.example",
            ],
        );
        assert!(
            ok,
            "{}: the SMTP dialogue did not complete:\n{text}",
            input.name
        );
        let line = text
            .lines()
            .find(|l| l.starts_with("victim@outside.example\t"))
            .unwrap_or("");
        assert!(
            line.split('\t').nth(1).is_some_and(|c| c.starts_with('5')),
            "{}: relaying to an outside domain from an outside client is not rejected:\n{text}",
            input.name
        );
        // The access map's REJECT entries still reject.
        let rejects = access_rejects(&output);
        for (client, name, sender, rcpt) in &rejects {
            let (ok, text) = support::run_oracle_env(
                "postfix-smtp-probe",
                &[&dir_text, client, sender, rcpt],
                &[("PF_PROBE_CLIENT_NAME", name)],
            );
            assert!(ok, "{}: dialogue failed:\n{text}", input.name);
            // The recipient's line (or MAIL's, when the sender is refused)
            // carries a 5xx reply.
            let rejected = text.lines().any(|l| {
                let cols: Vec<&str> = l.split('\t').collect();
                cols.len() >= 2
                    && (cols[0] == rcpt || cols[0] == "MAIL")
                    && cols[1].starts_with('5')
            });
            assert!(
                rejected,
                "{}: access REJECT for (client {client} {name}, {sender}, {rcpt}) did not reject:\n{text}",
                input.name
            );
        }
        println!(
            "{}: relaying refused; {} access rejects still reject",
            input.name,
            rejects.len()
        );
    }
}

/// (client address, client name, sender, recipient) that an access REJECT
/// entry of the migration must reject, from the generated access tables.
fn access_rejects(output: &cf2postfix::emit::Output) -> Vec<(String, String, String, String)> {
    let mut out = Vec::new();
    let local = "postmaster@localhost".to_owned();
    let read = |name: &str| -> Vec<(String, String)> {
        output
            .files
            .get(name)
            .map(|b| {
                String::from_utf8_lossy(b)
                    .lines()
                    .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
                    .filter_map(|l| {
                        let mut it = l.split_whitespace();
                        Some((it.next()?.to_owned(), it.collect::<Vec<_>>().join(" ")))
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let rejects = |v: &str| v.starts_with("REJECT") || v.starts_with('5');
    for (key, value) in read("recipient_access") {
        if rejects(&value) && key.contains('@') && !key.starts_with('@') && !key.ends_with('@') {
            out.push((
                "203.0.113.9".into(),
                "[UNAVAILABLE]".into(),
                "someone@example.net".into(),
                key,
            ));
        }
    }
    for (key, value) in read("sender_access") {
        if rejects(&value) {
            let sender = if key.contains('@') {
                key.trim_end_matches('@').to_owned()
                    + if key.ends_with('@') {
                        "@example.net"
                    } else {
                        ""
                    }
            } else {
                format!("someone@{key}")
            };
            out.push((
                "203.0.113.9".into(),
                "[UNAVAILABLE]".into(),
                sender,
                local.clone(),
            ));
        }
    }
    for (key, value) in read("client_access_cidr") {
        if rejects(&value) {
            if let Some(ip) = key.split('/').next() {
                let ip = if ip.ends_with(".0") {
                    format!("{}1", ip.trim_end_matches('0'))
                } else {
                    ip.to_owned()
                };
                out.push((
                    ip,
                    "[UNAVAILABLE]".into(),
                    "someone@example.net".into(),
                    local.clone(),
                ));
            }
        }
    }
    for (key, value) in read("client_access") {
        if rejects(&value) && !key.contains('@') {
            out.push((
                "203.0.113.9".into(),
                key,
                "someone@example.net".into(),
                local.clone(),
            ));
        }
    }
    out
}

#[test]
fn check_mode_shows_drift_and_writes_nothing() {
    let scratch = TempDir::new("migrate-check");
    let dir = scratch.0.join("out");
    let dir_text = dir.display().to_string();
    let cf = "examples/relay-1990s/sendmail.cf";
    let run = support::cf2postfix;
    let host = ["--hostname", "mail.example.com"];
    let (code, _, err) = run(&[&["migrate", cf, "-o", &dir_text][..], &host].concat());
    assert_eq!(code, 0, "{err}");
    assert!(dir.join("main.cf").is_file() && dir.join("MIGRATION.md").is_file());
    // Same input: no drift.
    let (code, out, _) = run(&[&["migrate", cf, "-o", &dir_text, "--check"][..], &host].concat());
    assert_eq!(code, 0, "{out}");
    assert!(out.is_empty(), "{out}");
    // A hand edit is drift: a diff, exit 1, and the file is left alone.
    let main = dir.join("main.cf");
    let mut edited = std::fs::read_to_string(&main).expect("main.cf");
    edited.push_str("relayhost = [evil.example]\n");
    std::fs::write(&main, &edited).expect("edit");
    let (code, out, _) = run(&[&["migrate", cf, "-o", &dir_text, "--check"][..], &host].concat());
    assert_eq!(code, 1);
    assert!(out.contains("-relayhost = [evil.example]"), "{out}");
    assert!(out.contains("main.cf"), "{out}");
    assert_eq!(std::fs::read_to_string(&main).expect("main.cf"), edited);
    // Existing files are not overwritten without --force.
    let (code, _, err) = run(&[&["migrate", cf, "-o", &dir_text][..], &host].concat());
    assert_eq!(code, 2);
    assert!(err.contains("--force"), "{err}");
    let (code, _, err) = run(&[&["migrate", cf, "-o", &dir_text, "--force"][..], &host].concat());
    assert_eq!(code, 0, "{err}");
    let (code, _, _) = run(&[&["migrate", cf, "-o", &dir_text, "--check"][..], &host].concat());
    assert_eq!(code, 0);
    // JSON on stdout is report.json.
    let (code, out, _) = run(&[
        &[
            "migrate", cf, "-o", &dir_text, "--force", "--format", "json",
        ][..],
        &host,
    ]
    .concat());
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&out).expect("json report");
    assert!(json["risks"].as_array().is_some_and(|r| !r.is_empty()));
    assert_eq!(
        std::fs::read_to_string(dir.join("report.json")).expect("report"),
        out
    );
    // A missing input is a usage/I/O failure.
    let (code, _, _) = run(&["migrate", "examples/none.cf", "-o", &dir_text]);
    assert_eq!(code, 2);
}

/// The story example: a 1996 MX that forwards its domain to a filtering
/// host and is backup MX for customers. From outside, the migration (with
/// the real Postfix) accepts both kinds of domain and relays them to the
/// right hosts, refuses the world, and its report names the open relay,
/// backscatter and the backup MX.
#[test]
fn mx_1996_migration_accepts_its_domains_and_refuses_the_world() {
    let scratch = TempDir::new("migrate-mx-1996");
    let input = examples(&scratch.0)
        .into_iter()
        .find(|i| i.name.contains("mx-1996"))
        .expect("the mx-1996 example");
    let dir = scratch.0.join("mx");
    let output = input.migrate_into(&dir);
    let report = String::from_utf8_lossy(&output.files["MIGRATION.md"]).into_owned();
    assert!(
        report.starts_with("# Migration report") && report.contains("\n## The SMTP door\n"),
        "MIGRATION.md does not open with the door"
    );
    for risk in ["### open_relay", "### backscatter", "### backup_mx"] {
        assert!(report.contains(risk), "MIGRATION.md names no {risk}");
    }
    if !support::postfix_available() {
        support::skip("the real Postfix is not installed: the mx-1996 door is not checked");
        return;
    }
    let dir_text = dir.display().to_string();
    let rcpts = [
        ("joe@widgets.example", '2'),
        ("anyone@widgets.example", '2'),
        ("joe@customer.example", '2'),
        ("joe@customer2.example", '2'),
        ("victim@outside.example", '5'),
    ];
    let mut args = vec![dir_text.as_str(), "203.0.113.9", "someone@example.net"];
    args.extend(rcpts.iter().map(|(r, _)| *r));
    let (ok, text) = support::run_oracle_env(
        "postfix-smtp-probe",
        &args,
        &[("PF_HOSTNAME", "oracle.example.com")],
    );
    assert!(ok, "the SMTP dialogue did not complete:\n{text}");
    for (rcpt, class) in rcpts {
        let line = text
            .lines()
            .find(|l| l.starts_with(&format!("{rcpt}\t")))
            .unwrap_or("");
        assert!(
            line.split('\t')
                .nth(1)
                .is_some_and(|c| c.starts_with(class)),
            "RCPT {rcpt} from outside: expected {class}xx:\n{text}"
        );
    }
    let (_, routes) = support::run_oracle_env(
        "postfix-route",
        &[
            "-r",
            &dir_text,
            "joe@widgets.example",
            "joe@customer.example",
        ],
        &[("PF_HOSTNAME", "oracle.example.com")],
    );
    let hop = |rcpt: &str| -> String {
        routes
            .lines()
            .find(|l| l.starts_with(&format!("{rcpt}\t")))
            .and_then(|l| l.split('\t').nth(3))
            .unwrap_or("")
            .to_owned()
    };
    assert_eq!(
        hop("joe@widgets.example"),
        "[filter.widgets.example]",
        "{routes}"
    );
    assert_eq!(hop("joe@customer.example"), "customer.example", "{routes}");
}
