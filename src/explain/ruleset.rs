//! What each ruleset is for: by number, by name, or by who calls it.

use std::collections::BTreeMap;

use serde::Serialize;

use super::rule::RuleExplanation;
use crate::engine::meta::CALLSUBR;
use crate::engine::{print_token, Machine};

/// The purpose of a ruleset sendmail itself calls, or one the m4 tree
/// defines, by number and name.
pub fn known_purpose(number: usize, name: Option<&[u8]>) -> Option<&'static str> {
    let by_name = name.and_then(|n| by_name(&String::from_utf8_lossy(n)));
    if by_name.is_some() {
        return by_name;
    }
    Some(match number {
        0 => "Chooses the delivery for each recipient: the mailer, the host and the user (ruleset 0, `parse`).",
        1 => "Rewrites every envelope and header sender address, for every mailer (ruleset 1).",
        2 => "Rewrites every recipient address, for every mailer (ruleset 2).",
        3 => "Runs first on every address: puts it into the canonical internal form, with the host part focused as `<@host>` (ruleset 3, `canonify`).",
        4 => "Runs last on every address that is printed: turns the internal form back into a normal address (ruleset 4, `final`).",
        5 => "Runs on local recipients after alias expansion; it may hand them to another mailer (ruleset 5, `localaddr`).",
        _ => return None,
    })
}

fn by_name(name: &str) -> Option<&'static str> {
    Some(match name {
        "canonify" => "Runs first on every address: puts it into the canonical internal form, with the host part focused as `<@host>`.",
        "parse" => "Chooses the delivery for each recipient: the mailer, the host and the user.",
        "final" => "Runs last on every address that is printed: turns the internal form back into a normal address.",
        "localaddr" => "Runs on local recipients after alias expansion; it may hand them to another mailer.",
        "Canonify2" => "Second half of canonicalization: recognizes this host's own names and adds the trailing dot to them.",
        "Parse0" => "First half of delivery selection: weeds out invalid and special addresses.",
        "Parse1" => "Second half of delivery selection: mailertable, smart host and the default SMTP mailer.",
        "ParseLocal" => "Site hook called early in delivery selection (LOCAL_RULE_0).",
        "Local_localaddr" => "Site hook called from the local-address ruleset.",
        "Mailertable" => "Looks the host up in the mailertable, then its parent domains, and resolves the triple it gives.",
        "MailerToTriple" => "Turns a `mailer:host` value (from mailertable or a smart host) into a delivery triple.",
        "Recurse" => "Re-runs canonicalization and delivery selection on an address a lookup produced.",
        "MasqHdr" => "Masquerades header addresses: local host names become the masquerade name.",
        "MasqEnv" => "Masquerades envelope addresses.",
        "MasqSMTP" | "MasqRelay" => "Masquerading step used by the SMTP and relay mailers.",
        "EnvFromSMTP" | "EnvFromL" | "EnvFromUUCP" => "Rewrites the envelope sender for one mailer family.",
        "EnvToSMTP" | "EnvToL" | "EnvToUUCP" => "Rewrites envelope recipients for one mailer family.",
        "HdrFromSMTP" | "HdrFromL" | "HdrFromUUCP" => "Rewrites header senders for one mailer family.",
        "HdrToSMTP" | "HdrToL" | "HdrToUUCP" => "Rewrites header recipients for one mailer family.",
        "PseudoToReal" => "Turns pseudo-domains (.UUCP, .BITNET, .DECNET) into real ones.",
        "AddDomain" => "Adds the local domain to unqualified addresses.",
        "MailerOut" | "MailerOutRecipient" => "Rewriting step for addresses a mailer sends out.",
        "check_relay" => "Called when an SMTP client connects: may refuse the client by its name or address.",
        "check_mail" => "Called on SMTP MAIL FROM: may refuse the sender.",
        "check_rcpt" => "Called on SMTP RCPT TO: decides whether the recipient is accepted, including whether relaying is allowed.",
        "check_compat" => "Called for each sender/recipient pair: may refuse the combination.",
        "check_data" => "Called on SMTP DATA: may refuse the message.",
        "check_eoh" => "Called after the message headers: may refuse the message.",
        "check_eom" => "Called at the end of the message: may refuse it.",
        "check_etrn" => "Called on SMTP ETRN: may refuse the queue run.",
        "check_expn" => "Called on SMTP EXPN: may refuse to expand the address.",
        "check_vrfy" => "Called on SMTP VRFY: may refuse to verify the address.",
        "check_helo" => "Called on SMTP HELO/EHLO: may refuse the greeting name.",
        "trust_auth" => "Decides whether an authenticated client may act as another user (AUTH=).",
        "tls_client" => "Decides, after STARTTLS as server, whether the client's TLS is good enough.",
        "tls_server" => "Decides, after STARTTLS as client, whether the server's TLS is good enough.",
        "tls_rcpt" => "Decides per recipient whether the TLS of the connection is good enough.",
        "try_tls" => "Decides whether to try STARTTLS with a server.",
        "srv_features" => "Picks the SMTP server features offered to a client.",
        "clt_features" => "Picks the SMTP client features used with a server.",
        "authinfo" => "Finds the credentials to authenticate with to a server.",
        "queuegroup" => "Picks the queue group for a recipient.",
        "greet_pause" => "Picks the greeting pause for a client.",
        "Local_check_relay" => "Site hook called from check_relay.",
        "Local_check_mail" => "Site hook called from check_mail.",
        "Local_check_rcpt" => "Site hook called from check_rcpt.",
        "Local_trust_auth" => "Site hook called from trust_auth.",
        "Basic_check_relay" => "The standard client checks: access database and DNS block lists.",
        "Basic_check_mail" => "The standard sender checks: the sender's domain must resolve and must not be refused by the access database.",
        "Basic_check_rcpt" => "The standard recipient checks: relaying rules and the access database.",
        "Rcpt_ok" => "Accepts a recipient that is local or may be relayed.",
        "Relay_ok" => "Accepts relaying for a client listed as allowed.",
        "RelayAuth" => "Accepts relaying for an authenticated client.",
        "ParseRecipient" => "Splits a recipient for the relay checks.",
        "LookUpDomain" => "Looks a domain and its parents up in the access database.",
        "LookUpAddress" => "Looks an IP address and its prefixes up in the access database.",
        "SearchList" | "D" | "A" | "E" | "F" | "U" => "Access database helper: looks a list of keys up with a given tag.",
        "CanonAddr" => "Canonicalizes an address for the relay checks.",
        "Delay_TLS_Clt" | "Delay_TLS_Clt2" | "DelayTLS" => "Handles delayed checks for TLS clients.",
        "RateControl" | "ConnControl" => "Limits connection rates per client.",
        "TLS_connection" => "Compares the TLS level of a connection with what is required.",
        _ => return None,
    })
}

/// A ruleset, its purpose, who uses it, and its rules.
#[derive(Clone, Debug, Serialize)]
pub struct RulesetExplanation {
    pub number: usize,
    pub name: Option<String>,
    /// 1-based line of its (first) `S` line, 0 for none.
    pub line: u32,
    pub purpose: String,
    /// Mailers, rules and headers that call it.
    pub used_by: Vec<String>,
    pub rules: Vec<RuleExplanation>,
}

/// Who calls each ruleset: `$>` in rules, mailers' S=/R=, header checks.
pub fn callers(
    machine: &Machine,
    header_checks: &[(u32, String, String)],
) -> BTreeMap<usize, Vec<String>> {
    let mut out: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    let mut add = |n: usize, who: String| {
        let list = out.entry(n).or_default();
        if !list.contains(&who) {
            list.push(who);
        }
    };
    for number in machine.rulesets.defined() {
        let shown = String::from_utf8_lossy(&machine.rulesets.display_name(number)).into_owned();
        for rule in machine.rulesets.rules(number).iter() {
            for pair in rule.rhs.windows(2) {
                if pair[0].first() != Some(&CALLSUBR) {
                    continue;
                }
                let target = String::from_utf8_lossy(&print_token(&pair[1], None)).into_owned();
                if let Ok(n) = machine.rulesets.find(target.trim_matches('"').as_bytes()) {
                    add(n, format!("a rule of ruleset {shown} (line {})", rule.line));
                }
            }
        }
    }
    for m in &machine.mailers {
        let name = String::from_utf8_lossy(&m.name).into_owned();
        let fields = [
            (m.sender_envelope, "envelope senders"),
            (m.sender_header, "header senders"),
            (m.recipient_envelope, "envelope recipients"),
            (m.recipient_header, "header recipients"),
        ];
        for (n, what) in fields {
            if n != 0 {
                add(n, format!("mailer {name}, for {what}"));
            }
        }
    }
    for (line, header, ruleset) in header_checks {
        if let Ok(n) = machine.rulesets.find(ruleset.as_bytes()) {
            add(n, format!("the check of header {header} (line {line})"));
        }
    }
    out
}

/// The purpose of a ruleset, from its number or name, else from its users.
pub fn purpose(machine: &Machine, number: usize, used_by: &[String]) -> String {
    if let Some(p) = known_purpose(number, machine.rulesets.name(number)) {
        return p.to_owned();
    }
    if used_by.is_empty() {
        return "A ruleset of this configuration that nothing calls: neither sendmail, nor a mailer, nor another rule. Its rules never run.".into();
    }
    format!(
        "A ruleset of this configuration, called by {}.",
        super::pattern::join_words(used_by)
    )
}
