//! The macros sendmail's SMTP server sets before it calls the check
//! rulesets (`srvrsmtp.c`, `daemon.c`).

use super::super::{Machine, Parsed};
use crate::smtp::Client;

/// The id of a macro name (`s`, `client_addr`), given one if it has none.
fn id(machine: &mut Machine, name: &str) -> Option<u8> {
    match name.as_bytes() {
        [b] => Some(*b),
        long => machine.names.intern(long).ok(),
    }
}

/// Sets (or, with `None`, clears) a macro.
pub fn set(machine: &mut Machine, name: &str, value: Option<&[u8]>) {
    if let Some(id) = id(machine, name) {
        machine.macros.set(id, value);
    }
}

/// Sets macros saved by [`client`] and [`mail`].
pub fn apply(machine: &mut Machine, values: &[(u8, Option<Vec<u8>>)]) {
    for (id, value) in values {
        machine.macros.set(*id, value.as_deref());
    }
}

fn collect(machine: &mut Machine, pairs: &[(&str, Option<&[u8]>)]) -> Vec<(u8, Option<Vec<u8>>)> {
    pairs
        .iter()
        .filter_map(|(name, value)| Some((id(machine, name)?, value.map(<[u8]>::to_vec))))
        .collect()
}

/// What the server knows when the client connects and says EHLO: the
/// client (`{client_*}`, `$_`), the daemon (`{daemon_*}`, as a daemon
/// named MTA on port 25 has them), no authentication.
pub fn client(machine: &mut Machine, client: &Client) -> Vec<(u8, Option<Vec<u8>>)> {
    let name = client.sendmail_name();
    let underscore = match &client.name {
        Some(n) => format!("{n} [{}]", client.addr),
        None => format!("[{}]", client.addr),
    };
    let family = if client.addr.contains(':') {
        "inet6"
    } else {
        "inet"
    };
    let ptr = client.name.clone().unwrap_or_else(|| name.clone());
    collect(
        machine,
        &[
            ("client_addr", Some(client.addr.as_bytes())),
            ("client_name", Some(name.as_bytes())),
            ("client_ptr", Some(ptr.as_bytes())),
            ("client_resolve", Some(client.resolve.as_str().as_bytes())),
            ("client_port", Some(b"49152")),
            ("client_flags", Some(b"")),
            ("daemon_name", Some(b"MTA")),
            ("daemon_flags", Some(b"")),
            ("daemon_family", Some(family.as_bytes())),
            ("daemon_port", Some(b"25")),
            ("auth_type", None),
            ("auth_authen", None),
            ("auth_author", None),
            ("_", Some(underscore.as_bytes())),
            ("s", Some(client.helo.as_bytes())),
            ("r", Some(b"ESMTP")),
        ],
    )
}

/// What MAIL sets from the sender's parse.
pub fn mail(machine: &mut Machine, parsed: &Parsed) -> Vec<(u8, Option<Vec<u8>>)> {
    collect(
        machine,
        &[
            ("mail_mailer", Some(&parsed.mailer)),
            (
                "mail_host",
                Some(parsed.host.as_deref().unwrap_or(b"localhost")),
            ),
            ("mail_addr", Some(&parsed.user)),
            ("ntries", Some(b"0")),
            ("nrcpts", Some(b"0")),
            ("nbadrcpts", Some(b"0")),
        ],
    )
}
