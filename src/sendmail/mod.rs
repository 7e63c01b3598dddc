//! Facts about sendmail itself, shared by the stages: its option table and
//! the map classes it knows.

pub mod map_classes;
pub mod options;
