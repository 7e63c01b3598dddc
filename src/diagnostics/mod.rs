//! Diagnostics shared by every stage: codes, severities, rendering, and the
//! long-form explanation of each code.

mod code;
mod diagnostic;
pub mod explanation;
mod render;

pub use code::{Code, CodeInfo};
pub use diagnostic::{Diagnostic, Severity};
pub use explanation::{explanation, Explanation};
pub use render::{render_json, render_text, JsonDiagnostic, RenderOptions};
