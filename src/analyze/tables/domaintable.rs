//! The domaintable (`FEATURE(domaintable)`): renaming domains in every
//! address, headers included. Postfix does this with `canonical_maps`
//! entries `@old @new`.
//!
//! sendmail looks up the whole domain of an address (no parent domains), so
//! each key renames exactly one domain, like a canonical(5) `@domain` key.

use crate::intent::{AddressRewrite, Disposition, Finding, RewriteScope};

use super::finding;
use super::source::Table;

/// Converts every domaintable entry into a domain-scoped [`AddressRewrite`]
/// (`from` and `to` are bare domain names).
pub fn rewrites(table: &Table) -> (Vec<AddressRewrite>, Vec<Finding>) {
    let mut out = Vec::new();
    let mut findings = Vec::new();
    for entry in &table.entries {
        let origin = table.origin(entry);
        let from = entry.key.trim().trim_end_matches('.');
        let to = entry.value.trim().trim_end_matches('.');
        if !is_domain(from) || !is_domain(to) {
            findings.push(finding(
                Disposition::NotTranslated,
                origin,
                format!("domaintable entry `{}`", entry.key),
                "both sides must be plain domain names",
                "correct the entry",
            ));
            continue;
        }
        out.push(AddressRewrite {
            scope: RewriteScope::Domain,
            from: from.to_ascii_lowercase(),
            to: to.to_owned(),
            origin,
        });
    }
    (out, findings)
}

fn is_domain(text: &str) -> bool {
    !text.is_empty()
        && !text.starts_with('.')
        && !text.contains("..")
        && !text.contains(['@', ' ', '\t', ',', '%', ':'])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::tables::source::read_table;

    #[test]
    fn domains_are_renamed() {
        let t = read_table(b"OldName.com newname.com.\n", "domaintable", false);
        let (r, f) = rewrites(&t);
        assert!(f.is_empty());
        assert_eq!(r[0].scope, RewriteScope::Domain);
        assert_eq!(r[0].from, "oldname.com");
        assert_eq!(r[0].to, "newname.com");
    }

    #[test]
    fn non_domains_are_reported() {
        let t = read_table(b"a@b c\nd e@f\n.g h\ni j k\n", "domaintable", false);
        let (r, f) = rewrites(&t);
        assert!(r.is_empty());
        assert_eq!(f.len(), 4);
    }
}
