//! A fuzzer over (configuration, address) pairs for the rewrite engine:
//! random rulesets built from every operator (wildcards, classes, `$&`,
//! prefixes, `$>` calls including to itself, lookups in every offline map
//! class), random test lines. Every run must end without a panic; the
//! engine's own limits (100 tries per rule, 50 nested calls, 1000 tokens)
//! are what keep it from hanging, and the test would never finish if one
//! of them were missing. Each run is made twice, with the memo table on
//! and off: the output must be the same (words no rule mentions, such as
//! `kq` and `zz9`, are in the addresses so that calls are replayed).

use std::panic::{catch_unwind, AssertUnwindSafe};

use cf2postfix::engine::{Environment, Machine};
use cf2postfix::source::SourceFile;
use cf2postfix::testmode::Session;

use crate::support::Rng;

const LHS: &[&str] = &[
    "$*", "$+", "$-", "$=w", "$~w", "$=X", "$@", "$&X", "$&Z", "@", ".", "<", ">", "a", "b", "x.y",
    "%", "!", ":", "\"q s\"", "(", ")", "$#", "$|",
];

const RHS: &[&str] = &[
    "$1",
    "$2",
    "$3",
    "$:",
    "$@",
    "$#local",
    "$#error",
    "$@ h",
    "$: u",
    "<",
    ">",
    "@",
    ".",
    "a",
    "$>r1",
    "$>r2",
    "$>r3",
    "$>0",
    "$>nosuch",
    "$&X",
    "$(dq $1 $)",
    "$(ar + $@ 1 $@ 2 $)",
    "$(mac {Y} $@ $1 $)",
    "$(re $1 $)",
    "$(seq $1 $: d $)",
    "$(txt $1 $)",
    "$(net $1 $)",
    "$[ $1 $]",
    "$(nomap $1 $)",
    "$1 $1",
    "$|",
];

const ADDRESSES: &[&str] = &[
    "a", "a@b", "a b", "<a@b>", "\"q\"@b", "a!b!c", "a%b@c", "@x:a@b", "", "<>", "(c) a", "a,b",
    "x.y", "\\@", "((", "\"", "<<", ">>", "kq", "zz9", "kq@b", "<zz9@kq>", "\"kq\"", "kq b",
];

fn config(rng: &mut Rng) -> String {
    let mut cf = String::from(
        "V10/Berkeley\nO OperatorChars=.:%@!^/[]+\nDXa\nCX a b x.y\nKdq dequote\nKar arith\n\
         Kmac macro\nKre regex -a@ ^a\nKtxt text -o /nonexistent\nKseq sequence dq txt\n\
         Knet dns -R A\nMlocal, P=/bin/true, F=lsDFM, A=mail $u\n",
    );
    for set in ["0", "3", "r1", "r2", "r3"] {
        cf.push_str(&format!("S{set}\n"));
        for _ in 0..rng.below(6) {
            let lhs: Vec<&str> = (0..=rng.below(5)).map(|_| rng.pick(LHS)).collect();
            let rhs: Vec<&str> = (0..=rng.below(6)).map(|_| rng.pick(RHS)).collect();
            cf.push_str(&format!("R{}\t{}\n", lhs.join(" "), rhs.join(" ")));
        }
    }
    cf
}

fn iterations() -> u64 {
    std::env::var("CF2POSTFIX_FUZZ_ITERATIONS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .map(|n| (n / 100).max(100))
        .unwrap_or(if cfg!(debug_assertions) { 200 } else { 1_500 })
}

#[test]
fn random_configs_and_addresses_never_panic_or_hang() {
    let mut rng = Rng(0x5EED_CAFE_F00D_0001);
    let n = iterations();
    let mut replayed = 0;
    for i in 0..n {
        let cf = config(&mut rng);
        let mut lines = Vec::new();
        for _ in 0..8 {
            let list = rng.pick(&["0", "3", "3,0", "r1", "r2,r3", "r1,0"]);
            let a = rng.pick(ADDRESSES);
            let b = rng.pick(ADDRESSES);
            lines.push(format!("{list} {a}{b}"));
        }
        lines.push(format!("/parse {}", rng.pick(ADDRESSES)));
        lines.push(format!("/try local {}", rng.pick(ADDRESSES)));
        // The same lines with other unmentioned words: replays, when the
        // shapes allow.
        let again: Vec<String> = lines
            .iter()
            .map(|l| l.replace("kq", "kv").replace("zz9", "yy8"))
            .collect();
        lines.extend(again);
        let input = lines.join("\n");
        let result = catch_unwind(AssertUnwindSafe(|| {
            let file = SourceFile::new("fuzz.cf", cf.clone().into_bytes());
            let parsed = cf2postfix::syntax::parse(&file);
            let run = |memo: bool| {
                let mut machine =
                    Machine::load(&file, &parsed.config, Environment::new("h.example.com"));
                machine.set_memo(memo);
                let mut session = Session::new(machine);
                let out = session.run_script(input.as_bytes());
                (out, session.machine.memo_counts().0)
            };
            let (with, hits) = run(true);
            let (without, _) = run(false);
            (with == without, hits)
        }));
        let Ok((same, hits)) = result else {
            panic!("iteration {i} panicked\n--- config\n{cf}\n--- input\n{input}");
        };
        assert!(
            same,
            "iteration {i}: the memo table changed the output\n--- config\n{cf}\n--- input\n{input}"
        );
        replayed += hits;
    }
    eprintln!(
        "engine fuzz: {n} configurations, {} test lines, {replayed} calls replayed, same output without the memo table",
        n * 20
    );
    assert!(replayed > 0, "the fuzzer must exercise replays");
}
