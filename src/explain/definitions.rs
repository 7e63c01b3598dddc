//! Mailers, options, classes, macros and maps in words.

use std::collections::BTreeMap;

use serde::Serialize;

use super::pattern::first_clause;
use super::postfix_lines::PostfixLine;
use super::ruleset::known_purpose;
use super::Migration;
use crate::ast::{Config, LineKind, MacroName};
use crate::engine::meta::LOOKUPBEGIN;
use crate::engine::{lossy_text as lossy, print_token, Machine};
use crate::sendmail::{macro_meanings, mailer_flags, option_meanings};
use crate::source::SourceFile;

/// A logical line as written, continuation lines joined with a space.
pub fn line_text(file: &SourceFile, span: crate::source::Span) -> String {
    let text = String::from_utf8_lossy(file.slice(span)).into_owned();
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        if i == 0 {
            out.push_str(line.trim_end());
        } else {
            out.push(' ');
            out.push_str(line.trim());
        }
    }
    out
}

#[derive(Clone, Debug, Serialize)]
pub struct MailerFlag {
    pub flag: char,
    pub meaning: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct MailerExplanation {
    pub name: String,
    /// 0 for sendmail's built-in mailers.
    pub line: u32,
    pub source: String,
    pub program: String,
    pub arguments: String,
    pub flags: Vec<MailerFlag>,
    /// Each rewriting ruleset of the mailer and what it is for.
    pub rulesets: Vec<String>,
    /// Other settings (size limit, user, line length, ...), in words.
    pub settings: Vec<String>,
    pub summary: String,
    pub postfix: Vec<PostfixLine>,
}

fn ruleset_words(machine: &Machine, number: usize) -> String {
    let name = lossy(&machine.rulesets.display_name(number));
    let shown = if name == number.to_string() {
        format!("ruleset {number}")
    } else {
        format!("ruleset {name} ({number})")
    };
    if machine.rulesets.rules(number).is_empty() {
        return format!("{shown}, which has no rules (addresses pass unchanged)");
    }
    match known_purpose(number, machine.rulesets.name(number)) {
        Some(p) => format!("{shown}: {}", first_clause(p)),
        None => shown,
    }
}

pub fn mailers(
    file: &SourceFile,
    config: &Config,
    machine: &Machine,
    migration: Option<&Migration>,
) -> Vec<MailerExplanation> {
    let source_of: BTreeMap<u32, String> = config
        .lines
        .iter()
        .filter(|l| matches!(l.kind, LineKind::Mailer(_)))
        .map(|l| (l.line, line_text(file, l.span)))
        .collect();
    // The flags each M line writes; sendmail adds some of its own.
    let written: BTreeMap<u32, Vec<u8>> = config
        .lines
        .iter()
        .filter_map(|l| match &l.kind {
            LineKind::Mailer(m) => Some((
                l.line,
                m.fields
                    .iter()
                    .filter(|f| f.kind == crate::ast::MailerFieldKind::Flags)
                    .flat_map(|f| f.value.to_source())
                    .collect(),
            )),
            _ => None,
        })
        .collect();
    let mut list: Vec<&crate::engine::Mailer> = machine.mailers.iter().collect();
    list.sort_by_key(|m| (m.line == 0, m.line));
    list.into_iter()
        .map(|m| {
            let name = lossy(&m.name);
            let program = lossy(&m.path);
            let arguments = m
                .argv
                .iter()
                .map(|a| lossy(&print_token(a, Some(&machine.names))))
                .collect::<Vec<_>>()
                .join(" ");
            let own = written.get(&m.line);
            let flags = m
                .flags
                .iter()
                .map(|&f| {
                    let mut meaning = mailer_flags::describe(f)
                        .map(str::to_owned)
                        .unwrap_or_else(|| {
                            "a flag sendmail 8.17 does not define; it has no effect".into()
                        });
                    if m.line != 0 && own.is_some_and(|w| !w.contains(&f)) {
                        meaning.push_str(" (added by sendmail itself, not written in F=)");
                    }
                    MailerFlag {
                        flag: f as char,
                        meaning,
                    }
                })
                .collect();
            let mut rulesets = Vec::new();
            for (n, what) in [
                (m.sender_envelope, "envelope sender"),
                (m.sender_header, "header senders"),
                (m.recipient_envelope, "envelope recipients"),
                (m.recipient_header, "header recipients"),
            ] {
                if n != 0 {
                    rulesets.push(format!("{what}: {}", ruleset_words(machine, n)));
                }
            }
            let mut settings = Vec::new();
            if m.max_size > 0 {
                settings.push(format!("messages larger than {} bytes are refused (M=)", m.max_size));
            }
            if m.line_limit > 0 {
                settings.push(format!("lines are wrapped at {} characters (L=)", m.line_limit));
            }
            if m.max_recipients > 0 {
                settings.push(format!("at most {} recipients per delivery (r=)", m.max_recipients));
            }
            if m.uid >= 0 {
                settings.push(format!("runs as user id {} (U=)", m.uid));
            }
            if let Some(t) = &m.mta_type {
                settings.push(format!("address and error types {} (T=)", lossy(t)));
            }
            if let Some(c) = &m.charset {
                settings.push(format!("default character set {} (C=)", lossy(c)));
            }
            let kind = crate::analyze::mailers::kind(m);
            let service = crate::analyze::mailers::service(m, kind);
            let what = match program.as_str() {
                "[IPC]" | "[TCP]" => "speaks SMTP over TCP to the host of each address".to_owned(),
                "[LPC]" => "speaks SMTP or LMTP to a program over a pipe".to_owned(),
                "[FILE]" => "appends to files".to_owned(),
                "" => "has no program".to_owned(),
                p if m.has_flag(b'l') => format!("delivers locally by running {p}"),
                p => format!("runs {p} for each delivery"),
            };
            let summary = if m.line == 0 {
                format!("Mailer {name} is built into sendmail: it {what}. In Postfix: the {service} service.")
            } else {
                format!("Mailer {name} {what}. In Postfix: the {service} service.")
            };
            MailerExplanation {
                source: source_of.get(&m.line).cloned().unwrap_or_default(),
                postfix: if m.line == 0 {
                    Vec::new()
                } else {
                    postfix_for(migration, m.line)
                },
                name,
                line: m.line,
                program,
                arguments,
                flags,
                rulesets,
                settings,
                summary,
            }
        })
        .collect()
}

#[derive(Clone, Debug, Serialize)]
pub struct OptionExplanation {
    pub line: u32,
    pub source: String,
    /// The 8.17 long name, when sendmail knows the option.
    pub name: Option<String>,
    pub meaning: String,
    pub postfix: Vec<PostfixLine>,
    /// What the migration did with it (from its report).
    pub migration: Vec<String>,
}

fn option_meaning(name: &str) -> Option<&'static str> {
    if let Some(sub) = name.strip_prefix("Timeout.") {
        return option_meanings::timeout_meaning(sub).or(option_meanings::meaning("Timeout"));
    }
    option_meanings::meaning(name)
}

/// The Postfix entries a migration wrote for a source line.
fn postfix_for(migration: Option<&Migration>, line: u32) -> Vec<PostfixLine> {
    migration
        .map(|m| m.index.for_line(line).to_vec())
        .unwrap_or_default()
}

fn findings_for(migration: Option<&Migration>, line: u32) -> Vec<String> {
    migration.map(|m| m.findings_for(line)).unwrap_or_default()
}

pub fn options(
    file: &SourceFile,
    config: &Config,
    migration: Option<&Migration>,
) -> Vec<OptionExplanation> {
    let mut out = Vec::new();
    for line in &config.lines {
        let LineKind::Option(o) = &line.kind else {
            continue;
        };
        let name = o.resolved.as_ref().map(|n| n.to_display());
        let meaning = match &name {
            Some(n) => option_meaning(n)
                .map(str::to_owned)
                .unwrap_or_else(|| format!("Sets sendmail's {n} option.")),
            None => "sendmail 8.17 does not recognize this option, so it has no effect.".into(),
        };
        out.push(OptionExplanation {
            line: line.line,
            source: line_text(file, line.span),
            name,
            meaning,
            postfix: postfix_for(migration, line.line),
            migration: findings_for(migration, line.line),
        });
    }
    out
}

#[derive(Clone, Debug, Serialize)]
pub struct ClassExplanation {
    pub name: String,
    pub meaning: String,
    /// The lines that fill it (`C`, `F`, Sun `G`).
    pub lines: Vec<(u32, String)>,
    /// Its members after loading, in order (at most 50 shown).
    pub members: Vec<String>,
    pub member_count: usize,
}

fn name_text(name: &MacroName) -> String {
    match name {
        MacroName::Short(b) => (*b as char).to_string(),
        MacroName::Long(t) => t.to_display(),
    }
}

fn class_meaning(name: &str) -> String {
    macro_meanings::class_meaning(name)
        .map(str::to_owned)
        .unwrap_or_else(|| {
            "A class of this configuration: a list of words its rules match with $= and $~.".into()
        })
}

pub fn classes(file: &SourceFile, config: &Config, machine: &Machine) -> Vec<ClassExplanation> {
    let mut by_name: BTreeMap<String, Vec<(u32, String)>> = BTreeMap::new();
    for line in &config.lines {
        let name = match &line.kind {
            LineKind::Class(c) => &c.name,
            LineKind::ClassFile(c) => &c.name,
            LineKind::SunClassLookup(c) => &c.name,
            _ => continue,
        };
        by_name
            .entry(name_text(name))
            .or_default()
            .push((line.line, line_text(file, line.span)));
    }
    by_name
        .into_iter()
        .map(|(name, lines)| {
            let members: Vec<String> = match machine.names.id(name.as_bytes()) {
                Some(id) => machine.classes.members(id).into_iter().map(lossy).collect(),
                None => Vec::new(),
            };
            ClassExplanation {
                meaning: class_meaning(&name),
                member_count: members.len(),
                members: members.into_iter().take(50).collect(),
                name,
                lines,
            }
        })
        .collect()
}

#[derive(Clone, Debug, Serialize)]
pub struct MacroExplanation {
    pub name: String,
    pub line: u32,
    pub source: String,
    pub meaning: String,
    /// The value after loading (other macros expanded where sendmail does).
    pub value: Option<String>,
    pub postfix: Vec<PostfixLine>,
}

pub fn macros(
    file: &SourceFile,
    config: &Config,
    machine: &Machine,
    migration: Option<&Migration>,
) -> Vec<MacroExplanation> {
    let mut out = Vec::new();
    for line in &config.lines {
        let name = match &line.kind {
            LineKind::Define(d) => &d.name,
            LineKind::SunMacroLookup(l) => &l.name,
            _ => continue,
        };
        let name = name_text(name);
        // As stored: references to other macros stay `$x`, as sendmail
        // expands them only where the macro is used.
        let value = machine
            .names
            .id(name.as_bytes())
            .and_then(|id| machine.macros.get(id))
            .map(|v| lossy(&print_token(v, Some(&machine.names))));
        out.push(MacroExplanation {
            meaning: macro_meanings::macro_meaning(&name)
                .map(str::to_owned)
                .unwrap_or_else(|| {
                    "A macro of this configuration: its value is substituted where rules and other lines write it.".into()
                }),
            line: line.line,
            source: line_text(file, line.span),
            value,
            postfix: postfix_for(migration, line.line),
            name,
        });
    }
    out
}

#[derive(Clone, Debug, Serialize)]
pub struct MapExplanation {
    pub name: String,
    pub line: u32,
    pub source: String,
    pub class: String,
    pub meaning: String,
    pub file: Option<String>,
    /// The rules that look into it, by line.
    pub used_by: Vec<u32>,
    pub postfix: Vec<PostfixLine>,
    pub migration: Vec<String>,
}

pub fn maps(
    file: &SourceFile,
    config: &Config,
    machine: &Machine,
    migration: Option<&Migration>,
) -> Vec<MapExplanation> {
    let mut used: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for number in machine.rulesets.defined() {
        for rule in machine.rulesets.rules(number).iter() {
            for pair in rule.rhs.windows(2) {
                if pair[0].first() == Some(&LOOKUPBEGIN) {
                    let list = used
                        .entry(lossy(&pair[1]).to_ascii_lowercase())
                        .or_default();
                    if !list.contains(&rule.line) {
                        list.push(rule.line);
                    }
                }
            }
        }
    }
    for lines in used.values_mut() {
        lines.sort_unstable();
    }
    let mut out = Vec::new();
    for line in &config.lines {
        let LineKind::Map(k) = &line.kind else {
            continue;
        };
        let name = k.name.to_display();
        let class = k.class.to_display();
        let meaning = macro_meanings::map_type_meaning(&class)
            .map(str::to_owned)
            .unwrap_or_else(|| format!("A map of class {class}, which sendmail 8.17 does not provide: lookups in it fail."));
        out.push(MapExplanation {
            used_by: used
                .get(&name.to_ascii_lowercase())
                .cloned()
                .unwrap_or_default(),
            line: line.line,
            source: line_text(file, line.span),
            file: k.file().map(|f| f.to_display()),
            postfix: postfix_for(migration, line.line),
            migration: findings_for(migration, line.line),
            name,
            class,
            meaning,
        });
    }
    out
}

/// The text of every rule, by line.
pub fn rule_texts(file: &SourceFile, config: &Config) -> BTreeMap<u32, String> {
    config
        .lines
        .iter()
        .filter(|l| matches!(l.kind, LineKind::Rule(_)))
        .map(|l| (l.line, line_text(file, l.span)))
        .collect()
}
