//! The explainer: a sendmail.cf in plain English, built from the typed
//! AST and the loaded engine (never from a table of known rule strings).
//!
//! [`document`] explains rulesets, rules, mailers, options, classes,
//! macros and maps; [`address::trace`] follows one address through the
//! rules to its delivery and the Postfix line that reproduces it.
//! [`render`] writes either as terminal text or Markdown; every type is
//! also serializable as JSON.

pub mod address;
pub mod definitions;
pub mod form;
pub mod pattern;
pub mod postfix_lines;
pub mod render;
pub mod rule;
pub mod ruleset;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::ast::{Config, LineKind};
use crate::engine::Machine;
use crate::intent::Finding;
use crate::source::SourceFile;

pub use definitions::{
    ClassExplanation, MacroExplanation, MailerExplanation, MapExplanation, OptionExplanation,
};
pub use postfix_lines::{PostfixIndex, PostfixLine};
pub use rule::RuleExplanation;
pub use ruleset::RulesetExplanation;

/// What a migration of the same file adds to an explanation: the Postfix
/// lines each source line became, and the report's findings.
#[derive(Clone, Debug, Default)]
pub struct Migration {
    pub index: PostfixIndex,
    pub findings: BTreeMap<u32, Vec<Finding>>,
    /// The mail-flow diagram as text.
    pub diagram: String,
}

impl Migration {
    pub fn new(
        file: &SourceFile,
        analysis: &crate::analyze::Analysis,
        output: &crate::emit::Output,
    ) -> Self {
        let mut findings: BTreeMap<u32, Vec<Finding>> = BTreeMap::new();
        for f in &analysis.intent.findings {
            if f.origin.file == file.name() && f.origin.line != 0 {
                findings.entry(f.origin.line).or_default().push(f.clone());
            }
        }
        Migration {
            index: PostfixIndex::new(file.name(), &output.files),
            findings,
            diagram: crate::emit::flow::text(&crate::emit::flow::flow(&analysis.intent)),
        }
    }

    /// The report's verdicts on one source line, in words.
    pub fn findings_for(&self, line: u32) -> Vec<String> {
        use crate::intent::Disposition;
        self.findings
            .get(&line)
            .map(|list| {
                list.iter()
                    .map(|f| {
                        let how = match f.disposition {
                            Disposition::Translated => "translated",
                            Disposition::Approximated => "approximated",
                            Disposition::NotTranslated => "not translated",
                        };
                        let mut s = format!("{how}: {}", f.subject);
                        if !f.reason.is_empty() {
                            s.push_str(&format!(" ({})", f.reason));
                        }
                        s
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Which part of the configuration to explain.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Only this ruleset (number or name).
    pub ruleset: Option<String>,
    /// Only what is defined on this line.
    pub line: Option<u32>,
}

/// A whole configuration explained.
#[derive(Clone, Debug, Serialize)]
pub struct Explanation {
    pub file: String,
    /// What kind of configuration it is, in a sentence.
    pub overview: String,
    pub rulesets: Vec<RulesetExplanation>,
    pub mailers: Vec<MailerExplanation>,
    pub options: Vec<OptionExplanation>,
    pub classes: Vec<ClassExplanation>,
    pub macros: Vec<MacroExplanation>,
    pub maps: Vec<MapExplanation>,
    /// The mail-flow diagram as text, when a migration was made.
    pub diagram: Option<String>,
}

impl Explanation {
    /// Every rule explanation, in file order of rulesets.
    pub fn rules(&self) -> impl Iterator<Item = &RuleExplanation> {
        self.rulesets.iter().flat_map(|r| r.rules.iter())
    }

    pub fn is_empty(&self) -> bool {
        self.rulesets.is_empty()
            && self.mailers.is_empty()
            && self.options.is_empty()
            && self.classes.is_empty()
            && self.macros.is_empty()
            && self.maps.is_empty()
    }
}

fn overview(config: &Config, machine: &Machine) -> String {
    let version = config.lines.iter().find_map(|l| match &l.kind {
        LineKind::Version(v) => Some(v),
        _ => None,
    });
    let rules: usize = machine
        .rulesets
        .defined()
        .map(|n| machine.rulesets.rules(n).len())
        .sum();
    let level = match version {
        Some(v) => {
            let vendor = v
                .vendor
                .as_ref()
                .map(|v| format!(", vendor {}", v.to_display()))
                .unwrap_or_default();
            format!("configuration level {}{vendor}", v.level)
        }
        None => "configuration level 0: it has no V line".into(),
    };
    let defined: Vec<usize> = machine.rulesets.defined().collect();
    let user_mailers = machine.mailers.iter().filter(|m| m.line != 0).count();
    format!(
        "A sendmail configuration ({level}) with {rules} rewrite rules in {} rulesets and {user_mailers} mailers of its own.",
        defined.len()
    )
}

/// The `H` lines that run a ruleset over a header: (line, header, ruleset).
fn header_checks(config: &Config) -> Vec<(u32, String, String)> {
    config
        .lines
        .iter()
        .filter_map(|l| match &l.kind {
            LineKind::Header(h) => h
                .check
                .as_ref()
                .map(|c| (l.line, h.name.to_display(), c.ruleset.to_display())),
            _ => None,
        })
        .collect()
}

/// Explains a loaded configuration; `migration` adds the Postfix side.
pub fn document(
    file: &SourceFile,
    config: &Config,
    machine: &Machine,
    migration: Option<&Migration>,
    filter: &Filter,
) -> Explanation {
    let texts = definitions::rule_texts(file, config);
    let written = written_rules(config);
    let declared: BTreeMap<usize, u32> = ruleset_lines(config, machine);
    let callers = ruleset::callers(machine, &header_checks(config));
    let wanted_ruleset = filter
        .ruleset
        .as_ref()
        .map(|r| machine.rulesets.find(r.as_bytes()).ok());
    let mut rulesets = Vec::new();
    for number in machine.rulesets.defined() {
        if let Some(wanted) = wanted_ruleset {
            if wanted != Some(number) {
                continue;
            }
        }
        let used_by = callers.get(&number).cloned().unwrap_or_default();
        let rules: Vec<RuleExplanation> = machine
            .rulesets
            .rules(number)
            .iter()
            .enumerate()
            .filter(|(_, r)| filter.line.map_or(true, |l| l == r.line))
            .map(|(i, r)| {
                let text = texts.get(&r.line).map_or("", String::as_str);
                let mut e = rule::explain(machine, r, i + 1, text, written.get(&r.line).copied());
                if let Some(m) = migration {
                    e.notes.extend(
                        m.findings_for(r.line)
                            .into_iter()
                            .map(|f| format!("Migration: {f}.")),
                    );
                }
                e
            })
            .collect();
        let line = declared.get(&number).copied().unwrap_or(0);
        if filter.line.is_some() && rules.is_empty() && filter.line != Some(line) {
            continue;
        }
        rulesets.push(RulesetExplanation {
            number,
            name: machine
                .rulesets
                .name(number)
                .map(|n| String::from_utf8_lossy(n).into_owned()),
            line,
            purpose: ruleset::purpose(machine, number, &used_by),
            used_by,
            rules,
        });
    }
    let only_rulesets = filter.ruleset.is_some();
    let at_line = |l: u32| !only_rulesets && filter.line.map_or(true, |f| f == l);
    let mut mailers = definitions::mailers(file, config, machine, migration);
    mailers.retain(|m| {
        at_line(m.line) && (filter.line.is_some() || m.line != 0 || used_builtin(machine, &m.name))
    });
    let mut options = definitions::options(file, config, migration);
    options.retain(|o| at_line(o.line));
    let mut classes = definitions::classes(file, config, machine);
    classes.retain(|c| c.lines.iter().any(|(l, _)| at_line(*l)));
    let mut macros = definitions::macros(file, config, machine, migration);
    macros.retain(|m| at_line(m.line));
    let mut maps = definitions::maps(file, config, machine, migration);
    maps.retain(|m| at_line(m.line));
    let whole = filter.ruleset.is_none() && filter.line.is_none();
    Explanation {
        file: file.name().to_owned(),
        overview: overview(config, machine),
        rulesets,
        mailers,
        options,
        classes,
        macros,
        maps,
        diagram: migration.filter(|_| whole).map(|m| m.diagram.clone()),
    }
}

/// Built-in mailers are listed when a rule of the configuration names them.
fn used_builtin(machine: &Machine, name: &str) -> bool {
    use crate::engine::meta::CANONNET;
    machine.rulesets.defined().any(|n| {
        machine.rulesets.rules(n).iter().any(|r| {
            r.rhs.windows(2).any(|w| {
                w[0].first() == Some(&CANONNET) && w[1].eq_ignore_ascii_case(name.as_bytes())
            })
        })
    })
}

/// The line of each ruleset's first `S` line.
fn ruleset_lines(config: &Config, machine: &Machine) -> BTreeMap<usize, u32> {
    let mut out = BTreeMap::new();
    for l in &config.lines {
        if let LineKind::Ruleset(s) = &l.kind {
            let key = match &s.id {
                crate::ast::RulesetId::Number { number } => number.to_string(),
                crate::ast::RulesetId::Named { name, .. } => name.to_display(),
            };
            if let Ok(n) = machine.rulesets.find(key.as_bytes()) {
                out.entry(n).or_insert(l.line);
            }
        }
    }
    out
}

/// The `R` lines as parsed, by line.
pub fn written_rules(config: &Config) -> BTreeMap<u32, &crate::ast::RewriteRule> {
    config
        .lines
        .iter()
        .filter_map(|l| match &l.kind {
            LineKind::Rule(r) => Some((l.line, r)),
            _ => None,
        })
        .collect()
}
