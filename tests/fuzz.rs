//! A mutation fuzzer over the parser, seeded with the corpus (or the
//! examples when the corpus is not available). Every input must parse
//! without a panic, and the printed tree must parse again.
//!
//! `CF2POSTFIX_FUZZ_ITERATIONS` sets the number of inputs; the default is
//! 1,000,000 in release builds (`cargo test --release`) and 20,000 in debug
//! builds.

use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::support::{self, Rng};
use cf2postfix::source::SourceFile;
use cf2postfix::{printer, syntax};

const INTERESTING: &[&[u8]] = &[
    b"$", b"${", b"}", b"$}", b"$%", b"\t", b"\n", b"\n\t", b"\r\n", b"#", b"\\#", b"\"", b"\0",
    b"\xff", b"\x90", b"$(", b"$)", b"$[", b"$]", b"$>", b"=", b",", b"V10\n", b"V1\n", b"S", b"R",
    b"O ", b"M", b"K",
];

fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let start = rng.below(seed.len());
    let len = rng.below(2048).min(seed.len() - start);
    let mut input = seed[start..start + len].to_vec();
    for _ in 0..=rng.below(8) {
        let at = rng.below(input.len() + 1);
        match rng.below(5) {
            0 if at < input.len() => input[at] = rng.next() as u8,
            1 if at < input.len() => {
                let end = (at + rng.below(16)).min(input.len());
                input.drain(at..end);
            }
            2 => {
                let piece = INTERESTING[rng.below(INTERESTING.len())];
                input.splice(at..at, piece.iter().copied());
            }
            3 if !input.is_empty() => {
                // Duplicate a chunk: long lines, many continuations.
                let from = rng.below(input.len());
                let end = (from + rng.below(256)).min(input.len());
                let chunk = input[from..end].to_vec();
                input.splice(at..at, chunk);
            }
            _ => input.insert(at, rng.next() as u8),
        }
    }
    input
}

fn seeds() -> Vec<Vec<u8>> {
    let mut files = match support::corpus_dir() {
        Some(dir) => support::cf_files(&dir),
        None => Vec::new(),
    };
    files.extend(crate::examples::example_configs());
    files
        .iter()
        .filter_map(|f| std::fs::read(f).ok())
        .filter(|b| !b.is_empty())
        .collect()
}

fn iterations() -> usize {
    std::env::var("CF2POSTFIX_FUZZ_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if cfg!(debug_assertions) {
            20_000
        } else {
            1_000_000
        })
}

#[test]
fn mutated_inputs_never_panic() {
    let seeds = seeds();
    assert!(!seeds.is_empty());
    let total = iterations();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut bytes_parsed = 0usize;
    for i in 0..total {
        let seed = &seeds[rng.below(seeds.len())];
        let input = mutate(&mut rng, seed);
        bytes_parsed += input.len();
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let file = SourceFile::new("fuzz", input.clone());
            let parsed = syntax::parse(&file);
            // Printing and reparsing is the expensive part: do it for 1 in 16.
            if i % 16 == 0 {
                let printed = printer::print(&parsed.config);
                let again = syntax::parse(&SourceFile::new("again", printed));
                assert_eq!(again.config.lines.len(), parsed.config.lines.len());
            }
        }));
        if outcome.is_err() {
            panic!(
                "input #{i} made the parser panic; input bytes: {:?}",
                String::from_utf8_lossy(&input)
            );
        }
    }
    println!("fuzz: {total} inputs, {bytes_parsed} bytes, no panic");
}
