//! The Postfix model (`cf2postfix::postfix`) against the real Postfix:
//! trivial-rewrite's answer (`oracle/postfix-route -r`) for the probe
//! addresses of every example's and m4 sample's migration.

use std::path::Path;

use crate::support::{self, TempDir};
use cf2postfix::postfix::config::Config;
use cf2postfix::postfix::resolve::Resolver;

/// The lowest agreement the model may show; the target is 100%.
const MIN_AGREEMENT: f64 = 99.0;

/// Probe addresses of a migration: every `user@domain` the analysis tried,
/// plus the shapes the resolver treats specially.
fn addresses(output: &cf2postfix::emit::Output) -> Vec<String> {
    let report = output.report.as_ref().expect("report");
    let mut out: Vec<String> = vec![
        "user".into(),
        "postmaster".into(),
        "user@localhost".into(),
        "user@oracle.example.com".into(),
        "user@oracle.example.com.".into(),
        "user@example.net".into(),
        "user@sub.example.net".into(),
        "a%b@oracle.example.com".into(),
        "c!d@oracle.example.com".into(),
        "e!f".into(),
        "user@[127.0.0.1]".into(),
        "user@[192.0.2.1]".into(),
        "USER@EXAMPLE.NET".into(),
        "user+ext@oracle.example.com".into(),
        "a%b%c@oracle.example.com".into(),
        "x!y!z".into(),
        "x!y@oracle.example.com".into(),
        "a%b".into(),
        "user@localhost.".into(),
        "user@oracle".into(),
        "\"quoted user\"@example.net".into(),
        "@gw.example.net:user@example.org".into(),
    ];
    for route in &report.routes {
        let domain = match &route.destination {
            cf2postfix::intent::Destination::Domain(d) => d.clone(),
            cf2postfix::intent::Destination::Subdomains(d) => format!("x.{d}"),
            _ => continue,
        };
        out.push(format!("user@{domain}"));
    }
    if let Some(main) = output.files.get("main.cf") {
        for line in String::from_utf8_lossy(main).lines() {
            if let Some((name, value)) = line.split_once('=') {
                if matches!(
                    name.trim(),
                    "mydestination" | "relay_domains" | "virtual_alias_domains"
                ) {
                    for d in value
                        .split([',', ' '])
                        .filter(|d| d.contains('.') && !d.contains('$'))
                    {
                        out.push(format!("user@{}", d.trim()));
                        out.push(format!("user@sub.{}", d.trim()));
                    }
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

fn model_answers(dir: &Path, addresses: &[String]) -> Vec<String> {
    let config = Config::load(dir, "oracle.example.com").expect("main.cf");
    let resolver = Resolver::new(&config);
    addresses
        .iter()
        .map(|a| {
            let canonical = resolver.rewrite_local(a);
            let r = resolver.resolve(&canonical);
            format!(
                "{a}\t{canonical}\t{}\t{}\t{}\tclass={}",
                r.transport,
                r.nexthop,
                r.recipient,
                r.class.name()
            )
        })
        .collect()
}

#[test]
fn resolver_agrees_with_trivial_rewrite() {
    if !support::postfix_available() {
        support::skip("the real Postfix is not installed (run oracle/install.sh): resolver agreement not measured");
        return;
    }
    let scratch = TempDir::new("postfix-model");
    let mut inputs = crate::migrate::examples(&scratch.0);
    for mc in support::sample_mc_files() {
        if let Some(cf) = support::mc_to_cf(&mc, &scratch.0) {
            inputs.push(crate::migrate::Input {
                name: cf.display().to_string(),
                bytes: std::fs::read(&cf).expect("cf"),
                etc_mail: None,
            });
        }
    }
    let (mut agree, mut total) = (0usize, 0usize);
    let mut differences = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        let output = support::migrate(&input.name, &input.bytes, input.etc_mail.as_deref(), &[]);
        let dir = scratch.0.join(format!("pf-{i}"));
        support::write_output(&output, &dir);
        let addrs = addresses(&output);
        let mut args = vec!["-r".to_owned(), dir.display().to_string()];
        args.extend(addrs.iter().cloned());
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let (ok, text) = support::run_oracle_env(
            "postfix-route",
            &refs,
            &[("PF_HOSTNAME", "oracle.example.com")],
        );
        assert!(ok, "{}: postfix-route failed:\n{text}", input.name);
        let real: Vec<&str> = text.lines().filter(|l| l.contains("\tclass=")).collect();
        let model = model_answers(&dir, &addrs);
        for (m, r) in model.iter().zip(&real) {
            total += 1;
            if m == r {
                agree += 1;
            } else {
                differences.push(format!("{}:\n  model {m}\n  real  {r}", input.name));
            }
        }
    }
    let figure = 100.0 * agree as f64 / total.max(1) as f64;
    println!("resolver agreement with the real trivial-rewrite: {agree} of {total} ({figure:.2}%)");
    for d in differences.iter().take(40) {
        println!("{d}");
    }
    assert!(total > 100, "too few addresses compared: {total}");
    assert!(
        figure >= MIN_AGREEMENT,
        "agreement {figure:.2}% below {MIN_AGREEMENT}%:\n{}",
        differences.join("\n")
    );
}
