//! One rewrite rule in words: the pattern, the result, the parts it names.

use serde::Serialize;

use super::form::{self, Form, Item, Triple};
use super::pattern::{self, first_clause, Pattern};
use crate::ast::{MacroName, Operator, RewriteRule};
use crate::engine::meta::{CANONHOST, CANONNET, CANONUSER};
use crate::engine::{print_token, Machine, Rule};

/// What happens to the workspace when the rule matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Flow {
    /// No prefix: rewrite, then try the same rule again.
    Repeat,
    /// `$:`: rewrite once, go on with the next rule.
    Once,
    /// `$@`: rewrite and leave the ruleset.
    Return,
    /// `$#`: a triple; the ruleset (and ruleset 0) ends here.
    Resolve,
}

/// What the rule does, typed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// The workspace becomes `result`.
    Rewrite { result: Form },
    /// Deliver with a mailer.
    Deliver { triple: Triple },
    /// `$#error`: a bounce or rejection.
    Reject { triple: Triple },
    /// `$#discard`: accepted and dropped.
    Discard,
    /// A verdict of a check ruleset (`$#OK`, `$#RELAY`, `$#quarantine`).
    Verdict { word: String, triple: Triple },
}

#[derive(Clone, Debug, Serialize)]
pub struct RuleExplanation {
    /// 1-based line of the `R` line.
    pub line: u32,
    /// 1-based position in its ruleset.
    pub position: usize,
    /// The rule as written.
    pub source: String,
    pub pattern: Pattern,
    pub flow: Flow,
    pub action: Action,
    /// The rule as one plain-English sentence.
    pub summary: String,
    /// Further sentences: lookups, calls, run-time macros, read-time values.
    pub notes: Vec<String>,
}

/// Explains rule `position` (1-based) of a ruleset.
pub fn explain(
    machine: &Machine,
    rule: &Rule,
    position: usize,
    source: &str,
    written: Option<&RewriteRule>,
) -> RuleExplanation {
    let names = &machine.names;
    let pattern = pattern::read(&rule.lhs, names);
    let mut rhs = &rule.rhs[..];
    let mut flow = Flow::Repeat;
    match rhs.first().and_then(|t| t.first()).copied() {
        Some(CANONUSER) => {
            flow = Flow::Once;
            rhs = &rhs[1..];
        }
        Some(CANONHOST) => {
            flow = Flow::Return;
            rhs = &rhs[1..];
        }
        _ => {}
    }
    let action = if rhs.first().and_then(|t| t.first()) == Some(&CANONNET) {
        let triple = form::triple(&rhs[1..], names);
        let mailer = triple.mailer.literal().unwrap_or_default();
        // `$:` before `$#` keeps its once-only meaning for the rest, but a
        // triple ends the ruleset whatever the prefix.
        flow = Flow::Resolve;
        match mailer.to_ascii_lowercase().as_str() {
            "error" => Action::Reject { triple },
            "discard" => Action::Discard,
            "ok" | "relay" | "quarantine" => Action::Verdict {
                word: mailer,
                triple,
            },
            _ => Action::Deliver { triple },
        }
    } else {
        Action::Rewrite {
            result: form::read(rhs, names),
        }
    };
    let summary = summary(machine, &pattern, flow, &action);
    let mut notes = notes(machine, &pattern, &action);
    let mut beyond = Vec::new();
    for f in forms(&action) {
        f.walk(&mut |item| {
            if let Item::Part { number } = item {
                if pattern.part(*number).is_none() && !beyond.contains(number) {
                    beyond.push(*number);
                }
            }
        });
    }
    for n in beyond {
        notes.push(format!(
            "`${n}` names a wildcard the pattern does not have: when the rule matches, sendmail stops with `replacement ${n} out of bounds` and the address fails."
        ));
    }
    if let Some(w) = written {
        notes.extend(read_time_notes(machine, w));
    }
    RuleExplanation {
        line: rule.line,
        position,
        source: source.to_owned(),
        pattern,
        flow,
        action,
        summary,
        notes,
    }
}

fn render(form: &Form, pattern: &Pattern) -> String {
    form.render(&|n| pattern.placeholder(n))
}

fn summary(machine: &Machine, pattern: &Pattern, flow: Flow, action: &Action) -> String {
    let condition = format!("If the workspace is {}", pattern.words);
    let result = match action {
        Action::Rewrite { result } => {
            let shown = render(result, pattern);
            let unchanged = pattern.shape == shown;
            match flow {
                Flow::Repeat if result.is_empty() => {
                    "empty it, then try this rule again".to_owned()
                }
                Flow::Repeat => format!(
                    "rewrite it to `{shown}`, then try this same rule again on the result (it repeats while it matches)"
                ),
                Flow::Once if unchanged => {
                    "leave it as it is (after any lookups or calls) and go on with the next rule".into()
                }
                Flow::Once if result.is_empty() => {
                    "empty it and go on with the next rule".into()
                }
                Flow::Once => format!("rewrite it once to `{shown}` and go on with the next rule"),
                Flow::Return if result.is_empty() => {
                    "return an empty workspace from this ruleset".into()
                }
                Flow::Return => format!(
                    "return `{shown}` from this ruleset; no later rule of it runs"
                ),
                Flow::Resolve => format!("resolve it to `{shown}`"),
            }
        }
        Action::Deliver { triple } => deliver(machine, pattern, triple),
        Action::Reject { triple } => reject(pattern, triple),
        Action::Discard => {
            "accept the message for this address and throw it away ($#discard)".into()
        }
        Action::Verdict { word, triple } => verdict(pattern, word, triple),
    };
    format!("{condition}: {result}.")
}

fn deliver(machine: &Machine, pattern: &Pattern, triple: &Triple) -> String {
    let name = render(&triple.mailer, pattern);
    let mailer = match triple.mailer.literal() {
        Some(literal) => match machine.mailer(literal.as_bytes()) {
            Some(m) if m.line == 0 => format!("the built-in {name} mailer"),
            Some(m) => {
                let path = String::from_utf8_lossy(&m.path).into_owned();
                format!("the {name} mailer (defined at line {}, program {path})", m.line)
            }
            None => format!(
                "the mailer `{name}`, which this configuration does not define (sendmail rejects such a triple)"
            ),
        },
        None => format!("the mailer named by `{name}`"),
    };
    let mut out = format!("deliver with {mailer}");
    if let Some(host) = &triple.host {
        if !host.is_empty() {
            out.push_str(&format!(" to host `{}`", render(host, pattern)));
        }
    }
    match &triple.user {
        Some(user) => {
            let shown = render(user, pattern);
            out.push_str(&format!("; the user is `{shown}`"));
            if let Some(n) = user.single_part() {
                if pattern.part(n).and_then(|p| p.role) == Some(pattern::Role::User) {
                    out.push_str(", the user part unchanged");
                }
            }
        }
        None => out.push_str("; no user part is given"),
    }
    out
}

fn reject(pattern: &Pattern, triple: &Triple) -> String {
    let status = triple
        .host
        .as_ref()
        .map(|h| render(h, pattern))
        .filter(|s| !s.is_empty());
    let message = triple
        .user
        .as_ref()
        .map(|u| render(u, pattern))
        .unwrap_or_default();
    let kind = match &status {
        Some(s) if s.starts_with('4') || s.eq_ignore_ascii_case("TEMP") => {
            "fail it temporarily (the sender retries)"
        }
        _ => "reject it as an error (the mail bounces or the SMTP command fails)",
    };
    let mut out = kind.to_owned();
    if let Some(s) = status {
        out.push_str(&format!(" with status {s}"));
    }
    if !message.is_empty() {
        out.push_str(&format!(
            " and the message \"{}\"",
            message.trim_matches('"')
        ));
    }
    out
}

fn verdict(pattern: &Pattern, word: &str, triple: &Triple) -> String {
    let reason = triple
        .user
        .as_ref()
        .map(|u| render(u, pattern))
        .filter(|s| !s.is_empty());
    let mut out = match word.to_ascii_lowercase().as_str() {
        "ok" => "accept: the check passes and no later check rule runs".to_owned(),
        "relay" => "accept and allow relaying through this host".to_owned(),
        _ => "accept the message but hold it in quarantine".to_owned(),
    };
    if let Some(r) = reason {
        out.push_str(&format!(" (reason: {r})"));
    }
    out
}

fn forms(action: &Action) -> Vec<&Form> {
    match action {
        Action::Rewrite { result } => vec![result],
        Action::Deliver { triple } | Action::Reject { triple } | Action::Verdict { triple, .. } => {
            let mut v = vec![&triple.mailer];
            v.extend(triple.host.iter());
            v.extend(triple.user.iter());
            v
        }
        Action::Discard => Vec::new(),
    }
}

fn notes(machine: &Machine, pattern: &Pattern, action: &Action) -> Vec<String> {
    let mut notes = Vec::new();
    for f in forms(action) {
        f.walk(&mut |item| {
            let note = match item {
                Item::Lookup {
                    map,
                    key,
                    arguments,
                    default,
                } => Some(lookup(machine, pattern, map, key, arguments, default.as_ref())),
                Item::Canonical { host, default } => {
                    let shown = render(host, pattern);
                    let fallback = match default {
                        Some(d) => format!("`{}`", render(d, pattern)),
                        None => format!("`{shown}` unchanged"),
                    };
                    Some(format!(
                        "`$[{shown}$]` asks the resolver (DNS or the hosts file) for the canonical name of `{shown}`; when it has none the result is {fallback}."
                    ))
                }
                Item::Call { ruleset, input } => Some(format!(
                    "`$>{ruleset}` passes `{}` through ruleset {ruleset}{} and puts its result in place.",
                    render(input, pattern),
                    ruleset_purpose(machine, ruleset)
                )),
                Item::Deferred { name } => Some(format!(
                    "`$&{}` is the value of macro {} at the time the rule runs{}.",
                    form::macro_display(name),
                    form::macro_display(name),
                    macro_purpose(name)
                )),
                _ => None,
            };
            if let Some(n) = note {
                if !notes.contains(&n) {
                    notes.push(n);
                }
            }
        });
    }
    notes
}

fn lookup(
    machine: &Machine,
    pattern: &Pattern,
    map: &str,
    key: &Form,
    arguments: &[Form],
    default: Option<&Form>,
) -> String {
    let about = match machine.maps.get(map.as_bytes()) {
        Some(m) => {
            let class = String::from_utf8_lossy(&m.class).into_owned();
            let file = m
                .file
                .as_deref()
                .map(|f| format!(", file {}", String::from_utf8_lossy(f)))
                .unwrap_or_default();
            let what = crate::sendmail::macro_meanings::map_type_meaning(&class)
                .map(|w| format!(": {}", first_clause(w)))
                .unwrap_or_default();
            format!(" (a {class} map{file}, declared at line {}{what})", m.line)
        }
        None if map == "host" => " (the built-in host map: DNS or the hosts file)".to_owned(),
        None => ", which is not declared (sendmail reports `map not found`)".to_owned(),
    };
    let mut out = format!(
        "`$({map} ...$)` looks up `{}` in map {map}{about}; a match replaces it with the value found",
        render(key, pattern)
    );
    if !arguments.is_empty() {
        let args: Vec<String> = arguments
            .iter()
            .enumerate()
            .map(|(i, a)| format!("%{} = `{}`", i + 1, render(a, pattern)))
            .collect();
        out.push_str(&format!(" (in which {})", args.join(", ")));
    }
    match default {
        Some(d) => out.push_str(&format!(
            "; otherwise the result is `{}`.",
            render(d, pattern)
        )),
        None => out.push_str("; otherwise the key stays as it was."),
    }
    out
}

/// `, which ...` about a ruleset named in a call, when it is known.
fn ruleset_purpose(machine: &Machine, name: &str) -> String {
    match machine.rulesets.find(name.as_bytes()) {
        Ok(n) if machine.rulesets.rules(n).is_empty() => {
            " (which has no rules, so the call changes nothing)".into()
        }
        Ok(n) => match super::ruleset::known_purpose(n, machine.rulesets.name(n)) {
            Some(p) => format!(" ({})", first_clause(p)),
            None => String::new(),
        },
        Err(_) => " (no such ruleset: sendmail reports `Unknown ruleset`)".into(),
    }
}

fn macro_purpose(name: &str) -> String {
    match crate::sendmail::macro_meanings::macro_meaning(name) {
        Some(m) => format!(" ({})", first_clause(m)),
        None => String::new(),
    }
}

/// What the file's own macros put into the rule when it was read.
fn read_time_notes(machine: &Machine, written: &RewriteRule) -> Vec<String> {
    let mut notes = Vec::new();
    for (op, _) in written.lhs.operators().chain(written.rhs.operators()) {
        let note = match op {
            Operator::Macro(name) => {
                let shown = display(name);
                let value = machine
                    .macro_value(&name_bytes(name))
                    .map(|v| String::from_utf8_lossy(&print_token(&v, Some(&machine.names))).into_owned());
                let value = match value {
                    Some(v) if !v.is_empty() => format!("`{v}` once the whole file is read"),
                    _ => "empty once the whole file is read".to_owned(),
                };
                format!(
                    "`${shown}`{} is replaced by the macro's value when sendmail reads the rule ({value}).",
                    macro_purpose(&String::from_utf8_lossy(&name_bytes(name)))
                )
            }
            op if op.is_vendor() => {
                let (dialect, meaning) = op.vendor_meaning().unwrap_or(("vendor", "has a vendor meaning"));
                let emulated = matches!(op, Operator::SunMapMatch(_) | Operator::SunMapNonMatch(_));
                format!(
                    "`{}` is a {dialect} operator: it {meaning}.{}",
                    String::from_utf8_lossy(&op.to_source()),
                    if emulated {
                        " The explanation and the emulator follow the Sun dialect, against a map file given with --map."
                    } else {
                        " sendmail 8.17 does not implement it and reads the rule as it stands, so this explanation shows what 8.17 would do."
                    }
                )
            }
            Operator::IfSet(name) => format!(
                "The rule holds a `$?{}` conditional: which text it keeps is decided when sendmail reads the rule.",
                display(name)
            ),
            _ => continue,
        };
        if !notes.contains(&note) {
            notes.push(note);
        }
    }
    notes
}

fn name_bytes(name: &MacroName) -> Vec<u8> {
    match name {
        MacroName::Short(b) => vec![*b],
        MacroName::Long(t) => t.0.clone(),
    }
}

fn display(name: &MacroName) -> String {
    form::macro_display(&String::from_utf8_lossy(&name_bytes(name)))
}
