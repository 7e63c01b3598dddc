//! access(5) in smtpd: the lookups of `check_client_access` (the client
//! name and its parent domains, then the address and its prefixes),
//! `check_reverse_client_hostname_access`, `check_helo_access`,
//! `check_sender_access` and `check_recipient_access` (the resolved
//! address: `user+ext@domain`, `user@domain`, `domain`, parents,
//! `user+ext@`, `user@`; the null sender as `smtpd_null_access_lookup_key`),
//! and what the action found does (`check_table_result`).

use super::super::tables::{
    access_address_lookup, access_client_lookup, access_domain_lookup, AccessMatch, Lookup,
    TableList,
};
use super::reply::{dsn_fix, dsn_split, RECIPIENT};
use super::restrictions::{Checked, Status};
use super::Session;

/// What an access lookup is about.
pub enum Subject<'x> {
    /// Client name (or `unknown`) and address.
    Client { name: &'x str, addr: &'x str },
    /// A host name: the HELO argument.
    Domain(&'x str),
    /// A mail address (not null).
    Address(&'x str),
    /// One full key (the null sender's).
    Key(&'x str),
}

impl Session<'_, '_> {
    /// Looks `subject` up in the access table `table` and applies the
    /// action found.
    pub(super) fn check_access(
        &mut self,
        table: &str,
        subject: Subject,
        reply_name: &str,
        class: &str,
        by: &str,
    ) -> Checked {
        let smtpd = self.smtpd;
        let Some(list) = smtpd.tables.get(table) else {
            return self.table_result(
                table,
                "451 4.3.5 Server configuration error",
                reply_name,
                class,
                by,
            );
        };
        let parents = smtpd.params.access_parents;
        let mut suspicious = false;
        let found: AccessMatch = match subject {
            Subject::Client { name, addr } => access_client_lookup(list, name, addr, parents),
            Subject::Domain(d) => access_domain_lookup(list, d, parents),
            Subject::Key(k) => key_lookup(list, k),
            Subject::Address(a) => {
                let r = smtpd.resolve(a);
                if r.failed {
                    return Err(super::Reply::dict_retry(
                        a,
                        format!("{by}: address resolution failed"),
                    ));
                }
                if !r.recipient.contains('@') {
                    return Ok(Status::Dunno);
                }
                suspicious =
                    !smtpd.params.allow_untrusted_routing && r.routed && class == RECIPIENT;
                access_address_lookup(
                    list,
                    &r.recipient,
                    parents,
                    &smtpd.params.recipient_delimiter,
                )
            }
        };
        let key = found.key.clone().unwrap_or_default();
        let by = format!("{by} {table} ({key})");
        let status = match found.result {
            Lookup::Found(value) => self.table_result(table, &value, reply_name, class, &by)?,
            Lookup::Fail(_) => self.table_result(
                table,
                "451 4.3.5 Server configuration error",
                reply_name,
                class,
                &by,
            )?,
            Lookup::NotFound => Status::Dunno,
        };
        Ok(match status {
            Status::Permit(_) if suspicious => Status::Dunno,
            other => other,
        })
    }

    /// `check_table_result`: what an access(5) action does.
    pub(super) fn table_result(
        &mut self,
        table: &str,
        value: &str,
        reply_name: &str,
        class: &str,
        by: &str,
    ) -> Checked {
        let params = &self.smtpd.params;
        let cut = value.find([' ', '\t']).unwrap_or(value.len());
        let command = &value[..cut];
        let rest = value[cut..].trim_start_matches([' ', '\t', '\r', '\n', '\x0b', '\x0c']);
        let is = |word: &str| command.eq_ignore_ascii_case(word);
        let rejected = |text: &str| {
            format!(
                "<{reply_name}>: {class} rejected: {}",
                if text.is_empty() {
                    "Access denied"
                } else {
                    text
                }
            )
        };
        if is("DUNNO") || is("INFO") || is("WARN") || is("PREPEND") {
            return Ok(Status::Dunno);
        }
        if is("REJECT") {
            let (dsn, text) = dsn_split("5.7.1", rest);
            return Ok(self.reject(
                params.map_reject_code,
                &dsn_fix(&dsn, class),
                rejected(&text),
                by.to_owned(),
            ));
        }
        if is("DEFER") {
            let (dsn, text) = dsn_split("4.7.1", rest);
            return Ok(self.reject(
                params.map_defer_code,
                &dsn_fix(&dsn, class),
                rejected(&text),
                by.to_owned(),
            ));
        }
        if is("HANGUP") {
            return Ok(self.reject(
                421,
                "4.7.0",
                format!(
                    "{} Service not available, closing transmission channel",
                    self.smtpd.config.get("myhostname")
                ),
                by.to_owned(),
            ));
        }
        if is("FILTER") || is("HOLD") || is("REDIRECT") || is("BCC") {
            return Ok(Status::Dunno);
        }
        if is("DISCARD") {
            // Not from the client or HELO restrictions when they are
            // applied at connect/HELO time (`can_delegate_action`).
            if !params.delay_reject && self.at_connect_or_helo() {
                return Ok(Status::Dunno);
            }
            self.discard = true;
            return Ok(Status::Permit(format!("{by}: DISCARD")));
        }
        if is("DEFER_IF_PERMIT") {
            let (dsn, text) = dsn_split("4.7.1", rest);
            return Ok(self.defer_if_permit(
                true,
                params.map_defer_code,
                &dsn_fix(&dsn, class),
                rejected(&text),
                by,
            ));
        }
        if is("DEFER_IF_REJECT") {
            let (dsn, text) = dsn_split("4.7.1", rest);
            let code = params.map_defer_code;
            self.defer_if_reject(code, &dsn_fix(&dsn, class), rejected(&text), by);
            return Ok(Status::Dunno);
        }
        if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(Status::Permit(by.to_owned()));
        }
        let b = value.as_bytes();
        if cut == 3
            && !rest.is_empty()
            && matches!(b[0], b'4' | b'5')
            && b[1].is_ascii_digit()
            && b[2].is_ascii_digit()
        {
            let code: u16 = command.parse().unwrap_or(450);
            let default = if b[0] == b'4' { "4.7.1" } else { "5.7.1" };
            let (dsn, text) = dsn_split(default, rest);
            return Ok(self.reject(
                code,
                &dsn_fix(&dsn, class),
                format!("<{reply_name}>: {class} rejected: {text}"),
                by.to_owned(),
            ));
        }
        if is("OK") || is("RELAY") {
            return Ok(Status::Permit(by.to_owned()));
        }
        if value.contains(':') {
            return Err(super::Reply::server_error(format!(
                "{by}: access table {table} has entry with lookup table: {value}"
            )));
        }
        if self.recursion > 100 {
            return Err(super::Reply::server_error(format!(
                "{by}: unreasonable recursion"
            )));
        }
        let items = super::params::restriction_list(value);
        if items.is_empty() {
            return Ok(Status::Permit(by.to_owned()));
        }
        let def_acl = self.def_acl;
        self.generic_checks(&items, reply_name, class, def_acl, by)
    }
}

/// One full key in a table list.
fn key_lookup(list: &TableList, key: &str) -> AccessMatch {
    let (result, table) = list.find(key, false);
    AccessMatch {
        key: (!matches!(result, Lookup::NotFound)).then(|| key.to_owned()),
        result,
        table,
    }
}
