//! `regexp:` and `pcre:` tables: ordered rules, first match wins.
//!
//! A rule is `/pattern/flags result` (any delimiter; `!` before the
//! pattern negates it), `regexp:` also takes `/pattern/!/pattern2/ result`
//! (both must hold); `if /pattern/` ... `endif` (nestable, case-insensitive
//! keywords) guards the rules between them. A rule that does not parse or
//! compile is skipped with a warning, as Postfix does. The result may use
//! `$1`..`$n`, `${n}` or `$(n)` for captured text and `$$` for `$`; a group
//! that did not take part, or matched nothing, gives nothing.

use regex::bytes::{Regex, RegexBuilder};

use super::source::{is_space, logical_lines, trim_end};
use super::translate::{self, PcreOptions};

/// Which engine's syntax the table is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// `regexp:` (POSIX regular expressions).
    Posix,
    /// `pcre:` (PCRE2).
    Pcre,
}

impl Dialect {
    fn name(self) -> &'static str {
        match self {
            Dialect::Posix => "regexp",
            Dialect::Pcre => "pcre",
        }
    }
}

/// One compiled pattern with its sense.
#[derive(Clone, Debug)]
struct Pattern {
    regex: Regex,
    /// `false` for `!/pattern/`.
    matches: bool,
}

impl Pattern {
    fn holds(&self, key: &[u8]) -> bool {
        self.regex.is_match(key) == self.matches
    }
}

/// A piece of a result template.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Piece {
    Text(String),
    Group(usize),
}

#[derive(Clone, Debug)]
enum Rule {
    Match {
        first: Pattern,
        second: Option<Pattern>,
        result: Vec<Piece>,
        uses_groups: bool,
        line: u32,
    },
    If {
        pattern: Pattern,
        /// Index of the matching `endif` rule, if there is one.
        endif: Option<usize>,
        line: u32,
    },
    Endif,
}

/// A loaded `regexp:` or `pcre:` table.
#[derive(Clone, Debug)]
pub struct PatternTable {
    pub dialect: Dialect,
    rules: Vec<Rule>,
    /// Lines of rules skipped because they use a construct this model
    /// cannot express (Postfix would have used them).
    pub unsupported_lines: Vec<u32>,
}

/// Postfix `mac_parse` tokens.
enum MacToken {
    Literal(String),
    Name(String),
}

/// Postfix `mac_parse`: `$name`, `${name}`, `$(name)`, `$$`.
fn mac_parse(text: &str) -> Result<Vec<MacToken>, String> {
    let b = text.as_bytes();
    let mut tokens = Vec::new();
    let mut buf: Vec<u8> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'$' {
            buf.push(b[i]);
            i += 1;
        } else if b.get(i + 1) == Some(&b'$') {
            buf.push(b'$');
            i += 2;
        } else {
            if !buf.is_empty() {
                tokens.push(MacToken::Literal(
                    String::from_utf8_lossy(&buf).into_owned(),
                ));
                buf.clear();
            }
            i += 1;
            let name: &[u8];
            if let Some(&open) = b.get(i).filter(|&&c| c == b'(' || c == b'{') {
                let close = if open == b'(' { b')' } else { b'}' };
                let mut level = 1usize;
                let start = i + 1;
                let mut e = start;
                while level > 0 {
                    let Some(&c) = b.get(e) else {
                        return Err(format!("truncated macro reference: \"{text}\""));
                    };
                    if c == open {
                        level += 1;
                    }
                    if c == close {
                        level -= 1;
                    }
                    e += 1;
                }
                name = &b[start..e - 1];
                i = e;
            } else {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
                name = &b[start..i];
            }
            if name.is_empty() {
                return Err(format!("empty macro name: \"{text}\""));
            }
            tokens.push(MacToken::Name(String::from_utf8_lossy(name).into_owned()));
        }
    }
    if !buf.is_empty() {
        tokens.push(MacToken::Literal(
            String::from_utf8_lossy(&buf).into_owned(),
        ));
    }
    Ok(tokens)
}

/// Parses a result template; the largest `$n` (0 when none).
fn parse_result(text: &str) -> Result<(Vec<Piece>, usize), String> {
    let mut pieces = Vec::new();
    let mut max = 0usize;
    for token in mac_parse(text)? {
        match token {
            MacToken::Literal(s) => pieces.push(Piece::Text(s)),
            MacToken::Name(name) => {
                if !name.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(format!("non-numeric replacement index \"{name}\""));
                }
                // atoi(): saturate instead of overflowing.
                let n = name.bytes().fold(0usize, |n, d| {
                    n.saturating_mul(10).saturating_add(usize::from(d - b'0'))
                });
                if n < 1 {
                    return Err(format!("out-of-range replacement index \"{name}\""));
                }
                max = max.max(n);
                pieces.push(Piece::Group(n));
            }
        }
    }
    Ok((pieces, max))
}

/// Splits `/pattern/flags` at `p[*at]`; returns the sense, pattern bytes
/// and flags, leaving `*at` after the flags.
fn take_pattern<'a>(
    p: &'a [u8],
    at: &mut usize,
    dialect: Dialect,
) -> Result<(bool, &'a [u8], &'a [u8]), String> {
    let mut matches = true;
    while *at < p.len() {
        if p[*at] == b'!' {
            matches = !matches;
        } else if !is_space(p[*at]) {
            break;
        }
        *at += 1;
    }
    let Some(&delimiter) = p.get(*at) else {
        return Err("no regexp".into());
    };
    *at += 1;
    let start = *at;
    while *at < p.len() {
        if p[*at] == b'\\' {
            if *at + 1 < p.len() {
                *at += 1;
            } else {
                break;
            }
        } else if p[*at] == delimiter {
            break;
        }
        *at += 1;
    }
    if *at >= p.len() {
        return Err(format!(
            "no closing regexp delimiter \"{}\"",
            char::from(delimiter)
        ));
    }
    let pattern = &p[start..*at];
    *at += 1;
    let flags_start = *at;
    while *at < p.len() && !is_space(p[*at]) && !(dialect == Dialect::Posix && p[*at] == b'!') {
        *at += 1;
    }
    Ok((matches, pattern, &p[flags_start..*at]))
}

fn compile(dialect: Dialect, pattern: &[u8], flags: &[u8]) -> Result<Regex, String> {
    let translated = match dialect {
        Dialect::Posix => {
            let (mut icase, mut newline, mut extended) = (true, false, true);
            for &f in flags {
                match f {
                    b'i' => icase = !icase,
                    b'm' => newline = !newline,
                    b'x' => extended = !extended,
                    _ => {
                        return Err(format!("unknown regexp option \"{}\"", char::from(f)));
                    }
                }
            }
            translate::posix(pattern, extended, icase, newline)?
        }
        Dialect::Pcre => {
            let mut o = PcreOptions {
                caseless: true,
                dotall: true,
                ..PcreOptions::default()
            };
            for &f in flags {
                match f {
                    b'i' => o.caseless = !o.caseless,
                    b'm' => o.multiline = !o.multiline,
                    b's' => o.dotall = !o.dotall,
                    b'x' => o.extended = !o.extended,
                    b'A' => o.anchored = !o.anchored,
                    b'U' => o.ungreedy = !o.ungreedy,
                    // DOLLAR_ENDONLY; `X` is obsolete and ignored by Postfix.
                    b'E' | b'X' => {}
                    _ => {
                        return Err(format!("unknown regexp option \"{}\"", char::from(f)));
                    }
                }
            }
            translate::pcre(pattern, o)?
        }
    };
    RegexBuilder::new(&translated)
        .unicode(false)
        .build()
        .map_err(|e| format!("cannot compile the pattern: {e}"))
}

fn keyword(p: &[u8], word: &[u8]) -> bool {
    p.len() >= word.len()
        && p[..word.len()].eq_ignore_ascii_case(word)
        && !p.get(word.len()).is_some_and(|b| b.is_ascii_alphanumeric())
}

impl PatternTable {
    /// Loads the table text. `no_regsub` is Postfix's `DICT_FLAG_NO_REGSUB`
    /// (set for `transport_maps`, for example): rules whose result uses
    /// `$n` are skipped.
    pub fn load(
        dialect: Dialect,
        bytes: &[u8],
        no_regsub: bool,
        warnings: &mut Vec<String>,
    ) -> PatternTable {
        let name = dialect.name();
        let mut rules: Vec<Rule> = Vec::new();
        let mut open_ifs: Vec<usize> = Vec::new();
        let mut unsupported_lines = Vec::new();
        for line in logical_lines(bytes, warnings) {
            let p = trim_end(&line.text);
            if p.is_empty() {
                continue;
            }
            let mut warn = |why: String| {
                if why.contains(translate::UNSUPPORTED) {
                    unsupported_lines.push(line.line);
                }
                warnings.push(format!("{name} map, line {}: {why}", line.line));
            };
            if !p[0].is_ascii_alphanumeric() {
                let mut notes = Vec::new();
                let parsed = Self::parse_match(dialect, p, no_regsub, line.line, &mut notes);
                for note in notes {
                    warn(note);
                }
                match parsed {
                    Ok(rule) => rules.push(rule),
                    Err(why) => warn(format!("{why}: skipping this rule")),
                }
            } else if keyword(p, b"if") {
                let mut at = 2;
                while at < p.len() && is_space(p[at]) {
                    at += 1;
                }
                let parsed =
                    take_pattern(p, &mut at, dialect).and_then(|(matches, pattern, flags)| {
                        Ok(Pattern {
                            regex: compile(dialect, pattern, flags)?,
                            matches,
                        })
                    });
                match parsed {
                    Ok(pattern) => {
                        if p[at..].iter().any(|&b| !is_space(b)) {
                            warn("ignoring extra text after IF statement".into());
                        }
                        open_ifs.push(rules.len());
                        rules.push(Rule::If {
                            pattern,
                            endif: None,
                            line: line.line,
                        });
                    }
                    Err(why) => warn(format!("{why}: skipping this rule")),
                }
            } else if keyword(p, b"endif") {
                let Some(if_index) = open_ifs.pop() else {
                    warn("ignoring ENDIF without matching IF".into());
                    continue;
                };
                if p[5..].iter().any(|&b| !is_space(b)) {
                    warn("ignoring extra text after ENDIF".into());
                }
                let here = rules.len();
                if let Some(Rule::If { endif, .. }) = rules.get_mut(if_index) {
                    *endif = Some(here);
                }
                rules.push(Rule::Endif);
            } else {
                warn("ignoring unrecognized request".into());
            }
        }
        for index in open_ifs.into_iter().rev() {
            if let Some(Rule::If { line, .. }) = rules.get(index) {
                warnings.push(format!("{name} map, line {line}: IF has no matching ENDIF"));
            }
        }
        PatternTable {
            dialect,
            rules,
            unsupported_lines,
        }
    }

    fn parse_match(
        dialect: Dialect,
        p: &[u8],
        no_regsub: bool,
        line: u32,
        warnings: &mut Vec<String>,
    ) -> Result<Rule, String> {
        let mut at = 0;
        let (first_matches, first_pattern, first_flags) = take_pattern(p, &mut at, dialect)?;
        let mut second = None;
        if dialect == Dialect::Posix && p.get(at) == Some(&b'!') {
            second = Some(take_pattern(p, &mut at, dialect)?);
        }
        while at < p.len() && is_space(p[at]) {
            at += 1;
        }
        let text = String::from_utf8_lossy(&p[at..]).into_owned();
        if text.is_empty() {
            warnings.push("no replacement text: using empty string".to_string());
        }
        let (result, max_sub) =
            parse_result(&text).map_err(|e| format!("{e}: bad replacement syntax"))?;
        if max_sub > 0 && !first_matches {
            return Err("$number found in negative match replacement text".into());
        }
        if max_sub > 0 && no_regsub {
            return Err("regular expression substitution is not allowed".into());
        }
        let regex = compile(dialect, first_pattern, first_flags)?;
        if max_sub > regex.captures_len().saturating_sub(1) {
            return Err(format!("out of range replacement index \"{max_sub}\""));
        }
        let second = match second {
            Some((matches, pattern, flags)) => Some(Pattern {
                regex: compile(dialect, pattern, flags)?,
                matches,
            }),
            None => None,
        };
        Ok(Rule::Match {
            first: Pattern {
                regex,
                matches: first_matches,
            },
            second,
            result,
            uses_groups: max_sub > 0,
            line,
        })
    }

    /// The first rule that matches `key`: its result and line number.
    pub fn lookup_with_line(&self, key: &str) -> Option<(String, u32)> {
        let key = key.as_bytes();
        let mut index = 0;
        while let Some(rule) = self.rules.get(index) {
            match rule {
                Rule::Match {
                    first,
                    second,
                    result,
                    uses_groups,
                    line,
                } => {
                    if !first.holds(key) || second.as_ref().is_some_and(|s| !s.holds(key)) {
                        index += 1;
                        continue;
                    }
                    if !uses_groups {
                        let text: String = result
                            .iter()
                            .map(|p| match p {
                                Piece::Text(t) => t.as_str(),
                                Piece::Group(_) => "",
                            })
                            .collect();
                        return Some((text, *line));
                    }
                    let captures = first.regex.captures(key);
                    let mut out: Vec<u8> = Vec::new();
                    for piece in result {
                        match piece {
                            Piece::Text(t) => out.extend_from_slice(t.as_bytes()),
                            Piece::Group(n) => {
                                if let Some(m) = captures.as_ref().and_then(|c| c.get(*n)) {
                                    out.extend_from_slice(m.as_bytes());
                                }
                            }
                        }
                    }
                    return Some((String::from_utf8_lossy(&out).into_owned(), *line));
                }
                Rule::If { pattern, endif, .. } => {
                    if pattern.holds(key) {
                        index += 1;
                    } else {
                        match endif {
                            Some(end) => index = end + 1,
                            None => return None,
                        }
                    }
                }
                Rule::Endif => index += 1,
            }
        }
        None
    }

    pub fn lookup(&self, key: &str) -> Option<String> {
        self.lookup_with_line(key).map(|(value, _)| value)
    }

    /// The number of rules kept (including `if` and `endif`).
    pub fn rule_count(&self) -> usize {
        self.rules.len()
    }

    /// The line of each `if` rule, for diagnostics.
    pub fn if_lines(&self) -> Vec<u32> {
        self.rules
            .iter()
            .filter_map(|r| match r {
                Rule::If { line, .. } => Some(*line),
                _ => None,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(dialect: Dialect, text: &str) -> (PatternTable, Vec<String>) {
        let mut w = Vec::new();
        let t = PatternTable::load(dialect, text.as_bytes(), false, &mut w);
        (t, w)
    }

    #[test]
    fn first_match_and_substitution() {
        let (t, w) = table(
            Dialect::Posix,
            "/^(.*)\\+(.*)@example\\.com$/ $2 ${1}x $$ $(2)\n/^postmaster@/ root\n/x/ y\n",
        );
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(t.lookup("a+b@EXAMPLE.com").as_deref(), Some("b ax $ b"));
        assert_eq!(t.lookup("Postmaster@x").as_deref(), Some("root"));
        assert_eq!(t.lookup("zzz"), None);
    }

    #[test]
    fn if_endif_and_negation() {
        let text = "if /@example\\.com$/\nif !/^admin/\n/^(.*)@/ user $1\nendif\n/./ admin\nENDIF\n!/@/ local\n";
        let (t, w) = table(Dialect::Posix, text);
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(t.lookup("bob@example.com").as_deref(), Some("user bob"));
        assert_eq!(t.lookup("admin@example.com").as_deref(), Some("admin"));
        assert_eq!(t.lookup("bob@other.com"), None);
        assert_eq!(t.lookup("bob").as_deref(), Some("local"));
    }

    #[test]
    fn if_without_endif_stops_the_search() {
        let (t, w) = table(Dialect::Posix, "if /a/\n/b/ x\n/c/ y\n");
        assert_eq!(w.len(), 1);
        assert_eq!(t.lookup("c"), None);
        assert_eq!(t.lookup("ac").as_deref(), Some("y"));
    }

    #[test]
    fn bad_rules_are_skipped() {
        let (t, w) = table(
            Dialect::Posix,
            "/a/q r\n/(a)/ $2\n!/b/ $1\n/c/ $x\nfoo bar\nendif\n/a/ ok\n",
        );
        assert_eq!(w.len(), 6, "{w:?}");
        assert_eq!(t.lookup("a").as_deref(), Some("ok"));
    }

    #[test]
    fn case_flag_and_second_pattern() {
        let (t, _) = table(Dialect::Posix, "/^A/i upper\n/^a/!/b/ no-b\n/^a/ other\n");
        assert_eq!(t.lookup("abc").as_deref(), Some("other"));
        assert_eq!(t.lookup("acd").as_deref(), Some("no-b"));
        assert_eq!(t.lookup("Ab").as_deref(), Some("upper"));
    }

    #[test]
    fn pcre_tables() {
        let (t, w) = table(
            Dialect::Pcre,
            "/^(\\w+)\\.(?:com|net)$/ dot-$1\n/^x(?=y)/ look\n/^a.b$/s dotall-off\n",
        );
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(t.unsupported_lines, vec![2]);
        assert_eq!(t.lookup("Foo.NET").as_deref(), Some("dot-Foo"));
        assert_eq!(t.lookup("a\nb"), None);
        let (t, _) = table(Dialect::Pcre, "/^(a)|(b)$/ [$2]\n");
        assert_eq!(t.lookup("a").as_deref(), Some("[]"));
    }

    #[test]
    fn no_regsub_skips_substitutions() {
        let mut w = Vec::new();
        let t = PatternTable::load(Dialect::Posix, b"/(.*)/ $1\n/./ fixed\n", true, &mut w);
        assert_eq!(w.len(), 1);
        assert_eq!(t.lookup("a").as_deref(), Some("fixed"));
    }
}
