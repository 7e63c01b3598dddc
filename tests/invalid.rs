//! Each file in tests/invalid/ has problems; every one must give at least
//! one diagnostic, and the rendered diagnostics are snapshot-tested.

use crate::support::{self, parse_bytes, snapshot_settings};
use cf2postfix::diagnostics::{render_text, RenderOptions};
use cf2postfix::printer;

#[test]
fn invalid_inputs_render_their_diagnostics() {
    let dir = support::project_dir().join("tests/invalid");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/invalid exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "cf"))
        .collect();
    files.sort();
    assert!(files.len() >= 10);
    for path in files {
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let bytes = std::fs::read(&path).expect("readable");
        let (file, parsed) = parse_bytes(&format!("{name}.cf"), &bytes);
        assert!(!parsed.diagnostics.is_empty(), "{name}: no diagnostic");
        // Whatever was wrong, the tree still prints and reads back.
        let printed = printer::print(&parsed.config);
        let (_, again) = parse_bytes("printed", &printed);
        assert_eq!(
            support::without_spans(&parsed.config),
            support::without_spans(&again.config),
            "{name}: round trip"
        );
        let rendered = render_text(
            &file,
            &parsed.diagnostics,
            RenderOptions {
                color: false,
                width: 80,
            },
        );
        snapshot_settings().bind(|| insta::assert_snapshot!(format!("invalid@{name}"), rendered));
    }
}

/// Errors pin their code and the line they are on.
#[test]
fn error_codes_and_lines() {
    let cases: &[(&str, &str, u32)] = &[
        ("V10\nS0\nR$* x\n", "CF002", 3),
        ("V10\nD{a b}x\n", "CF003", 2),
        ("V10\nS0\nR$1\t$1\n", "CF016", 3),
        ("V10\nS0\nR$*\t$2\n", "CF013", 3),
        ("V10\nO Bogus=1\n", "CF006", 2),
        ("V10\nS100\n", "CF005", 2),
        ("V10\nz\n", "CF001", 2),
        ("OW*\n", "CF007", 1),
        ("V10\nMx, P=[TCP], A=TCP $h\n", "CF021", 2),
        ("V10\nKm mysql x\n", "CF024", 2),
        ("V10\nR$*\t$1\n", "CF004", 2),
        ("V10\nS0\nS0\n", "CF032", 3),
        ("V10\nFX|/bin/echo a b\n", "CF035", 2),
        ("V10\nS0\nR$*\t$(m $1\n", "CF017", 3),
    ];
    for (input, code, line) in cases {
        let (file, parsed) = parse_bytes("case.cf", input.as_bytes());
        let found = parsed
            .diagnostics
            .iter()
            .any(|d| d.code.info().code == *code && file.line_of(d.span.start) == *line);
        assert!(
            found,
            "{input:?}: expected {code} on line {line}, got {:?}",
            parsed.diagnostics
        );
    }
}
