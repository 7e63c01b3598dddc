//! Physical lines to logical lines, as sendmail's `fgetfolded` reads them:
//! a line that starts with SPACE or TAB continues the line before it.

/// A logical line: a byte range of the file, final newline excluded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LogicalRange {
    pub start: usize,
    pub end: usize,
}

/// Iterates over the logical lines of `bytes`.
pub struct LogicalLines<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> LogicalLines<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, pos: 0 }
    }
}

impl Iterator for LogicalLines<'_> {
    type Item = LogicalRange;

    fn next(&mut self) -> Option<LogicalRange> {
        if self.pos >= self.bytes.len() {
            return None;
        }
        let start = self.pos;
        let mut cursor = start;
        loop {
            match memchr_newline(&self.bytes[cursor..]) {
                None => {
                    self.pos = self.bytes.len();
                    return Some(LogicalRange {
                        start,
                        end: self.bytes.len(),
                    });
                }
                Some(i) => {
                    let newline = cursor + i;
                    match self.bytes.get(newline + 1) {
                        Some(b' ' | b'\t') => cursor = newline + 1,
                        _ => {
                            self.pos = newline + 1;
                            return Some(LogicalRange {
                                start,
                                end: newline,
                            });
                        }
                    }
                }
            }
        }
    }
}

fn memchr_newline(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'\n')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &str) -> Vec<&str> {
        LogicalLines::new(input.as_bytes())
            .map(|r| &input[r.start..r.end])
            .collect()
    }

    #[test]
    fn continuation_lines_fold() {
        assert_eq!(
            lines("Mlocal, P=x,\n\tA=y\nR$*\t$1\n"),
            ["Mlocal, P=x,\n\tA=y", "R$*\t$1"]
        );
    }

    #[test]
    fn blank_line_then_indented_line_folds() {
        assert_eq!(lines("a\n\n   \nb"), ["a", "\n   ", "b"]);
    }

    #[test]
    fn no_final_newline() {
        assert_eq!(lines("a\nb"), ["a", "b"]);
        assert_eq!(lines(""), Vec::<&str>::new());
        assert_eq!(lines("\n"), [""]);
    }
}
