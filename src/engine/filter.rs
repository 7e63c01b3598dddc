//! A cheap test that rules out most left-hand sides before the matcher
//! runs. It only ever says "cannot match" when the backtracking matcher
//! would fail too, so skipping the matcher changes nothing a user can see
//! (the rule loop still counts the attempt and prints its debug lines).

use super::meta::{
    MACRODEXPAND, MATCHANY, MATCHCLASS, MATCHNCLASS, MATCHONE, MATCHZANY, MATCHZERO, SUNMATCH,
    SUNNOMATCH,
};
use super::{Classes, Token};

/// What a workspace must hold for a left-hand side to have a chance.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Tokens every match consumes at least one of each: literals and the
    /// one-or-more wildcards. `$*`, `$@` and `$&x` may consume none.
    min_tokens: usize,
    /// No element can take more than one token (only literals, `$-`,
    /// `$~x` and `$@`): the workspace must be exactly `min_tokens` long.
    exact: bool,
    /// The [`key`]s of the literal tokens in left-hand side order. The
    /// matcher compares each literal (ignoring ASCII case) with a
    /// workspace token, in this order and at increasing positions, before
    /// it can succeed. Tokens with different keys differ; tokens with the
    /// same key are taken as equal, which can only let a hopeless rule
    /// through to the matcher, never turn a good one away.
    literals: Box<[u32]>,
    /// The runs of adjacent literals (which must match adjacent tokens):
    /// how many tokens the elements before the run take at least, and the
    /// run's range in `literals`.
    runs: Box<[(usize, std::ops::Range<usize>)]>,
    /// How many tokens the elements after the last run take at least.
    after: usize,
    /// How many literals come before the first other element: they must
    /// be the workspace's first tokens.
    prefix: usize,
    /// How many literals come after the last other element: they must be
    /// the workspace's last tokens.
    suffix: usize,
    /// The classes of `$=x` elements: an empty class matches nothing.
    classes: Box<[u8]>,
    /// [`signature`] bits of the literals.
    mask: u64,
}

impl Filter {
    pub fn new(lhs: &[Token]) -> Self {
        let mut min_tokens = 0;
        let mut exact = true;
        let mut literals = Vec::new();
        let mut runs: Vec<(usize, std::ops::Range<usize>)> = Vec::new();
        let mut gap = 0;
        let mut in_run = false;
        let mut classes = Vec::new();
        let mut mask = 0;
        for token in lhs {
            if is_literal(token) {
                min_tokens += 1;
                let k = key(token);
                mask |= bit(k);
                literals.push(k);
                match runs.last_mut() {
                    Some((_, run)) if in_run => run.end += 1,
                    _ => runs.push((gap, literals.len() - 1..literals.len())),
                }
                gap = 0;
                in_run = true;
                continue;
            }
            in_run = false;
            match token.first().copied().unwrap_or(0) {
                MATCHZERO => {}
                MATCHZANY | MACRODEXPAND => exact = false,
                MATCHONE | MATCHNCLASS | SUNNOMATCH => {
                    min_tokens += 1;
                    gap += 1;
                }
                op => {
                    if op == MATCHCLASS {
                        classes.push(token.get(1).copied().unwrap_or(0));
                    }
                    min_tokens += 1;
                    gap += 1;
                    exact = false;
                }
            }
        }
        let prefix = lhs.iter().take_while(|t| is_literal(t)).count();
        let suffix = lhs.iter().rev().take_while(|t| is_literal(t)).count();
        Filter {
            min_tokens,
            exact,
            literals: literals.into_boxed_slice(),
            runs: runs.into_boxed_slice(),
            after: gap,
            prefix,
            suffix,
            classes: classes.into_boxed_slice(),
            mask,
        }
    }

    /// False when the workspace whose tokens have the [`key`]s `work` (and
    /// whose [`signature`] is `sig`) cannot match: the
    /// wrong number of tokens, a literal missing, out of order, not next
    /// to its neighbours, or not where the left-hand side anchors it, or a
    /// `$=x` of an empty class.
    pub fn may_match(&self, work: &[u32], sig: u64, classes: &Classes) -> bool {
        let n = work.len();
        if n < self.min_tokens || (self.exact && n != self.min_tokens) {
            return false;
        }
        if self.mask & sig != self.mask {
            return false;
        }
        // `min_tokens` counts every literal, so the anchors are in range.
        let (lits, prefix, suffix) = (&self.literals, self.prefix, self.suffix);
        if !(0..prefix).all(|i| lits[i] == work[i]) {
            return false;
        }
        if !(1..=suffix).all(|i| lits[lits.len() - i] == work[n - i]) {
            return false;
        }
        if self
            .classes
            .iter()
            .any(|&id| classes.shape(id).max_len == 0)
        {
            return false;
        }
        // Each run at the first place after the previous one that leaves
        // room for the elements between them: placing runs as early as
        // possible never hurts the runs after them.
        let mut pos = 0;
        for (gap, run) in self.runs.iter() {
            let run = &lits[run.start..run.end];
            pos += gap;
            loop {
                if pos + run.len() > n {
                    return false;
                }
                if work[pos..pos + run.len()]
                    .iter()
                    .zip(run)
                    .all(|(w, l)| w == l)
                {
                    break;
                }
                pos += 1;
            }
            pos += run.len();
        }
        pos + self.after <= n
    }
}

/// Does the matcher compare this left-hand side token literally (ASCII
/// case ignored) with one workspace token? Everything that is not a
/// wildcard, `$@` or `$&x` is.
pub fn is_literal(token: &[u8]) -> bool {
    !matches!(
        token.first(),
        Some(
            &(MATCHZANY
                | MATCHZERO
                | MACRODEXPAND
                | MATCHCLASS
                | SUNMATCH
                | MATCHNCLASS
                | MATCHONE
                | MATCHANY
                | SUNNOMATCH)
        )
    )
}

/// A token's key: a hash of its bytes in lower case, so equal for tokens
/// equal but for ASCII case.
pub fn key(token: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for &b in token {
        h ^= u32::from(b.to_ascii_lowercase());
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// The keys of a workspace's tokens, into `keys`.
pub fn keys_into(work: &[Token], keys: &mut Vec<u32>) {
    keys.clear();
    keys.extend(work.iter().map(|t| key(t)));
}

/// One bit per key.
fn bit(key: u32) -> u64 {
    1 << (key.wrapping_mul(0x9E37_79B1) >> 26)
}

/// The bits of every key of a workspace: a literal whose bit is missing
/// is certainly absent.
pub fn signature(keys: &[u32]) -> u64 {
    keys.iter().fold(0, |s, &k| s | bit(k))
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Filter {
        fn may_match_any(&self, work: &[Token]) -> bool {
            let mut classes = Classes::default();
            classes.add(b'w', b"host");
            let mut keys = Vec::new();
            keys_into(work, &mut keys);
            self.may_match(&keys, signature(&keys), &classes)
        }
    }

    fn tokens(words: &[&[u8]]) -> Vec<Token> {
        words.iter().map(|w| Token::from(*w)).collect()
    }

    #[test]
    fn literals_are_required_ignoring_case() {
        let lhs = tokens(&[
            &[MATCHZANY],
            b"<",
            b"@",
            &[MATCHCLASS, b'w'],
            b">",
            &[MATCHZANY],
        ]);
        let f = Filter::new(&lhs);
        let yes = tokens(&[b"u", b"<", b"@", b"Host", b">"]);
        assert!(f.may_match_any(&yes));
        let no = tokens(&[b"u", b"@", b"host"]);
        assert!(!f.may_match_any(&no));
        let lhs = tokens(&[b"LOCALHOST"]);
        let f = Filter::new(&lhs);
        let yes = tokens(&[b"localhost"]);
        assert!(f.may_match_any(&yes));
    }

    #[test]
    fn literals_must_come_in_order_and_at_anchors() {
        let lhs = tokens(&[
            &[MATCHZANY],
            b"<",
            b"@",
            b"@",
            &[MATCHANY],
            b">",
            &[MATCHZANY],
        ]);
        let f = Filter::new(&lhs);
        let once = tokens(&[b"u", b"<", b"@", b"h", b">"]);
        assert!(!f.may_match_any(&once));
        let twice = tokens(&[b"u", b"<", b"@", b"@", b"h", b">"]);
        assert!(f.may_match_any(&twice));
        let backwards = tokens(&[b">", b"@", b"@", b"h", b"<"]);
        assert!(!f.may_match_any(&backwards));
        let lhs = tokens(&[b"<", &[MATCHZANY], b">"]);
        let f = Filter::new(&lhs);
        let inside = tokens(&[b"a", b"<", b"b", b">"]);
        assert!(!f.may_match_any(&inside));
        let whole = tokens(&[b"<", b"b", b">"]);
        assert!(f.may_match_any(&whole));
        let lhs = tokens(&[b"<", b"@", b">"]);
        let f = Filter::new(&lhs);
        let longer = tokens(&[b"<", b"@", b">", b">"]);
        assert!(!f.may_match_any(&longer));
    }

    #[test]
    fn adjacent_literals_match_adjacent_tokens_with_room_between() {
        let lhs = tokens(&[&[MATCHZANY], b"<", b"@", b">", &[MATCHZANY]]);
        let f = Filter::new(&lhs);
        let apart = tokens(&[b"<", b"@", b"h", b">"]);
        assert!(!f.may_match_any(&apart));
        let together = tokens(&[b"u", b"<", b"@", b">"]);
        assert!(f.may_match_any(&together));
        let lhs = tokens(&[&[MATCHANY], b"<", &[MATCHZANY], b">"]);
        let f = Filter::new(&lhs);
        let first = tokens(&[b"<", b"u", b">"]);
        assert!(!f.may_match_any(&first));
        let later = tokens(&[b"u", b"<", b">"]);
        assert!(f.may_match_any(&later));
        let lhs = tokens(&[b"<", &[MATCHZANY], b">", &[MATCHANY]]);
        let f = Filter::new(&lhs);
        let no_room = tokens(&[b"<", b"u", b">"]);
        assert!(!f.may_match_any(&no_room));
        let room = tokens(&[b"<", b"u", b">", b"x"]);
        assert!(f.may_match_any(&room));
    }

    #[test]
    fn empty_classes_match_nothing() {
        let lhs = tokens(&[&[MATCHCLASS, b'L'], b"<"]);
        let f = Filter::new(&lhs);
        let work = tokens(&[b"root", b"<"]);
        assert!(!f.may_match_any(&work));
        let lhs = tokens(&[&[MATCHCLASS, b'w'], b"<"]);
        let f = Filter::new(&lhs);
        assert!(f.may_match_any(&work));
    }

    #[test]
    fn counts_tokens_that_must_be_consumed() {
        let lhs = tokens(&[&[MATCHANY], &[MATCHONE], &[MATCHZANY], &[MATCHZERO]]);
        let f = Filter::new(&lhs);
        let one = tokens(&[b"a"]);
        assert!(!f.may_match_any(&one));
        let two = tokens(&[b"a", b"b"]);
        assert!(f.may_match_any(&two));
    }
}
