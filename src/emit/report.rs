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
    }
}
