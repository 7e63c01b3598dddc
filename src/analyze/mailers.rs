//! Mailers (`M` lines) as Postfix transports, and local delivery.

use crate::engine::{lossy_text, Mailer};
use crate::intent::{
    Disposition, Finding, Intent, LocalDeliveryKind, MailerKind, Origin, Sourced, Transport,
};

use super::facts::Facts;

/// A mailer field in its external form: sendmail keeps `$x` as an
/// internal byte after loading.
pub fn external(machine: &crate::engine::Machine, bytes: &[u8]) -> String {
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == crate::engine::meta::MACROEXPAND {
            if let Some(&id) = bytes.get(i + 1) {
                out.push(b'$');
                if machine.names.is_long(id) {
                    out.push(b'{');
                    out.extend(machine.names.name_of(id));
                    out.push(b'}');
                } else {
                    out.push(id);
                }
                i += 2;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    lossy_text(&out)
}

/// What kind of delivery agent a mailer is, from its path, arguments,
/// name and flags.
pub fn kind(mailer: &Mailer) -> MailerKind {
    let name = lossy_text(&mailer.name).to_ascii_lowercase();
    let path = lossy_text(&mailer.path);
    let program = path.rsplit('/').next().unwrap_or("").to_ascii_lowercase();
    let args: Vec<String> = mailer.argv.iter().map(|a| lossy_text(a)).collect();
    let ipc = path == "[IPC]" || path == "[TCP]";
    if name == "error" {
        return MailerKind::Error;
    }
    if name == "discard" {
        return MailerKind::Discard;
    }
    if ipc {
        if args.iter().any(|a| a.eq_ignore_ascii_case("lmtp")) || mailer.has_flag(b'z') {
            return MailerKind::Lmtp;
        }
        return if name.contains("relay") {
            MailerKind::Relay
        } else {
            MailerKind::Smtp
        };
    }
    if name.starts_with("cyrus") || program.contains("deliver") && path.contains("cyrus") {
        return MailerKind::Cyrus;
    }
    if name.starts_with("uucp") || name.ends_with("uucp") || program == "uux" {
        return MailerKind::Uucp;
    }
    if name == "local" || mailer.has_flag(b'l') && !name.starts_with("prog") {
        if program == "procmail" {
            return MailerKind::Procmail;
        }
        return MailerKind::Local;
    }
    if name == "prog" || name == "*file*" || name == "*include*" {
        return MailerKind::Program;
    }
    if program == "procmail" {
        return MailerKind::Procmail;
    }
    MailerKind::Pipe
}

/// The master.cf service for a mailer.
pub fn service(mailer: &Mailer, kind: MailerKind) -> String {
    let name = lossy_text(&mailer.name).to_ascii_lowercase();
    if name == "local" {
        return "local".into(); // local(8), whatever program sendmail ran
    }
    match kind {
        MailerKind::Smtp => "smtp".into(),
        MailerKind::Relay => "relay".into(),
        MailerKind::Lmtp => "lmtp".into(),
        MailerKind::Local | MailerKind::Program => "local".into(),
        MailerKind::Error => "error".into(),
        MailerKind::Discard => "discard".into(),
        MailerKind::Uucp if name == "uucp" => "uucp".into(),
        _ => {
            let clean: String = name
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '-' {
                        c
                    } else {
                        '-'
                    }
                })
                .collect();
            let clean = clean.trim_matches('-').to_owned();
            if clean.is_empty() {
                "pipe".into()
            } else {
                clean
            }
        }
    }
}

/// sendmail's `$u $h $f $g $x` in an argument vector, as pipe(8) macros.
fn pipe_argument(arg: &str) -> String {
    let mut out = String::new();
    let mut chars = arg.chars();
    while let Some(c) = chars.next() {
        if c != '$' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('u') => out.push_str("${recipient}"),
            Some('h') => out.push_str("${nexthop}"),
            Some('f' | 'g') => out.push_str("${sender}"),
            Some('z') => out.push_str("${home}"),
            Some(other) => {
                out.push('$');
                out.push(other);
            }
            None => out.push('$'),
        }
    }
    out
}

/// pipe(8) flags matching the mailer's F= letters.
fn pipe_flags(mailer: &Mailer) -> String {
    let mut flags = String::new();
    if mailer.has_flag(b'U') {
        flags.push('F');
    }
    if mailer.has_flag(b'P') {
        flags.push('R');
    }
    if mailer.has_flag(b'X') {
        flags.push('.');
    }
    if mailer.has_flag(b'E') {
        flags.push('>');
    }
    if !mailer.has_flag(b'u') {
        flags.push('u');
    }
    if !mailer.has_flag(b'h') {
        flags.push('h');
    }
    flags.push('q');
    flags
}

fn user_for(facts: &Facts, mailer: &Mailer, kind: MailerKind) -> String {
    if mailer.uid > 0 {
        let uid = mailer.uid.to_string();
        if let Some(entry) = facts
            .machine
            .env
            .passwd
            .iter()
            .find(|p| p.fields.get(2).map(|f| f.as_slice()) == Some(uid.as_bytes()))
        {
            return lossy_text(&entry.fields[0]);
        }
    }
    match kind {
        MailerKind::Uucp => "uucp".into(),
        MailerKind::Cyrus => "cyrus".into(),
        _ => "nobody".into(),
    }
}

pub fn analyze(facts: &Facts, intent: &mut Intent) {
    for mailer in &facts.machine.mailers {
        if mailer.line == 0 {
            continue; // built in: prog, *file*, *include*
        }
        let origin = facts.origin_at(mailer.line);
        let kind = kind(mailer);
        let service = service(mailer, kind);
        let path = lossy_text(&mailer.path);
        let args: Vec<String> = mailer
            .argv
            .iter()
            .map(|a| pipe_argument(&external(&facts.machine, a)))
            .collect();
        let needs_pipe = service != "local"
            && matches!(
                kind,
                MailerKind::Uucp | MailerKind::Cyrus | MailerKind::Pipe | MailerKind::Procmail
            );
        let command = needs_pipe.then(|| {
            let mut argv = vec![path.clone()];
            argv.extend(args.iter().skip(1).cloned());
            argv.join(" ")
        });
        let explicit_limit = facts
            .mailer_line(&mailer.name)
            .is_some_and(|l| match &l.kind {
                crate::ast::LineKind::Mailer(m) => m
                    .field(crate::ast::MailerFieldKind::MaxRecipients)
                    .is_some(),
                _ => false,
            });
        let recipient_limit = if explicit_limit && mailer.max_recipients > 0 {
            u32::try_from(mailer.max_recipients).ok()
        } else if needs_pipe && !mailer.has_flag(b'm') {
            Some(1)
        } else {
            None
        };
        let transport = Transport {
            mailer: lossy_text(&mailer.name),
            service: service.clone(),
            kind,
            command,
            user: needs_pipe.then(|| user_for(facts, mailer, kind)),
            pipe_flags: if needs_pipe {
                pipe_flags(mailer)
            } else {
                String::new()
            },
            recipient_limit,
            origin: origin.clone(),
        };
        let (disposition, reason, action) = match kind {
            MailerKind::Smtp | MailerKind::Relay | MailerKind::Lmtp => (
                Disposition::Translated,
                format!("Postfix's built-in {service} transport"),
                String::new(),
            ),
            MailerKind::Local => (
                Disposition::Translated,
                "Postfix's local(8) delivery agent".into(),
                String::new(),
            ),
            MailerKind::Program => (
                Disposition::Translated,
                "local(8) runs alias and .forward programs itself".into(),
                String::new(),
            ),
            MailerKind::Error | MailerKind::Discard => (
                Disposition::Translated,
                format!("Postfix's {service} transport"),
                String::new(),
            ),
            MailerKind::Procmail if service == "local" => (
                Disposition::Translated,
                "local(8) delivers and runs the same program for every mailbox (mailbox_command)".into(),
                String::new(),
            ),
            MailerKind::Procmail | MailerKind::Uucp | MailerKind::Cyrus | MailerKind::Pipe => (
                Disposition::Approximated,
                format!(
                    "a pipe(8) service `{service}` runs the same program as user {}; sendmail's header rewriting rulesets for this mailer are not reproduced",
                    transport.user.clone().unwrap_or_default()
                ),
                "Check the program path and the user in master.cf.".into(),
            ),
        };
        intent.findings.push(Finding {
            disposition,
            origin: origin.clone(),
            subject: format!("mailer {}", transport.mailer),
            reason,
            action,
        });
        if lossy_text(&mailer.name) == "local" {
            local_delivery(facts, intent, mailer, kind, &origin);
        }
        if lossy_text(&mailer.name) == "prog" && path.ends_with("smrsh") {
            intent.local_delivery.command_shell = Some(Sourced::new(path.clone(), origin.clone()));
        }
        intent.transports.push(transport);
    }
}

fn local_delivery(
    facts: &Facts,
    intent: &mut Intent,
    mailer: &Mailer,
    kind: MailerKind,
    origin: &Origin,
) {
    let path = lossy_text(&mailer.path);
    let args: Vec<String> = mailer
        .argv
        .iter()
        .map(|a| external(&facts.machine, a))
        .collect();
    if kind != MailerKind::Procmail {
        return;
    }
    intent.local_delivery.kind = LocalDeliveryKind::Command;
    // procmail -a $h -d $u: Postfix runs the command per recipient with
    // the address extension in $EXTENSION and the user in $USER.
    let mut command = vec![path];
    for a in args.iter().skip(1) {
        command.push(match a.as_str() {
            "$h" => "\"$EXTENSION\"".into(),
            "$u" => "\"$USER\"".into(),
            other => other.to_owned(),
        });
    }
    intent.local_delivery.command = Some(Sourced::new(command.join(" "), origin.clone()));
}
