//! The `-X` flags of a K line and what they do to results.

/// The flags of one map.
#[derive(Clone, Debug, Default)]
pub struct MapFlags {
    pub optional: bool,
    pub append: Option<Vec<u8>>,
    pub temp_suffix: Option<Vec<u8>>,
    pub no_defer: bool,
    pub keep_case: bool,
    pub match_only: bool,
    pub keep_quotes: bool,
    pub space_sub: Option<u8>,
    pub key_column: Option<Vec<u8>>,
    pub value_column: Option<Vec<u8>>,
    pub column_delimiter: Option<u8>,
    /// regex `-n`.
    pub invert: bool,
    /// regex `-s`: the subexpressions to return.
    pub substrings: Option<Vec<usize>>,
    /// regex `-d`: what joins the subexpressions.
    pub delimiter: Option<Vec<u8>>,
}

impl MapFlags {
    /// Parses the leading flags; returns them and the rest of the text.
    /// With `first_only`, scanning stops after the first flag (the
    /// dequote/macro/arith/arpa quirk).
    pub fn parse(spec: &[u8], first_only: bool) -> Result<(MapFlags, Vec<u8>), u8> {
        let mut flags = MapFlags::default();
        let mut rest = super::super::trim_start(spec);
        while rest.first() == Some(&b'-') && rest.len() >= 2 {
            let letter = rest[1];
            let mut body = &rest[2..];
            if matches!(letter, b'k' | b'v') {
                body = super::super::trim_start(body);
            }
            let end = body
                .iter()
                .position(u8::is_ascii_whitespace)
                .unwrap_or(body.len());
            let value = body[..end].to_vec();
            rest = super::super::trim_start(&body[end..]);
            flags.set(letter, value);
            if first_only {
                break;
            }
        }
        Ok((flags, rest.to_vec()))
    }

    fn set(&mut self, letter: u8, value: Vec<u8>) {
        match letter {
            b'o' => self.optional = true,
            b'a' => self.append = Some(value),
            b'T' => self.temp_suffix = Some(value),
            b't' => self.no_defer = true,
            b'f' => self.keep_case = true,
            b'm' => self.match_only = true,
            b'q' => self.keep_quotes = true,
            b'S' => self.space_sub = value.first().copied(),
            b'k' => self.key_column = Some(value),
            b'v' => self.value_column = Some(value),
            b'z' => {
                self.column_delimiter = match value.as_slice() {
                    [b'\\', b't'] => Some(b'\t'),
                    [b'\\', b'n'] => Some(b'\n'),
                    [c, ..] => Some(*c),
                    [] => None,
                }
            }
            b'n' => self.invert = true,
            b's' => {
                self.substrings = Some(
                    value
                        .split(|&b| b == b',')
                        .filter_map(|n| std::str::from_utf8(n).ok()?.trim().parse().ok())
                        .collect(),
                );
                if self.substrings.as_ref().is_some_and(Vec::is_empty) {
                    self.substrings = Some(vec![0]);
                }
            }
            b'd' => self.delimiter = Some(value),
            _ => {}
        }
    }

    /// Appends the `-a` text.
    pub fn append(&self, value: &[u8]) -> Vec<u8> {
        let mut out = value.to_vec();
        if let Some(a) = &self.append {
            out.extend(a);
        }
        out
    }

    /// sendmail's `map_rewrite`: `%0` is the key, `%1`.. the arguments,
    /// `%%` a percent sign; then the `-a` text.
    pub fn rewrite(&self, value: &[u8], key: &[u8], args: &[Vec<u8>]) -> Vec<u8> {
        let mut out = Vec::with_capacity(value.len());
        let mut i = 0;
        while i < value.len() {
            let c = value[i];
            i += 1;
            if c != b'%' {
                out.push(c);
                continue;
            }
            let Some(&n) = value.get(i) else {
                out.push(b'%');
                break;
            };
            i += 1;
            if n == b'%' {
                out.push(b'%');
            } else if n.is_ascii_digit() {
                let index = usize::from(n - b'0');
                if index == 0 {
                    out.extend(key);
                } else if let Some(a) = args.get(index - 1) {
                    out.extend(a);
                }
            } else {
                out.push(b'%');
                out.push(n);
            }
        }
        self.append(&out)
    }

    /// The `user` class value column.
    pub fn value_column_index(&self) -> usize {
        match self.value_column.as_deref() {
            Some(b"passwd") => 1,
            Some(b"uid") => 2,
            Some(b"gid") => 3,
            Some(b"gecos") => 4,
            Some(b"dir") => 5,
            Some(b"shell") => 6,
            _ => 0,
        }
    }
}
