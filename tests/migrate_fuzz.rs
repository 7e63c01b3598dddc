//! Bad input for migrate, explain and verify: mutated and random
//! configurations through the whole analysis, emission and explanation
//! (address traces included), and garbage Postfix
//! directories through the Postfix model. Nothing may panic; every run
//! ends (the engine's own limits bound the probing).

use crate::support::{self, Rng, TempDir};
use cf2postfix::postfix::cleanup::Pipeline;
use cf2postfix::postfix::config::Config;
use cf2postfix::postfix::smtpd::Smtpd;

/// Inputs per run; each one is a full migration.
const ITERATIONS: usize = 150;

const PIECES: &[&str] = &[
    "R$* < @ $+ > $*\t$#smtp $@ $2 $: $1 < @ $2 > $3\n",
    "R$+\t$#local $: $1\n",
    "R$*\t$>3 $1\n",
    "S0\n",
    "S3\n",
    "Sparse=0\n",
    "DSsmart.example.net\n",
    "DMexample.org\n",
    "Cwlocalhost a.example b\n",
    "CRrelay.example 10.1\n",
    "Kmailertable hash /etc/mail/mailertable\n",
    "Kvirtuser hash /etc/mail/virtusertable\n",
    "Kaccess hash /etc/mail/access\n",
    "Msmtp, P=[IPC], F=mDFMuX, A=TCP $h\n",
    "Muucp, P=/usr/bin/uux, F=DFMhuU, A=uux - -r $h!rmail ($u)\n",
    "O MaxMessageSize=1000\n",
    "O DaemonPortOptions=Port=587,Name=MSA,M=E\n",
    "O SmtpGreetingMessage=$j ready $b\n",
    "Xf, S=inet:1@127.0.0.1, F=R\n",
    "O Timeout.queuereturn=1d\n",
    "V10/Berkeley\n",
    "\t$@ $1\n",
    "R$-.$-\t$@ $>96 $2\n",
];

fn mutate(rng: &mut Rng, base: &[u8]) -> Vec<u8> {
    let mut out = base.to_vec();
    for _ in 0..1 + rng.below(6) {
        match rng.below(4) {
            0 if !out.is_empty() => {
                let at = rng.below(out.len());
                let len = rng.below(40).min(out.len() - at);
                out.drain(at..at + len);
            }
            1 => {
                let at = rng.below(out.len() + 1);
                let piece = PIECES[rng.below(PIECES.len())];
                out.splice(at..at, piece.bytes());
            }
            2 if !out.is_empty() => {
                let at = rng.below(out.len());
                out[at] = (rng.next() & 0xff) as u8;
            }
            _ => {
                let piece = PIECES[rng.below(PIECES.len())];
                out.extend(piece.bytes());
            }
        }
    }
    out
}

/// Explains a configuration and traces a few addresses through it.
fn explain_without_panic(bytes: &[u8]) {
    use cf2postfix::explain::{self, render};
    let file = cf2postfix::source::SourceFile::new("fuzz.cf", bytes.to_vec());
    let parsed = cf2postfix::syntax::parse(&file);
    let env = cf2postfix::engine::Environment::new("oracle.example.com");
    let mut machine = cf2postfix::engine::Machine::load(&file, &parsed.config, env);
    let e = explain::document(
        &file,
        &parsed.config,
        &machine,
        None,
        &explain::Filter::default(),
    );
    let _ = render::explanation(&e, render::Style::Markdown);
    let texts = explain::definitions::rule_texts(&file, &parsed.config);
    let written = explain::written_rules(&parsed.config);
    for address in ["user@example.com", "a!b!c", "<>", "\"x y\"@[1.2.3.4]"] {
        let t = explain::address::trace(&mut machine, address, &texts, &written);
        let _ = render::trace(&t, render::Style::Text);
    }
}

#[test]
fn mutated_configurations_migrate_without_panic() {
    let scratch = TempDir::new("migrate-fuzz");
    let bases: Vec<Vec<u8>> = crate::migrate::examples(&scratch.0)
        .into_iter()
        .map(|i| i.bytes)
        .collect();
    let etc = support::project_dir().join("examples/m4-site/etc-mail");
    let mut rng = Rng(0x5eed_cf2f);
    for i in 0..ITERATIONS {
        let bytes = if i % 10 == 9 {
            (0..rng.below(4000))
                .map(|_| (rng.next() & 0xff) as u8)
                .collect()
        } else {
            let base = rng.below(bases.len());
            mutate(&mut rng, &bases[base])
        };
        explain_without_panic(&bytes);
        let output = support::migrate("fuzz.cf", &bytes, Some(&etc), &[]);
        let main = String::from_utf8_lossy(&output.files["main.cf"]).into_owned();
        assert!(
            main.contains("reject_unauth_destination"),
            "input {i}: relay restrictions lost"
        );
    }
}

#[test]
fn garbage_postfix_directories_do_not_panic_the_model() {
    let scratch = TempDir::new("postfix-fuzz");
    let mut rng = Rng(0x000b_add1);
    let lines = [
        "transport_maps = hash:$config_directory/transport regexp:$config_directory/re cidr:$config_directory/c pcre:$config_directory/p ldap:/x",
        "virtual_alias_maps = hash:$config_directory/virtual, inline:{ a=b, @x=@y }",
        "mydestination = $myhostname, ${x?{y}}, $(z, /nonexistent, hash:$config_directory/virtual",
        "relay_domains = ${relay_domains}",
        "relayhost = [",
        "myorigin = $myorigin$myorigin",
        "smtpd_recipient_restrictions = check_recipient_access",
        "smtpd_relay_restrictions = permit_mynetworks reject_unauth_destination check_client_access cidr:$config_directory/c",
        "mynetworks = 300.1.1.1/40 [::1/9 x",
        "alias_maps = hash:$config_directory/virtual",
        "recipient_delimiter = +-",
        "virtual_alias_recursion_limit = 999999999999",
    ];
    let addresses = [
        "a@b",
        "root",
        "",
        "<>",
        "@@",
        "\"",
        "x@[1.2.3.4",
        "%!@",
        "a+b@localhost",
        "a!b!c",
    ];
    for i in 0..60 {
        let dir = scratch.0.join(format!("pf-{i}"));
        std::fs::create_dir_all(&dir).expect("dir");
        let mut main = String::new();
        for _ in 0..rng.below(10) {
            main.push_str(lines[rng.below(lines.len())]);
            main.push('\n');
        }
        let random: Vec<u8> = (0..rng.below(300))
            .map(|_| (rng.next() & 0xff) as u8)
            .collect();
        let mut bytes = main.into_bytes();
        bytes.extend(&random);
        std::fs::write(dir.join("main.cf"), &bytes).expect("main.cf");
        for table in ["transport", "virtual", "re", "p", "c"] {
            let mut t: Vec<u8> =
                b"/(a/ x\n/a/b/ c\nif /x/\n1.2.3.0/33 y\n@x @y\nkey value\n \n".to_vec();
            t.extend((0..rng.below(200)).map(|_| (rng.next() & 0xff) as u8));
            std::fs::write(dir.join(table), t).expect("table");
        }
        let config = Config::load(&dir, "h.example.com").expect("main.cf");
        let pipeline = Pipeline::new(&config);
        let smtpd = Smtpd::new(&config, &pipeline.resolver);
        for a in addresses {
            let _ = pipeline.deliveries(a);
            let _ = smtpd.rcpt("203.0.113.9", a, a);
        }
    }
}
