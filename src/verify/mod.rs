//! `verify`: every address through the emulated sendmail (rulesets 3 and
//! 0, then the mailer's rewriting, as `/parse` shows it) and through the
//! model of the Postfix configuration (canonical and virtual alias
//! rewriting, then trivial-rewrite), compared as (kind, next hop, final
//! recipient) after the normalization in [`outcome`].

pub mod door;
pub mod maillog;
pub mod outcome;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::analyze::mailers;
use crate::engine::meta::CANONNET;
use crate::engine::{lossy_text, AddressFlags, Machine};
use crate::postfix::cleanup::Pipeline;

pub use outcome::Outcome;

/// The verdict for one address.
#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    pub address: String,
    pub sendmail: Outcome,
    /// One outcome per final recipient (virtual aliases may fan out).
    pub postfix: Vec<Outcome>,
    pub same: bool,
    /// For a difference of a known kind, why it is expected.
    pub explanation: Option<String>,
}

/// Why a difference is expected, for the kinds every migration shows:
/// address forms the old rules parse their own way, mailers that get the
/// user (or `host!user`) where Postfix passes the whole address, and
/// `user+detail` that old rules do not know.
pub fn explain(c: &Comparison) -> Option<&'static str> {
    let a = &c.address;
    if odd_form(a) {
        return Some(ODD_FORM);
    }
    let p = c.postfix.first()?;
    if c.sendmail.recipient.contains('!')
        && p.kind == c.sendmail.kind
        && p.next_hop == c.sendmail.next_hop
    {
        return Some("sendmail's mailer rewrites user@host.UUCP as host!user for the next hop; Postfix passes the address on as it is");
    }
    if p.kind == c.sendmail.kind
        && p.next_hop == c.sendmail.next_hop
        && !matches!(p.kind.as_str(), "smtp" | "local")
    {
        return Some("sendmail hands a UUCP or pipe mailer the user (or host!user); Postfix hands the pipe the whole address");
    }
    if a.split('@').next().is_some_and(|user| user.contains('+'))
        && c.sendmail.kind != "local"
        && p.kind == "local"
    {
        return Some("the old rules do not take user+detail as a local name; Postfix delivers it locally (recipient_delimiter)");
    }
    if !a.contains('@') && p.decided_by.contains("virtual_alias_maps") {
        return Some("Postfix qualifies a bare name with myorigin, and a virtual catch-all of that domain then takes it");
    }
    None
}

/// Why an [`odd_form`] address is handled differently.
pub const ODD_FORM: &str = "an address form (bang path, % hack, source route, nested brackets, null) that the old rules and Postfix parse differently";

/// Bang paths, `%` hacks, source routes, nested brackets, the null
/// address, several `@`: forms old rules parse their own way.
pub fn odd_form(a: &str) -> bool {
    a.contains('!')
        || a.contains('%')
        || a.contains(':')
        || a.matches('<').count() > 1
        || a == "<>"
        || a.matches('@').count() > 1
}

/// Counts by sendmail's delivery kind.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    pub total: u64,
    pub same: u64,
    pub different: u64,
    /// Differences of a known, expected kind (counted in `different` too).
    pub explained: u64,
    /// kind → (same, different)
    pub by_kind: BTreeMap<String, (u64, u64)>,
}

impl Summary {
    pub fn add(&mut self, c: &Comparison) {
        self.total += 1;
        let entry = self.by_kind.entry(c.sendmail.kind.clone()).or_default();
        if c.same {
            self.same += 1;
            entry.0 += 1;
        } else {
            self.different += 1;
            entry.1 += 1;
            if c.explanation.is_some() {
                self.explained += 1;
            }
        }
    }
}

/// The envelope address in a header-style address: the part in angle
/// brackets, or the text without `(comments)`.
pub fn envelope_address(text: &str) -> String {
    if let (Some(open), Some(close)) = (text.rfind('<'), text.rfind('>')) {
        if open < close {
            return text[open + 1..close].trim().to_owned();
        }
    }
    let mut out = String::new();
    let mut depth = 0usize;
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' if depth == 0 => {
                quoted = !quoted;
                out.push(c);
            }
            '(' if !quoted => depth += 1,
            ')' if !quoted && depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out.trim().to_owned()
}

/// Both sides, loaded once, compared address by address.
pub struct Verifier<'a> {
    pub machine: Machine,
    pub pipeline: Pipeline<'a>,
    /// `file:line: text` of each rule, by line.
    rule_text: BTreeMap<u32, String>,
}

impl<'a> Verifier<'a> {
    pub fn new(
        machine: Machine,
        pipeline: Pipeline<'a>,
        source: &crate::source::SourceFile,
        config: &crate::ast::Config,
    ) -> Self {
        let mut rule_text = BTreeMap::new();
        for line in &config.lines {
            if matches!(line.kind, crate::ast::LineKind::Rule(_)) {
                let text = String::from_utf8_lossy(source.slice(line.span));
                let text: String = text
                    .lines()
                    .next()
                    .unwrap_or("")
                    .chars()
                    .take(100)
                    .collect();
                rule_text.insert(
                    line.line,
                    format!("{}:{}: {}", source.name(), line.line, text),
                );
            }
        }
        Verifier {
            machine,
            pipeline,
            rule_text,
        }
    }

    /// sendmail's answer: `/parse`, with the rule that resolved it when
    /// `traced` (recording the trace costs more than the rewriting).
    pub fn sendmail(&mut self, address: &str, traced: bool) -> Outcome {
        let m = &mut self.machine;
        m.test_mode = false;
        m.trace = traced.then(Vec::new);
        let parsed = m.parse_address(address.as_bytes(), AddressFlags::default());
        m.out.clear();
        let steps = m.trace.take().unwrap_or_default();
        let line = steps
            .iter()
            .find(|s| s.output.first().and_then(|t| t.first()) == Some(&CANONNET))
            .map(|s| s.line);
        let decided_by = match line {
            Some(l) => self.rule_text.get(&l).cloned().unwrap_or_default(),
            None if traced => "no rule resolved it".into(),
            None => String::new(),
        };
        let Some(parsed) = parsed else {
            return Outcome {
                kind: "error".into(),
                next_hop: String::new(),
                recipient: String::new(),
                decided_by: "sendmail cannot parse the address".into(),
            };
        };
        let name = lossy_text(&parsed.mailer);
        let kind = match self.machine.mailer(&parsed.mailer) {
            Some(mailer) => {
                let k = mailers::kind(mailer);
                outcome::kind(&mailers::service(mailer, k))
            }
            None => outcome::kind(&name),
        };
        let user = lossy_text(&parsed.user);
        let recipient = outcome::recipient(&user);
        let hop = parsed.host.as_deref().map(lossy_text).unwrap_or_default();
        Outcome {
            next_hop: if kind == "local" || kind == "error" {
                String::new()
            } else {
                outcome::next_hop(&hop, &recipient)
            },
            kind,
            recipient,
            decided_by,
        }
    }

    /// Postfix's answer from the model.
    pub fn postfix(&self, address: &str) -> Vec<Outcome> {
        let mut envelope = envelope_address(address);
        if envelope.is_empty() {
            // The null address: Postfix's empty_address_recipient.
            envelope = self.pipeline.resolver.config.get("empty_address_recipient");
        }
        match self.pipeline.deliveries(&envelope) {
            Ok(deliveries) => deliveries
                .into_iter()
                .map(|d| {
                    let r = &d.resolution;
                    let kind = outcome::kind(&r.transport);
                    let recipient = outcome::recipient(&r.recipient);
                    let mut decided_by = r.decided_by.clone();
                    if !d.rewritten_by.is_empty() {
                        decided_by = format!("{} then {decided_by}", d.rewritten_by.join(", "));
                    }
                    Outcome {
                        next_hop: if kind == "local" || kind == "error" {
                            String::new()
                        } else {
                            outcome::next_hop(&r.nexthop, &recipient)
                        },
                        kind,
                        recipient,
                        decided_by,
                    }
                })
                .collect(),
            Err(e) => vec![Outcome {
                kind: "defer".into(),
                next_hop: String::new(),
                recipient: String::new(),
                decided_by: e,
            }],
        }
    }

    pub fn compare(&mut self, address: &str) -> Comparison {
        let mut sendmail = self.sendmail(address, false);
        let postfix = self.postfix(address);
        let same = postfix.len() == 1 && sendmail.same_as(&postfix[0]);
        if !same {
            // Only a difference needs to say which rule decided.
            sendmail = self.sendmail(address, true);
        }
        let mut c = Comparison {
            address: address.to_owned(),
            sendmail,
            postfix,
            same,
            explanation: None,
        };
        if !same {
            c.explanation = explain(&c).map(str::to_owned);
        }
        c
    }
}
