//! `parse(print(tree)) == tree`, spans aside, for generated configurations.

use proptest::prelude::*;

use crate::support::{parse_bytes, without_spans};
use cf2postfix::printer;

const STARTERS: &[&str] = &[
    "V10/Berkeley",
    "V3",
    "V2",
    "V7/Sun",
    "D",
    "Dx",
    "D{long}",
    "C",
    "Cw",
    "F",
    "Fw",
    "O",
    "O ",
    "OA",
    "O Timeout.",
    "H",
    "H?P?",
    "P",
    "K",
    "M",
    "S",
    "S0",
    "Sname=9",
    "R",
    "E",
    "Q",
    "X",
    "L",
    "G",
    "T",
    "#",
    " ",
    "\t",
    "z",
    "",
];

const FRAGMENTS: &[&str] = &[
    "$*",
    "$+",
    "$-",
    "$@",
    "$:",
    "$#",
    "$>",
    "$=w",
    "$~X",
    "$&x",
    "${name}",
    "${bad",
    "$%y",
    "$!y",
    "$\"",
    "$<P",
    "${Z",
    "$}",
    "$1",
    "$9",
    "$0",
    "$(",
    "$)",
    "$[",
    "$]",
    "$?x",
    "$|",
    "$.",
    "$$",
    "$",
    "\t",
    " ",
    "#",
    "\\#",
    "\\",
    "=",
    ",",
    "\"",
    "<",
    ">",
    "@",
    ".",
    "-o",
    "-o ",
    "/etc/mail/x",
    "|/bin/prog",
    "[IPC]",
    "[TCP]",
    "P=",
    "A=",
    "F=",
    "S=",
    "R=",
    "TCP $h",
    "Name",
    "MaxMessageSize",
    "Timeout",
    "5m",
    "local",
    "\r",
    "\n\t",
    "\n ",
    "\n",
    "\u{e9}",
    "?",
    ":",
    "hash",
    "regex",
    "-k",
    "0",
];

fn config_text() -> impl Strategy<Value = Vec<u8>> {
    let line = (
        prop::sample::select(STARTERS),
        prop::collection::vec(prop::sample::select(FRAGMENTS), 0..8),
    );
    (
        prop::collection::vec(line, 0..16),
        any::<bool>(),
        prop::collection::vec(any::<u8>(), 0..3),
    )
        .prop_map(|(lines, crlf, raw)| {
            let mut out = Vec::new();
            for (starter, fragments) in lines {
                out.extend_from_slice(starter.as_bytes());
                for f in fragments {
                    out.extend_from_slice(f.as_bytes());
                }
                out.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
            }
            // A few raw bytes anywhere: 8-bit, NUL, control characters.
            for (i, b) in raw.into_iter().enumerate() {
                let at = (i * 7919) % (out.len() + 1);
                out.insert(at, b);
            }
            out
        })
}

fn assert_round_trip(input: &[u8]) -> Result<(), TestCaseError> {
    let (_, first) = parse_bytes("input", input);
    let printed = printer::print(&first.config);
    let (_, second) = parse_bytes("printed", &printed);
    prop_assert_eq!(
        without_spans(&first.config),
        without_spans(&second.config),
        "printed text:\n{}",
        String::from_utf8_lossy(&printed)
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn generated_configurations_round_trip(input in config_text()) {
        assert_round_trip(&input)?;
    }

    #[test]
    fn arbitrary_bytes_round_trip(input in prop::collection::vec(any::<u8>(), 0..300)) {
        assert_round_trip(&input)?;
    }
}

#[test]
fn examples_round_trip() {
    for path in crate::examples::example_configs() {
        let bytes = std::fs::read(&path).expect("readable");
        assert_round_trip(&bytes).expect("round trip");
    }
}
