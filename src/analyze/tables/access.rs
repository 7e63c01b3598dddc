//! The access map (`FEATURE(access_db)`): per-client, per-sender and
//! per-recipient policy, which Postfix spreads over `check_client_access`,
//! `check_sender_access` and `check_recipient_access` tables.
//!
//! A key's tag picks the SMTP stage: `Connect:` the client, `From:` the
//! envelope sender, `To:` the envelope recipient. sendmail looks a tagged
//! key up first and then, for backward compatibility, the same key without
//! a tag; so an untagged entry acts at every stage its key can occur at
//! (IP networks only for clients, `user@` forms only for addresses), unless a
//! tagged entry for the same key and stage shadows it.
//!
//! Host and domain keys match subdomains; IPv4 keys are whole leading
//! octets (`192.168` is `192.168.0.0/16`); IPv6 keys carry an `IPv6:` prefix
//! and are whole leading groups. A name in brackets (`[1.2.3.4]`) is a client
//! *name*: it matches only when the client's address has no host name.
//!
//! Other tags (`Spam:`, `GreetPause:`, `ClientRate:`, `ClientConn:`,
//! `AuthInfo:`, the TLS tags ...) are reported as findings with guidance.

use std::collections::BTreeSet;
use std::net::{Ipv4Addr, Ipv6Addr};

use crate::intent::{AccessAction, AccessRule, AccessStage, Disposition, Finding, Origin};

use super::error_value::ErrorValue;
use super::finding;
use super::source::Table;

/// Converts the access map's `Connect:`, `From:`, `To:` and untagged
/// entries into [`AccessRule`]s (one per stage); every other entry becomes
/// a finding.
pub fn rules(table: &Table) -> (Vec<AccessRule>, Vec<Finding>) {
    let mut findings = Vec::new();
    let mut tagged = Vec::new();
    let mut untagged = Vec::new();
    for entry in &table.entries {
        let origin = table.origin(entry);
        let (tag, key) = split_tag(&entry.key);
        let stage = match tag.as_deref() {
            None => None,
            Some("connect") => Some(AccessStage::Client),
            Some("from") => Some(AccessStage::Sender),
            Some("to") => Some(AccessStage::Recipient),
            Some(other) => {
                findings.push(other_tag(other, key, &entry.value, origin));
                continue;
            }
        };
        if key.is_empty() {
            findings.push(finding(
                Disposition::NotTranslated,
                origin,
                format!("access key `{}`", entry.key),
                "the key is empty after its tag, so sendmail never matches it",
                "remove the entry or add the key",
            ));
            continue;
        }
        let Some(action) = action(&entry.value, &origin, &mut findings) else {
            continue;
        };
        let kind = KeyKind::of(key);
        match stage {
            Some(stage) => {
                if !kind.fits(stage) {
                    findings.push(finding(
                        Disposition::NotTranslated,
                        origin,
                        format!("access key `{}`", entry.key),
                        "sendmail never looks up a key of this shape at this stage",
                        "move the entry to a tag that matches the key",
                    ));
                    continue;
                }
                tagged.push(rule(stage, key, action, origin));
            }
            None => {
                for stage in [
                    AccessStage::Client,
                    AccessStage::Sender,
                    AccessStage::Recipient,
                ] {
                    if kind.fits(stage) {
                        untagged.push(rule(stage, key, action.clone(), origin.clone()));
                    }
                }
            }
        }
    }
    let shadowed: BTreeSet<(AccessStage, String)> =
        tagged.iter().map(|r| (r.stage, r.key.clone())).collect();
    let mut rules = tagged;
    rules.extend(
        untagged
            .into_iter()
            .filter(|r| !shadowed.contains(&(r.stage, r.key.clone()))),
    );
    findings.extend(stage_notes(&rules));
    (rules, findings)
}

fn rule(stage: AccessStage, key: &str, action: AccessAction, origin: Origin) -> AccessRule {
    AccessRule {
        stage,
        key: key.to_owned(),
        action,
        origin,
    }
}

/// Splits a known `Tag:` off a key. `IPv6:` starts an address, not a tag.
fn split_tag(key: &str) -> (Option<String>, &str) {
    if let Some((head, rest)) = key.split_once(':') {
        let is_tag = !head.is_empty()
            && head
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            && !head.eq_ignore_ascii_case("ipv6")
            && !head.chars().all(|c| c.is_ascii_hexdigit());
        if is_tag {
            return (Some(head.to_ascii_lowercase()), rest.trim());
        }
    }
    (None, key.trim())
}

/// The shapes of access keys, which decide where sendmail can match them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KeyKind {
    /// Leading octets or groups of an IP address.
    Network,
    /// `user@`, `user@domain`.
    Address,
    /// `@domain`: sendmail never looks up this form.
    AtDomain,
    /// A host or domain name, or a bracketed literal.
    Name,
}

impl KeyKind {
    fn of(key: &str) -> KeyKind {
        if network_cidr(key).is_some() {
            KeyKind::Network
        } else if key.starts_with('@') {
            KeyKind::AtDomain
        } else if key.contains('@') {
            KeyKind::Address
        } else {
            KeyKind::Name
        }
    }

    fn fits(self, stage: AccessStage) -> bool {
        match self {
            KeyKind::Network => stage == AccessStage::Client,
            KeyKind::Address => stage != AccessStage::Client,
            KeyKind::AtDomain => false,
            KeyKind::Name => true,
        }
    }
}

/// Reads a right-hand side; reports and returns `None` for ones that have
/// no meaning at the connect, mail and rcpt stages.
fn action(value: &str, origin: &Origin, findings: &mut Vec<Finding>) -> Option<AccessAction> {
    let value = value.trim();
    let upper = value.to_ascii_uppercase();
    let simple = match upper.as_str() {
        "OK" => Some(AccessAction::Accept),
        "RELAY" => Some(AccessAction::Relay),
        "REJECT" => Some(AccessAction::Reject),
        "DISCARD" => Some(AccessAction::Discard),
        "SKIP" => Some(AccessAction::Skip),
        _ => None,
    };
    if simple.is_some() {
        return simple;
    }
    if upper.starts_with("QUARANTINE:") {
        let reason = value["QUARANTINE:".len()..].trim();
        return Some(AccessAction::Hold {
            reason: unquote(reason).to_owned(),
        });
    }
    let error_text = if upper.starts_with("ERROR:") {
        Some(&value["ERROR:".len()..])
    } else if value
        .trim_start_matches('"')
        .starts_with(|c: char| c.is_ascii_digit())
    {
        Some(value)
    } else {
        None
    };
    if let Some(text) = error_text {
        let e = ErrorValue::parse(text);
        let (code, status) = match e.code {
            Some(code) => (code, e.status),
            // sendmail answers an error without a reply code with 553 5.3.0.
            None => (553, e.status.or_else(|| Some("5.3.0".to_owned()))),
        };
        if !(400..600).contains(&code) {
            findings.push(finding(
                Disposition::NotTranslated,
                origin.clone(),
                format!("access result `{value}`"),
                "the reply code is neither 4xx nor 5xx, which Postfix's access tables require",
                "use a 4xx or 5xx reply code",
            ));
            return None;
        }
        return Some(AccessAction::Error {
            code,
            status,
            text: e.text,
        });
    }
    let subject = format!("access result `{value}`");
    let reason = if matches!(upper.as_str(), "FRIEND" | "HATER") {
        "FRIEND and HATER only mean something under the Spam: tag"
    } else {
        "sendmail treats an unknown result as the text of an error reply; the intent is unclear"
    };
    findings.push(finding(
        Disposition::NotTranslated,
        origin.clone(),
        subject,
        reason,
        "replace it with OK, RELAY, REJECT, DISCARD, SKIP or ERROR:code text",
    ));
    None
}

fn unquote(text: &str) -> &str {
    let text = text.trim();
    match text.strip_prefix('"') {
        Some(inner) => inner.strip_suffix('"').unwrap_or(inner),
        None => text,
    }
}

/// A finding for an entry with a tag other than Connect/From/To.
fn other_tag(tag: &str, key: &str, value: &str, origin: Origin) -> Finding {
    let (disposition, subject, reason, action): (Disposition, &str, &str, &str) = match tag {
        "spam" => (
            Disposition::NotTranslated,
            "spam friend/hater entry (Spam:)",
            "FEATURE(delay_checks, friend|hater) exempts recipients from (or subjects them to) the client and sender checks; Postfix has no per-recipient switch for that",
            "build it with smtpd_restriction_classes: a check_recipient_access table whose result names a class holding the checks",
        ),
        "greetpause" => (
            Disposition::Approximated,
            "greeting pause (GreetPause:)",
            "sendmail waits before its greeting and rejects clients that talk first; Postfix does the same for every client with postscreen's greet test, not per client",
            "enable postscreen with postscreen_greet_action, and list exempt clients in postscreen_access_list",
        ),
        "clientrate" => (
            Disposition::Approximated,
            "per-client connection rate (ClientRate:)",
            "Postfix limits the connection rate per client with one global number",
            "set smtpd_client_connection_rate_limit and exempt clients with smtpd_client_event_limit_exceptions",
        ),
        "clientconn" => (
            Disposition::Approximated,
            "per-client connection count (ClientConn:)",
            "Postfix limits simultaneous connections per client with one global number",
            "set smtpd_client_connection_count_limit and exempt clients with smtpd_client_event_limit_exceptions",
        ),
        "authinfo" => (
            Disposition::NotTranslated,
            "client credentials (AuthInfo:)",
            "credentials for relays go into Postfix's smtp_sasl_password_maps, in its own format",
            "write smtp_sasl_password_maps entries (`host user:password`) and set smtp_sasl_auth_enable = yes",
        ),
        "tls_clt" | "tls_srv" | "tls_rcpt" | "try_tls" => (
            Disposition::NotTranslated,
            "TLS requirement entry",
            "per-peer TLS requirements have their own tables in Postfix",
            "use smtp_tls_policy_maps for outgoing peers and smtpd_tls_security_level or check_ccert_access for clients",
        ),
        "srv_features" | "clt_features" => (
            Disposition::NotTranslated,
            "per-peer SMTP feature switches",
            "sendmail turns SMTP features on or off per peer; Postfix does some of this with per-client tables",
            "use smtpd_discard_ehlo_keyword_address_maps or smtp_discard_ehlo_keyword_address_maps for the features that have them",
        ),
        "certissuer" | "certsubject" => (
            Disposition::NotTranslated,
            "certificate-based relaying entry",
            "Postfix grants relaying by client certificate fingerprint, not issuer or subject",
            "list fingerprints in relay_clientcerts or check_ccert_access and add permit_tls_clientcerts",
        ),
        _ => (
            Disposition::NotTranslated,
            "access entry with an unknown tag",
            "only a local ruleset looks this tag up, and rulesets are not translated",
            "find the ruleset that uses this tag and rebuild its policy by hand",
        ),
    };
    finding(
        disposition,
        origin,
        format!("{subject}: `{tag}:{key}` → `{value}`"),
        reason,
        action,
    )
}

/// Notes that apply to the rules as a whole.
fn stage_notes(rules: &[AccessRule]) -> Vec<Finding> {
    let mut notes = Vec::new();
    if let Some(r) = rules.iter().find(|r| {
        r.stage == AccessStage::Recipient
            && !matches!(
                r.action,
                AccessAction::Relay | AccessAction::Accept | AccessAction::Skip
            )
    }) {
        notes.push(finding(
            Disposition::Approximated,
            r.origin.clone(),
            "recipient rejections in the access map",
            "sendmail applies rejecting To: entries only with FEATURE(blocklist_recipients); Postfix's check_recipient_access always applies them",
            "drop the rejecting recipient entries if the configuration did not use blocklist_recipients",
        ));
    }
    if let Some(r) = rules
        .iter()
        .find(|r| r.stage == AccessStage::Sender && r.action == AccessAction::Relay)
    {
        notes.push(finding(
            Disposition::Approximated,
            r.origin.clone(),
            "relaying by sender address (From: RELAY)",
            "sendmail relays for a listed sender only with FEATURE(relay_mail_from); Postfix never relays on the sender address, which anyone can forge, so the entry only accepts",
            "let these users relay with SMTP AUTH (permit_sasl_authenticated) instead",
        ));
    }
    notes
}

/// Converts a sendmail network key (`10`, `192.168.1`, `1.2.3.4`,
/// `IPv6:2002:c0a8:02c7`, `IPv6:2002:c0a8:51d2::23f4`) into CIDR notation
/// (`10.0.0.0/8` ... `2002:c0a8:2c7::/48`); `None` for anything else,
/// including bracketed literals, which are host names to sendmail.
pub fn network_cidr(key: &str) -> Option<String> {
    let key = key.trim();
    if key
        .get(..5)
        .is_some_and(|h| h.eq_ignore_ascii_case("ipv6:"))
    {
        return ipv6_cidr(&key[5..]);
    }
    let octets: Vec<&str> = key.split('.').collect();
    if octets.is_empty() || octets.len() > 4 {
        return None;
    }
    let mut bytes = [0u8; 4];
    for (slot, octet) in bytes.iter_mut().zip(&octets) {
        if octet.is_empty() || octet.len() > 3 || !octet.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        *slot = octet.parse().ok()?;
    }
    Some(format!("{}/{}", Ipv4Addr::from(bytes), octets.len() * 8))
}

fn ipv6_cidr(text: &str) -> Option<String> {
    if text.contains("::") {
        let addr: Ipv6Addr = text.parse().ok()?;
        return Some(format!("{addr}/128"));
    }
    let groups: Vec<&str> = text.split(':').collect();
    if groups.is_empty() || groups.len() > 8 {
        return None;
    }
    let mut words = [0u16; 8];
    for (slot, group) in words.iter_mut().zip(&groups) {
        if group.is_empty() || group.len() > 4 {
            return None;
        }
        *slot = u16::from_str_radix(group, 16).ok()?;
    }
    Some(format!("{}/{}", Ipv6Addr::from(words), groups.len() * 16))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::tables::source::read_table;

    fn run(text: &str) -> (Vec<AccessRule>, Vec<Finding>) {
        rules(&read_table(text.as_bytes(), "access", false))
    }

    fn summary(rules: &[AccessRule]) -> Vec<(AccessStage, String, AccessAction)> {
        rules
            .iter()
            .map(|r| (r.stage, r.key.clone(), r.action.clone()))
            .collect()
    }

    #[test]
    fn tags_pick_stages() {
        let (r, f) = run("Connect:spam.example REJECT\nFrom:a@b.c OK\nTo:friend.example RELAY\n");
        assert!(f.is_empty(), "{f:?}");
        assert_eq!(
            summary(&r),
            vec![
                (
                    AccessStage::Client,
                    "spam.example".into(),
                    AccessAction::Reject
                ),
                (AccessStage::Sender, "a@b.c".into(), AccessAction::Accept),
                (
                    AccessStage::Recipient,
                    "friend.example".into(),
                    AccessAction::Relay
                ),
            ]
        );
        assert_eq!(r[0].origin.text, "Connect:spam.example REJECT");
    }

    #[test]
    fn untagged_entries_apply_where_their_key_can() {
        let (r, _) = run("example.com REJECT\n10.1 OK\nuser@ DISCARD\n");
        let stages = |key: &str| -> Vec<AccessStage> {
            r.iter().filter(|x| x.key == key).map(|x| x.stage).collect()
        };
        assert_eq!(
            stages("example.com"),
            vec![
                AccessStage::Client,
                AccessStage::Sender,
                AccessStage::Recipient
            ]
        );
        assert_eq!(stages("10.1"), vec![AccessStage::Client]);
        assert_eq!(
            stages("user@"),
            vec![AccessStage::Sender, AccessStage::Recipient]
        );
    }

    #[test]
    fn tagged_entry_shadows_untagged() {
        let (r, _) = run("example.com REJECT\nConnect:example.com OK\n");
        let client: Vec<_> = r
            .iter()
            .filter(|x| x.stage == AccessStage::Client)
            .collect();
        assert_eq!(client.len(), 1);
        assert_eq!(client[0].action, AccessAction::Accept);
    }

    #[test]
    fn actions() {
        let (r, f) = run(concat!(
            "Connect:a DISCARD\n",
            "Connect:b SKIP\n",
            "Connect:c QUARANTINE:Mail from suspicious host\n",
            "From:d ERROR:5.7.1:550 go away\n",
            "From:e ERROR:\"550 We don't accept mail from spammers\"\n",
            "From:f ERROR:450 mailbox full\n",
            "From:g \"550 old style\"\n",
            "From:h 550 old style\n",
            "From:i ERROR:no code\n",
        ));
        assert!(f.is_empty(), "{f:?}");
        let a: Vec<_> = r.iter().map(|x| x.action.clone()).collect();
        assert_eq!(a[0], AccessAction::Discard);
        assert_eq!(a[1], AccessAction::Skip);
        assert_eq!(
            a[2],
            AccessAction::Hold {
                reason: "Mail from suspicious host".into()
            }
        );
        assert_eq!(
            a[3],
            AccessAction::Error {
                code: 550,
                status: Some("5.7.1".into()),
                text: "go away".into()
            }
        );
        assert_eq!(
            a[4],
            AccessAction::Error {
                code: 550,
                status: None,
                text: "We don't accept mail from spammers".into()
            }
        );
        assert_eq!(
            a[5],
            AccessAction::Error {
                code: 450,
                status: None,
                text: "mailbox full".into()
            }
        );
        assert_eq!(
            a[6],
            AccessAction::Error {
                code: 550,
                status: None,
                text: "old style".into()
            }
        );
        assert_eq!(a[7], a[6]);
        assert_eq!(
            a[8],
            AccessAction::Error {
                code: 553,
                status: Some("5.3.0".into()),
                text: "no code".into()
            }
        );
    }

    #[test]
    fn unknown_results_are_reported() {
        let (r, f) = run("Connect:a MAYBE\nConnect:b ERROR:250 fine\nConnect:c FRIEND\n");
        assert!(r.is_empty());
        assert_eq!(f.len(), 3);
    }

    #[test]
    fn other_tags_become_findings() {
        let (r, f) = run(concat!(
            "Spam:abuse@ FRIEND\n",
            "GreetPause:10.1.2 2000\n",
            "ClientRate:10.1.2.3 4\n",
            "ClientConn:127.0.0.1 0\n",
            "AuthInfo:hub \"U:a\" \"P:b\"\n",
            "TLS_Clt:laptop PERM+VERIFY:112\n",
            "Try_TLS:broken NO\n",
            "Srv_Features:my.domain v\n",
            "Foo:bar OK\n",
        ));
        assert!(r.is_empty());
        assert_eq!(f.len(), 9);
        assert_eq!(f[1].disposition, Disposition::Approximated);
        assert_eq!(f[0].disposition, Disposition::NotTranslated);
    }

    #[test]
    fn ipv6_keys_are_not_tags() {
        let (r, f) = run("Connect:IPv6:2002:c0a8:02c7 RELAY\nIPv6:2002:c0a8:51d2::23f4 REJECT\n");
        assert!(f.is_empty(), "{f:?}");
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].key, "ipv6:2002:c0a8:02c7");
        assert_eq!(r[1].stage, AccessStage::Client);
    }

    #[test]
    fn misplaced_keys_are_reported() {
        let (r, f) =
            run("Connect:user@x OK\nFrom:10.1 OK\nFrom:@dom REJECT\n@dom REJECT\nConnect: OK\n");
        assert!(r.is_empty());
        assert_eq!(f.len(), 4, "{f:?}");
    }

    #[test]
    fn notes_for_recipient_rejections_and_sender_relay() {
        let (_, f) = run("To:x@y REJECT\nFrom:a@b RELAY\n");
        assert_eq!(f.len(), 2);
        assert!(f.iter().all(|f| f.disposition == Disposition::Approximated));
    }

    #[test]
    fn cidr_conversion() {
        assert_eq!(network_cidr("10").as_deref(), Some("10.0.0.0/8"));
        assert_eq!(network_cidr("192.168").as_deref(), Some("192.168.0.0/16"));
        assert_eq!(network_cidr("192.168.1").as_deref(), Some("192.168.1.0/24"));
        assert_eq!(network_cidr("1.2.3.4").as_deref(), Some("1.2.3.4/32"));
        assert_eq!(
            network_cidr("IPv6:2002:c0a8:02c7").as_deref(),
            Some("2002:c0a8:2c7::/48")
        );
        assert_eq!(
            network_cidr("ipv6:2002:c0a8:51d2::23f4").as_deref(),
            Some("2002:c0a8:51d2::23f4/128")
        );
        assert_eq!(
            network_cidr("IPv6:1:2:3:4:5:6:7:8").as_deref(),
            Some("1:2:3:4:5:6:7:8/128")
        );
        for bad in [
            "",
            "256.1",
            "1.2.3.4.5",
            "a.b",
            "[1.2.3.4]",
            "1..2",
            "IPv6:",
            "IPv6:12345",
            "IPv6:g",
            "é",
        ] {
            assert_eq!(network_cidr(bad), None, "{bad}");
        }
    }
}
