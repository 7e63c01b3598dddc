//! A model of sendmail 8.17's SMTP door: what its SMTP server answers a
//! client for one sender and one recipient, in the order it answers.
//!
//! * connect: `check_relay` on `{client_name} $| {client_addr}`; a refusal
//!   makes the server answer every later command with it;
//! * MAIL: the sender's own parse (rulesets 3 and 0), then `check_mail` on
//!   `<sender>` with `{mail_mailer}`, `{mail_host}`, `{mail_addr}` set;
//! * RCPT: the recipient's parse as `parseaddr` does it (a `$#error` with
//!   its code, DSN and text; an unknown mailer; syntax errors), then
//!   `check_rcpt` with `{rcpt_mailer}`, `{rcpt_host}`, `{rcpt_addr}` set,
//!   then the local mailer's user check (aliases, then passwd).
//!
//! [`Door::open`] does the first two once per client and sender;
//! [`Door::rcpt`] then costs one parse and one `check_rcpt` per recipient.

mod check;
mod local;
mod macros;
pub mod reply;

use crate::smtp::{Client, Stage, Verdict};

use super::meta::CANONNET;
use super::{AddressFlags, Machine};

pub use check::Check;
pub use local::LocalUsers;
pub use reply::Reply;

/// What stays the same for every door call on one machine: the local
/// users (read once).
#[derive(Clone, Debug, Default)]
pub struct Door {
    users: LocalUsers,
}

/// One client's session after MAIL: the macros it set and the verdict
/// already given, if any.
#[derive(Clone, Debug)]
pub struct Opened {
    macros: Vec<(u8, Option<Vec<u8>>)>,
    /// A refusal at connect or MAIL, which every recipient gets.
    before: Option<Verdict>,
    /// `$#discard` at connect or MAIL: recipients are accepted unchecked.
    discard: bool,
}

/// The verdict for one client, sender and recipient.
pub fn door(machine: &mut Machine, client: &Client, sender: &str, recipient: &str) -> Verdict {
    let door = Door::new(machine);
    let opened = door.open(machine, client, sender);
    door.rcpt(machine, &opened, recipient)
}

/// `<address>`, unless it already has its brackets.
fn bracketed(address: &str) -> String {
    let trimmed = address.trim();
    if trimmed.starts_with('<') && trimmed.ends_with('>') {
        trimmed.to_owned()
    } else {
        format!("<{trimmed}>")
    }
}

fn verdict(stage: Stage, reply: Reply, decided_by: String) -> Verdict {
    Verdict::new(stage, reply.code, reply.text, decided_by)
}

impl Door {
    pub fn new(machine: &Machine) -> Door {
        Door {
            users: LocalUsers::new(&machine.env),
        }
    }

    /// Connect and MAIL for `client` and `sender`.
    pub fn open(&self, machine: &mut Machine, client: &Client, sender: &str) -> Opened {
        let saved_out = machine.out.len();
        let mut opened = Opened {
            macros: macros::client(machine, client),
            before: None,
            discard: false,
        };
        macros::apply(machine, &opened.macros);
        // Connect.
        let name = client.sendmail_name();
        match check::rscheck(
            machine,
            "check_relay",
            name.as_bytes(),
            Some(client.addr.as_bytes()),
            None,
        ) {
            Check::Continue => {}
            Check::Discard => opened.discard = true,
            Check::Refuse(reply, rule) => {
                opened.before = Some(verdict(Stage::Connect, reply, rule));
                machine.out.truncate(saved_out);
                return opened;
            }
        }
        // MAIL: the sender's parse, then check_mail.
        let address = bracketed(sender);
        macros::set(machine, "addr_type", Some(b"e s"));
        let parsed = match check::parse(machine, &address, true) {
            Ok(parsed) => parsed,
            Err((reply, rule)) => {
                macros::set(machine, "addr_type", None);
                opened.before = Some(verdict(Stage::Mail, reply, rule));
                machine.out.truncate(saved_out);
                return opened;
            }
        };
        let mut mail = macros::mail(machine, &parsed);
        mail.extend(macros::sender(machine, &address));
        macros::apply(machine, &mail);
        opened.macros.extend(mail);
        match check::rscheck(
            machine,
            "check_mail",
            address.as_bytes(),
            None,
            Some(address.as_bytes()),
        ) {
            Check::Continue => {}
            Check::Discard => opened.discard = true,
            Check::Refuse(reply, rule) => {
                opened.before = Some(verdict(Stage::Mail, reply, rule));
            }
        }
        macros::set(machine, "addr_type", None);
        machine.out.truncate(saved_out);
        opened
    }

    /// RCPT for one recipient in a session [`Door::open`] made.
    pub fn rcpt(&self, machine: &mut Machine, opened: &Opened, recipient: &str) -> Verdict {
        if let Some(before) = &opened.before {
            return before.clone();
        }
        let saved_out = machine.out.len();
        let verdict = self.rcpt_inner(machine, opened, recipient);
        machine.out.truncate(saved_out);
        verdict
    }

    fn rcpt_inner(&self, machine: &mut Machine, opened: &Opened, recipient: &str) -> Verdict {
        macros::apply(machine, &opened.macros);
        for name in ["rcpt_mailer", "rcpt_host", "rcpt_addr"] {
            macros::set(machine, name, None);
        }
        let address = bracketed(recipient);
        let to = Some(address.as_bytes());
        macros::set(machine, "addr_type", Some(b"e r"));
        let parsed = match check::parse(machine, &address, false) {
            Ok(parsed) => parsed,
            Err((reply, rule)) => {
                macros::set(machine, "addr_type", None);
                return verdict(Stage::Rcpt, reply, rule);
            }
        };
        macros::set(machine, "rcpt_mailer", Some(&parsed.mailer));
        macros::set(
            machine,
            "rcpt_host",
            Some(parsed.host.as_deref().unwrap_or(b"localhost")),
        );
        macros::set(machine, "rcpt_addr", Some(&parsed.user));
        let checked = check::rscheck(machine, "check_rcpt", address.as_bytes(), None, to);
        macros::set(machine, "addr_type", None);
        let discard = match checked {
            Check::Refuse(reply, rule) => return verdict(Stage::Rcpt, reply, rule),
            Check::Discard => true,
            Check::Continue => opened.discard,
        };
        let accepted = |how: String| {
            Verdict::new(
                Stage::Rcpt,
                250,
                format!("2.1.5 {address}... Recipient ok"),
                how,
            )
        };
        let mailer_name = super::lossy(&parsed.mailer);
        if discard {
            return accepted("$#discard: recipients are not checked".into());
        }
        let refuse =
            |message: &str, how: String| verdict(Stage::Rcpt, reply::usrerr(message, to), how);
        match parsed.mailer.as_slice() {
            b"*include*" => {
                return refuse(
                    "550 5.7.1 Cannot mail directly to :include:s",
                    "recipient: :include: only from an alias".into(),
                )
            }
            b"*file*" => {
                return refuse(
                    "550 5.7.1 Cannot mail directly to files",
                    "recipient: files only from an alias".into(),
                )
            }
            b"prog" => {
                return refuse(
                    "550 5.7.1 Cannot mail directly to programs",
                    "recipient: programs only from an alias".into(),
                )
            }
            _ => {}
        }
        let mut mailer_name = mailer_name;
        let mut host = parsed.host.clone();
        let mut user = parsed.user.clone();
        // recipient(): aliases, ruleset 5 (which may hand the address to
        // another mailer, a few times at most), then the passwd file.
        // QNOTREMOTE: a user part that ruleset 5 marked with `@` is not
        // given to it again.
        let mut not_remote = parsed.not_remote;
        for _ in 0..4 {
            let Some(mailer) = machine.mailer(mailer_name.as_bytes()).cloned() else {
                return accepted(format!("mailer {mailer_name}"));
            };
            if mailer.has_flag(b'@') && user.first() == Some(&b'@') {
                user.remove(0);
                not_remote = true;
            }
            let quoted = user.contains(&b'\\');
            let mut bare = user.clone();
            super::rewrite::strip_quotes(&mut bare);
            let shown = super::lossy(&bare);
            if mailer.has_flag(b'A') && !quoted && self.users.is_alias(&bare) {
                return accepted(format!("alias {shown}"));
            }
            if mailer.has_flag(b'5') && machine.level >= 2 && !not_remote {
                match check::localaddr(machine, host.as_deref(), &user, to) {
                    check::Local::Same => {}
                    check::Local::Refuse(reply, rule) => return verdict(Stage::Rcpt, reply, rule),
                    check::Local::Other(m, h, u) => {
                        let same = m.eq_ignore_ascii_case(mailer_name.as_bytes())
                            && h == host
                            && u == user;
                        if !same {
                            mailer_name = super::lossy(&m);
                            host = h;
                            user = u;
                            continue;
                        }
                    }
                }
            }
            if !mailer.has_flag(b'w') {
                return accepted(format!("mailer {mailer_name}"));
            }
            if self.users.is_user(&bare) {
                return accepted(format!("local user {shown}"));
            }
            return refuse(
                "550 5.1.1 User unknown",
                format!("mailer {mailer_name}: no alias or passwd entry for {shown}"),
            );
        }
        accepted(format!("mailer {mailer_name}"))
    }
}

/// Does a workspace resolve to `$#name`?
pub(crate) fn resolves_to(work: &[super::Token], name: &[u8]) -> bool {
    work.first().is_some_and(|t| t[..] == [CANONNET]) && work.get(1).is_some_and(|t| t[..] == *name)
}

/// The flags of an envelope address (`/tryflags E S` or `E R`).
pub(crate) fn envelope(sender: bool) -> AddressFlags {
    AddressFlags {
        header: false,
        sender,
    }
}

#[cfg(test)]
mod tests;
