//! master.cf: Postfix's standard services, the listeners the sendmail
//! configuration had, and a pipe(8) service per program mailer.

use serde::Serialize;

use crate::intent::{Intent, MailerKind};

use super::main_cf::origin_comment;

#[derive(Clone, Debug, Serialize)]
pub struct Service {
    pub origins: Vec<String>,
    pub line: String,
    pub args: Vec<String>,
}

fn service(
    name: &str,
    kind: &str,
    private: &str,
    unpriv: &str,
    wakeup: &str,
    maxproc: &str,
    command: &str,
) -> Service {
    Service {
        origins: Vec::new(),
        line: format!("{name:<10} {kind:<5} {private:<7} {unpriv:<7} n       {wakeup:<7} {maxproc:<7} {command}"),
        args: Vec::new(),
    }
}

/// Every service, in a fixed order.
pub fn build(intent: &Intent) -> Vec<Service> {
    let mut out = Vec::new();
    let maxproc = intent
        .limits
        .daemon_children
        .as_ref()
        .map(|v| v.value.to_string())
        .unwrap_or_else(|| "-".into());
    let daemon_origin: Vec<String> = intent
        .limits
        .daemon_children
        .iter()
        .map(|v| origin_comment(&v.origin))
        .collect();
    let listeners: Vec<_> = intent.listeners.iter().filter(|l| !l.submission).collect();
    if listeners.is_empty() {
        let mut s = service("smtp", "inet", "n", "-", "-", &maxproc, "smtpd");
        s.origins = daemon_origin.clone();
        out.push(s);
    }
    for l in &listeners {
        let name = match (&l.address, l.port) {
            (Some(a), 25) if intent.listeners.iter().any(|x| x.address.is_none()) => {
                format!("{a}:smtp")
            }
            (_, 25) => "smtp".to_owned(),
            (Some(a), p) => format!("{a}:{p}"),
            (None, p) => p.to_string(),
        };
        let mut s = service(&name, "inet", "n", "-", "-", &maxproc, "smtpd");
        s.origins = vec![origin_comment(&l.origin)];
        s.origins.extend(daemon_origin.iter().cloned());
        if l.tls_wrapper {
            s.args.push("-o smtpd_tls_wrappermode=yes".into());
        }
        out.push(s);
    }
    for l in intent.listeners.iter().filter(|l| l.submission) {
        let name = if l.port == 587 {
            "submission".to_owned()
        } else {
            l.port.to_string()
        };
        let mut s = service(&name, "inet", "n", "-", "-", &maxproc, "smtpd");
        s.origins = vec![origin_comment(&l.origin)];
        s.args.push("-o syslog_name=postfix/submission".into());
        if l.auth_required || intent.security.auth_mechanisms.is_some() {
            s.args.push("-o smtpd_sasl_auth_enable=yes".into());
        }
        if l.tls_wrapper {
            s.args.push("-o smtpd_tls_wrappermode=yes".into());
        }
        out.push(s);
    }
    for (name, kind, private, unpriv, wakeup, maxproc, command) in [
        ("pickup", "unix", "n", "-", "60", "1", "pickup"),
        ("cleanup", "unix", "n", "-", "-", "0", "cleanup"),
        ("qmgr", "unix", "n", "-", "300", "1", "qmgr"),
        ("tlsmgr", "unix", "-", "-", "1000?", "1", "tlsmgr"),
        ("rewrite", "unix", "-", "-", "-", "-", "trivial-rewrite"),
        ("bounce", "unix", "-", "-", "-", "0", "bounce"),
        ("defer", "unix", "-", "-", "-", "0", "bounce"),
        ("trace", "unix", "-", "-", "-", "0", "bounce"),
        ("verify", "unix", "-", "-", "-", "1", "verify"),
        ("flush", "unix", "n", "-", "1000?", "0", "flush"),
        ("proxymap", "unix", "-", "-", "-", "-", "proxymap"),
        ("proxywrite", "unix", "-", "-", "-", "1", "proxymap"),
        ("smtp", "unix", "-", "-", "-", "-", "smtp"),
        ("relay", "unix", "-", "-", "-", "-", "smtp"),
        ("showq", "unix", "n", "-", "-", "-", "showq"),
        ("error", "unix", "-", "-", "-", "-", "error"),
        ("retry", "unix", "-", "-", "-", "-", "error"),
        ("discard", "unix", "-", "-", "-", "-", "discard"),
        ("local", "unix", "-", "n", "-", "-", "local"),
        ("virtual", "unix", "-", "n", "-", "-", "virtual"),
        ("lmtp", "unix", "-", "-", "-", "-", "lmtp"),
        ("anvil", "unix", "-", "-", "-", "1", "anvil"),
        ("scache", "unix", "-", "-", "-", "1", "scache"),
        ("postlog", "unix-dgram", "n", "-", "-", "1", "postlogd"),
    ] {
        let mut s = service(name, kind, private, unpriv, wakeup, maxproc, command);
        if name == "relay" {
            s.args.push("-o syslog_name=postfix/$service_name".into());
        }
        out.push(s);
    }
    let mut seen = std::collections::BTreeSet::new();
    for t in &intent.transports {
        let Some(command) = &t.command else { continue };
        if !matches!(
            t.kind,
            MailerKind::Uucp | MailerKind::Cyrus | MailerKind::Pipe | MailerKind::Procmail
        ) {
            continue;
        }
        if !seen.insert(t.service.clone()) {
            continue;
        }
        let mut s = service(&t.service, "unix", "-", "n", "-", "-", "pipe");
        s.origins = vec![origin_comment(&t.origin)];
        s.args.push(format!(
            "flags={} user={} argv={}",
            t.pipe_flags,
            t.user.clone().unwrap_or_else(|| "nobody".into()),
            command
        ));
        out.push(s);
    }
    out
}
