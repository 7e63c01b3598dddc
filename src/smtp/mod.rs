//! The SMTP door's vocabulary, shared by both models of it: sendmail's
//! (the check rulesets and the recipient's own parse, in
//! [`crate::engine::door`]) and Postfix's (smtpd's restriction lists, in
//! [`crate::postfix::smtpd`]). Neither side depends on the other; both
//! speak of the same [`Client`] and answer with the same [`Verdict`].

mod client;
mod verdict;

pub use client::{Client, Resolve, OUTSIDE_CLIENT};
pub use verdict::{Answer, Stage, Verdict};
