//! Loading a parsed configuration the way sendmail 8.17 reads its .cf.

use std::collections::BTreeMap;

use super::classes::Classes;
use super::environment::Environment;
use super::expand::{expand, munch, translate};
use super::macros::{MacroNames, MacroValues};
use super::mailer::Mailer;
use super::maps::Maps;
use super::meta::{
    TokenTables, CALLSUBR, CANONHOST, CANONUSER, CONDFI, CONDIF, HOSTBEGIN, HOSTEND, LOOKUPBEGIN,
    LOOKUPEND, MATCHANY, MATCHCLASS, MATCHNCLASS, MATCHONE, MATCHREPL, MATCHZANY, SUNMATCH,
    SUNNOMATCH,
};
use super::tokenize::{scan, ScanOptions, RULE_BUFFER};
use super::{lossy, Debug, Machine, Rule, Rulesets, Token, MAX_MAP_ARGS, MAX_MATCH, MAX_RULESETS};
use crate::ast::{ClassSource, Config, LineKind, RulesetId};
use crate::source::SourceFile;

/// The version sendmail reports as `$v`.
pub const SENDMAIL_VERSION: &str = "8.17.1.9";

impl Rulesets {
    /// sendmail's `strtorwset` in enter mode: a number, a name (numbered
    /// from 199 down on first sight), or `name=number`.
    pub fn enter(&mut self, text: &[u8], errors: &mut Vec<String>) -> Option<usize> {
        if super::trim_start(text).is_empty() {
            return None;
        }
        let (name, rest) = match super::ruleset_reference(text) {
            Ok(super::RulesetRef::Number(n)) => return Some(n),
            Ok(super::RulesetRef::Name(name, rest)) => (name, rest),
            Err(message) => {
                errors.push(message);
                return None;
            }
        };
        let rest = super::trim_start(rest);
        let existing = self.by_name.get(name).copied();
        let mut number = if rest.first() == Some(&b'=') {
            let digits = super::trim_start(&rest[1..]);
            if !digits.first().is_some_and(u8::is_ascii_digit) {
                errors.push(format!(
                    "bad ruleset definition \"{}\" (number required after `=')",
                    lossy(super::trim_start(text))
                ));
                return None;
            }
            let n = super::leading_number(digits);
            if !(0..(MAX_RULESETS as i64 / 2)).contains(&n) {
                errors.push(format!(
                    "bad ruleset number {n} in \"{}\" ({} max)",
                    lossy(name),
                    MAX_RULESETS / 2
                ));
                return None;
            }
            n as usize
        } else if let Some(n) = existing {
            n
        } else {
            if self.next_named <= MAX_RULESETS / 2 {
                errors.push(format!(
                    "{}: too many named rulesets ({} max)",
                    lossy(name),
                    MAX_RULESETS / 2
                ));
                return None;
            }
            self.next_named -= 1;
            self.next_named
        };
        if let Some(old) = existing {
            if old != number {
                errors.push(format!(
                    "{}: ruleset changed value (old {old}, new {number})",
                    lossy(name)
                ));
                number = old;
            }
        }
        self.by_name.insert(name.to_vec(), number);
        self.names[number] = Some(name.to_vec());
        Some(number)
    }

    fn push(&mut self, number: usize, rule: Rule) {
        std::rc::Rc::make_mut(&mut self.rules[number]).push(rule);
    }
}

struct Loader<'a> {
    file: &'a SourceFile,
    machine: Machine,
    operator_chars: Option<Vec<u8>>,
    frozen: bool,
    current: Option<usize>,
    seen_rulesets: BTreeMap<usize, u32>,
}

impl Machine {
    /// Loads `config` (parsed from `file`) in `env`, as sendmail does when
    /// it starts in address test mode. Problems are kept as sendmail's
    /// messages in `load_messages`; loading never fails.
    pub fn load(file: &SourceFile, config: &Config, env: Environment) -> Machine {
        let mut names = MacroNames::new();
        let mut macros = MacroValues::new();
        let mut classes = Classes::default();
        let host = env.hostname.clone();
        let domain = env.domain().map(str::to_owned);
        macros.set(b'j', Some(host.as_bytes()));
        macros.set(b'w', Some(host.as_bytes()));
        macros.set(b'k', Some(host.as_bytes()));
        if let Some(d) = &domain {
            macros.set(b'm', Some(d.as_bytes()));
            classes.add(b'm', d.as_bytes());
        }
        macros.set(b'v', Some(SENDMAIL_VERSION.as_bytes()));
        macros.set(b'_', Some(b"root@localhost"));
        let op_mode = names.find(b"opMode").unwrap_or(0);
        macros.set(op_mode, Some(b"t"));
        if let Ok(id) = names.intern(b"addr_type") {
            macros.set(id, Some(b"e r"));
        }
        classes.add(b'w', host.as_bytes());
        classes.add(b'k', host.as_bytes());
        let mut rulesets = Rulesets::default();
        let mailers = Mailer::builtins(&mut rulesets, &env);
        let machine = Machine {
            file_name: file.name().to_owned(),
            level: 0,
            vendor: None,
            names,
            macros,
            classes,
            rulesets,
            mailers,
            maps: Maps::default(),
            tables: TokenTables::new(b".:@[]"),
            blank_sub: b' ',
            eight_bit_ok: false,
            env,
            load_messages: Vec::new(),
            out: Vec::new(),
            test_mode: false,
            debug: Debug::default(),
            trace: None,
            current_to: None,
            captured: None,
            steps_left: super::MAX_STEPS,
            scratch: super::Scratch::default(),
            memo: super::memo::Memo::default(),
        };
        let mut loader = Loader {
            file,
            machine,
            operator_chars: None,
            frozen: false,
            current: None,
            seen_rulesets: BTreeMap::new(),
        };
        for line in &config.lines {
            loader.line(line);
        }
        loader.finish()
    }
}

impl Loader<'_> {
    fn complain(&mut self, line: u32, message: &str) {
        let text = super::print::error_text(message, None);
        self.machine.load_messages.push(format!(
            "{}: line {}: {}",
            self.file.name(),
            line,
            String::from_utf8_lossy(&text)
        ));
    }

    fn translate(&mut self, text: &[u8], line: u32) -> Vec<u8> {
        let mut errors = Vec::new();
        let out = translate(text, false, &mut self.machine.names, &mut errors);
        for e in errors {
            self.complain(line, &e);
        }
        out
    }

    /// A rule side in internal form. SunOS `$%x`/`$!x` (recognised by the
    /// parser only in the Sun dialect) become the emulator's own match
    /// bytes; everything else is translated as sendmail 8.17 does.
    fn translate_side(&mut self, side: &crate::ast::MacroText, line: u32) -> Vec<u8> {
        use crate::ast::{Operator, PieceKind};
        let has_sun = side
            .operators()
            .any(|(op, _)| matches!(op, Operator::SunMapMatch(_) | Operator::SunMapNonMatch(_)));
        if !has_sun {
            return self.translate(&side.to_source(), line);
        }
        let mut out = Vec::new();
        let mut pending = Vec::new();
        for piece in &side.pieces {
            let (byte, name) = match &piece.kind {
                PieceKind::Operator(Operator::SunMapMatch(name)) => (SUNMATCH, name),
                PieceKind::Operator(Operator::SunMapNonMatch(name)) => (SUNNOMATCH, name),
                PieceKind::Literal(text) => {
                    pending.extend(&text.0);
                    continue;
                }
                PieceKind::Operator(op) => {
                    pending.extend(op.to_source());
                    continue;
                }
            };
            let text = std::mem::take(&mut pending);
            out.extend(self.translate(&text, line));
            if let Some(id) = self.name_id(name, line) {
                out.push(byte);
                out.push(id);
            }
        }
        out.extend(self.translate(&pending, line));
        out
    }

    fn expand(&mut self, text: &[u8], line: u32, limit: usize) -> Vec<u8> {
        let mut errors = Vec::new();
        let out = expand(text, &self.machine.macros, limit, &mut errors);
        for e in errors {
            self.complain(line, &e);
        }
        out
    }

    fn line(&mut self, line: &crate::ast::Line) {
        // Messages give the last physical line, as sendmail's do; what is
        // kept for reports (where a mailer or map is defined) the first.
        let n = self.reported_line(line);
        let first = line.line;
        match &line.kind {
            LineKind::Version(v) => {
                self.machine.level = v.level;
                self.machine.vendor = v.vendor.as_ref().map(|t| t.0.clone());
                // This build of 8.17 knows one vendor code.
                if let Some(vendor) = v.vendor.as_ref() {
                    if !vendor.0.eq_ignore_ascii_case(b"Berkeley") {
                        let message = format!(
                            "invalid V line vendor code: \"{}\"",
                            String::from_utf8_lossy(&vendor.0)
                        );
                        self.complain(n, &message);
                    }
                }
                if v.level >= 5 {
                    if let Some(w) = self.machine.macros.get(b'w').map(<[u8]>::to_vec) {
                        if let Some(dot) = w.iter().position(|&b| b == b'.') {
                            self.machine.macros.set(b'w', Some(&w[..dot]));
                        }
                    }
                }
            }
            LineKind::Define(d) => {
                let raw = self.translate(&d.value.to_source(), n);
                let id = self.name_id(&d.name, n);
                if let Some(id) = id {
                    let value = munch(&raw);
                    self.machine.macros.set(id, Some(&value));
                }
            }
            LineKind::Class(c) => {
                let Some(id) = self.name_id(&c.name, n) else {
                    return;
                };
                let raw = self.translate(&c.words.to_source(), n);
                let words = self.expand(&raw, n, 2048);
                for word in words
                    .split(|b| b.is_ascii_whitespace())
                    .filter(|w| !w.is_empty())
                {
                    if word.len() == 2 && word[0] == MATCHCLASS {
                        self.machine.classes.copy(word[1], id);
                    } else {
                        self.machine.classes.add(id, word);
                    }
                }
            }
            LineKind::ClassFile(f) => self.class_file(f, n),
            LineKind::Trusted(t) => {
                for u in &t.users {
                    self.machine.classes.add(b't', &u.0);
                }
            }
            LineKind::Option(o) => self.option(o, n),
            LineKind::Ruleset(r) => {
                let mut errors = Vec::new();
                let number = match &r.id {
                    RulesetId::Number { number } => self
                        .machine
                        .rulesets
                        .enter(number.to_string().as_bytes(), &mut errors),
                    RulesetId::Named { name, number } => {
                        let mut text = name.0.clone();
                        if let Some(num) = number {
                            text.extend(format!("={num}").bytes());
                        }
                        self.machine.rulesets.enter(&text, &mut errors)
                    }
                };
                for e in errors {
                    self.complain(n, &e);
                }
                self.current = number;
                if let Some(num) = number {
                    self.seen_rulesets.entry(num).or_insert(first);
                }
            }
            LineKind::Rule(rule) => self.rule(rule, line),
            LineKind::Map(k) => {
                let raw = self.translate(&k.spec.to_source(), n);
                let spec = self.expand(&raw, n, 2048);
                if let Err(e) = self
                    .machine
                    .maps
                    .declare(&k.name.0, &k.class.0, &spec, first)
                {
                    self.complain(n, &e);
                }
            }
            LineKind::Mailer(m) => {
                let mut text = m.name.0.clone();
                for field in &m.fields {
                    text.extend(b", ");
                    text.extend(&field.key.0);
                    text.push(b'=');
                    text.extend(field.value.to_source());
                }
                let raw = self.translate(&text, n);
                let (mut errors, mut warnings) = (Vec::new(), Vec::new());
                let level = self.machine.level;
                let built = Mailer::build(
                    &raw,
                    level,
                    &mut self.machine.rulesets,
                    &self.machine.env,
                    &mut errors,
                    &mut warnings,
                );
                for e in errors {
                    self.complain(n, &e);
                }
                self.machine.load_messages.extend(warnings);
                if let Some(mut mailer) = built {
                    mailer.line = first;
                    match self
                        .machine
                        .mailers
                        .iter_mut()
                        .find(|x| x.name.eq_ignore_ascii_case(&mailer.name))
                    {
                        Some(slot) => *slot = mailer,
                        None => self.machine.mailers.push(mailer),
                    }
                }
            }
            // Sun's name-service lines, and lines no command starts: 8.17
            // knows none of them.
            LineKind::SunMacroLookup(_) | LineKind::SunClassLookup(_) | LineKind::Unknown(_) => {
                let text = self.file.slice(line.span);
                let text = text
                    .strip_suffix(b"\n")
                    .map(|t| t.strip_suffix(b"\r").unwrap_or(t))
                    .unwrap_or(text);
                if text.first().is_some_and(|b| !b.is_ascii_whitespace()) {
                    let message = format!(
                        "unknown configuration line \"{}\"",
                        String::from_utf8_lossy(text)
                    );
                    self.complain(n, &message);
                }
            }
            _ => {}
        }
    }

    fn name_id(&mut self, name: &crate::ast::MacroName, line: u32) -> Option<u8> {
        match name {
            crate::ast::MacroName::Short(b) => Some(*b),
            crate::ast::MacroName::Long(text) => {
                let mut source = vec![b'{'];
                source.extend(&text.0);
                source.push(b'}');
                match self.machine.names.parse(&source).0 {
                    Ok(id) => Some(id),
                    Err(e) => {
                        self.complain(line, &e.message());
                        None
                    }
                }
            }
        }
    }

    fn class_file(&mut self, f: &crate::ast::ClassFile, line: u32) {
        let Some(id) = self.name_id(&f.name, line) else {
            return;
        };
        let ClassSource::File { path } = &f.source else {
            // Programs are never run and map-fed classes need the map
            // at start-up; both stay empty offline.
            return;
        };
        let resolved = self.machine.env.resolve(&path.0);
        let Ok(bytes) = std::fs::read(&resolved) else {
            if !f.is_optional() {
                self.complain(
                    line,
                    &format!(
                        "fileclass: cannot open '{}': No such file or directory",
                        lossy(&path.0)
                    ),
                );
            }
            return;
        };
        let format = f.format.as_ref().map(|t| t.0.clone());
        for l in bytes.split(|&b| b == b'\n') {
            if l.starts_with(b"#") {
                continue;
            }
            let word = scanf_word(l, format.as_deref());
            if let Some(word) = word {
                for w in word
                    .split(|b| b.is_ascii_whitespace())
                    .filter(|w| !w.is_empty())
                {
                    self.machine.classes.add(id, w);
                }
            }
        }
    }

    fn option(&mut self, o: &crate::ast::OptionLine, n: u32) {
        let Some(name) = &o.resolved else {
            // What `setoption` says about an option 8.17 does not know
            // (an ambiguous abbreviation's message names two candidates
            // in sendmail's table order, which is not reproduced).
            use crate::ast::OptionForm;
            use crate::sendmail::options::{by_long_name, LongLookup};
            match &o.form {
                OptionForm::Letter { letter } => {
                    let message = format!("readcf: unknown option name 0x{:x}", u32::from(*letter));
                    self.complain(n, &message);
                }
                OptionForm::Long { name } if name.0.is_empty() => {
                    self.complain(n, "readcf: null option name");
                }
                OptionForm::Long { name } => {
                    let base = name.0.split(|&b| b == b'.').next().unwrap_or(&[]);
                    if matches!(by_long_name(base), LongLookup::Unknown) {
                        let message = format!(
                            "readcf: unknown option name {}",
                            String::from_utf8_lossy(base)
                        );
                        self.complain(n, &message);
                    }
                }
            }
            return;
        };
        let value = o.value.to_source();
        let name = name.0.to_ascii_lowercase();
        match name.as_slice() {
            b"blanksub" => {
                if let Some(&c) = value.first() {
                    self.machine.blank_sub = c;
                }
            }
            b"operatorchars" => {
                let raw = translate(&value, false, &mut self.machine.names, &mut Vec::new());
                self.operator_chars = Some(raw);
            }
            b"eightbitaddrok" => {
                self.machine.eight_bit_ok =
                    value.is_empty() || matches!(value.first(), Some(b't' | b'T' | b'y' | b'Y'));
            }
            _ => {}
        }
    }

    fn freeze_tables(&mut self) {
        if self.frozen {
            return;
        }
        self.frozen = true;
        let chars = match &self.operator_chars {
            Some(c) => Some(c.clone()),
            None if self.machine.level < 7 => self.machine.macros.get(b'o').map(<[u8]>::to_vec),
            None => None,
        }
        .unwrap_or_else(|| b".:@[]".to_vec());
        let expanded = expand(&chars, &self.machine.macros, 50 - 9, &mut Vec::new());
        self.machine.tables = TokenTables::new(&expanded);
    }

    /// The line number sendmail gives in messages about `line`: the last
    /// physical line of a line continued on the next ones.
    fn reported_line(&self, line: &crate::ast::Line) -> u32 {
        self.file
            .line_of(line.span.end.saturating_sub(1))
            .max(line.line)
    }

    fn rule(&mut self, rule: &crate::ast::RewriteRule, line: &crate::ast::Line) {
        let n = self.reported_line(line);
        let Some(number) = self.current else {
            self.complain(n, "missing valid ruleset for R line");
            return;
        };
        self.freeze_tables();
        let table = *self.machine.tables.get(self.machine.rule_table());
        let tokenize = |this: &mut Self, side: &crate::ast::MacroText| -> Option<Vec<Token>> {
            let raw = this.translate_side(side, n);
            let text = this.expand(&raw, n, 2048);
            let s = scan(
                &text,
                ScanOptions {
                    table: &table,
                    delimiter: b'\t',
                    ignore: true,
                    buffer: RULE_BUFFER,
                    eight_bit_ok: this.machine.eight_bit_ok,
                    shared: None,
                },
            );
            for e in &s.errors {
                this.complain(n, e);
            }
            s.tokens
        };
        let mut lhs = match tokenize(self, &rule.lhs) {
            Some(t) => t,
            None => {
                self.complain(n, "R line: null LHS");
                Vec::new()
            }
        };
        let mut wildcards = 0usize;
        for t in &lhs {
            let botch = match t.first().copied().unwrap_or(0) {
                MATCHZANY | MATCHANY | MATCHONE | MATCHCLASS | MATCHNCLASS | SUNMATCH
                | SUNNOMATCH => {
                    wildcards += 1;
                    None
                }
                MATCHREPL => Some("$1-$9"),
                CANONUSER => Some("$:"),
                CALLSUBR => Some("$>"),
                CONDIF => Some("$?"),
                CONDFI => Some("$."),
                HOSTBEGIN => Some("$["),
                HOSTEND => Some("$]"),
                LOOKUPBEGIN => Some("$("),
                LOOKUPEND => Some("$)"),
                _ => None,
            };
            if let Some(b) = botch {
                self.complain(n, &format!("Inappropriate use of {b} on LHS"));
            }
        }
        if wildcards > MAX_MATCH {
            self.complain(n, "R line: too many wildcards");
            lhs = Vec::new();
        }
        let rhs = match tokenize(self, &rule.rhs) {
            Some(t) => t,
            None => {
                self.complain(n, "R line: null RHS");
                Vec::new()
            }
        };
        let mut in_map = false;
        let mut end_token = 0u8;
        let mut args = 0usize;
        for t in &rhs {
            let op = t.first().copied().unwrap_or(0);
            let botch = match op {
                MATCHREPL => {
                    let d = t.get(1).copied().unwrap_or(b'0');
                    if d <= b'0' || usize::from(d - b'0') > wildcards {
                        self.complain(n, &format!("replacement ${} out of bounds", d as char));
                    }
                    None
                }
                MATCHZANY => Some("$*"),
                MATCHANY => Some("$+"),
                MATCHONE => Some("$-"),
                MATCHCLASS => Some("$="),
                MATCHNCLASS => Some("$~"),
                CANONHOST => {
                    if in_map {
                        args += 1;
                        if args >= MAX_MAP_ARGS {
                            self.complain(n, "too many arguments for map lookup");
                        }
                    }
                    None
                }
                HOSTBEGIN | LOOKUPBEGIN => {
                    end_token = if op == HOSTBEGIN { HOSTEND } else { LOOKUPEND };
                    if in_map {
                        self.complain(n, "cannot nest map lookups");
                    }
                    in_map = true;
                    args = 0;
                    None
                }
                HOSTEND | LOOKUPEND => {
                    if op == end_token {
                        in_map = false;
                        end_token = 0;
                    }
                    None
                }
                _ => None,
            };
            if let Some(b) = botch {
                self.complain(n, &format!("Inappropriate use of {b} on RHS"));
            }
        }
        if in_map {
            self.complain(n, "missing map closing token");
        }
        self.machine.rulesets.push(
            number,
            Rule {
                filter: super::filter::Filter::new(&lhs),
                lhs,
                rhs,
                line: line.line,
                last_line: n,
                span: line.span,
            },
        );
    }

    fn finish(mut self) -> Machine {
        // sendmail adds the host map when the file declares none.
        if !self.machine.maps.exists(b"host") {
            let spec: &[u8] = if self.machine.level >= 2 {
                b"-a. -D"
            } else {
                b""
            };
            let _ = self.machine.maps.declare(b"host", b"host", spec, 0);
        }
        if !self.frozen {
            self.freeze_tables();
        }
        // What sendmail says once the file is read: an old version level,
        // then (in main) a missing local mailer.
        if self.machine.level < 10 {
            self.machine.load_messages.push(format!(
                "Warning: .cf file is out of date: sendmail {SENDMAIL_VERSION} supports version 10, .cf file is version {}",
                self.machine.level
            ));
        }
        if self.machine.mailer(b"local").is_none() {
            self.machine
                .load_messages
                .push("No local mailer defined".to_owned());
        }
        // What sendmail's main() does to the built-in mailers after reading.
        let level = self.machine.level;
        for mailer in &mut self.machine.mailers {
            let name = mailer.name.to_ascii_lowercase();
            let flags: &[u8] = match (name.as_slice(), level < 6, level < 7) {
                (b"local", true, _) => b"Aw5:|/@q",
                (b"local", false, true) => b"q",
                (b"prog" | b"*file*", true, _) => b"oq",
                (b"prog" | b"*file*", false, true) => b"q",
                _ => b"",
            };
            mailer.flags.extend(flags.iter().copied());
            if name == b"prog" || name == b"*file*" {
                mailer.flags.remove(&b'm');
            }
        }
        self.machine
    }
}

/// What one line of a class file contributes under a scanf format.
fn scanf_word(line: &[u8], format: Option<&[u8]>) -> Option<Vec<u8>> {
    let line = super::trim_start(line);
    match format {
        None | Some(b"%s") => {
            let end = line
                .iter()
                .position(u8::is_ascii_whitespace)
                .unwrap_or(line.len());
            (end > 0).then(|| line[..end].to_vec())
        }
        Some(f) if f.starts_with(b"%[^") && f.ends_with(b"]") => {
            let stops = &f[3..f.len() - 1];
            let end = line
                .iter()
                .position(|b| stops.contains(b))
                .unwrap_or(line.len());
            (end > 0).then(|| line[..end].to_vec())
        }
        Some(_) => {
            let end = line
                .iter()
                .position(u8::is_ascii_whitespace)
                .unwrap_or(line.len());
            (end > 0).then(|| line[..end].to_vec())
        }
    }
}
