//! Map sources: reading sendmail tables and converting their entries.
//!
//! [`source`] reads a table the way `makemap` does; the other modules turn
//! the entries of one kind of table into intent facts ([`Route`]s,
//! [`VirtualAlias`]es, [`AccessRule`]s, [`AddressRewrite`]s, alias entries)
//! plus [`Finding`]s for what does not carry over exactly.
//!
//! [`Route`]: crate::intent::Route
//! [`VirtualAlias`]: crate::intent::VirtualAlias
//! [`AccessRule`]: crate::intent::AccessRule
//! [`AddressRewrite`]: crate::intent::AddressRewrite
//! [`Finding`]: crate::intent::Finding

pub mod access;
pub mod aliases;
pub mod domaintable;
pub mod error_value;
pub mod generics;
pub mod mailertable;
pub mod source;
pub mod virtusertable;

pub use access::{network_cidr, rules as access_rules};
pub use aliases::read_aliases;
pub use error_value::ErrorValue;
pub use mailertable::routes as mailertable_routes;
pub use source::{read_table, read_table_checked, Table, TableEntry};
pub use virtusertable::aliases as virtuser_aliases;

use crate::intent::{Disposition, Finding, Origin};

/// Builds a finding; every table module reports through this.
pub(crate) fn finding(
    disposition: Disposition,
    origin: Origin,
    subject: impl Into<String>,
    reason: impl Into<String>,
    action: impl Into<String>,
) -> Finding {
    Finding {
        disposition,
        origin,
        subject: subject.into(),
        reason: reason.into(),
        action: action.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::tables as emit;

    /// Every reader and writer on many odd inputs: nothing may panic.
    #[test]
    fn no_panic_on_odd_input() {
        let alphabet: &[u8] =
            b"ab.:@+*%123 \t\n\r#\"[]|/\\,IPv6:errorERROR:local:QUARANTINE:\xff\xc3";
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..2000 {
            let mut bytes = Vec::new();
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            let len = (state >> 58) as usize + 1;
            for _ in 0..len * 3 {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1);
                let i = (state >> 33) as usize % alphabet.len();
                bytes.push(alphabet[i]);
            }
            let (table, _) = read_table_checked(&bytes, "t", false);
            let (routes, _) = mailertable::routes(&table);
            let (virt, _) = virtusertable::aliases(&table);
            let (rules, _) = access::rules(&table);
            let (generics, _) = generics::rewrites(&table);
            let (domains, _) = domaintable::rewrites(&table);
            let (entries, _, _) = aliases::read_aliases(&bytes, "a");
            let _ = emit::transport(&routes);
            let _ = emit::virtual_tables(&virt);
            let _ = emit::access_tables(&rules, &[]);
            let _ = emit::generic(&generics);
            let _ = emit::canonical(&domains);
            let _ = emit::aliases(&entries);
            for e in &table.entries {
                let _ = network_cidr(&e.key);
                let _ = ErrorValue::parse(&e.value);
            }
        }
    }
}
