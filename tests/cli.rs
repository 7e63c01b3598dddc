use crate::support::{cf2postfix, TempDir};

#[test]
fn clean_file_exits_zero() {
    let (code, _, stderr) = cf2postfix(&["parse", "examples/relay-1990s/sendmail.cf"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("0 errors"), "{stderr}");
}

#[test]
fn errors_exit_one() {
    let (code, _, stderr) = cf2postfix(&[
        "parse",
        "--color",
        "never",
        "tests/invalid/rule-without-tab.cf",
    ]);
    assert_eq!(code, 1);
    assert!(stderr.contains("CF002"), "{stderr}");
    assert!(stderr.contains("rule-without-tab.cf:3"), "{stderr}");
}

#[test]
fn missing_file_exits_two() {
    let (code, _, stderr) = cf2postfix(&["parse", "no/such/file.cf"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot read"), "{stderr}");
}

#[test]
fn usage_error_exits_two() {
    let (code, _, _) = cf2postfix(&["parse"]);
    assert_eq!(code, 2);
    let (code, _, _) = cf2postfix(&["no-such-command"]);
    assert_eq!(code, 2);
}

#[test]
fn json_output_has_tree_spans_and_diagnostics() {
    let (code, stdout, _) = cf2postfix(&[
        "parse",
        "--format",
        "json",
        "examples/sunos-main/sendmail.cf",
    ]);
    assert_eq!(code, 0);
    let value: serde_json::Value = serde_json::from_str(&stdout).expect("valid JSON");
    let report = &value[0];
    assert_eq!(report["file"], "examples/sunos-main/sendmail.cf");
    let lines = report["ast"]["lines"].as_array().expect("lines");
    assert!(lines.iter().any(|l| l["kind"]["kind"] == "rule"));
    assert!(lines[0]["span"].is_array());
    let diagnostics = report["diagnostics"].as_array().expect("diagnostics");
    assert!(diagnostics
        .iter()
        .any(|d| d["code"] == "CF018" && d["severity"] == "note"));
}

#[test]
fn latin1_and_crlf_input_is_accepted() {
    let dir = TempDir::new("cli-latin1");
    let path = dir.0.join("latin1.cf");
    std::fs::write(&path, b"V10/Berkeley\r\n# caf\xe9\r\nDXna\xefve\r\n").expect("write");
    let (code, stdout, _) = cf2postfix(&["parse", "--format", "json", &path.display().to_string()]);
    assert_eq!(code, 0);
    assert!(stdout.contains("na\u{ef}ve"), "{stdout}");
}
