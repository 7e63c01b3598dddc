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
}

impl Default for Classes {
    fn default() -> Self {
        Classes {
            sets: (0..256).map(|_| Set::default()).collect(),
        }
    }
}

impl Classes {
    pub fn add(&mut self, id: u8, word: &[u8]) {
        if word.is_empty() {
            return;
        }
        self.sets[id as usize].insert(word.to_ascii_lowercase().into_boxed_slice());
    }

    pub fn contains(&self, id: u8, word: &[u8]) -> bool {
        let set = &self.sets[id as usize];
        if set.is_empty() {
            return false;
        }
        if word.iter().any(u8::is_ascii_uppercase) {
            set.contains(word.to_ascii_lowercase().as_slice())
        } else {
            set.contains(word)
        }
    }

    /// The members in byte order (sendmail prints hash-table order).
    pub fn members(&self, id: u8) -> BTreeSet<&[u8]> {
        self.sets[id as usize].iter().map(|w| &w[..]).collect()
    }

    pub fn copy(&mut self, from: u8, to: u8) {
        let words: Vec<Box<[u8]>> = self.sets[from as usize].iter().cloned().collect();
        self.sets[to as usize].extend(words);
    }
}
