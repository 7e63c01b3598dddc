//! Explanations as terminal text or Markdown.

use std::fmt::Write;

use super::address::Trace;
use super::postfix_lines::PostfixLine;
use super::rule::RuleExplanation;
use super::Explanation;

/// How to lay the words out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// Plain text for a terminal: underlined headings, indented details.
    Text,
    /// Markdown: `#` headings, lists, code spans and blocks.
    Markdown,
}

struct Writer {
    style: Style,
    out: String,
}

impl Writer {
    fn heading(&mut self, level: usize, text: &str) {
        match self.style {
            Style::Markdown => {
                let _ = writeln!(self.out, "{} {text}\n", "#".repeat(level));
            }
            Style::Text => {
                let mark = if level <= 2 { '=' } else { '-' };
                let _ = writeln!(self.out, "{text}");
                if level <= 3 {
                    let _ = writeln!(
                        self.out,
                        "{}",
                        mark.to_string().repeat(text.chars().count().min(78))
                    );
                }
                self.out.push('\n');
            }
        }
    }

    fn para(&mut self, text: &str) {
        let _ = writeln!(self.out, "{text}\n");
    }

    fn item(&mut self, depth: usize, text: &str) {
        let indent = "  ".repeat(depth);
        let bullet = match self.style {
            Style::Markdown => "- ",
            Style::Text => "* ",
        };
        let mut lines = text.lines();
        let first = lines.next().unwrap_or("");
        let _ = writeln!(self.out, "{indent}{bullet}{first}");
        for l in lines {
            let _ = writeln!(self.out, "{indent}  {l}");
        }
    }

    /// Source text shown verbatim.
    fn code(&mut self, text: &str) {
        match self.style {
            Style::Markdown => {
                let fence = if text.contains("```") { "~~~" } else { "```" };
                let _ = writeln!(self.out, "{fence}\n{text}\n{fence}\n");
            }
            Style::Text => {
                for l in text.lines() {
                    let _ = writeln!(self.out, "    {l}");
                }
                self.out.push('\n');
            }
        }
    }

    fn end_list(&mut self) {
        if !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
    }
}

/// `` `text` `` in Markdown, the text itself in a terminal; tabs shown.
fn source(style: Style, text: &str) -> String {
    let text = text.replace('\t', "  ");
    match style {
        Style::Markdown if text.contains('`') => format!("`` {text} ``"),
        Style::Markdown => format!("`{text}`"),
        Style::Text => text,
    }
}

fn postfix_lines(w: &mut Writer, depth: usize, lines: &[PostfixLine]) {
    for l in lines {
        let text = l
            .text
            .replace('\n', " ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let shown = source(w.style, &text);
        w.item(depth, &format!("Postfix ({}): {shown}", l.file));
    }
}

fn rule(w: &mut Writer, r: &RuleExplanation) {
    let shown = source(w.style, &r.source);
    w.item(
        0,
        &format!("Line {} (rule {}): {shown}", r.line, r.position),
    );
    w.item(1, &r.summary);
    for n in &r.notes {
        w.item(1, n);
    }
}

/// A whole explanation.
pub fn explanation(e: &Explanation, style: Style) -> String {
    let mut w = Writer {
        style,
        out: String::new(),
    };
    w.heading(1, &format!("{} explained", e.file));
    w.para(&e.overview);
    if e.is_empty() {
        w.para("Nothing matches the selection.");
    }
    if let Some(d) = &e.diagram {
        w.heading(2, "Mail flow");
        w.code(d.trim_end());
    }
    if !e.rulesets.is_empty() {
        w.heading(2, "Rulesets");
    }
    for rs in &e.rulesets {
        let title = match &rs.name {
            Some(n) => format!("Ruleset {n} ({})", rs.number),
            None => format!("Ruleset {}", rs.number),
        };
        let title = if rs.line > 0 {
            format!("{title}, line {}", rs.line)
        } else {
            title
        };
        w.heading(3, &title);
        w.para(&rs.purpose);
        if !rs.used_by.is_empty() {
            w.para(&format!("Used by: {}.", rs.used_by.join("; ")));
        }
        for r in &rs.rules {
            rule(&mut w, r);
        }
        w.end_list();
    }
    if !e.mailers.is_empty() {
        w.heading(2, "Mailers");
    }
    for m in &e.mailers {
        let title = if m.line == 0 {
            format!("Mailer {} (built in)", m.name)
        } else {
            format!("Mailer {}, line {}", m.name, m.line)
        };
        w.heading(3, &title);
        if !m.source.is_empty() {
            w.code(&m.source);
        }
        w.para(&m.summary);
        if !m.program.is_empty() {
            w.item(0, &format!("Program: {}", source(style, &m.program)));
        }
        if !m.arguments.is_empty() {
            w.item(0, &format!("Arguments: {}", source(style, &m.arguments)));
        }
        for f in &m.flags {
            w.item(0, &format!("Flag {}: {}", f.flag, f.meaning));
        }
        for r in &m.rulesets {
            w.item(0, &format!("Rewrites {r}"));
        }
        for s in &m.settings {
            w.item(0, &capitalize(s));
        }
        postfix_lines(&mut w, 0, &m.postfix);
        w.end_list();
    }
    if !e.options.is_empty() {
        w.heading(2, "Options");
    }
    for o in &e.options {
        let shown = source(style, &o.source);
        w.item(0, &format!("Line {}: {shown}", o.line));
        w.item(1, &o.meaning);
        postfix_lines(&mut w, 1, &o.postfix);
        for m in &o.migration {
            w.item(1, &format!("Migration: {m}."));
        }
    }
    w.end_list();
    if !e.classes.is_empty() {
        w.heading(2, "Classes");
    }
    for c in &e.classes {
        let lines: Vec<String> = c.lines.iter().map(|(l, _)| l.to_string()).collect();
        w.item(
            0,
            &format!(
                "Class {} (line {}): {}",
                super::form::macro_display(&c.name),
                lines.join(", "),
                c.meaning
            ),
        );
        if c.member_count > 0 {
            let more = if c.member_count > c.members.len() {
                format!(" and {} more", c.member_count - c.members.len())
            } else {
                String::new()
            };
            w.item(1, &format!("Members: {}{more}.", c.members.join(" ")));
        } else {
            w.item(
                1,
                "Members: none after loading (a file or program it reads was not available).",
            );
        }
    }
    w.end_list();
    if !e.macros.is_empty() {
        w.heading(2, "Macros");
    }
    for m in &e.macros {
        let shown = source(style, &m.source);
        w.item(0, &format!("Line {}: {shown}", m.line));
        w.item(1, &m.meaning);
        match &m.value {
            Some(v)
                if !m
                    .source
                    .get(2..)
                    .is_some_and(|written| written.trim() == v.trim()) =>
            {
                w.item(1, &format!("Value after loading: {}", source(style, v)));
            }
            Some(_) => {}
            None => w.item(
                1,
                "Not set after loading (a later line or the environment unset it).",
            ),
        }
        postfix_lines(&mut w, 1, &m.postfix);
    }
    w.end_list();
    if !e.maps.is_empty() {
        w.heading(2, "Maps");
    }
    for m in &e.maps {
        let shown = source(style, &m.source);
        w.item(0, &format!("Map {}, line {}: {shown}", m.name, m.line));
        w.item(1, &format!("Class {}: {}", m.class, m.meaning));
        if let Some(f) = &m.file {
            w.item(1, &format!("File: {}", source(style, f)));
        }
        if m.used_by.is_empty() {
            w.item(1, "No rule looks into it.");
        } else {
            let lines: Vec<String> = m.used_by.iter().map(u32::to_string).collect();
            w.item(
                1,
                &format!("Looked up by the rules at lines {}.", lines.join(", ")),
            );
        }
        postfix_lines(&mut w, 1, &m.postfix);
        for f in &m.migration {
            w.item(1, &format!("Migration: {f}."));
        }
    }
    w.end_list();
    while w.out.ends_with("\n\n") {
        w.out.pop();
    }
    w.out
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// An address trace.
pub fn trace(t: &Trace, style: Style) -> String {
    let mut w = Writer {
        style,
        out: String::new(),
    };
    w.heading(1, &format!("What happens to {}", t.address));
    if t.steps.is_empty() {
        w.para("No rule changed the address.");
    }
    for (i, s) in t.steps.iter().enumerate() {
        let r = &s.rule;
        let call = if s.depth > 0 {
            format!(", called {} deep", s.depth)
        } else {
            String::new()
        };
        w.item(
            0,
            &format!(
                "Step {}: ruleset {}{call}, line {}: {}",
                i + 1,
                s.ruleset,
                r.line,
                source(style, &r.source)
            ),
        );
        w.item(1, &r.summary);
        for n in &r.notes {
            w.item(1, n);
        }
        if !s.bindings.is_empty() {
            let b: Vec<String> = s
                .bindings
                .iter()
                .map(|b| {
                    let (name, value) = b.split_once(" = ").unwrap_or((b, ""));
                    let n: usize = name.trim_start_matches('$').parse().unwrap_or(0);
                    let placeholder = r.pattern.placeholder(n);
                    format!("{placeholder} ({name}) = {}", source(style, value))
                })
                .collect();
            w.item(1, &format!("Here: {}.", b.join(", ")));
        }
        w.item(
            1,
            &format!(
                "{} becomes {}",
                source(style, &s.input),
                source(style, &s.output)
            ),
        );
    }
    w.end_list();
    for m in &t.messages {
        w.item(0, &format!("sendmail says: {m}"));
    }
    w.end_list();
    w.heading(2, "Decision");
    w.para(&t.decision.words);
    if let Some(p) = &t.postfix {
        w.heading(2, "In Postfix");
        w.para(&p.comparison);
        for (d, by) in p.deliveries.iter().zip(&p.decided_by) {
            w.item(0, &format!("{} (decided by {by})", source(style, d)));
        }
        postfix_lines(&mut w, 0, &p.lines);
        if p.lines.is_empty() {
            w.item(
                0,
                "No line of the migration is involved: Postfix's defaults do it.",
            );
        }
        w.end_list();
    }
    if !t.door.is_empty() {
        w.heading(2, "At the SMTP door");
        for d in &t.door {
            let agreement = match (&d.same, &d.explanation) {
                (true, _) => "the same answer".to_owned(),
                (false, Some(why)) => format!("a different answer, as intended: {why}"),
                (false, None) => "a DIFFERENT answer".to_owned(),
            };
            w.item(0, &format!("From {}: {agreement}.", d.client));
            for (side, v) in [("sendmail", &d.sendmail), ("Postfix", &d.postfix)] {
                w.item(
                    1,
                    &format!(
                        "{side}: {} ({} {}), decided by {}",
                        v.answer,
                        v.code,
                        source(style, &v.text),
                        source(style, &v.decided_by)
                    ),
                );
            }
        }
        w.end_list();
    }
    while w.out.ends_with("\n\n") {
        w.out.pop();
    }
    w.out
}
