//! The typed syntax tree of a sendmail.cf. Plain data: no parsing, no
//! semantics, no knowledge of Postfix.

mod config;
mod definitions;
mod header;
mod macro_text;
mod mailer;
mod map;
mod option;
mod rule;
mod text;

pub use config::{Comment, Config, Line, LineKind};
pub use definitions::{
    ClassDefinition, ClassFile, ClassSource, CommentLine, EnvironmentVariable, EquateField,
    InvalidLine, MacroDefinition, MilterDefinition, PrecedenceDefinition, QueueGroupDefinition,
    SunClassLookup, SunMacroLookup, TrustedUsers, UnknownLine, VersionLine,
};
pub use header::{HeaderCheck, HeaderCondition, HeaderDefinition};
pub use macro_text::{MacroName, MacroText, Operator, Piece, PieceKind};
pub use mailer::{MailerDefinition, MailerField, MailerFieldKind};
pub use map::{MapDeclaration, MapFlag};
pub use option::{Duration, OptionForm, OptionLine, OptionValue, TimeoutSetting};
pub use rule::{RewriteRule, RulesetDeclaration, RulesetId};
pub use text::Text;
