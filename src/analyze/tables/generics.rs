//! The genericstable (`FEATURE(genericstable)`): rewriting sender addresses
//! on the way out, which Postfix does with `smtp_generic_maps`.
//!
//! Keys, in sendmail's lookup order: the full address `user@domain`, then
//! `@domain` (the user is passed as `%1`), then the bare `user` (any domain
//! in class `{G}`). Postfix's generic(5) tries `user@domain`, `user` (for
//! `$myorigin`, `$mydestination` and the interface addresses, not class
//! `{G}`) and `@domain`; the scope of a bare `user` key therefore differs.
//! `user+*@domain` keys (detail passed as `%1`) have no generic(5) form.

use crate::intent::{AddressRewrite, Disposition, Finding, RewriteScope};

use super::finding;
use super::source::Table;

/// Converts every genericstable entry into an [`AddressRewrite`], with
/// findings for entries that cannot be expressed.
pub fn rewrites(table: &Table) -> (Vec<AddressRewrite>, Vec<Finding>) {
    let mut out = Vec::new();
    let mut findings = Vec::new();
    for entry in &table.entries {
        let origin = table.origin(entry);
        let key = entry.key.as_str();
        let value = entry.value.trim();
        let not_translated = |reason: &str, action: &str| {
            finding(
                Disposition::NotTranslated,
                origin.clone(),
                format!("genericstable entry `{key}`"),
                reason,
                action,
            )
        };
        if value.contains(char::is_whitespace) || value.contains(',') {
            findings.push(not_translated(
                "the value must be one address",
                "write a single address",
            ));
            continue;
        }
        let (scope, to) = if let Some(domain) = key.strip_prefix('@') {
            if domain.is_empty() || domain.contains('@') {
                findings.push(not_translated("the key names no domain", "correct the key"));
                continue;
            }
            match value.strip_prefix("%1@") {
                Some(new_domain) if !new_domain.contains('%') && !new_domain.is_empty() => {
                    (RewriteScope::Domain, format!("@{new_domain}"))
                }
                _ if value.contains('%') => {
                    findings.push(not_translated(
                        "Postfix's generic table can keep the user part (`@domain` result) but not rebuild it around `%1`",
                        "use a regexp table in smtp_generic_maps for this rewrite",
                    ));
                    continue;
                }
                _ => (RewriteScope::Domain, value.to_owned()),
            }
        } else {
            let Some(local) = key.split('@').next().filter(|l| !l.is_empty()) else {
                findings.push(not_translated("the key names no user", "correct the key"));
                continue;
            };
            if key.matches('@').count() > 1 {
                findings.push(not_translated(
                    "the key has more than one `@`",
                    "correct the key",
                ));
                continue;
            }
            if local.contains("+*") || value.contains('%') {
                findings.push(not_translated(
                    "sendmail passes the `+detail` as `%1` for `user+*` keys; Postfix's generic table has no wildcards or substitutions",
                    "use a regexp table in smtp_generic_maps for this rewrite",
                ));
                continue;
            }
            (RewriteScope::Address, value.to_owned())
        };
        if !to.contains('@') {
            findings.push(finding(
                Disposition::Approximated,
                origin.clone(),
                format!("genericstable value `{value}` without a domain"),
                "sendmail qualifies the new address with $j or the masquerade domain; Postfix leaves the qualification to its own rules",
                "write the full address in the value",
            ));
        }
        out.push(AddressRewrite {
            scope,
            from: key.to_owned(),
            to,
            origin,
        });
    }
    (out, findings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::tables::source::read_table;

    fn run(text: &str) -> (Vec<AddressRewrite>, Vec<Finding>) {
        rewrites(&read_table(text.as_bytes(), "genericstable", false))
    }

    #[test]
    fn address_and_user_keys() {
        let (r, f) = run("joe@Host.example.com joe.smith@example.com\nbob bob.jones@example.com\n");
        assert!(f.is_empty(), "{f:?}");
        assert_eq!(r[0].scope, RewriteScope::Address);
        assert_eq!(r[0].from, "joe@host.example.com");
        assert_eq!(r[0].to, "joe.smith@example.com");
        assert_eq!(r[1].from, "bob");
    }

    #[test]
    fn domain_keys() {
        let (r, f) = run("@old.example %1@new.example\n@other.example catchall@new.example\n");
        assert!(f.is_empty(), "{f:?}");
        assert_eq!(r[0].scope, RewriteScope::Domain);
        assert_eq!(r[0].to, "@new.example");
        assert_eq!(r[1].to, "catchall@new.example");
    }

    #[test]
    fn detail_and_substitutions_are_not_translated() {
        let (r, f) = run("old+*@foo.org new+%1@example.com\n@a.b x%1@c\njoe@a %1@b\n");
        assert!(r.is_empty());
        assert_eq!(f.len(), 3);
    }

    #[test]
    fn bad_keys_and_values() {
        let (r, f) = run("@ x@y\n@a@b x@y\na@b@c x@y\njoe a, b\n");
        assert!(r.is_empty());
        assert_eq!(f.len(), 4);
    }

    #[test]
    fn unqualified_value_is_approximated() {
        let (r, f) = run("joe@a.b smith\n");
        assert_eq!(r.len(), 1);
        assert_eq!(f[0].disposition, Disposition::Approximated);
    }
}
