//! cf2postfix: read a legacy sendmail.cf, explain it, and translate it into
//! an equivalent, safe Postfix configuration.
//!
//! The pipeline: [`syntax::parse`] builds the typed, spanned tree of
//! [`ast`]; [`printer`] writes it back; [`cli`] drives the commands.

pub mod analyze;
pub mod ast;
pub mod cli;
pub mod diagnostics;
pub mod emit;
pub mod engine;
pub mod explain;
pub mod intent;
pub mod postfix;
pub mod printer;
pub mod sendmail;
pub mod smtp;
pub mod source;
pub mod syntax;
pub mod testmode;
pub mod verify;
