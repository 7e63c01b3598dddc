//! A model of Postfix 3.7's address handling for one configuration
//! directory: main.cf and master.cf ([`config`]), lookup tables read from
//! their text sources with Postfix's search orders ([`tables`]), and
//! trivial-rewrite's `rewrite` and `resolve` ([`resolve`]).

pub mod cleanup;
pub mod config;
pub mod local;
pub mod resolve;
pub mod smtpd;
pub mod tables;
