use std::path::PathBuf;

use crate::support::{self, parse_bytes, snapshot_settings, without_spans};
use cf2postfix::diagnostics::{render_text, RenderOptions};

/// The committed example configurations (`examples/*/sendmail.cf`).
pub fn example_configs() -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(support::project_dir().join("examples"))
        .expect("examples/ exists")
        .flatten()
        .map(|e| e.path().join("sendmail.cf"))
        .filter(|p| p.is_file())
        .collect();
    found.sort();
    found
}

fn snapshot_example(name: &str, bytes: &[u8]) {
    let (file, parsed) = parse_bytes(&format!("{name}/sendmail.cf"), bytes);
    assert!(!parsed.has_errors(), "{name} has errors");
    let diagnostics = render_text(
        &file,
        &parsed.diagnostics,
        RenderOptions {
            color: false,
            width: 80,
        },
    );
    snapshot_settings().bind(|| {
        insta::assert_json_snapshot!(format!("ast@{name}"), without_spans(&parsed.config));
        insta::assert_snapshot!(format!("diagnostics@{name}"), diagnostics);
    });
}

#[test]
fn hand_written_examples() {
    let configs = example_configs();
    assert!(configs.len() >= 2);
    for path in configs {
        let name = path
            .parent()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let bytes = std::fs::read(&path).expect("readable example");
        snapshot_example(&name, &bytes);
    }
}

/// The m4 example is built from its .mc at test time with the installed
/// sendmail m4 tree; the lines m4 fills with the date, user and directory
/// are made constant first.
#[test]
fn m4_generated_example() {
    if support::sample_mc_files().is_empty() {
        support::skip(
            "the sendmail m4 tree is not installed (run oracle/install.sh); m4 example skipped",
        );
        return;
    }
    let scratch = support::TempDir::new("m4-example");
    let mc = support::project_dir().join("examples/m4-site/site.mc");
    let cf = support::mc_to_cf(&mc, &scratch.0).expect("site.mc builds");
    let text = std::fs::read_to_string(cf).expect("generated cf");
    let stable = crate::migrate::stable_m4(&text);
    snapshot_example("m4-site", &stable);
}
