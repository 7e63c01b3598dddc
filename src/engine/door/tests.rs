use super::*;
use crate::engine::Environment;
use crate::smtp::Answer;

fn machine(cf: &str) -> Machine {
    let file = crate::source::SourceFile::new("door.cf", cf.as_bytes().to_vec());
    let parsed = crate::syntax::parse(&file);
    let mut env = Environment::new("oracle.example.com");
    env.passwd = Environment::parse_passwd(b"root:x:0:0::/root:/bin/sh\n");
    Machine::load(&file, &parsed.config, env)
}

const BASE: &str = "V10\nCwlocalhost oracle.example.com\nMlocal, P=/bin/mail, F=lsDFMAw5:/|@q, A=mail $u\nMesmtp, P=[IPC], F=mDFMuX, A=TCP $h\nS0\nR$* < @ $=w . > $*\t$#local $: $1\nR$* < @ $=w > $*\t$#local $: $1\nR$* < @ $+ > $*\t$#esmtp $@ $2 $: $1 < @ $2 > $3\nR$+\t$#local $: $1\nS3\nR$* < $* > $*\t$2\nR$+ @ $+\t$@ $1 < @ $2 >\n";

#[test]
fn rscheck_reply_forms() {
    let cf = format!(
        "{BASE}Scheck_rcpt\nR< $* @ relay.example >\t$#error $@ 5.7.1 $: \"550 Relaying denied\"\nR< $* @ temp.example >\t$#error $@ 4.3.0 $: \"451 Try later\"\nR< $* @ plain.example >\t$#error $: Go away\nR< $* @ drop.example >\t$#discard $: x\nR< $* @ upper.example >\t$#ERROR $: \"550 not an error\"\nR< $* @ hold.example >\t$#error $@ quarantine $: held\n"
    );
    let mut m = machine(&cf);
    let client = Client::unnamed("203.0.113.9");
    let v = door(&mut m, &client, "s@oracle.example.com", "x@relay.example");
    assert_eq!((v.stage, v.code), (Stage::Rcpt, 550));
    assert_eq!(v.text, "5.7.1 <x@relay.example>... Relaying denied");
    assert!(v.decided_by.starts_with("door.cf:"), "{}", v.decided_by);
    let v = door(&mut m, &client, "s@oracle.example.com", "x@temp.example");
    assert_eq!((v.code, v.answer), (451, Answer::Defer));
    assert_eq!(v.text, "4.3.0 Try later");
    let v = door(&mut m, &client, "s@oracle.example.com", "x@plain.example");
    assert_eq!(v.code, 553);
    assert_eq!(v.text, "5.3.0 <x@plain.example>... Go away");
    for accepted in [
        "x@drop.example",
        "x@upper.example",
        "x@hold.example",
        "root@oracle.example.com",
    ] {
        let v = door(&mut m, &client, "s@oracle.example.com", accepted);
        assert_eq!(v.code, 250, "{accepted}: {v:?}");
    }
    let v = door(&mut m, &client, "s@oracle.example.com", "nobody@localhost");
    assert_eq!(v.code, 550);
    assert_eq!(v.text, "5.1.1 <nobody@localhost>... User unknown");
}

#[test]
fn connect_and_mail_refusals_hold_for_every_recipient() {
    let cf = format!(
        "{BASE}Scheck_relay\nR$* $| 203.0.113.9\t$#error $@ 5.7.1 $: \"550 Access denied\"\nR[$*] $| $*\t$@ ok\nR$* $| $*\t$#error $: \"421 closing\"\nScheck_mail\nR<$* @ bad.example>\t$#error $: \"553 Sender refused\"\n"
    );
    let mut m = machine(&cf);
    let d = Door::new(&m);
    let refused = d.open(
        &mut m,
        &Client::unnamed("203.0.113.9"),
        "s@oracle.example.com",
    );
    let v = d.rcpt(&mut m, &refused, "root@oracle.example.com");
    assert_eq!((v.stage, v.code), (Stage::Connect, 550));
    assert_eq!(v.text, "5.7.1 Access denied");
    let named = Client::named("192.0.2.1", "mx.example.org");
    let o = d.open(&mut m, &named, "s@oracle.example.com");
    let v = d.rcpt(&mut m, &o, "root@oracle.example.com");
    assert_eq!((v.stage, v.code), (Stage::Connect, 421));
    let o = d.open(&mut m, &Client::unnamed("192.0.2.2"), "s@bad.example");
    let v = d.rcpt(&mut m, &o, "root@oracle.example.com");
    assert_eq!((v.stage, v.code), (Stage::Mail, 553));
    assert_eq!(v.text, "5.0.0 <s@bad.example>... Sender refused");
    let o = d.open(
        &mut m,
        &Client::unnamed("192.0.2.2"),
        "s@oracle.example.com",
    );
    assert_eq!(d.rcpt(&mut m, &o, "root@oracle.example.com").code, 250);
}

#[test]
fn parse_errors_are_replies() {
    let cf = BASE.to_string();
    let mut m = machine(&cf);
    let client = Client::unnamed("192.0.2.2");
    let v = door(&mut m, &client, "s@oracle.example.com", "bad<@x");
    assert_eq!(v.code, 553);
    assert_eq!(v.text, "5.0.0 <bad<@x>... Unbalanced '<'");
    // No check_rcpt: whatever ruleset 0 does not refuse is accepted.
    assert_eq!(
        door(&mut m, &client, "s@oracle.example.com", "a@outside.example").code,
        250
    );
    // Bad input never panics.
    for junk in ["", "<>", "\u{85}", "@", "$#", "<<<", "\"", "a@[1.2.3.4]"] {
        let _ = door(&mut m, &client, junk, junk);
    }
}
