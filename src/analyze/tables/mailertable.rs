//! The mailertable (`FEATURE(mailertable)`): per-domain routing, which
//! Postfix calls the transport table.
//!
//! Keys are a host name (that host only), `.domain` (every host below the
//! domain, at any depth, but not the domain itself) or `.` alone (every
//! domain no other key covers). sendmail tries the full host name first,
//! then strips one leading label at a time trying `.rest`, then `.`: the
//! most specific key wins, as with Postfix's transport(5) when
//! `parent_domain_matches_subdomains` does not list `transport_maps` (the
//! default).
//!
//! Values are `mailer:host`, with the special forms `local:`, `local:user`,
//! `error:...` and `discard:`. In a `.domain` match sendmail also passes
//! `%1` (the stripped host labels) and `%2` (the first stripped label) to
//! the value; transport(5) has nothing like it.

use crate::intent::{Destination, Disposition, Finding, NextHop, Route, RouteAction};

use super::error_value::ErrorValue;
use super::finding;
use super::source::{Table, TableEntry};

/// Converts every mailertable entry into a [`Route`], with findings for
/// entries that only approximately translate or not at all.
pub fn routes(table: &Table) -> (Vec<Route>, Vec<Finding>) {
    let mut routes = Vec::new();
    let mut findings = Vec::new();
    for entry in &table.entries {
        let origin = table.origin(entry);
        let Some(destination) = destination(&entry.key) else {
            findings.push(finding(
                Disposition::NotTranslated,
                origin,
                format!("mailertable key `{}`", entry.key),
                "the key is not a host name, a `.domain` or `.`, so sendmail never matches it",
                "remove the entry or correct the key",
            ));
            continue;
        };
        if let Some(action) = action(entry, table, &mut findings) {
            routes.push(Route {
                destination,
                action,
                evidence: format!("mailertable entry `{}`", entry.key),
                origin,
            });
        }
    }
    (routes, findings)
}

/// The destination a key names, or `None` for a key sendmail cannot match.
fn destination(key: &str) -> Option<Destination> {
    let key = key.trim();
    if key == "." {
        return Some(Destination::Everything);
    }
    let (subdomains, name) = match key.strip_prefix('.') {
        Some(rest) => (true, rest),
        None => (false, key),
    };
    let name = name.trim_end_matches('.');
    let bracketed = name.starts_with('[') && name.ends_with(']');
    let valid = !name.is_empty()
        && !name.contains(['@', ' ', '\t', ':'])
        && !name.starts_with('.')
        && !name.contains("..")
        || bracketed;
    if !valid {
        return None;
    }
    let name = name.to_ascii_lowercase();
    Some(if subdomains {
        Destination::Subdomains(name)
    } else {
        Destination::Domain(name)
    })
}

/// The Postfix service that plays the part of a sendmail mailer.
pub fn service_for_mailer(mailer: &str) -> String {
    let mailer = mailer.to_ascii_lowercase();
    match mailer.as_str() {
        "smtp" | "esmtp" | "smtp8" | "dsmtp" => "smtp".to_owned(),
        _ => mailer,
    }
}

/// The action an entry's value asks for; reports approximations, and
/// values it cannot read (returning `None`).
fn action(entry: &TableEntry, table: &Table, findings: &mut Vec<Finding>) -> Option<RouteAction> {
    let origin = || table.origin(entry);
    let parsed = entry.value.split_once(':').filter(|(mailer, _)| {
        let mailer = mailer.trim();
        !mailer.is_empty()
            && mailer
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_-.*".contains(c))
    });
    let Some((mailer, host)) = parsed else {
        findings.push(finding(
            Disposition::NotTranslated,
            origin(),
            format!("mailertable value `{}`", entry.value),
            "the value is not of the form `mailer:host`",
            "write the route by hand in Postfix's transport table",
        ));
        return None;
    };
    let mailer = mailer.trim();
    let host = host.trim();
    match mailer.to_ascii_lowercase().as_str() {
        "local" => {
            let user = (!host.is_empty()).then(|| host.to_owned());
            if let Some(user) = &user {
                findings.push(finding(
                    Disposition::Approximated,
                    origin(),
                    format!("mailertable `local:{user}`"),
                    "sendmail hands every recipient of the domain to this one local user; Postfix's transport table cannot change the recipient (local(8) ignores a next hop)",
                    format!("add `@domain {user}` for the domain to virtual_alias_maps"),
                ));
            }
            Some(RouteAction::Local { user })
        }
        "error" => {
            let e = ErrorValue::parse(host);
            Some(RouteAction::Error {
                status: e.status_or_default(),
                code: e.code,
                text: e.text,
            })
        }
        "discard" => Some(RouteAction::Discard),
        _ => {
            if host.contains('%') {
                findings.push(finding(
                    Disposition::NotTranslated,
                    origin(),
                    format!("`%n` substitution in mailertable host `{host}`"),
                    "sendmail fills `%0`, `%1` and `%2` from the matched host name; Postfix's transport table has no substitution",
                    "list the hosts that need their own next hop as separate transport entries",
                ));
                return None;
            }
            let hosts = split_hosts(host);
            if hosts.len() > 1 {
                findings.push(finding(
                    Disposition::Approximated,
                    origin(),
                    format!("fallback host list `{host}`"),
                    "sendmail tries the colon-separated hosts in turn; the transport entry keeps only the first",
                    "set smtp_fallback_relay (or a list of next hops, Postfix 3.5 and later) for the others",
                ));
            }
            let next_hop = hosts
                .first()
                .and_then(|h| NextHop::parse(&strip_ipv6_tag(h)));
            Some(RouteAction::Deliver {
                service: service_for_mailer(mailer),
                next_hop,
            })
        }
    }
}

/// `[IPv6:addr]` is sendmail's literal; Postfix writes `[addr]`.
fn strip_ipv6_tag(host: &str) -> String {
    match host.strip_prefix('[') {
        Some(inner)
            if inner.len() > 5
                && inner.is_char_boundary(5)
                && inner[..5].eq_ignore_ascii_case("ipv6:") =>
        {
            format!("[{}", &inner[5..])
        }
        _ => host.to_owned(),
    }
}

/// Splits sendmail's `host1:host2` fallback list, keeping the colons
/// inside `[...]` (IPv6 literals) intact.
fn split_hosts(text: &str) -> Vec<String> {
    let mut hosts = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '[' => {
                depth += 1;
                current.push(c);
            }
            ']' => {
                depth = depth.saturating_sub(1);
                current.push(c);
            }
            ':' if depth == 0 => {
                if !current.trim().is_empty() {
                    hosts.push(current.trim().to_owned());
                }
                current.clear();
            }
            _ => current.push(c),
        }
    }
    if !current.trim().is_empty() {
        hosts.push(current.trim().to_owned());
    }
    hosts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::tables::source::read_table;

    fn run(text: &str) -> (Vec<Route>, Vec<Finding>) {
        routes(&read_table(text.as_bytes(), "mailertable", false))
    }

    fn one(text: &str) -> Route {
        let (r, f) = run(text);
        assert!(f.is_empty(), "{f:?}");
        assert_eq!(r.len(), 1);
        r[0].clone()
    }

    #[test]
    fn destinations() {
        assert_eq!(
            one("Example.COM smtp:x").destination,
            Destination::Domain("example.com".into())
        );
        assert_eq!(
            one(".example.com smtp:x").destination,
            Destination::Subdomains("example.com".into())
        );
        assert_eq!(one(". smtp:x").destination, Destination::Everything);
        assert_eq!(
            one("[1.2.3.4] smtp:x").destination,
            Destination::Domain("[1.2.3.4]".into())
        );
    }

    #[test]
    fn smtp_family_becomes_smtp() {
        for m in ["smtp", "esmtp", "smtp8", "dsmtp", "ESMTP"] {
            let r = one(&format!("a.b {m}:[mx.a.b]"));
            assert_eq!(
                r.action,
                RouteAction::Deliver {
                    service: "smtp".into(),
                    next_hop: Some(NextHop {
                        host: "mx.a.b".into(),
                        mx_lookup: false,
                        port: None
                    })
                }
            );
        }
    }

    #[test]
    fn other_mailers_keep_their_name() {
        let r = one("a.b relay:hub");
        assert_eq!(
            r.action,
            RouteAction::Deliver {
                service: "relay".into(),
                next_hop: Some(NextHop {
                    host: "hub".into(),
                    mx_lookup: true,
                    port: None
                })
            }
        );
        let r = one("a.b uucp-dom:");
        assert_eq!(
            r.action,
            RouteAction::Deliver {
                service: "uucp-dom".into(),
                next_hop: None
            }
        );
    }

    #[test]
    fn local_forms() {
        assert_eq!(one("a.b local:").action, RouteAction::Local { user: None });
        let (r, f) = run("a.b local:joe");
        assert_eq!(
            r[0].action,
            RouteAction::Local {
                user: Some("joe".into())
            }
        );
        assert_eq!(f[0].disposition, Disposition::Approximated);
    }

    #[test]
    fn error_forms() {
        assert_eq!(
            one("a.b error:5.7.1:550 go away").action,
            RouteAction::Error {
                status: "5.7.1".into(),
                code: Some(550),
                text: "go away".into()
            }
        );
        assert_eq!(
            one("a.b error:450 later").action,
            RouteAction::Error {
                status: "4.0.0".into(),
                code: Some(450),
                text: "later".into()
            }
        );
        assert_eq!(
            one("a.b error:nouser 550 gone").action,
            RouteAction::Error {
                status: "nouser".into(),
                code: Some(550),
                text: "gone".into()
            }
        );
    }

    #[test]
    fn discard() {
        assert_eq!(one("a.b discard:").action, RouteAction::Discard);
    }

    #[test]
    fn unparseable_values_are_reported() {
        let (r, f) = run("a.b nocolon\nc.d :host\nbad@key smtp:x\n");
        assert!(r.is_empty());
        assert_eq!(f.len(), 3);
        assert!(f
            .iter()
            .all(|f| f.disposition == Disposition::NotTranslated));
    }

    #[test]
    fn percent_substitution_is_not_translated() {
        let (r, f) = run(".a.b smtp:%1.internal");
        assert!(r.is_empty());
        assert_eq!(f.len(), 1);
    }

    #[test]
    fn fallback_hosts_keep_first() {
        let (r, f) = run("a.b esmtp:[IPv6:2001:db8::1]:backup.a.b");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].disposition, Disposition::Approximated);
        let RouteAction::Deliver {
            next_hop: Some(h), ..
        } = &r[0].action
        else {
            panic!("not a delivery")
        };
        assert_eq!(h.host, "2001:db8::1");
        assert!(!h.mx_lookup);
    }

    #[test]
    fn split_hosts_keeps_brackets() {
        assert_eq!(
            split_hosts("[a:b]:c: :"),
            vec!["[a:b]".to_string(), "c".to_string()]
        );
    }
}
