//! A record of which rules fired, for `--trace` and for explanations.

use super::Token;

/// The tokens one wildcard bound.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binding {
    /// 1 for `$1`, and so on.
    pub number: usize,
    pub tokens: Vec<Token>,
}

/// One rule application.
#[derive(Clone, Debug)]
pub struct TraceStep {
    pub ruleset: usize,
    /// 1-based position of the rule in its ruleset.
    pub rule: usize,
    /// 1-based line of the rule in the configuration.
    pub line: u32,
    pub depth: usize,
    pub input: Vec<Token>,
    pub bindings: Vec<Binding>,
    pub output: Vec<Token>,
}
