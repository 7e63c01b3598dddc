//! The emitter: writes an [`Intent`](crate::intent::Intent) as Postfix
//! configuration files and a migration report.

pub mod tables;
