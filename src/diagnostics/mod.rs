//! Diagnostics shared by every stage: codes, severities, rendering.

mod code;
mod diagnostic;
mod render;

pub use code::{Code, CodeInfo};
pub use diagnostic::{Diagnostic, Severity};
pub use render::{render_json, render_text, JsonDiagnostic, RenderOptions};
