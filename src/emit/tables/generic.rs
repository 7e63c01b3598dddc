//! generic(5) content (`smtp_generic_maps`) from sender rewrites
//! (sendmail's genericstable).
//!
//! Keys: `user@domain`, a bare `user` (generic(5) applies it to
//! `$myorigin`, `$mydestination` and the interface addresses) and
//! `@domain`. A result `@other` keeps the user and changes the domain.

use crate::intent::{AddressRewrite, RewriteScope};

use super::{render_sorted, Line};

/// Writes an `smtp_generic_maps` table.
pub fn generic(rewrites: &[AddressRewrite]) -> String {
    rewrite_table(rewrites)
}

/// A canonical(5)/generic(5) table: both share the key and result forms.
pub(crate) fn rewrite_table(rewrites: &[AddressRewrite]) -> String {
    let lines = rewrites
        .iter()
        .map(|r| {
            let key = key(r);
            Line {
                text: format!("{key}\t{}", result(r)),
                key,
                origin: r.origin.clone(),
            }
        })
        .collect();
    render_sorted(lines)
}

/// The lookup key: a domain-scoped rewrite is keyed `@domain`.
fn key(rewrite: &AddressRewrite) -> String {
    let from = rewrite.from.trim().to_ascii_lowercase();
    match rewrite.scope {
        RewriteScope::Domain if !from.starts_with('@') => format!("@{from}"),
        _ => from,
    }
}

/// The result: a bare domain in a domain-scoped rewrite becomes `@domain`
/// (same user, new domain).
fn result(rewrite: &AddressRewrite) -> String {
    let to = rewrite.to.trim();
    match rewrite.scope {
        RewriteScope::Domain if !to.contains('@') => format!("@{to}"),
        _ => to.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::intent::Origin;

    fn rw(scope: RewriteScope, from: &str, to: &str, line: u32) -> AddressRewrite {
        AddressRewrite {
            scope,
            from: from.into(),
            to: to.into(),
            origin: Origin::new("genericstable", line, "x"),
        }
    }

    #[test]
    fn forms() {
        let t = generic(&[
            rw(
                RewriteScope::Address,
                "joe@host.example.com",
                "joe.smith@example.com",
                1,
            ),
            rw(RewriteScope::Address, "bob", "bob.jones@example.com", 2),
            rw(RewriteScope::Domain, "@old.example", "@new.example", 3),
            rw(RewriteScope::Domain, "@all.example", "one@example.com", 4),
        ]);
        assert_eq!(
            t,
            "# genericstable:4\n@all.example\tone@example.com\n\
             # genericstable:3\n@old.example\t@new.example\n\
             # genericstable:2\nbob\tbob.jones@example.com\n\
             # genericstable:1\njoe@host.example.com\tjoe.smith@example.com\n"
        );
    }

    #[test]
    fn empty() {
        assert_eq!(generic(&[]), "");
    }
}
