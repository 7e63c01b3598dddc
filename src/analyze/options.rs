//! Options (`O` lines) that have a Postfix counterpart: limits, timeouts,
//! the greeting, privacy flags, listeners, filters, TLS and AUTH.

use crate::ast::{EquateField, LineKind, OptionValue};
use crate::intent::{Disposition, Finding, Intent, Listener, Milter, Origin, Sourced};

use super::facts::Facts;

/// Options whose effect the analyzer carries over (by 8.17 long name).
const HANDLED: &[&str] = &[
    "AliasFile",
    "AuthMechanisms",
    "CACertFile",
    "CACertPath",
    "ConnectionRateThrottle",
    "DaemonPortOptions",
    "ForwardPath",
    "InputMailFilters",
    "MaxDaemonChildren",
    "MaxHeadersLength",
    "MaxHopCount",
    "MaxMessageSize",
    "MaxRecipientsPerMessage",
    "PrivacyOptions",
    "QueueTimeout",
    "ServerCertFile",
    "ServerKeyFile",
    "SmtpGreetingMessage",
    "Timeout",
];

/// Options that only tune sendmail itself; Postfix has its own equivalents
/// or needs none. Reported once each, as needing no action.
const SENDMAIL_ONLY: &[&str] = &[
    "AllowBogusHELO",
    "BlankSub",
    "CheckAliases",
    "CheckpointInterval",
    "ClassFactor",
    "ColonOkInAddr",
    "ConnectionCacheSize",
    "ConnectionCacheTimeout",
    "DefaultCharSet",
    "DeliveryMode",
    "DontBlameSendmail",
    "DontExpandCnames",
    "DontInitGroups",
    "DontProbeInterfaces",
    "DontPruneRoutes",
    "EightBitMode",
    "ErrorMode",
    "ForkEachJob",
    "HelpFile",
    "HoldExpensive",
    "HostStatusDirectory",
    "HostsFile",
    "IgnoreDots",
    "LogLevel",
    "MatchGECOS",
    "MeToo",
    "MinFreeBlocks",
    "MinQueueAge",
    "MustQuoteChars",
    "OldStyleHeaders",
    "OperatorChars",
    "PidFile",
    "QueueDirectory",
    "QueueFactor",
    "QueueLA",
    "QueueSortOrder",
    "RecipientFactor",
    "RefuseLA",
    "ResolverOptions",
    "RetryFactor",
    "RunAsUser",
    "SafeFileEnvironment",
    "SaveFromLine",
    "SendMimeErrors",
    "ServiceSwitchFile",
    "SevenBitInput",
    "SingleThreadDelivery",
    "StatusFile",
    "SuperSafe",
    "TempFileMode",
    "TimeZoneSpec",
    "TrustedUser",
    "TryNullMXList",
    "UnixFromLine",
    "UnsafeGroupWrites",
    "UseErrorsTo",
    "UseMSP",
    "Verbose",
];

fn number(value: &OptionValue) -> Option<u64> {
    match value {
        OptionValue::Number(n) if *n > 0 => u64::try_from(*n).ok(),
        OptionValue::Text(t) | OptionValue::Unparsed(t) => t.to_display().trim().parse().ok(),
        _ => None,
    }
}

fn text(value: &OptionValue) -> Option<String> {
    match value {
        OptionValue::Path(t) | OptionValue::Text(t) | OptionValue::Unparsed(t) => {
            Some(t.to_display().trim().to_owned())
        }
        OptionValue::List(items) => Some(
            items
                .iter()
                .map(|t| t.to_display())
                .collect::<Vec<_>>()
                .join(","),
        ),
        _ => None,
    }
}

/// sendmail macros in a greeting or path, in Postfix's terms. A
/// conditional `$?x then $| else $.` tests a macro Postfix does not have,
/// so it keeps its `else` part; `$&x` and macros with no counterpart are
/// dropped (each marked by a NUL where it stood, and named in the second
/// result). Braces, `$?`, `$|` and `$.` never survive.
pub fn translate_macros(text: &str) -> (String, Vec<String>) {
    let mut out = String::new();
    let mut dropped = Vec::new();
    // For each open conditional: whether its current part is kept.
    let mut conditions: Vec<bool> = Vec::new();
    let keeping = |c: &[bool]| c.iter().all(|k| *k);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '$' {
            if keeping(&conditions) {
                out.push(c);
            }
            continue;
        }
        let Some(op) = chars.next() else { break };
        let name = |chars: &mut std::iter::Peekable<std::str::Chars>| -> String {
            match chars.next() {
                Some('{') => chars.by_ref().take_while(|&c| c != '}').collect(),
                Some(c) => c.to_string(),
                None => String::new(),
            }
        };
        match op {
            '?' => {
                let n = name(&mut chars);
                dropped.push(format!("$?{}", braced(&n)));
                conditions.push(false);
            }
            '|' => {
                if let Some(last) = conditions.last_mut() {
                    *last = !*last;
                }
            }
            '.' => {
                conditions.pop();
            }
            '&' => {
                let n = name(&mut chars);
                if keeping(&conditions) {
                    out.push('\u{0}');
                }
                dropped.push(format!("$&{}", braced(&n)));
            }
            '$' => {
                if keeping(&conditions) {
                    out.push('$');
                }
            }
            first => {
                let n = if first == '{' {
                    chars.by_ref().take_while(|&c| c != '}').collect()
                } else {
                    first.to_string()
                };
                if !keeping(&conditions) {
                    continue;
                }
                let replacement = match n.as_str() {
                    "j" | "w" => Some("$myhostname"),
                    "m" => Some("$mydomain"),
                    "z" => Some("$home"),
                    "u" => Some("$user"),
                    _ => None,
                };
                match replacement {
                    Some(r) => out.push_str(r),
                    None => {
                        out.push('\u{0}');
                        dropped.push(format!("${}", braced(&n)));
                    }
                }
            }
        }
    }
    (out, dropped)
}

/// `x` or `{name}`, as the macro is written.
fn braced(name: &str) -> String {
    if name.chars().count() == 1 {
        name.to_owned()
    } else {
        format!("{{{name}}}")
    }
}

fn banner(value: &str) -> (String, Vec<String>) {
    let (text, dropped) = translate_macros(value);
    // A word that only introduced a dropped macro ("ready at $b") goes too.
    let mut kept: Vec<&str> = Vec::new();
    for w in text.split_whitespace() {
        if w.starts_with('\u{0}') && matches!(kept.last(), Some(&"at" | &"on" | &"version")) {
            kept.pop();
        }
        kept.push(w);
    }
    let text = kept.join(" ").replace('\u{0}', "");
    let words: Vec<&str> = text
        .split_whitespace()
        .filter(|w| !w.eq_ignore_ascii_case("sendmail") && *w != "/" && !w.starts_with('/'))
        .collect();
    let mut rest: Vec<&str> = words.clone();
    if rest.first() == Some(&"$myhostname") {
        rest.remove(0);
    }
    let rest: Vec<&str> = rest
        .into_iter()
        .map(|w| w.trim_matches(';'))
        .filter(|w| !w.is_empty() && !w.eq_ignore_ascii_case("esmtp"))
        .collect();
    let mut banner = "$myhostname ESMTP".to_owned();
    if rest.is_empty() {
        banner.push_str(" $mail_name");
    } else {
        banner.push(' ');
        banner.push_str(&rest.join(" "));
    }
    (banner, dropped)
}

/// Translated when nothing was left out, else approximated.
fn complete(dropped: &[String]) -> Disposition {
    if dropped.is_empty() {
        Disposition::Translated
    } else {
        Disposition::Approximated
    }
}

fn set(slot: &mut Option<Sourced<u64>>, value: Option<u64>, origin: &Origin) {
    if let Some(v) = value {
        *slot = Some(Sourced::new(v, origin.clone()));
    }
}

fn listener(value: &str, origin: &Origin) -> Listener {
    let mut name = String::from("MTA");
    let mut port = 25u16;
    let mut address = None;
    let mut modifiers = String::new();
    for field in value.split(',') {
        let Some((k, v)) = field.split_once('=') else {
            continue;
        };
        let v = v.trim();
        match k.trim().chars().next() {
            Some('N') => name = v.to_owned(),
            Some('P') => {
                port = match v {
                    "smtp" => 25,
                    "submission" => 587,
                    "smtps" => 465,
                    _ => v.parse().unwrap_or(25),
                }
            }
            Some('A') => address = Some(v.to_owned()),
            Some('M') => modifiers = v.to_owned(),
            _ => {}
        }
    }
    Listener {
        submission: port == 587 || name.eq_ignore_ascii_case("MSA") || modifiers.contains('E'),
        tls_wrapper: modifiers.contains('s') || port == 465,
        auth_required: modifiers.contains('a'),
        name,
        address: address.filter(|a| a != "0.0.0.0" && a != "::"),
        port,
        origin: origin.clone(),
    }
}

fn milter(name: &str, fields: &[EquateField], origin: &Origin) -> Milter {
    let mut socket = String::new();
    let mut default_action = "tempfail".to_owned();
    for f in fields {
        let value = f.value.to_display();
        match f.letter() {
            b'S' => {
                // sendmail: local:/path, unix:/path, inet:port@host, inet6:port@host
                socket = match value.split_once(':') {
                    Some(("local" | "unix", path)) => format!("unix:{path}"),
                    Some((family @ ("inet" | "inet6"), rest)) => match rest.split_once('@') {
                        Some((port, host)) => format!("{family}:{host}:{port}"),
                        None => format!("{family}:{rest}"),
                    },
                    _ => value.clone(),
                };
            }
            b'F' => {
                default_action = match value.trim() {
                    "R" => "reject".into(),
                    "T" => "tempfail".into(),
                    _ => "accept".into(),
                }
            }
            _ => {}
        }
    }
    Milter {
        name: name.to_owned(),
        socket,
        default_action,
        origin: origin.clone(),
    }
}

pub fn analyze(facts: &Facts, intent: &mut Intent) {
    for line in &facts.config.lines {
        match &line.kind {
            LineKind::Milter(m) => {
                let origin = facts.origin(line);
                intent
                    .milters
                    .push(milter(&m.name.to_display(), &m.fields, &origin));
            }
            LineKind::Option(o) => {
                let origin = facts.origin(line);
                let name = o.resolved.as_ref().map(|n| n.to_display());
                let Some(name) = name else {
                    intent.findings.push(Finding {
                        disposition: Disposition::NotTranslated,
                        origin,
                        subject: "unknown option".into(),
                        reason: "sendmail 8.17 does not know this option either".into(),
                        action: "None: it had no effect.".into(),
                    });
                    continue;
                };
                let base = name.split('.').next().unwrap_or(&name).to_owned();
                option(intent, &name, &base, &o.typed, &origin);
            }
            _ => {}
        }
    }
    // Old configurations set the greeting through the `$e` macro.
    if intent.banner.is_none() {
        if let Some(origin) = facts.macro_line("e") {
            let raw = origin.text.get(2..).unwrap_or("").to_owned();
            let (b, _) = banner(&raw);
            if b != "$myhostname ESMTP $mail_name" {
                intent.banner = Some(Sourced::new(b, origin));
            }
        }
    }
    // Listeners with only the default smtp service say nothing new.
    if intent
        .listeners
        .iter()
        .all(|l| l.port == 25 && l.address.is_none() && !l.submission)
    {
        intent.listeners.clear();
    }
}

fn option(intent: &mut Intent, name: &str, base: &str, value: &OptionValue, origin: &Origin) {
    let done = |intent: &mut Intent, disposition: Disposition, reason: String| {
        intent.findings.push(Finding {
            disposition,
            origin: origin.clone(),
            subject: format!("option {name}"),
            reason,
            action: String::new(),
        });
    };
    match base {
        "MaxMessageSize" => {
            set(&mut intent.limits.message_size, number(value), origin);
            done(intent, Disposition::Translated, "message_size_limit".into());
        }
        "MaxHeadersLength" => {
            set(&mut intent.limits.header_size, number(value), origin);
            done(intent, Disposition::Translated, "header_size_limit".into());
        }
        "MaxRecipientsPerMessage" => {
            set(
                &mut intent.limits.recipients_per_message,
                number(value),
                origin,
            );
            done(
                intent,
                Disposition::Translated,
                "smtpd_recipient_limit".into(),
            );
        }
        "MaxDaemonChildren" => {
            set(&mut intent.limits.daemon_children, number(value), origin);
            done(
                intent,
                Disposition::Approximated,
                "sendmail limits all its children; Postfix limits each service: the value becomes the smtpd process limit in master.cf".into(),
            );
        }
        "ConnectionRateThrottle" => {
            set(&mut intent.limits.connection_rate, number(value), origin);
            done(
                intent,
                Disposition::Approximated,
                "sendmail throttles all connections per second; Postfix's smtpd_client_connection_rate_limit counts per client per minute (anvil_rate_time_unit): the value is multiplied by 60".into(),
            );
        }
        "MaxHopCount" => {
            set(&mut intent.limits.hop_count, number(value), origin);
            done(intent, Disposition::Translated, "hopcount_limit".into());
        }
        "QueueTimeout" => {
            if let OptionValue::QueueTimeout {
                return_after,
                warn_after,
            } = value
            {
                intent.timeouts.queue_return =
                    Some(Sourced::new(return_after.seconds, origin.clone()));
                if let Some(w) = warn_after {
                    intent.timeouts.queue_warn = Some(Sourced::new(w.seconds, origin.clone()));
                }
            }
            done(
                intent,
                Disposition::Translated,
                "maximal_queue_lifetime, delay_warning_time".into(),
            );
        }
        "Timeout" => {
            let settings = match value {
                OptionValue::Timeouts(s) => s.clone(),
                OptionValue::Duration(d) => vec![crate::ast::TimeoutSetting {
                    name: name.split_once('.').map(|(_, n)| n.into()),
                    duration: *d,
                }],
                _ => Vec::new(),
            };
            let mut all_known = true;
            for s in settings {
                let seconds = Some(s.duration.seconds).filter(|&s| s > 0);
                let t = &mut intent.timeouts;
                match s
                    .name
                    .as_ref()
                    .map(|n| n.to_display().to_ascii_lowercase())
                    .as_deref()
                {
                    None => {
                        for slot in [
                            &mut t.mail,
                            &mut t.rcpt,
                            &mut t.data_init,
                            &mut t.data_block,
                            &mut t.data_final,
                            &mut t.command,
                        ] {
                            set(slot, seconds, origin);
                        }
                    }
                    Some("queuereturn" | "queuereturn.normal" | "queuereturn.*") => {
                        set(&mut t.queue_return, seconds, origin)
                    }
                    Some("queuewarn" | "queuewarn.normal" | "queuewarn.*") => {
                        set(&mut t.queue_warn, seconds, origin)
                    }
                    Some("helo") => set(&mut t.helo, seconds, origin),
                    Some("mail") => set(&mut t.mail, seconds, origin),
                    Some("rcpt") => set(&mut t.rcpt, seconds, origin),
                    Some("datainit") => set(&mut t.data_init, seconds, origin),
                    Some("datablock") => set(&mut t.data_block, seconds, origin),
                    Some("datafinal") => set(&mut t.data_final, seconds, origin),
                    Some("command") => set(&mut t.command, seconds, origin),
                    Some("connect") => set(&mut t.connect, seconds, origin),
                    Some("initial") => set(&mut t.initial, seconds, origin),
                    Some(_) => all_known = false,
                }
            }
            if all_known {
                done(
                    intent,
                    Disposition::Translated,
                    "the matching smtp_*_timeout, smtpd_timeout and queue lifetime parameters"
                        .into(),
                );
            } else {
                done(intent, Disposition::Approximated, "only the SMTP command, connection and queue timeouts have Postfix counterparts; the others are sendmail-internal".into());
            }
        }
        "SmtpGreetingMessage" => {
            if let Some(v) = text(value) {
                let (b, dropped) = banner(&v);
                let reason = if dropped.is_empty() {
                    "smtpd_banner".to_owned()
                } else {
                    format!(
                        "smtpd_banner; {} have no Postfix counterpart and were left out",
                        dropped.join(", ")
                    )
                };
                if b != "$myhostname ESMTP $mail_name" {
                    intent.banner = Some(Sourced::new(b, origin.clone()));
                }
                done(intent, complete(&dropped), reason);
            }
        }
        "PrivacyOptions" => {
            let words = text(value).unwrap_or_default().to_ascii_lowercase();
            let mut rest = Vec::new();
            for w in words.split([',', ' ']).filter(|w| !w.is_empty()) {
                match w {
                    "novrfy" => intent.privacy.no_vrfy = Some(origin.clone()),
                    "noexpn" => intent.privacy.no_expn = Some(origin.clone()),
                    "needmailhelo" => intent.privacy.need_helo = Some(origin.clone()),
                    "goaway" => {
                        intent.privacy.no_vrfy = Some(origin.clone());
                        intent.privacy.no_expn = Some(origin.clone());
                        intent.privacy.need_helo = Some(origin.clone());
                        rest.push(w.to_owned());
                    }
                    "public" | "noexpn,novrfy" => {}
                    other => rest.push(other.to_owned()),
                }
            }
            if rest.is_empty() {
                done(
                    intent,
                    Disposition::Translated,
                    "disable_vrfy_command, smtpd_helo_required (Postfix never offers EXPN)".into(),
                );
            } else {
                done(intent, Disposition::Approximated, format!("novrfy, noexpn and needmailhelo carry over; {} have no Postfix counterpart", rest.join(", ")));
            }
        }
        "AliasFile" => {
            for file in text(value).unwrap_or_default().split(',') {
                let file = file.trim();
                let path = file.rsplit_once(':').map_or(file, |(_, p)| p).trim();
                if !path.is_empty() {
                    intent
                        .aliases
                        .files
                        .push(Sourced::new(path.to_owned(), origin.clone()));
                }
            }
            done(
                intent,
                Disposition::Translated,
                "alias_maps and alias_database".into(),
            );
        }
        "ForwardPath" => {
            if let Some(v) = text(value) {
                // `+$h` is the address extension in sendmail's m4 default.
                let v = v.replace("+$h", "\u{1}");
                let (path, dropped) = translate_macros(&v);
                let path = path.replace('\u{1}', "${recipient_delimiter}${extension}");
                let path = path.replace('\u{0}', "");
                let path = path
                    .split([':', ','])
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .collect::<Vec<_>>()
                    .join(", ");
                intent.forward_path = Some(Sourced::new(path, origin.clone()));
                done(
                    intent,
                    complete(&dropped),
                    if dropped.is_empty() {
                        "forward_path".to_owned()
                    } else {
                        format!("forward_path; {} were left out", dropped.join(", "))
                    },
                );
            }
        }
        "DaemonPortOptions" => {
            if let Some(v) = text(value) {
                intent.listeners.push(listener(&v, origin));
            }
            done(intent, Disposition::Approximated, "a master.cf smtpd service per listener; modifiers other than E, a and s have no counterpart".into());
        }
        "InputMailFilters" => {
            let names: Vec<String> = text(value)
                .unwrap_or_default()
                .split(',')
                .map(|s| s.trim().to_owned())
                .collect();
            intent.milters.retain(|m| names.contains(&m.name));
            done(
                intent,
                Disposition::Translated,
                "smtpd_milters (in this order)".into(),
            );
        }
        "ServerCertFile" | "ServerKeyFile" | "CACertFile" | "CACertPath" => {
            if let Some(v) = text(value) {
                let slot = match base {
                    "ServerCertFile" => &mut intent.security.cert_file,
                    "ServerKeyFile" => &mut intent.security.key_file,
                    "CACertFile" => &mut intent.security.ca_file,
                    _ => &mut intent.security.ca_path,
                };
                *slot = Some(Sourced::new(
                    translate_macros(&v).0.replace('\u{0}', ""),
                    origin.clone(),
                ));
            }
            done(
                intent,
                Disposition::Translated,
                "smtpd_tls_* file parameters".into(),
            );
        }
        "AuthMechanisms" => {
            let mechs: Vec<String> = text(value)
                .unwrap_or_default()
                .split([' ', ','])
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect();
            intent.security.auth_mechanisms = Some(Sourced::new(mechs, origin.clone()));
            done(intent, Disposition::Approximated, "SMTP AUTH is enabled (smtpd_sasl_auth_enable); the mechanisms offered come from the SASL server's configuration, not from main.cf".into());
        }
        _ if HANDLED.contains(&base) => {}
        _ if SENDMAIL_ONLY.iter().any(|s| s.eq_ignore_ascii_case(base)) => {
            done(
                intent,
                Disposition::NotTranslated,
                "tunes sendmail itself; Postfix's defaults serve the same purpose".into(),
            );
        }
        _ => {
            intent.findings.push(Finding {
                disposition: Disposition::NotTranslated,
                origin: origin.clone(),
                subject: format!("option {name}"),
                reason: "no Postfix counterpart is generated for this option".into(),
                action: "Check whether the site relies on it and set the matching Postfix parameter by hand.".into(),
            });
        }
    }
}

#[cfg(test)]
mod macro_tests {
    use super::translate_macros;

    #[test]
    fn conditionals_keep_their_else_part_and_leave_no_braces() {
        let (text, dropped) = translate_macros(
            "$j Sendmail $v/$Z; $b; (No UCE/UBE) $?{client_addr}logging access from: ${client_name}(${client_resolve})-$_$.",
        );
        let text = text.replace('\u{0}', "");
        assert_eq!(text, "$myhostname Sendmail /; ; (No UCE/UBE) ");
        assert!(
            dropped.contains(&"$?{client_addr}".to_owned()),
            "{dropped:?}"
        );
        let (text, _) = translate_macros("$?{if_name}${if_name}$|$j$. ready $&x");
        assert_eq!(text.replace('\u{0}', ""), "$myhostname ready ");
        assert!(!text.contains(['{', '}', '?', '|']));
    }
}
