//! The analyzer: reads a parsed configuration (and the maps it names) and
//! infers its [`Intent`](crate::intent::Intent).

pub mod tables;
