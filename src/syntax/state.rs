//! What the parser remembers from line to line: the things that change how
//! later lines are read (configuration level, vendor) and what later checks
//! need (rulesets seen, macros defined).

use std::collections::{BTreeMap, BTreeSet};

use super::macro_text::DollarDialect;
use crate::ast::{Line, LineKind, MacroName};
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::source::Span;

#[derive(Debug)]
pub struct State {
    /// Configuration level set by the last `V` line (0 without one).
    pub level: u32,
    pub saw_version: bool,
    /// Vendor of the last `V` line, lower-cased.
    pub vendor: Option<Vec<u8>>,
    /// Is there a current ruleset for `R` lines?
    pub in_ruleset: bool,
    pub saw_rule: bool,
    /// Numbers of the rulesets started so far.
    pub rulesets: BTreeSet<u32>,
    /// Named rulesets and the numbers they got.
    pub named_rulesets: BTreeMap<Vec<u8>, u32>,
    /// Next number for a named ruleset without `=N` (counts down from 199).
    pub next_named: u32,
    /// Macros defined with a non-empty value so far.
    pub defined: BTreeSet<MacroName>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Default for State {
    fn default() -> Self {
        Self {
            level: 0,
            saw_version: false,
            vendor: None,
            in_ruleset: false,
            saw_rule: false,
            rulesets: BTreeSet::new(),
            named_rulesets: BTreeMap::new(),
            next_named: 199,
            defined: BTreeSet::new(),
            diagnostics: Vec::new(),
        }
    }
}

impl State {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Is the file in a vendor or pre-8.x dialect: no `V` line at all, or a
    /// Sun one? Then the vendor operators and old option letters are read as
    /// that dialect meant them.
    pub fn legacy(&self) -> bool {
        !self.saw_version || self.is_sun()
    }

    /// The severity of a construct that is valid in a vendor or pre-8.x
    /// dialect: a dialect note there, a warning in a Berkeley 8.x file.
    pub fn dialect_severity(&self) -> Severity {
        if self.legacy() {
            Severity::Note
        } else {
            Severity::Warning
        }
    }

    pub fn is_sun(&self) -> bool {
        self.vendor.as_deref() == Some(b"sun")
    }

    pub fn dollar_dialect(&self) -> DollarDialect {
        DollarDialect {
            vendor_operators: self.legacy(),
        }
    }

    /// Is macro `name` known to be unset when this line is read? Only
    /// user macros (upper-case letters and long names) are judged; the
    /// others are sendmail's own and usually set.
    pub fn surely_undefined(&self, name: &MacroName) -> bool {
        let user_macro = match name {
            MacroName::Short(b) => b.is_ascii_uppercase(),
            MacroName::Long(_) => true,
        };
        user_macro && !self.defined.contains(name)
    }

    pub fn finish(&mut self, lines: &[Line]) {
        if self.saw_version {
            return;
        }
        let first = lines
            .iter()
            .find(|l| !matches!(l.kind, LineKind::Blank | LineKind::Comment(_)));
        if let Some(first) = first {
            let span = Span::new(first.span.start, first.span.start);
            self.push(Diagnostic::note(
                Code::NoVersionLine,
                span,
                "no `V` line: sendmail 8.17 reads this file at configuration level 0",
            ));
        }
    }
}
