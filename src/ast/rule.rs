use serde::Serialize;

use super::{MacroText, Text};
use crate::source::Span;

/// `S3`, `Sparse=0`, `SLocal_check_rcpt`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RulesetDeclaration {
    pub id: RulesetId,
    pub id_span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RulesetId {
    Number { number: u32 },
    Named { name: Text, number: Option<u32> },
}

/// `R lhs <TAB> rhs [<TAB> comment]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RewriteRule {
    pub lhs: MacroText,
    pub lhs_span: Span,
    pub rhs: MacroText,
    pub rhs_span: Span,
    /// The third, TAB-separated field: free text that sendmail ignores.
    pub comment: Option<Text>,
}
