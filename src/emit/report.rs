//! MIGRATION.md and report.json: what was translated, approximated and
//! left out, the risks, the routing differences and the mail flow.

use serde::Serialize;

use crate::intent::{Destination, Disposition, Finding, Intent, Risk, RiskKind, RouteAction};

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

fn mermaid_id(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// The mail flow as a Mermaid flowchart: destinations to transport to next hop.
pub fn mermaid(intent: &Intent) -> String {
    let mut lines = vec!["flowchart LR".to_owned()];
    let mut edges = std::collections::BTreeSet::new();
    let local = if intent.mail_hub.is_some() {
        "relay to hub".to_owned()
    } else {
        "local delivery".to_owned()
    };
    edges.insert(format!(
        "  D_local[\"local domains\"] --> T_local[\"{local}\"]"
    ));
    if let Some(h) = &intent.mail_hub {
        edges.insert(format!("  T_local --> H_hub[\"{}\"]", h.value.postfix()));
    }
    for d in intent.virtual_domains.iter().take(20) {
        edges.insert(format!(
            "  V_{}[\"{}\"] --> T_virtual[\"virtual aliases\"]",
            mermaid_id(&d.value),
            d.value
        ));
    }
    for r in intent.routes.iter().take(40) {
        let dest = match &r.destination {
            Destination::Address(a) => a.clone(),
            Destination::Domain(d) => d.clone(),
            Destination::Subdomains(d) => format!("*.{d}"),
            Destination::Everything => "everything else".into(),
        };
        let (transport, hop) = match &r.action {
            RouteAction::Deliver { service, next_hop } => (
                service.clone(),
                next_hop
                    .as_ref()
                    .map(|h| h.postfix())
                    .unwrap_or_else(|| "recipient's MX".into()),
            ),
            RouteAction::Local { .. } => ("local".into(), "mailbox".into()),
            RouteAction::Error { status, .. } => ("error".into(), format!("reject {status}")),
            RouteAction::Discard => ("discard".into(), "dropped".into()),
        };
        edges.insert(format!(
            "  R_{}[\"{}\"] --> T_{}[\"{}\"] --> N_{}[\"{}\"]",
            mermaid_id(&dest),
            dest,
            mermaid_id(&transport),
            transport,
            mermaid_id(&hop),
            hop
        ));
    }
    if !intent
        .routes
        .iter()
        .any(|r| r.destination == Destination::Everything)
    {
        let hop = intent
            .smart_host
            .as_ref()
            .map(|h| h.value.postfix())
            .unwrap_or_else(|| "recipient's MX".into());
        edges.insert(format!(
            "  D_other[\"other domains\"] --> T_smtp[\"smtp\"] --> N_{}[\"{}\"]",
            mermaid_id(&hop),
            hop
        ));
    }
    lines.extend(edges);
    let mut out = lines.join("\n");
    out.push('\n');
    out
}
