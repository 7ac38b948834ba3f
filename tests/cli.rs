//! The command line as users meet it: exit codes, output formats, configuration, waivers,
//! baselines and diffs, through the real `vouch` binary.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn vouch(args: &[&str]) -> Output {
    vouch_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

fn vouch_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vouch"))
        .args(args)
        .current_dir(dir)
        .env_remove("SOURCE_DATE_EPOCH")
        .env("NO_COLOR", "1")
        .output()
        .expect("vouch runs")
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exited normally")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

#[test]
fn usage_errors_exit_2() {
    let o = vouch(&["scan", "--fail-on", "sometimes"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let o = vouch(&["scan", "--timestamp", "yesterday", "fixtures/terraform"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("RFC 3339"), "{}", stderr(&o));
    let o = vouch(&["scan", "--format", "json", "--format", "table", "."]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("only one --format"), "{}", stderr(&o));
    let o = vouch(&["no-such-command"]);
    assert_eq!(code(&o), 2);
}

#[test]
fn help_documents_the_exit_codes() {
    let o = vouch(&["scan", "--help"]);
    assert_eq!(code(&o), 0);
    let text = stdout(&o);
    for needle in [
        "Exit status",
        "0  no failing outcome",
        "1  failing outcomes",
        "2  usage error",
    ] {
        assert!(text.contains(needle), "{needle} missing from:\n{text}");
    }
}

#[test]
fn schema_lists_kinds_and_prints_valid_json_schemas() {
    let o = vouch(&["schema"]);
    assert_eq!(code(&o), 0);
    let kinds: Vec<String> = stdout(&o).lines().map(str::to_owned).collect();
    assert!(kinds.contains(&"aws.s3.bucket".to_owned()), "{kinds:?}");
    for kind in &kinds {
        let o = vouch(&["schema", kind]);
        assert_eq!(code(&o), 0);
        let schema: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(schema["type"], "object", "{kind}");
        assert!(schema["properties"].is_object(), "{kind}");
    }
    assert_eq!(code(&vouch(&["schema", "aws.nope"])), 2);
}

#[test]
fn rules_are_listed_as_table_and_json() {
    let o = vouch(&["rules", "--format", "json"]);
    assert_eq!(code(&o), 0);
    let rules: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert!(rules.len() >= 15);
    assert!(rules
        .iter()
        .any(|r| r["id"] == "s3-bucket-encryption-at-rest"));
    let o = vouch(&["rules"]);
    assert!(stdout(&o).contains("sg-no-public-admin-ports"));
    let o = vouch(&["rules", "show", "s3-bucket-versioning"]);
    assert_eq!(code(&o), 0);
    assert!(
        stdout(&o).contains("# s3-bucket-versioning"),
        "{}",
        stdout(&o)
    );
    assert_eq!(code(&vouch(&["rules", "show", "no-such-rule"])), 2);
}

#[test]
fn policy_test_runs_custom_cases_and_fails_on_a_wrong_expectation() {
    let o = vouch(&["policy", "test", "fixtures/policies/custom"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("4 passed, 0 failed"), "{}", stdout(&o));

    let dir = tempfile::tempdir().unwrap();
    for f in ["tags_required.rego", "tags_required.test.yaml"] {
        std::fs::copy(
            fixture("fixtures/policies/custom").join(f),
            dir.path().join(f),
        )
        .unwrap();
    }
    let cases = dir.path().join("tags_required.test.yaml");
    let text = std::fs::read_to_string(&cases).unwrap();
    std::fs::write(&cases, text.replacen("expect: pass", "expect: fail", 1)).unwrap();
    let o = vouch(&["policy", "test", dir.path().to_str().unwrap()]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(
        stdout(&o).contains("FAIL custom-bucket-owner-tag / owner tag present"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn config_check_reports_unknown_keys_with_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vouch.toml");
    std::fs::write(&path, "fail_on = \"high\"\n[rules]\ndisabel = []\n").unwrap();
    let o = vouch(&["config", "check", path.to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("vouch.toml:3:1"), "{}", stderr(&o));
    std::fs::write(&path, "fail_on = \"medium\"\n").unwrap();
    let o = vouch(&["config", "check", path.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

#[test]
fn completions_and_man_page_are_generated() {
    let o = vouch(&["completions", "bash"]);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).contains("vouch"));
    let o = vouch(&["man"]);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).contains(".TH vouch"), "{}", stdout(&o));
}
