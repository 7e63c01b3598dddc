//! The Postfix table model against the real `postmap -q`: generated
//! tables of every file-based type (hash and the other indexed types from
//! their postmap source, texthash, regexp, pcre, cidr) plus inline and
//! static, queried with many keys, answer by answer.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use cf2postfix::postfix::tables::{Lookup, Table};

use crate::support::{self, Rng, TempDir};

const POSTMAP: &str = "/usr/sbin/postmap";

/// What the real postmap says for each key (in order), or why it could
/// not be asked.
fn postmap_batch(reference: &str, keys: &[String]) -> Result<Vec<Lookup>, String> {
    let mut child = Command::new(POSTMAP)
        .args(["-q", "-", reference])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("postmap starts: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        let mut input = String::new();
        for key in keys {
            input.push_str(key);
            input.push('\n');
        }
        let _ = stdin.write_all(input.as_bytes());
    }
    let output = child
        .wait_with_output()
        .map_err(|e| format!("postmap runs: {e}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if stderr.contains("fatal:") {
        return Err(format!("postmap failed: {stderr}"));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut found = std::collections::BTreeMap::new();
    for line in stdout.lines() {
        if let Some((key, value)) = line.split_once('\t') {
            found.insert(key.to_string(), value.to_string());
        }
    }
    Ok(keys
        .iter()
        .map(|k| match found.get(k) {
            Some(v) => Lookup::Found(v.clone()),
            None => Lookup::NotFound,
        })
        .collect())
}

/// One `postmap -q KEY reference`: found, not found, or failed.
fn postmap_one(reference: &str, key: &str) -> Lookup {
    let output = Command::new(POSTMAP)
        .args(["-q", key, reference])
        .stdin(Stdio::null())
        .output();
    let Ok(output) = output else {
        return Lookup::Fail("postmap did not run".into());
    };
    let stderr = String::from_utf8_lossy(&output.stderr);
    if stderr.contains("fatal:") {
        return Lookup::Fail(stderr.into_owned());
    }
    if output.status.success() {
        let stdout = String::from_utf8_lossy(&output.stdout);
        Lookup::Found(stdout.strip_suffix('\n').unwrap_or(&stdout).to_string())
    } else {
        Lookup::NotFound
    }
}

fn same(a: &Lookup, b: &Lookup) -> bool {
    match (a, b) {
        (Lookup::Fail(_), Lookup::Fail(_)) => true,
        _ => a == b,
    }
}

#[derive(Default)]
struct Tally {
    compared: usize,
    agreed: usize,
    by_kind: std::collections::BTreeMap<String, (usize, usize)>,
    mismatches: Vec<String>,
}

impl Tally {
    fn record(&mut self, kind: &str, what: &str, key: &str, ours: &Lookup, theirs: &Lookup) {
        self.compared += 1;
        let entry = self.by_kind.entry(kind.to_string()).or_default();
        entry.0 += 1;
        if same(ours, theirs) {
            self.agreed += 1;
            entry.1 += 1;
        } else if self.mismatches.len() < 40 {
            self.mismatches.push(format!(
                "{what}: key {key:?}: ours {ours:?}, postmap {theirs:?}"
            ));
        }
    }
}

fn unique(keys: Vec<String>) -> Vec<String> {
    let mut seen = BTreeSet::new();
    keys.into_iter()
        .filter(|k| {
            !k.is_empty() && !k.contains('\n') && !k.contains('\t') && seen.insert(k.clone())
        })
        .collect()
}

/// Compares one table file of `kind` on `keys`; builds the database first
/// for indexed types.
fn compare_file(
    tally: &mut Tally,
    dir: &Path,
    kind: &str,
    name: &str,
    text: &[u8],
    keys: &[String],
) {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("table file");
    let reference = format!("{kind}:{}", path.display());
    if matches!(kind, "hash" | "btree" | "cdb" | "lmdb") {
        let status = Command::new(POSTMAP)
            .arg(&reference)
            .stderr(Stdio::null())
            .status()
            .expect("postmap runs");
        assert!(status.success(), "postmap {reference} builds");
    }
    let resolve = |n: &str| PathBuf::from(n);
    let table = Table::load(&reference, &resolve);
    let theirs = match postmap_batch(&reference, keys) {
        Ok(t) => t,
        Err(e) => panic!(
            "{reference}: {e}\n--- table ---\n{}",
            String::from_utf8_lossy(text)
        ),
    };
    for (key, theirs) in keys.iter().zip(&theirs) {
        let ours = table.lookup(key);
        tally.record(kind, name, key, &ours, theirs);
    }
}

// ---------------------------------------------------------------- hash

const HASH_KEYS: [&str; 24] = [
    "alice",
    "Bob",
    "carol@example.com",
    "Dave@Example.COM",
    "@example.com",
    "example.com",
    ".example.com",
    "user+ext@example.com",
    "\"quoted user\"@example.com",
    "a\\ b",
    "key:",
    "x-y_z",
    "UPPER",
    "1.2.3.4",
    "[10.0.0.1]",
    "Ärger@example.com",
    "postmaster",
    "#notcomment",
    "a\"b\"c",
    "sub.domain.example.org",
    "*",
    "<>",
    "tab\\\tkey",
    "mixed.Case.Key",
];

const WORDS: [&str; 12] = [
    "smtp:[relay.example.com]",
    "OK",
    "REJECT no thanks",
    "local",
    "user@example.net",
    "a, b, c",
    "$1 literal",
    "DUNNO",
    "error:5.1.1 gone",
    "x",
    "\"q v\"",
    "discard:",
];

fn hash_source(rng: &mut Rng) -> (String, Vec<String>) {
    let mut text = String::new();
    let mut keys: Vec<String> = Vec::new();
    if rng.below(4) == 0 {
        text.push_str("  leading indented line\n  and its continuation\n");
    }
    for _ in 0..(10 + rng.below(25)) {
        match rng.below(14) {
            0 => text.push_str("# a comment line\n"),
            1 => text.push_str("   # indented comment\n"),
            2 => text.push('\n'),
            3 => text.push_str("  \t \n"),
            4 => {
                let key = rng.pick(&HASH_KEYS).to_string();
                text.push_str(&key);
                text.push('\n');
                keys.push(key);
            }
            5 => text.push_str("\"unbalanced key value\n"),
            _ => {
                let key = rng.pick(&HASH_KEYS).to_string();
                let sep = rng.pick(&[" ", "\t", "   ", " \t "]);
                let value = rng.pick(&WORDS).to_string();
                text.push_str(&key);
                text.push_str(sep);
                text.push_str(&value);
                if rng.below(4) == 0 {
                    text.push_str(rng.pick(&["  ", "\t", "\r"]));
                }
                if rng.below(5) == 0 {
                    text.push('\n');
                    text.push_str(rng.pick(&["  continued", "\tmore text", " # not a comment"]));
                }
                if rng.below(8) == 0 {
                    text.push_str("\n# comment inside\n\t after comment");
                }
                text.push('\n');
                keys.push(key);
            }
        }
    }
    let mut queries = Vec::new();
    for key in keys.iter().chain(
        HASH_KEYS
            .iter()
            .map(|k| k.to_string())
            .collect::<Vec<_>>()
            .iter(),
    ) {
        queries.push(key.clone());
        queries.push(key.to_uppercase());
        queries.push(key.to_lowercase());
    }
    queries.extend(
        [
            "missing",
            "ärger@example.com",
            "ÄRGER@EXAMPLE.COM",
            " alice",
            "alice ",
        ]
        .map(String::from),
    );
    (text, unique(queries))
}

// ---------------------------------------------------------------- regexp/pcre

const POSIX_ATOMS: [&str; 18] = [
    "a",
    "b",
    "x",
    "[ab]",
    "[^a]",
    ".",
    "[[:digit:]]",
    "\\.",
    "@",
    "[.]",
    "(a|b)",
    "(ab)",
    "([^@]+)",
    "[-a]",
    "[]x]",
    "(x*)",
    "[[:upper:]]",
    "\\+",
];
const PCRE_ATOMS: [&str; 18] = [
    "a",
    "b",
    "x",
    "[ab]",
    "[^a]",
    ".",
    "\\d",
    "\\.",
    "@",
    "(?:ab)",
    "(a|b)",
    "(ab)",
    "([^@]+)",
    "[\\w.]",
    "\\w",
    "(x*?)",
    "[[:upper:]]",
    "\\+",
];
const QUANTIFIERS: [&str; 6] = ["", "", "*", "+", "?", "{1,2}"];

fn random_pattern(rng: &mut Rng, atoms: &[&str]) -> (String, usize) {
    let mut p = String::new();
    if rng.below(2) == 0 {
        p.push('^');
    }
    let mut groups = 0;
    for _ in 0..(1 + rng.below(4)) {
        let atom = atoms[rng.below(atoms.len())];
        groups += atom.matches('(').count() - atom.matches("(?").count();
        p.push_str(atom);
        let q = QUANTIFIERS[rng.below(QUANTIFIERS.len())];
        // A quantifier after a group would make captures depend on the
        // engine's choice of iteration; keep groups unquantified.
        if !atom.ends_with(')') {
            p.push_str(q);
        }
    }
    if rng.below(2) == 0 {
        p.push('$');
    }
    (p, groups)
}

fn pattern_table(rng: &mut Rng, pcre: bool) -> String {
    let atoms: &[&str] = if pcre { &PCRE_ATOMS } else { &POSIX_ATOMS };
    let mut text = String::new();
    let mut depth = 0;
    for n in 0..(6 + rng.below(14)) {
        match rng.below(12) {
            0 if depth < 3 => {
                let (p, _) = random_pattern(rng, atoms);
                let neg = if rng.below(3) == 0 { "!" } else { "" };
                text.push_str(&format!(
                    "{}{neg}/{p}/\n",
                    rng.pick(&["if ", "IF ", "if\t"])
                ));
                depth += 1;
            }
            1 if depth > 0 => {
                text.push_str("endif\n");
                depth -= 1;
            }
            2 => text.push_str("# comment\n\n"),
            3 => text.push_str("endif\n"),
            _ => {
                let (p, groups) = random_pattern(rng, atoms);
                let negate = rng.below(6) == 0;
                let flags = if pcre {
                    rng.pick(&["", "", "i", "s", "m"])
                } else {
                    rng.pick(&["", "", "i", "m"])
                };
                let delim = if rng.below(5) == 0 { "#" } else { "/" };
                let p = if delim == "#" {
                    p.replace('#', "\\#")
                } else {
                    p
                };
                text.push_str(if negate { "!" } else { "" });
                text.push_str(&format!("{delim}{p}{delim}{flags}"));
                if !pcre && !negate && rng.below(6) == 0 {
                    let (p2, _) = random_pattern(rng, atoms);
                    text.push_str(&format!("!/{p2}/"));
                }
                let mut result = format!("r{n}");
                if !negate && groups > 0 && rng.below(2) == 0 {
                    let k = 1 + rng.below(groups);
                    result.push_str(rng.pick(&[" $", "-${", " $("]));
                    result.push_str(&k.to_string());
                    if result.ends_with(&format!("${{{k}")) {
                        result.push('}');
                    } else if result.ends_with(&format!("$({k}")) {
                        result.push(')');
                    }
                    result.push_str(" $$");
                } else if rng.below(10) == 0 {
                    result.push_str(" $9");
                }
                text.push(' ');
                text.push_str(&result);
                text.push('\n');
            }
        }
    }
    text.push_str("/^zz(.*)/ last $1\n");
    text
}

fn pattern_keys(rng: &mut Rng) -> Vec<String> {
    let mut keys = vec![
        "a".to_string(),
        "ab".into(),
        "AB".into(),
        "user@example.com".into(),
        "a+b@x.com".into(),
        "x".into(),
        "zzTop".into(),
        "-".into(),
        "]".into(),
        "9".into(),
        "a.b".into(),
        "@".into(),
        "xxxx".into(),
    ];
    let alphabet = b"abxAB.@1-]+ ";
    for _ in 0..120 {
        let len = 1 + rng.below(9);
        let key: String = (0..len)
            .map(|_| char::from(alphabet[rng.below(alphabet.len())]))
            .collect();
        keys.push(key);
    }
    unique(keys)
}

// ---------------------------------------------------------------- cidr

fn cidr_table(rng: &mut Rng) -> String {
    let v4 = [
        "10.0.0.0/8",
        "10.1.0.0/16",
        "192.168.1.0/24",
        "192.168.1.128/25",
        "1.2.3.4",
        "1.2.3.4/32",
        "0.0.0.0/0",
        "172.16.0.0/12",
        "[127.0.0.0]/8",
        "10.0.0.1/8",
        "1.2.3.0/33",
        "01.2.3.0/24",
        "1.2.3/24",
        "200.0.0.0/5",
    ];
    let v6 = [
        "2001:db8::/32",
        "[2001:db8:1::]/48",
        "[::1]/128",
        "::1",
        "fe80::/10",
        "::/0",
        "[::ffff:10.0.0.0]/104",
        "2001:db8::1/32",
        "[2001:db8::/32]",
        "2001:db8:::/32",
    ];
    let mut text = String::new();
    let mut depth = 0;
    for n in 0..(8 + rng.below(12)) {
        let net = if rng.below(2) == 0 {
            v4[rng.below(v4.len())]
        } else {
            v6[rng.below(v6.len())]
        };
        match rng.below(10) {
            0 if depth < 2 => {
                text.push_str(&format!(
                    "if {}{net}\n",
                    if rng.below(3) == 0 { "!" } else { "" }
                ));
                depth += 1;
            }
            1 if depth > 0 => {
                text.push_str("endif\n");
                depth -= 1;
            }
            2 => text.push_str("# comment\n"),
            3 => text.push_str(&format!("{net}\n")),
            _ => {
                let neg = if rng.below(5) == 0 { "!" } else { "" };
                text.push_str(&format!("{neg}{net}\tv{n} text\n"));
            }
        }
    }
    text
}

fn cidr_keys(rng: &mut Rng) -> Vec<String> {
    let mut keys: Vec<String> = [
        "10.1.2.3",
        "10.2.0.1",
        "192.168.1.5",
        "192.168.1.200",
        "1.2.3.4",
        "1.2.3.5",
        "172.31.255.255",
        "172.32.0.0",
        "127.0.0.1",
        "203.0.113.9",
        "::1",
        "::2",
        "2001:db8::1",
        "2001:db8:1::5",
        "2001:db9::1",
        "fe80::1",
        "febf::1",
        "::ffff:10.1.1.1",
        "not-an-address",
        "01.2.3.4",
        "1.2.3",
        "[1.2.3.4]",
        "1.2.3.4.5",
        "2001:db8::1::2",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for _ in 0..60 {
        if rng.below(2) == 0 {
            keys.push(format!(
                "{}.{}.{}.{}",
                rng.pick(&["10", "192", "172", "1", "200", "127", "0"]),
                rng.below(256),
                rng.below(4),
                rng.below(256)
            ));
        } else {
            keys.push(format!(
                "{}:{:x}::{:x}",
                rng.pick(&["2001:db8", "fe80", "2001", "ffff"]),
                rng.below(3),
                rng.below(65536)
            ));
        }
    }
    unique(keys)
}

// ---------------------------------------------------------------- fixed tables

const FIXED_HASH: &str = "\
# leading comment
Alice   alice@example.net
bob\tbob@example.net  \r
CAROL carol@example.net
  carol-continued
carol duplicate-ignored

lonely
\"a b\"@example.com quoted
a\\ b escaped-space
key: colon
@example.com catchall
.sub.example.com dotted
";

const FIXED_REGEXP: &str = "\
/^(.*)\\+(.*)@example\\.com$/ $2 ${1}x $$ $(2)
/^postmaster@/ root
if /@example\\.org$/
if !/^admin/
/^(.*)@/ user-$1
endif
/./ admin
ENDIF
!/@/ local-part
/^[[:upper:]]+$/ upper-ci
/^[[:upper:]]+$/i upper-cs
/a/!/b/ a-not-b
/(a)(b)?/ [$1|$2]
/\\<word\\>/ bounded
/^a\\(b\\)$/x bre-$1
# comment
/unclosed
/x/q bad-flag
/(x)/ $2
/^(a|ab)(c|bcd)(d*)$/ alt [$1][$2][$3]
/^q**$/ stars
/^w{,2}$/ empty-min
/^k{$/ brace
/^k{1$/ brace2
/^v{2}{2}$/ double-interval
/^(u)*$/ group-star [$1]
! /^q/ neg
";

const FIXED_PCRE: &str = "\
/^(?<user>[^@]+)@(?:example\\.com|example\\.net)$/ user $1
/^(\\d+)\\.(\\d+)$/ digits $2.$1
/^a.b$/s no-dotall
/^A/ ci
/^B/i cs
/^(x+?)(x*)$/ lazy [$1][$2]
/^\\Qa.b\\E$/ quoted
/^(a)|(b)$/ alt [$1][$2]
if /^if/
/^if(.*)/ inside $1
endif
/^\\x41\\x{42}/ hex
";

const FIXED_CIDR: &str = "\
192.168.0.0/16 lan
!10.0.0.0/8 not-ten
[2001:db8::]/32 doc6
if 172.16.0.0/12
172.16.1.1 one
endif
10.1.2.3 ten-host
10.0.0.1/8 host-bits
1.2.3.0/24
[::1] loop6
";

#[test]
fn postfix_tables_agree_with_postmap() {
    if !Path::new(POSTMAP).is_file() {
        support::skip("/usr/sbin/postmap is not installed (run oracle/install.sh): table lookups not compared with Postfix");
        return;
    }
    let scratch = TempDir::new("postfix-tables");
    let dir = &scratch.0;
    let mut tally = Tally::default();
    let mut rng = Rng(0x005e_ed7a_b1e5_u64);

    // Fixed tables first.
    let fixed_hash_keys = unique(
        [
            "alice",
            "ALICE",
            "bob",
            "carol",
            "lonely",
            "\"a b\"@example.com",
            "a\\ b",
            "key:",
            "@example.com",
            ".sub.example.com",
            "missing",
            "Carol",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
    );
    for kind in ["hash", "btree", "cdb", "lmdb", "texthash"] {
        compare_file(
            &mut tally,
            dir,
            kind,
            &format!("fixed-{kind}"),
            FIXED_HASH.as_bytes(),
            &fixed_hash_keys,
        );
    }
    let mut keys = pattern_keys(&mut rng);
    keys.extend(
        [
            "a+b@example.com",
            "Postmaster@x",
            "bob@example.org",
            "admin@example.org",
            "bob",
            "ABC",
            "abc",
            "a word here",
            "ab",
            "a",
            "qq",
            "42.7",
            "user@example.net",
            "xxx",
            "a.b",
            "a\u{1}b",
            "iffy",
            "lookup",
            "AB",
            "b",
            "ABCdef",
            "abcd",
            "q",
            "qqq",
            "",
            "w",
            "ww",
            "www",
            "k{",
            "k{1",
            "vvvv",
            "uuu",
        ]
        .map(String::from),
    );
    let keys = unique(keys);
    compare_file(
        &mut tally,
        dir,
        "regexp",
        "fixed-regexp",
        FIXED_REGEXP.as_bytes(),
        &keys,
    );
    compare_file(
        &mut tally,
        dir,
        "pcre",
        "fixed-pcre",
        FIXED_PCRE.as_bytes(),
        &keys,
    );
    let ckeys = cidr_keys(&mut rng);
    compare_file(
        &mut tally,
        dir,
        "cidr",
        "fixed-cidr",
        FIXED_CIDR.as_bytes(),
        &ckeys,
    );

    // Generated tables.
    for round in 0..30 {
        let (text, keys) = hash_source(&mut rng);
        let kind = ["hash", "texthash", "btree", "cdb"][round % 4];
        compare_file(
            &mut tally,
            dir,
            kind,
            &format!("gen-{round}-{kind}"),
            text.as_bytes(),
            &keys,
        );
    }
    for round in 0..40 {
        let pcre = round % 2 == 1;
        let text = pattern_table(&mut rng, pcre);
        let keys = pattern_keys(&mut rng);
        let kind = if pcre { "pcre" } else { "regexp" };
        compare_file(
            &mut tally,
            dir,
            kind,
            &format!("gen-{round}-{kind}"),
            text.as_bytes(),
            &keys,
        );
    }
    for round in 0..20 {
        let text = cidr_table(&mut rng);
        let keys = cidr_keys(&mut rng);
        compare_file(
            &mut tally,
            dir,
            "cidr",
            &format!("gen-{round}-cidr"),
            text.as_bytes(),
            &keys,
        );
    }

    // Tables named inline, one query each (postmap stops at a failure).
    let resolve = |n: &str| PathBuf::from(n);
    for (reference, key) in [
        ("inline:{a=1, B=2, {c = three words}}", "A"),
        ("inline:{a=1, B=2, {c = three words}}", "b"),
        ("inline:{a=1, B=2, {c = three words}}", "C"),
        ("inline:{a=1, B=2, {c = three words}}", "d"),
        ("inline:{a=1, a=2}", "a"),
        ("inline:{a = 1}", "a"),
        ("inline:{}", "a"),
        ("static:fixed", "anything"),
        ("static:{ braced value }", "x"),
        ("fail:broken", "x"),
        ("regexp:{ {/^a/ one}, {/b/ two} }", "xb"),
        ("regexp:{ {/^a/ one}, {/b/ two} }", "zz"),
        ("pcre:{ {/^(\\d+)$/ n$1} }", "42"),
        ("cidr:{ {10.0.0.0/8 ten}, {::1 lo} }", "10.9.9.9"),
        ("cidr:{ {10.0.0.0/8 ten}, {::1 lo} }", "::1"),
    ] {
        let ours = Table::load(reference, &resolve).lookup(key);
        let theirs = postmap_one(reference, key);
        tally.record("named", reference, key, &ours, &theirs);
    }

    let percent = 100.0 * tally.agreed as f64 / tally.compared.max(1) as f64;
    eprintln!(
        "\npostfix tables vs postmap -q: {}/{} answers agree ({percent:.2}%)",
        tally.agreed, tally.compared
    );
    for (kind, (n, ok)) in &tally.by_kind {
        eprintln!("  {kind:>9}: {ok}/{n}");
    }
    assert!(
        tally.compared > 3000,
        "too few comparisons: {}",
        tally.compared
    );
    assert!(
        tally.mismatches.is_empty(),
        "{} disagreements with postmap, first ones:\n{}",
        tally.compared - tally.agreed,
        tally.mismatches.join("\n")
    );
}
