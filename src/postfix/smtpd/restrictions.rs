//! The restriction-list interpreter (`generic_checks`) and the stages that
//! run it (`smtpd_check_client`, `_helo`, `_mail`, `_rcpt`): each list
//! is read left to right until a restriction permits or refuses;
//! `defer_if_permit` turns a later success into 450, `defer_if_reject` a
//! later 5xx into 450; `warn_if_reject` makes the next refusal a warning;
//! DISCARD ends all checking with success. Errors (a failed lookup, a
//! malformed list) end the stage at once with 451, as smtpd's `longjmp`
//! does.

use super::access::Subject;
use super::address;
use super::reply::{Reply, CLIENT, HELO, RECIPIENT, REVERSE_CLIENT, SENDER};
use super::{Refusal, Smtpd};
use crate::smtp::{Client, Resolve, Stage};

/// The outcome of one restriction or list.
#[derive(Clone, Debug)]
pub enum Status {
    Dunno,
    /// Permitted, by what.
    Permit(String),
    Reject(Reply),
}

/// `Err`: smtpd's `longjmp` out of the stage (`reject_dict_retry`,
/// `reject_server_error`).
pub type Checked = Result<Status, Reply>;

/// A postponed reply (`SMTPD_DEFER`).
#[derive(Clone, Debug, Default)]
struct Defer {
    active: bool,
    reply: Option<Reply>,
}

/// One SMTP session's state while the checks run.
pub struct Session<'s, 'a> {
    pub(super) smtpd: &'s Smtpd<'a>,
    /// The client's name (`unknown` without a verified one), reverse
    /// name, and their lookup states.
    name: String,
    name_status: Resolve,
    reverse_name: String,
    reverse_status: Resolve,
    addr: String,
    helo: Option<String>,
    sender: Option<String>,
    recipient: Option<String>,
    stage: Stage,
    defer_if_permit: Defer,
    defer_if_reject: Defer,
    defer_if_permit_client: bool,
    defer_if_permit_helo: bool,
    defer_if_permit_sender: bool,
    warn_if_reject: usize,
    pub(super) recursion: usize,
    pub(super) discard: bool,
    recipient_rcptmap_checked: bool,
    sender_rcptmap_checked: bool,
    /// The implicit `check_*_access` of the list being read.
    pub(super) def_acl: Option<&'static str>,
}

impl<'s, 'a> Session<'s, 'a> {
    pub fn new(smtpd: &'s Smtpd<'a>, client: &Client) -> Session<'s, 'a> {
        let known = client.name.clone().filter(|n| !n.is_empty());
        let (name, name_status, reverse_name, reverse_status) = match (client.resolve, known) {
            (Resolve::Ok, Some(n)) => (n.clone(), Resolve::Ok, n, Resolve::Ok),
            (Resolve::Forged, Some(n)) => ("unknown".into(), Resolve::Forged, n, Resolve::Ok),
            (Resolve::Temp, _) => (
                "unknown".into(),
                Resolve::Temp,
                "unknown".into(),
                Resolve::Temp,
            ),
            _ => (
                "unknown".into(),
                Resolve::Fail,
                "unknown".into(),
                Resolve::Fail,
            ),
        };
        let addr = client
            .addr
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let addr = addr
            .strip_prefix("IPv6:")
            .or_else(|| addr.strip_prefix("ipv6:"))
            .map(str::to_owned)
            .unwrap_or(addr);
        Session {
            smtpd,
            name,
            name_status,
            reverse_name,
            reverse_status,
            addr,
            helo: (!client.helo.is_empty()).then(|| client.helo.clone()),
            sender: None,
            recipient: None,
            stage: Stage::Connect,
            defer_if_permit: Defer::default(),
            defer_if_reject: Defer::default(),
            defer_if_permit_client: false,
            defer_if_permit_helo: false,
            defer_if_permit_sender: false,
            warn_if_reject: 0,
            recursion: 0,
            discard: false,
            recipient_rcptmap_checked: false,
            sender_rcptmap_checked: false,
            def_acl: None,
        }
    }

    fn namaddr(&self) -> String {
        format!("{}[{}]", self.name, self.addr)
    }

    pub(super) fn at_connect_or_helo(&self) -> bool {
        matches!(self.stage, Stage::Connect | Stage::Helo)
    }

    /// `smtpd_check_reject`.
    pub(super) fn reject(&mut self, code: u16, dsn: &str, text: String, by: String) -> Status {
        let warn = self.warn_if_reject > 0;
        let reply = Reply::new(code, dsn, text, by, false);
        if !warn && reply.code / 100 == 5 && self.defer_if_reject.active {
            self.warn_if_reject = 0;
            self.defer_if_reject.active = false;
            if let Some(d) = self.defer_if_reject.reply.clone() {
                return self.reject(d.code, &d.dsn, d.text, d.by);
            }
        }
        if warn {
            return Status::Dunno;
        }
        Status::Reject(self.soft(reply))
    }

    fn soft(&self, reply: Reply) -> Reply {
        if self.smtpd.params.soft_bounce && reply.code / 100 == 5 {
            Reply::new(reply.code - 100, &reply.dsn, reply.text, reply.by, false)
        } else {
            reply
        }
    }

    /// `DEFER_IF_PERMIT`: remembered (unless `warn_if_reject` is on or
    /// the action is plain `defer`, then a refusal now).
    pub(super) fn defer_if_permit(
        &mut self,
        if_permit: bool,
        code: u16,
        dsn: &str,
        text: String,
        by: &str,
    ) -> Status {
        if self.warn_if_reject == 0 && if_permit {
            if !self.defer_if_permit.active {
                self.defer_if_permit.active = true;
                self.defer_if_permit.reply =
                    Some(Reply::new(code, dsn, text, by.to_owned(), false));
            }
            Status::Dunno
        } else {
            self.reject(code, dsn, text, by.to_owned())
        }
    }

    pub(super) fn defer_if_reject(&mut self, code: u16, dsn: &str, text: String, by: &str) {
        if !self.defer_if_reject.active {
            self.defer_if_reject.active = true;
            self.defer_if_reject.reply = Some(Reply::new(code, dsn, text, by.to_owned(), false));
        }
    }

    fn reset(&mut self) {
        self.recursion = 0;
        self.warn_if_reject = 0;
        self.defer_if_reject.active = false;
    }

    /// One stage's list; `Some` when it refused.
    fn stage_list(
        &mut self,
        param: &str,
        items: &[String],
        reply_name: &str,
        class: &str,
        def_acl: &'static str,
    ) -> Option<Reply> {
        if items.is_empty() {
            return None;
        }
        self.def_acl = Some(def_acl);
        match self.generic_checks(items, reply_name, class, Some(def_acl), param) {
            Ok(Status::Reject(r)) | Err(r) => Some(r),
            Ok(_) => None,
        }
    }

    fn check_client(&mut self) -> Option<Reply> {
        self.defer_if_permit.active = false;
        self.reset();
        let items = self.smtpd.params.client.clone();
        let namaddr = self.namaddr();
        let r = self.stage_list(
            "smtpd_client_restrictions",
            &items,
            &namaddr,
            CLIENT,
            "check_client_access",
        );
        self.defer_if_permit_client = self.defer_if_permit.active;
        r
    }

    fn check_helo(&mut self) -> Option<Reply> {
        let helo = self.helo.clone()?;
        self.defer_if_permit.active = self.defer_if_permit_client;
        self.reset();
        let items = self.smtpd.params.helo.clone();
        let r = self.stage_list(
            "smtpd_helo_restrictions",
            &items,
            &helo,
            HELO,
            "check_helo_access",
        );
        self.defer_if_permit_helo = self.defer_if_permit.active;
        r
    }

    fn check_mail(&mut self) -> Option<Reply> {
        let sender = self.sender.clone()?;
        self.defer_if_permit.active = self.defer_if_permit_client | self.defer_if_permit_helo;
        self.sender_rcptmap_checked = false;
        self.reset();
        let items = self.smtpd.params.sender.clone();
        let mut r = self.stage_list(
            "smtpd_sender_restrictions",
            &items,
            &sender,
            SENDER,
            "check_sender_access",
        );
        self.defer_if_permit_sender = self.defer_if_permit.active;
        if self.smtpd.params.reject_unlisted_sender
            && r.is_none()
            && !self.sender_rcptmap_checked
            && !self.discard
            && !sender.is_empty()
        {
            r = match self.check_rcpt_maps(&sender, SENDER, "smtpd_reject_unlisted_sender") {
                Ok(Status::Reject(r)) | Err(r) => Some(r),
                Ok(_) => None,
            };
        }
        r
    }

    /// `smtpd_check_rcpt`: `Ok` with what permitted, `Err` with the reply.
    fn check_rcpt(&mut self, recipient: &str) -> Result<String, Reply> {
        if recipient.eq_ignore_ascii_case("postmaster") {
            return Ok("smtpd: RCPT TO:<postmaster> is always accepted".into());
        }
        self.recipient = Some(recipient.to_owned());
        self.recipient_rcptmap_checked = false;
        let params = &self.smtpd.params;
        if params.delay_reject {
            self.stage = Stage::Connect;
            if let Some(r) = self.check_client() {
                return Err(r);
            }
            self.stage = Stage::Helo;
            if let Some(r) = self.check_helo() {
                return Err(r);
            }
            self.stage = Stage::Mail;
            if let Some(r) = self.check_mail() {
                return Err(r);
            }
        }
        self.stage = Stage::Rcpt;
        self.defer_if_permit.active = self.defer_if_permit_sender;
        self.reset();
        let mut by = String::from("no restriction refused");
        let lists = [
            ("smtpd_relay_restrictions", params.relay.clone()),
            ("smtpd_recipient_restrictions", params.recipient.clone()),
        ];
        for (param, items) in lists {
            if items.is_empty() {
                continue;
            }
            self.def_acl = Some("check_recipient_access");
            match self.generic_checks(
                &items,
                recipient,
                RECIPIENT,
                Some("check_recipient_access"),
                param,
            ) {
                Ok(Status::Reject(r)) | Err(r) => return Err(r),
                Ok(Status::Permit(p)) => by = p,
                Ok(Status::Dunno) => {}
            }
        }
        if self.defer_if_permit.active {
            if let Some(d) = self.defer_if_permit.reply.clone() {
                if let Status::Reject(r) = self.reject(d.code, &d.dsn, d.text, d.by) {
                    return Err(r);
                }
            }
        }
        if self.smtpd.params.reject_unlisted_recipient
            && !self.recipient_rcptmap_checked
            && !self.discard
        {
            match self.check_rcpt_maps(recipient, RECIPIENT, "smtpd_reject_unlisted_recipient") {
                Ok(Status::Reject(r)) | Err(r) => return Err(r),
                _ => {}
            }
        }
        Ok(by)
    }

    /// The whole dialogue: greeting, HELO, MAIL, RCPT.
    pub fn transaction(&mut self, sender: &str, recipient: &str) -> Result<String, Refusal> {
        let params = &self.smtpd.params;
        if !params.delay_reject {
            let helo = self.helo.take();
            self.stage = Stage::Connect;
            if let Some(r) = self.check_client() {
                return Err((Stage::Connect, r));
            }
            self.helo = helo;
            self.stage = Stage::Helo;
            if let Some(r) = self.check_helo() {
                return Err((Stage::Helo, r));
            }
        }
        let sender = address::internal(sender);
        if let Some(r) = self.address_syntax(&sender, true) {
            return Err((Stage::Mail, r));
        }
        self.sender = Some(sender);
        if !params.delay_reject {
            self.stage = Stage::Mail;
            if let Some(r) = self.check_mail() {
                return Err((Stage::Mail, r));
            }
        }
        let recipient = address::internal(recipient);
        if let Some(r) = self.address_syntax(&recipient, false) {
            return Err((Stage::Rcpt, r));
        }
        self.check_rcpt(&recipient).map_err(|r| (Stage::Rcpt, r))
    }

    /// `extract_addr`'s checks and `strict_smtputf8`.
    fn address_syntax(&self, address: &str, sender: bool) -> Option<Reply> {
        let params = &self.smtpd.params;
        let (code, dsn, what) = if sender {
            (501, "5.1.7", "Bad sender address syntax")
        } else {
            (501, "5.1.3", "Bad recipient address syntax")
        };
        let bad = || {
            Some(Reply::new(
                code,
                dsn,
                what.into(),
                "smtpd: address syntax".into(),
                false,
            ))
        };
        if address.is_empty() {
            return if sender { None } else { bad() };
        }
        let r = self.smtpd.resolve(address);
        if r.malformed {
            return bad();
        }
        if let Some(domain) = r.domain() {
            if !domain.is_empty() && !domain.is_ascii() {
                return bad();
            }
        }
        if params.strict_smtputf8 && !address.is_ascii() {
            return Some(Reply::new(
                553,
                "5.6.7",
                "Must declare SMTPUTF8 to send unicode address".into(),
                "strict_smtputf8".into(),
                false,
            ));
        }
        None
    }

    /// `generic_checks`.
    pub(super) fn generic_checks(
        &mut self,
        items: &[String],
        reply_name: &str,
        class: &str,
        def_acl: Option<&'static str>,
        param: &str,
    ) -> Checked {
        let saved = self.recursion;
        self.recursion += 1;
        let mut status = Status::Dunno;
        let mut i = 0;
        while i < items.len() {
            if self.discard {
                break;
            }
            let item = items[i].as_str();
            i += 1;
            if item.eq_ignore_ascii_case("warn_if_reject") {
                if self.warn_if_reject == 0 {
                    self.warn_if_reject = self.recursion;
                }
                continue;
            }
            // A bare table is the list's own check_*_access.
            let (name, argument): (String, Option<&str>) = if item.contains(':') {
                match def_acl {
                    Some(acl) => (acl.to_owned(), Some(item)),
                    None => {
                        self.recursion = saved;
                        return Err(Reply::server_error(format!(
                            "{param}: {item}: no check_*_access before a table"
                        )));
                    }
                }
            } else {
                (item.to_ascii_lowercase(), None)
            };
            let by = format!("{param}: {name}");
            let next = items.get(i).map(String::as_str);
            // A restriction that takes a table: the item after it.
            let mut table = || -> Result<String, Reply> {
                if let Some(t) = argument {
                    return Ok(t.to_owned());
                }
                match next {
                    Some(t) if t.contains(':') => {
                        i += 1;
                        Ok(t.to_owned())
                    }
                    _ => Err(Reply::server_error(format!(
                        "{by}: bad argument: need maptype:mapname"
                    ))),
                }
            };
            let result = self.restriction(&name, &mut table, next, reply_name, class, &by, param);
            let (one, skip) = match result {
                Ok(v) => v,
                Err(e) => {
                    self.recursion = saved;
                    return Err(e);
                }
            };
            i += skip;
            status = one;
            if self.warn_if_reject >= self.recursion {
                self.warn_if_reject = 0;
            }
            if !matches!(status, Status::Dunno) {
                break;
            }
            if self.defer_if_permit.active && self.defer_if_reject.active {
                break;
            }
        }
        self.recursion = saved;
        if self.warn_if_reject >= self.recursion {
            self.warn_if_reject = 0;
        }
        Ok(status)
    }

    /// One restriction: its status, and how many arguments it took (other
    /// than a table, which `table` takes).
    #[allow(clippy::too_many_arguments)]
    fn restriction(
        &mut self,
        name: &str,
        table: &mut dyn FnMut() -> Result<String, Reply>,
        next: Option<&str>,
        reply_name: &str,
        class: &str,
        by: &str,
        param: &str,
    ) -> Result<(Status, usize), Reply> {
        let smtpd = self.smtpd;
        let params = &smtpd.params;
        let done = |s: Status| Ok((s, 0));
        let rejected = |what: &str| format!("<{reply_name}>: {class} rejected: {what}");
        // Restrictions followed by a domain name (DNS lists): nothing is
        // listed offline.
        const DNS_LISTS: [&str; 10] = [
            "reject_rbl_client",
            "reject_rbl",
            "permit_dnswl_client",
            "reject_rhsbl_client",
            "permit_rhswl_client",
            "reject_rhsbl_reverse_client",
            "reject_rhsbl_helo",
            "reject_rhsbl_sender",
            "reject_rhsbl_recipient",
            "reject_rhsbl",
        ];
        if DNS_LISTS.contains(&name) {
            return Ok((Status::Dunno, usize::from(next.is_some())));
        }
        const DNS_ACCESS: [&str; 15] = [
            "check_client_ns_access",
            "check_client_mx_access",
            "check_client_a_access",
            "check_reverse_client_ns_access",
            "check_reverse_client_mx_access",
            "check_reverse_client_a_access",
            "check_helo_ns_access",
            "check_helo_mx_access",
            "check_helo_a_access",
            "check_sender_ns_access",
            "check_sender_mx_access",
            "check_sender_a_access",
            "check_recipient_ns_access",
            "check_recipient_mx_access",
            "check_recipient_a_access",
        ];
        if DNS_ACCESS.contains(&name)
            || matches!(
                name,
                "check_ccert_access" | "check_sasl_access" | "check_etrn_access"
            )
        {
            table()?;
            return done(Status::Dunno);
        }
        let status = match name {
            "permit" => Status::Permit(by.to_owned()),
            "defer" => self.reject(
                params.defer_code,
                "4.3.2",
                rejected("Try again later"),
                by.to_owned(),
            ),
            "reject" => self.reject(
                params.reject_code,
                "5.7.1",
                rejected("Access denied"),
                by.to_owned(),
            ),
            "reject_unauth_pipelining"
            | "permit_sasl_authenticated"
            | "permit_tls_all_clientcerts"
            | "permit_tls_clientcerts"
            | "reject_unverified_sender"
            | "reject_unverified_recipient"
            | "reject_authenticated_sender_login_mismatch"
            | "reject_known_sender_login_mismatch"
            | "reject_unauthenticated_sender_login_mismatch"
            | "reject_sender_login_mismatch"
            | "reject_maps_rbl" => Status::Dunno,
            "check_policy_service" => {
                return match next {
                    Some(server) if server.contains(':') => Ok((
                        self.table_result(
                            server,
                            "451 4.3.5 Server configuration problem",
                            reply_name,
                            class,
                            &format!("{by} {server} (unreachable)"),
                        )?,
                        1,
                    )),
                    _ => Err(Reply::server_error(format!(
                        "{by}: must be followed by transport:server"
                    ))),
                }
            }
            "defer_if_permit" => self.defer_if_permit(
                true,
                450,
                "4.7.0",
                rejected("defer_if_permit requested"),
                by,
            ),
            "defer_if_reject" => {
                self.defer_if_reject(450, "4.7.0", rejected("defer_if_reject requested"), by);
                Status::Dunno
            }
            "sleep" => {
                return match next {
                    Some(n) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => {
                        Ok((Status::Dunno, 1))
                    }
                    _ => Err(Reply::server_error(format!(
                        "{by}: must be followed by number"
                    ))),
                }
            }
            "reject_plaintext_session" => self.reject(
                params.plaintext_code,
                "4.7.1",
                "Session encryption is required".into(),
                by.to_owned(),
            ),
            "reject_unknown_client_hostname" | "reject_unknown_client" => {
                if self.name_status == Resolve::Ok {
                    Status::Dunno
                } else {
                    let code = if self.name_status == Resolve::Temp {
                        450
                    } else {
                        params.unknown_client_code
                    };
                    let text = format!(
                        "Client host rejected: cannot find your hostname, [{}]",
                        self.addr
                    );
                    // RFC 7372's status for a client without a name.
                    self.reject(code, "4.7.25", text, by.to_owned())
                }
            }
            "reject_unknown_reverse_client_hostname" => {
                if self.reverse_status == Resolve::Ok {
                    Status::Dunno
                } else {
                    let code = if self.reverse_status == Resolve::Temp {
                        450
                    } else {
                        params.unknown_client_code
                    };
                    let text = format!(
                        "Client host rejected: cannot find your reverse hostname, [{}]",
                        self.addr
                    );
                    self.reject(code, "4.7.1", text, by.to_owned())
                }
            }
            "permit_inet_interfaces" => {
                let own = ["127.0.0.1", "::1"].contains(&self.addr.as_str());
                if own {
                    Status::Permit(by.to_owned())
                } else {
                    Status::Dunno
                }
            }
            "permit_mynetworks" => match smtpd.mynetworks.matches(&self.name, &self.addr) {
                Ok(true) => Status::Permit(format!("{by} ({})", smtpd.mynetworks.source)),
                Ok(false) => Status::Dunno,
                Err(e) => return Err(Reply::dict_retry(reply_name, format!("{by}: {e}"))),
            },
            "check_client_access" => {
                let t = table()?;
                let (name, addr) = (self.name.clone(), self.addr.clone());
                let namaddr = self.namaddr();
                self.check_access(
                    &t,
                    Subject::Client {
                        name: &name,
                        addr: &addr,
                    },
                    &namaddr,
                    CLIENT,
                    by,
                )?
            }
            "check_reverse_client_hostname_access" => {
                let t = table()?;
                let (name, addr) = (self.reverse_name.clone(), self.addr.clone());
                let s = self.check_access(
                    &t,
                    Subject::Client {
                        name: &name,
                        addr: &addr,
                    },
                    &name,
                    REVERSE_CLIENT,
                    by,
                )?;
                self.forbid_allowlist(s, by)?
            }
            "check_helo_access" => {
                let t = table()?;
                match self.helo.clone() {
                    Some(h) => self.check_access(&t, Subject::Domain(&h), &h, HELO, by)?,
                    None => Status::Dunno,
                }
            }
            "reject_invalid_helo_hostname" | "reject_invalid_hostname" => match self.helo.clone() {
                Some(h) if h.starts_with('[') => self.invalid_hostaddr(&h, by),
                Some(h) => {
                    let t = address::without_dot(&h);
                    if address::valid_hostname(t, false) || address::valid_hostaddr(t) {
                        Status::Dunno
                    } else {
                        let text = format!("<{h}>: {HELO} rejected: Invalid name");
                        self.reject(params.bad_name_code, "5.5.2", text, by.to_owned())
                    }
                }
                None => Status::Dunno,
            },
            "reject_unknown_helo_hostname" | "reject_unknown_hostname" => match self.helo.clone() {
                Some(h) if h.starts_with('[') => self.invalid_hostaddr(&h, by),
                Some(h) => {
                    let text = format!("<{h}>: {HELO} rejected: Host not found");
                    let dip = params.unknown_helo_defer_if_permit;
                    self.defer_if_permit(dip, 450, "4.7.1", text, &format!("{by} (no DNS)"))
                }
                None => Status::Dunno,
            },
            "permit_naked_ip_address" => match &self.helo {
                Some(h) if address::valid_hostaddr(h) => Status::Permit(by.to_owned()),
                _ => Status::Dunno,
            },
            "reject_non_fqdn_helo_hostname" | "reject_non_fqdn_hostname" => {
                match self.helo.clone() {
                    Some(h) if h.starts_with('[') => self.invalid_hostaddr(&h, by),
                    Some(h) => {
                        let t = address::without_dot(&h);
                        if address::valid_hostname(t, false) && t.contains('.') {
                            Status::Dunno
                        } else {
                            let text =
                                format!("<{h}>: {HELO} rejected: need fully-qualified hostname");
                            self.reject(params.non_fqdn_code, "5.5.2", text, by.to_owned())
                        }
                    }
                    None => Status::Dunno,
                }
            }
            "check_sender_access" => {
                let t = table()?;
                match self.sender.clone() {
                    Some(s) if !s.is_empty() => {
                        self.check_access(&t, Subject::Address(&s), &s, SENDER, by)?
                    }
                    Some(_) => {
                        let key = params.null_access_key.clone();
                        self.check_access(&t, Subject::Key(&key), "", SENDER, by)?
                    }
                    None => Status::Dunno,
                }
            }
            "reject_unknown_sender_domain" | "reject_unknown_address" => {
                match self.sender.clone() {
                    Some(s) if !s.is_empty() => self.unknown_address(&s, SENDER, by)?,
                    _ => Status::Dunno,
                }
            }
            "reject_non_fqdn_sender" => match self.sender.clone() {
                Some(s) if !s.is_empty() => self.non_fqdn_address(&s, SENDER, by),
                _ => Status::Dunno,
            },
            "reject_unlisted_sender" => match self.sender.clone() {
                Some(s) if !s.is_empty() => {
                    if self.sender_rcptmap_checked {
                        Status::Dunno
                    } else {
                        if self.warn_if_reject == 0 {
                            self.sender_rcptmap_checked = true;
                        }
                        self.check_rcpt_maps(&s, SENDER, by)?
                    }
                }
                _ => Status::Dunno,
            },
            "check_recipient_access" => {
                let t = table()?;
                match self.recipient.clone() {
                    Some(r) => self.check_access(&t, Subject::Address(&r), &r, RECIPIENT, by)?,
                    None => Status::Dunno,
                }
            }
            "permit_mx_backup" => match self.recipient.clone() {
                Some(r) => self.mx_backup(&r, by)?,
                None => Status::Dunno,
            },
            "permit_auth_destination" => match self.recipient.clone() {
                Some(r) => match smtpd.auth_destination(&r) {
                    Ok(true) => Status::Permit(by.to_owned()),
                    Ok(false) => Status::Dunno,
                    Err(()) => return Err(Reply::dict_retry(&r, format!("{by}: lookup failed"))),
                },
                None => Status::Dunno,
            },
            "reject_unauth_destination" | "defer_unauth_destination" | "check_relay_domains" => {
                match self.recipient.clone() {
                    Some(r) => {
                        let ok = match smtpd.auth_destination(&r) {
                            Ok(ok) => ok,
                            Err(()) => {
                                return Err(Reply::dict_retry(&r, format!("{by}: lookup failed")))
                            }
                        };
                        if ok && name == "check_relay_domains" {
                            Status::Permit(by.to_owned())
                        } else if ok {
                            Status::Dunno
                        } else {
                            let (code, dsn) = if name == "defer_unauth_destination" {
                                (params.relay_code.saturating_sub(100), "4.7.1")
                            } else {
                                (params.relay_code, "5.7.1")
                            };
                            let text = format!("<{r}>: Relay access denied");
                            self.reject(code, dsn, text, by.to_owned())
                        }
                    }
                    None => Status::Dunno,
                }
            }
            "reject_unknown_recipient_domain" => match self.recipient.clone() {
                Some(r) => self.unknown_address(&r, RECIPIENT, by)?,
                None => Status::Dunno,
            },
            "reject_non_fqdn_recipient" => match self.recipient.clone() {
                Some(r) => self.non_fqdn_address(&r, RECIPIENT, by),
                None => Status::Dunno,
            },
            "check_recipient_maps" | "reject_unlisted_recipient" => match self.recipient.clone() {
                Some(r) if !r.is_empty() => {
                    if self.recipient_rcptmap_checked {
                        Status::Dunno
                    } else {
                        if self.warn_if_reject == 0 {
                            self.recipient_rcptmap_checked = true;
                        }
                        self.check_rcpt_maps(&r, RECIPIENT, by)?
                    }
                }
                _ => Status::Dunno,
            },
            "reject_multi_recipient_bounce" => Status::Dunno,
            other => match params.class(other) {
                Some(list) => {
                    let list = list.to_vec();
                    let def_acl = self.def_acl;
                    self.generic_checks(
                        &list,
                        reply_name,
                        class,
                        def_acl,
                        &format!("{param}: {other}"),
                    )?
                }
                None => {
                    return Err(Reply::server_error(format!(
                        "{param}: unknown smtpd restriction: \"{other}\""
                    )))
                }
            },
        };
        done(status)
    }

    /// `forbid_allowlist`: OK from a DNS-derived name is refused.
    fn forbid_allowlist(&mut self, status: Status, by: &str) -> Checked {
        match status {
            Status::Permit(_) if !self.discard => {
                Err(Reply::server_error(format!("{by}: OK is not allowed here")))
            }
            other => Ok(other),
        }
    }

    /// `reject_invalid_hostaddr` for a `[...]` HELO.
    fn invalid_hostaddr(&mut self, helo: &str, by: &str) -> Status {
        let t = address::without_dot(helo);
        if address::valid_literal(t) {
            Status::Dunno
        } else {
            let text = format!("<{helo}>: {HELO} rejected: invalid ip address");
            let code = self.smtpd.params.bad_name_code;
            self.reject(code, "5.5.2", text, by.to_owned())
        }
    }

    /// `reject_unknown_address`: a domain that is not ours needs DNS,
    /// which fails for now.
    fn unknown_address(&mut self, address: &str, class: &str, by: &str) -> Checked {
        let r = self.smtpd.resolve(address);
        if r.failed {
            return Err(Reply::dict_retry(address, format!("{by}: lookup failed")));
        }
        let Some(domain) = r.domain() else {
            return Ok(Status::Dunno);
        };
        if r.is_final() || (domain.starts_with('[') && domain.ends_with(']')) {
            return Ok(Status::Dunno);
        }
        let dsn = if class == SENDER { "4.1.8" } else { "4.1.2" };
        let text = format!("<{address}>: {class} rejected: Domain not found");
        let dip = self.smtpd.params.unknown_address_defer_if_permit;
        Ok(self.defer_if_permit(dip, 450, dsn, text, &format!("{by} (no DNS)")))
    }

    /// `reject_non_fqdn_address`.
    fn non_fqdn_address(&mut self, address: &str, class: &str, by: &str) -> Status {
        let domain = address.rsplit_once('@').map_or("", |(_, d)| d);
        if domain.starts_with('[') && domain.ends_with(']') {
            return Status::Dunno;
        }
        let t = address::without_dot(domain);
        if t.is_empty() || !address::valid_hostname(t, false) || !t.contains('.') {
            let text = format!("<{address}>: {class} rejected: need fully-qualified address");
            let code = self.smtpd.params.non_fqdn_code;
            self.reject(code, "4.5.2", text, by.to_owned())
        } else {
            Status::Dunno
        }
    }

    /// `permit_mx_backup`: ours or relayed permits; otherwise the MX
    /// lookup fails for now, which turns a later 5xx into 450.
    fn mx_backup(&mut self, recipient: &str, by: &str) -> Checked {
        let r = self.smtpd.resolve(recipient);
        if r.failed {
            return Err(Reply::dict_retry(recipient, format!("{by}: lookup failed")));
        }
        let Some(domain) = r.domain().map(str::to_owned) else {
            return Ok(Status::Permit(by.to_owned()));
        };
        if !self.smtpd.params.allow_untrusted_routing && r.routed {
            return Ok(Status::Dunno);
        }
        if r.is_final() || r.class == super::super::resolve::AddressClass::Relay {
            return Ok(Status::Permit(by.to_owned()));
        }
        if domain.starts_with('[') && domain.ends_with(']') {
            return Ok(Status::Dunno);
        }
        let text = format!(
            "<{recipient}>: {RECIPIENT} rejected: Unable to look up mail exchanger information: Host not found, try again"
        );
        self.defer_if_reject(450, "4.4.4", text, &format!("{by} (no DNS)"));
        Ok(Status::Dunno)
    }
}
