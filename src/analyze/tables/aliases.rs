//! Alias files in aliases(5) syntax, which Postfix reads too (`alias_maps`).
//!
//! An entry is `name: value, value, ...`. A line starting with a space or a
//! tab continues the previous entry, and so does a line ending in `\`; a
//! comment (`#`) or empty line ends it. The name runs to the first colon
//! (quotes around it are dropped) and is case-insensitive. When a name is
//! defined twice, newaliases warns and keeps the *last* value, whereas
//! postalias keeps the first: only the last survives here.
//!
//! Values that deliver to a program (`|cmd`), a file (`/path`) or an
//! include list (`:include:/path`) work in Postfix too, but under different
//! rules, so each is reported.

use std::collections::BTreeMap;

use crate::intent::{Disposition, Finding, Origin, Risk, RiskKind, Sourced};

use super::finding;

/// Alias entries as the intent keeps them: (name, value) with their line.
pub type AliasEntries = Vec<Sourced<(String, String)>>;

/// One logical entry before it is split into name and value.
struct Logical {
    line: u32,
    first_line: String,
    text: String,
}

/// Reads an alias file: the entries (name, value) in file order, findings
/// for lines that do not parse and for program, file and include targets,
/// and one [`RiskKind::AliasPrograms`] risk when any such target exists.
pub fn read_aliases(bytes: &[u8], file: &str) -> (AliasEntries, Vec<Finding>, Vec<Risk>) {
    let text = String::from_utf8_lossy(bytes);
    let mut findings = Vec::new();
    let logical = logical_lines(&text, file, &mut findings);

    let mut entries: AliasEntries = Vec::new();
    let mut by_name: BTreeMap<String, usize> = BTreeMap::new();
    for l in logical {
        let origin = Origin::new(file, l.line, &l.first_line);
        let Some((name, value)) = l.text.split_once(':') else {
            findings.push(finding(
                Disposition::NotTranslated,
                origin,
                "alias line without a colon",
                "newaliases rejects a line with no `name:` part",
                "add the colon or delete the line",
            ));
            continue;
        };
        let name = unquote(name.trim()).to_lowercase();
        let value = value.trim().to_owned();
        if name.is_empty() || value.is_empty() {
            findings.push(finding(
                Disposition::NotTranslated,
                origin,
                format!("alias `{name}`"),
                "newaliases rejects an alias with an empty name or value",
                "complete or delete the entry",
            ));
            continue;
        }
        if let Some(&index) = by_name.get(&name) {
            if let Some(old) = entries.get_mut(index) {
                findings.push(finding(
                    Disposition::Approximated,
                    old.origin.clone(),
                    format!("duplicate alias `{name}`"),
                    format!(
                        "newaliases keeps the later definition (line {}), postalias the first; only the later one is written",
                        l.line
                    ),
                    "delete one of the definitions",
                ));
                *old = Sourced::new((name, value), origin);
            }
            continue;
        }
        by_name.insert(name.clone(), entries.len());
        entries.push(Sourced::new((name, value), origin));
    }

    let mut special = 0usize;
    for entry in &entries {
        for item in split_values(&entry.value.1) {
            if let Some(f) = special_target(&entry.value.0, &item, &entry.origin) {
                special += 1;
                findings.push(f);
            }
        }
    }
    let mut risks = Vec::new();
    if special > 0 {
        risks.push(Risk {
            kind: RiskKind::AliasPrograms,
            origin: Origin::new(file, 0, ""),
            text: format!(
                "{special} alias target(s) in {file} deliver to programs, files or include lists"
            ),
            action: "review each one: Postfix runs them as the owner of the alias file (or default_privs when root owns it), and allow_mail_to_commands / allow_mail_to_files decide which are allowed".to_owned(),
        });
    }
    (entries, findings, risks)
}

/// Joins continuation lines into logical entries.
fn logical_lines(text: &str, file: &str, findings: &mut Vec<Finding>) -> Vec<Logical> {
    let mut out: Vec<Logical> = Vec::new();
    let mut open = false;
    let mut backslash = false;
    for (index, raw) in text.split('\n').enumerate() {
        let line_no = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let continues = backslash || line.starts_with([' ', '\t']);
        let (body, ends_in_backslash) = match line.strip_suffix('\\') {
            Some(body) => (body, true),
            None => (line, false),
        };
        backslash = false;
        if continues {
            match out.last_mut().filter(|_| open) {
                Some(last) => {
                    let piece = body.trim();
                    if !piece.is_empty() {
                        if !last.text.is_empty() {
                            last.text.push(' ');
                        }
                        last.text.push_str(piece);
                    }
                    backslash = ends_in_backslash;
                }
                None => {
                    if !line.trim().is_empty() {
                        findings.push(finding(
                            Disposition::NotTranslated,
                            Origin::new(file, line_no, line.trim()),
                            "alias continuation line without an entry",
                            "newaliases rejects a line that starts with whitespace but continues nothing",
                            "join it to an entry or delete it",
                        ));
                    }
                }
            }
            continue;
        }
        if line.is_empty() || line.starts_with('#') {
            open = false;
            continue;
        }
        out.push(Logical {
            line: line_no,
            first_line: line.to_owned(),
            text: body.trim().to_owned(),
        });
        open = true;
        backslash = ends_in_backslash;
    }
    out
}

/// Splits a value at commas outside double quotes.
fn split_values(value: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in value.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                current.push(c);
            }
            ',' if !quoted => {
                items.push(current.trim().to_owned());
                current.clear();
            }
            _ => current.push(c),
        }
    }
    items.push(current.trim().to_owned());
    items.retain(|i| !i.is_empty());
    items
}

/// A finding for a program, file or include target.
fn special_target(name: &str, item: &str, origin: &Origin) -> Option<Finding> {
    let bare = item.trim_start_matches('"');
    let (kind, reason) = if bare.starts_with('|') {
        ("program", "Postfix runs it with allow_mail_to_commands (default alias, forward) under the alias file owner's rights (default_privs when root owns the file), with local_command_shell instead of smrsh unless set")
    } else if bare.starts_with('/') {
        ("file", "Postfix appends to it with allow_mail_to_files (default alias, forward) under the alias file owner's rights (default_privs when root owns the file)")
    } else if bare.len() >= 9
        && bare.is_char_boundary(9)
        && bare[..9].eq_ignore_ascii_case(":include:")
    {
        ("include list", "Postfix reads it as the alias file owner (or the include file's owner for programs and files inside it), and allow_mail_to_commands/files apply to its contents")
    } else {
        return None;
    };
    Some(finding(
        Disposition::Approximated,
        origin.clone(),
        format!("alias `{name}` delivers to a {kind}: `{item}`"),
        reason,
        "check that the target still exists and that the Postfix rights allow it",
    ))
}

fn unquote(text: &str) -> &str {
    text.strip_prefix('"')
        .map(|t| t.strip_suffix('"').unwrap_or(t))
        .unwrap_or(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(e: &[Sourced<(String, String)>]) -> Vec<(String, String)> {
        e.iter().map(|s| s.value.clone()).collect()
    }

    #[test]
    fn simple_entries() {
        let (e, f, r) = read_aliases(b"# c\nPostmaster: root\nstaff: a, b,\n\tc\n\n", "aliases");
        assert!(f.is_empty());
        assert!(r.is_empty());
        assert_eq!(
            names(&e),
            vec![
                ("postmaster".into(), "root".into()),
                ("staff".into(), "a, b, c".into())
            ]
        );
        assert_eq!(e[1].origin.line, 3);
        assert_eq!(e[1].origin.text, "staff: a, b,");
    }

    #[test]
    fn backslash_continuation_and_quoted_name() {
        let (e, _, _) = read_aliases(b"\"Some One\": a,\\\nb\n", "aliases");
        assert_eq!(names(&e), vec![("some one".into(), "a, b".into())]);
    }

    #[test]
    fn comment_ends_an_entry() {
        let (e, f, _) = read_aliases(b"a: b\n# c\n  d\n", "aliases");
        assert_eq!(names(&e), vec![("a".into(), "b".into())]);
        assert_eq!(f.len(), 1);
    }

    #[test]
    fn bad_lines() {
        let (e, f, _) = read_aliases(b"nocolon\nempty:\n: x\n", "aliases");
        assert!(e.is_empty());
        assert_eq!(f.len(), 3);
    }

    #[test]
    fn last_duplicate_wins() {
        let (e, f, _) = read_aliases(b"a: b\nA: c\n", "aliases");
        assert_eq!(names(&e), vec![("a".into(), "c".into())]);
        assert_eq!(e[0].origin.line, 2);
        assert_eq!(f.len(), 1);
    }

    #[test]
    fn programs_files_and_includes() {
        let (e, f, r) = read_aliases(
            b"p: \"|/usr/bin/vacation joe, x\", joe\nf: /var/log/mail\ni: :include:/etc/mail/list\n",
            "aliases",
        );
        assert_eq!(e.len(), 3);
        assert_eq!(f.len(), 3);
        assert!(f.iter().all(|f| f.disposition == Disposition::Approximated));
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].kind, RiskKind::AliasPrograms);
        assert!(r[0].text.starts_with("3 "));
    }

    #[test]
    fn split_respects_quotes() {
        assert_eq!(
            split_values("\"a, b\", c,,"),
            vec!["\"a, b\"".to_string(), "c".to_string()]
        );
    }
}
