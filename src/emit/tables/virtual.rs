//! virtual(5) content from virtual aliases (sendmail's virtusertable).
//!
//! Lookup order matters. For `user+detail@domain` sendmail tries the full
//! address, `user++@domain`, `user+*@domain`, `user@domain`, `++@domain`,
//! `+*@domain` and `@domain`. Postfix's virtual(5) tries `user+detail@domain`,
//! `user@domain` (with `recipient_delimiter = +`), then `@domain`, asking
//! each table in `virtual_alias_maps` for one form before the next, and a
//! regexp table only for the full address. So a regexp catch-all would win
//! over a hash `user@domain` entry for addresses with a detail.
//!
//! To keep sendmail's order, a domain is written either entirely to the
//! hash table (when none of its entries needs `+` wildcards or `%n`
//! substitution) or entirely to the regexp table, in sendmail's order. The
//! one substitution the hash table can do is `@domain %1@other`, written
//! `@domain @other` ("same user in the other domain").
//!
//! `error:` targets have no virtual(5) form: address entries become
//! `check_recipient_access` rejections (`rejects`); an `@domain` error is
//! left to Postfix's own rejection of unknown virtual alias recipients.

use std::collections::BTreeMap;

use crate::intent::{Disposition, Finding, Origin, VirtualAlias, VirtualTarget};

use super::{dsn_for, one_line, push_entry, render_sorted, reply_code, Line};

/// The tables `virtual_tables` writes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VirtualTables {
    /// `hash:` source for `virtual_alias_maps`, listed first.
    pub hash: String,
    /// `regexp:` source for `virtual_alias_maps`, listed after the hash.
    pub regexp: String,
    /// `hash:` source for `check_recipient_access`: rejections (and
    /// discards) from `error:` targets.
    pub rejects: String,
    /// What could not be written exactly.
    pub findings: Vec<Finding>,
}

/// Lookup steps in sendmail's order; a regexp domain's lines are sorted by
/// these first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Exact,
    UserPlusNonEmpty,
    UserPlusAny,
    UserWithDetail,
    PlusNonEmpty,
    PlusAny,
    DomainWithDetail,
    Domain,
}

/// What `%1`, `%2` and `%3` become in one regexp line.
struct Pattern {
    step: Step,
    regex: String,
    /// Replacements for %1, %2, %3.
    subs: [&'static str; 3],
}

const PLAIN: [&str; 3] = ["${1}", "", ""];
const DETAIL: [&str; 3] = ["${1}", "${2}", "+${2}"];

/// Splits the virtual aliases into a hash table, a regexp table and a
/// recipient-access table of rejections; see the module documentation for
/// how sendmail's lookup order is kept.
pub fn virtual_tables(aliases: &[VirtualAlias]) -> VirtualTables {
    let mut by_domain: BTreeMap<String, Vec<&VirtualAlias>> = BTreeMap::new();
    for alias in aliases {
        let domain = alias
            .key
            .rsplit_once('@')
            .map(|(_, d)| d.to_ascii_lowercase())
            .unwrap_or_default();
        by_domain.entry(domain).or_default().push(alias);
    }
    let mut tables = VirtualTables::default();
    let mut hash = Vec::new();
    let mut rejects = Vec::new();
    let mut regexp: Vec<(String, Step, String, Origin, String)> = Vec::new();
    let mut extension_note: Option<Origin> = None;
    for (domain, entries) in &mut by_domain {
        entries.sort_by(|a, b| (&a.key, &a.origin).cmp(&(&b.key, &b.origin)));
        let use_regexp = entries.iter().any(|a| needs_regexp(a));
        for alias in entries {
            let key = alias.key.to_ascii_lowercase();
            let (local, _) = key.rsplit_once('@').unwrap_or(("", ""));
            match &alias.target {
                VirtualTarget::Addresses { targets } => {
                    if use_regexp {
                        for p in patterns(local, domain) {
                            let result = regexp_result(targets, &p.subs);
                            let line = format!("/{}/\t{}", p.regex, result);
                            regexp.push((
                                domain.clone(),
                                p.step,
                                key.clone(),
                                alias.origin.clone(),
                                line,
                            ));
                        }
                    } else {
                        if !local.is_empty() && extension_note.is_none() {
                            extension_note = Some(alias.origin.clone());
                        }
                        hash.push(Line {
                            text: format!("{key}\t{}", hash_result(local, targets)),
                            key,
                            origin: alias.origin.clone(),
                        });
                    }
                }
                VirtualTarget::Error { status, code, text } => {
                    if local.is_empty() {
                        tables.findings.push(note(
                            Disposition::Approximated,
                            &alias.origin,
                            format!("catch-all error for `{key}`"),
                            "Postfix rejects recipients of a virtual alias domain that have no entry with its own 550 5.1.1 \"User unknown\" reply; the custom text is lost",
                            "list the domain in virtual_alias_domains (not mydestination) so unknown users are rejected",
                        ));
                    } else if is_wildcard(local) {
                        tables.findings.push(wildcard_error(&alias.origin, &key));
                    } else {
                        let dsn = dsn_for(Some(status), *code);
                        let code = reply_code(*code, &dsn);
                        let text = one_line(text);
                        let result = if text.is_empty() {
                            format!("{code} {dsn}")
                        } else {
                            format!("{code} {dsn} {text}")
                        };
                        rejects.push(Line {
                            text: format!("{key}\t{result}"),
                            key,
                            origin: alias.origin.clone(),
                        });
                    }
                }
                VirtualTarget::Discard => {
                    if local.is_empty() || is_wildcard(local) {
                        tables.findings.push(note(
                            Disposition::NotTranslated,
                            &alias.origin,
                            format!("discarding `{key}`"),
                            "Postfix has no per-recipient discard for a wildcard or a whole domain",
                            "alias these addresses to a local alias that delivers to /dev/null",
                        ));
                    } else {
                        tables.findings.push(note(
                            Disposition::Approximated,
                            &alias.origin,
                            format!("discarding `{key}`"),
                            "check_recipient_access DISCARD drops the whole message, for every recipient",
                            "alias the address to a local alias that delivers to /dev/null if other recipients must still get the mail",
                        ));
                        rejects.push(Line {
                            text: format!("{key}\tDISCARD"),
                            key,
                            origin: alias.origin.clone(),
                        });
                    }
                }
            }
        }
    }
    if let Some(origin) = extension_note {
        tables.findings.push(note(
            Disposition::Approximated,
            &origin,
            "virtual aliases and +detail",
            "with recipient_delimiter set, Postfix appends an unmatched +detail to the alias target (propagate_unmatched_extensions); sendmail drops it unless the value uses %3",
            "set propagate_unmatched_extensions = canonical to drop it as sendmail does",
        ));
    }
    regexp.sort_by(|a, b| (&a.0, a.1, &a.2).cmp(&(&b.0, b.1, &b.2)));
    let mut last_line: Option<String> = None;
    for (_, _, _, origin, line) in regexp {
        if last_line.as_deref() == Some(line.as_str()) {
            continue;
        }
        push_entry(&mut tables.regexp, &origin, &line);
        last_line = Some(line);
    }
    tables.findings.sort();
    tables.hash = render_sorted(hash);
    tables.rejects = render_sorted(rejects);
    tables
}

fn note(
    disposition: Disposition,
    origin: &Origin,
    subject: impl Into<String>,
    reason: &str,
    action: &str,
) -> Finding {
    Finding {
        disposition,
        origin: origin.clone(),
        subject: subject.into(),
        reason: reason.to_owned(),
        action: action.to_owned(),
    }
}

fn wildcard_error(origin: &Origin, key: &str) -> Finding {
    note(
        Disposition::NotTranslated,
        origin,
        format!("error for wildcard `{key}`"),
        "Postfix's recipient access tables have no `+*` wildcards",
        "add a regexp table to check_recipient_access for these addresses",
    )
}

/// `user+*`, `user++`, `+*`, `++`.
fn is_wildcard(local: &str) -> bool {
    local.ends_with("+*") || local.ends_with("++")
}

/// True when the entry cannot be written to the hash table.
fn needs_regexp(alias: &VirtualAlias) -> bool {
    let (local, _) = alias.key.rsplit_once('@').unwrap_or(("", ""));
    if is_wildcard(local) {
        return true;
    }
    match &alias.target {
        VirtualTarget::Addresses { targets } => {
            let plain_domain_map =
                local.is_empty() && targets.len() == 1 && same_user_domain(&targets[0]).is_some();
            !plain_domain_map && targets.iter().any(|t| t.contains('%'))
        }
        _ => false,
    }
}

/// `%1@other` → `other` (when nothing else is substituted).
fn same_user_domain(target: &str) -> Option<&str> {
    target
        .strip_prefix("%1@")
        .filter(|d| !d.is_empty() && !d.contains(['%', '@']))
}

fn hash_result(local: &str, targets: &[String]) -> String {
    if local.is_empty() && targets.len() == 1 {
        if let Some(domain) = same_user_domain(&targets[0]) {
            return format!("@{domain}");
        }
    }
    targets.join(", ")
}

/// The regexp lines for one key, with their place in sendmail's order.
fn patterns(local: &str, domain: &str) -> Vec<Pattern> {
    let d = escape(domain);
    let p = |step, regex: String, subs| Pattern { step, regex, subs };
    if local.is_empty() {
        return vec![
            p(
                Step::DomainWithDetail,
                format!("^([^+@]+)\\+([^@]*)@{d}$"),
                DETAIL,
            ),
            p(Step::Domain, format!("^([^@]+)@{d}$"), PLAIN),
        ];
    }
    if local == "++" {
        return vec![p(
            Step::PlusNonEmpty,
            format!("^([^+@]+)\\+([^@]+)@{d}$"),
            DETAIL,
        )];
    }
    if local == "+*" {
        return vec![p(
            Step::PlusAny,
            format!("^([^+@]+)\\+([^@]*)@{d}$"),
            DETAIL,
        )];
    }
    if let Some(user) = local.strip_suffix("++") {
        let u = escape(user);
        return vec![p(
            Step::UserPlusNonEmpty,
            format!("^({u})\\+([^@]+)@{d}$"),
            DETAIL,
        )];
    }
    if let Some(user) = local.strip_suffix("+*") {
        let u = escape(user);
        return vec![p(
            Step::UserPlusAny,
            format!("^({u})\\+([^@]*)@{d}$"),
            DETAIL,
        )];
    }
    let u = escape(local);
    if local.contains('+') {
        // A literal `user+detail` key: sendmail passes the whole local part as %1.
        return vec![p(Step::Exact, format!("^({u})@{d}$"), PLAIN)];
    }
    vec![
        p(Step::Exact, format!("^({u})@{d}$"), PLAIN),
        p(
            Step::UserWithDetail,
            format!("^({u})\\+([^@]*)@{d}$"),
            DETAIL,
        ),
    ]
}

/// Escapes text for a Postfix regexp pattern between `/` delimiters.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\.+*?()[]{}|^$/".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A regexp result: `%n` replaced, `$` doubled, list joined.
fn regexp_result(targets: &[String], subs: &[&str; 3]) -> String {
    let one = |t: &String| {
        let mut out = String::new();
        let mut chars = t.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '$' => out.push_str("$$"),
                '%' => match chars.peek() {
                    Some('1') => {
                        chars.next();
                        out.push_str(subs[0]);
                    }
                    Some('2') => {
                        chars.next();
                        out.push_str(subs[1]);
                    }
                    Some('3') => {
                        chars.next();
                        out.push_str(subs[2]);
                    }
                    _ => out.push('%'),
                },
                _ => out.push(c),
            }
        }
        out
    };
    targets.iter().map(one).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alias(key: &str, target: VirtualTarget, line: u32) -> VirtualAlias {
        VirtualAlias {
            key: key.into(),
            target,
            origin: Origin::new("virtusertable", line, "x"),
        }
    }

    fn to(list: &[&str]) -> VirtualTarget {
        VirtualTarget::Addresses {
            targets: list.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn plain_entries_go_to_hash() {
        let t = virtual_tables(&[
            alias("info@foo.com", to(&["foo-info"]), 1),
            alias("@baz.org", to(&["jane@example.net"]), 2),
            alias("@moved.org", to(&["%1@new.org"]), 3),
            alias("list@foo.com", to(&["a@x", "b"]), 4),
        ]);
        assert_eq!(
            t.hash,
            "# virtusertable:2\n@baz.org\tjane@example.net\n\
             # virtusertable:3\n@moved.org\t@new.org\n\
             # virtusertable:1\ninfo@foo.com\tfoo-info\n\
             # virtusertable:4\nlist@foo.com\ta@x, b\n"
        );
        assert!(t.regexp.is_empty());
        assert!(t.rejects.is_empty());
        assert_eq!(t.findings.len(), 1, "the +detail note");
    }

    #[test]
    fn substitution_moves_the_whole_domain_to_regexp_in_sendmail_order() {
        let t = virtual_tables(&[
            alias("@bar.org", to(&["%1%3@x.org"]), 1),
            alias("joe@bar.org", to(&["joe@y.org"]), 2),
            alias("old+*@bar.org", to(&["new+%2@x.org"]), 3),
            alias("+*@bar.org", to(&["%1@z.org"]), 4),
            alias("info@other.org", to(&["i"]), 5),
        ]);
        assert_eq!(t.hash, "# virtusertable:5\ninfo@other.org\ti\n");
        assert_eq!(
            t.regexp,
            "# virtusertable:2\n/^(joe)@bar\\.org$/\tjoe@y.org\n\
             # virtusertable:3\n/^(old)\\+([^@]*)@bar\\.org$/\tnew+${2}@x.org\n\
             # virtusertable:2\n/^(joe)\\+([^@]*)@bar\\.org$/\tjoe@y.org\n\
             # virtusertable:4\n/^([^+@]+)\\+([^@]*)@bar\\.org$/\t${1}@z.org\n\
             # virtusertable:1\n/^([^+@]+)\\+([^@]*)@bar\\.org$/\t${1}+${2}@x.org\n\
             # virtusertable:1\n/^([^@]+)@bar\\.org$/\t${1}@x.org\n"
        );
    }

    #[test]
    fn non_empty_detail_forms() {
        let t = virtual_tables(&[
            alias("x++@foo.org", to(&["Z%3@example.com"]), 1),
            alias("++@foo.org", to(&["%2@example.com"]), 2),
        ]);
        assert_eq!(
            t.regexp,
            "# virtusertable:1\n/^(x)\\+([^@]+)@foo\\.org$/\tZ+${2}@example.com\n\
             # virtusertable:2\n/^([^+@]+)\\+([^@]+)@foo\\.org$/\t${2}@example.com\n"
        );
    }

    #[test]
    fn errors_become_rejects() {
        let err = |status: &str, code, text: &str| VirtualTarget::Error {
            status: status.into(),
            code,
            text: text.into(),
        };
        let t = virtual_tables(&[
            alias(
                "joe@bar.com",
                err("nouser", Some(550), "No such user here"),
                1,
            ),
            alias("jax@bar.com", err("5.7.0", Some(550), "Address invalid"), 2),
            alias("tmp@bar.com", err("4.0.0", None, ""), 3),
            alias("@bar.com", err("nouser", Some(550), "x"), 4),
            alias("a+*@bar.com", err("nouser", Some(550), "x"), 5),
        ]);
        assert_eq!(
            t.rejects,
            "# virtusertable:2\njax@bar.com\t550 5.7.0 Address invalid\n\
             # virtusertable:1\njoe@bar.com\t550 5.1.1 No such user here\n\
             # virtusertable:3\ntmp@bar.com\t450 4.0.0\n"
        );
        assert_eq!(t.findings.len(), 2);
        assert!(t.hash.is_empty() && t.regexp.is_empty());
    }

    #[test]
    fn discards() {
        let t = virtual_tables(&[
            alias("a@b.c", VirtualTarget::Discard, 1),
            alias("@b.c", VirtualTarget::Discard, 2),
        ]);
        assert_eq!(t.rejects, "# virtusertable:1\na@b.c\tDISCARD\n");
        assert_eq!(t.findings.len(), 2);
    }

    #[test]
    fn regexp_escaping() {
        assert_eq!(escape("a.b+c/d$"), "a\\.b\\+c\\/d\\$");
        assert_eq!(regexp_result(&["$x%1%9".to_string()], &PLAIN), "$$x${1}%9");
    }

    #[test]
    fn literal_detail_key_is_exact() {
        let t = virtual_tables(&[alias("a+b@d.e", to(&["%1@x"]), 1)]);
        assert_eq!(t.regexp, "# virtusertable:1\n/^(a\\+b)@d\\.e$/\t${1}@x\n");
    }

    #[test]
    fn deterministic_regardless_of_input_order() {
        let a = vec![
            alias("@b.org", to(&["%1@x"]), 1),
            alias("u+*@b.org", to(&["y"]), 2),
            alias("v@b.org", to(&["z"]), 3),
        ];
        let mut b = a.clone();
        b.reverse();
        assert_eq!(virtual_tables(&a), virtual_tables(&b));
    }
}
