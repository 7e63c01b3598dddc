//! MIGRATION.md and report.json: what was translated, approximated and
//! left out, the risks and the routing differences. The mail-flow diagram
//! is [`super::flow`]'s.

use serde::Serialize;

use crate::intent::{Disposition, Finding, Intent, Risk, RiskKind};

use super::main_cf::Section;

/// A finding as the report shows it.
#[derive(Clone, Debug, Serialize)]
pub struct Item {
    pub location: String,
    pub file: String,
    pub line: u32,
    pub subject: String,
    pub source: String,
    pub reason: String,
    pub action: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct RiskItem {
    pub kind: RiskKind,
    pub location: String,
    pub file: String,
    pub line: u32,
    pub source: String,
    pub text: String,
    pub action: String,
}

/// A probe address routed differently by the two configurations.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Difference {
    pub address: String,
    pub sendmail: String,
    pub postfix: String,
    pub reason: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Part {
    pub title: String,
    pub items: Vec<Item>,
}

/// One destination at the SMTP door: what the old server answered, what
/// the new one answers, and why they differ.
#[derive(Clone, Debug, Serialize)]
pub struct DoorItem {
    pub destination: String,
    pub probe: String,
    pub class: crate::intent::DoorClass,
    pub location: String,
    pub old_outside: String,
    pub old_trusted: String,
    pub new_outside: String,
    pub new_trusted: String,
    /// Whether the new server answers an outside client as the old one did.
    pub same: bool,
    pub why: String,
}

/// The door section: the old answers the analysis recorded and the new
/// answers the generated restrictions give each class of destination
/// (tests hold the real smtpd to them).
pub fn door(intent: &Intent) -> Vec<DoorItem> {
    use crate::intent::DoorClass;
    use crate::smtp::Answer;
    let words = |a: Answer, code: u16| format!("{a} ({code})");
    intent
        .door
        .iter()
        .map(|row| {
            let (new_outside, new_trusted, why) = match row.class {
                DoorClass::Local => (
                    "accept (known users)".to_owned(),
                    "accept (known users)".to_owned(),
                    "delivered here: mydestination; unknown users are refused unless the old server took them".to_owned(),
                ),
                DoorClass::Relay => (
                    "accept".to_owned(),
                    "accept".to_owned(),
                    "relayed to another host: relay_domains".to_owned(),
                ),
                DoorClass::Virtual => (
                    "accept (listed users)".to_owned(),
                    "accept (listed users)".to_owned(),
                    "virtual alias domain: virtual_alias_domains and the virtual table".to_owned(),
                ),
                DoorClass::Outside => (
                    "reject (554 Relay access denied)".to_owned(),
                    "accept".to_owned(),
                    if row.outside.answer == Answer::Accept {
                        "the old server relayed for anyone (an open relay); only trusted clients may relay now".to_owned()
                    } else {
                        "relaying only for trusted clients, as before".to_owned()
                    },
                ),
            };
            let new_answer = match row.class {
                DoorClass::Outside => Answer::Reject,
                _ => Answer::Accept,
            };
            DoorItem {
                destination: row.destination.clone(),
                probe: row.probe.clone(),
                class: row.class,
                location: row.origin.location(),
                old_outside: words(row.outside.answer, row.outside.code),
                old_trusted: words(row.trusted.answer, row.trusted.code),
                new_outside,
                new_trusted,
                same: row.outside.answer == new_answer,
                why,
            }
        })
        .collect()
}

/// Everything report.json holds.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub source: String,
    pub generation: String,
    pub features: Vec<String>,
    pub files: Vec<String>,
    pub main_cf: Vec<Section>,
    pub translated: Vec<Item>,
    pub approximated: Vec<Item>,
    pub not_translated: Vec<Item>,
    pub risks: Vec<RiskItem>,
    pub differences: Vec<Difference>,
    pub routes: Vec<crate::intent::Route>,
    /// The SMTP door, per destination.
    pub door: Vec<DoorItem>,
}

fn item(f: &Finding) -> Item {
    Item {
        location: f.origin.location(),
        file: f.origin.file.clone(),
        line: f.origin.line,
        subject: f.subject.clone(),
        source: f.origin.text.clone(),
        reason: f.reason.clone(),
        action: f.action.clone(),
    }
}

fn risk(r: &Risk) -> RiskItem {
    RiskItem {
        kind: r.kind,
        location: r.origin.location(),
        file: r.origin.file.clone(),
        line: r.origin.line,
        source: r.origin.text.clone(),
        text: r.text.clone(),
        action: r.action.clone(),
    }
}

pub fn build(
    intent: &Intent,
    generation: &str,
    features: Vec<String>,
    files: Vec<String>,
    main_cf: Vec<Section>,
    differences: Vec<Difference>,
) -> Report {
    let pick = |d: Disposition| -> Vec<Item> {
        intent
            .findings
            .iter()
            .filter(|f| f.disposition == d)
            .map(item)
            .collect()
    };
    Report {
        source: intent.source.clone(),
        generation: generation.to_owned(),
        features,
        files,
        main_cf,
        translated: pick(Disposition::Translated),
        approximated: pick(Disposition::Approximated),
        not_translated: pick(Disposition::NotTranslated),
        risks: intent.risks.iter().map(risk).collect(),
        differences,
        routes: intent.routes.clone(),
        door: door(intent),
    }
}
