//! The memo table (`src/engine/memo.rs`) changes nothing a user can see:
//! every configuration's probe lines, and variants of them with other
//! words, give the same bytes with the table on and off.

use std::path::{Path, PathBuf};

use cf2postfix::engine::{Environment, Machine};
use cf2postfix::source::SourceFile;
use cf2postfix::testmode::Session;

use crate::engine_differential::{blank_addresses, machine, probe_lines};
use crate::support::{self, Rng, TempDir};

/// `line` with some of its words (runs of letters and digits after the
/// command) replaced: by a new word, the same word in upper case, or the
/// word with a digit added. About half stay as they are, so that most
/// variants keep the shape of a line seen before and some do not.
fn variant(line: &str, rng: &mut Rng) -> String {
    let keep = if line.starts_with("/try") { 2 } else { 1 };
    let mut split = 0;
    for _ in 0..keep {
        let rest = &line[split..];
        let start = rest.len() - rest.trim_start().len();
        split += start
            + rest[start..]
                .find(char::is_whitespace)
                .unwrap_or(rest.len() - start);
    }
    let (head, tail) = line.split_at(split);
    let mut out = head.to_owned();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String, rng: &mut Rng| {
        if word.is_empty() {
            return;
        }
        match rng.below(6) {
            0 => out.push_str(&format!("w{}", rng.below(100_000))),
            1 => out.push_str(&word.to_uppercase()),
            2 => out.push_str(&format!("{word}{}", rng.below(10))),
            _ => out.push_str(word),
        }
        word.clear();
    };
    for c in tail.chars() {
        if c.is_ascii_alphanumeric() {
            word.push(c);
        } else {
            flush(&mut word, &mut out, rng);
            out.push(c);
        }
    }
    flush(&mut word, &mut out, rng);
    out
}

/// Runs `script` through `machine` with the table on and off; the output
/// must be the same. Returns (calls answered from the table, recorded).
fn same_either_way(name: &str, on: Machine, mut off: Machine, script: &str) -> (u64, u64) {
    off.set_memo(false);
    let mut with = Session::new(on);
    // Token addresses (`-d21.15`) differ from run to run: blanked.
    let ours = blank_addresses(&with.run_script(script.as_bytes()));
    let reference = blank_addresses(&Session::new(off).run_script(script.as_bytes()));
    if ours != reference {
        let ours = String::from_utf8_lossy(&ours);
        let reference = String::from_utf8_lossy(&reference);
        let diff = similar::TextDiff::from_lines(&*reference, &*ours);
        let shown: String = diff
            .unified_diff()
            .context_radius(3)
            .header("without the memo table", "with it")
            .to_string()
            .chars()
            .take(4000)
            .collect();
        panic!("{name}: the memo table changed the output\n{shown}");
    }
    with.machine.memo_counts()
}

fn configurations(scratch: &Path) -> Vec<(PathBuf, Option<PathBuf>)> {
    let mut files: Vec<(PathBuf, Option<PathBuf>)> = Vec::new();
    let examples = support::project_dir().join("examples");
    for name in ["relay-1990s", "sunos-main"] {
        files.push((examples.join(name).join("sendmail.cf"), None));
    }
    let site = examples.join("m4-site");
    if let Some(cf) = support::mc_to_cf(&site.join("site.mc"), scratch) {
        files.push((cf, Some(site.join("etc-mail"))));
    }
    let samples = support::sample_mc_files();
    if samples.is_empty() {
        support::skip("the sendmail m4 tree is not installed; its samples are not checked");
    }
    for mc in samples {
        if let Some(cf) = support::mc_to_cf(&mc, scratch) {
            files.push((cf, None));
        }
    }
    match support::corpus_dir() {
        Some(dir) => files.extend(support::cf_files(&dir).into_iter().map(|f| (f, None))),
        None => eprintln!("SKIPPED: CF2POSTFIX_CORPUS not set; corpus not checked"),
    }
    files
}

#[test]
fn every_configuration_gives_the_same_output_with_and_without_the_memo() {
    let scratch = TempDir::new("engine-memo");
    let mut rng = Rng(0x6d65_6d6f);
    let (mut hits, mut recorded, mut configs) = (0, 0, 0);
    for (cf, etc) in configurations(&scratch.0) {
        let lines = probe_lines(&cf, etc.as_deref());
        let mut script: Vec<String> = lines.clone();
        script.extend(lines.iter().map(|l| variant(l, &mut rng)));
        script.extend(lines.iter().cloned());
        script.extend(lines.iter().map(|l| variant(l, &mut rng)));
        let script = script.join("\n") + "\n";
        let (h, r) = same_either_way(
            &cf.display().to_string(),
            machine(&cf, etc.as_deref()),
            machine(&cf, etc.as_deref()),
            &script,
        );
        hits += h;
        recorded += r;
        configs += 1;
    }
    eprintln!(
        "memo: {configs} configurations, same output with and without; {hits} calls replayed, {recorded} recorded"
    );
    assert!(configs >= 3, "the examples at least are checked");
    assert!(
        hits > recorded,
        "the check must exercise replays: {hits} replayed, {recorded} recorded"
    );
}

/// A configuration built to meet each thing a replay depends on (its
/// words are ones no rule mentions, so that calls are replayed): a class
/// that grows (`.C`), a macro that changes (`.D`, read by `$&`), a lookup
/// that finds some keys and not others (`dequote`), and one that changes
/// state (`macro`).
const DEPENDENCIES: &str = "V10/Berkeley
O OperatorChars=.:%@!^/[]+
Cw here.example
CU alice
DXfirst
Kdq dequote
Kmac macro
S0
R$+ < @ $=w >\t\t$: $1
R$=U\t\t\t$#local $: special $1
R$- . $-\t\t$#local $: $&X $1 $2
R$+ + $*\t\t$#local $: $(dq $1 $) plus
R$- ! $-\t\t$#local $: $(mac {Y} $@ $2 $) $1 $&{Y}
R$+\t\t\t$#local $: $1
";

const DEPENDENCY_SCRIPT: &str = "0 bob<@here.example>
0 carol<@here.example>
0 alice<@here.example>
.CU bob
0 bob<@here.example>
0 dave<@here.example>
0 jj.kk
0 ll.mm
.DXsecond
0 nn.oo
0 \"q x\"+t
0 \"qx\"+t
0 \"ry\"+t
0 plain+t
0 other+t
0 pp!qq
0 rr!ss
0 pp!qq
";

#[test]
fn replays_follow_classes_macros_and_lookups() {
    let file = SourceFile::new("dependencies.cf", DEPENDENCIES.as_bytes().to_vec());
    let parsed = cf2postfix::syntax::parse(&file);
    let load = || Machine::load(&file, &parsed.config, Environment::new("here.example"));
    let (hits, _) = same_either_way("dependencies.cf", load(), load(), DEPENDENCY_SCRIPT);
    assert!(hits > 0, "some calls must be replayed");
    let out =
        String::from_utf8_lossy(&Session::new(load()).run_script(DEPENDENCY_SCRIPT.as_bytes()))
            .into_owned();
    // What the rules say, line by line: bob is special once `.CU bob`
    // has run; `$&X` is the value current at each call; `dequote` strips
    // the quotes of a quoted word without spaces and finds nothing in a
    // plain one; the `macro` map sets `{Y}` after `$&{Y}` was expanded,
    // so each `!` line shows the value the previous one set.
    for expected in [
        "returns: $# local $: special bob",
        "returns: $# local $: first jj kk",
        "returns: $# local $: first ll mm",
        "returns: $# local $: second nn oo",
        "returns: $# local $: \"q x\" plus",
        "returns: $# local $: qx plus",
        "returns: $# local $: ry plus",
        "returns: $# local $: plain plus",
        "returns: $# local $: rr qq",
        "returns: $# local $: pp ss",
    ] {
        assert!(out.contains(expected), "missing `{expected}` in\n{out}");
    }
}
