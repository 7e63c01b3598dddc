//! A cheap test that rules out most left-hand sides before the matcher
//! runs. It only ever says "cannot match" when the backtracking matcher
//! would fail too, so skipping the matcher changes nothing a user can see
//! (the rule loop still counts the attempt and prints its debug lines).

use super::meta::{
    MACRODEXPAND, MATCHANY, MATCHCLASS, MATCHNCLASS, MATCHONE, MATCHZANY, MATCHZERO, SUNMATCH,
    SUNNOMATCH,
};
use super::Token;

/// What a workspace must hold for a left-hand side to have a chance.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Tokens every match consumes at least one of each: literals and the
    /// one-or-more wildcards. `$*`, `$@` and `$&x` may consume none.
    min_tokens: usize,
    /// No element can take more than one token (only literals, `$-`,
    /// `$~x` and `$@`): the workspace must be exactly `min_tokens` long.
    exact: bool,
    /// The literal tokens in left-hand side order. The matcher compares
    /// each (ignoring ASCII case) with a workspace token, in this order and
    /// at increasing positions, before it can succeed.
    literals: Box<[Token]>,
    /// How many literals come before the first other element: they must
    /// be the workspace's first tokens.
    prefix: usize,
    /// How many literals come after the last other element: they must be
    /// the workspace's last tokens.
    suffix: usize,
    /// [`signature`] bits of the literals.
    mask: u64,
}

impl Filter {
    pub fn new(lhs: &[Token]) -> Self {
        let mut min_tokens = 0;
        let mut exact = true;
        let mut literals = Vec::new();
        let mut mask = 0;
        for token in lhs {
            if is_literal(token) {
                min_tokens += 1;
                mask |= bit(token);
                literals.push(Token::clone(token));
                continue;
            }
            match token.first().copied().unwrap_or(0) {
                MATCHZERO => {}
                MATCHZANY | MACRODEXPAND => exact = false,
                MATCHONE | MATCHNCLASS | SUNNOMATCH => min_tokens += 1,
                _ => {
                    min_tokens += 1;
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
            prefix,
            suffix,
            mask,
        }
    }

    /// False when `work` (whose [`signature`] is `sig`) cannot match: the
    /// wrong number of tokens, a literal missing, out of order, or not
    /// where the left-hand side anchors it.
    pub fn may_match(&self, work: &[Token], sig: u64) -> bool {
        let n = work.len();
        if n < self.min_tokens || (self.exact && n != self.min_tokens) {
            return false;
        }
        if self.mask & sig != self.mask {
            return false;
        }
        // `min_tokens` counts every literal, so the anchors are in range.
        let (lits, prefix, suffix) = (&self.literals, self.prefix, self.suffix);
        if !(0..prefix).all(|i| lits[i].eq_ignore_ascii_case(&work[i])) {
            return false;
        }
        if !(1..=suffix).all(|i| lits[lits.len() - i].eq_ignore_ascii_case(&work[n - i])) {
            return false;
        }
        // In order: each literal after the previous one's place.
        let mut rest = work.iter();
        lits.iter().all(|l| rest.any(|t| t.eq_ignore_ascii_case(l)))
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

/// One bit per token, the same for tokens equal but for ASCII case: from
/// the length and the first and last bytes, which is cheap and tells most
/// tokens of an address apart.
fn bit(token: &[u8]) -> u64 {
    let first = token.first().map_or(0, u8::to_ascii_lowercase);
    let last = token.last().map_or(0, u8::to_ascii_lowercase);
    let h = (u64::from(first) << 16 | u64::from(last) << 8 | token.len() as u64 & 0xFF)
        .wrapping_mul(0x9E37_79B9_7F4A_7C15);
    1 << (h >> 58)
}

/// The bits of every token in `work`: a literal whose bit is missing is
/// certainly absent.
pub fn signature(work: &[Token]) -> u64 {
    work.iter().fold(0, |s, t| s | bit(t))
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(f.may_match(&yes, signature(&yes)));
        let no = tokens(&[b"u", b"@", b"host"]);
        assert!(!f.may_match(&no, signature(&no)));
        let lhs = tokens(&[b"LOCALHOST"]);
        let f = Filter::new(&lhs);
        let yes = tokens(&[b"localhost"]);
        assert!(f.may_match(&yes, signature(&yes)));
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
        assert!(!f.may_match(&once, signature(&once)));
        let twice = tokens(&[b"u", b"<", b"@", b"@", b"h", b">"]);
        assert!(f.may_match(&twice, signature(&twice)));
        let backwards = tokens(&[b">", b"@", b"@", b"h", b"<"]);
        assert!(!f.may_match(&backwards, signature(&backwards)));
        let lhs = tokens(&[b"<", &[MATCHZANY], b">"]);
        let f = Filter::new(&lhs);
        let inside = tokens(&[b"a", b"<", b"b", b">"]);
        assert!(!f.may_match(&inside, signature(&inside)));
        let whole = tokens(&[b"<", b"b", b">"]);
        assert!(f.may_match(&whole, signature(&whole)));
        let lhs = tokens(&[b"<", b"@", b">"]);
        let f = Filter::new(&lhs);
        let longer = tokens(&[b"<", b"@", b">", b">"]);
        assert!(!f.may_match(&longer, signature(&longer)));
    }

    #[test]
    fn counts_tokens_that_must_be_consumed() {
        let lhs = tokens(&[&[MATCHANY], &[MATCHONE], &[MATCHZANY], &[MATCHZERO]]);
        let f = Filter::new(&lhs);
        let one = tokens(&[b"a"]);
        assert!(!f.may_match(&one, signature(&one)));
        let two = tokens(&[b"a", b"b"]);
        assert!(f.may_match(&two, signature(&two)));
    }
}
