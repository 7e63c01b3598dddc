//! The internal bytes sendmail uses for rewriting operators once a line has
//! been read, and the byte classes the tokenizer works with.

pub const MACROEXPAND: u8 = 0x81;
pub const MACRODEXPAND: u8 = 0x82;
pub const LOOKUPBEGIN: u8 = 0x85;
pub const LOOKUPEND: u8 = 0x86;
pub const MATCHZANY: u8 = 0x90;
pub const MATCHANY: u8 = 0x91;
pub const MATCHONE: u8 = 0x92;
pub const MATCHCLASS: u8 = 0x93;
pub const MATCHNCLASS: u8 = 0x94;
pub const MATCHREPL: u8 = 0x95;
pub const CANONNET: u8 = 0x96;
pub const CANONHOST: u8 = 0x97;
pub const CANONUSER: u8 = 0x98;
pub const CALLSUBR: u8 = 0x99;
pub const CONDIF: u8 = 0x9A;
pub const CONDELSE: u8 = 0x9B;
pub const CONDFI: u8 = 0x9C;
pub const HOSTBEGIN: u8 = 0x9D;
pub const HOSTEND: u8 = 0x9E;
/// SunOS `$%x`: one or more tokens found in the NIS map named by macro x.
/// sendmail 8.17 has no such byte; the emulator uses a free one, only for
/// configurations written in the Sun dialect.
pub const SUNMATCH: u8 = 0x83;
/// SunOS `$!x`: one token not found in the NIS map named by macro x.
pub const SUNNOMATCH: u8 = 0x84;
/// On a left-hand side `$@` matches nothing; it shares its byte with CANONHOST.
pub const MATCHZERO: u8 = CANONHOST;
/// Marks the next byte as literal (8-bit bytes read from the file).
pub const METAQUOTE: u8 = 0xFF;

/// The one-letter names under which the operators are predefined as macros,
/// in the order sendmail lists them (also the order the printer searches).
pub const META_MACROS: [(u8, u8); 18] = [
    (b'*', MATCHZANY),
    (b'+', MATCHANY),
    (b'-', MATCHONE),
    (b'=', MATCHCLASS),
    (b'~', MATCHNCLASS),
    (b'#', CANONNET),
    (b'@', CANONHOST),
    (b':', CANONUSER),
    (b'>', CALLSUBR),
    (b'?', CONDIF),
    (b'|', CONDELSE),
    (b'.', CONDFI),
    (b'[', HOSTBEGIN),
    (b']', HOSTEND),
    (b'(', LOOKUPBEGIN),
    (b')', LOOKUPEND),
    (b'&', MACRODEXPAND),
    (0, 0),
];

/// Is this byte one of sendmail's internal operator bytes (0x80..0x9F)?
pub fn is_meta(byte: u8) -> bool {
    byte & 0xE0 == 0x80
}

/// Byte classes of the tokenizer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ByteClass {
    /// A one-byte token by itself.
    Operator,
    /// Part of a word.
    Atom,
    /// Starts or ends a quoted string.
    Quote,
    /// Separates tokens and is dropped.
    Space,
    /// This byte and the next one form a token.
    Pair,
}

/// The three token tables: which bytes are operators depends on the
/// `OperatorChars` in force when the first rule is read.
#[derive(Clone, Debug)]
pub struct TokenTables {
    /// Addresses from outside (parentheses are comments).
    pub external: [ByteClass; 256],
    /// Rule text below level 9 (meta bytes are operators).
    pub internal: [ByteClass; 256],
    /// Rule text and `-bt` input from level 9 on (parentheses are tokens).
    pub no_comments: [ByteClass; 256],
}

/// Which table a tokenization uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Table {
    External,
    Internal,
    NoComments,
}

/// The operator characters every configuration gets.
pub const DELIMITER_CHARS: &[u8] = b"()<>,;\r\n";

impl TokenTables {
    pub fn new(operator_chars: &[u8]) -> Self {
        use ByteClass::*;
        let mut base = [Atom; 256];
        for b in [b'\t', b'\n', 0x0b, 0x0c, b'\r', b' '] {
            base[b as usize] = Space;
        }
        base[b'"' as usize] = Quote;
        let mut external = base;
        external[b'(' as usize] = Space;
        external[b')' as usize] = Space;
        let mut internal = external;
        let mut no_comments = base;
        no_comments[b'(' as usize] = Operator;
        no_comments[b')' as usize] = Operator;
        for b in 0x80..=0x9Fu8 {
            let class = if matches!(b, 0x82 | 0x83 | 0x84 | 0x93 | 0x94 | 0x95) {
                Pair
            } else {
                Operator
            };
            internal[b as usize] = class;
            no_comments[b as usize] = class;
        }
        internal[0xFF] = Pair;
        no_comments[0xFF] = Pair;
        for &b in operator_chars.iter().chain(DELIMITER_CHARS) {
            for table in [&mut external, &mut internal, &mut no_comments] {
                if table[b as usize] == Atom {
                    table[b as usize] = Operator;
                }
            }
        }
        TokenTables {
            external,
            internal,
            no_comments,
        }
    }

    pub fn get(&self, table: Table) -> &[ByteClass; 256] {
        match table {
            Table::External => &self.external,
            Table::Internal => &self.internal,
            Table::NoComments => &self.no_comments,
        }
    }
}
