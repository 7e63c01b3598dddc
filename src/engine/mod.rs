//! An offline emulator of sendmail 8.17's rewrite engine.
//!
//! [`Machine::load`] reads a parsed configuration the way sendmail reads its
//! .cf (macros expanded into rules at read time, the token tables frozen at
//! the first rule, the same error messages); [`Machine::rewrite`] runs a
//! ruleset over a token vector with sendmail's matching order, RHS
//! construction, map lookups, subroutine calls and limits. Everything is
//! in memory: files named by the configuration are read through an
//! [`Environment`] given to the loader, and no lookup ever touches the
//! network or runs a program.

mod address;
mod classes;
pub mod door;
mod environment;
mod expand;
mod filter;
mod load;
mod macros;
mod mailer;
pub mod maps;
mod matcher;
#[cfg(test)]
mod matcher_check;
mod memo;
pub mod meta;
mod print;
mod rewrite;
mod tokenize;
mod trace;

use std::collections::BTreeMap;
use std::rc::Rc;

pub use address::{AddressFlags, Parsed, TryResult};
pub use classes::Classes;
pub use environment::{Environment, HostEntry};
pub use expand::{expand, munch, quote_internal, translate};
pub use macros::{MacroNames, MacroValues};
pub use mailer::Mailer;
pub use print::{print_token, print_tokens};
pub use tokenize::{scan, Scan, ScanOptions, ADDRESS_BUFFER, MAX_ATOM, MAX_NAME};
pub use trace::{Binding, TraceStep};

use meta::{Table, TokenTables};

/// One token: bytes, possibly with operator bytes.
pub type Token = Rc<[u8]>;

/// Exit statuses sendmail's rewriting reports (sysexits).
pub mod status {
    pub const OK: i32 = 0;
    pub const USAGE: i32 = 64;
    pub const DATAERR: i32 = 65;
    pub const NOUSER: i32 = 67;
    pub const NOHOST: i32 = 68;
    pub const UNAVAILABLE: i32 = 69;
    pub const SOFTWARE: i32 = 70;
    pub const OSERR: i32 = 71;
    pub const TEMPFAIL: i32 = 75;
    pub const CONFIG: i32 = 78;
}

/// The number of ruleset slots (numbered 0..99, named from 199 down).
pub const MAX_RULESETS: usize = 200;
/// How deep `$>` calls may nest.
pub const MAX_RULE_RECURSION: usize = 50;
/// How often one rule may fire in a row before sendmail calls it a loop.
pub const MAX_LOOP: usize = 100;
/// `$>` calls in one right-hand side.
pub const MAX_SUBROUTINES: usize = 16;
/// Wildcards on one left-hand side.
pub const MAX_MATCH: usize = 9;
/// `$@` arguments in one map lookup.
pub const MAX_MAP_ARGS: usize = 10;

/// One rewrite rule after loading.
#[derive(Clone, Debug)]
pub struct Rule {
    pub lhs: Vec<Token>,
    pub rhs: Vec<Token>,
    /// The 1-based line of the `R` line in the configuration.
    pub line: u32,
    /// The line sendmail gives for the rule (`-d21.15`): the last physical
    /// line of an `R` line continued on the next ones.
    pub last_line: u32,
    /// The byte range of the `R` line.
    pub span: crate::source::Span,
    /// What a workspace needs for `lhs` to have a chance of matching.
    pub(crate) filter: filter::Filter,
}

/// The rulesets by number, with names.
#[derive(Clone, Debug)]
pub struct Rulesets {
    rules: Vec<Rc<Vec<Rule>>>,
    names: Vec<Option<Vec<u8>>>,
    by_name: BTreeMap<Vec<u8>, usize>,
    next_named: usize,
    /// Counts [`Rulesets::set_rules`] calls (remembered calls depend on
    /// the rules).
    generation: u64,
}

impl Default for Rulesets {
    fn default() -> Self {
        Rulesets {
            rules: (0..MAX_RULESETS).map(|_| Rc::new(Vec::new())).collect(),
            names: vec![None; MAX_RULESETS],
            by_name: BTreeMap::new(),
            next_named: MAX_RULESETS,
            generation: 0,
        }
    }
}

impl Rulesets {
    pub fn rules(&self, number: usize) -> &Rc<Vec<Rule>> {
        &self.rules[number]
    }

    /// Replaces the rules of ruleset `number`, returning the old ones
    /// (lets a caller run one rule by itself in a spare slot).
    pub fn set_rules(&mut self, number: usize, rules: Rc<Vec<Rule>>) -> Rc<Vec<Rule>> {
        self.generation += 1;
        std::mem::replace(&mut self.rules[number], rules)
    }

    /// The name sendmail prints for a ruleset: its name, or its number.
    pub fn display_name(&self, number: usize) -> Vec<u8> {
        match &self.names[number] {
            Some(name) => name.clone(),
            None => number.to_string().into_bytes(),
        }
    }

    pub fn generation(&self) -> u64 {
        self.generation
    }

    pub fn name(&self, number: usize) -> Option<&[u8]> {
        self.names[number].as_deref()
    }

    /// Every ruleset that has a name, by name.
    pub fn named(&self) -> impl Iterator<Item = (&[u8], usize)> {
        self.by_name.iter().map(|(k, v)| (k.as_slice(), *v))
    }

    /// Every ruleset that has rules, in number order.
    pub fn defined(&self) -> impl Iterator<Item = usize> + '_ {
        (0..MAX_RULESETS).filter(|&n| !self.rules[n].is_empty())
    }

    /// sendmail's `strtorwset` in find mode: a number or a known name at
    /// the start of `text`. Returns the ruleset, or the message to print
    /// (empty for a name that is merely unknown).
    pub fn find(&self, text: &[u8]) -> Result<usize, String> {
        match ruleset_reference(text)? {
            RulesetRef::Number(n) => Ok(n),
            RulesetRef::Name(name, _) => self.by_name.get(name).copied().ok_or_else(String::new),
        }
    }
}

/// The start of a ruleset reference: a number, or a name and what follows it.
pub(crate) enum RulesetRef<'a> {
    Number(usize),
    Name(&'a [u8], &'a [u8]),
}

/// Reads a ruleset number (0..99) or name as `strtorwset` does; the error
/// is sendmail's message.
pub(crate) fn ruleset_reference(text: &[u8]) -> Result<RulesetRef<'_>, String> {
    let text = trim_start(text);
    let invalid = || {
        format!(
            "invalid ruleset name: \"{}\"",
            lossy(&text[..text.len().min(20)])
        )
    };
    match text.first() {
        Some(c) if !c.is_ascii() => Err(invalid()),
        Some(c) if c.is_ascii_digit() => {
            let number = leading_number(text);
            if (0..(MAX_RULESETS as i64) / 2).contains(&number) {
                Ok(RulesetRef::Number(number as usize))
            } else {
                Err(format!("bad ruleset {number} ({} max)", MAX_RULESETS / 2))
            }
        }
        _ => {
            let end = text
                .iter()
                .position(|c| !(c.is_ascii_alphanumeric() || *c == b'_'))
                .unwrap_or(text.len());
            let name = &text[..end];
            if name.first().is_some_and(u8::is_ascii_alphabetic) {
                Ok(RulesetRef::Name(name, &text[end..]))
            } else {
                Err(invalid())
            }
        }
    }
}

pub fn trim_start(text: &[u8]) -> &[u8] {
    let start = text
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(text.len());
    &text[start..]
}

/// `strtol(text, 10)` on the leading digits, saturating.
pub(crate) fn leading_number(text: &[u8]) -> i64 {
    let text = trim_start(text);
    let (negative, digits) = match text.first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let mut n: i64 = 0;
    for &d in digits.iter().take_while(|d| d.is_ascii_digit()) {
        n = n.saturating_mul(10).saturating_add(i64::from(d - b'0'));
    }
    if negative {
        -n
    } else {
        n
    }
}

pub(crate) fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Debug levels of category 21 (rewriting) that the emulator honours.
#[derive(Clone, Copy, Debug, Default)]
pub struct Debug {
    pub rewrite: u32,
}

/// A loaded configuration plus the run-time state sendmail keeps in `-bt`:
/// macro values, classes, opened maps, and the output produced so far.
pub struct Machine {
    pub file_name: String,
    pub level: u32,
    pub vendor: Option<Vec<u8>>,
    pub names: MacroNames,
    pub macros: MacroValues,
    pub classes: Classes,
    pub rulesets: Rulesets,
    pub mailers: Vec<Mailer>,
    pub maps: maps::Maps,
    pub tables: TokenTables,
    /// `BlankSub`: put between two atoms when tokens are joined.
    pub blank_sub: u8,
    pub eight_bit_ok: bool,
    pub env: Environment,
    /// Messages printed while loading, as sendmail prints them.
    pub load_messages: Vec<String>,
    /// What a `-bt` session would have printed so far.
    pub out: Vec<u8>,
    /// Print `input:`/`returns:` lines (address test mode).
    pub test_mode: bool,
    pub debug: Debug,
    /// Rule-by-rule record for `--trace`, when enabled.
    pub trace: Option<Vec<TraceStep>>,
    /// The address being processed, for `addr... message` errors.
    pub(crate) current_to: Option<Vec<u8>>,
    /// When set, every error message is also kept here as sendmail's error
    /// functions received it, reply code included (the SMTP door reads them).
    pub(crate) captured: Option<Vec<String>>,
    /// Rule attempts left for the current top-level call (see [`MAX_STEPS`]).
    pub(crate) steps_left: u64,
    /// Buffers kept between rule attempts so that rewriting does not
    /// allocate afresh for every rule.
    pub(crate) scratch: Scratch,
    /// Top-level calls remembered by the shape of their input.
    pub(crate) memo: memo::Memo,
}

/// Reusable buffers of the rewrite loop; their contents mean nothing
/// between uses.
pub(crate) struct Scratch {
    /// Class match candidates (the matcher only borrows the machine).
    pub joined: std::cell::Cell<Vec<u8>>,
    /// Emptied token vectors, for right-hand sides being built.
    pub vectors: Vec<Vec<Token>>,
    /// Key vectors for the rule filter, one per nested ruleset call.
    pub keys: Vec<Vec<u32>>,
    /// Binding stacks of the matcher, one per nested ruleset call.
    pub matches: Vec<Vec<matcher::Match>>,
    /// One token per byte value, which the scanner hands out for one-byte
    /// operator tokens (see [`ScanOptions::shared`]).
    pub operators: Vec<Token>,
}

impl Default for Scratch {
    fn default() -> Self {
        Scratch {
            joined: Default::default(),
            vectors: Vec::new(),
            keys: Vec::new(),
            matches: Vec::new(),
            operators: (0..=255u8).map(|b| Token::from(&[b][..])).collect(),
        }
    }
}

/// Rule attempts allowed for one top-level ruleset call, nested calls
/// included. sendmail's own limits (100 tries per rule, 50 nested calls,
/// 15 calls per right-hand side) bound every loop, but their product is
/// astronomical: a ruleset that calls itself from a rule that keeps
/// matching would run for years. No real configuration comes near this
/// many steps; when one does, the emulator stops with an error instead.
pub const MAX_STEPS: u64 = 200_000;

impl Machine {
    /// The table `-bt` input and rule text use at this level.
    pub fn rule_table(&self) -> Table {
        if self.level >= 9 {
            Table::NoComments
        } else {
            Table::Internal
        }
    }

    pub fn test_input_table(&self) -> Table {
        if self.level >= 9 {
            Table::NoComments
        } else {
            Table::External
        }
    }

    /// Tokenizes `text` as sendmail would for this kind of input.
    pub fn scan(&self, text: &[u8], table: Table, delimiter: u8, buffer: usize) -> Scan {
        scan(
            text,
            ScanOptions {
                table: self.tables.get(table),
                delimiter,
                ignore: false,
                buffer,
                eight_bit_ok: self.eight_bit_ok,
                shared: Some(&self.scratch.operators),
            },
        )
    }

    /// Reports a message the way sendmail's error functions print it in
    /// address test mode: the SMTP codes dropped, `addr... ` in front of
    /// user errors about an address.
    pub(crate) fn error(&mut self, message: &str) {
        self.memo_taint();
        if let Some(captured) = self.captured.as_mut() {
            captured.push(message.to_owned());
        }
        let text = print::error_text(message, self.current_to.as_deref());
        self.out.extend_from_slice(&text);
        self.out.push(b'\n');
    }

    /// A macro's value after loading, with the macros it names expanded.
    pub fn macro_value(&self, name: &[u8]) -> Option<Vec<u8>> {
        let raw = self.macros.get(self.names.id(name)?)?;
        let mut errors = Vec::new();
        Some(expand(raw, &self.macros, 2048, &mut errors))
    }

    pub fn mailer(&self, name: &[u8]) -> Option<&Mailer> {
        self.mailers
            .iter()
            .find(|m| m.name.eq_ignore_ascii_case(name))
    }

    /// Takes what has been printed so far.
    pub fn take_output(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.out)
    }
}

pub fn trim(text: &[u8]) -> &[u8] {
    let text = trim_start(text);
    let end = text
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(0, |i| i + 1);
    &text[..end]
}

/// sendmail's `shortenstring` at 203 bytes.
pub fn shorten(text: &[u8]) -> Vec<u8> {
    const MAX: usize = 203;
    if text.len() <= MAX {
        return text.to_vec();
    }
    let keep = (MAX - 3) / 2;
    let mut out = text[..keep].to_vec();
    out.extend(b"...");
    out.extend(&text[text.len() - keep..]);
    out
}

/// Bytes as text for messages (invalid UTF-8 replaced).
pub fn lossy_text(bytes: &[u8]) -> String {
    lossy(bytes)
}
