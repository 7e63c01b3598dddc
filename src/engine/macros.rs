//! Macro and class names and macro values.
//!
//! As in sendmail, a one-byte name is its own id and a long name (`{name}`)
//! gets the next free id from 0xA0 up; macros and classes share the ids.

use std::collections::BTreeMap;
use std::rc::Rc;

use super::meta::{MATCHREPL, META_MACROS};

/// The first and last ids handed to long names.
const FIRST_LONG_ID: usize = 0xA0;
const LAST_ID: usize = 0xFF;

/// Why a name could not be turned into an id (sendmail's own wording).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NameError {
    Required,
    InvalidChar(u8),
    Unbalanced(Vec<u8>),
    TooLong(Vec<u8>),
    TooMany(Vec<u8>),
}

impl NameError {
    pub fn message(&self) -> String {
        let s = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        match self {
            NameError::Required => "Name required for macro/class".into(),
            NameError::InvalidChar(c) => format!("Invalid macro/class character {}", *c as char),
            NameError::Unbalanced(n) => format!("Unbalanced {{ on {}", s(n)),
            NameError::TooLong(n) => {
                format!("Macro/class name ({{{}}}) too long (25 chars max)", s(n))
            }
            NameError::TooMany(n) => format!("Macro/class {{{}}}: too many long names", s(n)),
        }
    }
}

/// The long-name table.
#[derive(Clone, Debug, Default)]
pub struct MacroNames {
    by_name: BTreeMap<Vec<u8>, u8>,
    names: Vec<Option<Vec<u8>>>,
    next: usize,
}

/// The longest long name sendmail accepts.
pub const MAX_NAME_LEN: usize = 25;

impl MacroNames {
    pub fn new() -> Self {
        let mut names = MacroNames {
            by_name: BTreeMap::new(),
            names: vec![None; 256],
            next: FIRST_LONG_ID,
        };
        // sendmail binds this one at start-up.
        let _ = names.intern(b"opMode");
        names
    }

    /// The id of a long name, allocating one on first sight.
    pub fn intern(&mut self, name: &[u8]) -> Result<u8, NameError> {
        if let Some(&id) = self.by_name.get(name) {
            return Ok(id);
        }
        if self.next > LAST_ID {
            return Err(NameError::TooMany(name.to_vec()));
        }
        let id = self.next as u8;
        self.next += 1;
        self.by_name.insert(name.to_vec(), id);
        self.names[id as usize] = Some(name.to_vec());
        Ok(id)
    }

    /// The id of a long name, if it has one.
    pub fn find(&self, name: &[u8]) -> Option<u8> {
        self.by_name.get(name).copied()
    }

    /// The id of any name: a one-letter name is its own byte.
    pub fn id(&self, name: &[u8]) -> Option<u8> {
        match name {
            [b] if b.is_ascii() => Some(*b),
            long => self.find(long),
        }
    }

    /// The name of an id as the printer shows it: the byte, or the long name.
    pub fn name_of(&self, id: u8) -> Vec<u8> {
        match &self.names[id as usize] {
            Some(name) => name.clone(),
            None => vec![id],
        }
    }

    pub fn is_long(&self, id: u8) -> bool {
        id >= 0x80
    }

    /// Parses a name at the start of `text` (`x` or `{name}`), returning the
    /// id and the number of bytes used. On error the bytes used are still
    /// reported, as sendmail skips them.
    pub fn parse(&mut self, text: &[u8]) -> (Result<u8, NameError>, usize) {
        match text.first() {
            None => return (Err(NameError::Required), 0),
            Some(b'{') if text.get(1) == Some(&b'}') => return (Err(NameError::Required), 0),
            Some(b'{') => {}
            Some(&b) => return (Ok(b), 1),
        }
        let mut name = Vec::new();
        let mut i = 1;
        // sendmail complains about other characters and drops them.
        while i < text.len() && text[i] != b'}' && name.len() < MAX_NAME_LEN {
            let c = text[i];
            if c.is_ascii_alphanumeric() || c == b'_' {
                name.push(c);
            }
            i += 1;
        }
        if i >= text.len() {
            return (Err(NameError::Unbalanced(name)), i);
        }
        if text[i] != b'}' {
            return (Err(NameError::TooLong(name)), i);
        }
        let used = i + 1;
        if name.len() == 1 && name[0] >= 0x20 {
            return (Ok(name[0]), used);
        }
        (self.intern(&name), used)
    }

    /// The id for a name given as written after `$` (`x` or `{name}`),
    /// without allocating: `None` if a long name was never seen.
    pub fn lookup(&self, text: &[u8]) -> Option<u8> {
        match text {
            [] => None,
            [b'{', rest @ ..] => {
                let end = rest.iter().position(|&b| b == b'}')?;
                let name = &rest[..end];
                if name.len() == 1 && name[0] >= 0x20 {
                    Some(name[0])
                } else {
                    self.find(name)
                }
            }
            [b, ..] => Some(*b),
        }
    }
}

/// Macro values, indexed by id. Values are internal byte strings (they may
/// hold operator bytes, expanded at each use).
#[derive(Clone, Debug)]
pub struct MacroValues {
    values: Vec<Option<Rc<[u8]>>>,
}

impl Default for MacroValues {
    fn default() -> Self {
        Self::new()
    }
}

impl MacroValues {
    /// The values every sendmail starts with: the operators as macros, `$0`..`$9`, `$n`.
    pub fn new() -> Self {
        let mut values = MacroValues {
            values: vec![None; 256],
        };
        for &(name, value) in META_MACROS.iter().take_while(|(n, _)| *n != 0) {
            values.set(name, Some(&[value]));
        }
        for digit in b'0'..=b'9' {
            values.set(digit, Some(&[MATCHREPL, digit]));
        }
        values.set(b'n', Some(b"MAILER-DAEMON"));
        values
    }

    pub fn get(&self, id: u8) -> Option<&[u8]> {
        self.values[id as usize].as_deref()
    }

    pub fn set(&mut self, id: u8, value: Option<&[u8]>) {
        self.values[id as usize] = value.map(Rc::from);
    }
}
