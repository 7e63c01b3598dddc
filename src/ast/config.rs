use serde::Serialize;

use super::*;
use crate::source::Span;

/// A whole sendmail.cf: its logical lines, in file order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Config {
    pub lines: Vec<Line>,
}

/// One logical line: a physical line plus its continuation lines.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Line {
    /// The whole logical line in the file, continuation lines included.
    pub span: Span,
    /// Physical line number (1-based) where the logical line starts.
    pub line: u32,
    pub kind: LineKind,
    /// `#` comments that sendmail strips from inside the line (level 3 and up).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub comments: Vec<Comment>,
}

/// A `#` comment removed from inside a line; `text` follows the `#`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Comment {
    pub span: Span,
    pub text: Text,
    /// Where in the cleaned line the comment was cut out; lets the printer
    /// put comments of verbatim (unknown or invalid) lines back in place.
    #[serde(skip)]
    pub position: u32,
}

/// What a logical line is, by its first byte.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LineKind {
    /// An empty line.
    Blank,
    /// A line starting with `#`.
    Comment(CommentLine),
    /// `V`: configuration level and vendor.
    Version(VersionLine),
    /// `D`: macro definition.
    Define(MacroDefinition),
    /// `C`: class members.
    Class(ClassDefinition),
    /// `F`: class members from a file, program or map.
    ClassFile(ClassFile),
    /// `T`: trusted users.
    Trusted(TrustedUsers),
    /// `O`: option.
    Option(OptionLine),
    /// `H`: header template or header check.
    Header(HeaderDefinition),
    /// `P`: precedence value.
    Precedence(PrecedenceDefinition),
    /// `K`: keyed map declaration.
    Map(MapDeclaration),
    /// `M`: mailer definition.
    Mailer(MailerDefinition),
    /// `S`: start of a ruleset.
    Ruleset(RulesetDeclaration),
    /// `R`: rewrite rule.
    Rule(RewriteRule),
    /// `E`: environment variable for mailers.
    Environment(EnvironmentVariable),
    /// `Q`: queue group.
    QueueGroup(QueueGroupDefinition),
    /// `X`: mail filter (milter).
    Milter(MilterDefinition),
    /// `L` (Sun): macro value from the name service.
    SunMacroLookup(SunMacroLookup),
    /// `G` (Sun): class members from the name service.
    SunClassLookup(SunClassLookup),
    /// A line whose first byte is no command.
    Unknown(UnknownLine),
    /// A known command whose line could not be parsed; kept verbatim.
    Invalid(InvalidLine),
}

impl LineKind {
    /// The name of the line kind as the grammar spells it.
    pub fn grammar_name(&self) -> &'static str {
        match self {
            LineKind::Blank => "blank_line",
            LineKind::Comment(_) => "comment_line",
            LineKind::Version(_) => "version_line",
            LineKind::Define(_) => "define_line",
            LineKind::Class(_) => "class_line",
            LineKind::ClassFile(_) => "class_file_line",
            LineKind::Trusted(_) => "trusted_line",
            LineKind::Option(_) => "option_line",
            LineKind::Header(_) => "header_line",
            LineKind::Precedence(_) => "precedence_line",
            LineKind::Map(_) => "map_line",
            LineKind::Mailer(_) => "mailer_line",
            LineKind::Ruleset(_) => "ruleset_line",
            LineKind::Rule(_) => "rule_line",
            LineKind::Environment(_) => "environment_line",
            LineKind::QueueGroup(_) => "queue_group_line",
            LineKind::Milter(_) => "milter_line",
            LineKind::SunMacroLookup(_) => "sun_macro_lookup_line",
            LineKind::SunClassLookup(_) => "sun_class_lookup_line",
            LineKind::Unknown(_) => "unknown_line",
            LineKind::Invalid(_) => "invalid_line",
        }
    }

    /// Every grammar name, for the test that keeps `grammar/` in step.
    pub const GRAMMAR_NAMES: &'static [&'static str] = &[
        "blank_line",
        "comment_line",
        "version_line",
        "define_line",
        "class_line",
        "class_file_line",
        "trusted_line",
        "option_line",
        "header_line",
        "precedence_line",
        "map_line",
        "mailer_line",
        "ruleset_line",
        "rule_line",
        "environment_line",
        "queue_group_line",
        "milter_line",
        "sun_macro_lookup_line",
        "sun_class_lookup_line",
        "unknown_line",
        "invalid_line",
    ];
}
