//! Top-level ruleset calls remembered by the shape of their input.
//!
//! Most tokens of a real address are words no rule ever looks at: the
//! user name in `user4711@example.com` is compared with literals and class
//! members and found equal to none of them, bound to a wildcard and copied
//! around. Whatever such a word is, the ruleset takes the same path and
//! prints the same lines with the word in the same places. So a call is
//! remembered by its input with those words replaced by their positions,
//! and a later call whose input has the same shape is answered by
//! replaying the recorded output with its own words put back.
//!
//! A word may stand for any other only if no rule can tell them apart:
//!
//! - it is *opaque*: non-empty, printable ASCII (so it prints as itself),
//!   and, in lower case, not a substring of any left-hand side literal or
//!   class member (so no literal equals it and no class candidate that
//!   contains it is a member). See [`Memo::opaque`].
//! - everything that reads a token's text some other way *pins* it: map
//!   and `$[ $]` lookups (name, key, arguments, default), `$>` names taken
//!   from the workspace, and `$&x` on a left-hand side. A pinned word is
//!   part of the entry's key: the replay needs the same text there.
//! - macro values read by `$&x` are part of the key too.
//! - anything else makes the call unfit for replay (*tainted*): an error
//!   message (it may quote the address), a `macro` map (it changes state),
//!   a class candidate cut at sendmail's 2,048-byte buffer.
//!
//! Words are followed by identity (the token's allocation), not by text,
//! so a rule's literal that happens to spell the same word is never taken
//! for it. Only calls at nesting level 0 are remembered, with no debug
//! output and no trace; configurations with SunOS NIS matches never are.
//! Class and rule changes (`.C`, [`Rulesets::set_rules`]) start afresh.
//!
//! [`Rulesets::set_rules`]: super::Rulesets::set_rules

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;

use super::maps::MapKind;
use super::meta::{ByteClass, SUNMATCH, SUNNOMATCH};
use super::{status, Machine, Token};

/// Entries kept before the table starts afresh.
const MAX_ENTRIES: usize = 16_384;
/// Recorded output bytes kept before the table starts afresh.
const MAX_BYTES: usize = 32 << 20;
/// Opacity verdicts kept (a power of two).
const VERDICTS: usize = 1 << 12;
/// Most output one remembered call may have printed.
const MAX_ENTRY_OUTPUT: usize = 1 << 20;
/// Longest input (in tokens) a call is remembered for.
const MAX_INPUT: usize = 64;
/// Above this much literal and member text, finding whether a word is
/// opaque would cost more than it saves; such configurations run plain.
const MAX_FORBIDDEN: usize = 256 << 10;

/// The value of a macro a call read (`None`: undefined).
type MacroValue = Option<Rc<[u8]>>;

/// Tables keyed by a hash already computed: the key is its own hash.
type HashKeyed<V> = HashMap<u64, V, BuildHasherDefault<Prehashed>>;

/// The [`Hasher`] of [`HashKeyed`]: passes a `u64` through.
#[derive(Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `u64` keys are hashed with this; anything else is folded in.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// One input or output position: a token as it is, or the input word at
/// a slot (the first input position holding that very token).
#[derive(Clone, Debug)]
enum Place {
    Token(Token),
    Slot(u16),
}

/// One remembered call.
struct Entry {
    number: usize,
    max_atom: usize,
    test_mode: bool,
    input: Box<[Place]>,
    /// Slots whose text the call read: the replay needs the same text.
    pins: Box<[(u16, Token)]>,
    /// Macro values the call read.
    macros: Box<[(u8, MacroValue)]>,
    /// Lookups of input words that found nothing: a replay needs them to
    /// find nothing again.
    checks: Box<[Check]>,
    status: i32,
    steps_left: u64,
    output: Box<[Place]>,
    printed: Box<[u8]>,
    /// Where `printed` shows an input word: byte offset, length, slot.
    holes: Box<[(u32, u32, u16)]>,
}

/// The entries of one input shape. Entries that read the same slots and
/// macros are found by a hash of what they read there, so that a shape
/// recorded for many different pinned words (a quoted local part looked
/// up in a map, say) is still one probe per kind of entry.
#[derive(Default)]
struct Group {
    kinds: Vec<Kind>,
}

struct Kind {
    slots: Box<[u16]>,
    macros: Box<[u8]>,
    entries: HashKeyed<Vec<Rc<Entry>>>,
}

/// A lookup that found nothing, with a key made (in part) of input words.
struct Check {
    /// For a `dequote` map, its `-S` byte: the lookup is then done here
    /// (it finds nothing exactly when `dequote` changes nothing), without
    /// the map machinery.
    dequote: Option<Option<u8>>,
    map: Box<[u8]>,
    key: Box<[Place]>,
    /// The key's tokens as they were: the same words again need no
    /// second lookup.
    was: Box<[Token]>,
    space: Option<u8>,
    args: Box<[Vec<u8>]>,
    status: i32,
}

/// What a call being recorded has done so far.
pub(crate) struct Recording {
    /// The input's opaque tokens (kept alive, so that no new token can
    /// take their address) by address, with their slots.
    words: Vec<(usize, u16, Token)>,
    pinned: Vec<(u16, Token)>,
    macros: Vec<(u8, MacroValue)>,
    checks: Vec<Check>,
    /// Where the call's output starts in `out`.
    out_start: usize,
    /// Where the output shows an input word: byte offset from
    /// `out_start`, length, slot.
    holes: Vec<(u32, u32, u16)>,
    tainted: bool,
}

impl Recording {
    fn slot_of(&self, token: &Token) -> Option<u16> {
        let address = address(token);
        self.words
            .iter()
            .find(|(a, _, _)| *a == address)
            .map(|&(_, s, _)| s)
    }
}

/// The memo table and what it needs to decide opacity.
#[derive(Default)]
pub(crate) struct Memo {
    /// Switched off by the user of the machine.
    off: bool,
    /// Unfit for this configuration: SunOS NIS matches, or so much literal
    /// and member text that deciding opacity costs more than it saves.
    unfit: bool,
    /// Generations of classes and rules the table was built for.
    stamp: Option<(u64, u64)>,
    /// Lower-cased left-hand side literals and class members, each
    /// followed by a NUL.
    forbidden: Vec<u8>,
    /// Whether a one-byte token is opaque, by byte.
    byte_verdicts: Vec<bool>,
    /// The pairs of adjacent bytes in `forbidden`, as a bitmap: a word
    /// with a pair missing there is no substring of it.
    pairs: Vec<u64>,
    /// Verdicts of longer words, at [`verdict_slot`].
    verdicts: Vec<Option<(Box<[u8]>, bool)>>,
    groups: HashKeyed<Group>,
    entries: usize,
    bytes: usize,
    /// The call being recorded. Read through a shared borrow because the
    /// matcher only borrows the machine.
    pub(crate) recording: RefCell<Option<Recording>>,
    /// Per call: the slot of each input token (`None`: not opaque).
    slots: Vec<Option<u16>>,
    /// A lookup key being rebuilt for a check.
    key: Vec<Token>,
    pub(crate) hits: u64,
    pub(crate) misses: u64,
}

/// Where a word's verdict is kept.
fn verdict_slot(word: &[u8]) -> usize {
    let mut h = Quick::default();
    h.write(word);
    (h.0 >> (64 - VERDICTS.trailing_zeros())) as usize
}

/// A hash that takes bytes eight at a time: shapes and words are hashed on
/// every call, and a byte-at-a-time hash showed in profiles. Only table
/// lookups use it; no order reaches output.
#[derive(Default)]
struct Quick(u64);

impl Hasher for Quick {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut h = self.0 ^ (bytes.len() as u64).wrapping_mul(K);
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            h = (h ^ u64::from_le_bytes(word))
                .wrapping_mul(K)
                .rotate_left(29);
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            h = (h ^ u64::from_le_bytes(word))
                .wrapping_mul(K)
                .rotate_left(29);
        }
        self.0 = h;
    }

    fn write_u64(&mut self, n: u64) {
        const K: u64 = 0x9E37_79B9_7F4A_7C15;
        self.0 = (self.0 ^ n).wrapping_mul(K).rotate_left(29);
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
}

/// A hash of the pinned words and macro values an entry read.
fn read_hash<'a>(
    words: impl Iterator<Item = Option<&'a [u8]>>,
    macros: impl Iterator<Item = Option<&'a [u8]>>,
) -> u64 {
    let mut hash = Quick::default();
    for w in words.chain(macros) {
        match w {
            Some(w) => {
                hash.write_u8(1);
                hash.write_usize(w.len());
                hash.write(w);
            }
            None => hash.write_u8(0),
        }
    }
    hash.finish()
}

fn address(token: &Token) -> usize {
    Rc::as_ptr(token) as *const u8 as usize
}

/// Printable ASCII and space: what `xputs` prints unchanged.
fn plain(c: u8) -> bool {
    (b' '..=b'~').contains(&c)
}

impl Memo {
    /// Whether `word` can stand for any other opaque word (see the module
    /// documentation).
    fn opaque(&mut self, word: &[u8]) -> bool {
        if word.len() == 1 {
            return self.byte_verdicts[usize::from(word[0])];
        }
        if word.is_empty() || word.len() > 255 {
            return false;
        }
        // Words whose pairs all occur in the forbidden text (the names of
        // domains the rules test for, mostly) come back again and again:
        // their verdicts are kept in a small direct-mapped table.
        let at = verdict_slot(word);
        if let Some((w, v)) = &self.verdicts[at] {
            if w[..] == *word {
                return *v;
            }
        }
        if !word.iter().all(|&c| plain(c)) {
            return false;
        }
        if word
            .windows(2)
            .any(|w| !self.has_pair(w[0].to_ascii_lowercase(), w[1].to_ascii_lowercase()))
        {
            return true;
        }
        let lower = word.to_ascii_lowercase();
        let verdict = memchr::memmem::find(&self.forbidden, &lower).is_none();
        self.verdicts[at] = Some((word.into(), verdict));
        verdict
    }

    fn has_pair(&self, a: u8, b: u8) -> bool {
        let bit = usize::from(a) << 8 | usize::from(b);
        self.pairs[bit >> 6] & (1 << (bit & 63)) != 0
    }

    fn clear(&mut self) {
        self.groups.clear();
        self.entries = 0;
        self.bytes = 0;
    }
}

impl Machine {
    /// Turns the memo table off (or on again). Output is the same either
    /// way; tests use this to check that.
    pub fn set_memo(&mut self, on: bool) {
        self.memo.off = !on;
        self.memo.stamp = None;
        self.memo.clear();
    }

    /// Forgets every remembered call (what the table knows about the
    /// configuration stays). The next calls are all recorded afresh.
    pub fn forget_memo(&mut self) {
        self.memo.clear();
    }

    /// Calls answered from the memo table, and calls recorded, so far.
    pub fn memo_counts(&self) -> (u64, u64) {
        (self.memo.hits, self.memo.misses)
    }

    /// Whether this call may use the table; builds the table's view of the
    /// configuration when classes or rules have changed.
    pub(super) fn memo_usable(&mut self, work: &[Token]) -> bool {
        if self.memo.off
            || self.debug.rewrite != 0
            || self.trace.is_some()
            || work.len() > MAX_INPUT
            || self.memo.recording.borrow().is_some()
        {
            return false;
        }
        let stamp = (self.classes.generation(), self.rulesets.generation());
        if self.memo.stamp != Some(stamp) {
            self.memo.stamp = Some(stamp);
            self.memo.clear();
            self.memo.verdicts = vec![None; VERDICTS];
            self.memo_prepare();
        }
        !self.memo.unfit
    }

    /// Collects the forbidden text and the one-byte verdicts.
    fn memo_prepare(&mut self) {
        let mut forbidden = Vec::new();
        let mut sun = false;
        for number in self.rulesets.defined().collect::<Vec<_>>() {
            for rule in self.rulesets.rules(number).iter() {
                for token in &rule.lhs {
                    if matches!(token.first(), Some(&(SUNMATCH | SUNNOMATCH))) {
                        sun = true;
                    }
                    if super::filter::is_literal(token) {
                        forbidden.extend(token.to_ascii_lowercase());
                        forbidden.push(0);
                    }
                }
            }
        }
        for id in 0..=255u8 {
            for member in self.classes.members(id) {
                forbidden.extend_from_slice(member);
                forbidden.push(0);
            }
        }
        // One-byte operator tokens are shared by the scanner (one
        // allocation for every `@`), so their identity says nothing: they
        // are never opaque.
        let t = &self.tables;
        let operator = |b: u8| {
            [&t.external, &t.internal, &t.no_comments]
                .iter()
                .any(|table| table[usize::from(b)] == ByteClass::Operator)
        };
        let byte_verdicts = (0..=255u8)
            .map(|b| plain(b) && !operator(b) && !forbidden.contains(&b.to_ascii_lowercase()))
            .collect();
        let memo = &mut self.memo;
        memo.byte_verdicts = byte_verdicts;
        memo.pairs = vec![0; 1024];
        for w in forbidden.windows(2) {
            let bit = usize::from(w[0]) << 8 | usize::from(w[1]);
            memo.pairs[bit >> 6] |= 1 << (bit & 63);
        }
        memo.unfit = sun || forbidden.len() > MAX_FORBIDDEN;
        memo.forbidden = forbidden;
    }

    /// Runs ruleset `number` over `work` at level 0 through the table:
    /// a replay when a call of the same shape was recorded, otherwise the
    /// call itself, recorded.
    pub(super) fn rewrite_remembered(
        &mut self,
        work: &mut Vec<Token>,
        number: usize,
        max_atom: usize,
    ) -> i32 {
        // The slot of each input token, and the shape's hash.
        let mut slots = std::mem::take(&mut self.memo.slots);
        slots.clear();
        let mut hash = Quick::default();
        hash.write_usize(number);
        hash.write_usize(max_atom);
        hash.write_u64(u64::from(self.test_mode));
        for (i, token) in work.iter().enumerate() {
            let slot = if self.memo.opaque(token) {
                let a = address(token);
                let first = work[..i].iter().position(|t| address(t) == a).unwrap_or(i);
                Some(first as u16)
            } else {
                None
            };
            match slot {
                // Collisions are harmless: `entry_fits` compares in full.
                Some(s) => hash.write_u64(1 << 32 | u64::from(s)),
                None => hash.write(token),
            }
            slots.push(slot);
        }
        let key = hash.finish();
        if let Some(entry) = self.memo_find(key, number, max_atom, work, &slots) {
            self.memo.hits += 1;
            self.memo.slots = slots;
            return self.replay(&entry, work);
        }
        self.memo.misses += 1;
        // Record.
        let input: Box<[Place]> = work
            .iter()
            .zip(&slots)
            .map(|(t, s)| match s {
                Some(s) => Place::Slot(*s),
                None => Place::Token(Rc::clone(t)),
            })
            .collect();
        let words = work
            .iter()
            .zip(&slots)
            .enumerate()
            .filter(|(i, (_, s))| **s == Some(*i as u16))
            .map(|(i, (t, _))| (address(t), i as u16, Rc::clone(t)))
            .collect();
        self.memo.slots = slots;
        *self.memo.recording.borrow_mut() = Some(Recording {
            words,
            pinned: Vec::new(),
            macros: Vec::new(),
            checks: Vec::new(),
            out_start: self.out.len(),
            holes: Vec::new(),
            tainted: false,
        });
        let out_start = self.out.len();
        let stamp = self.memo.stamp;
        let status = self.rewrite_level(work, number, 0, max_atom);
        let Some(recording) = self.memo.recording.borrow_mut().take() else {
            return status;
        };
        let stamp_now = Some((self.classes.generation(), self.rulesets.generation()));
        // A call that printed a lot is not worth keeping (and hole offsets
        // are 32-bit).
        let printed = self.out.len() - out_start;
        if recording.tainted || stamp != stamp_now || printed > MAX_ENTRY_OUTPUT {
            return status;
        }
        let pinned = |slot: u16| recording.pinned.iter().any(|(s, _)| *s == slot);
        let output: Box<[Place]> = work
            .iter()
            .map(|t| match recording.slot_of(t) {
                Some(s) if !pinned(s) => Place::Slot(s),
                _ => Place::Token(Rc::clone(t)),
            })
            .collect();
        let printed: Box<[u8]> = self.out[out_start..].into();
        let holes = recording.holes.iter().copied().collect();
        let mut pins = recording.pinned;
        pins.sort_by_key(|(slot, _)| *slot);
        let mut macros = recording.macros;
        macros.sort_by_key(|(id, _)| *id);
        let read = read_hash(
            pins.iter().map(|(_, t)| Some(&t[..])),
            macros.iter().map(|(_, v)| v.as_deref()),
        );
        let entry = Entry {
            number,
            max_atom,
            test_mode: self.test_mode,
            input,
            pins: pins.into_boxed_slice(),
            macros: macros.into_boxed_slice(),
            checks: recording.checks.into_boxed_slice(),
            status,
            steps_left: self.steps_left,
            output,
            printed,
            holes,
        };
        let memo = &mut self.memo;
        if memo.entries >= MAX_ENTRIES || memo.bytes >= MAX_BYTES {
            memo.clear();
        }
        memo.entries += 1;
        memo.bytes += entry.printed.len() + 64 * (entry.input.len() + entry.output.len());
        let group = memo.groups.entry(key).or_default();
        let same = |k: &Kind| {
            k.slots.iter().eq(entry.pins.iter().map(|(s, _)| s))
                && k.macros.iter().eq(entry.macros.iter().map(|(m, _)| m))
        };
        let kind = match group.kinds.iter().position(same) {
            Some(k) => k,
            None => {
                group.kinds.push(Kind {
                    slots: entry.pins.iter().map(|(s, _)| *s).collect(),
                    macros: entry.macros.iter().map(|(m, _)| *m).collect(),
                    entries: HashKeyed::default(),
                });
                group.kinds.len() - 1
            }
        };
        group.kinds[kind]
            .entries
            .entry(read)
            .or_default()
            .push(Rc::new(entry));
        status
    }

    /// The entry that answers this call, if one was recorded.
    fn memo_find(
        &mut self,
        key: u64,
        number: usize,
        max_atom: usize,
        work: &[Token],
        slots: &[Option<u16>],
    ) -> Option<Rc<Entry>> {
        // Entries are tried in order; one whose lookups must be repeated is
        // taken out (an `Rc`) so that the lookups can run, and the search
        // goes on after it if they find something this time.
        let mut from = (0usize, 0usize);
        loop {
            let group = self.memo.groups.get(&key)?;
            let mut next = None;
            for (k, kind) in group.kinds.iter().enumerate().skip(from.0) {
                // The pinned slots exist when the shape is the same; a
                // shape merely hashing the same is turned away by
                // `entry_fits`.
                let text = |s: &u16| work.get(usize::from(*s)).map(|t| &t[..]);
                let read = read_hash(
                    kind.slots.iter().map(text),
                    kind.macros.iter().map(|&m| self.macros.get(m)),
                );
                let Some(list) = kind.entries.get(&read) else {
                    continue;
                };
                let skip = if k == from.0 { from.1 } else { 0 };
                let fits = list
                    .iter()
                    .enumerate()
                    .skip(skip)
                    .find(|(_, e)| self.entry_fits(e, number, max_atom, work, slots));
                if let Some((i, e)) = fits {
                    next = Some((k, i, Rc::clone(e)));
                    break;
                }
            }
            let (k, i, entry) = next?;
            if entry.checks.iter().all(|c| self.still_not_found(c, work)) {
                return Some(entry);
            }
            from = (k, i + 1);
        }
    }

    /// Does the lookup `check` recorded find nothing for this input too?
    fn still_not_found(&mut self, check: &Check, work: &[Token]) -> bool {
        let same = check
            .key
            .iter()
            .zip(check.was.iter())
            .all(|(p, was)| match p {
                Place::Token(_) => true,
                Place::Slot(s) => work[usize::from(*s)][..] == was[..],
            });
        if same {
            return true;
        }
        let mut tokens = std::mem::take(&mut self.memo.key);
        tokens.clear();
        tokens.extend(check.key.iter().map(|p| match p {
            Place::Token(t) => Rc::clone(t),
            Place::Slot(s) => Rc::clone(&work[usize::from(*s)]),
        }));
        let key = self.join(&tokens, check.space, true, super::rewrite::MAX_KEY);
        tokens.clear();
        self.memo.key = tokens;
        if let Some(space) = check.dequote {
            return super::maps::dequote(&key, space).is_none() && check.status == status::OK;
        }
        let (found, status) = self.map_lookup(&check.map, &key, &check.args);
        found.is_none() && status == check.status
    }

    /// The call being recorded looked `key` up in map `map` and found
    /// nothing.
    pub(crate) fn memo_lookup_failed(
        &self,
        map: &[u8],
        key_tokens: &[Token],
        space: Option<u8>,
        args: &[Vec<u8>],
        status: i32,
    ) {
        if let Some(r) = self.memo.recording.borrow_mut().as_mut() {
            if key_tokens.iter().any(|t| r.slot_of(t).is_some()) {
                let key = key_tokens
                    .iter()
                    .map(|t| match r.slot_of(t) {
                        Some(s) => Place::Slot(s),
                        None => Place::Token(Rc::clone(t)),
                    })
                    .collect();
                let dequote = self
                    .maps
                    .get(map)
                    .filter(|m| matches!(m.kind, MapKind::Dequote))
                    .map(|m| m.flags.space_sub);
                r.checks.push(Check {
                    dequote,
                    map: map.into(),
                    key,
                    was: key_tokens.iter().map(Rc::clone).collect(),
                    space,
                    args: args.into(),
                    status,
                });
            }
        }
    }

    fn entry_fits(
        &self,
        e: &Entry,
        number: usize,
        max_atom: usize,
        work: &[Token],
        slots: &[Option<u16>],
    ) -> bool {
        e.number == number
            && e.max_atom == max_atom
            && e.test_mode == self.test_mode
            && e.input.len() == work.len()
            && e.input
                .iter()
                .zip(work.iter().zip(slots))
                .all(|(place, (t, s))| match (place, s) {
                    (Place::Slot(a), Some(b)) => a == b,
                    (Place::Token(a), None) => Rc::ptr_eq(a, t) || a[..] == t[..],
                    _ => false,
                })
            && e.pins
                .iter()
                .all(|(slot, text)| work[usize::from(*slot)][..] == text[..])
            && e.macros
                .iter()
                .all(|(id, value)| self.macros.get(*id) == value.as_deref())
    }

    /// Replays the entry at `found` for the input `work`; the call's
    /// status.
    fn replay(&mut self, e: &Entry, work: &mut Vec<Token>) -> i32 {
        let mut at = 0usize;
        for &(offset, len, slot) in e.holes.iter() {
            let offset = offset as usize;
            self.out.extend_from_slice(&e.printed[at..offset]);
            self.out.extend_from_slice(&work[usize::from(slot)]);
            at = offset + len as usize;
        }
        self.out.extend_from_slice(&e.printed[at..]);
        self.steps_left = e.steps_left;
        let mut output = self.vector();
        output.extend(e.output.iter().map(|p| match p {
            Place::Token(t) => Rc::clone(t),
            Place::Slot(s) => Rc::clone(&work[usize::from(*s)]),
        }));
        let input = std::mem::replace(work, output);
        self.recycle(input);
        e.status
    }

    /// The call being recorded read `token`'s text: a replay needs the
    /// same text there.
    pub(crate) fn memo_pin(&self, token: &Token) {
        if let Some(r) = self.memo.recording.borrow_mut().as_mut() {
            if let Some(slot) = r.slot_of(token) {
                if !r.pinned.iter().any(|(s, _)| *s == slot) {
                    r.pinned.push((slot, Rc::clone(token)));
                }
            }
        }
    }

    /// The call being recorded read macro `id`.
    pub(crate) fn memo_macro(&self, id: u8) {
        if let Some(r) = self.memo.recording.borrow_mut().as_mut() {
            if !r.macros.iter().any(|(m, _)| *m == id) {
                r.macros.push((id, self.macros.get(id).map(Rc::from)));
            }
        }
    }

    /// The call being recorded did something a replay cannot repeat.
    pub(crate) fn memo_taint(&self) {
        if let Some(r) = self.memo.recording.borrow_mut().as_mut() {
            r.tainted = true;
        }
    }

    /// Prints a workspace as `printav` does, noting where input words of
    /// the call being recorded appear.
    pub(crate) fn print_workspace(&mut self, work: &[Token]) {
        let mut recording = self.memo.recording.borrow_mut();
        let Some(r) = recording.as_mut() else {
            drop(recording);
            super::print::print_tokens_into(&mut self.out, work, Some(&self.names));
            return;
        };
        for t in work {
            self.out.push(b' ');
            if let Some(slot) = r.slot_of(t) {
                // Offsets from where the call's output starts (one call
                // prints far less than 4 GiB; the whole buffer need not).
                let at = (self.out.len() - r.out_start) as u32;
                r.holes.push((at, t.len() as u32, slot));
                self.out.extend_from_slice(t);
            } else {
                super::print::print_token_into(&mut self.out, t, Some(&self.names));
            }
        }
        self.out.push(b'\n');
    }
}
