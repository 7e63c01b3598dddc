//! Where things are defined: an index from macro, class, map, mailer and
//! option names to the lines that define them, over the loaded machine.

use std::collections::{BTreeMap, BTreeSet};

use crate::ast::{Config, Line, LineKind, MacroName};
use crate::engine::{lossy_text, Machine};
use crate::intent::Origin;
use crate::source::SourceFile;

/// The configuration, loaded, with the lines behind every name.
pub struct Facts<'a> {
    pub file: &'a SourceFile,
    pub config: &'a Config,
    pub machine: Machine,
    macros: BTreeMap<Vec<u8>, usize>,
    classes: BTreeMap<Vec<u8>, Vec<usize>>,
    maps: BTreeMap<Vec<u8>, usize>,
    mailers: BTreeMap<Vec<u8>, usize>,
    options: BTreeMap<String, Vec<usize>>,
}

fn name_key(name: &MacroName) -> Vec<u8> {
    match name {
        MacroName::Short(b) => vec![*b],
        MacroName::Long(t) => t.as_bytes().to_vec(),
    }
}

impl<'a> Facts<'a> {
    pub fn new(file: &'a SourceFile, config: &'a Config, machine: Machine) -> Self {
        let mut facts = Facts {
            file,
            config,
            machine,
            macros: BTreeMap::new(),
            classes: BTreeMap::new(),
            maps: BTreeMap::new(),
            mailers: BTreeMap::new(),
            options: BTreeMap::new(),
        };
        for (index, line) in config.lines.iter().enumerate() {
            match &line.kind {
                LineKind::Define(d) => {
                    facts.macros.insert(name_key(&d.name), index);
                }
                LineKind::Class(c) => facts
                    .classes
                    .entry(name_key(&c.name))
                    .or_default()
                    .push(index),
                LineKind::ClassFile(c) => facts
                    .classes
                    .entry(name_key(&c.name))
                    .or_default()
                    .push(index),
                LineKind::Map(m) => {
                    facts
                        .maps
                        .entry(m.name.as_bytes().to_ascii_lowercase())
                        .or_insert(index);
                }
                LineKind::Mailer(m) => {
                    facts.mailers.insert(m.name.as_bytes().to_vec(), index);
                }
                LineKind::Option(o) => {
                    if let Some(name) = &o.resolved {
                        facts
                            .options
                            .entry(name.to_display().to_ascii_lowercase())
                            .or_default()
                            .push(index);
                    }
                }
                _ => {}
            }
        }
        facts
    }

    /// The origin of a line of the configuration.
    pub fn origin(&self, line: &Line) -> Origin {
        let text = String::from_utf8_lossy(self.file.slice(line.span)).into_owned();
        Origin::new(self.file.name(), line.line, text)
    }

    /// The origin of the configuration line with this 1-based number.
    pub fn origin_at(&self, number: u32) -> Origin {
        self.config
            .lines
            .iter()
            .find(|l| l.line == number)
            .map(|l| self.origin(l))
            .unwrap_or_else(|| Origin::new(self.file.name(), number, ""))
    }

    /// The configuration as a whole (for facts that are absences).
    pub fn whole(&self) -> Origin {
        Origin::new(self.file.name(), 0, "")
    }

    fn line(&self, index: usize) -> &'a Line {
        &self.config.lines[index]
    }

    /// The id of a macro or class name: the byte itself for one-letter
    /// names, the interned id for long ones.
    pub fn id_of(&self, name: &str) -> Option<u8> {
        self.machine.names.id(name.as_bytes())
    }

    /// The value of a macro after loading, expanded, and its `D` line.
    pub fn macro_value(&self, name: &str) -> Option<(String, Origin)> {
        let value = self.machine.macro_value(name.as_bytes())?;
        let value = lossy_text(&value).trim().to_owned();
        let origin = match self.macros.get(name.as_bytes()) {
            Some(&i) => self.origin(self.line(i)),
            None => self.whole(),
        };
        Some((value, origin))
    }

    /// The `D` line of a macro, if the configuration has one.
    pub fn macro_line(&self, name: &str) -> Option<Origin> {
        self.macros
            .get(name.as_bytes())
            .map(|&i| self.origin(self.line(i)))
    }

    /// Members of a class after loading (files read), lower-cased.
    pub fn class_members(&self, name: &str) -> BTreeSet<String> {
        let Some(id) = self.id_of(name) else {
            return BTreeSet::new();
        };
        self.machine
            .classes
            .members(id)
            .into_iter()
            .map(|m| lossy_text(m).to_ascii_lowercase())
            .collect()
    }

    /// The `C` and `F` lines of a class.
    pub fn class_lines(&self, name: &str) -> Vec<&'a Line> {
        self.classes
            .get(name.as_bytes())
            .map(|v| v.iter().map(|&i| self.line(i)).collect())
            .unwrap_or_default()
    }

    /// The first line that defines a class, or the whole file.
    pub fn class_origin(&self, name: &str) -> Origin {
        self.class_lines(name)
            .first()
            .map(|l| self.origin(l))
            .unwrap_or_else(|| self.whole())
    }

    /// Where a class member came from: the `C` line naming it, else the
    /// first `F` line of the class.
    pub fn member_origin(&self, class: &str, member: &str) -> Origin {
        let lines = self.class_lines(class);
        for line in &lines {
            if let LineKind::Class(c) = &line.kind {
                let words = String::from_utf8_lossy(&c.words.to_source()).to_ascii_lowercase();
                if words.split_whitespace().any(|w| w == member) {
                    return self.origin(line);
                }
            }
        }
        lines
            .iter()
            .find(|l| matches!(l.kind, LineKind::ClassFile(_)))
            .or(lines.first())
            .map(|l| self.origin(l))
            .unwrap_or_else(|| self.whole())
    }

    /// The `K` line of a map.
    pub fn map_line(&self, name: &str) -> Option<&'a Line> {
        self.maps
            .get(name.as_bytes().to_ascii_lowercase().as_slice())
            .map(|&i| self.line(i))
    }

    /// The `M` line of a mailer.
    pub fn mailer_line(&self, name: &[u8]) -> Option<&'a Line> {
        self.mailers.get(name).map(|&i| self.line(i))
    }

    /// The `O` lines that set an option (by its 8.17 long name), in order.
    pub fn option_lines(&self, name: &str) -> Vec<&'a Line> {
        self.options
            .get(&name.to_ascii_lowercase())
            .map(|v| v.iter().map(|&i| self.line(i)).collect())
            .unwrap_or_default()
    }

    /// The last `O` line that sets an option.
    pub fn option(&self, name: &str) -> Option<(&'a crate::ast::OptionLine, Origin)> {
        let line = *self.option_lines(name).last()?;
        match &line.kind {
            LineKind::Option(o) => Some((o, self.origin(line))),
            _ => None,
        }
    }

    /// Every comment line's text.
    pub fn comments(&self) -> impl Iterator<Item = String> + '_ {
        self.config.lines.iter().filter_map(|l| match &l.kind {
            LineKind::Comment(c) => Some(c.text.to_display()),
            _ => None,
        })
    }

    /// Every rule line with its ruleset number.
    pub fn rule_lines(&self) -> Vec<(usize, &'a Line)> {
        let mut out = Vec::new();
        for number in self.machine.rulesets.defined() {
            for rule in self.machine.rulesets.rules(number).iter() {
                if let Some(line) = self.config.lines.iter().find(|l| l.span == rule.span) {
                    out.push((number, line));
                }
            }
        }
        out.sort_by_key(|(_, l)| l.line);
        out
    }

    /// The ruleset a name or number refers to.
    pub fn ruleset(&self, name: &str) -> Option<usize> {
        self.machine.rulesets.find(name.as_bytes()).ok()
    }
}
