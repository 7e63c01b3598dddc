//! The engine at its limits, against the real sendmail: loops, deep
//! recursion, too many calls, overlong expansions and inputs, broken
//! input. Every answer must be byte for byte sendmail's.

use crate::engine_differential::{emulate, oracle};
use crate::support::{self, TempDir};

/// A configuration written to hit every limit of the rewriting engine.
const LIMITS_CF: &str = "V10/Berkeley
O BlankSub=.
O OperatorChars=.:%@!^/[]+
DXvalue-of-x
DMab
CW a a.b foo.bar
Kdq dequote
Kar arith
Kmac macro
Kre regex -a@MATCH ^[0-9]+$
Kre3 regex -s2,1 ^([a-z]+)@([a-z]+)$
Kseq sequence dq nomap
Mlocal, P=/bin/true, F=lsDFMAw5:/|@q, S=0, R=0, A=mail $u
Mprog, P=/bin/sh, F=lsDFMoqeu9, S=0, R=0, D=$z:/, A=sh -c $h
Stok
R$*\t$@ $1
Slazy
R$* . $*\t$: < $1 > < $2 >
Sclass
R$=W x $*\t$@ <$1> <$2>
R$=W\t$@ whole <$1>
Snotclass
R$~W\t$@ not <$1>
Sdefer
R$* $&X $*\t$@ <$1> <$2>
Rq $&M\t$@ split-macro
Rr $&Z\t$@ empty-macro
Sloop
R$*\t$1
Sorder
R$* + $*\t$: $>A $1 + $>B $2
SA
R$*\t$@ A( $1 )
SB
R$*\t$@ B( $1 )
Sstop
R$*\t$: $>res $1
R$*\t$@ notreached
Sres
R$*\t$@ $# local $: $1
Sprefix
R$+\t$@ $: $1
Smaps
Ra $*\t$@ $(dq $1 $)
Rb $*\t$@ $(nomap $1 $)
Rc $*\t$@ $(ar + $@ 3 $@ 4 $)
Rd $*\t$@ $(mac {Foo} $@ $1 $) $&{Foo}
Re $*\t$@ $(dq $1 $: foo bar $)
Rf $*\t$@ <$(re $1 $)> <$(re3 $1 $)>
Rg $*\t$@ $(ar / $@ 1 $@ 0 $: divzero $)
Rh $*\t$@ $[ $1 $]
Ri $*\t$@ $(seq $1 $)
Sempty
R$*\t$:
R$@\t$@ was-empty
Sgrow
R$*\t$1 $1
Srecurse
R$*\t$@ $>recurse x $1
Smany
R$*\t$: $>A $>A $>A $>A $>A $>A $>A $>A $>A $>A $>A $>A $>A $>A $>A $>A $1
Sbounds
R$- $-\t$@ $3
Sunknown
R$*\t$@ $>nosuch $1
Semptycall
R$*\t$@ $>hollow $1
Shollow
Sbacktrack
R$+ @ $+ @ $+\t$@ <$1> <$2> <$3>
R$* $* x\t$@ <$1> <$2>
R$+ $- x\t$@ <$1> <$2>
";

fn limits_input() -> String {
    let many = "t ".repeat(600);
    let long_value = "w ".repeat(1100);
    [
        "tok Joe (Smith) <joe@Example.COM>, \"a b\"@c",
        "tok \"unbalanced",
        "tok (open comment",
        "tok close) paren",
        "tok <open angle",
        "tok close> angle",
        "tok a\\@b c\\!d",
        "tok j\u{f6}e",
        "lazy a.b.c",
        "class a.b x y",
        "class FOO bar",
        "notclass a",
        "notclass zz",
        "defer p value-of-x q",
        "defer q a b",
        "defer r",
        "defer r s",
        "loop z",
        "order x + y",
        "stop q",
        "prefix a b",
        "maps a \"x y\"",
        "maps a \"xy\"",
        "maps b key",
        "maps c",
        "maps d hello",
        "maps e plain",
        "maps f 123",
        "maps f ab@cd",
        "maps g",
        "maps h localhost",
        "maps h nosuchhost",
        "maps i \"quoted\"",
        "empty q",
        "grow a",
        "recurse a",
        "many a",
        "bounds a b",
        "unknown a",
        "emptycall a",
        "backtrack a @ b @ c @ d",
        "backtrack a b x",
        "backtrack a b c x",
        "stop,tok q",
        "nosuch,tok q",
        "150 q",
        "tok,lazy,class a.b",
        "=Sclass",
        "=Smaps",
        "=Snosuch",
        "$M",
        "$X",
        "${Foo}",
        "/map dq \"quoted\"",
        "/map ar x",
        "/map nosuch x",
        "/map dq",
        "/try local user",
        "/try nosuchmailer user",
        "/parse user",
        "/parse \"Joe\" <joe@example.com>",
        "/tryflags HS",
        "/try local user",
        "/quit-not",
        "=X",
        ".Z",
        "-x",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .chain([
        format!("tok {many}"),
        format!(".DL {long_value}"),
        "defer $&L".to_owned(),
        format!("tok {}", "z".repeat(300)),
        "-d21.12".to_owned(),
        "backtrack a b x".to_owned(),
        "-d21.4".to_owned(),
        "order x + y".to_owned(),
        "-d21.0".to_owned(),
        "/quit".to_owned(),
        "tok after quit".to_owned(),
    ])
    .collect::<Vec<_>>()
    .join("\n")
        + "\n"
}

#[test]
fn limits_and_errors_match_sendmail() {
    if !support::sendmail_available() {
        support::skip("real sendmail not installed; engine limits not compared");
        return;
    }
    let scratch = TempDir::new("engine-limits");
    let cf = scratch.0.join("limits.cf");
    std::fs::write(&cf, LIMITS_CF).expect("write cf");
    let input = limits_input();
    let theirs = oracle(&cf, None, &input);
    let ours = emulate(&cf, None, &input);
    let after_banner = |out: &[u8]| -> String {
        let text = String::from_utf8_lossy(out).into_owned();
        text.split_once("Enter <ruleset> <address>\n")
            .map(|(_, rest)| rest.to_owned())
            .unwrap_or(text)
    };
    let (theirs, ours) = (after_banner(&theirs), after_banner(&ours));
    if theirs != ours {
        let _ = std::fs::write(
            support::project_dir().join("target/limits.sendmail"),
            &theirs,
        );
        let _ = std::fs::write(support::project_dir().join("target/limits.ours"), &ours);
        let diff: Vec<String> = theirs
            .lines()
            .zip(ours.lines())
            .filter(|(a, b)| a != b)
            .take(10)
            .map(|(a, b)| format!("sendmail:    {a}\ncf2postfix:  {b}"))
            .collect();
        panic!("output differs from sendmail:\n{}", diff.join("\n"));
    }
}

/// Rules continued on the next lines: sendmail's load messages give the
/// last physical line, and so must ours.
const CONTINUED_CF: &str = "V10/Berkeley
Mlocal, P=/bin/true, F=lsDFM, A=mail $u
Kdq dequote
S0
R$* $* $* $* $* $* $* $* $* $* $*
\t$@ $1
R$+
\t$@ $2
R$+\t$@ $1 $(
\tdq $1
R$+\t$@ $1
";

/// The `file: line N: ...` messages sendmail and the emulator print when
/// they load `text` (as `name` in a scratch directory) and run `input`;
/// `None` (after saying so) without the oracle.
fn load_messages(name: &str, text: &str, input: &str) -> Option<(Vec<String>, Vec<String>)> {
    if !support::sendmail_available() {
        support::skip("real sendmail not installed; load messages not compared");
        return None;
    }
    let scratch = TempDir::new(name);
    let cf = scratch.0.join(format!("{name}.cf"));
    std::fs::write(&cf, text).expect("write cf");
    let prefix = format!("{}: line ", cf.display());
    let messages = |out: &[u8]| -> Vec<String> {
        String::from_utf8_lossy(out)
            .lines()
            .filter(|l| l.starts_with(&prefix))
            .map(str::to_owned)
            .collect()
    };
    Some((
        messages(&oracle(&cf, None, input)),
        messages(&emulate(&cf, None, input)),
    ))
}

#[test]
fn messages_about_continued_lines_name_their_last_line() {
    let Some((theirs, ours)) = load_messages("continued", CONTINUED_CF, "0 a\n") else {
        return;
    };
    assert_eq!(
        theirs.len(),
        3,
        "sendmail complains three times: {theirs:?}"
    );
    assert_eq!(ours, theirs);
}

/// Option lines as `setoption` reads them: the name is everything before
/// the first `=` (spaces before it dropped, tabs kept), a space after `O`
/// always starts a long name, and an empty name is a null name.
const OPTIONS_CF: &str = "V10/Berkeley
Mlocal, P=/bin/true, F=lsDFM, A=mail $u
O BlankSub .
O NoSuch value
O BlankSub\t=.
O OperatorChars = .:@
O Name value=x
O ForwardPath
O  BlankSub=.
O\tBlankSub=.
O =x
O Time out=5
OW
O\u{7f}x
";

#[test]
fn option_names_are_read_as_sendmail_reads_them() {
    let Some((theirs, ours)) = load_messages("options", OPTIONS_CF, "") else {
        return;
    };
    assert!(
        theirs.len() >= 8,
        "sendmail complains about most lines: {theirs:?}"
    );
    assert_eq!(ours, theirs);
}

/// SunOS `$%y`/`$!y` (sendmail 8.17 has no such operators, so there is no
/// oracle): as Sun's documentation describes them, `$%y` matches a name
/// found in the NIS map named by macro `y`, `$!y` one that is not. The map
/// is the file given for that name.
#[test]
fn sun_nis_matches_follow_the_sun_dialect() {
    use cf2postfix::engine::{Environment, Machine};
    use cf2postfix::source::SourceFile;
    use cf2postfix::testmode::Session;
    let cf =
        "Dyhosts.byname\nDo.:%@!^=/[]\nMlocal, P=/bin/mail, F=rlsDFMmn, S=10, R=20, A=mail -d $u\n\
              Mether, P=[IPC], F=msDFMuCX, S=11, R=21, A=IPC $h\nS0\n\
              R$*<@$%y.LOCAL>$*\t$#ether$@$2$:$1<@$2>$3\n\
              R$*<@$!y.LOCAL>$*\t$#error$:Host unknown\n";
    let file = SourceFile::new("sun.cf", cf.as_bytes().to_vec());
    let parsed = cf2postfix::syntax::parse(&file);
    let mut env = Environment::new("mail.example.com");
    env.nis_maps.insert(
        b"hosts.byname".to_vec(),
        Environment::nis_keys(b"10.0.0.5 ether1 ether1.sun.example\n"),
    );
    let machine = Machine::load(&file, &parsed.config, env);
    let out = Session::new(machine).run_script(
        b"=S0\n0 user<@ether1.LOCAL>\n0 user<@ETHER1.sun.example.LOCAL>\n0 user<@nowhere.LOCAL>\n",
    );
    let text = String::from_utf8_lossy(&out);
    assert!(text.contains("R$* < @ $%y . LOCAL > $* \t\t"), "{text}");
    assert!(text.contains("R$* < @ $!y . LOCAL > $* \t\t"), "{text}");
    assert!(
        text.contains("returns: $# ether $@ ether1 $: user < @ ether1 >"),
        "{text}"
    );
    assert!(
        text.contains(
            "returns: $# ether $@ ETHER1 . sun . example $: user < @ ETHER1 . sun . example >"
        ),
        "{text}"
    );
    assert!(text.contains("returns: $# error $: Host unknown"), "{text}");
}
