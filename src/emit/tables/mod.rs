//! Postfix lookup tables written from the intent.
//!
//! Each writer returns the text of one Postfix table source file (for
//! `postmap`, or a `regexp:`/`cidr:` table). Entries are sorted so the same
//! intent always gives the same file, and each entry is preceded by a
//! `# file:line` comment naming the sendmail line it came from.

pub mod access;
pub mod aliases;
pub mod canonical;
pub mod generic;
pub mod transport;
pub mod r#virtual;

pub use access::{access_tables, AccessTables};
pub use aliases::aliases;
pub use canonical::canonical;
pub use generic::generic;
pub use r#virtual::{virtual_tables, VirtualTables};
pub use transport::transport;

use crate::intent::Origin;

/// One table line with the origin comment that goes above it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Line {
    pub key: String,
    pub origin: Origin,
    pub text: String,
}

/// Writes lines sorted by key, dropping later duplicates of a key (the
/// sort is stable, so the first one given wins, as Postfix's table
/// builders would keep it anyway).
pub(crate) fn render_sorted(mut lines: Vec<Line>) -> String {
    lines.sort_by(|a, b| a.key.cmp(&b.key));
    let mut out = String::new();
    let mut last: Option<String> = None;
    for line in lines {
        if last.as_deref() == Some(line.key.as_str()) {
            continue;
        }
        push_entry(&mut out, &line.origin, &line.text);
        last = Some(line.key);
    }
    out
}

/// Appends `# file:line` and the entry.
pub(crate) fn push_entry(out: &mut String, origin: &Origin, text: &str) {
    out.push_str("# ");
    out.push_str(&origin.location());
    out.push('\n');
    out.push_str(text);
    out.push('\n');
}

/// The enhanced status code Postfix should send for a sendmail status
/// (a `D.S.N`, an exit-status word such as `nouser`, or nothing) and
/// reply code.
pub fn dsn_for(status: Option<&str>, code: Option<u16>) -> String {
    let class = match (code, status) {
        (Some(c), _) if (400..500).contains(&c) => '4',
        (None, Some(s)) if s.starts_with('4') || s.eq_ignore_ascii_case("tempfail") => '4',
        _ => '5',
    };
    match status {
        Some(s) if crate::analyze::tables::error_value::is_dsn(s) => s.to_owned(),
        Some(w) => match w.to_ascii_lowercase().as_str() {
            "nouser" => format!("{class}.1.1"),
            "nohost" => format!("{class}.1.2"),
            "tempfail" => "4.0.0".to_owned(),
            "noperm" => format!("{class}.7.1"),
            _ => format!("{class}.0.0"),
        },
        None => format!("{class}.0.0"),
    }
}

/// The reply code to send: the one written, else 450 or 550 by the class
/// of the enhanced status.
pub fn reply_code(code: Option<u16>, dsn: &str) -> u16 {
    match code {
        Some(c) => c,
        None if dsn.starts_with('4') => 450,
        None => 550,
    }
}

/// Text on one line: runs of whitespace, line breaks included, become
/// one space.
pub(crate) fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn o(line: u32) -> Origin {
        Origin::new("f", line, "x")
    }

    #[test]
    fn sorted_with_comments_and_first_duplicate() {
        let lines = vec![
            Line {
                key: "b".into(),
                origin: o(1),
                text: "b 1".into(),
            },
            Line {
                key: "a".into(),
                origin: o(3),
                text: "a 2".into(),
            },
            Line {
                key: "a".into(),
                origin: o(2),
                text: "a 3".into(),
            },
        ];
        assert_eq!(render_sorted(lines), "# f:3\na 2\n# f:1\nb 1\n");
    }

    #[test]
    fn dsn_translation() {
        assert_eq!(dsn_for(Some("5.7.0"), Some(550)), "5.7.0");
        assert_eq!(dsn_for(Some("nouser"), Some(550)), "5.1.1");
        assert_eq!(dsn_for(Some("nouser"), Some(450)), "4.1.1");
        assert_eq!(dsn_for(None, Some(451)), "4.0.0");
        assert_eq!(dsn_for(Some("tempfail"), None), "4.0.0");
        assert_eq!(dsn_for(Some("odd"), None), "5.0.0");
        assert_eq!(reply_code(None, "4.0.0"), 450);
        assert_eq!(reply_code(None, "5.1.1"), 550);
        assert_eq!(reply_code(Some(551), "5.1.1"), 551);
    }

    #[test]
    fn one_line_joins() {
        assert_eq!(one_line(" a\nb\r\n"), "a b");
    }
}
