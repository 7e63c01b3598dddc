//! Dangers in the source configuration that the report must name.

use crate::intent::{Intent, Risk, RiskKind, VirtualTarget};

pub fn analyze(intent: &mut Intent) {
    if let Some(d) = intent.relay.domains.first() {
        intent.risks.push(Risk {
            kind: RiskKind::Backscatter,
            origin: d.origin.clone(),
            text: format!(
                "mail for relayed domains ({}) is accepted for any recipient: there is no list of valid recipients, so spam to unknown users is accepted and then bounced to forged senders",
                intent.relay.domains.iter().map(|d| d.value.as_str()).collect::<Vec<_>>().join(", ")
            ),
            action: "Set relay_recipient_maps to the valid recipients of these domains.".into(),
        });
    }
    for alias in &intent.virtual_aliases {
        if alias.key.starts_with('@') && matches!(alias.target, VirtualTarget::Addresses { .. }) {
            intent.risks.push(Risk {
                kind: RiskKind::Backscatter,
                origin: alias.origin.clone(),
                text: format!("the catch-all {} accepts mail for every user of the domain", alias.key),
                action: "Replace the catch-all by the real addresses if spam to made-up users is a problem.".into(),
            });
        }
    }
    if let Some(origin) = &intent.relay.based_on_mx {
        intent.risks.push(Risk {
            kind: RiskKind::BackupMx,
            origin: origin.clone(),
            text: "the host relays for every domain whose MX record points at it (relay_based_on_MX): anyone who can edit DNS for a domain can make it relay".into(),
            action: "permit_mx_backup carries this over; prefer listing the backup domains in relay_domains and setting permit_mx_backup_networks.".into(),
        });
    }
    if intent.limits.daemon_children.is_none() {
        intent.risks.push(Risk {
            kind: RiskKind::NoProcessLimit,
            origin: crate::intent::Origin::new(intent.source.clone(), 0, ""),
            text: "sendmail had no limit on simultaneous SMTP sessions (MaxDaemonChildren)".into(),
            action: "Postfix limits every service to default_process_limit (100) processes; raise or lower it to suit the host.".into(),
        });
    }
}
