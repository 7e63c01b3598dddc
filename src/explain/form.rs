//! A rule side as a tree: literal text, bound parts, run-time macros,
//! lookups, host-name canonicalization and ruleset calls, built from the
//! tokens the engine loaded (macros of the file already substituted).

use serde::Serialize;

use crate::engine::meta::{
    CALLSUBR, CANONHOST, CANONNET, CANONUSER, CONDELSE, HOSTBEGIN, HOSTEND, LOOKUPBEGIN, LOOKUPEND,
    MACRODEXPAND, MATCHREPL,
};
use crate::engine::{print_token, MacroNames, Token};

/// A sequence of items: what a right-hand side (or part of one) builds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Form(pub Vec<Item>);

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "item", rename_all = "snake_case")]
pub enum Item {
    /// Literal tokens, as sendmail prints them; `raw` holds them joined
    /// with nothing between, as the workspace does.
    Text {
        text: String,
        #[serde(skip)]
        raw: String,
    },
    /// `$n`: the tokens the n-th wildcard matched.
    Part { number: usize },
    /// `$&x`: the macro's value when the rule runs.
    Deferred { name: String },
    /// `$( map key $@ arg... $: default $)`.
    Lookup {
        map: String,
        key: Form,
        arguments: Vec<Form>,
        default: Option<Form>,
    },
    /// `$[ host $: default $]`.
    Canonical { host: Form, default: Option<Form> },
    /// `$>ruleset rest`: the rest, rewritten by the ruleset.
    Call { ruleset: String, input: Form },
    /// A control operator standing for itself (`$|`, or `$#`/`$@`/`$:`
    /// where they are not prefixes or triple separators).
    Operator { text: String },
}

/// Which operators end the form being read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    /// The whole side (or a triple part): nothing but the end.
    Top,
    /// A lookup key or argument: `$@`, `$:` or `$)` end it.
    LookupKey,
    /// A lookup default: `$)` ends it.
    LookupDefault,
    /// A canonicalized host: `$:` or `$]` end it.
    HostName,
    /// A canonicalization default: `$]` ends it.
    HostDefault,
}

fn ends(context: Context, op: u8) -> bool {
    match context {
        Context::Top => false,
        Context::LookupKey => matches!(op, CANONHOST | CANONUSER | LOOKUPEND),
        Context::LookupDefault => op == LOOKUPEND,
        Context::HostName => matches!(op, CANONUSER | HOSTEND),
        Context::HostDefault => op == HOSTEND,
    }
}

struct Reader<'a> {
    tokens: &'a [Token],
    at: usize,
    names: &'a MacroNames,
}

impl Reader<'_> {
    fn text(&self, token: &[u8]) -> String {
        String::from_utf8_lossy(&print_token(token, Some(self.names))).into_owned()
    }

    fn read(&mut self, context: Context) -> Form {
        let mut items = Vec::new();
        while let Some(token) = self.tokens.get(self.at) {
            let op = token.first().copied().unwrap_or(0);
            if ends(context, op) {
                break;
            }
            self.at += 1;
            match op {
                MATCHREPL => {
                    let digit = token.get(1).copied().unwrap_or(b'0');
                    items.push(Item::Part {
                        number: usize::from(digit.wrapping_sub(b'0')),
                    });
                }
                MACRODEXPAND => {
                    let id = token.get(1).copied().unwrap_or(0);
                    items.push(Item::Deferred {
                        name: String::from_utf8_lossy(&self.names.name_of(id)).into_owned(),
                    });
                }
                LOOKUPBEGIN => items.push(self.lookup()),
                HOSTBEGIN => items.push(self.canonical()),
                CALLSUBR if context == Context::Top => {
                    let ruleset = match self.tokens.get(self.at) {
                        Some(t) => {
                            self.at += 1;
                            self.text(t).trim_matches('"').to_owned()
                        }
                        None => String::new(),
                    };
                    let input = self.read(Context::Top);
                    items.push(Item::Call { ruleset, input });
                }
                CALLSUBR | CANONNET | CANONHOST | CANONUSER | CONDELSE | LOOKUPEND | HOSTEND => {
                    items.push(Item::Operator {
                        text: self.text(token),
                    })
                }
                _ => push_text(&mut items, &self.text(token)),
            }
        }
        Form(items)
    }

    fn lookup(&mut self) -> Item {
        let map = match self.tokens.get(self.at) {
            Some(t) if t.first() != Some(&LOOKUPEND) => {
                self.at += 1;
                self.text(t)
            }
            _ => String::new(),
        };
        let key = self.read(Context::LookupKey);
        let mut arguments = Vec::new();
        let mut default = None;
        while let Some(token) = self.tokens.get(self.at) {
            self.at += 1;
            match token.first().copied() {
                Some(CANONHOST) => arguments.push(self.read(Context::LookupKey)),
                Some(CANONUSER) => default = Some(self.read(Context::LookupDefault)),
                _ => break,
            }
        }
        Item::Lookup {
            map,
            key,
            arguments,
            default,
        }
    }

    fn canonical(&mut self) -> Item {
        let host = self.read(Context::HostName);
        let mut default = None;
        if self.tokens.get(self.at).and_then(|t| t.first()) == Some(&CANONUSER) {
            self.at += 1;
            default = Some(self.read(Context::HostDefault));
        }
        if self.tokens.get(self.at).and_then(|t| t.first()) == Some(&HOSTEND) {
            self.at += 1;
        }
        Item::Canonical { host, default }
    }
}

/// Adds literal text, merging it with literal text just before it. Two
/// words next to each other keep a space between them, as sendmail's
/// printing of a token list would.
fn push_text(items: &mut Vec<Item>, text: &str) {
    if let Some(Item::Text { text: last, raw }) = items.last_mut() {
        let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
        if word(last.chars().last()) && word(text.chars().next()) {
            last.push(' ');
        }
        last.push_str(text);
        raw.push_str(text);
        return;
    }
    items.push(Item::Text {
        text: text.to_owned(),
        raw: text.to_owned(),
    });
}

/// Reads a token slice as one form.
pub fn read(tokens: &[Token], names: &MacroNames) -> Form {
    Reader {
        tokens,
        at: 0,
        names,
    }
    .read(Context::Top)
}

/// The triple a `$#` right-hand side builds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Triple {
    pub mailer: Form,
    pub host: Option<Form>,
    pub user: Option<Form>,
}

/// Splits a `$#` right-hand side (without the `$#`) into its parts: the
/// mailer up to `$@` or `$:`, the host up to `$:`, the user to the end.
/// Operators inside lookups and canonicalizations do not split.
pub fn triple(tokens: &[Token], names: &MacroNames) -> Triple {
    let mut depth = 0usize;
    let mut host_at = None;
    let mut user_at = None;
    for (i, t) in tokens.iter().enumerate() {
        match t.first().copied() {
            Some(LOOKUPBEGIN | HOSTBEGIN) => depth += 1,
            Some(LOOKUPEND | HOSTEND) => depth = depth.saturating_sub(1),
            Some(CANONHOST) if depth == 0 && host_at.is_none() && user_at.is_none() => {
                host_at = Some(i)
            }
            Some(CANONUSER) if depth == 0 && user_at.is_none() => user_at = Some(i),
            _ => {}
        }
    }
    let mailer_end = host_at.or(user_at).unwrap_or(tokens.len());
    let host = host_at.map(|h| read(&tokens[h + 1..user_at.unwrap_or(tokens.len())], names));
    let user = user_at.map(|u| read(&tokens[u + 1..], names));
    Triple {
        mailer: read(&tokens[..mailer_end], names),
        host,
        user,
    }
}

impl Form {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The literal text when the form holds nothing else.
    pub fn literal(&self) -> Option<String> {
        match self.0.as_slice() {
            [] => Some(String::new()),
            [Item::Text { text, .. }] => Some(text.clone()),
            _ => None,
        }
    }

    /// `Some(n)` when the form is exactly `$n`.
    pub fn single_part(&self) -> Option<usize> {
        match self.0.as_slice() {
            [Item::Part { number }] => Some(*number),
            _ => None,
        }
    }

    /// Every item, nested ones included, depth first.
    pub fn walk(&self, visit: &mut dyn FnMut(&Item)) {
        for item in &self.0 {
            visit(item);
            match item {
                Item::Lookup {
                    key,
                    arguments,
                    default,
                    ..
                } => {
                    key.walk(visit);
                    for a in arguments {
                        a.walk(visit);
                    }
                    if let Some(d) = default {
                        d.walk(visit);
                    }
                }
                Item::Canonical { host, default } => {
                    host.walk(visit);
                    if let Some(d) = default {
                        d.walk(visit);
                    }
                }
                Item::Call { input, .. } => input.walk(visit),
                _ => {}
            }
        }
    }

    /// The form with each `$n` shown by `name(n)`, lookups and calls in a
    /// short bracketed notation.
    pub fn render(&self, name: &dyn Fn(usize) -> String) -> String {
        let mut out = String::new();
        for item in &self.0 {
            let piece = match item {
                Item::Text { text, .. } | Item::Operator { text } => text.clone(),
                Item::Part { number } => name(*number),
                Item::Deferred { name } => format!("$&{}", macro_display(name)),
                Item::Lookup { map, key, .. } => {
                    format!("[{map} lookup of {}]", key.render(name))
                }
                Item::Canonical { host, .. } => {
                    format!("[canonical name of {}]", host.render(name))
                }
                Item::Call { ruleset, input } => {
                    format!("[ruleset {ruleset} applied to {}]", input.render(name))
                }
            };
            let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
            if word(out.chars().last()) && word(piece.chars().next()) {
                out.push(' ');
            }
            out.push_str(&piece);
        }
        out
    }

    /// The bytes this form builds from the given wildcard bindings, when it
    /// holds only text and parts (no lookup, call or run-time macro).
    pub fn evaluate(&self, part: &dyn Fn(usize) -> Option<String>) -> Option<String> {
        let mut out = String::new();
        for item in &self.0 {
            match item {
                Item::Text { raw, .. } => out.push_str(raw),
                Item::Part { number } => out.push_str(&part(*number)?),
                _ => return None,
            }
        }
        Some(out)
    }
}

/// A macro name as written after `$`: `x` or `{name}`.
pub fn macro_display(name: &str) -> String {
    if name.chars().count() == 1 {
        name.to_owned()
    } else {
        format!("{{{name}}}")
    }
}
