//! `rscheck` (a check ruleset's result read as sendmail reads it) and the
//! address parse the door does before it, with the rule that decided.

use super::super::meta::{Table, CANONHOST, CANONUSER, CONDELSE};
use super::super::{print_tokens, Machine, Parsed, Token, ADDRESS_BUFFER, MAX_ATOM};
use super::reply::{self, Reply};

/// What a check ruleset decided.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Check {
    /// No ruleset, or a result other than `$#error`/`$#discard` (a
    /// `$#error $@ quarantine` too: the message is held, not refused).
    Continue,
    /// `$#discard`: accepted, then thrown away.
    Discard,
    /// `$#error`: the reply, and the rule that produced it.
    Refuse(Reply, String),
}

/// Runs the check ruleset `name` on `p1` (and `$| p2`), as `rscheck` does
/// with `RSF_RMCOMM`: the internal token table, comments dropped.
pub fn rscheck(
    machine: &mut Machine,
    name: &str,
    p1: &[u8],
    p2: Option<&[u8]>,
    to: Option<&[u8]>,
) -> Check {
    let Ok(number) = machine.rulesets.find(name.as_bytes()) else {
        return Check::Continue;
    };
    let mut input = p1.to_vec();
    if let Some(p2) = p2 {
        input.push(CONDELSE);
        input.extend_from_slice(p2);
    }
    let Some(work) = run(machine, number, &input) else {
        return Check::Continue;
    };
    if super::resolves_to(&work, b"discard") {
        return Check::Discard;
    }
    if !super::resolves_to(&work, b"error") {
        return Check::Continue;
    }
    if work.get(2).is_some_and(|t| t[..] == [CANONHOST])
        && work.get(3).is_some_and(|t| t[..] == *b"quarantine")
    {
        return Check::Continue;
    }
    let reply = error_reply(machine, &work, to);
    let rule = deciding_rule(machine, number, &input).unwrap_or_else(|| format!("ruleset {name}"));
    Check::Refuse(reply, rule)
}

/// The workspace ruleset `number` leaves from `input`.
fn run(machine: &mut Machine, number: usize, input: &[u8]) -> Option<Vec<Token>> {
    let scan = machine.scan(input, Table::Internal, 0, ADDRESS_BUFFER);
    let mut work = scan.tokens?;
    let saved = machine.captured.replace(Vec::new());
    machine.rewrite(&mut work, number, 0, MAX_ATOM);
    machine.captured = saved;
    Some(work)
}

/// `buildaddr` on a `$#error` triple.
fn error_reply(machine: &Machine, work: &[Token], to: Option<&[u8]>) -> Reply {
    let Some(user_at) = work.iter().position(|t| t[..] == [CANONUSER]) else {
        return reply::usrerr("554 5.3.5 buildaddr: no user", None);
    };
    let host = match work.get(2) {
        Some(t) if t[..] == [CANONHOST] && user_at > 3 => {
            Some(machine.join(&work[3..user_at], Some(0), true, 2048))
        }
        _ => None,
    };
    let user = machine.join(&work[user_at + 1..], Some(b' '), false, 2048);
    reply::error_mailer(host.as_deref(), &user, to)
}

/// Runs ruleset `number` again with the trace on and names the rule that
/// first produced a `$#` result: `file:line: R lhs rhs`.
fn deciding_rule(machine: &mut Machine, number: usize, input: &[u8]) -> Option<String> {
    let saved = machine.trace.replace(Vec::new());
    let _ = run(machine, number, input);
    let steps = std::mem::replace(&mut machine.trace, saved).unwrap_or_default();
    describe(machine, &steps)
}

/// The first trace step whose output starts with `$#` and whose input
/// did not: the rule that made the decision, not the ones passing it on.
pub(crate) fn describe(machine: &Machine, steps: &[super::super::TraceStep]) -> Option<String> {
    let step = steps.iter().find(|s| {
        s.output.first().is_some_and(|t| t[..] == [super::CANONNET])
            && !s.input.first().is_some_and(|t| t[..] == [super::CANONNET])
    })?;
    let rule = machine.rulesets.rules(step.ruleset).get(step.rule - 1)?;
    let names = Some(&machine.names);
    let lhs = print_tokens(&rule.lhs, names);
    let rhs = print_tokens(&rule.rhs, names);
    Some(format!(
        "{}:{}: R{}\t{}",
        machine.file_name,
        rule.line,
        super::super::lossy(super::super::trim(&lhs)),
        super::super::lossy(super::super::trim(&rhs))
    ))
}

/// `parseaddr` of an envelope address as the SMTP server does it: the
/// parsed triple, or the reply its errors give and what decided it.
pub fn parse(
    machine: &mut Machine,
    address: &str,
    sender: bool,
) -> Result<Parsed, (Reply, String)> {
    let to = Some(address.as_bytes());
    let bytes = address.as_bytes();
    if !machine.eight_bit_ok && bytes.iter().any(|&b| b & 0xE0 == 0x80) {
        let message = format!(
            "501 5.1.{} 8-bit character in mailbox address \"{}\"",
            if sender { 7 } else { 3 },
            address
        );
        return Err((reply::usrerr(&message, to), "parseaddr: invalidaddr".into()));
    }
    let saved = machine.captured.replace(Vec::new());
    let parsed = machine.parse_address(bytes, super::envelope(sender));
    let errors = std::mem::replace(&mut machine.captured, saved).unwrap_or_default();
    if let Some(p) = &parsed {
        let error_mailer = p.mailer == b"*error*"
            && p.resolved
                .first()
                .is_some_and(|t| t[..] == [super::CANONNET])
            && p.resolved
                .get(1)
                .is_some_and(|t| t.eq_ignore_ascii_case(b"error"));
        if error_mailer {
            let reply = error_reply(machine, &p.resolved, to);
            let rule = deciding_rule_parse(machine, address)
                .unwrap_or_else(|| "rulesets 3 and 0: $#error".into());
            return Err((reply, rule));
        }
    }
    // Notices (050) are not errors.
    let error = errors.iter().find(|m| !m.starts_with("050"));
    match (parsed, error) {
        (_, Some(message)) => {
            // A message with no reply code is a syserr (the engine's own
            // codeless messages are sendmail's syserr calls): with errno
            // clear, 554 5.0.0.
            let has_code = message.len() > 3
                && message.as_bytes()[..3].iter().all(u8::is_ascii_digit)
                && matches!(message.as_bytes()[3], b' ' | b'-');
            let reply = if has_code {
                reply::usrerr(message, to)
            } else {
                reply::usrerr(&format!("554 5.0.0 {message}"), to)
            };
            Err((reply, format!("parseaddr: {message}")))
        }
        (Some(parsed), None) => Ok(parsed),
        (None, None) => Err((
            reply::usrerr("501 5.0.0 Missing recipient", to),
            "parseaddr: nothing to parse".into(),
        )),
    }
}

/// The rule of rulesets 3 and 0 that resolved an address to `$#error`.
fn deciding_rule_parse(machine: &mut Machine, address: &str) -> Option<String> {
    let scan = machine.scan(address.as_bytes(), Table::External, 0, ADDRESS_BUFFER);
    let mut work = scan.tokens?;
    let saved_trace = machine.trace.replace(Vec::new());
    let saved = machine.captured.replace(Vec::new());
    machine.rewrite(&mut work, 3, 0, MAX_ATOM);
    machine.rewrite(&mut work, 0, 0, MAX_ATOM);
    machine.captured = saved;
    let steps = std::mem::replace(&mut machine.trace, saved_trace).unwrap_or_default();
    describe(machine, &steps)
}

/// What ruleset 5 (`maplocaluser`) made of a local user.
pub enum Local {
    /// No `$#` result: the user stays.
    Same,
    /// `$#error`.
    Refuse(Reply, String),
    /// A new triple: mailer, host, user.
    Other(Vec<u8>, Option<Vec<u8>>, Vec<u8>),
}

/// `maplocaluser`: the user through ruleset 5, `$h` set to the host.
pub fn localaddr(
    machine: &mut Machine,
    host: Option<&[u8]>,
    user: &[u8],
    to: Option<&[u8]>,
) -> Local {
    if machine.rulesets.rules(5).is_empty() {
        return Local::Same;
    }
    let scan = machine.scan(user, Table::External, 0, ADDRESS_BUFFER);
    let Some(mut work) = scan.tokens else {
        return Local::Same;
    };
    machine.macros.set(b'h', host);
    let saved = machine.captured.replace(Vec::new());
    machine.rewrite(&mut work, 5, 0, MAX_ATOM);
    machine.captured = saved;
    if !work.first().is_some_and(|t| t[..] == [super::CANONNET]) {
        return Local::Same;
    }
    if work
        .get(1)
        .is_some_and(|t| t.eq_ignore_ascii_case(b"error"))
    {
        let reply = error_reply(machine, &work, to);
        return Local::Refuse(reply, "ruleset 5 (localaddr): $#error".into());
    }
    let mailer = work.get(1).map(|t| t.to_vec()).unwrap_or_default();
    let Some(user_at) = work.iter().position(|t| t[..] == [CANONUSER]) else {
        return Local::Same;
    };
    let host = match work.get(2) {
        Some(t) if t[..] == [CANONHOST] && user_at > 3 => {
            Some(machine.join(&work[3..user_at], Some(0), true, 2048))
        }
        _ => None,
    };
    let mut user = machine.join(&work[user_at + 1..], Some(0), true, 2048);
    if !machine.mailer(&mailer).is_some_and(|m| m.has_flag(b'u')) {
        user.make_ascii_lowercase();
    }
    Local::Other(mailer, host, user)
}
