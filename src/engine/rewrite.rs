//! The ruleset loop, right-hand side construction, lookups and `$>` calls.

use std::rc::Rc;

use super::meta::{
    Table, CALLSUBR, CANONHOST, CANONNET, CANONUSER, HOSTBEGIN, HOSTEND, LOOKUPBEGIN, LOOKUPEND,
    MACRODEXPAND, MATCHREPL,
};
use super::print::print_tokens_into;
use super::tokenize::{ADDRESS_BUFFER, MAX_ATOM};
use super::trace::{Binding, TraceStep};
use super::{
    lossy, status, Machine, Token, MAX_LOOP, MAX_MAP_ARGS, MAX_RULE_RECURSION, MAX_SUBROUTINES,
};

/// The size of sendmail's map key buffer.
pub(super) const MAX_KEY: usize = 1024;

impl Machine {
    /// Runs ruleset `number` over `work` at nesting `level`, as sendmail's
    /// `rewrite`. Returns the status. Calls at level 0 go through the memo
    /// table (`memo.rs`), which gives the same output.
    pub fn rewrite(
        &mut self,
        work: &mut Vec<Token>,
        number: usize,
        level: usize,
        max_atom: usize,
    ) -> i32 {
        if level == 0 && self.memo_usable(work) {
            return self.rewrite_remembered(work, number, max_atom);
        }
        self.rewrite_level(work, number, level, max_atom)
    }

    /// [`Machine::rewrite`] itself.
    pub(super) fn rewrite_level(
        &mut self,
        work: &mut Vec<Token>,
        number: usize,
        level: usize,
        max_atom: usize,
    ) -> i32 {
        if self.test_mode {
            self.ruleset_label(number, b"   input:");
            self.print_workspace(work);
        }
        if level > MAX_RULE_RECURSION {
            let name = self.rulesets.display_name(number);
            self.error(&format!(
                "rewrite: excessive recursion (max {MAX_RULE_RECURSION}), ruleset {}",
                lossy(&name)
            ));
            return status::CONFIG;
        }
        if level == 0 {
            self.steps_left = super::MAX_STEPS;
        }
        let level = level + 1;
        if max_atom == 0 {
            return status::USAGE;
        }
        let rules = Rc::clone(self.rulesets.rules(number));
        let mut result = status::OK;
        let mut index = 0usize;
        let mut loops = 0usize;
        // The bindings of the current attempt, reused by every attempt.
        let mut matches = self.scratch.matches.pop().unwrap_or_default();
        // Which tokens the workspace holds, for the rules' filters; kept up
        // to date whenever a rule rewrites it.
        let mut keys = self.scratch.keys.pop().unwrap_or_default();
        super::filter::keys_into(work, &mut keys);
        let mut signature = super::filter::signature(&keys);
        while index < rules.len() {
            if work.first().is_some_and(|t| t.first() == Some(&CANONNET)) {
                break;
            }
            let rule = &rules[index];
            if self.steps_left == 0 {
                return status::CONFIG;
            }
            self.steps_left -= 1;
            if self.steps_left == 0 {
                self.error(&format!(
                    "rewrite: ruleset {}: more than {} rule attempts, stopped",
                    lossy(&self.rulesets.display_name(number)),
                    super::MAX_STEPS
                ));
                return status::CONFIG;
            }
            if self.debug.rewrite >= 15 {
                self.out
                    .extend(format!("-----trying rule (line {}):", rule.last_line).bytes());
                print_tokens_into(&mut self.out, &rule.lhs, Some(&self.names));
            } else if self.debug.rewrite >= 12 {
                self.out.extend(b"-----trying rule:");
                print_tokens_into(&mut self.out, &rule.lhs, Some(&self.names));
            }
            loops += 1;
            if loops > MAX_LOOP {
                self.error(&format!(
                    "554 5.3.5 Infinite loop in ruleset {}, rule {}",
                    lossy(&self.rulesets.display_name(number)),
                    index + 1
                ));
                break;
            }
            // The filter turns away most rules without running the
            // matcher; it never turns away one that would match.
            let matched = rule.filter.may_match(&keys, signature, &self.classes)
                && self.match_into(&rule.lhs, work, &mut matches);
            if !matched {
                if self.debug.rewrite >= 10 {
                    self.out.extend(b"----- rule fails\n");
                }
                index += 1;
                loops = 0;
                continue;
            }
            if self.debug.rewrite >= 12 {
                self.out.extend(b"-----rule matches:");
                print_tokens_into(&mut self.out, &rule.rhs, Some(&self.names));
            }
            let mut rhs = &rule.rhs[..];
            let mut stop = false;
            let mut next = index;
            if let Some(first) = rhs.first().and_then(|t| t.first()) {
                if *first == CANONUSER {
                    rhs = &rhs[1..];
                    next = index + 1;
                    loops = 0;
                } else if *first == CANONHOST {
                    rhs = &rhs[1..];
                    stop = true;
                }
            }
            let input = self.trace.as_ref().map(|_| work.clone());
            // Substitute.
            let mut built = self.vector();
            built.reserve(rhs.len() + work.len());
            for token in rhs {
                match token.first().copied() {
                    Some(MATCHREPL) => {
                        let digit = token.get(1).copied().unwrap_or(b'0');
                        let slot = usize::from(digit).wrapping_sub(usize::from(b'1'));
                        let Some(m) = matches.get(slot) else {
                            self.error(&format!(
                                "554 5.3.5 rewrite: ruleset {}: replacement ${} out of bounds",
                                lossy(&self.rulesets.display_name(number)),
                                digit as char
                            ));
                            return status::CONFIG;
                        };
                        if self.debug.rewrite >= 15 {
                            // sendmail shows each bound token's address:
                            // ours are as meaningless to compare as its.
                            self.out.extend([b'$', digit, b':']);
                            for t in &work[m.first..m.end] {
                                self.out.extend(format!(" {:p}=\"", t.as_ptr()).bytes());
                                self.out.extend_from_slice(t);
                                self.out.push(b'"');
                            }
                            self.out.push(b'\n');
                        }
                        for t in &work[m.first..m.end] {
                            if built.len() >= max_atom {
                                return self.too_long();
                            }
                            built.push(Rc::clone(t));
                        }
                    }
                    Some(MACRODEXPAND) => {
                        if built.len() >= max_atom {
                            return self.too_long();
                        }
                        let id = token.get(1).copied().unwrap_or(0);
                        self.memo_macro(id);
                        let value = self.macros.get(id).map(<[u8]>::to_vec);
                        if self.debug.rewrite >= 2 {
                            let shown = value.as_deref().map_or("(NULL)".to_owned(), lossy);
                            self.out.extend(
                                format!(
                                    "rewrite: RHS $&{{{}}} => \"{}\"\n",
                                    lossy(&self.names.name_of(id)),
                                    shown
                                )
                                .bytes(),
                            );
                        }
                        let Some(value) = value.filter(|v| !v.is_empty()) else {
                            continue;
                        };
                        let scan = self.scan(&value, Table::External, 0, ADDRESS_BUFFER);
                        for e in &scan.errors {
                            self.error(e);
                        }
                        let Some(tokens) = scan.tokens else {
                            return status::DATAERR;
                        };
                        for t in tokens {
                            built.push(t);
                            if built.len() >= max_atom {
                                return self.too_long();
                            }
                        }
                    }
                    _ => {
                        if built.len() >= max_atom {
                            return self.too_long();
                        }
                        built.push(Rc::clone(token));
                    }
                }
            }
            // Lookups.
            let mut i = 0;
            while i < built.len() {
                let open = built[i].first().copied();
                let (end_token, map_name, key_start) = match open {
                    Some(HOSTBEGIN) => (HOSTEND, b"host".to_vec(), i + 1),
                    Some(LOOKUPBEGIN) => match built.get(i + 1) {
                        Some(n) => (LOOKUPEND, n.to_vec(), i + 2),
                        None => {
                            i += 1;
                            continue;
                        }
                    },
                    _ => {
                        i += 1;
                        continue;
                    }
                };
                let exists = self.maps.exists(&map_name);
                if !exists {
                    self.error(&format!(
                        "554 5.3.0 rewrite: map {} not found",
                        lossy(&map_name)
                    ));
                }
                let mut j = key_start;
                let mut key_end = None;
                let mut args: Vec<Vec<u8>> = Vec::new();
                let mut arg_start: Option<usize> = None;
                let mut default: Option<(usize, usize)> = None;
                let mut default_start: Option<usize> = None;
                while j < built.len() && built[j].first() != Some(&end_token) {
                    let t = built[j].first().copied();
                    if t == Some(CANONHOST) || t == Some(CANONUSER) {
                        if key_end.is_none() {
                            key_end = Some(j);
                        }
                        if let Some(s) = arg_start.take() {
                            if args.len() < MAX_MAP_ARGS - 1 {
                                args.push(self.join(&built[s..j], Some(0), true, ADDRESS_BUFFER));
                            }
                        }
                        if let Some(s) = default_start.take() {
                            default = Some((s, j));
                        }
                        if t == Some(CANONHOST) {
                            arg_start = Some(j + 1);
                        } else {
                            default_start = Some(j + 1);
                        }
                    }
                    j += 1;
                }
                let close = j;
                let key_end = key_end.unwrap_or(close);
                if let Some(s) = arg_start {
                    if args.len() < MAX_MAP_ARGS - 1 {
                        args.push(self.join(&built[s..close], Some(0), true, ADDRESS_BUFFER));
                    }
                }
                if let Some(s) = default_start {
                    default = Some((s, close));
                }
                let space = self.maps.space_sub(&map_name);
                let key_tokens: Vec<Token> = built[key_start..key_end.max(key_start)].to_vec();
                let key = self.join(&key_tokens, space, true, MAX_KEY);
                let (found, st) = if exists {
                    self.map_lookup(&map_name, &key, &args)
                } else {
                    (None, status::OK)
                };
                // What a remembered call depends on: the map's name, the
                // arguments and default as text; the key as text when
                // something was found (the result may be made from it),
                // otherwise only that the lookup finds nothing again.
                for t in built[i..key_start]
                    .iter()
                    .chain(&built[key_end.min(close)..close])
                {
                    self.memo_pin(t);
                }
                if found.is_some() {
                    for t in &key_tokens {
                        self.memo_pin(t);
                    }
                } else {
                    self.memo_lookup_failed(&map_name, &key_tokens, space, &args, st);
                }
                if st == status::TEMPFAIL && !self.maps.no_defer(&map_name) {
                    result = status::TEMPFAIL;
                }
                let replacement: Vec<Token> = match (&found, default) {
                    (Some(v), _) if v.is_empty() => Vec::new(),
                    (Some(v), _) => {
                        let scan = self.scan(v, Table::External, 0, ADDRESS_BUFFER);
                        for e in &scan.errors {
                            self.error(e);
                        }
                        match scan.tokens {
                            Some(t) => t,
                            None => return status::DATAERR,
                        }
                    }
                    (None, Some((s, e))) => {
                        let text = self.join(&built[s..e], Some(0), false, MAX_KEY);
                        if text.is_empty() {
                            Vec::new()
                        } else {
                            let scan = self.scan(&text, Table::Internal, 0, ADDRESS_BUFFER);
                            for e in &scan.errors {
                                self.error(e);
                            }
                            match scan.tokens {
                                Some(t) => t,
                                None => return status::DATAERR,
                            }
                        }
                    }
                    (None, None) => key_tokens,
                };
                let after = if close < built.len() {
                    close + 1
                } else {
                    close
                };
                let tail: Vec<Token> = built.split_off(after);
                built.truncate(i);
                let placed = replacement.len();
                for t in replacement {
                    built.push(t);
                    if built.len() >= max_atom {
                        return self.too_long();
                    }
                }
                for t in tail {
                    built.push(t);
                    if built.len() >= max_atom {
                        return self.too_long();
                    }
                }
                i += placed;
            }
            // Subroutine calls.
            let call = self.call_subroutines(&mut built, level);
            if result == status::OK || call == status::TEMPFAIL {
                result = call;
            }
            if let (Some(steps), Some(input)) = (self.trace.as_mut(), input) {
                steps.push(TraceStep {
                    ruleset: number,
                    rule: index + 1,
                    line: rule.line,
                    depth: level - 1,
                    bindings: matches
                        .iter()
                        .enumerate()
                        .map(|(k, m)| Binding {
                            number: k + 1,
                            tokens: input[m.first..m.end].to_vec(),
                        })
                        .collect(),
                    input,
                    output: built.clone(),
                });
            }
            let old = std::mem::replace(work, built);
            self.recycle(old);
            super::filter::keys_into(work, &mut keys);
            signature = super::filter::signature(&keys);
            if self.debug.rewrite >= 4 {
                self.out.extend(b"rewritten as:");
                print_tokens_into(&mut self.out, work, Some(&self.names));
            }
            if stop {
                break;
            }
            index = next;
        }
        self.scratch.keys.push(keys);
        self.scratch.matches.push(matches);
        if self.test_mode {
            self.ruleset_label(number, b" returns:");
            self.print_workspace(work);
        }
        result
    }

    /// The ruleset's name as `printf("%-16.16s")` prints it, then `tail`.
    fn ruleset_label(&mut self, number: usize, tail: &[u8]) {
        const WIDTH: usize = 16;
        match self.rulesets.name(number) {
            // Names are ASCII words, where bytes are characters.
            Some(name) if name.is_ascii() => {
                let shown = &name[..name.len().min(WIDTH)];
                self.out.extend_from_slice(shown);
                self.out.resize(self.out.len() + WIDTH - shown.len(), b' ');
            }
            Some(name) => {
                let text = format!("{:<16.16}", lossy(name));
                self.out.extend(text.bytes());
            }
            None => {
                let text = format!("{number:<16}");
                self.out.extend(text.bytes());
            }
        }
        self.out.extend_from_slice(tail);
    }

    /// An empty token vector, from the pool when it has one.
    pub(super) fn vector(&mut self) -> Vec<Token> {
        self.scratch.vectors.pop().unwrap_or_default()
    }

    /// Returns a vector to the pool (emptied; the pool stays small).
    pub(super) fn recycle(&mut self, mut vector: Vec<Token>) {
        const KEEP: usize = 16;
        if self.scratch.vectors.len() < KEEP {
            vector.clear();
            self.scratch.vectors.push(vector);
        }
    }

    fn too_long(&mut self) -> i32 {
        self.error("554 5.3.0 rewrite: expansion too long");
        status::DATAERR
    }

    /// sendmail's `callsubr`: every `$> name` collected left to right,
    /// then called right to left, each on the rest of the vector.
    fn call_subroutines(&mut self, work: &mut Vec<Token>, level: usize) -> i32 {
        let mut calls: Vec<(usize, usize)> = Vec::new();
        let mut i = 0;
        while i < work.len() {
            if work[i].first() == Some(&CALLSUBR) && i + 1 < work.len() {
                // Most names have no quotes to strip: no copy for them.
                let raw = &work[i + 1];
                self.memo_pin(raw);
                let name: std::borrow::Cow<[u8]> = if raw.contains(&b'"') {
                    let mut owned = raw.to_vec();
                    strip_quotes(&mut owned);
                    owned.into()
                } else {
                    raw[..].into()
                };
                let found = self.rulesets.find(&name);
                let number = match found {
                    Ok(n) => n,
                    Err(message) => {
                        if !message.is_empty() {
                            self.error(&message);
                        }
                        self.error(&format!("554 5.3.5 Unknown ruleset {}", lossy(&name)));
                        return status::CONFIG;
                    }
                };
                if self.rulesets.rules(number).is_empty() {
                    if self.debug.rewrite >= 3 {
                        self.out.extend(
                            format!("-----skip subr {} ({number})\n", lossy(&name)).bytes(),
                        );
                    }
                    work.drain(i..i + 2);
                    continue;
                }
                if calls.len() + 1 >= MAX_SUBROUTINES {
                    self.error(&format!(
                        "554 5.3.0 Too many subroutine calls ({MAX_SUBROUTINES} max)"
                    ));
                    return status::CONFIG;
                }
                calls.push((number, i));
            }
            i += 1;
        }
        let mut result = status::OK;
        for &(number, at) in calls.iter().rev() {
            work.drain(at..at + 2);
            let mut rest = self.vector();
            rest.extend(work.drain(at..));
            let st = self.rewrite(&mut rest, number, level, MAX_ATOM.saturating_sub(at));
            work.append(&mut rest);
            self.recycle(rest);
            if st != status::OK && st != status::TEMPFAIL {
                return st;
            }
            if result == status::OK || st == status::TEMPFAIL {
                result = st;
            }
        }
        result
    }
}

/// sendmail's `stripquotes`: removes unescaped double quotes.
pub fn strip_quotes(text: &mut Vec<u8>) {
    let mut out = Vec::with_capacity(text.len());
    let mut backslash = false;
    for &c in text.iter() {
        if backslash {
            backslash = false;
        } else if c == b'\\' {
            backslash = true;
        } else if c == b'"' {
            continue;
        }
        out.push(c);
    }
    *text = out;
}
