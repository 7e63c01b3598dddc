//! The emitter: writes an [`Intent`](crate::intent::Intent) as Postfix
//! configuration files (main.cf, master.cf, lookup tables) and a migration
//! report (MIGRATION.md, report.json), through tera templates.

pub mod flow;
pub mod main_cf;
pub mod master_cf;
pub mod report;
pub mod routing;
pub mod tables;

use std::collections::BTreeMap;

use crate::analyze::Analysis;

const MAIN_CF: &str = include_str!("templates/main.cf.tera");
const MASTER_CF: &str = include_str!("templates/master.cf.tera");
const MIGRATION: &str = include_str!("templates/MIGRATION.md.tera");

/// The files of a migration, by name, in a fixed order.
#[derive(Clone, Debug, Default)]
pub struct Output {
    pub files: BTreeMap<String, Vec<u8>>,
    pub report: Option<report::Report>,
}

fn render(name: &str, template: &str, context: &tera::Context) -> Result<String, String> {
    let mut tera = tera::Tera::default();
    tera.autoescape_on(vec![]);
    tera.add_raw_template(name, template)
        .map_err(|e| format!("template {name}: {e}"))?;
    tera.render(name, context)
        .map_err(|e| format!("template {name}: {e:?}"))
}

/// Squeezes runs of blank lines the templates leave.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines() {
        if line.trim().is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// Renders every file of the migration.
pub fn emit(analysis: &Analysis) -> Result<Output, String> {
    let intent = &analysis.intent;
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut findings = Vec::new();

    // The default route is default_transport, never a `*` entry (which
    // would catch local mail too).
    let specific: Vec<crate::intent::Route> = intent
        .routes
        .iter()
        .filter(|r| r.destination != crate::intent::Destination::Everything)
        .cloned()
        .collect();
    let transport = tables::transport(&specific);
    let virtuals = tables::virtual_tables(&intent.virtual_aliases);
    findings.extend(virtuals.findings.clone());
    let access = tables::access_tables(&intent.access, &intent.relay.client_names);
    let generic = tables::generic(&intent.sender_rewrites);
    let canonical = tables::canonical(&intent.domain_rewrites);
    let aliases = tables::aliases(&intent.aliases.entries);
    let mut recipient = access.recipient.clone();
    recipient.push_str(&virtuals.rejects);
    let mut put = |name: &str, content: &str| -> bool {
        let has = content
            .lines()
            .any(|l| !l.trim().is_empty() && !l.starts_with('#'));
        if has {
            files.insert(name.to_owned(), content.as_bytes().to_vec());
        }
        has
    };
    let flags = main_cf::Tables {
        transport: put("transport", &transport),
        virtual_hash: put("virtual", &virtuals.hash),
        virtual_regexp: put("virtual_regexp", &virtuals.regexp),
        client: put("client_access", &access.client),
        client_cidr: put("client_access_cidr", &access.client_cidr),
        client_relay: put("client_relay", &access.client_relay),
        client_relay_cidr: put("client_relay_cidr", &access.client_relay_cidr),
        sender: put("sender_access", &access.sender),
        recipient: put("recipient_access", &recipient),
        generic: put("generic", &generic),
        canonical: put("canonical", &canonical),
        aliases: put("aliases", &aliases),
    };

    let sections = main_cf::build(intent, &flags);
    let mut context = tera::Context::new();
    context.insert("source", &intent.source);
    context.insert("sections", &sections);
    let main = render("main.cf", MAIN_CF, &context)?;
    files.insert("main.cf".into(), tidy(&main).into_bytes());

    let services = master_cf::build(intent);
    let mut context = tera::Context::new();
    context.insert("source", &intent.source);
    context.insert("services", &services);
    let master = render("master.cf", MASTER_CF, &context)?;
    files.insert("master.cf".into(), tidy(&master).into_bytes());

    let mut intent_for_report = intent.clone();
    intent_for_report.findings.extend(findings);
    intent_for_report.findings.sort();
    let differences = routing::differences(intent, &analysis.probes);
    let generation = match analysis.features.generation {
        crate::analyze::Generation::Handwritten => "handwritten",
        crate::analyze::Generation::M4Numbered => "m4 (8.7 to 8.9)",
        crate::analyze::Generation::M4Named => "m4 (8.10 and later)",
    };
    let features: Vec<String> = analysis
        .features
        .found
        .keys()
        .map(|k| k.to_string())
        .collect();
    let mut names: Vec<String> = files.keys().cloned().collect();
    names.push("MIGRATION.md".into());
    names.push("report.json".into());
    names.sort();
    let report = report::build(
        &intent_for_report,
        generation,
        features,
        names,
        sections,
        differences,
    );

    let mut context = tera::Context::new();
    context.insert("source", &report.source);
    context.insert(
        "generation",
        if generation == "handwritten" {
            "handwritten"
        } else {
            "m4"
        },
    );
    context.insert("translated", &report.translated);
    context.insert("approximated", &report.approximated);
    context.insert("not_translated", &report.not_translated);
    context.insert("risks", &report.risks);
    context.insert("differences", &report.differences);
    context.insert("door", &report.door);
    context.insert("mermaid", &flow::mermaid(&flow::flow(intent)));
    let parts = vec![
        report::Part {
            title: "Translated".into(),
            items: report.translated.clone(),
        },
        report::Part {
            title: "Approximated".into(),
            items: report.approximated.clone(),
        },
        report::Part {
            title: "Not translated".into(),
            items: report.not_translated.clone(),
        },
    ];
    context.insert("parts", &parts);
    let migration = render("MIGRATION.md", MIGRATION, &context)?;
    files.insert("MIGRATION.md".into(), tidy(&migration).into_bytes());
    let mut json = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
    json.push('\n');
    files.insert("report.json".into(), json.into_bytes());
    Ok(Output {
        files,
        report: Some(report),
    })
}
