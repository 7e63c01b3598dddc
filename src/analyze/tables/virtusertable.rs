//! The virtusertable (`FEATURE(virtusertable)`): per-domain aliasing, which
//! Postfix does with `virtual_alias_maps`.
//!
//! Keys: `user@domain`, `user+*@domain` (any detail, even empty),
//! `user++@domain` (a non-empty detail), `+*@domain`, `++@domain` and
//! `@domain` (everyone else in the domain). For `user+detail@domain`
//! sendmail tries, in order: the full address, `user++@domain`,
//! `user+*@domain`, `user@domain`, `++@domain`, `+*@domain`, `@domain`;
//! for an address without a detail only the full address and `@domain`.
//!
//! Values: one address or local user, where `%1` is the user (without the
//! detail), `%2` the detail and `%3` `+detail`; or `error:D.S.N:code text`,
//! `error:word code text` (e.g. `error:nouser 550 ...`), `error:code text`.
//! The targets keep the `%n` markers; the emitter decides how to express
//! them.

use crate::intent::{Disposition, Finding, VirtualAlias, VirtualTarget};

use super::error_value::ErrorValue;
use super::finding;
use super::source::{Table, TableEntry};

/// Converts every virtusertable entry into a [`VirtualAlias`], with findings
/// for entries sendmail never matches or that translate only approximately.
pub fn aliases(table: &Table) -> (Vec<VirtualAlias>, Vec<Finding>) {
    let mut out = Vec::new();
    let mut findings = Vec::new();
    for entry in &table.entries {
        let origin = table.origin(entry);
        if !valid_key(&entry.key) {
            findings.push(finding(
                Disposition::NotTranslated,
                origin,
                format!("virtusertable key `{}`", entry.key),
                "sendmail only looks up `user@domain`, `user+*@domain`, `user++@domain`, `+*@domain`, `++@domain` and `@domain`, so this key never matches",
                "add the domain to the key, or move a local alias to the aliases file",
            ));
            continue;
        }
        if let Some(target) = target(entry, table, &mut findings) {
            out.push(VirtualAlias {
                key: entry.key.clone(),
                target,
                origin,
            });
        }
    }
    (out, findings)
}

/// True for the key shapes sendmail's lookups can produce.
fn valid_key(key: &str) -> bool {
    let Some((local, domain)) = key.rsplit_once('@') else {
        return false;
    };
    !domain.is_empty() && !domain.contains(['@', ' ', '\t']) && !local.contains(['@', ' ', '\t'])
}

/// Reads an entry's value; reports and returns `None` for values that
/// cannot be expressed.
fn target(entry: &TableEntry, table: &Table, findings: &mut Vec<Finding>) -> Option<VirtualTarget> {
    let value = entry.value.trim();
    let origin = || table.origin(entry);
    if let Some(rest) = strip_tag(value, "error:") {
        let e = ErrorValue::parse(rest);
        return Some(VirtualTarget::Error {
            status: e.status_or_default(),
            code: e.code,
            text: e.text,
        });
    }
    if strip_tag(value, "discard:").is_some_and(str::is_empty) {
        findings.push(finding(
            Disposition::Approximated,
            origin(),
            "`discard:` in the virtusertable",
            "cf/README does not list `discard:` as a virtusertable result; it is read as dropping the mail",
            "check that sendmail really discarded mail for this address",
        ));
        return Some(VirtualTarget::Discard);
    }
    let targets: Vec<String> = value
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect();
    if targets.is_empty() {
        findings.push(finding(
            Disposition::NotTranslated,
            origin(),
            format!("virtusertable value `{value}`"),
            "the value names no address",
            "write the target address",
        ));
        return None;
    }
    if let Some(bad) = targets.iter().find(|t| bad_substitution(t)) {
        findings.push(finding(
            Disposition::NotTranslated,
            origin(),
            format!("substitution in `{bad}`"),
            "sendmail's virtusertable only passes %1 (user), %2 (detail) and %3 (+detail)",
            "rewrite the value with %1, %2 or %3",
        ));
        return None;
    }
    if targets.len() > 1 {
        findings.push(finding(
            Disposition::Approximated,
            origin(),
            format!("address list `{value}` in the virtusertable"),
            "sendmail's virtusertable takes one address, so it did not expand this list; Postfix's virtual table does",
            "check that every listed address should receive the mail",
        ));
    }
    Some(VirtualTarget::Addresses { targets })
}

/// `value` without a case-insensitive `tag` prefix.
fn strip_tag<'a>(value: &'a str, tag: &str) -> Option<&'a str> {
    let head = value.get(..tag.len())?;
    head.eq_ignore_ascii_case(tag)
        .then(|| value[tag.len()..].trim())
}

/// A `%` not followed by 1, 2 or 3.
fn bad_substitution(target: &str) -> bool {
    let mut chars = target.chars();
    while let Some(c) = chars.next() {
        if c == '%' && !matches!(chars.next(), Some('1' | '2' | '3')) {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::tables::source::read_table;

    fn run(text: &str) -> (Vec<VirtualAlias>, Vec<Finding>) {
        aliases(&read_table(text.as_bytes(), "virtusertable", false))
    }

    fn addresses(list: &[&str]) -> VirtualTarget {
        VirtualTarget::Addresses {
            targets: list.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn key_forms() {
        let (a, f) = run("info@Foo.com foo-info\n@baz.org jane@example.net\nold+*@foo.org new+%2@example.com\nx++@foo.org Z%3@example.com\n+*@foo.org %1%3@example.com\n");
        assert!(f.is_empty(), "{f:?}");
        assert_eq!(a.len(), 5);
        assert_eq!(a[0].key, "info@foo.com");
        assert_eq!(a[0].target, addresses(&["foo-info"]));
        assert_eq!(a[2].target, addresses(&["new+%2@example.com"]));
        assert_eq!(a[0].origin.line, 1);
    }

    #[test]
    fn keys_without_domain_are_reported() {
        let (a, f) = run("joe bob\nx@ y\n");
        assert!(a.is_empty());
        assert_eq!(f.len(), 2);
    }

    #[test]
    fn error_values() {
        let (a, _) = run("joe@bar.com error:nouser 550 No such user here\njax@bar.com error:5.7.0:550 Address invalid\nz@bar.com error:450 later\n");
        assert_eq!(
            a[0].target,
            VirtualTarget::Error {
                status: "nouser".into(),
                code: Some(550),
                text: "No such user here".into()
            }
        );
        assert_eq!(
            a[1].target,
            VirtualTarget::Error {
                status: "5.7.0".into(),
                code: Some(550),
                text: "Address invalid".into()
            }
        );
        assert_eq!(
            a[2].target,
            VirtualTarget::Error {
                status: "4.0.0".into(),
                code: Some(450),
                text: "later".into()
            }
        );
    }

    #[test]
    fn discard_is_approximated() {
        let (a, f) = run("a@b.c discard:\n");
        assert_eq!(a[0].target, VirtualTarget::Discard);
        assert_eq!(f[0].disposition, Disposition::Approximated);
    }

    #[test]
    fn lists_are_approximated() {
        let (a, f) = run("a@b.c x@y.z, w\n");
        assert_eq!(a[0].target, addresses(&["x@y.z", "w"]));
        assert_eq!(f.len(), 1);
    }

    #[test]
    fn bad_substitutions_are_reported() {
        let (a, f) = run("@b.c %4@y\n@d.e %\n@f.g 100%1@y\n");
        assert_eq!(a.len(), 1);
        assert_eq!(f.len(), 2);
    }

    #[test]
    fn empty_list_is_reported() {
        let (a, f) = run("a@b.c ,\n");
        assert!(a.is_empty());
        assert_eq!(f.len(), 1);
    }
}
