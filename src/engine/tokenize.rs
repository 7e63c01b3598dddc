//! sendmail's address scanner (`prescan`): bytes to tokens, with its
//! repairs and error messages.

use std::rc::Rc;

use super::meta::ByteClass;
use super::Token;

/// At most this many tokens in one address or rule side.
pub const MAX_ATOM: usize = 1000;
/// The longest token, and the longest address on a `-bt` line.
pub const MAX_NAME: usize = 256;
/// The token buffer used for addresses and lookup results.
pub const ADDRESS_BUFFER: usize = MAX_NAME + MAX_ATOM;
/// The token buffer used for rule text.
pub const RULE_BUFFER: usize = 2048 + MAX_ATOM;

/// The outcome of a scan.
#[derive(Debug, Default)]
pub struct Scan {
    /// `None` when the scan failed or found no tokens.
    pub tokens: Option<Vec<Token>>,
    /// sendmail's messages, in order.
    pub errors: Vec<String>,
    /// Where the scan stopped: the delimiter, or the end.
    pub end: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Operator,
    Atom,
    Quote,
    Space,
    Pair,
}

impl State {
    fn index(self) -> usize {
        self as usize
    }
}

const BREAK: u8 = 1;
const DROP: u8 = 2;

/// sendmail's state table: (new state, flags) by old state and byte class.
fn step(state: State, class: ByteClass) -> (State, u8) {
    use State::*;
    let class_index = match class {
        ByteClass::Operator => 0,
        ByteClass::Atom => 1,
        ByteClass::Quote => 2,
        ByteClass::Space => 3,
        ByteClass::Pair => 4,
    };
    const TABLE: [[(State, u8); 5]; 5] = [
        // from Operator
        [
            (Operator, BREAK),
            (Atom, BREAK),
            (Quote, BREAK),
            (Space, BREAK | DROP),
            (Pair, BREAK),
        ],
        // from Atom
        [
            (Operator, BREAK),
            (Atom, 0),
            (Quote, BREAK),
            (Space, BREAK | DROP),
            (Pair, BREAK),
        ],
        // from Quote
        [
            (Quote, 0),
            (Quote, 0),
            (Operator, 0),
            (Quote, 0),
            (Quote, 0),
        ],
        // from Space
        [
            (Operator, 0),
            (Atom, 0),
            (Quote, 0),
            (Space, DROP),
            (Pair, 0),
        ],
        // from Pair
        [
            (Operator, 0),
            (Operator, 0),
            (Operator, 0),
            (Operator, 0),
            (Operator, 0),
        ],
    ];
    TABLE[state.index()][class_index]
}

/// Options of one scan.
#[derive(Clone, Copy)]
pub struct ScanOptions<'a> {
    pub table: &'a [ByteClass; 256],
    /// The byte that ends the address (0: none).
    pub delimiter: u8,
    /// Do not diagnose or repair unbalanced quotes, comments and brackets.
    pub ignore: bool,
    pub buffer: usize,
    /// `EightBitAddrOK`: keep 0xFF bytes as they are.
    pub eight_bit_ok: bool,
    /// One token per byte value: a one-byte operator token is a copy of
    /// the shared one instead of an allocation of its own.
    pub shared: Option<&'a [Token]>,
}

const NO_CHAR: i32 = -1;

/// Scans `input` into tokens exactly as sendmail's `prescan` does.
pub fn scan(input: &[u8], opts: ScanOptions<'_>) -> Scan {
    let table = opts.table;
    let delim = i32::from(opts.delimiter);
    let comments_are_space = table[b'(' as usize] == ByteClass::Space;
    let mut out = Scan::default();
    let mut tokens: Vec<Token> = Vec::with_capacity(16);
    let mut used = 0usize;
    let mut backslash = false;
    let mut route_syntax = false;
    let mut comment_depth = 0i32;
    let mut angle_depth = 0i32;
    let mut state = State::Atom;
    let mut c: i32 = NO_CHAR;
    let mut p = 0usize;
    let at = |i: usize| -> i32 { input.get(i).map_or(0, |&b| i32::from(b)) };
    let too_long = |out: &mut Scan, p: usize| {
        out.errors.push("553 5.1.1 Address too long".into());
        out.end = p.saturating_sub(1);
    };
    // One buffer for every token; each finished token is copied into its
    // own shared allocation.
    let mut token: Vec<u8> = Vec::with_capacity(64);
    loop {
        token.clear();
        loop {
            if c != NO_CHAR && !backslash {
                if used >= opts.buffer - 5 {
                    too_long(&mut out, p);
                    return out;
                }
                if c == 0xFF && !opts.eight_bit_ok {
                    c &= 0x7F;
                }
                token.push(c as u8);
                used += 1;
                // The rest of a word: bytes that would take the loop below
                // straight back here (atoms, in an atom, outside comments
                // and quotes, and none of the bytes it looks at) are
                // copied at once.
                if state == State::Atom && comment_depth <= 0 {
                    while let Some(&b) = input.get(p) {
                        let plain_atom = table[usize::from(b)] == ByteClass::Atom
                            && b != 0
                            && i32::from(b) != delim
                            && !matches!(b, b'\\' | b'(' | b')' | b'<' | b'>' | 0xFF);
                        if !plain_atom || used >= opts.buffer - 5 {
                            break;
                        }
                        token.push(b);
                        used += 1;
                        p += 1;
                    }
                }
            }
            c = at(p);
            p += 1;
            if c == 0 {
                if opts.ignore {
                    break;
                } else if state == State::Quote {
                    out.errors.push("553 Unbalanced '\"'".into());
                    c = i32::from(b'"');
                } else if comment_depth > 0 {
                    out.errors.push("553 Unbalanced '('".into());
                    c = i32::from(b')');
                } else if angle_depth > 0 {
                    c = i32::from(b'>');
                    out.errors.push("553 Unbalanced '<'".into());
                } else {
                    break;
                }
                p -= 1;
            } else if c == delim && comment_depth <= 0 && state != State::Quote {
                if angle_depth <= 0 {
                    break;
                }
                if delim == i32::from(b',') && !route_syntax && !opts.ignore {
                    out.errors.push("553 Unbalanced '<'".into());
                    c = i32::from(b'>');
                    p -= 1;
                }
            }
            if backslash {
                backslash = false;
                if comment_depth > 0 {
                    c = NO_CHAR;
                    continue;
                } else if c != i32::from(b'!') || state == State::Quote {
                    if used >= opts.buffer - 5 {
                        too_long(&mut out, p);
                        return out;
                    }
                    token.push(b'\\');
                    used += 1;
                    continue;
                }
            }
            if c == i32::from(b'\\') {
                backslash = true;
            } else if state == State::Quote {
            } else if c == i32::from(b'(') && comments_are_space {
                comment_depth += 1;
                c = NO_CHAR;
            } else if c == i32::from(b')') && comments_are_space {
                if comment_depth <= 0 {
                    if !opts.ignore {
                        out.errors.push("553 Unbalanced ')'".into());
                        c = NO_CHAR;
                    }
                } else {
                    comment_depth -= 1;
                }
            } else if comment_depth > 0 {
                c = NO_CHAR;
            } else if c == i32::from(b'<') {
                angle_depth += 1;
                let mut ahead = p;
                while input.get(ahead).is_some_and(|b| b.is_ascii_whitespace()) {
                    ahead += 1;
                }
                if input.get(ahead) == Some(&b'@') {
                    route_syntax = true;
                }
            } else if c == i32::from(b'>') {
                if angle_depth <= 0 {
                    if !opts.ignore {
                        out.errors.push("553 Unbalanced '>'".into());
                        c = NO_CHAR;
                    }
                } else {
                    angle_depth -= 1;
                }
                route_syntax = false;
            } else if delim == i32::from(b' ') && (c as u8).is_ascii_whitespace() {
                c = i32::from(b' ');
            }
            if c == NO_CHAR {
                continue;
            }
            if c == delim && angle_depth <= 0 && state != State::Quote {
                break;
            }
            let (next, flags) = step(state, table[(c & 0xFF) as usize]);
            state = next;
            if flags & DROP != 0 {
                c = NO_CHAR;
            }
            if flags & BREAK != 0 {
                break;
            }
        }
        if !token.is_empty() {
            if used >= opts.buffer - 5 {
                too_long(&mut out, p);
                return out;
            }
            used += 1;
            if tokens.len() >= MAX_ATOM {
                out.errors.push("553 5.1.0 prescan: too many tokens".into());
                out.end = p.saturating_sub(1);
                return out;
            }
            if token.len() > MAX_NAME {
                out.errors.push("553 5.1.0 prescan: token too long".into());
                out.end = p.saturating_sub(1);
                return out;
            }
            let shared = match (opts.shared, &token[..]) {
                (Some(shared), &[b]) if table[usize::from(b)] == ByteClass::Operator => {
                    shared.get(usize::from(b))
                }
                _ => None,
            };
            tokens.push(match shared {
                Some(t) => Rc::clone(t),
                None => Rc::from(&token[..]),
            });
        }
        if c == 0 || (c == delim && angle_depth <= 0) {
            break;
        }
    }
    out.end = p.saturating_sub(1);
    if !tokens.is_empty() {
        out.tokens = Some(tokens);
    }
    out
}
