//! `cf2postfix verify`: each example's own migration shows only explained
//! differences; deliberately broken Postfix configurations are caught;
//! the command's exit codes, maillog input and JSON Lines output.

use std::path::Path;

use crate::support::{self, TempDir};
use cf2postfix::postfix::cleanup::Pipeline;
use cf2postfix::postfix::config::Config;
use cf2postfix::verify::{Comparison, Verifier};

/// Verifies `addresses` for a configuration against a Postfix directory.
fn verify(
    name: &str,
    bytes: &[u8],
    etc_mail: Option<&Path>,
    dir: &Path,
    addresses: &[String],
) -> Vec<Comparison> {
    let file = cf2postfix::source::SourceFile::new(name, bytes.to_vec());
    let parsed = cf2postfix::syntax::parse(&file);
    let mut env = cf2postfix::engine::Environment::new("oracle.example.com");
    env.etc_mail = etc_mail.map(Path::to_path_buf);
    let machine = cf2postfix::engine::Machine::load(&file, &parsed.config, env);
    let config = Config::load(dir, "oracle.example.com").expect("main.cf");
    let mut verifier = Verifier::new(machine, Pipeline::new(&config), &file, &parsed.config);
    addresses.iter().map(|a| verifier.compare(a)).collect()
}

fn probe_set(name: &str, bytes: &[u8], etc_mail: Option<&Path>) -> Vec<String> {
    let file = cf2postfix::source::SourceFile::new(name, bytes.to_vec());
    let parsed = cf2postfix::syntax::parse(&file);
    let mut env = cf2postfix::engine::Environment::new("oracle.example.com");
    env.etc_mail = etc_mail.map(Path::to_path_buf);
    let analysis = cf2postfix::analyze::analyze(&file, &parsed.config, env);
    analysis.probes.outcomes.keys().cloned().collect()
}

#[test]
fn own_migrations_have_only_explained_differences() {
    let scratch = TempDir::new("verify-own");
    for input in crate::migrate::examples(&scratch.0) {
        let dir = scratch.0.join(input.name.replace('/', "_"));
        let output = input.migrate_into(&dir);
        let listed: Vec<String> = output
            .report
            .as_ref()
            .expect("report")
            .differences
            .iter()
            .map(|d| d.address.clone())
            .collect();
        let addresses = probe_set(&input.name, &input.bytes, input.etc_mail.as_deref());
        let results = verify(
            &input.name,
            &input.bytes,
            input.etc_mail.as_deref(),
            &dir,
            &addresses,
        );
        let mut explained = std::collections::BTreeMap::<&str, usize>::new();
        let mut unexplained = Vec::new();
        let mut same = 0;
        for c in &results {
            if c.same {
                same += 1;
            } else if listed.contains(&c.address) {
                *explained.entry("listed in MIGRATION.md").or_default() += 1;
            } else if let Some(why) = &c.explanation {
                *explained.entry(why.as_str()).or_default() += 1;
            } else {
                unexplained.push(format!(
                    "{}: sendmail {} / postfix {:?}",
                    c.address,
                    c.sendmail.describe(),
                    c.postfix.iter().map(|p| p.describe()).collect::<Vec<_>>()
                ));
            }
        }
        println!(
            "{}: {} probe addresses, {same} the same",
            input.name,
            results.len()
        );
        for (why, n) in &explained {
            println!("  {n} explained: {why}");
        }
        assert!(
            unexplained.is_empty(),
            "{}: unexplained differences:\n{}",
            input.name,
            unexplained.join("\n")
        );
        assert!(
            same * 2 > results.len(),
            "{}: fewer than half the probes agree",
            input.name
        );
    }
}

/// Changes one line of a generated file.
fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).expect("generated file");
    assert!(text.contains(from), "{file} has no {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).expect("edit");
}

#[test]
fn broken_postfix_configurations_are_caught() {
    let scratch = TempDir::new("verify-broken");
    let inputs = crate::migrate::examples(&scratch.0);
    let Some(site) = inputs.iter().find(|i| i.name.contains("m4-site")) else {
        support::skip("the sendmail m4 tree is not installed: broken-configuration tests skipped");
        return;
    };
    let output = support::migrate(&site.name, &site.bytes, site.etc_mail.as_deref(), &[]);
    // (what is broken, file, from, to, the address that must now differ)
    let breaks: &[(&str, &str, &str, &str, &str)] = &[
        (
            "a mailertable route removed",
            "transport",
            "branch.example.org\tsmtp:[mx.branch.example.org]",
            "",
            "user@branch.example.org",
        ),
        (
            "the smart host changed",
            "main.cf",
            "relayhost = relay.example.net",
            "relayhost = [evil.example]",
            "user@example.net",
        ),
        (
            "a local domain dropped",
            "main.cf",
            ",\n    mail.example.org\n",
            "\n",
            "user@mail.example.org",
        ),
        (
            "a virtual alias retargeted",
            "virtual",
            "info@example.org\talice@localhost",
            "info@example.org\tmallory@example.net",
            "info@example.org",
        ),
        (
            "an error route turned into delivery",
            "transport",
            "old.example.com\terror:5.1.2 Host retired",
            "old.example.com\tsmtp:",
            "user@old.example.com",
        ),
        (
            "the default transport broken",
            "main.cf",
            "compatibility_level = 3.6",
            "compatibility_level = 3.6\ndefault_transport = error:nothing leaves",
            "user@example.net",
        ),
    ];
    let addresses: Vec<String> = breaks.iter().map(|b| b.4.to_owned()).collect();
    // The intact migration agrees on these addresses.
    let good = scratch.0.join("good");
    support::write_output(&output, &good);
    for c in verify(
        &site.name,
        &site.bytes,
        site.etc_mail.as_deref(),
        &good,
        &addresses,
    ) {
        assert!(c.same, "intact migration differs on {}: {:?}", c.address, c);
    }
    for (i, (what, file, from, to, address)) in breaks.iter().enumerate() {
        let dir = scratch.0.join(format!("broken-{i}"));
        support::write_output(&output, &dir);
        edit(&dir, file, from, to);
        let results = verify(
            &site.name,
            &site.bytes,
            site.etc_mail.as_deref(),
            &dir,
            &addresses,
        );
        let hit = results
            .iter()
            .find(|c| c.address == *address)
            .expect("address verified");
        assert!(
            !hit.same,
            "{what}: verify did not notice ({address}: {hit:?})"
        );
        println!(
            "caught: {what} ({address}: postfix {})",
            hit.postfix
                .iter()
                .map(|p| p.describe())
                .collect::<Vec<_>>()
                .join("; ")
        );
    }
}

#[test]
fn command_reads_maillogs_and_exits_by_result() {
    let scratch = TempDir::new("verify-cli");
    let dir = scratch.0.join("out");
    let dir_text = dir.display().to_string();
    let cf = "examples/relay-1990s/sendmail.cf";
    let run = |args: &[&str]| {
        let (code, out, _) = support::cf2postfix(args);
        (code, out)
    };
    let (code, _) = run(&[
        "migrate",
        cf,
        "-o",
        &dir_text,
        "--hostname",
        "mail.example.com",
    ]);
    assert_eq!(code, 0);
    let log = scratch.0.join("maillog");
    std::fs::write(
        &log,
        "Nov 24 10:00:00 gw sendmail[1]: AA1: from=<a@example.net>, size=10\n\
         Nov 24 10:00:01 gw sendmail[1]: AA1: to=<root@gw.example.edu>,<someone@example.org>, delay=00:00:01, mailer=local, stat=Sent\n\
         Nov 24 10:00:02 gw sendmail[2]: AA2: to=user@uunet.uucp, delay=00:00:01, mailer=uucp, stat=Sent\n",
    )
    .expect("log");
    let log_text = log.display().to_string();
    let (code, out) = run(&[
        "verify",
        cf,
        &dir_text,
        "--hostname",
        "mail.example.com",
        "--maillog",
        &log_text,
    ]);
    // user@uunet.uucp differs (the uucp mailer gets the bare user): exit 1.
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("DIFFERENT user@uunet.uucp"), "{out}");
    assert!(out.contains("| all | 3 | 2 | 1 |"), "{out}");
    let agreeing = scratch.0.join("addresses");
    std::fs::write(
        &agreeing,
        "root@gw.example.edu\nsomeone@example.org\n# a comment\n\n",
    )
    .expect("list");
    let agreeing_text = agreeing.display().to_string();
    let (code, out) = run(&[
        "verify",
        cf,
        &dir_text,
        "--hostname",
        "mail.example.com",
        "--addresses",
        &agreeing_text,
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("| all | 2 | 2 | 0 |"), "{out}");
    let (code, out) = run(&[
        "verify",
        cf,
        &dir_text,
        "--hostname",
        "mail.example.com",
        "--maillog",
        &log_text,
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    // Routing differences and the summary; door differences are their
    // own objects.
    let routing: Vec<&serde_json::Value> = lines
        .iter()
        .filter(|l| l.get("door").is_none() || l.get("summary").is_some())
        .collect();
    assert_eq!(routing.len(), 2, "{out}");
    assert_eq!(routing[0]["address"], "user@uunet.uucp");
    assert_eq!(routing[1]["summary"]["total"], 3);
    assert_eq!(routing[1]["door"]["total"], 6, "{out}");
    let (code, _) = run(&["verify", cf, "no-such-dir"]);
    assert_eq!(code, 2);
}

/// The door: verify fails when a migration refuses at RCPT what the old
/// server accepted (relay_domains or mydestination emptied, alias_maps
/// naming a missing file), and passes the intact migration, whose only
/// door differences (the open relay closed) are intended.
#[test]
fn door_breaks_make_verify_fail() {
    let scratch = TempDir::new("verify-door");
    let dir = scratch.0.join("mx");
    let dir_text = dir.display().to_string();
    let cf = "examples/mx-1996/sendmail.cf";
    let (code, _, err) = support::cf2postfix(&[
        "migrate",
        cf,
        "--hostname",
        "mx.widgets.example",
        "-o",
        &dir_text,
    ]);
    assert_eq!(code, 0, "migrate failed: {err}");
    let passwd = scratch.0.join("passwd");
    std::fs::write(&passwd, "root:x:0:0:root:/root:/bin/sh\n").expect("passwd");
    let addresses = scratch.0.join("addresses");
    std::fs::write(
        &addresses,
        "joe@widgets.example\njoe@customer.example\nroot@mx.widgets.example\nnobody-here@mx.widgets.example\nx@outside.example\n",
    )
    .expect("addresses");
    let run = |dir: &Path| {
        let dir_text = dir.display().to_string();
        support::cf2postfix(&[
            "verify",
            cf,
            &dir_text,
            "--hostname",
            "mx.widgets.example",
            "--passwd",
            &passwd.display().to_string(),
            "--addresses",
            &addresses.display().to_string(),
        ])
    };
    let (code, out, err) = run(&dir);
    assert_eq!(code, 0, "the intact migration fails verify:\n{out}{err}");
    assert!(
        out.contains("intended: the old server relayed for anyone"),
        "the closed open relay is not labelled:\n{out}"
    );
    let breaks: &[(&str, &str, &str, &str)] = &[
        (
            "relay_domains emptied",
            "relay_domains = customer.example, customer2.example, widgets.example",
            "relay_domains =",
            "DIFFERENT AT THE DOOR joe@widgets.example from 203.0.113.9",
        ),
        (
            "mydestination emptied",
            "mydestination = $myhostname, localhost, mx",
            "mydestination =",
            "DIFFERENT AT THE DOOR nobody-here@mx.widgets.example",
        ),
        (
            "alias_maps names a missing file",
            "alias_maps = hash:/etc/aliases",
            "alias_maps = hash:/nonexistent/aliases",
            "DIFFERENT AT THE DOOR nobody-here@mx.widgets.example",
        ),
    ];
    for (i, (what, from, to, expect)) in breaks.iter().enumerate() {
        let broken = scratch.0.join(format!("broken-{i}"));
        std::fs::create_dir_all(&broken).expect("dir");
        for entry in std::fs::read_dir(&dir).expect("output").flatten() {
            std::fs::copy(entry.path(), broken.join(entry.file_name())).expect("copy");
        }
        edit(&broken, "main.cf", from, to);
        let (code, out, err) = run(&broken);
        assert_eq!(code, 1, "{what}: verify does not fail:\n{out}{err}");
        assert!(out.contains(expect), "{what}: no {expect:?} in:\n{out}");
        println!("caught: {what}");
    }
}
