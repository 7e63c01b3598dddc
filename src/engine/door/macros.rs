//! The macros sendmail's SMTP server sets before it calls the check
//! rulesets (`srvrsmtp.c`, `daemon.c`).

use super::super::meta::Table;
use super::super::{Machine, Parsed, ADDRESS_BUFFER, MAX_ATOM};
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

/// `$f` as `setsender` defines it: the sender through rulesets 3, 1 and 4
/// (with `{addr_type}` still `e s`), joined without spaces; a route
/// address (`@...`) gets its angle brackets back. And `{mail_from}`.
pub fn sender(machine: &mut Machine, address: &str) -> Vec<(u8, Option<Vec<u8>>)> {
    let scan = machine.scan(address.as_bytes(), Table::Internal, 0, ADDRESS_BUFFER);
    let Some(mut work) = scan.tokens else {
        return Vec::new();
    };
    let saved = machine.captured.replace(Vec::new());
    for ruleset in [3, 1, 4] {
        machine.rewrite(&mut work, ruleset, 0, MAX_ATOM);
    }
    machine.captured = saved;
    let mut f = machine.join(&work, Some(0), false, 2048);
    if f.first() == Some(&b'@') {
        f.insert(0, b'<');
        f.push(b'>');
    }
    // This 8.17 has _FFR_MAIL_MACRO: `{mail_from}` is the sender as the
    // client wrote it (`e_from.q_paddr`).
    collect(
        machine,
        &[("f", Some(&f)), ("mail_from", Some(address.as_bytes()))],
    )
}
