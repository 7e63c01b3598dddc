use serde::Serialize;

/// Where a fact came from: a line of the configuration or of a file it reads.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Origin {
    pub file: String,
    /// 1-based; 0 when the fact is a default rather than a line.
    pub line: u32,
    /// The line's text, as written (trimmed, at most one line).
    pub text: String,
}

impl Origin {
    pub fn new(file: impl Into<String>, line: u32, text: impl Into<String>) -> Self {
        let text: String = text.into();
        let text = text.lines().next().unwrap_or("").trim_end().to_owned();
        Origin {
            file: file.into(),
            line,
            text,
        }
    }

    /// `file:line`, as the report and main.cf comments print it.
    pub fn location(&self) -> String {
        if self.line == 0 {
            self.file.clone()
        } else {
            format!("{}:{}", self.file, self.line)
        }
    }
}

/// A value together with the line it came from.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Sourced<T> {
    pub value: T,
    pub origin: Origin,
}

impl<T> Sourced<T> {
    pub fn new(value: T, origin: Origin) -> Self {
        Sourced { value, origin }
    }
}
