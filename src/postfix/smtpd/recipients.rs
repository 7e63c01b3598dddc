//! The recipient validation smtpd does after the restrictions
//! (`smtpd_reject_unlisted_recipient`, `reject_unlisted_recipient`,
//! `reject_unlisted_sender`: `check_rcpt_maps`): an address that
//! canonical or virtual alias maps rewrite is known; an `error` or
//! `retry` transport refuses; then by class, `local_recipient_maps`
//! (default `proxy:unix:passwd.byname $alias_maps`, the passwd file the
//! caller names), `virtual_mailbox_maps`, `relay_recipient_maps`.

use std::path::Path;

use super::super::config::Config;
use super::super::resolve::AddressClass;
use super::super::tables::{
    address_lookup, config_dir_resolver, split_table_list, IndexedTable, LoadOptions, Lookup,
    Table, TableBody, TableList,
};
use super::reply::{dsn_fix, dsn_split, SENDER};
use super::restrictions::{Checked, Status};
use super::{Reply, Session};

/// The tables `check_rcpt_maps` reads, loaded once.
pub struct RcptMaps {
    recipient_canonical: TableList,
    sender_canonical: TableList,
    canonical: TableList,
    virtual_alias: TableList,
    /// `None` when `local_recipient_maps` is empty (no check).
    local: Option<TableList>,
    virtual_mailbox: Option<TableList>,
    relay: Option<TableList>,
}

/// `unix:passwd.byname` over a passwd file: its user names.
fn passwd_table(reference: &str, passwd: &Path) -> Table {
    let text = std::fs::read(passwd)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let mut table = IndexedTable::default();
    for line in text.lines() {
        let user = line.split(':').next().unwrap_or("");
        if !user.is_empty() && !user.starts_with('#') {
            let key = super::super::tables::fold(user);
            table.entries.entry(key).or_insert_with(|| line.to_owned());
        }
    }
    Table {
        reference: reference.to_owned(),
        kind: "unix".into(),
        body: TableBody::Indexed(table),
        warnings: Vec::new(),
    }
}

/// An aliases(5) source read as postalias reads it: `name:` keys.
fn alias_table(mut table: Table) -> Table {
    if let TableBody::Indexed(t) = &mut table.body {
        let entries = std::mem::take(&mut t.entries);
        for (key, value) in entries {
            let key = key.strip_suffix(':').map(str::to_owned).unwrap_or(key);
            t.entries.entry(key).or_insert(value);
        }
    }
    table
}

fn without_proxy(reference: &str) -> &str {
    let mut r = reference.trim();
    while let Some(rest) = r.strip_prefix("proxy:") {
        r = rest;
    }
    r
}

impl RcptMaps {
    pub fn load(config: &Config, passwd: &Path) -> RcptMaps {
        let resolve = config_dir_resolver(&config.dir);
        let list =
            |name: &str| TableList::load(&config.get(name), &resolve, LoadOptions::default());
        let aliases: Vec<String> = split_table_list(&config.get("alias_maps"))
            .iter()
            .map(|a| without_proxy(a).to_owned())
            .collect();
        let local_value = config.get("local_recipient_maps");
        let local = (!local_value.trim().is_empty()).then(|| {
            TableList::new(
                split_table_list(&local_value)
                    .iter()
                    .map(|reference| {
                        let bare = without_proxy(reference);
                        if bare == "unix:passwd.byname" {
                            passwd_table(reference, passwd)
                        } else {
                            let t = Table::load(reference, &resolve);
                            if aliases.iter().any(|a| a == bare) {
                                alias_table(t)
                            } else {
                                t
                            }
                        }
                    })
                    .collect(),
            )
        });
        let optional = |name: &str| {
            let value = config.get(name);
            (!value.trim().is_empty())
                .then(|| TableList::load(&value, &resolve, LoadOptions::default()))
        };
        RcptMaps {
            recipient_canonical: list("recipient_canonical_maps"),
            sender_canonical: list("sender_canonical_maps"),
            canonical: list("canonical_maps"),
            virtual_alias: list("virtual_alias_maps"),
            local,
            virtual_mailbox: optional("virtual_mailbox_maps"),
            relay: optional("relay_recipient_maps"),
        }
    }
}

impl Session<'_, '_> {
    /// `mail_addr_find` in one table list: found, or `Err` (a failed
    /// lookup: 451 4.3.0).
    fn rcpt_match(&self, maps: &TableList, address: &str, reply_name: &str) -> Result<bool, Reply> {
        if maps.tables.is_empty() {
            return Ok(false);
        }
        let resolver = self.smtpd.resolver;
        let local = |d: &str| resolver.is_local_domain(d);
        let m = address_lookup(
            maps,
            address,
            super::super::tables::AddressMode::Plain,
            &local,
            &self.smtpd.params.recipient_delimiter,
        );
        match m.result {
            Lookup::Found(_) => Ok(true),
            Lookup::NotFound => Ok(false),
            Lookup::Fail(e) => Err(Reply::dict_retry(reply_name, format!("lookup failed: {e}"))),
        }
    }

    /// `check_rcpt_maps` for `address` as a recipient or (`class` is
    /// [`SENDER`]) a sender.
    pub(super) fn check_rcpt_maps(&mut self, address: &str, class: &str, by: &str) -> Checked {
        let smtpd = self.smtpd;
        let maps = &smtpd.rcpt_maps;
        let r = smtpd.resolve(address);
        if r.failed {
            return Err(Reply::dict_retry(
                address,
                format!("{by}: address resolution failed"),
            ));
        }
        let rcpt = r.recipient.as_str();
        let sender = class == SENDER;
        if self.rcpt_match(&maps.recipient_canonical, rcpt, address)?
            || (sender && self.rcpt_match(&maps.sender_canonical, rcpt, address)?)
            || self.rcpt_match(&maps.canonical, rcpt, address)?
            || self.rcpt_match(&maps.virtual_alias, rcpt, address)?
        {
            return Ok(Status::Dunno);
        }
        let unknown = if sender { "5.1.0" } else { "5.1.1" };
        if r.transport == "error" {
            let (dsn, text) = dsn_split(unknown, &r.nexthop);
            let code = if r.class == AddressClass::Alias {
                smtpd.params.virtual_alias_code
            } else {
                550
            };
            return Ok(self.reject(
                code,
                &dsn_fix(&dsn, class),
                format!("<{address}>: {class} rejected: {text}"),
                format!("{by}: {} (error transport)", r.decided_by),
            ));
        }
        if r.transport == "retry" {
            let (dsn, text) = dsn_split(if sender { "4.1.0" } else { "4.1.1" }, &r.nexthop);
            return Ok(self.reject(
                450,
                &dsn_fix(&dsn, class),
                format!("<{address}>: {class} rejected: {text}"),
                format!("{by}: {} (retry transport)", r.decided_by),
            ));
        }
        let show = smtpd.params.show_unknown_table;
        let (table, code, what, parameter) = match r.class {
            AddressClass::Local => {
                let lower = rcpt.to_ascii_lowercase();
                let exempt = [
                    smtpd.params.double_bounce_sender.to_ascii_lowercase(),
                    "postmaster".into(),
                    "mailer-daemon".into(),
                ]
                .iter()
                .any(|name| lower.starts_with(&format!("{name}@")));
                if exempt {
                    return Ok(Status::Dunno);
                }
                (
                    maps.local.as_ref(),
                    smtpd.params.local_rcpt_code,
                    "local recipient table",
                    "local_recipient_maps",
                )
            }
            AddressClass::Virtual => (
                maps.virtual_mailbox.as_ref(),
                smtpd.params.virtual_mailbox_code,
                "virtual mailbox table",
                "virtual_mailbox_maps",
            ),
            AddressClass::Relay => (
                maps.relay.as_ref(),
                smtpd.params.relay_rcpt_code,
                "relay recipient table",
                "relay_recipient_maps",
            ),
            _ => return Ok(Status::Dunno),
        };
        let Some(table) = table else {
            return Ok(Status::Dunno);
        };
        if self.rcpt_match(table, rcpt, address)? {
            return Ok(Status::Dunno);
        }
        let suffix = if show {
            format!(" in {what}")
        } else {
            String::new()
        };
        Ok(self.reject(
            code,
            unknown,
            format!("<{address}>: {class} rejected: User unknown{suffix}"),
            format!("{by}: {parameter} has no {rcpt}"),
        ))
    }
}
