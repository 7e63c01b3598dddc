//! The tree back to sendmail.cf text.
//!
//! The output is normalized (one space or comma between fields, `#`
//! comments moved to the end of their line) but reads back to the same tree:
//! `parse(print(tree)) == tree` when spans are ignored.

use crate::ast::*;
use crate::syntax::dollar_sequence_len;

/// Prints a whole configuration.
pub fn print(config: &Config) -> Vec<u8> {
    let mut out = Vec::new();
    let mut dialect = Dialect::default();
    for line in &config.lines {
        print_line(&mut out, line, dialect);
        out.push(b'\n');
        if let LineKind::Version(v) = &line.kind {
            dialect = Dialect {
                level: v.level,
                vendor: v
                    .vendor
                    .as_ref()
                    .is_some_and(|v| v.eq_ignore_ascii_case("sun")),
            };
        }
    }
    out
}

/// How the line being printed will be read: the configuration level set by
/// the `V` lines above it, and whether vendor operators are on (no `V` line
/// yet, or a Sun one).
#[derive(Clone, Copy, Debug)]
pub struct Dialect {
    pub level: u32,
    pub vendor: bool,
}

impl Default for Dialect {
    fn default() -> Self {
        Self {
            level: 0,
            vendor: true,
        }
    }
}

/// Prints one line as it will be read in `dialect`.
pub fn print_line(out: &mut Vec<u8>, line: &Line, dialect: Dialect) {
    if let LineKind::Comment(comment) = &line.kind {
        out.push(b'#');
        out.extend_from_slice(&comment.text.0);
        return;
    }
    let mut body = Vec::new();
    print_kind(&mut body, &line.kind);
    if body == b"\r" {
        // A CR at the end of a line is dropped when read: keep a byte after it.
        body.push(b' ');
    }
    if body == b"\n" {
        // A blank line followed by an indented one: keep a byte on the
        // second line so that it stays a continuation.
        body.push(b' ');
    }
    let verbatim = matches!(line.kind, LineKind::Unknown(_) | LineKind::Invalid(_));
    if verbatim && !line.comments.is_empty() {
        // Put each comment back where it was cut out.
        let mut with_comments = Vec::new();
        let mut from = 0;
        let mut previous = None;
        for comment in &line.comments {
            let at = (comment.position as usize).clamp(from, body.len());
            with_comments.extend(escape(&body[from..at], dialect));
            // Two comments at one place had a newline between them.
            with_comments.extend_from_slice(if previous == Some(at) {
                b"\n\t#"
            } else {
                b"\t#"
            });
            previous = Some(at);
            with_comments.extend_from_slice(&comment.text.0);
            from = at;
        }
        with_comments.extend(escape(&body[from..], dialect));
        if body.is_empty() || line.comments.first().is_some_and(|c| c.position == 0) {
            with_comments.insert(0, b'\n');
        }
        out.extend_from_slice(&with_comments);
        return;
    }
    let mut body = escape(&body, dialect);
    if body.is_empty() && !line.comments.is_empty() {
        body.push(b'\n');
    }
    out.extend_from_slice(&body);
    for (i, comment) in line.comments.iter().enumerate() {
        out.extend_from_slice(if i == 0 { b"\t#" } else { b"\n\t#" });
        out.extend_from_slice(&comment.text.0);
    }
}

/// Writes `\#` for every `#` that sendmail would take as a comment (from
/// configuration level 3 on).
fn escape(body: &[u8], dialect: Dialect) -> Vec<u8> {
    if dialect.level < 3 {
        return body.to_vec();
    }
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        match body[i] {
            b'$' => {
                let len = dollar_sequence_len(&body[i..], dialect.vendor);
                out.extend_from_slice(&body[i..i + len]);
                i += len;
            }
            b'#' => {
                out.extend_from_slice(b"\\#");
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

fn print_kind(out: &mut Vec<u8>, kind: &LineKind) {
    match kind {
        LineKind::Blank | LineKind::Comment(_) => {}
        LineKind::Version(v) => {
            out.push(b'V');
            out.extend(v.level.to_string().bytes());
            if let Some(vendor) = &v.vendor {
                out.push(b'/');
                out.extend_from_slice(&vendor.0);
            }
        }
        LineKind::Define(d) => {
            out.push(b'D');
            out.extend(d.name.to_source());
            out.extend(d.value.to_source());
        }
        LineKind::Class(c) => {
            out.push(b'C');
            out.extend(c.name.to_source());
            out.extend(c.words.to_source());
        }
        LineKind::ClassFile(f) => {
            out.push(b'F');
            out.extend(f.name.to_source());
            // A name that is itself a newline needs a space to stay a continuation.
            if f.name == MacroName::Short(b'\n') {
                out.push(b' ');
            }
            if let Some(flag) = &f.optional_flag {
                out.extend_from_slice(&flag.0);
                out.push(b' ');
            }
            out.extend_from_slice(&f.spec.0);
            if let Some(format) = &f.format {
                out.push(b' ');
                out.extend_from_slice(&format.0);
            }
        }
        LineKind::Trusted(t) => {
            out.push(b'T');
            for (i, user) in t.users.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                out.extend_from_slice(&user.0);
            }
        }
        LineKind::Option(o) => {
            out.push(b'O');
            match &o.form {
                OptionForm::Letter { letter } => out.push(*letter as u8),
                OptionForm::Long { name } => {
                    out.push(b' ');
                    out.extend_from_slice(&name.0);
                    out.push(b'=');
                }
            }
            out.extend(o.value.to_source());
        }
        LineKind::Header(h) => {
            out.push(b'H');
            match &h.condition {
                Some(HeaderCondition::MailerFlags(flags)) => {
                    out.push(b'?');
                    out.extend_from_slice(&flags.0);
                    out.push(b'?');
                }
                Some(HeaderCondition::MacroSet(name)) => {
                    out.extend_from_slice(b"?$");
                    out.extend(name.to_source());
                    out.push(b'?');
                }
                None => {}
            }
            out.extend_from_slice(&h.name.0);
            out.extend_from_slice(b": ");
            out.extend(h.value.to_source());
        }
        LineKind::Precedence(p) => {
            out.push(b'P');
            out.extend_from_slice(&p.name.0);
            out.push(b'=');
            out.extend(p.value.to_string().bytes());
        }
        LineKind::Map(k) => {
            out.push(b'K');
            out.extend_from_slice(&k.name.0);
            out.push(b' ');
            out.extend_from_slice(&k.class.0);
            if !k.spec.is_empty() {
                out.push(b' ');
                out.extend(k.spec.to_source());
            }
        }
        LineKind::Mailer(m) => {
            out.push(b'M');
            out.extend_from_slice(&m.name.0);
            for field in &m.fields {
                out.extend_from_slice(b", ");
                out.extend_from_slice(&field.key.0);
                out.push(b'=');
                out.extend(field.value.to_source());
            }
        }
        LineKind::Ruleset(s) => {
            out.push(b'S');
            match &s.id {
                RulesetId::Number { number } => out.extend(number.to_string().bytes()),
                RulesetId::Named { name, number } => {
                    out.extend_from_slice(&name.0);
                    if let Some(n) = number {
                        out.push(b'=');
                        out.extend(n.to_string().bytes());
                    }
                }
            }
        }
        LineKind::Rule(r) => {
            out.push(b'R');
            out.extend(r.lhs.to_source());
            out.push(b'\t');
            out.extend(r.rhs.to_source());
            if let Some(comment) = &r.comment {
                out.push(b'\t');
                out.extend_from_slice(&comment.0);
            }
        }
        LineKind::Environment(e) => {
            out.push(b'E');
            out.extend_from_slice(&e.name.0);
            if let Some(value) = &e.value {
                out.push(b'=');
                out.extend_from_slice(&value.0);
            }
        }
        LineKind::QueueGroup(q) => print_equates(out, b'Q', &q.name, &q.fields),
        LineKind::Milter(x) => print_equates(out, b'X', &x.name, &x.fields),
        LineKind::SunMacroLookup(l) => {
            out.push(b'L');
            out.extend(l.name.to_source());
            out.extend_from_slice(&l.key.0);
        }
        LineKind::SunClassLookup(g) => {
            out.push(b'G');
            out.extend(g.name.to_source());
            out.extend_from_slice(&g.key.0);
        }
        LineKind::Unknown(u) => out.extend_from_slice(&u.text.0),
        LineKind::Invalid(i) => out.extend_from_slice(&i.text.0),
    }
}

fn print_equates(out: &mut Vec<u8>, letter: u8, name: &Text, fields: &[EquateField]) {
    out.push(letter);
    out.extend_from_slice(&name.0);
    for field in fields {
        out.extend_from_slice(b", ");
        out.extend_from_slice(&field.key.0);
        out.push(b'=');
        out.extend_from_slice(&field.value.0);
    }
}
