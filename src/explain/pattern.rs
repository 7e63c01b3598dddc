//! A left-hand side in words: what it matches and what each wildcard binds.

use serde::Serialize;

use crate::engine::meta::{
    CANONNET, CANONUSER, CONDELSE, MACRODEXPAND, MATCHANY, MATCHCLASS, MATCHNCLASS, MATCHONE,
    MATCHZANY, MATCHZERO, SUNMATCH, SUNNOMATCH,
};
use crate::engine::{print_token, MacroNames, Token};

/// What one wildcard matches.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Wildcard {
    /// `$*`
    ZeroOrMore,
    /// `$+`
    OneOrMore,
    /// `$-`
    ExactlyOne,
    /// `$=X`
    InClass { class: String },
    /// `$~X`
    NotInClass { class: String },
    /// SunOS `$%x`
    InNisMap { map_macro: String },
    /// SunOS `$!x`
    NotInNisMap { map_macro: String },
}

impl Wildcard {
    pub fn words(&self) -> String {
        match self {
            Wildcard::ZeroOrMore => "any tokens, possibly none".into(),
            Wildcard::OneOrMore => "one or more tokens".into(),
            Wildcard::ExactlyOne => "exactly one token (a single word)".into(),
            Wildcard::InClass { class } => {
                format!("a name listed in class {}", class_ref(class))
            }
            Wildcard::NotInClass { class } => format!(
                "exactly one token that is not listed in class {}",
                class_ref(class)
            ),
            Wildcard::InNisMap { map_macro } => format!(
                "a name found in the NIS map whose name macro `${}` holds",
                super::form::macro_display(map_macro)
            ),
            Wildcard::NotInNisMap { map_macro } => format!(
                "one token not found in the NIS map whose name macro `${}` holds",
                super::form::macro_display(map_macro)
            ),
        }
    }
}

/// `$=w (this host's names)`: a class with its meaning when it has one.
pub fn class_ref(class: &str) -> String {
    let shown = format!("`$={}`", super::form::macro_display(class));
    match crate::sendmail::macro_meanings::class_meaning(class) {
        Some(meaning) => format!("{shown} ({})", first_clause(meaning)),
        None => shown,
    }
}

/// The first clause of a description, for use inside a sentence.
pub fn first_clause(text: &str) -> String {
    // The first `.` or `;` that ends a clause: followed by a space or the
    // end, outside parentheses and code spans.
    let mut depth = 0i32;
    let mut code = false;
    let mut end = text.len();
    for (i, c) in text.char_indices() {
        match c {
            '`' => code = !code,
            '(' if !code => depth += 1,
            ')' if !code => depth -= 1,
            '.' | ';'
                if !code
                    && depth <= 0
                    && (text[i + 1..].starts_with(' ') || i + 1 == text.len()) =>
            {
                end = i;
                break;
            }
            _ => {}
        }
    }
    let clause = text[..end].trim();
    let mut chars = clause.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// What a bound part is, judged from the literal tokens around it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Before `@`, before a focused `<@host>`, after `!`, before `%`.
    User,
    /// After `@`, inside `<@ >`, before `!`, after `%`.
    Host,
    /// After a focused `<@host>`.
    Rest,
    /// Between `<` and `>` without `@`.
    Address,
    /// The mailer of an already resolved `$#` triple.
    Mailer,
    /// Left of a `$|` separator.
    Left,
    /// Right of a `$|` separator.
    Right,
}

impl Role {
    fn placeholder(self) -> &'static str {
        match self {
            Role::User => "USER",
            Role::Host => "HOST",
            Role::Rest => "REST",
            Role::Address => "ADDRESS",
            Role::Mailer => "MAILER",
            Role::Left => "LEFT",
            Role::Right => "RIGHT",
        }
    }

    fn words(self) -> &'static str {
        match self {
            Role::User => "the user (local) part",
            Role::Host => "the host part",
            Role::Rest => "what follows the host",
            Role::Address => "the address inside angle brackets",
            Role::Mailer => "the mailer already chosen",
            Role::Left => "the value left of the $| separator",
            Role::Right => "the value right of the $| separator",
        }
    }
}

/// One wildcard of a left-hand side and the `$n` it binds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Part {
    pub number: usize,
    pub wildcard: Wildcard,
    pub role: Option<Role>,
    /// How the explanation writes it: `USER`, `HOST2`, `PART3`.
    pub placeholder: String,
}

impl Part {
    pub fn words(&self) -> String {
        match self.role {
            Some(role) => format!(
                "{} (${}), {}, is {}",
                self.placeholder,
                self.number,
                role.words(),
                self.wildcard.words()
            ),
            None => format!(
                "{} (${}) is {}",
                self.placeholder,
                self.number,
                self.wildcard.words()
            ),
        }
    }
}

/// One element of a left-hand side.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Element {
    Literal(String),
    Wild(usize),
    /// `$&x`: the macro's value when the rule runs.
    Deferred(String),
    /// `$@` on a left-hand side: matches nothing.
    Nothing,
}

/// A left-hand side, explained.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Pattern {
    /// The shape with placeholders: `USER<@HOST.UUCP>`.
    pub shape: String,
    pub parts: Vec<Part>,
    /// The whole pattern in a sentence ("any address", "an address of
    /// the form ...").
    pub words: String,
}

impl Pattern {
    pub fn part(&self, number: usize) -> Option<&Part> {
        self.parts.iter().find(|p| p.number == number)
    }

    pub fn placeholder(&self, number: usize) -> String {
        match self.part(number) {
            Some(p) => p.placeholder.clone(),
            None => format!("${number} (no such wildcard)"),
        }
    }
}

fn id_name(names: &MacroNames, id: u8) -> String {
    String::from_utf8_lossy(&names.name_of(id)).into_owned()
}

/// Reads the loaded left-hand side tokens.
pub fn read(lhs: &[Token], names: &MacroNames) -> Pattern {
    let mut elements = Vec::new();
    let mut wildcards = Vec::new();
    for token in lhs {
        let op = token.first().copied().unwrap_or(0);
        let id = token.get(1).copied().unwrap_or(0);
        let wildcard = match op {
            MATCHZANY => Some(Wildcard::ZeroOrMore),
            MATCHANY => Some(Wildcard::OneOrMore),
            MATCHONE => Some(Wildcard::ExactlyOne),
            MATCHCLASS => Some(Wildcard::InClass {
                class: id_name(names, id),
            }),
            MATCHNCLASS => Some(Wildcard::NotInClass {
                class: id_name(names, id),
            }),
            SUNMATCH => Some(Wildcard::InNisMap {
                map_macro: id_name(names, id),
            }),
            SUNNOMATCH => Some(Wildcard::NotInNisMap {
                map_macro: id_name(names, id),
            }),
            _ => None,
        };
        if let Some(w) = wildcard {
            wildcards.push(w);
            elements.push(Element::Wild(wildcards.len()));
            continue;
        }
        elements.push(match op {
            MACRODEXPAND => Element::Deferred(id_name(names, id)),
            MATCHZERO => Element::Nothing,
            _ => Element::Literal(String::from_utf8_lossy(&print_token(token, Some(names))).into()),
        });
    }
    let roles = roles(&elements, wildcards.len());
    let mut parts: Vec<Part> = wildcards
        .into_iter()
        .enumerate()
        .map(|(i, wildcard)| Part {
            number: i + 1,
            wildcard,
            role: roles[i],
            placeholder: String::new(),
        })
        .collect();
    name_parts(&mut parts);
    let shape = shape(&elements, &parts);
    let words = words(&elements, &parts, &shape, lhs);
    Pattern {
        shape,
        parts,
        words,
    }
}

fn is_literal(e: &Element, text: &str) -> bool {
    matches!(e, Element::Literal(t) if t == text)
}

/// The role of each wildcard, from the literals around it.
fn roles(elements: &[Element], count: usize) -> Vec<Option<Role>> {
    let mut roles = vec![None; count];
    let mailer_triple = elements
        .first()
        .is_some_and(|e| is_literal(e, &print_meta(CANONNET)));
    let separator = elements
        .iter()
        .position(|e| is_literal(e, &print_meta(CONDELSE)));
    // Where a focused host starts (`<` `@`) and ends (`>`).
    // `<@>` alone is a marker m4 configurations use, not a focus.
    let focus_start = (0..elements.len().saturating_sub(1)).find(|&i| {
        is_literal(&elements[i], "<")
            && is_literal(&elements[i + 1], "@")
            && !elements.get(i + 2).is_some_and(|e| is_literal(e, ">"))
    });
    let focus_end = focus_start.and_then(|s| {
        (s + 2..elements.len())
            .find(|&i| is_literal(&elements[i], ">"))
            .or(Some(elements.len()))
    });
    for (i, e) in elements.iter().enumerate() {
        let Element::Wild(n) = e else { continue };
        let prev = i.checked_sub(1).map(|j| &elements[j]);
        let next = elements.get(i + 1);
        let lit = |e: Option<&Element>, t: &str| e.is_some_and(|e| is_literal(e, t));
        let role = if mailer_triple && i == 1 {
            Some(Role::Mailer)
        } else if let (Some(s), Some(end)) = (focus_start, focus_end) {
            if i < s {
                Some(Role::User)
            } else if i < end {
                Some(Role::Host)
            } else {
                Some(Role::Rest)
            }
        } else if lit(next, "@") || lit(next, "%") {
            Some(Role::User)
        } else if lit(prev, "@") || lit(prev, "%") || lit(next, "!") {
            Some(Role::Host)
        } else if lit(prev, "!") {
            Some(Role::User)
        } else if lit(prev, "<") && lit(next, ">") {
            Some(Role::Address)
        } else {
            match separator {
                Some(s) if i < s => Some(Role::Left),
                Some(_) => Some(Role::Right),
                None => None,
            }
        };
        if let Some(slot) = roles.get_mut(n - 1) {
            *slot = role;
        }
    }
    roles
}

fn print_meta(byte: u8) -> String {
    String::from_utf8_lossy(&print_token(&[byte], None)).into_owned()
}

/// Placeholders: the role's word, numbered when a role occurs twice;
/// `PARTn` without a role.
fn name_parts(parts: &mut [Part]) {
    let count = |role: Role, parts: &[Part]| parts.iter().filter(|p| p.role == Some(role)).count();
    let mut seen: Vec<(Role, usize)> = Vec::new();
    for i in 0..parts.len() {
        let placeholder = match parts[i].role {
            Some(role) => {
                let total = count(role, parts);
                let index = match seen.iter_mut().find(|(r, _)| *r == role) {
                    Some((_, n)) => {
                        *n += 1;
                        *n
                    }
                    None => {
                        seen.push((role, 1));
                        1
                    }
                };
                if total > 1 {
                    format!("{}{index}", role.placeholder())
                } else {
                    role.placeholder().to_owned()
                }
            }
            None if parts.len() == 1 => "ADDRESS".to_owned(),
            None => format!("PART{}", parts[i].number),
        };
        parts[i].placeholder = placeholder;
    }
}

fn shape(elements: &[Element], parts: &[Part]) -> String {
    let mut out = String::new();
    for e in elements {
        let piece = match e {
            Element::Literal(t) => t.clone(),
            Element::Wild(n) => parts
                .get(n - 1)
                .map(|p| p.placeholder.clone())
                .unwrap_or_default(),
            Element::Deferred(name) => format!("$&{}", super::form::macro_display(name)),
            Element::Nothing => continue,
        };
        let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
        if word(out.chars().last()) && word(piece.chars().next()) {
            out.push(' ');
        }
        out.push_str(&piece);
    }
    out
}

fn words(elements: &[Element], parts: &[Part], shape: &str, lhs: &[Token]) -> String {
    let only = |w: Wildcard| {
        elements.len() == 1 && parts.len() == 1 && parts[0].wildcard == w && parts[0].role.is_none()
    };
    if lhs.is_empty() || elements.iter().all(|e| *e == Element::Nothing) {
        return "empty (no tokens at all)".into();
    }
    let whole = parts
        .first()
        .map(|p| p.placeholder.clone())
        .unwrap_or_default();
    if only(Wildcard::ZeroOrMore) {
        return format!("anything, even an empty address ({whole}, $1)");
    }
    if only(Wildcard::OneOrMore) {
        return format!("any non-empty address ({whole}, $1)");
    }
    if only(Wildcard::ExactlyOne) {
        return format!("an address of exactly one token, a bare word ({whole}, $1)");
    }
    let mut out = if elements
        .first()
        .is_some_and(|e| is_literal(e, &print_meta(CANONNET)))
    {
        format!("a delivery triple already resolved, of the form `{shape}`")
    } else if elements
        .first()
        .is_some_and(|e| is_literal(e, &print_meta(CANONUSER)))
    {
        format!("a workspace of the form `{shape}`")
    } else {
        format!("an address of the form `{shape}`")
    };
    let mut clauses: Vec<String> = parts.iter().map(Part::words).collect();
    for e in elements {
        if let Element::Deferred(name) = e {
            clauses.push(format!(
                "$&{} is the value macro {} has when the rule runs",
                super::form::macro_display(name),
                super::form::macro_display(name)
            ));
        }
    }
    if !clauses.is_empty() {
        out.push_str(", where ");
        out.push_str(&join_words(&clauses));
    }
    out
}

/// `a`, `a and b`, `a, b and c`.
pub fn join_words(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join("; ")),
    }
}
