//! Time to migrate: parse, load, analyze (features, maps, probes through
//! the engine) and emit every file, in memory. Run with
//! `CF2POSTFIX_CORPUS=../shared/corpus cargo bench --bench migrate`.
//!
//! Inputs: the largest corpus file, the corpus file that takes longest,
//! and the m4 example with its maps. Nothing is written to disk.

mod common;

use std::path::{Path, PathBuf};

use common::{cf_files, project};
use std::time::{Duration, Instant};

use cf2postfix::source::SourceFile;

fn migrate_once(name: &str, bytes: &[u8], etc_mail: Option<&Path>) -> Duration {
    let start = Instant::now();
    let file = SourceFile::new(name, bytes.to_vec());
    let parsed = cf2postfix::syntax::parse(&file);
    let mut env = cf2postfix::engine::Environment::new("oracle.example.com");
    env.etc_mail = etc_mail.map(Path::to_path_buf);
    let analysis = cf2postfix::analyze::analyze(&file, &parsed.config, env);
    let output = cf2postfix::emit::emit(&analysis).expect("templates render");
    std::hint::black_box(output);
    start.elapsed()
}

fn report(label: &str, bytes: &[u8], etc_mail: Option<&Path>, runs: usize) {
    let times: Vec<Duration> = (0..runs)
        .map(|_| migrate_once(label, bytes, etc_mail))
        .collect();
    let best = times.iter().min().copied().unwrap_or_default();
    let mean = times.iter().sum::<Duration>() / runs.max(1) as u32;
    println!(
        "| {label} | {:.1} KB | {:.1} ms | {:.1} ms | {runs} |",
        bytes.len() as f64 / 1024.0,
        best.as_secs_f64() * 1e3,
        mean.as_secs_f64() * 1e3
    );
}

fn main() {
    println!("| input | size | best | mean | runs |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    match std::env::var_os("CF2POSTFIX_CORPUS").map(PathBuf::from) {
        Some(corpus) => {
            let mut files = Vec::new();
            cf_files(&corpus, &mut files);
            files.sort();
            let largest = files
                .iter()
                .max_by_key(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0));
            if let Some(path) = largest {
                let bytes = std::fs::read(path).expect("corpus file");
                let name = path
                    .strip_prefix(&corpus)
                    .unwrap_or(path)
                    .display()
                    .to_string();
                report(&format!("{name} (largest corpus file)"), &bytes, None, 10);
            }
            // The slowest: one pass over the corpus finds it.
            let mut slowest: Option<(Duration, PathBuf)> = None;
            for path in &files {
                let bytes = std::fs::read(path).expect("corpus file");
                let t = migrate_once("scan", &bytes, None);
                if slowest.as_ref().map_or(true, |(s, _)| t > *s) {
                    slowest = Some((t, path.clone()));
                }
            }
            if let Some((_, path)) = slowest {
                let bytes = std::fs::read(&path).expect("corpus file");
                let name = path
                    .strip_prefix(&corpus)
                    .unwrap_or(&path)
                    .display()
                    .to_string();
                report(&format!("{name} (slowest corpus file)"), &bytes, None, 3);
            }
        }
        None => eprintln!("CF2POSTFIX_CORPUS is not set: corpus inputs skipped"),
    }
    let mc = project().join("examples/m4-site/site.mc");
    let out = std::process::Command::new(project().join("oracle/mc2cf"))
        .arg(&mc)
        .output();
    match out {
        Ok(o) if o.status.success() && !o.stdout.is_empty() => {
            let etc = project().join("examples/m4-site/etc-mail");
            report(
                "examples/m4-site (m4, with maps)",
                &o.stdout,
                Some(&etc),
                10,
            );
        }
        _ => eprintln!("the sendmail m4 tree is not installed: m4 example skipped"),
    }
}
