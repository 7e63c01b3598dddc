//! All integration tests, built into one binary.

mod support;

/// The command line: exit codes and output formats.
mod cli;
/// Every diagnostic code has an explanation whose example draws it.
mod codes;
/// The real corpus of legacy files parses without errors.
mod corpus;
/// Against the real sendmail: the same lines get diagnostics.
mod differential;
/// The SMTP door end to end: the real sendmail against the real Postfix on its migration.
mod door_end_to_end;
/// The SMTP door model against the real sendmail daemon.
mod door_sendmail;
/// The rewrite engine against the real sendmail -bt.
mod engine_differential;
/// Random configurations and addresses through the engine.
mod engine_fuzz;
/// The rewrite engine at its limits, against sendmail.
mod engine_limits;
/// The memo table of the rewrite engine changes no output.
mod engine_memo;
/// Every example under examples/: AST snapshots, clean parse.
mod examples;
/// explain: every rule explained, checked against the engine, snapshots.
mod explain;
/// The mail-flow diagram of every example: text and DOT snapshots, Graphviz accepts the DOT.
mod flow;
/// Random bytes and mutated corpus slices never panic or hang.
mod fuzz;
/// grammar/ keeps in step with the AST.
mod grammar;
/// Invalid inputs: rendered diagnostics, snapshot-tested.
mod invalid;
/// migrate: snapshots, Postfix's checks, routing agreement, open relay.
mod migrate;
/// Mutated configurations and garbage Postfix directories: no panic.
mod migrate_fuzz;
/// The Postfix model against the real trivial-rewrite.
mod postfix_model;
/// Postfix smtpd's door against the real smtpd through XCLIENT.
mod postfix_smtpd;
/// Postfix lookup tables against the real postmap -q.
mod postfix_tables;
/// Parse, print, parse again: the same tree.
mod roundtrip;
/// verify: explained differences only, broken configurations caught, the command.
mod verify;
