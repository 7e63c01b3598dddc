//! Classes: sets of words, compared without regard to case.

use std::collections::{BTreeSet, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// FNV-1a: class lookups hash short words, where SipHash's set-up costs
/// more than the hashing. Only lookups use it; no order reaches output.
#[derive(Default)]
pub struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        self.0 = h;
    }
}

type Set = HashSet<Box<[u8]>, BuildHasherDefault<Fnv>>;

/// Class members by class id. Words are kept lower-cased, as sendmail's
/// symbol table keeps them.
#[derive(Clone, Debug)]
pub struct Classes {
    sets: Vec<Set>,
    shapes: Vec<Shape>,
    /// Counts changes (remembered rewrites depend on the members).
    generation: u64,
}

/// What the members of one class look like, so that most candidates can
/// be turned away without hashing (class matching tries every run of
/// tokens after the wildcard's start, most of them hopeless).
#[derive(Clone, Copy, Debug, Default)]
pub struct Shape {
    /// The longest member, in bytes.
    pub max_len: usize,
    /// Bit `n` set when some member is `n` bytes long (bit 63: 63 or more).
    lengths: u64,
    /// The lower-cased first bytes of the members, as a bitmap.
    firsts: [u64; 4],
}

impl Shape {
    fn add(&mut self, word: &[u8]) {
        self.max_len = self.max_len.max(word.len());
        self.lengths |= length_bit(word.len());
        if let Some(&b) = word.first() {
            let b = b.to_ascii_lowercase();
            self.firsts[usize::from(b >> 6)] |= 1 << (b & 63);
        }
    }

    /// Could a word of this length be a member?
    pub fn has_length(&self, len: usize) -> bool {
        self.lengths & length_bit(len) != 0
    }

    /// Could a word starting with this byte be a member (case ignored)?
    pub fn has_first(&self, byte: u8) -> bool {
        let b = byte.to_ascii_lowercase();
        self.firsts[usize::from(b >> 6)] & (1 << (b & 63)) != 0
    }
}

fn length_bit(len: usize) -> u64 {
    1 << len.min(63)
}

impl Default for Classes {
    fn default() -> Self {
        Classes {
            sets: (0..256).map(|_| Set::default()).collect(),
            shapes: vec![Shape::default(); 256],
            generation: 0,
        }
    }
}

impl Classes {
    pub fn add(&mut self, id: u8, word: &[u8]) {
        if word.is_empty() {
            return;
        }
        self.generation += 1;
        self.shapes[id as usize].add(word);
        self.sets[id as usize].insert(word.to_ascii_lowercase().into_boxed_slice());
    }

    pub fn contains(&self, id: u8, word: &[u8]) -> bool {
        let shape = &self.shapes[id as usize];
        if !shape.has_length(word.len()) || !word.first().is_some_and(|&b| shape.has_first(b)) {
            return false;
        }
        let set = &self.sets[id as usize];
        if word.iter().any(u8::is_ascii_uppercase) {
            // Short words are lower-cased on the stack, not the heap.
            let mut buffer = [0u8; 64];
            match buffer.get_mut(..word.len()) {
                Some(lower) => {
                    lower.copy_from_slice(word);
                    lower.make_ascii_lowercase();
                    set.contains(&*lower)
                }
                None => set.contains(word.to_ascii_lowercase().as_slice()),
            }
        } else {
            set.contains(word)
        }
    }

    /// [`Classes::contains`] for a word already in lower case.
    pub fn contains_lowercase(&self, id: u8, word: &[u8]) -> bool {
        let shape = &self.shapes[id as usize];
        shape.has_length(word.len())
            && word.first().is_some_and(|&b| shape.has_first(b))
            && self.sets[id as usize].contains(word)
    }

    /// The lengths and first bytes of a class's members.
    pub fn shape(&self, id: u8) -> &Shape {
        &self.shapes[id as usize]
    }

    /// The members in byte order (sendmail prints hash-table order).
    pub fn members(&self, id: u8) -> BTreeSet<&[u8]> {
        self.sets[id as usize].iter().map(|w| &w[..]).collect()
    }

    pub fn generation(&self) -> u64 {
        self.generation
    }

    pub fn copy(&mut self, from: u8, to: u8) {
        self.generation += 1;
        let words: Vec<Box<[u8]>> = self.sets[from as usize].iter().cloned().collect();
        for w in &words {
            self.shapes[to as usize].add(w);
        }
        self.sets[to as usize].extend(words);
    }
}
