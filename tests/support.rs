//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use cf2postfix::ast::Config;
use cf2postfix::source::SourceFile;
use cf2postfix::syntax::{self, Parsed};

pub fn project_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn parse_bytes(name: &str, bytes: &[u8]) -> (SourceFile, Parsed) {
    let file = SourceFile::new(name, bytes.to_vec());
    let parsed = syntax::parse(&file);
    (file, parsed)
}

/// The tree as JSON with every span and line number taken out, for
/// comparisons that must ignore positions.
pub fn without_spans(config: &Config) -> serde_json::Value {
    fn strip(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(map) => {
                map.retain(|key, _| key != "span" && key != "line" && !key.ends_with("_span"));
                map.values_mut().for_each(strip);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut value = serde_json::to_value(config).unwrap_or_default();
    strip(&mut value);
    value
}

/// Is `CF2POSTFIX_REQUIRE_ORACLES=1` set (as CI sets it)?
pub fn oracles_required() -> bool {
    std::env::var("CF2POSTFIX_REQUIRE_ORACLES").is_ok_and(|v| v == "1")
}

/// Reports a missing oracle or data set: loudly, and as a failure when
/// oracles are required.
pub fn skip(what: &str) {
    let message = format!("SKIPPED: {what}");
    eprintln!(
        "\n{}\n{message}\n{}\n",
        "=".repeat(message.len()),
        "=".repeat(message.len())
    );
    assert!(
        !oracles_required(),
        "{what}, and CF2POSTFIX_REQUIRE_ORACLES=1 requires it"
    );
}

/// The legacy corpus directory, if `CF2POSTFIX_CORPUS` names one.
pub fn corpus_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(std::env::var_os("CF2POSTFIX_CORPUS")?);
    dir.is_dir().then_some(dir)
}

/// Every `*.cf` under `dir`, sorted.
pub fn cf_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "cf") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

pub fn oracle_script(name: &str) -> PathBuf {
    project_dir().join("oracle").join(name)
}

pub fn oracle_dir() -> PathBuf {
    std::env::var_os("CF2POSTFIX_ORACLE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/opt/cf2postfix-oracle"))
}

/// Is the real sendmail unpacked and runnable here?
pub fn sendmail_available() -> bool {
    oracle_dir()
        .join("root/usr/libexec/sendmail/sendmail")
        .is_file()
        && Command::new("unshare")
            .arg("--version")
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
}

/// Runs the real `sendmail -bt` on `cf` with `input`; its stdout.
pub fn sendmail_bt(cf: &Path, input: &str) -> String {
    use std::io::Write;
    let mut child = Command::new(oracle_script("sendmail-bt"))
        .arg(cf)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("oracle/sendmail-bt starts");
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(input.as_bytes());
    }
    let output = child.wait_with_output().expect("oracle/sendmail-bt runs");
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    text
}

/// The sendmail m4 tree's sample .mc files, if sendmail-cf is installed.
pub fn sample_mc_files() -> Vec<PathBuf> {
    let dir = Path::new("/usr/share/sendmail/cf/cf");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "mc"))
        .collect();
    files.sort();
    files
}

/// Builds a .cf from an .mc with oracle/mc2cf into `out_dir`.
pub fn mc_to_cf(mc: &Path, out_dir: &Path) -> Option<PathBuf> {
    let out = out_dir.join(mc.file_stem()?).with_extension("cf");
    let output = Command::new(oracle_script("mc2cf"))
        .arg(mc)
        .env("MC2CF_ALLOW_ERRORS", "1")
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !output.status.success() || output.stdout.is_empty() {
        return None;
    }
    std::fs::write(&out, &output.stdout).ok()?;
    Some(out)
}

/// A fresh scratch directory under target/, removed by the caller's guard.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(name: &str) -> Self {
        let dir = project_dir()
            .join("target")
            .join("test-scratch")
            .join(format!("{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch directory");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// insta settings that keep snapshots in the top-level snapshots/ folder.
pub fn snapshot_settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(project_dir().join("snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings
}

/// xorshift64*: a small deterministic generator, so fuzz failures reproduce.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    pub fn pick<'a, T: ?Sized>(&mut self, items: &[&'a T]) -> &'a T {
        items[self.below(items.len())]
    }
}

/// Is the real Postfix installed (postconf, postmap) and can the oracle
/// sandboxes run?
pub fn postfix_available() -> bool {
    Path::new("/usr/sbin/postconf").is_file()
        && Path::new("/usr/sbin/postmap").is_file()
        && Command::new("unshare")
            .arg("--version")
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
}

/// Runs an oracle script with arguments; (success, stdout + stderr).
pub fn run_oracle(name: &str, args: &[&str]) -> (bool, String) {
    run_oracle_env(name, args, &[])
}

/// Runs an oracle script with arguments and environment variables.
pub fn run_oracle_env(name: &str, args: &[&str], env: &[(&str, &str)]) -> (bool, String) {
    let output = Command::new(oracle_script(name))
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("oracle/{name} starts: {e}"));
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    (output.status.success(), text)
}

/// The migrate output of a configuration, in memory, with the file named
/// as given (so snapshots do not depend on where the project lives).
pub fn migrate(
    name: &str,
    bytes: &[u8],
    etc_mail: Option<&Path>,
    maps: &[(&str, &Path)],
) -> cf2postfix::emit::Output {
    let file = SourceFile::new(name, bytes.to_vec());
    let parsed = cf2postfix::syntax::parse(&file);
    let mut env = cf2postfix::engine::Environment::new("oracle.example.com");
    env.etc_mail = etc_mail.map(Path::to_path_buf);
    for (map, path) in maps {
        env.map_files
            .insert(map.as_bytes().to_ascii_lowercase(), path.to_path_buf());
    }
    let analysis = cf2postfix::analyze::analyze(&file, &parsed.config, env);
    cf2postfix::emit::emit(&analysis).expect("templates render")
}

/// Writes a migrate output into `dir`.
pub fn write_output(output: &cf2postfix::emit::Output, dir: &Path) {
    std::fs::create_dir_all(dir).expect("output directory");
    for (name, bytes) in &output.files {
        std::fs::write(dir.join(name), bytes).expect("output file");
    }
}

/// Runs the cf2postfix binary in the project directory: (exit status,
/// stdout, stderr).
pub fn cf2postfix(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_cf2postfix"))
        .args(args)
        .current_dir(project_dir())
        .env("NO_COLOR", "1")
        .output()
        .expect("binary runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}
