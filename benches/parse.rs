//! Parse throughput, side by side with the time the real sendmail 8.17
//! takes to load the same file. Run with `cargo bench --bench parse`.
//!
//! Inputs: the largest file of the legacy corpus (`CF2POSTFIX_CORPUS`),
//! and a 10 MB file made by repeating the corpus (or the examples).

mod common;

use std::path::{Path, PathBuf};

use common::{cf_files, project};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use cf2postfix::source::SourceFile;
use cf2postfix::syntax;

fn parse_speed(bytes: &[u8]) -> (Duration, f64) {
    let file = SourceFile::new("bench", bytes.to_vec());
    let mut best = Duration::MAX;
    for _ in 0..15 {
        let start = Instant::now();
        let parsed = std::hint::black_box(syntax::parse(&file));
        best = best.min(start.elapsed());
        // Freeing the tree is not part of parsing.
        drop(parsed);
    }
    (best, bytes.len() as f64 / best.as_secs_f64() / 1e6)
}

/// Time for the real sendmail to start in -bt mode on `cf` and exit at
/// once, less the same for an empty cf (process start-up, sandbox).
fn sendmail_load(cf: &Path) -> Option<Duration> {
    let script = project().join("oracle/sendmail-bt");
    let run = |cf: &Path| -> Option<Duration> {
        let start = Instant::now();
        let status = Command::new(&script)
            .arg(cf)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .ok()?;
        let _ = status;
        Some(start.elapsed())
    };
    run(Path::new("/dev/null"))?;
    let mut with = Duration::ZERO;
    let mut without = Duration::ZERO;
    const RUNS: u32 = 10;
    for _ in 0..RUNS {
        with += run(cf)?;
        without += run(Path::new("/dev/null"))?;
    }
    Some(with.saturating_sub(without) / RUNS)
}

fn main() {
    if std::env::args().any(|a| a == "--list" || a == "--test") {
        return;
    }
    let mut files = Vec::new();
    if let Some(dir) = std::env::var_os("CF2POSTFIX_CORPUS") {
        cf_files(Path::new(&dir), &mut files);
    }
    cf_files(&project().join("examples"), &mut files);
    files.sort();
    let contents: Vec<(PathBuf, Vec<u8>)> = files
        .into_iter()
        .filter_map(|f| std::fs::read(&f).ok().map(|b| (f, b)))
        .collect();
    let Some((largest, largest_bytes)) = contents.iter().max_by_key(|(_, b)| b.len()) else {
        eprintln!("no input files");
        return;
    };
    let mut synthetic = Vec::with_capacity(10_500_000);
    while synthetic.len() < 10_000_000 {
        for (_, bytes) in &contents {
            synthetic.extend_from_slice(bytes);
            synthetic.push(b'\n');
        }
    }
    let scratch = project().join("target/bench-synthetic.cf");
    let _ = std::fs::write(&scratch, &synthetic);

    println!("| input | size | cf2postfix parse | throughput | sendmail 8.17 load | ratio |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    for (name, path, bytes) in [
        (
            largest.display().to_string(),
            largest.clone(),
            largest_bytes.clone(),
        ),
        (
            "synthetic (corpus repeated)".to_string(),
            scratch.clone(),
            synthetic.clone(),
        ),
    ] {
        let (time, mbps) = parse_speed(&bytes);
        let sendmail = sendmail_load(&path);
        let (sm, ratio) = match sendmail {
            Some(sm) if !sm.is_zero() => (
                format!("{:.2} ms", sm.as_secs_f64() * 1e3),
                format!("{:.0}x", sm.as_secs_f64() / time.as_secs_f64()),
            ),
            _ => ("n/a".to_string(), "n/a".to_string()),
        };
        println!(
            "| {name} | {:.1} KB | {:.2} ms | {mbps:.0} MB/s | {sm} | {ratio} |",
            bytes.len() as f64 / 1e3,
            time.as_secs_f64() * 1e3,
        );
    }
    let _ = std::fs::remove_file(&scratch);
}
