//! smtpd(8)'s door: what Postfix 3.7's SMTP server answers a client, from
//! the greeting to one RCPT TO, as `smtpd_check.c` decides it.
//!
//! - [`params`]: the parameters read (reply codes, switches, the five
//!   restriction lists with their compatibility-level defaults, restriction
//!   classes) and the configurations smtpd refuses to start with.
//! - [`networks`]: `mynetworks`, given or derived from `mynetworks_style`.
//! - [`address`]: what smtpd accepts as an address before any restriction
//!   (`501 5.1.3 Bad recipient address syntax`, SMTPUTF8).
//! - [`destination`]: the resolver's view of an address (class, routed,
//!   malformed), `permit_auth_destination` and friends, the DNS checks (the
//!   model has no DNS: lookups fail for now, as in the oracle's sandbox).
//! - [`access`]: access(5) lookups and what their actions do.
//! - [`restrictions`]: the restriction-list interpreter (`generic_checks`),
//!   with `defer_if_permit`, `defer_if_reject`, `warn_if_reject`, DISCARD.
//! - [`recipients`]: the recipient validation after the restrictions
//!   (`smtpd_reject_unlisted_recipient`: local, virtual, relay tables).
//! - [`reply`]: reply texts and enhanced status codes.
//!
//! Tables are loaded once, in [`Smtpd::new`]; [`Smtpd::verdict`] is cheap.

mod access;
mod address;
mod destination;
mod networks;
mod params;
mod recipients;
pub mod reply;
mod restrictions;

use std::collections::BTreeMap;
use std::path::Path;

use super::config::Config;
use super::resolve::Resolver;
use super::tables::{config_dir_resolver, LoadOptions, TableList};
use crate::smtp::{Client, Stage, Verdict};

pub use params::Params;
use recipients::RcptMaps;
use reply::Reply;
use restrictions::Session;

/// The passwd file `unix:passwd.byname` reads by default.
pub const SYSTEM_PASSWD: &str = "/etc/passwd";

/// The smtpd side of one configuration.
pub struct Smtpd<'a> {
    config: &'a Config,
    resolver: &'a Resolver<'a>,
    params: Params,
    mynetworks: networks::NetList,
    /// Every `type:name` the restriction lists and classes name, loaded.
    tables: BTreeMap<String, TableList>,
    rcpt_maps: RcptMaps,
    /// Why smtpd would not start, if it would not.
    fatal: Option<String>,
}

/// The old answer of [`Smtpd::rcpt`]: the reply class and what decided.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct RcptVerdict {
    /// The reply code class: 2 accepted, 4 deferred, 5 rejected.
    pub class: u8,
    /// The restriction (and table key) that decided.
    pub decided_by: String,
}

impl<'a> Smtpd<'a> {
    /// The smtpd of `config`, with the host's passwd for `unix:passwd.byname`.
    pub fn new(config: &'a Config, resolver: &'a Resolver<'a>) -> Smtpd<'a> {
        Smtpd::with_passwd(config, resolver, Path::new(SYSTEM_PASSWD))
    }

    /// The smtpd of `config`; `passwd` is the file `unix:passwd.byname`
    /// reads (the system's users: local_recipient_maps' default).
    pub fn with_passwd(config: &'a Config, resolver: &'a Resolver<'a>, passwd: &Path) -> Smtpd<'a> {
        let params = Params::read(config);
        let resolve = config_dir_resolver(&config.dir);
        let mut tables = BTreeMap::new();
        let lists = [
            &params.client,
            &params.helo,
            &params.sender,
            &params.relay,
            &params.recipient,
        ];
        let class_lists = params.classes.iter().map(|(_, items)| items);
        for list in lists.into_iter().chain(class_lists) {
            for item in list {
                if item.contains(':') && !tables.contains_key(item) {
                    let t = TableList::load(item, &resolve, LoadOptions::default());
                    tables.insert(item.clone(), t);
                }
            }
        }
        let mynetworks = networks::NetList::mynetworks(config, params.mynetworks_parents);
        let rcpt_maps = RcptMaps::load(config, passwd);
        let fatal = params.fatal();
        Smtpd {
            config,
            resolver,
            params,
            mynetworks,
            tables,
            rcpt_maps,
            fatal,
        }
    }

    /// What smtpd answers `client` for MAIL FROM:<sender> RCPT TO:<recipient>
    /// (after a HELO with the client's `helo`): the first reply that is
    /// not a success, or the RCPT's `250 2.1.5 Ok`.
    pub fn verdict(&self, client: &Client, sender: &str, recipient: &str) -> Verdict {
        if let Some(fatal) = &self.fatal {
            // smtpd exits before the greeting: the client sees the
            // connection close and tries again later.
            return Verdict::new(
                Stage::Connect,
                421,
                "4.3.0 Server configuration error (smtpd does not start)",
                format!("smtpd: fatal: {fatal}"),
            );
        }
        let mut session = Session::new(self, client);
        match session.transaction(sender, recipient) {
            Ok(by) => Verdict::accepted(by),
            Err((stage, reply)) => Verdict::new(
                stage,
                reply.code,
                format!("{} {}", reply.dsn, reply.text),
                reply.by,
            ),
        }
    }

    /// The verdict for an unnamed client at `client` (an IP address), as a
    /// reply class and what decided.
    pub fn rcpt(&self, client: &str, sender: &str, recipient: &str) -> RcptVerdict {
        let v = self.verdict(&Client::unnamed(client), sender, recipient);
        RcptVerdict {
            class: (v.code / 100) as u8,
            decided_by: v.decided_by,
        }
    }

    /// The parameters read.
    pub fn params(&self) -> &Params {
        &self.params
    }
}

/// Where a reply was given, for [`Session::transaction`].
type Refusal = (Stage, Reply);
