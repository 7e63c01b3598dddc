//! The text of Postfix table files: logical lines and `key value` records.
//!
//! Every file-based Postfix table (the `postmap` source of an indexed
//! table, `texthash`, `regexp`, `pcre`, `cidr`) is read in logical lines:
//! a physical line whose first byte is whitespace continues the line
//! before it (joined without the newline, keeping its own leading
//! whitespace); a line that is empty, all whitespace, or whose first
//! non-whitespace byte is `#` is dropped, and does not end the logical
//! line being built. A logical line that would start with whitespace (the
//! file opens with an indented line) is dropped with a warning. `#`
//! later in a line is not a comment.

/// Postfix's `ISSPACE`: the ASCII white-space characters of C's
/// `isspace` in the C locale.
pub(crate) fn is_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C)
}

/// One logical line: its text and the number of its first physical line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogicalLine {
    pub text: Vec<u8>,
    pub line: u32,
}

/// Splits `bytes` into logical lines; problems go to `warnings`.
pub fn logical_lines(bytes: &[u8], warnings: &mut Vec<String>) -> Vec<LogicalLine> {
    let physical: Vec<&[u8]> = {
        let mut lines: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
        // A final newline does not start another (empty) line.
        if bytes.last() == Some(&b'\n') || bytes.is_empty() {
            lines.pop();
        }
        lines
    };
    let mut out = Vec::new();
    let mut index = 0;
    while index < physical.len() {
        let mut text: Vec<u8> = Vec::new();
        let mut first_line = 0u32;
        // Gather one logical line, as readllines() does.
        while index < physical.len() {
            let line = physical[index];
            index += 1;
            let first = line.iter().position(|&b| !is_space(b));
            let dropped = match first {
                None => true,
                Some(at) => line[at] == b'#',
            };
            if !dropped {
                if text.is_empty() {
                    first_line = u32::try_from(index).unwrap_or(u32::MAX);
                }
                text.extend_from_slice(line);
            }
            if !text.is_empty() {
                let continues = physical
                    .get(index)
                    .and_then(|next| next.first().copied())
                    .map(|b| b == b'#' || is_space(b))
                    // An empty next line: its first byte is the newline.
                    .unwrap_or(index < physical.len());
                if !continues {
                    break;
                }
            }
        }
        if text.is_empty() {
            continue;
        }
        if text.first().copied().is_some_and(is_space) {
            let shown: String = String::from_utf8_lossy(&text).chars().take(30).collect();
            warnings.push(format!(
                "line {first_line}: logical line must not start with whitespace: \"{shown}\""
            ));
            continue;
        }
        // C strings end at the first NUL byte.
        if let Some(nul) = text.iter().position(|&b| b == 0) {
            text.truncate(nul);
        }
        out.push(LogicalLine {
            text,
            line: first_line,
        });
    }
    out
}

/// Removes trailing whitespace (Postfix `trimblanks`).
pub(crate) fn trim_end(bytes: &[u8]) -> &[u8] {
    let end = bytes
        .iter()
        .rposition(|&b| !is_space(b))
        .map_or(0, |at| at + 1);
    &bytes[..end]
}

/// Removes leading whitespace.
pub(crate) fn trim_start(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|&b| !is_space(b))
        .unwrap_or(bytes.len());
    &bytes[start..]
}

/// A `key value` record of a `postmap` source or a `texthash` file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// The key as written (quotes and backslashes kept), not yet folded.
    pub key: String,
    pub value: String,
    pub line: u32,
}

/// Splits a logical line as `postmap` does: the key ends at the first
/// whitespace outside double quotes (a backslash protects the next byte);
/// the value is the rest without surrounding whitespace. Lines with an
/// unbalanced quote, no key or no value, or that are not UTF-8 (Postfix
/// 3.7 with `smtputf8_enable = yes`) are skipped with a warning.
/// Where a key that starts at `at` ends: at the first byte `stop` accepts
/// outside double quotes (a backslash protects the next byte), or at the
/// end. `None` when a quote is left open.
pub(crate) fn quoted_key_end(
    bytes: &[u8],
    mut at: usize,
    stop: impl Fn(u8) -> bool,
) -> Option<usize> {
    let mut in_quotes = false;
    while at < bytes.len() {
        let b = bytes[at];
        if b == b'\\' {
            at += 1;
            if at >= bytes.len() {
                break;
            }
        } else if b == b'"' {
            in_quotes = !in_quotes;
        } else if stop(b) && !in_quotes {
            break;
        }
        at += 1;
    }
    (!in_quotes).then_some(at.min(bytes.len()))
}

pub fn split_record(line: &LogicalLine, warnings: &mut Vec<String>) -> Option<Record> {
    let text = &line.text;
    let Ok(utf8) = std::str::from_utf8(text) else {
        warnings.push(format!(
            "line {}: non-UTF-8 input -- ignoring this line",
            line.line
        ));
        return None;
    };
    let bytes = utf8.as_bytes();
    let Some(at) = quoted_key_end(bytes, 0, is_space) else {
        warnings.push(format!(
            "line {}: unbalanced '\"' in '{utf8}' -- ignoring this line",
            line.line
        ));
        return None;
    };
    let key = &bytes[..at];
    let rest = if at < bytes.len() {
        &bytes[at + 1..]
    } else {
        &[][..]
    };
    let value = trim_end(trim_start(rest));
    if key.is_empty() || value.is_empty() {
        warnings.push(format!(
            "line {}: expected format: key whitespace value",
            line.line
        ));
        return None;
    }
    if key.last() == Some(&b':') {
        warnings.push(format!(
            "line {}: record is in \"key: value\" format; is this an alias file?",
            line.line
        ));
    }
    // Both pieces are slices of valid UTF-8 cut at ASCII bytes.
    Some(Record {
        key: String::from_utf8_lossy(key).into_owned(),
        value: String::from_utf8_lossy(value).into_owned(),
        line: line.line,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<(String, u32)> {
        let mut warnings = Vec::new();
        logical_lines(text.as_bytes(), &mut warnings)
            .into_iter()
            .map(|l| (String::from_utf8_lossy(&l.text).into_owned(), l.line))
            .collect()
    }

    #[test]
    fn continuation_keeps_leading_whitespace() {
        assert_eq!(
            lines("a b\n  c\nd e\n"),
            vec![("a b  c".to_string(), 1), ("d e".to_string(), 3)]
        );
    }

    #[test]
    fn comments_and_blank_lines_do_not_end_a_line() {
        assert_eq!(
            lines("a b\n# x\n\n\t c\n   # y\nz q"),
            vec![("a b\t c".to_string(), 1), ("z q".to_string(), 6)]
        );
    }

    #[test]
    fn leading_whitespace_group_is_dropped() {
        let mut warnings = Vec::new();
        let got = logical_lines(b"  a b\n c\nk v\n", &mut warnings);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].text, b"k v");
        assert_eq!(warnings.len(), 1);
    }

    #[test]
    fn records_split_at_unquoted_space() {
        let mut w = Vec::new();
        let line = LogicalLine {
            text: b"\"a b\"@x  v w \r".to_vec(),
            line: 1,
        };
        let r = split_record(&line, &mut w).unwrap();
        assert_eq!(r.key, "\"a b\"@x");
        assert_eq!(r.value, "v w");
        let line = LogicalLine {
            text: b"a\\ b v".to_vec(),
            line: 1,
        };
        assert_eq!(split_record(&line, &mut w).unwrap().key, "a\\ b");
        let line = LogicalLine {
            text: b"lonely".to_vec(),
            line: 1,
        };
        assert!(split_record(&line, &mut w).is_none());
    }
}
