use super::Span;

/// One input file: its display name and its bytes, which need not be UTF-8.
#[derive(Debug, Clone)]
pub struct SourceFile {
    name: String,
    bytes: Vec<u8>,
    line_starts: Vec<u32>,
}

/// Largest file accepted, so that every offset fits a `u32`.
pub const MAX_SOURCE_LEN: usize = u32::MAX as usize - 1;

impl SourceFile {
    /// Wraps `bytes`; files over [`MAX_SOURCE_LEN`] are truncated to it (callers check first).
    pub fn new(name: impl Into<String>, mut bytes: Vec<u8>) -> Self {
        bytes.truncate(MAX_SOURCE_LEN);
        let mut line_starts = vec![0u32];
        line_starts.extend(
            bytes
                .iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .map(|(i, _)| i as u32 + 1),
        );
        Self {
            name: name.into(),
            bytes,
            line_starts,
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub fn slice(&self, span: Span) -> &[u8] {
        let end = (span.end as usize).min(self.bytes.len());
        let start = (span.start as usize).min(end);
        &self.bytes[start..end]
    }

    /// The 1-based physical line number holding byte `offset`.
    pub fn line_of(&self, offset: u32) -> u32 {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i as u32 + 1,
            Err(i) => i as u32,
        }
    }

    /// The 1-based column (in bytes) of `offset`.
    pub fn column_of(&self, offset: u32) -> u32 {
        let line = self.line_of(offset);
        let start = self.line_starts[(line - 1) as usize];
        offset - start + 1
    }

    /// Text for rendering: the file itself when it is UTF-8, else every byte
    /// above 0x7F shown as `?`, so that byte offsets stay valid.
    pub fn display_text(&self) -> String {
        match std::str::from_utf8(&self.bytes) {
            Ok(text) => text.to_owned(),
            Err(_) => self
                .bytes
                .iter()
                .map(|&b| if b.is_ascii() { b as char } else { '?' })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_numbers_are_one_based() {
        let file = SourceFile::new("t", b"a\nbb\n\nc".to_vec());
        assert_eq!(file.line_of(0), 1);
        assert_eq!(file.line_of(1), 1);
        assert_eq!(file.line_of(2), 2);
        assert_eq!(file.line_of(5), 3);
        assert_eq!(file.line_of(6), 4);
        assert_eq!(file.column_of(3), 2);
    }
}
