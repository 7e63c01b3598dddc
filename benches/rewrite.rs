//! Rewrite throughput: `3,0 ADDRESS` over 100,000 varied addresses on the
//! .cf generated from the m4 tree's generic-linux.mc, by the emulator and
//! (in the same run) by the real `sendmail -bt` on the same input.
//!
//!     cargo bench --bench rewrite [-- N] [--emulator-only]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Instant;

use cf2postfix::engine::{Environment, Machine};
use cf2postfix::source::SourceFile;
use cf2postfix::testmode::Session;

fn addresses(n: usize) -> String {
    let domains = [
        "example.com",
        "example.org",
        "mail.example.net",
        "sub.dept.example.edu",
        "localhost",
        "oracle.example.com",
        "EXAMPLE.COM",
        "a.b.c.d.example",
    ];
    let mut out = String::new();
    for i in 0..n {
        let u = format!("user{i}");
        let d = domains[i % domains.len()];
        let a = match (i / 9) % 12 {
            0 => format!("{u}@{d}"),
            1 => u,
            2 => format!("<{u}@{d}>"),
            3 => format!("\"Full Name {i}\" <{u}@{d}>"),
            4 => format!("{u}%{d}@relay.example.com"),
            5 => format!("host{}!{u}", i % 7),
            6 => format!("@gw.example.com:{u}@{d}"),
            7 => format!("{u}@[192.0.2.{}]", i % 250),
            8 => format!("\"{u} x\"@{d}"),
            9 => format!("{u}+tag{}@{d}", i % 5),
            10 => format!("Name {i} <{u}@{d}.>"),
            _ => format!("{u}@{}", d.to_uppercase()),
        };
        out.push_str("3,0 ");
        out.push_str(&a);
        out.push('\n');
    }
    out
}

/// Each figure of the emulator is the best of this many runs: the runs
/// take a fraction of a second, where a busy neighbour on a shared machine
/// shows; sendmail's run takes seconds and is run once.
const ROUNDS: usize = 5;

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let scratch = root.join("target/bench-rewrite");
    let _ = std::fs::create_dir_all(&scratch);
    let cf = scratch.join("generic-linux.cf");
    let built = Command::new(root.join("oracle/mc2cf"))
        .arg("/usr/share/sendmail/cf/cf/generic-linux.mc")
        .output();
    match built {
        Ok(out) if out.status.success() && !out.stdout.is_empty() => {
            std::fs::write(&cf, out.stdout).expect("write cf");
        }
        _ => {
            eprintln!("generic-linux.mc not available (run oracle/install.sh); no benchmark");
            return;
        }
    }
    let input = addresses(n);
    let bytes = std::fs::read(&cf).expect("read cf");
    let file = SourceFile::new(cf.display().to_string(), bytes);
    let parsed = cf2postfix::syntax::parse(&file);
    let load = || {
        Machine::load(
            &file,
            &parsed.config,
            Environment::new("oracle.example.com"),
        )
    };

    // `cf2postfix test` as a user runs it: its own process, the input on a
    // pipe, the output read from one (best of ROUNDS; start-up included).
    let mut ours: Option<(f64, Vec<u8>)> = None;
    for _ in 0..ROUNDS {
        let run = pipe(
            Command::new(env!("CARGO_BIN_EXE_cf2postfix"))
                .arg("test")
                .arg(&cf)
                .args(["--hostname", "oracle.example.com"]),
            &input,
        );
        if let Some((t, out)) = run {
            if ours.as_ref().map_or(true, |(best, _)| t < *best) {
                ours = Some((t, out));
            }
        }
    }
    let (process, our_output) = ours.expect("cf2postfix test runs");

    // The same session in this process, driven as `cf2postfix test` drives
    // it (prompt, line, answer; the answers handed on every 64 KiB) but
    // handed to nothing instead of a pipe: no start-up, no pipe (best of
    // ROUNDS). The process run above checks the answers themselves.
    let mut session_best = f64::MAX;
    let mut replayed = (0, 0);
    let mut printed = 0;
    for _ in 0..ROUNDS {
        let mut session = Session::new(load());
        printed = 0;
        let start = Instant::now();
        for line in input.lines() {
            session.machine.out.extend_from_slice(b"> ");
            session.line(line.as_bytes());
            if session.machine.out.len() >= 1 << 16 {
                printed += session.machine.out.len();
                session.machine.out.clear();
            }
        }
        printed += session.machine.out.len();
        session_best = session_best.min(start.elapsed().as_secs_f64());
        replayed = session.machine.memo_counts();
    }
    // The engine alone, no test-mode output (best of ROUNDS): with the memo
    // table; with it emptied before every address (each call recorded,
    // none replayed: what input with no repeated shapes costs); without it.
    #[derive(Clone, Copy, PartialEq)]
    enum Memo {
        On,
        RecordOnly,
        Off,
    }
    let engine = |memo: Memo, rounds: usize| {
        let mut machine = load();
        machine.set_memo(memo != Memo::Off);
        let table = machine.test_input_table();
        let mut best = f64::MAX;
        for _ in 0..rounds {
            let start = Instant::now();
            for line in input.lines() {
                if memo == Memo::RecordOnly {
                    machine.forget_memo();
                }
                let address = &line.as_bytes()[4..];
                let scan = machine.scan(address, table, 0, cf2postfix::engine::ADDRESS_BUFFER);
                if let Some(mut work) = scan.tokens {
                    machine.rewrite(&mut work, 3, 0, cf2postfix::engine::MAX_ATOM);
                    machine.rewrite(&mut work, 0, 0, cf2postfix::engine::MAX_ATOM);
                }
                machine.out.clear();
            }
            best = best.min(start.elapsed().as_secs_f64());
        }
        best
    };
    let quiet = engine(Memo::On, ROUNDS);
    let recorded = engine(Memo::RecordOnly, 1);
    let unmemoized = engine(Memo::Off, 1);
    let rate = |t: f64| n as f64 / t;
    println!(
        "cf2postfix test (process, pipes):   {n} addresses in {process:.3} s = {:.0} addr/s ({} bytes of output)",
        rate(process),
        our_output.len()
    );
    println!(
        "cf2postfix test (in-process):       {n} addresses in {session_best:.3} s = {:.0} addr/s ({printed} bytes; {} of {} top-level calls replayed)",
        rate(session_best),
        replayed.0,
        replayed.0 + replayed.1
    );
    println!(
        "cf2postfix engine (no output):      {n} addresses in {quiet:.3} s = {:.0} addr/s",
        rate(quiet)
    );
    println!(
        "cf2postfix engine, all recorded:    {n} addresses in {recorded:.3} s = {:.0} addr/s",
        rate(recorded)
    );
    println!(
        "cf2postfix engine, memo table off:  {n} addresses in {unmemoized:.3} s = {:.0} addr/s",
        rate(unmemoized)
    );

    // The real sendmail on the same lines (not with `--emulator-only`,
    // which profiling uses).
    if std::env::args().any(|a| a == "--emulator-only") {
        return;
    }
    let script = root.join("oracle/sendmail-bt");
    let Some((took, theirs)) = pipe(Command::new(&script).arg(&cf), &input) else {
        println!("sendmail: oracle not installed; no comparison");
        return;
    };
    if theirs.len() < 1000 {
        println!("sendmail: oracle not usable here; no comparison");
        return;
    }
    // Both print the same banner, then a prompt and the answer per line;
    // load-time complaints (about missing files) come before the banner.
    let answers = |out: &[u8]| -> Vec<u8> {
        let banner = b"Enter <ruleset> <address>\n";
        let at = out
            .windows(banner.len())
            .position(|w| w == banner)
            .map_or(0, |p| p + banner.len());
        out[at..].to_vec()
    };
    let same = answers(&our_output) == answers(&theirs);
    println!(
        "sendmail 8.17 -bt (process, pipes): {n} addresses in {took:.3} s = {:.0} addr/s ({} bytes of output; identical answers: {})",
        rate(took),
        theirs.len(),
        if same { "yes" } else { "NO" }
    );
    println!(
        "ratio to sendmail: process {:.1}x, in-process {:.1}x, engine alone {:.1}x, all recorded {:.1}x, without memo {:.1}x",
        took / process,
        took / session_best,
        took / quiet,
        took / recorded,
        took / unmemoized
    );
}

/// Runs `command` with `input` on its stdin (fed from a thread, since it
/// answers while it reads); the wall-clock time and its stdout.
fn pipe(command: &mut Command, input: &str) -> Option<(f64, Vec<u8>)> {
    let start = Instant::now();
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let writer = child.stdin.take().map(|mut stdin| {
        let input = input.to_owned();
        std::thread::spawn(move || {
            let _ = stdin.write_all(input.as_bytes());
        })
    });
    // Read into room made beforehand (both programs print about 900 bytes
    // per address), so that growing the buffer is not part of the time.
    let mut stdout = child.stdout.take()?;
    let mut out = Vec::with_capacity(input.len() * 40);
    std::io::Read::read_to_end(&mut stdout, &mut out).ok()?;
    child.wait().ok()?;
    if let Some(w) = writer {
        let _ = w.join();
    }
    Some((start.elapsed().as_secs_f64(), out))
}
