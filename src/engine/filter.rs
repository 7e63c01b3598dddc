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
    /// The literal tokens, each of which the matcher compares (ignoring
    /// ASCII case) with some workspace token before it can succeed.
    literals: Box<[Token]>,
    /// [`signature`] bits of the literals.
    mask: u64,
}

impl Filter {
    pub fn new(lhs: &[Token]) -> Self {
        let mut min_tokens = 0;
        let mut literals = Vec::new();
        let mut mask = 0;
        for token in lhs {
            match token.first().copied().unwrap_or(0) {
                MATCHZANY | MATCHZERO | MACRODEXPAND => {}
                MATCHCLASS | SUNMATCH | MATCHNCLASS | MATCHONE | MATCHANY | SUNNOMATCH => {
                    min_tokens += 1;
                }
                // Anything else goes to the matcher's literal comparison.
                _ => {
                    min_tokens += 1;
                    mask |= bit(token);
                    if !literals
                        .iter()
                        .any(|t: &Token| t.eq_ignore_ascii_case(token))
                    {
                        literals.push(Token::clone(token));
                    }
                }
            }
        }
        Filter {
            min_tokens,
            literals: literals.into_boxed_slice(),
            mask,
        }
    }

    /// False when `work` (whose [`signature`] is `sig`) cannot match: too
    /// few tokens, or a literal of the left-hand side appears nowhere in it.
    pub fn may_match(&self, work: &[Token], sig: u64) -> bool {
        if work.len() < self.min_tokens || self.mask & sig != self.mask {
            return false;
        }
        self.literals
            .iter()
            .all(|l| work.iter().any(|t| t.eq_ignore_ascii_case(l)))
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
    fn counts_tokens_that_must_be_consumed() {
        let lhs = tokens(&[&[MATCHANY], &[MATCHONE], &[MATCHZANY], &[MATCHZERO]]);
        let f = Filter::new(&lhs);
        let one = tokens(&[b"a"]);
        assert!(!f.may_match(&one, signature(&one)));
        let two = tokens(&[b"a", b"b"]);
        assert!(f.may_match(&two, signature(&two)));
    }
}
