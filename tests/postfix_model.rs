//! The Postfix model (`cf2postfix::postfix`) against the real Postfix:
//! trivial-rewrite's answer (`oracle/postfix-route -r`) for the probe
//! addresses of every example's and m4 sample's migration.

use std::path::Path;

use crate::support::{self, TempDir};
use cf2postfix::postfix::config::Config;
use cf2postfix::postfix::resolve::Resolver;

/// The lowest agreement the model may show; the target is 100%.
const MIN_AGREEMENT: f64 = 99.0;

/// Probe addresses of a migration: the `user@domain` probes the analysis
/// of the configuration tried, the domains the migration routes, local
/// and relayed domains, and the shapes the resolver treats specially.
fn addresses(input: &crate::migrate::Input, output: &cf2postfix::emit::Output) -> Vec<String> {
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
    // Envelope addresses only: a phrase or comment never reaches the
    // resolver.
    out.extend(
        crate::migrate::probe_addresses(&input.bytes, input.etc_mail.as_deref())
            .into_iter()
            .filter(|a| !a.contains(['(', ' ', '<'])),
    );
    out.sort();
    out.dedup();
    out
}

/// The examples and every m4 sample (with the m4 tree installed).
fn inputs(scratch: &Path) -> Vec<crate::migrate::Input> {
    let mut inputs = crate::migrate::examples(scratch);
    inputs.extend(crate::migrate::m4_samples(scratch));
    inputs
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

/// Agreement between the model and the real program over many cases.
#[derive(Default)]
struct Tally {
    agree: usize,
    total: usize,
    differences: Vec<String>,
}

impl Tally {
    fn check(&mut self, same: bool, difference: impl FnOnce() -> String) {
        self.total += 1;
        if same {
            self.agree += 1;
        } else {
            self.differences.push(difference());
        }
    }

    /// Prints the figure and the first differences; fails below
    /// `min_agreement` percent or with fewer than `min_total` cases.
    fn finish(self, what: &str, min_total: usize, min_agreement: f64) {
        let figure = 100.0 * self.agree as f64 / self.total.max(1) as f64;
        println!("{what}: {} of {} ({figure:.2}%)", self.agree, self.total);
        for d in self.differences.iter().take(40) {
            println!("{d}");
        }
        assert!(
            self.total >= min_total,
            "too few cases compared: {}",
            self.total
        );
        assert!(
            figure >= min_agreement,
            "agreement {figure:.2}% below {min_agreement}%:\n{}",
            self.differences.join("\n")
        );
    }
}

#[test]
fn resolver_agrees_with_trivial_rewrite() {
    if !support::postfix_available() {
        support::skip("the real Postfix is not installed (run oracle/install.sh): resolver agreement not measured");
        return;
    }
    let scratch = TempDir::new("postfix-model");
    let inputs = inputs(&scratch.0);
    let mut tally = Tally::default();
    for (i, input) in inputs.iter().enumerate() {
        let dir = scratch.0.join(format!("pf-{i}"));
        let output = input.migrate_into(&dir);
        let addrs = addresses(input, &output);
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
            tally.check(m == r, || {
                format!(
                    "{}:
  model {m}
  real  {r}",
                    input.name
                )
            });
        }
    }
    tally.finish(
        "resolver agreement with the real trivial-rewrite",
        101,
        MIN_AGREEMENT,
    );
}

/// The full pipeline: the real Postfix accepts each address (`sendmail -bv`
/// in a private instance, `oracle/postfix-route`), cleanup rewrites it,
/// trivial-rewrite resolves it; the model must give the same final
/// recipients and transports, and the same next hop for SMTP-like
/// transports. (Local delivery's own alias and mailbox handling is not
/// compared: local(8) reports it as free text.)
#[test]
fn pipeline_agrees_with_postfix() {
    if !support::postfix_available() {
        support::skip("the real Postfix is not installed (run oracle/install.sh): pipeline agreement not measured");
        return;
    }
    let scratch = TempDir::new("postfix-pipeline");
    let inputs = inputs(&scratch.0);
    let mut tally = Tally::default();
    for (i, input) in inputs.iter().enumerate() {
        let dir = scratch.0.join(format!("pf-{i}"));
        let output = input.migrate_into(&dir);
        // Addresses the real sendmail -bv accepts as they are: no routes,
        // no empty address.
        // One message carries them all, and cleanup merges recipients that
        // differ only in case or a trailing dot: keep one spelling of each.
        let mut seen = std::collections::BTreeSet::new();
        let addrs: Vec<String> = addresses(input, &output)
            .into_iter()
            .filter(|a| !a.starts_with('@') && !a.starts_with('"') && a.contains('@'))
            .filter(|a| seen.insert(a.to_ascii_lowercase().trim_end_matches('.').to_owned()))
            .collect();
        let mut args = vec![dir.display().to_string()];
        args.extend(addrs.iter().cloned());
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let (_, text) = support::run_oracle_env(
            "postfix-route",
            &refs,
            &[("PF_HOSTNAME", "oracle.example.com")],
        );
        let mut real: std::collections::BTreeMap<String, Vec<(String, String, String)>> =
            Default::default();
        for line in text.lines() {
            let cols: Vec<&str> = line.split('\t').collect();
            if cols.len() == 5 {
                let hop = if matches!(cols[2], "smtp" | "relay" | "lmtp") {
                    cols[4].to_owned()
                } else {
                    String::new()
                };
                real.entry(cols[0].to_ascii_lowercase()).or_default().push((
                    cols[1].to_ascii_lowercase(),
                    cols[2].to_owned(),
                    hop,
                ));
            }
        }
        let config = Config::load(&dir, "oracle.example.com").expect("main.cf");
        let pipeline = cf2postfix::postfix::cleanup::Pipeline::new(&config);
        for a in &addrs {
            let Some(r) = real.get(&a.to_ascii_lowercase()) else {
                continue;
            };
            let mut model: Vec<(String, String, String)> = pipeline
                .deliveries(a)
                .unwrap_or_default()
                .into_iter()
                .map(|d| {
                    let t = d.resolution.transport.clone();
                    let hop = if matches!(t.as_str(), "smtp" | "relay" | "lmtp") {
                        d.resolution.nexthop.clone()
                    } else {
                        String::new()
                    };
                    (d.recipient.to_ascii_lowercase(), t, hop)
                })
                .collect();
            model.sort();
            let mut r = r.clone();
            r.sort();
            tally.check(model == r, || {
                format!("{}: {a}\n  model {model:?}\n  real  {r:?}", input.name)
            });
        }
    }
    tally.finish(
        "pipeline agreement with the real Postfix (sendmail -bv)",
        31,
        MIN_AGREEMENT,
    );
}

/// The table keys of a generated access table that are whole addresses
/// (or, for a CIDR table, single hosts).
fn table_keys(output: &cf2postfix::emit::Output, name: &str) -> Vec<String> {
    output
        .files
        .get(name)
        .map(|b| {
            String::from_utf8_lossy(b)
                .lines()
                .filter(|l| !l.starts_with('#'))
                .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// local(8)'s report in address verification (aliases, commands, files,
/// mailbox_command, unknown users) against the model, for the m4
/// example's aliases.
#[test]
fn local_delivery_agrees_with_postfix() {
    if !support::postfix_available() || support::sample_mc_files().is_empty() {
        support::skip(
            "the real Postfix or the m4 tree is not installed: local delivery not compared",
        );
        return;
    }
    let scratch = TempDir::new("postfix-local");
    let inputs = crate::migrate::examples(&scratch.0);
    let site = inputs
        .iter()
        .find(|i| i.name.contains("m4-site"))
        .expect("m4 example");
    let dir = scratch.0.join("site");
    let output = site.migrate_into(&dir);
    let mut users: Vec<String> = table_keys(&output, "aliases")
        .into_iter()
        .map(|k| k.trim_end_matches(':').to_owned())
        .collect();
    users.extend(["root", "daemon", "nosuchuser", "abuse+x", "postmaster+y"].map(String::from));
    let addrs: Vec<String> = users
        .iter()
        .map(|u| format!("{u}@oracle.example.com"))
        .collect();
    let mut args = vec![dir.display().to_string()];
    args.extend(addrs.iter().cloned());
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let (_, text) = support::run_oracle_env(
        "postfix-route",
        &refs,
        &[("PF_HOSTNAME", "oracle.example.com")],
    );
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    let config = Config::load(&dir, "oracle.example.com").expect("main.cf");
    let pipeline = cf2postfix::postfix::cleanup::Pipeline::new(&config);
    let local = cf2postfix::postfix::local::Local::new(
        &config,
        &pipeline,
        cf2postfix::postfix::local::Local::passwd_users(&passwd),
    );
    let mut tally = Tally::default();
    for a in &addrs {
        let mut real: Vec<String> = text
            .lines()
            .filter(|l| l.starts_with(&format!("{a}\t")))
            .map(|l| {
                l.split('\t')
                    .skip(1)
                    .collect::<Vec<_>>()
                    .join("\t")
                    .to_ascii_lowercase()
            })
            .collect();
        real.sort();
        let mut model: Vec<String> = Vec::new();
        for d in pipeline.deliveries(a).unwrap_or_default() {
            for r in local.deliver(&d.recipient) {
                let status = if r.deliverable {
                    "deliverable"
                } else {
                    "undeliverable"
                };
                model.push(
                    format!("{}\tlocal\t{status}\t{}", r.recipient, r.detail).to_ascii_lowercase(),
                );
            }
        }
        model.sort();
        model.dedup();
        tally.check(model == real, || {
            format!("{a}\n  model {model:?}\n  real  {real:?}")
        });
    }
    tally.finish("local delivery agreement with the real local(8)", 8, 100.0);
}
