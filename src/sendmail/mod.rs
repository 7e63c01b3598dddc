//! Facts about sendmail itself, shared by the stages: its option table,
//! the map classes it knows, and plain-English meanings of its vocabulary
//! for `explain`.

pub mod macro_meanings;
pub mod mailer_flags;
pub mod map_classes;
pub mod option_meanings;
pub mod options;
