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

    // The emulator, printing what sendmail prints (best of 3).
    let mut best = f64::MAX;
    let mut size = 0;
    for _ in 0..3 {
        let machine = Machine::load(
            &file,
            &parsed.config,
            Environment::new("oracle.example.com"),
        );
        let mut session = Session::new(machine);
        let start = Instant::now();
        size = session.run_script(input.as_bytes()).len();
        best = best.min(start.elapsed().as_secs_f64());
    }
    // The engine alone: no test-mode output (best of 3, measured on its
    // own rather than capped by the run above).
    let mut machine = Machine::load(
        &file,
        &parsed.config,
        Environment::new("oracle.example.com"),
    );
    let table = machine.test_input_table();
    let mut quiet = f64::MAX;
    for _ in 0..3 {
        let start = Instant::now();
        for line in input.lines() {
            let address = &line.as_bytes()[4..];
            let scan = machine.scan(address, table, 0, cf2postfix::engine::ADDRESS_BUFFER);
            if let Some(mut work) = scan.tokens {
                machine.rewrite(&mut work, 3, 0, cf2postfix::engine::MAX_ATOM);
                machine.rewrite(&mut work, 0, 0, cf2postfix::engine::MAX_ATOM);
            }
            machine.out.clear();
        }
        quiet = quiet.min(start.elapsed().as_secs_f64());
    }
    eprintln!("memo (hits, recorded): {:?}", machine.memo_counts());
    println!(
        "cf2postfix test (with -bt output): {n} addresses in {best:.3} s = {:.0} addr/s ({size} bytes of output)",
        n as f64 / best
    );
    println!(
        "cf2postfix engine (no output):     {n} addresses in {quiet:.3} s = {:.0} addr/s",
        n as f64 / quiet
    );

    // The real sendmail on the same lines (not with `--emulator-only`,
    // which profiling uses).
    if std::env::args().any(|a| a == "--emulator-only") {
        return;
    }
    let script = root.join("oracle/sendmail-bt");
    let start = Instant::now();
    let child = Command::new(&script)
        .arg(&cf)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn();
    let Ok(mut child) = child else {
        println!("sendmail: oracle not installed; no comparison");
        return;
    };
    let writer = child.stdin.take().map(|mut stdin| {
        let input = input.clone();
        std::thread::spawn(move || {
            let _ = stdin.write_all(input.as_bytes());
        })
    });
    let out = child.wait_with_output();
    if let Some(w) = writer {
        let _ = w.join();
    }
    let Ok(out) = out else {
        println!("sendmail: did not run");
        return;
    };
    let took = start.elapsed().as_secs_f64();
    if out.stdout.len() < 1000 {
        println!("sendmail: oracle not usable here; no comparison");
        return;
    }
    println!(
        "sendmail 8.17 -bt:                  {n} addresses in {took:.3} s = {:.0} addr/s",
        n as f64 / took
    );
    println!(
        "ratio (cf2postfix test / sendmail): {:.1}x; engine alone: {:.1}x",
        took / best,
        took / quiet
    );
}
