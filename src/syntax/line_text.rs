//! The bytes of one logical line after sendmail's read-time clean-up, with a
//! map from each byte back to its offset in the file.

use crate::ast::{Comment, Text};
use crate::source::Span;

/// A cleaned logical line. Offsets into `bytes` are "positions"; spans are
/// file offsets, found through `breaks`.
#[derive(Debug, Default)]
pub struct LineText {
    pub bytes: Vec<u8>,
    /// `(position, file offset)` at every point where bytes were dropped.
    breaks: Vec<(u32, u32)>,
    /// File offset just past the logical line.
    end: u32,
}

/// What the clean-up found besides the text.
#[derive(Debug, Default)]
pub struct Cleanup {
    pub comments: Vec<Comment>,
    /// File offset of a NUL byte that cut the line short.
    pub nul_at: Option<u32>,
}

impl LineText {
    /// Copies the logical line `raw` (starting at file offset `start`),
    /// dropping the CRs that precede a LF and cutting at the first NUL.
    pub fn read(raw: &[u8], start: u32, cleanup: &mut Cleanup) -> Self {
        let mut text = LineText {
            bytes: Vec::with_capacity(raw.len()),
            breaks: vec![(0, start)],
            end: start + raw.len() as u32,
        };
        let raw = match raw.iter().position(|&b| b == 0) {
            Some(nul) => {
                cleanup.nul_at = Some(start + nul as u32);
                &raw[..nul]
            }
            None => raw,
        };
        if !raw.contains(&b'\r') {
            text.bytes.extend_from_slice(raw);
            return text;
        }
        let mut i = 0;
        while i < raw.len() {
            let b = raw[i];
            // A run of CRs before a LF (or the end) goes entirely: a lone CR
            // there could not be written back, and it is only whitespace.
            let crlf =
                b == b'\r' && matches!(raw[i..].iter().find(|&&c| c != b'\r'), None | Some(b'\n'));
            if crlf {
                text.breaks
                    .push((text.bytes.len() as u32, start + i as u32 + 1));
            } else {
                text.bytes.push(b);
            }
            i += 1;
        }
        text
    }

    /// File offset of position `pos`.
    pub fn offset(&self, pos: usize) -> u32 {
        let pos = pos as u32;
        let i = match self.breaks.binary_search_by(|(p, _)| p.cmp(&pos)) {
            Ok(i) => {
                // Several breaks can share a position; the last one wins.
                let mut j = i;
                while j + 1 < self.breaks.len() && self.breaks[j + 1].0 == pos {
                    j += 1;
                }
                j
            }
            Err(i) => i.saturating_sub(1),
        };
        let (p, offset) = self.breaks[i];
        (offset + (pos - p)).min(self.end)
    }

    pub fn span(&self, start: usize, end: usize) -> Span {
        if start >= end {
            let at = self.offset(start);
            return Span::new(at, at);
        }
        Span::new(self.offset(start), self.offset(end - 1) + 1)
    }

    /// Removes `#` comments (configuration level 3 and up) and turns `\#`
    /// into `#`, as sendmail does when it reads a line. `$x` pairs and
    /// `${...}` names are skipped, so `$#` is never a comment.
    pub fn strip_comments(&mut self, cleanup: &mut Cleanup, vendor: bool) {
        if !self.bytes.contains(&b'#') {
            return;
        }
        let old = std::mem::take(&mut self.bytes);
        let old_text = LineText {
            bytes: Vec::new(),
            breaks: std::mem::take(&mut self.breaks),
            end: self.end,
        };
        let mut out: Vec<u8> = Vec::with_capacity(old.len());
        let mut breaks: Vec<(u32, u32)> = vec![(0, old_text.offset(0))];
        let mut i = 0;
        let mut copy_from = 0usize; // first old position not yet copied
        let flush = |out: &mut Vec<u8>, breaks: &mut Vec<(u32, u32)>, from: usize, to: usize| {
            if from < to {
                breaks.push((out.len() as u32, old_text.offset(from)));
                out.extend_from_slice(&old[from..to]);
            }
        };
        while i < old.len() {
            match old[i] {
                b'$' => i += dollar_sequence_len(&old[i..], vendor),
                b'\\' if old.get(i + 1) == Some(&b'#') => {
                    flush(&mut out, &mut breaks, copy_from, i);
                    copy_from = i + 1;
                    i += 2;
                }
                b'#' => {
                    flush(&mut out, &mut breaks, copy_from, i);
                    while out.last().is_some_and(|b| is_c_space(*b)) {
                        out.pop();
                    }
                    while matches!(breaks.last(), Some(&(p, _)) if p as usize > out.len()) {
                        breaks.pop();
                    }
                    let end = old[i..]
                        .iter()
                        .position(|&b| b == b'\n')
                        .map_or(old.len(), |n| i + n);
                    cleanup.comments.push(Comment {
                        span: old_text.span(i, end),
                        text: Text::new(&old[i + 1..end]),
                        position: out.len() as u32,
                    });
                    i = end;
                    copy_from = end;
                }
                _ => i += 1,
            }
        }
        flush(&mut out, &mut breaks, copy_from, old.len());
        self.bytes = out;
        self.breaks = breaks;
    }

    /// Strips trailing whitespace but never the first byte, as sendmail does.
    pub fn strip_trailing_whitespace(&mut self) {
        while self.bytes.len() > 1 && self.bytes.last().is_some_and(|b| is_c_space(*b)) {
            self.bytes.pop();
        }
    }
}

/// C's `isspace` in the "C" locale.
pub fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Length of the `$` sequence at the start of `bytes` as sendmail's
/// `translate_dollars` consumes it (at least 1). In a vendor dialect, `${`
/// that does not open a well-formed `{name}` is Sun's or Ultrix's operator
/// and takes only its own bytes.
pub fn dollar_sequence_len(bytes: &[u8], vendor: bool) -> usize {
    let brace = |at: usize| -> usize {
        // `{name}`: up to and including `}`, or to the end of the line.
        match bytes[at..].iter().position(|&b| b == b'}') {
            Some(n) => {
                let name_ok = bytes[at + 1..at + n]
                    .iter()
                    .all(|&b| b.is_ascii_alphanumeric() || b == b'_');
                if vendor && !name_ok {
                    (at + 2).min(bytes.len())
                } else {
                    at + n + 1
                }
            }
            None if vendor => (at + 2).min(bytes.len()),
            None => bytes.len(),
        }
    };
    match bytes.get(1) {
        None => 1,
        Some(b'{') => brace(1),
        Some(b'&' | b'=' | b'~' | b'?') => match bytes.get(2) {
            None => 2,
            Some(b'{') => brace(2),
            Some(_) => 3,
        },
        Some(_) => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean(raw: &str) -> (String, Vec<String>) {
        let mut cleanup = Cleanup::default();
        let mut text = LineText::read(raw.as_bytes(), 0, &mut cleanup);
        text.strip_comments(&mut cleanup, false);
        text.strip_trailing_whitespace();
        (
            String::from_utf8(text.bytes).unwrap_or_default(),
            cleanup
                .comments
                .iter()
                .map(|c| c.text.to_display())
                .collect(),
        )
    }

    #[test]
    fn comment_glued_to_word() {
        assert_eq!(clean("DXfoo#bar"), ("DXfoo".into(), vec!["bar".into()]));
    }

    #[test]
    fn whitespace_before_comment_goes() {
        assert_eq!(clean("DXfoo \t# c").0, "DXfoo");
    }

    #[test]
    fn dollar_hash_is_no_comment() {
        assert_eq!(clean("R$*\t$#local $: $1").0, "R$*\t$#local $: $1");
    }

    #[test]
    fn escaped_hash_is_literal() {
        assert_eq!(clean("DXa\\#b").0, "DXa#b");
    }

    #[test]
    fn comment_in_continuation_keeps_next_line() {
        assert_eq!(clean("Mx, P=a, # one\n\tA=b").0, "Mx, P=a,\n\tA=b");
    }

    #[test]
    fn first_byte_survives_strip() {
        assert_eq!(clean("\n   ").0, "\n");
    }

    #[test]
    fn spans_follow_dropped_bytes() {
        let mut cleanup = Cleanup::default();
        let mut text = LineText::read(b"DXa\\#b#c", 10, &mut cleanup);
        text.strip_comments(&mut cleanup, false);
        assert_eq!(text.bytes, b"DXa#b");
        assert_eq!(text.offset(0), 10);
        assert_eq!(text.offset(3), 14); // the `#` after the dropped backslash
        assert_eq!(text.offset(4), 15);
        assert_eq!(cleanup.comments[0].span, Span::new(16, 18));
    }

    #[test]
    fn crlf_is_dropped() {
        let mut cleanup = Cleanup::default();
        let text = LineText::read(b"DXa\r\n\tb\r", 0, &mut cleanup);
        assert_eq!(text.bytes, b"DXa\n\tb");
        assert_eq!(text.offset(3), 4);
    }
}
