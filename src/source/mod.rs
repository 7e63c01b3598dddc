//! Source files and byte spans.

mod source_file;
mod span;

pub use source_file::{SourceFile, MAX_SOURCE_LEN};
pub use span::Span;
