use std::path::Path;

use crate::support::{self, cf_files, corpus_dir, parse_bytes, without_spans};
use cf2postfix::diagnostics::{render_text, RenderOptions};

/// Parses `path`; returns a description of each problem (errors, or a
/// print/parse round trip that changes the tree).
fn check_file(path: &Path) -> Vec<String> {
    let bytes = std::fs::read(path).expect("readable corpus file");
    let (file, parsed) = parse_bytes(&path.display().to_string(), &bytes);
    let mut problems = Vec::new();
    let errors: Vec<_> = parsed
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .cloned()
        .collect();
    if !errors.is_empty() {
        problems.push(render_text(&file, &errors, RenderOptions::default()));
    }
    let printed = cf2postfix::printer::print(&parsed.config);
    let (_, again) = parse_bytes("printed", &printed);
    if without_spans(&parsed.config) != without_spans(&again.config) {
        problems.push(format!(
            "{}: print/parse round trip changes the tree",
            path.display()
        ));
    }
    problems
}

#[test]
fn every_corpus_file_parses_without_errors() {
    let Some(dir) = corpus_dir() else {
        support::skip("CF2POSTFIX_CORPUS is not set to the legacy corpus; corpus test skipped");
        return;
    };
    let files = cf_files(&dir);
    assert!(
        files.len() >= 50,
        "expected the 56 corpus files, found {}",
        files.len()
    );
    let problems: Vec<String> = files.iter().flat_map(|f| check_file(f)).collect();
    println!("corpus: {} files parsed", files.len());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_cf_generated_from_the_m4_samples_parses_without_errors() {
    let samples = support::sample_mc_files();
    if samples.is_empty() || which("m4").is_none() {
        support::skip("m4 or the sendmail-cf m4 tree is not installed (run oracle/install.sh)");
        return;
    }
    let scratch = support::TempDir::new("m4-samples");
    let mut generated = 0;
    let mut problems = Vec::new();
    for mc in &samples {
        match support::mc_to_cf(mc, &scratch.0) {
            Some(cf) => {
                generated += 1;
                problems.extend(check_file(&cf));
            }
            None => problems.push(format!("{}: m4 failed", mc.display())),
        }
    }
    println!(
        "m4 samples: {generated} of {} .mc files built and parsed",
        samples.len()
    );
    assert!(generated >= 30, "only {generated} .cf files generated");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

pub fn which(program: &str) -> Option<std::path::PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(program))
            .find(|p| p.is_file())
    })
}
