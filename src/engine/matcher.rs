//! Left-hand side matching, in sendmail's backtracking order.

use super::meta::{
    MACRODEXPAND, MATCHANY, MATCHCLASS, MATCHNCLASS, MATCHONE, MATCHZANY, MATCHZERO, SUNMATCH,
    SUNNOMATCH,
};
use super::{Machine, Token};

/// One wildcard binding: the pattern position and the tokens it covers
/// (`first..=last`, empty when `last + 1 == first`).
#[derive(Clone, Copy, Debug)]
pub struct Match {
    pub pattern: usize,
    pub first: usize,
    /// One past the last token bound.
    pub end: usize,
}

impl Machine {
    /// Joins tokens as sendmail's `cataddr` does: atoms next to atoms get
    /// `space` (the `BlankSub` character by default) between them.
    pub fn join(
        &self,
        tokens: &[Token],
        space: Option<u8>,
        external: bool,
        limit: usize,
    ) -> Vec<u8> {
        let space = match space {
            None | Some(0) => self.blank_sub,
            Some(c) => c,
        };
        join_tokens(tokens, space, external, limit, &self.tables.internal)
    }

    /// Matches `pattern` against `work`; the bindings on success.
    pub fn match_lhs(&self, pattern: &[Token], work: &[Token]) -> Option<Vec<Match>> {
        let mut stack = Vec::with_capacity(super::MAX_MATCH);
        self.match_into(pattern, work, &mut stack).then_some(stack)
    }

    /// [`Machine::match_lhs`] into a caller's vector (the rule loop reuses
    /// one for every attempt): true and the bindings in `stack` on success.
    pub fn match_into(&self, pattern: &[Token], work: &[Token], stack: &mut Vec<Match>) -> bool {
        stack.clear();
        self.match_stack(pattern, work, stack).is_some()
    }

    fn match_stack(&self, pattern: &[Token], work: &[Token], stack: &mut Vec<Match>) -> Option<()> {
        let mut p = 0usize;
        let mut w = 0usize;
        'forward: loop {
            while w < work.len() || p < pattern.len() {
                let mut failed = false;
                if p >= pattern.len() {
                    failed = true;
                } else {
                    let rp = &pattern[p];
                    let op = rp.first().copied().unwrap_or(0);
                    if w >= work.len() && op != MATCHZANY && op != MATCHZERO {
                        failed = true;
                    } else {
                        match op {
                            MATCHCLASS => {
                                stack.push(Match {
                                    pattern: p,
                                    first: w,
                                    end: w,
                                });
                                match self.extend_class(stack, rp, work) {
                                    Some(end) => {
                                        w = end;
                                    }
                                    None => failed = true,
                                }
                            }
                            SUNMATCH => {
                                stack.push(Match {
                                    pattern: p,
                                    first: w,
                                    end: w,
                                });
                                match self.extend_class(stack, rp, work) {
                                    Some(end) => w = end,
                                    None => failed = true,
                                }
                            }
                            MATCHNCLASS | MATCHONE | MATCHANY | SUNNOMATCH => {
                                let id = rp.get(1).copied().unwrap_or(0);
                                if (op == MATCHNCLASS && self.classes.contains(id, &work[w]))
                                    || (op == SUNNOMATCH && self.sun_map_contains(id, &work[w]))
                                {
                                    failed = true;
                                } else {
                                    // A `$+` that ends the pattern can only
                                    // end up taking the rest: backing up
                                    // would grow it a token at a time until
                                    // it did.
                                    let end = if op == MATCHANY && p + 1 == pattern.len() {
                                        work.len()
                                    } else {
                                        w + 1
                                    };
                                    stack.push(Match {
                                        pattern: p,
                                        first: w,
                                        end,
                                    });
                                    w = end;
                                }
                            }
                            MATCHZANY => {
                                // As for `$+`: a final `$*` takes the rest.
                                // Before a literal, the shorter bindings
                                // fail on it at once; start at the first
                                // place the literal is (or where it is not
                                // found, as the matcher would).
                                let end = match pattern.get(p + 1) {
                                    None => work.len(),
                                    Some(next) if super::filter::is_literal(next) => (w..work
                                        .len())
                                        .find(|&e| next.eq_ignore_ascii_case(&work[e]))
                                        .unwrap_or(w),
                                    Some(_) => w,
                                };
                                stack.push(Match {
                                    pattern: p,
                                    first: w,
                                    end,
                                });
                                w = end;
                            }
                            MATCHZERO => {}
                            MACRODEXPAND => {
                                let id = rp.get(1).copied().unwrap_or(0);
                                self.memo_macro(id);
                                if let Some(value) = self.macros.get(id) {
                                    let value = value.to_vec();
                                    let start = w;
                                    let mut v = 0usize;
                                    while v < value.len() && value[v] != 0 {
                                        let Some(t) = work.get(w) else {
                                            failed = true;
                                            break;
                                        };
                                        self.memo_pin(t);
                                        let n = t.len();
                                        let candidate = &value[v..(v + n).min(value.len())];
                                        if candidate.len() < n || !candidate.eq_ignore_ascii_case(t)
                                        {
                                            failed = true;
                                            break;
                                        }
                                        v += n;
                                        w += 1;
                                    }
                                    if failed {
                                        w = start;
                                    }
                                }
                            }
                            _ => {
                                if rp.eq_ignore_ascii_case(&work[w]) {
                                    w += 1;
                                } else {
                                    failed = true;
                                }
                            }
                        }
                    }
                }
                if !failed {
                    p += 1;
                    continue;
                }
                // Back up.
                loop {
                    let top = stack.last_mut()?;
                    let next = top.end;
                    if next >= work.len() {
                        stack.pop();
                        continue;
                    }
                    let op = pattern[top.pattern][0];
                    if op == MATCHANY || op == MATCHZANY {
                        let mut end = next + 1;
                        // When a literal follows the wildcard, every longer
                        // binding that leaves a different token next fails
                        // on that literal at once and comes back here; go
                        // straight to the next one that may not.
                        if let Some(literal) = pattern
                            .get(top.pattern + 1)
                            .filter(|t| super::filter::is_literal(t))
                        {
                            while end < work.len() && !literal.eq_ignore_ascii_case(&work[end]) {
                                end += 1;
                            }
                            if end >= work.len() {
                                stack.pop();
                                continue;
                            }
                        }
                        top.end = end;
                        w = end;
                        p = top.pattern + 1;
                        continue 'forward;
                    }
                    if op == MATCHCLASS || op == SUNMATCH {
                        let pat = top.pattern;
                        if let Some(end) = self.extend_class(stack, &pattern[pat], work) {
                            w = end;
                            p = pat + 1;
                            continue 'forward;
                        }
                        continue;
                    }
                    stack.pop();
                }
            }
            return Some(());
        }
    }

    /// Grows the class binding on top of the stack one token at a time
    /// until its joined text is a class member. On failure the binding is
    /// popped (the caller goes on backing up).
    fn extend_class(&self, stack: &mut Vec<Match>, rp: &Token, work: &[Token]) -> Option<usize> {
        let id = rp.get(1).copied().unwrap_or(0);
        let sun = rp.first() == Some(&SUNMATCH);
        let (first, start) = {
            let top = stack.last()?;
            (top.first, top.end)
        };
        let shape = (!sun).then(|| self.classes.shape(id));
        // A fresh binding whose first token starts with a byte no member
        // starts with: hopeless before any candidate is built.
        if start == first {
            let lead = work.get(first).and_then(|t| match t.first() {
                Some(&super::meta::METAQUOTE) if t.len() > 1 => t.get(1),
                other => other,
            });
            if let (Some(s), Some(&b)) = (shape, lead) {
                if !s.has_first(b) {
                    stack.pop();
                    return None;
                }
            }
        }
        // The candidate grows by one token per step; build it incrementally
        // (the same bytes `cataddr` would give for the whole run), in lower
        // case since classes (and NIS keys) are compared without case.
        let mut joined = self.scratch.joined.take();
        joined.clear();
        joined.extend(self.join(&work[first..start], None, true, 2048));
        joined.make_ascii_lowercase();
        let found = self.grow_candidate(stack, &mut joined, id, sun, first, start, work);
        self.scratch.joined.set(joined);
        found
    }

    /// The loop of [`Machine::extend_class`], growing `joined`.
    #[allow(clippy::too_many_arguments)]
    fn grow_candidate(
        &self,
        stack: &mut Vec<Match>,
        joined: &mut Vec<u8>,
        id: u8,
        sun: bool,
        first: usize,
        start: usize,
        work: &[Token],
    ) -> Option<usize> {
        // Candidates only grow, and keep their first byte, so once one is
        // longer than every member, or starts with a byte no member starts
        // with, none of the longer ones can be a member either: the loop
        // below would run to the end of the workspace and fail. (Past 2040
        // bytes the candidate is cut to the 2048-byte buffer and may
        // shrink, so the length bound is only used below that.)
        let shape = (!sun).then(|| self.classes.shape(id));
        let hopeless = |joined: &[u8]| {
            shape.is_some_and(|s| {
                (s.max_len <= 2040 && joined.len() > s.max_len)
                    || joined.first().is_some_and(|&b| !s.has_first(b))
            })
        };
        let mut end = start;
        loop {
            if end >= work.len() || hopeless(joined) {
                stack.pop();
                return None;
            }
            let token = &work[end];
            let atom = |t: &Token| {
                t.first().is_some_and(|&b| {
                    self.tables.internal[b as usize] == super::meta::ByteClass::Atom
                })
            };
            if end > first && self.blank_sub != 0 && atom(&work[end - 1]) && atom(token) {
                joined.push(self.blank_sub.to_ascii_lowercase());
            }
            let mut i = 0;
            while i < token.len() {
                let c = token[i];
                i += 1;
                if c == super::meta::METAQUOTE && i < token.len() {
                    joined.push(token[i].to_ascii_lowercase());
                    i += 1;
                } else {
                    joined.push(c.to_ascii_lowercase());
                }
            }
            end += 1;
            if joined.len() > 2040 {
                // Cut to the buffer, the candidate may lose part of a
                // word: not something a replay can stand for.
                self.memo_taint();
                *joined = self.join(&work[first..end], None, true, 2048);
                joined.make_ascii_lowercase();
            }
            if let Some(top) = stack.last_mut() {
                top.end = end;
            }
            let found = if sun {
                self.sun_map_contains(id, joined)
            } else {
                self.classes.contains_lowercase(id, joined)
            };
            if found {
                return Some(end);
            }
        }
    }
}

impl Machine {
    /// SunOS `$%x`/`$!x`: is `word` a key of the NIS map whose name is the
    /// value of macro `id`? The map's contents come from the file given
    /// for that name (`--map hosts.byname=/etc/hosts`); without one,
    /// nothing is found.
    pub fn sun_map_contains(&self, id: u8, word: &[u8]) -> bool {
        let Some(name) = self.macros.get(id) else {
            return false;
        };
        self.env
            .nis_maps
            .get(&name.to_ascii_lowercase())
            .is_some_and(|keys| keys.contains(&word.to_ascii_lowercase()))
    }
}

/// `cataddr` over a token slice.
pub fn join_tokens(
    tokens: &[Token],
    space: u8,
    external: bool,
    limit: usize,
    internal_table: &[super::meta::ByteClass; 256],
) -> Vec<u8> {
    let mut out = Vec::new();
    let mut room = limit as isize - 2;
    let mut previous_atom = false;
    for t in tokens {
        if room <= 0 {
            break;
        }
        let atom = t
            .first()
            .is_some_and(|&b| internal_table[b as usize] == super::meta::ByteClass::Atom);
        if previous_atom && atom && space != 0 {
            out.push(space);
            room -= 1;
            if room <= 0 {
                break;
            }
        }
        let mut i = 0;
        while i < t.len() {
            room -= 1;
            if room <= 0 {
                break;
            }
            let c = t[i];
            i += 1;
            if c == super::meta::METAQUOTE && external && i < t.len() {
                out.push(t[i]);
                i += 1;
            } else {
                out.push(c);
            }
        }
        if room <= 0 {
            break;
        }
        previous_atom = atom;
    }
    out
}
