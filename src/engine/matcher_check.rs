//! The matcher and the rule filter against the plain backtracking matcher
//! they speed up: on random left-hand sides and workspaces, the same
//! bindings (or the same failure), and no rule turned away that matches.

use proptest::prelude::*;

use super::filter::{keys_into, signature, Filter};
use super::matcher::Match;
use super::meta::{MATCHANY, MATCHCLASS, MATCHNCLASS, MATCHONE, MATCHZANY, MATCHZERO};
use super::{Environment, Machine, Token};
use crate::source::SourceFile;

/// sendmail's matching order with nothing skipped: every binding grown a
/// token at a time, every class candidate joined afresh and looked up.
fn reference(m: &Machine, pattern: &[Token], work: &[Token]) -> Option<Vec<(usize, usize, usize)>> {
    let mut stack: Vec<Match> = Vec::new();
    let (mut p, mut w) = (0usize, 0usize);
    'forward: loop {
        while w < work.len() || p < pattern.len() {
            let mut failed = p >= pattern.len();
            if !failed {
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
                            match grow(m, &mut stack, rp, work) {
                                Some(end) => w = end,
                                None => failed = true,
                            }
                        }
                        MATCHNCLASS | MATCHONE | MATCHANY => {
                            if op == MATCHNCLASS && member(m, rp[1], &work[w]) {
                                failed = true;
                            } else {
                                stack.push(Match {
                                    pattern: p,
                                    first: w,
                                    end: w + 1,
                                });
                                w += 1;
                            }
                        }
                        MATCHZANY => stack.push(Match {
                            pattern: p,
                            first: w,
                            end: w,
                        }),
                        MATCHZERO => {}
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
            loop {
                let top = stack.last_mut()?;
                let next = top.end;
                if next >= work.len() {
                    stack.pop();
                    continue;
                }
                let op = pattern[top.pattern][0];
                if op == MATCHANY || op == MATCHZANY {
                    top.end = next + 1;
                    w = next + 1;
                    p = top.pattern + 1;
                    continue 'forward;
                }
                if op == MATCHCLASS {
                    let pat = top.pattern;
                    if let Some(end) = grow(m, &mut stack, &pattern[pat], work) {
                        w = end;
                        p = pat + 1;
                        continue 'forward;
                    }
                    continue;
                }
                stack.pop();
            }
        }
        return Some(stack.iter().map(|b| (b.pattern, b.first, b.end)).collect());
    }
}

fn grow(m: &Machine, stack: &mut Vec<Match>, rp: &Token, work: &[Token]) -> Option<usize> {
    let first = stack.last()?.first;
    let mut end = stack.last()?.end;
    loop {
        if end >= work.len() {
            stack.pop();
            return None;
        }
        end += 1;
        stack.last_mut()?.end = end;
        if member(m, rp[1], &m.join(&work[first..end], None, true, 2048)) {
            return Some(end);
        }
    }
}

fn member(m: &Machine, id: u8, word: &[u8]) -> bool {
    m.classes
        .members(id)
        .contains(word.to_ascii_lowercase().as_slice())
}

fn machine() -> Machine {
    let file = SourceFile::new("check.cf".to_string(), b"V10\n".to_vec());
    let parsed = crate::syntax::parse(&file);
    let mut m = Machine::load(&file, &parsed.config, Environment::new("host.example"));
    for word in [&b"a"[..], b"a.b", b"b@a", b"a b", b"x<y"] {
        m.classes.add(b'w', word);
    }
    m.classes.add(b'n', b"B");
    m
}

const WORDS: &[&[u8]] = &[b"a", b"A", b"b", b"B", b"<", b">", b"@", b".", b"x", b"y"];
const OPS: &[&[u8]] = &[
    &[MATCHZANY],
    &[MATCHANY],
    &[MATCHONE],
    &[MATCHCLASS, b'w'],
    &[MATCHCLASS, b'e'],
    &[MATCHNCLASS, b'n'],
    &[MATCHZERO],
];

fn tokens(max: usize, with_ops: bool) -> impl Strategy<Value = Vec<Token>> {
    let words = prop::sample::select(WORDS);
    let element = if with_ops {
        prop_oneof![words, prop::sample::select(OPS)].boxed()
    } else {
        words.boxed()
    };
    prop::collection::vec(element.prop_map(Token::from), 0..max)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn matcher_and_filter_agree_with_plain_backtracking(
        pattern in tokens(7, true),
        work in tokens(9, false),
    ) {
        let m = machine();
        let expected = reference(&m, &pattern, &work);
        let got = m
            .match_lhs(&pattern, &work)
            .map(|v| v.iter().map(|b| (b.pattern, b.first, b.end)).collect::<Vec<_>>());
        prop_assert_eq!(&got, &expected);
        let mut keys = Vec::new();
        keys_into(&work, &mut keys);
        let may = Filter::new(&pattern).may_match(&keys, signature(&keys), &m.classes);
        prop_assert!(may || expected.is_none(), "filter turned away a match");
    }
}
