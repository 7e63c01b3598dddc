//! canonical(5) content (`canonical_maps`) from domain rewrites (sendmail's
//! domaintable): `@old @new` renames the domain of every address, envelope
//! and headers, as the domaintable does in ruleset 3.

use crate::intent::AddressRewrite;

/// Writes a `canonical_maps` table; bare domains become `@old @new`.
pub fn canonical(rewrites: &[AddressRewrite]) -> String {
    super::generic::rewrite_table(rewrites)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::intent::{Origin, RewriteScope};

    #[test]
    fn domains() {
        let r = AddressRewrite {
            scope: RewriteScope::Domain,
            from: "OldName.com".into(),
            to: "newname.com".into(),
            origin: Origin::new("domaintable", 2, "x"),
        };
        assert_eq!(
            canonical(&[r]),
            "# domaintable:2\n@oldname.com\t@newname.com\n"
        );
    }
}
