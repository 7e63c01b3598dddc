//! The intent model: what a sendmail configuration means for mail routing
//! and policy, in neither sendmail's nor Postfix's syntax.
//!
//! The analyzer ([`crate::analyze`]) fills it in; the emitter
//! ([`crate::emit`]) turns it into Postfix configuration. Every fact keeps
//! the [`Origin`] it was inferred from, so each generated line can name the
//! sendmail line behind it.

mod door;
mod finding;
mod origin;
mod policy;
mod rewriting;
mod route;
mod service;

use serde::Serialize;

pub use door::{DoorClass, DoorRow, OldReply};
pub use finding::{Disposition, Finding, Risk, RiskKind};
pub use origin::{Origin, Sourced};
pub use policy::{AccessAction, AccessRule, AccessStage, RelayPolicy};
pub use rewriting::{AddressRewrite, Masquerade, RewriteScope, VirtualAlias, VirtualTarget};
pub use route::{Destination, MailerKind, NextHop, Route, RouteAction, Transport};
pub use service::{
    Aliases, Limits, Listener, LocalDelivery, LocalDeliveryKind, Milter, Privacy, Security,
    Timeouts,
};

/// Everything the configuration means, as far as it could be inferred.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Intent {
    /// The configuration file the intent was read from.
    pub source: String,
    /// The host name the configuration was analyzed for (`--hostname`):
    /// Postfix's default `myhostname` on that host.
    pub system_hostname: String,
    /// The host's own name (`$j`), when the configuration fixes it.
    pub hostname: Option<Sourced<String>>,
    /// The domain unqualified addresses get (masquerading aside): `$m`.
    pub origin_domain: Option<Sourced<String>>,
    /// Domains delivered on this host (`$=w`).
    pub local_domains: Vec<Sourced<String>>,
    /// Files whose lines name further local domains.
    pub local_domain_files: Vec<Sourced<String>>,
    /// Which destinations and clients may relay.
    pub relay: RelayPolicy,
    /// Per-destination routes, most specific first within a destination.
    pub routes: Vec<Route>,
    /// Where mail for every other destination goes (`SMART_HOST`).
    pub smart_host: Option<Sourced<NextHop>>,
    /// Where mail for local users goes instead of local delivery (`MAIL_HUB`).
    pub mail_hub: Option<Sourced<NextHop>>,
    /// Where mail for unknown local users goes (`LUSER_RELAY`).
    pub luser_relay: Option<Sourced<String>>,
    /// The old server accepted mail for local users it does not know (a
    /// hub or null client, LUSER_RELAY, an unchecked local mailer).
    pub any_local_user: Option<Origin>,
    /// Transports the routes use: one per sendmail mailer.
    pub transports: Vec<Transport>,
    pub masquerade: Masquerade,
    /// Sender address rewriting on the way out (genericstable).
    pub sender_rewrites: Vec<AddressRewrite>,
    /// Domain renaming for every address (domaintable).
    pub domain_rewrites: Vec<AddressRewrite>,
    /// Virtual users (virtusertable).
    pub virtual_aliases: Vec<VirtualAlias>,
    /// Domains that are only virtual (`$={VirtHost}` not in `$=w`).
    pub virtual_domains: Vec<Sourced<String>>,
    /// Access policy by SMTP stage.
    pub access: Vec<AccessRule>,
    /// DNS block lists checked for every client.
    pub dnsbl: Vec<Sourced<String>>,
    pub aliases: Aliases,
    pub local_delivery: LocalDelivery,
    pub limits: Limits,
    pub timeouts: Timeouts,
    /// SMTP greeting, already in Postfix's terms.
    pub banner: Option<Sourced<String>>,
    pub privacy: Privacy,
    pub listeners: Vec<Listener>,
    pub milters: Vec<Milter>,
    pub security: Security,
    /// Character that separates a user from a `+detail` extension.
    pub recipient_delimiter: Option<Sourced<String>>,
    /// `.forward` search path, in Postfix's terms.
    pub forward_path: Option<Sourced<String>>,
    /// What the old server answered at RCPT time, per destination.
    pub door: Vec<DoorRow>,
    /// What could not be carried over, and why.
    pub findings: Vec<Finding>,
    /// Dangers found in the source configuration.
    pub risks: Vec<Risk>,
}
