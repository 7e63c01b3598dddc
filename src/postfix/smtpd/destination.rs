//! Where an address goes, as smtpd asks trivial-rewrite
//! (`smtpd_resolve_addr`), and the restrictions that depend on it:
//! `permit_auth_destination` (hence `reject_unauth_destination`,
//! `defer_unauth_destination`, `check_relay_domains`),
//! `permit_mx_backup`, `reject_unknown_*_domain`, `reject_non_fqdn_*`.
//! The model has no DNS: every DNS lookup fails for now, as in the
//! oracle's sandbox (no name server), which smtpd treats as a temporary
//! error.

use super::super::resolve::AddressClass;
use super::address;
use super::Smtpd;

/// trivial-rewrite's answer for one address.
#[derive(Clone, Debug)]
pub struct Resolved {
    /// The address after the resolver's own rewriting (`a%b@here` is
    /// `a@b`).
    pub recipient: String,
    pub class: AddressClass,
    pub transport: String,
    pub nexthop: String,
    /// A table lookup failed (`RESOLVE_FLAG_FAIL`).
    pub failed: bool,
    /// A routing operator is left in the local part
    /// (`RESOLVE_FLAG_ROUTED`).
    pub routed: bool,
    /// The domain is not a valid name or literal (`RESOLVE_FLAG_ERROR`).
    pub malformed: bool,
    /// The setting that decided the transport.
    pub decided_by: String,
}

impl Resolved {
    /// Local, virtual alias or virtual mailbox (`RESOLVE_CLASS_FINAL`).
    pub fn is_final(&self) -> bool {
        matches!(
            self.class,
            AddressClass::Local | AddressClass::Alias | AddressClass::Virtual
        )
    }

    pub fn domain(&self) -> Option<&str> {
        self.recipient.rsplit_once('@').map(|(_, d)| d)
    }
}

impl Smtpd<'_> {
    /// `smtpd_resolve_addr`.
    pub(super) fn resolve(&self, address: &str) -> Resolved {
        // A trailing dot on the domain goes (but not two).
        let address = match address.rsplit_once('@') {
            Some((user, domain)) => format!("{user}@{}", address::without_dot(domain)),
            None => address.to_owned(),
        };
        let address = if address.is_empty() {
            self.config.get("empty_address_recipient")
        } else {
            address
        };
        let r = self.resolver.resolve(&address);
        let recipient = r.recipient;
        let first = recipient.find(['@', '!', '%']);
        let last = recipient.rfind('@');
        let routed = first.is_some() && first != last;
        let malformed = address::malformed(&recipient, self.params.smtputf8_enable);
        Resolved {
            class: r.class,
            transport: r.transport,
            nexthop: r.nexthop,
            failed: r.failed,
            routed,
            malformed,
            decided_by: r.decided_by,
            recipient,
        }
    }

    /// `permit_auth_destination`: final delivery here or a relay domain,
    /// not source-routed. `Err(())` when a lookup failed.
    pub(super) fn auth_destination(&self, recipient: &str) -> Result<bool, ()> {
        let r = self.resolve(recipient);
        if r.failed {
            return Err(());
        }
        if !r.recipient.contains('@') {
            return Ok(true);
        }
        if !self.params.allow_untrusted_routing && r.routed {
            return Ok(false);
        }
        Ok(r.is_final() || r.class == AddressClass::Relay)
    }
}
