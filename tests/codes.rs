//! Every diagnostic code has a long-form explanation, and the example of
//! each explanation makes the parser emit that very code.

use std::collections::BTreeSet;

use cf2postfix::diagnostics::explanation::render_text;
use cf2postfix::diagnostics::{explanation, Code};
use cf2postfix::source::SourceFile;
use cf2postfix::syntax;

/// Codes that no sendmail.cf can make the parser emit, each with the reason.
/// Their explanations must exist all the same. Every code is emitted by some
/// line today (see src/syntax/), so the list is empty.
const UNTRIGGERABLE: &[(Code, &str)] = &[];

/// Codes an example may draw besides its own, because the code only exists
/// in a context that is itself reported.
fn context_codes(code: Code) -> &'static [Code] {
    match code {
        // Vendor operators are read only in a vendor or pre-8 dialect: a
        // file without a `V` line (CF037) or with `V.../Sun` (a CF011 note).
        Code::VendorOperator => &[Code::NoVersionLine],
        _ => &[],
    }
}

/// Text that marks an unfinished entry.
const PLACEHOLDERS: &[&str] = &["TODO", "FIXME", "TBD", "XXX", "<unknown>", "???", "lorem"];

fn codes_of(example: &str) -> Vec<Code> {
    let file = SourceFile::new("example.cf", example.as_bytes().to_vec());
    syntax::parse(&file)
        .diagnostics
        .iter()
        .map(|d| d.code)
        .collect()
}

fn is_untriggerable(code: Code) -> bool {
    UNTRIGGERABLE.iter().any(|(c, _)| *c == code)
}

#[test]
fn every_code_has_a_complete_explanation() {
    for &code in Code::ALL {
        let id = code.info().code;
        let text = explanation(code);
        let prose = [
            ("meaning", text.meaning),
            ("why", text.why),
            ("fix", text.fix),
        ];
        for (field, value) in prose.iter().chain([("example", text.example)].iter()) {
            assert!(!value.trim().is_empty(), "{id}: empty {field}");
            assert!(
                !value.trim().eq_ignore_ascii_case("unknown"),
                "{id}: {field} is a placeholder"
            );
            for placeholder in PLACEHOLDERS {
                assert!(
                    !value.contains(placeholder),
                    "{id}: {field} holds the placeholder {placeholder:?}"
                );
            }
        }
        for (field, value) in prose {
            assert!(
                value.ends_with('.') || value.ends_with(".)") || value.ends_with('`'),
                "{id}: {field} does not end a sentence"
            );
            assert!(!value.contains("  "), "{id}: {field} has a double space");
            assert!(
                value.matches('`').count() % 2 == 0,
                "{id}: {field} has an unclosed code span"
            );
        }
        assert!(
            text.meaning.len() > code.info().summary.len() + 40,
            "{id}: the meaning says little more than the summary"
        );
        assert!(
            text.example.ends_with('\n'),
            "{id}: example does not end with a newline"
        );
    }
}

#[test]
fn every_example_triggers_its_code() {
    let mut failures = Vec::new();
    for &code in Code::ALL {
        if is_untriggerable(code) {
            continue;
        }
        let id = code.info().code;
        let found = codes_of(explanation(code).example);
        if !found.contains(&code) {
            failures.push(format!("{id}: example does not emit {id}, got {found:?}"));
        }
        let stray: BTreeSet<_> = found
            .iter()
            .filter(|c| **c != code && !context_codes(code).contains(c))
            .map(|c| c.info().code)
            .collect();
        if !stray.is_empty() {
            failures.push(format!("{id}: example also emits {stray:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn untriggerable_codes_are_listed_honestly() {
    let mut seen = BTreeSet::new();
    for (code, reason) in UNTRIGGERABLE {
        let id = code.info().code;
        assert!(seen.insert(*code), "{id} listed twice");
        assert!(!reason.trim().is_empty(), "{id}: no reason given");
        assert!(
            !codes_of(explanation(*code).example).contains(code),
            "{id} is listed as untriggerable but its example triggers it"
        );
    }
}

#[test]
fn codes_names_and_explanations_are_unique() {
    let mut variants = BTreeSet::new();
    let mut ids = BTreeSet::new();
    let mut names = BTreeSet::new();
    let mut texts = BTreeSet::new();
    for &code in Code::ALL {
        let info = code.info();
        assert!(variants.insert(code), "{:?} twice in Code::ALL", code);
        assert!(ids.insert(info.code), "duplicate code {}", info.code);
        assert!(names.insert(info.name), "duplicate name {}", info.name);
        let text = explanation(code);
        for value in [text.meaning, text.why, text.example, text.fix] {
            assert!(
                texts.insert(value),
                "{}: text shared with another code",
                info.code
            );
        }
    }
    assert_eq!(ids.len(), Code::ALL.len());
}

#[test]
fn render_text_shows_code_name_and_every_section() {
    for &code in Code::ALL {
        let info = code.info();
        let page = render_text(code);
        assert!(page.starts_with(&format!("# {} ({})\n", info.code, info.name)));
        for heading in [
            "## What it means",
            "## Why it matters",
            "## Example",
            "## How to fix",
        ] {
            assert!(page.contains(heading), "{}: no {heading:?}", info.code);
        }
        for line in explanation(code).example.lines() {
            let shown = format!("    {}\n", line.replace('\0', "^@"));
            assert!(
                page.contains(&shown),
                "{}: example line {line:?}",
                info.code
            );
        }
        // The prose is all there, only rewrapped.
        let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        let flat = words(&page);
        let text = explanation(code);
        for value in [text.meaning, text.why, text.fix] {
            assert!(flat.contains(&words(value)), "{}: prose missing", info.code);
        }
    }
}
