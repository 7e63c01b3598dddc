//! access(5) content from access rules, one table per SMTP stage.
//!
//! Results: OK for sendmail's OK and RELAY (access(5) has no RELAY: relaying
//! is granted by putting the `client_relay` tables in
//! `smtpd_relay_restrictions`, and recipient domains by `relay_domains`),
//! REJECT, DISCARD, DUNNO for SKIP (it stops the search for shorter keys
//! without deciding, as SKIP does), `HOLD reason` for QUARANTINE and
//! `code D.S.N text` for errors (a 4xx code stays temporary).
//!
//! Client networks go to `cidr:` tables. A cidr table stops at the first
//! match, while sendmail tries the longest prefix first, so its lines are
//! sorted longest prefix first. Host and domain names go to hash tables,
//! where Postfix's default `parent_domain_matches_subdomains` (which lists
//! `smtpd_access_maps`) makes a domain match its subdomains, as in
//! sendmail. A bracketed client literal (`[1.2.3.4]`), which sendmail
//! matches only when the address has no host name, is written as that
//! address in the cidr table.

use std::net::IpAddr;

use crate::analyze::tables::network_cidr;
use crate::intent::{AccessAction, AccessRule, AccessStage, Origin, Sourced};

use super::{one_line, push_entry, render_sorted, Line};

/// The tables `access_tables` writes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccessTables {
    /// `hash:` for `check_client_access`: client host and domain names.
    pub client: String,
    /// `hash:` for `check_client_access` in `smtpd_relay_restrictions`:
    /// client names that may relay (RELAY), as OK.
    pub client_relay: String,
    /// `cidr:` for `check_client_access` in `smtpd_relay_restrictions`:
    /// client networks that may relay, as OK, keeping SKIP exceptions as
    /// DUNNO. (The same networks also suit `mynetworks`.)
    pub client_relay_cidr: String,
    /// `hash:` for `check_sender_access`.
    pub sender: String,
    /// `hash:` for `check_recipient_access`.
    pub recipient: String,
    /// `cidr:` for `check_client_access`: client networks and addresses.
    pub client_cidr: String,
}

/// Writes the access tables for every stage; `relay_names` are client
/// names (and domains of names) that may relay, from class R and the
/// door's answers, kept in the relay table beside the access map's
/// `RELAY` entries.
pub fn access_tables(rules: &[AccessRule], relay_names: &[Sourced<String>]) -> AccessTables {
    let mut client = Vec::new();
    let mut client_relay = Vec::new();
    let mut sender = Vec::new();
    let mut recipient = Vec::new();
    let mut cidr = Vec::new();
    let mut relay_cidr = Vec::new();
    for rule in rules {
        let result = result(&rule.action);
        let key = rule.key.to_ascii_lowercase();
        match rule.stage {
            AccessStage::Client => {
                if let Some(net) = client_network(&key) {
                    if matches!(rule.action, AccessAction::Relay | AccessAction::Skip) {
                        let relay_result = if rule.action == AccessAction::Relay {
                            "OK"
                        } else {
                            "DUNNO"
                        };
                        relay_cidr.push(CidrLine::new(&net, &rule.origin, relay_result));
                    }
                    cidr.push(CidrLine::new(&net, &rule.origin, &result));
                } else {
                    if matches!(rule.action, AccessAction::Relay | AccessAction::Skip) {
                        let relay_result = if rule.action == AccessAction::Relay {
                            "OK"
                        } else {
                            "DUNNO"
                        };
                        client_relay.push(line(&key, &rule.origin, relay_result));
                    }
                    client.push(line(&key, &rule.origin, &result));
                }
            }
            AccessStage::Sender => sender.push(line(&key, &rule.origin, &result)),
            AccessStage::Recipient => recipient.push(line(&key, &rule.origin, &result)),
        }
    }
    for name in relay_names {
        let key = name.value.to_ascii_lowercase();
        if !client_relay.iter().any(|l| l.key == key) {
            client_relay.push(line(&key, &name.origin, "OK"));
        }
    }
    AccessTables {
        client: render_sorted(client),
        client_relay: render_relay(client_relay),
        client_relay_cidr: render_cidr(relay_cidr, true),
        sender: render_sorted(sender),
        recipient: render_sorted(recipient),
        client_cidr: render_cidr(cidr, false),
    }
}

/// The access(5) result for an action.
pub fn result(action: &AccessAction) -> String {
    match action {
        AccessAction::Accept | AccessAction::Relay => "OK".to_owned(),
        AccessAction::Reject => "REJECT".to_owned(),
        AccessAction::Discard => "DISCARD".to_owned(),
        AccessAction::Skip => "DUNNO".to_owned(),
        AccessAction::Hold { reason } => {
            let reason = one_line(reason);
            if reason.is_empty() {
                "HOLD".to_owned()
            } else {
                format!("HOLD {reason}")
            }
        }
        AccessAction::Error { code, status, text } => {
            let mut out = code.to_string();
            if let Some(status) = status {
                out.push(' ');
                out.push_str(status);
            }
            let text = one_line(text);
            if !text.is_empty() {
                out.push(' ');
                out.push_str(&text);
            }
            out
        }
    }
}

fn line(key: &str, origin: &Origin, result: &str) -> Line {
    Line {
        key: key.to_owned(),
        origin: origin.clone(),
        text: format!("{key}\t{result}"),
    }
}

/// Only relaying names belong in the relay table; a SKIP there only
/// matters when a parent domain relays.
fn render_relay(lines: Vec<Line>) -> String {
    let relays: Vec<&Line> = lines.iter().filter(|l| l.text.ends_with("\tOK")).collect();
    let kept: Vec<Line> = lines
        .iter()
        .filter(|l| {
            l.text.ends_with("\tOK")
                || relays
                    .iter()
                    .any(|r| l.key.ends_with(&format!(".{}", r.key)))
        })
        .cloned()
        .collect();
    render_sorted(kept)
}

/// A client key as a network: sendmail's prefixes, or a bracketed address.
fn client_network(key: &str) -> Option<String> {
    if let Some(net) = network_cidr(key) {
        return Some(net);
    }
    let inner = key.strip_prefix('[')?.strip_suffix(']')?;
    let inner = match inner.get(..5) {
        Some(head) if head.eq_ignore_ascii_case("ipv6:") => &inner[5..],
        _ => inner,
    };
    let addr: IpAddr = inner.parse().ok()?;
    let len = if addr.is_ipv4() { 32 } else { 128 };
    Some(format!("{addr}/{len}"))
}

struct CidrLine {
    prefix: u8,
    net: String,
    origin: Origin,
    result: String,
}

impl CidrLine {
    fn new(net: &str, origin: &Origin, result: &str) -> CidrLine {
        let prefix = net
            .rsplit_once('/')
            .and_then(|(_, p)| p.parse().ok())
            .unwrap_or(0);
        CidrLine {
            prefix,
            net: net.to_owned(),
            origin: origin.clone(),
            result: result.to_owned(),
        }
    }
}

/// Longest prefix first; the first entry for a network wins. In the relay
/// table, DUNNO exceptions are kept only inside a relaying network.
fn render_cidr(mut lines: Vec<CidrLine>, relay: bool) -> String {
    lines.sort_by(|a, b| b.prefix.cmp(&a.prefix).then_with(|| a.net.cmp(&b.net)));
    let relaying: Vec<(String, u8)> = lines
        .iter()
        .filter(|l| l.result == "OK")
        .map(|l| (l.net.clone(), l.prefix))
        .collect();
    let mut out = String::new();
    let mut last: Option<String> = None;
    for l in &lines {
        if last.as_deref() == Some(l.net.as_str()) {
            continue;
        }
        last = Some(l.net.clone());
        if relay
            && l.result != "OK"
            && !relaying
                .iter()
                .any(|(n, p)| *p < l.prefix && contains(n, &l.net))
        {
            continue;
        }
        push_entry(&mut out, &l.origin, &format!("{}\t{}", l.net, l.result));
    }
    out
}

/// True when network `outer` contains network `inner` (both `addr/len`).
fn contains(outer: &str, inner: &str) -> bool {
    let parse = |s: &str| -> Option<(IpAddr, u8)> {
        let (a, p) = s.rsplit_once('/')?;
        Some((a.parse().ok()?, p.parse().ok()?))
    };
    let (Some((oa, op)), Some((ia, ip))) = (parse(outer), parse(inner)) else {
        return false;
    };
    if ip < op {
        return false;
    }
    match (oa, ia) {
        (IpAddr::V4(o), IpAddr::V4(i)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(op)).unwrap_or(0);
            u32::from(o) & mask == u32::from(i) & mask
        }
        (IpAddr::V6(o), IpAddr::V6(i)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(op)).unwrap_or(0);
            u128::from(o) & mask == u128::from(i) & mask
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(stage: AccessStage, key: &str, action: AccessAction, line: u32) -> AccessRule {
        AccessRule {
            stage,
            key: key.into(),
            action,
            origin: Origin::new("access", line, "x"),
        }
    }

    #[test]
    fn results() {
        assert_eq!(result(&AccessAction::Accept), "OK");
        assert_eq!(result(&AccessAction::Relay), "OK");
        assert_eq!(result(&AccessAction::Reject), "REJECT");
        assert_eq!(result(&AccessAction::Discard), "DISCARD");
        assert_eq!(result(&AccessAction::Skip), "DUNNO");
        assert_eq!(
            result(&AccessAction::Hold {
                reason: "why".into()
            }),
            "HOLD why"
        );
        assert_eq!(
            result(&AccessAction::Hold {
                reason: String::new()
            }),
            "HOLD"
        );
        assert_eq!(
            result(&AccessAction::Error {
                code: 550,
                status: Some("5.7.1".into()),
                text: "no".into()
            }),
            "550 5.7.1 no"
        );
        assert_eq!(
            result(&AccessAction::Error {
                code: 450,
                status: None,
                text: "full".into()
            }),
            "450 full"
        );
    }

    #[test]
    fn clients_split_into_names_and_networks() {
        use AccessAction::*;
        let t = access_tables(
            &[
                rule(AccessStage::Client, "128.32", Relay, 1),
                rule(AccessStage::Client, "128.32.2", Skip, 2),
                rule(AccessStage::Client, "sendmail.org", Relay, 3),
                rule(AccessStage::Client, "spam.example", Reject, 4),
                rule(AccessStage::Client, "[127.0.0.3]", Accept, 5),
                rule(AccessStage::Client, "ipv6:2002:c0a8:02c7", Reject, 6),
                rule(AccessStage::Client, "10.9", Skip, 7),
            ],
            &[],
        );
        assert_eq!(
            t.client,
            "# access:3\nsendmail.org\tOK\n# access:4\nspam.example\tREJECT\n"
        );
        assert_eq!(t.client_relay, "# access:3\nsendmail.org\tOK\n");
        assert_eq!(
            t.client_cidr,
            "# access:6\n2002:c0a8:2c7::/48\tREJECT\n\
             # access:5\n127.0.0.3/32\tOK\n\
             # access:2\n128.32.2.0/24\tDUNNO\n\
             # access:7\n10.9.0.0/16\tDUNNO\n\
             # access:1\n128.32.0.0/16\tOK\n"
        );
        assert_eq!(
            t.client_relay_cidr,
            "# access:2\n128.32.2.0/24\tDUNNO\n# access:1\n128.32.0.0/16\tOK\n"
        );
    }

    #[test]
    fn relay_table_keeps_skip_under_a_relaying_domain() {
        use AccessAction::*;
        let t = access_tables(
            &[
                rule(AccessStage::Client, "example.org", Relay, 1),
                rule(AccessStage::Client, "bad.example.org", Skip, 2),
                rule(AccessStage::Client, "other.net", Skip, 3),
            ],
            &[],
        );
        assert_eq!(
            t.client_relay,
            "# access:2\nbad.example.org\tDUNNO\n# access:1\nexample.org\tOK\n"
        );
    }

    #[test]
    fn senders_and_recipients() {
        use AccessAction::*;
        let t = access_tables(
            &[
                rule(
                    AccessStage::Sender,
                    "FREE.STEALTH.MAILER@",
                    Error {
                        code: 550,
                        status: None,
                        text: "Spam not accepted".into(),
                    },
                    1,
                ),
                rule(AccessStage::Sender, "cyberspammer.com", Reject, 2),
                rule(AccessStage::Recipient, "friend.domain", Relay, 3),
                rule(AccessStage::Recipient, "friend.domain", Reject, 4),
            ],
            &[],
        );
        assert_eq!(
            t.sender,
            "# access:2\ncyberspammer.com\tREJECT\n# access:1\nfree.stealth.mailer@\t550 Spam not accepted\n"
        );
        assert_eq!(t.recipient, "# access:3\nfriend.domain\tOK\n");
    }

    #[test]
    fn network_containment() {
        assert!(contains("10.0.0.0/8", "10.1.0.0/16"));
        assert!(!contains("10.0.0.0/8", "11.0.0.0/16"));
        assert!(!contains("10.1.0.0/16", "10.0.0.0/8"));
        assert!(contains("2002::/16", "2002:c0a8::/32"));
        assert!(contains("0.0.0.0/0", "1.2.3.4/32"));
        assert!(!contains("bad", "1.2.3.4/32"));
    }

    #[test]
    fn bracketed_names_that_are_not_addresses_stay_names() {
        let t = access_tables(
            &[rule(
                AccessStage::Client,
                "[unix:localhost]",
                AccessAction::Relay,
                1,
            )],
            &[],
        );
        assert_eq!(t.client, "# access:1\n[unix:localhost]\tOK\n");
    }
}
