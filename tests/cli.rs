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
fn policy_new_scaffolds_a_rule_that_tests_and_scans() {
    let dir = tempfile::tempdir().unwrap();
    let policies = dir.path().join("policies");
    let p = policies.to_str().unwrap();
    let o = vouch(&["policy", "new", "storage", "bucket-flag", "--dir", p]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(policies.join("storage/bucket_flag.rego").is_file());
    // Refuses to overwrite an author's work.
    let again = vouch(&["policy", "new", "storage", "bucket-flag", "--dir", p]);
    assert_eq!(code(&again), 2);
    assert!(
        stderr(&again).contains("already exists"),
        "{}",
        stderr(&again)
    );

    let o = vouch(&["policy", "test", p, "--min-coverage", "100"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(stdout(&o).contains("3 passed, 0 failed"), "{}", stdout(&o));
    assert!(stdout(&o).contains("coverage 100.0%"), "{}", stdout(&o));

    // The new rule judges real input next to the built-in ones.
    let o = vouch(&[
        "scan",
        "--policies",
        p,
        "--fail-on",
        "none",
        "-f",
        "json",
        "fixtures/demo",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).contains("\"rule_id\": \"bucket-flag\""),
        "no outcome of the new rule"
    );

    // Dropping the failing case leaves the deny body unreached: coverage says where.
    let cases = policies.join("storage/bucket_flag.test.yaml");
    let text = std::fs::read_to_string(&cases).unwrap();
    let without_fail: String = text
        .split("  - name: ")
        .filter(|case| !case.starts_with("non-compliant"))
        .collect::<Vec<_>>()
        .join("  - name: ");
    std::fs::write(&cases, without_fail).unwrap();
    let o = vouch(&["policy", "test", p, "--min-coverage", "100"]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(stdout(&o).contains("LOW "), "{}", stdout(&o));
    assert!(stdout(&o).contains("not reached: 23"), "{}", stdout(&o));
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

/// Test-local view of the JSON contract: decoding fails if a field is renamed or retyped.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Report {
    schema_version: u32,
    tool: Tool,
    run: serde_json::Value,
    inputs: Vec<InputDigest>,
    diagnostics: Vec<serde_json::Value>,
    summary: serde_json::Value,
    waivers: serde_json::Value,
    #[serde(default)]
    baseline_fixed: Vec<serde_json::Value>,
    #[serde(default)]
    frameworks: Vec<serde_json::Value>,
    results: Vec<ResultItem>,
}

#[derive(serde::Deserialize)]
struct Tool {
    name: String,
    version: String,
}

#[derive(serde::Deserialize)]
struct InputDigest {
    path: String,
    sha256: String,
}

#[derive(serde::Deserialize)]
struct ResultItem {
    rule_id: String,
    status: String,
    severity: String,
    resource: ResourceItem,
    location: Option<LocationItem>,
    message: String,
    fingerprint: String,
    waiver: Option<serde_json::Value>,
    evidence: serde_json::Value,
}

#[derive(serde::Deserialize)]
struct ResourceItem {
    kind: String,
    address: String,
}

#[derive(serde::Deserialize)]
struct LocationItem {
    file: String,
    start_line: u32,
    end_line: u32,
}

const TS: &str = "2026-11-25T00:00:00Z";

fn json_report(args: &[&str]) -> (i32, Report, Vec<u8>) {
    let mut all = vec!["scan", "--format", "json", "--timestamp", TS];
    all.extend(args);
    let o = vouch(&all);
    let report: Report = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(&o), stderr(&o)));
    (code(&o), report, o.stdout)
}

#[test]
fn the_demo_project_fails_with_located_evidence() {
    let (exit, report, _) = json_report(&["fixtures/demo"]);
    assert_eq!(exit, 1);
    assert_eq!(report.schema_version, 1);
    assert_eq!(report.tool.name, "vouch");
    assert!(!report.tool.version.is_empty());
    assert_eq!(report.run["timestamp"], TS);
    assert!(report.inputs.iter().all(|i| i.sha256.len() == 64));
    assert!(report
        .inputs
        .iter()
        .any(|i| i.path == "fixtures/demo/network.tf"));
    let ssh = report
        .results
        .iter()
        .find(|r| r.rule_id == "sg-no-public-admin-ports" && r.status == "fail")
        .expect("the bastion's SSH rule fails");
    assert_eq!(ssh.severity, "high");
    assert_eq!(ssh.resource.kind, "aws.ec2.security_group");
    assert_eq!(ssh.resource.address, "aws_security_group.bastion");
    let loc = ssh.location.as_ref().unwrap();
    assert_eq!(loc.file, "fixtures/demo/network.tf");
    assert!(loc.start_line >= 1 && loc.end_line >= loc.start_line);
    assert!(ssh.message.contains("22"), "{}", ssh.message);
    assert_eq!(ssh.fingerprint.len(), 32);
    assert!(ssh.waiver.is_none());
    // Evidence on every outcome, pass included.
    for r in &report.results {
        assert!(
            r.evidence["resource_location"]["file"].is_string(),
            "{}",
            r.rule_id
        );
        assert!(r.evidence["input_sha256"]
            .as_str()
            .is_some_and(|s| s.len() == 64));
        assert!(r.evidence["provenance"]["parser"].is_string());
        assert!(r.evidence["observed"].is_array());
    }
    let pass = report.results.iter().find(|r| r.status == "pass").unwrap();
    assert!(
        !pass.evidence["observed"].as_array().unwrap().is_empty(),
        "a pass shows what it saw"
    );
    assert!(report.diagnostics.iter().all(|d| d["level"] != "error"));
    assert!(report.summary["fail"].as_u64().unwrap() > 0);
    assert!(report.waivers["unmatched"].as_array().unwrap().is_empty());
    assert!(report.baseline_fixed.is_empty() && report.frameworks.is_empty());
}

#[test]
fn json_output_is_byte_identical_across_runs() {
    let (_, _, a) = json_report(&["fixtures/demo"]);
    let (_, _, b) = json_report(&["fixtures/demo"]);
    assert_eq!(a, b);
}

#[test]
fn the_gate_follows_the_threshold() {
    let scan = |args: &[&str]| {
        let mut all = vec!["scan", "--format", "json", "--output", "/dev/null"];
        all.extend(args);
        code(&vouch(&all))
    };
    assert_eq!(scan(&["fixtures/demo"]), 1, "default threshold high");
    assert_eq!(scan(&["fixtures/demo", "--fail-on", "none"]), 0);
    assert_eq!(scan(&["fixtures/demo", "--fail-on", "critical"]), 1);
    assert_eq!(scan(&["fixtures/terraform/compliant"]), 0);
    assert_eq!(
        scan(&["fixtures/terraform/compliant", "--fail-on", "low"]),
        0
    );
    // modules_count fails only below high: medium and low failures.
    assert_eq!(
        scan(&["fixtures/terraform/modules_count", "--fail-on", "critical"]),
        0
    );
    assert_eq!(
        scan(&["fixtures/terraform/modules_count", "--fail-on", "medium"]),
        1
    );
}

#[test]
fn unknowns_are_counted_and_gate_only_when_asked() {
    let (code_default, report, _) = json_report(&[
        "fixtures/terraform/unknown_expansion",
        "--fail-on",
        "critical",
    ]);
    let unknown = report
        .results
        .iter()
        .filter(|r| r.status == "unknown")
        .count();
    assert!(unknown > 0, "unresolved inputs give unknown outcomes");
    assert_eq!(
        report.summary["unknown"].as_u64().unwrap() as usize,
        unknown
    );
    assert!(report
        .results
        .iter()
        .filter(|r| r.status == "unknown")
        .all(|r| !r.message.is_empty()));
    assert_eq!(code_default, 0);
    let o = vouch(&[
        "scan",
        "--format",
        "json",
        "--output",
        "/dev/null",
        "--fail-on",
        "low",
        "--fail-on-unknown",
        "fixtures/terraform/unknown_expansion",
    ]);
    assert_eq!(code(&o), 1);
}

#[test]
fn a_malformed_file_is_located_and_the_rest_is_still_scanned() {
    let (exit, report, _) = json_report(&["fixtures/terraform/parse_error", "--fail-on", "none"]);
    assert_eq!(exit, 2);
    let err = report
        .diagnostics
        .iter()
        .find(|d| d["code"] == "parse-error")
        .unwrap();
    assert_eq!(err["file"], "fixtures/terraform/parse_error/bad.tf");
    assert_eq!(err["line"], 2);
    assert!(report
        .results
        .iter()
        .any(|r| r.resource.address == "aws_s3_bucket.good"));
    let o = vouch(&["scan", "fixtures/terraform/parse_error"]);
    assert!(
        stderr(&o).contains("fixtures/terraform/parse_error/bad.tf:2:12: parse-error"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn table_output_lists_failures_and_a_summary_without_colour_off_a_tty() {
    let o = vouch(&["scan", "fixtures/demo"]);
    assert_eq!(code(&o), 1);
    let text = stdout(&o);
    assert!(
        text.contains("SEVERITY") && text.contains("sg-no-public-admin-ports"),
        "{text}"
    );
    assert!(text.contains("fixtures/demo/network.tf:"), "{text}");
    assert!(text.contains("failed ("), "{text}");
    assert!(
        !text.contains('\u{1b}'),
        "no ANSI escapes when stdout is not a TTY"
    );
}

#[test]
fn several_formats_are_written_in_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("r.json");
    let o = vouch(&[
        "scan",
        "fixtures/demo",
        "--format",
        "json",
        "--output",
        json.to_str().unwrap(),
        "--format",
        "github",
    ]);
    assert_eq!(code(&o), 1);
    assert!(serde_json::from_slice::<Report>(&std::fs::read(&json).unwrap()).is_ok());
    assert!(
        stdout(&o).contains("::error file=fixtures/demo/network.tf,line="),
        "{}",
        stdout(&o)
    );
}

#[test]
fn waivers_from_config_and_comments_are_applied_kept_and_expire() {
    let dir = "fixtures/terraform/waivers";
    let (exit, report, _) = json_report(&[dir, "--fail-on", "high"]);
    let find = |r: &Report, rule: &str| {
        r.results
            .iter()
            .find(|o| o.rule_id == rule)
            .map(|o| (o.status.clone(), o.waiver.clone()))
            .unwrap()
    };
    let (status, waiver) = find(&report, "sg-no-public-admin-ports");
    assert_eq!(status, "waived");
    let waiver = waiver.unwrap();
    assert_eq!(
        waiver["reason"],
        "bastion reachable only through the VPN ACL"
    );
    assert_eq!(waiver["expires"], "2026-12-31");
    assert!(
        waiver["source"].as_str().unwrap().ends_with("vouch.toml:1"),
        "{waiver}"
    );
    let (status, waiver) = find(&report, "s3-bucket-versioning");
    assert_eq!(status, "waived");
    assert_eq!(
        waiver.unwrap()["source"],
        "fixtures/terraform/waivers/main.tf:3"
    );
    assert_eq!(
        report.waivers["unmatched"][0]["rule"],
        "kms-key-rotation-enabled"
    );
    assert_eq!(
        exit, 1,
        "the missing public access block is high and not waived"
    );

    // After the expiry the SSH finding fails again, with a warning naming the waiver.
    let o = vouch(&[
        "scan",
        dir,
        "--format",
        "json",
        "--timestamp",
        "2027-01-15T00:00:00Z",
    ]);
    let later: Report = serde_json::from_slice(&o.stdout).unwrap();
    let (status, waiver) = find(&later, "sg-no-public-admin-ports");
    assert_eq!(status, "fail");
    assert_eq!(waiver.unwrap()["expired"], true);
    assert!(
        stderr(&o).contains("expired on 2026-12-31"),
        "{}",
        stderr(&o)
    );

    // A waiver without a reason is an error.
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("main.tf"), "resource \"aws_s3_bucket\" \"b\" {\n  # vouch:ignore s3-bucket-versioning expires=2027-01-01\n  bucket = \"b\"\n}\n").unwrap();
    let o = vouch(&["scan", tmp.path().to_str().unwrap(), "--fail-on", "none"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("has no reason"), "{}", stderr(&o));
}

#[test]
fn a_baseline_passes_until_a_change_adds_a_failure_and_diff_names_it() {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("infra");
    std::fs::create_dir(&project).unwrap();
    let main = project.join("main.tf");
    std::fs::write(
        &main,
        "resource \"aws_s3_bucket\" \"old\" {\n  bucket = \"old\"\n}\n",
    )
    .unwrap();
    let baseline = tmp.path().join("baseline.json");
    let p = project.to_str().unwrap();
    let o = vouch(&[
        "baseline",
        "create",
        p,
        "--output",
        baseline.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let b = baseline.to_str().unwrap();
    let old_json = tmp.path().join("old.json");
    let o = vouch(&[
        "scan",
        p,
        "--baseline",
        b,
        "--format",
        "json",
        "--output",
        old_json.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 0, "known failures do not gate: {}", stderr(&o));

    // Moving code to another file keeps fingerprints: still passing.
    std::fs::rename(&main, project.join("storage.tf")).unwrap();
    assert_eq!(
        code(&vouch(&[
            "scan",
            p,
            "--baseline",
            b,
            "--format",
            "json",
            "--output",
            "/dev/null"
        ])),
        0
    );

    // A new bucket without a public access block fails the gate.
    std::fs::write(
        project.join("new.tf"),
        "resource \"aws_s3_bucket\" \"new\" {\n  bucket = \"new\"\n}\n",
    )
    .unwrap();
    let new_json = tmp.path().join("new.json");
    let o = vouch(&[
        "scan",
        p,
        "--baseline",
        b,
        "--format",
        "json",
        "--output",
        new_json.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 1);

    let o = vouch(&[
        "diff",
        old_json.to_str().unwrap(),
        new_json.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(code(&o), 1, "new failures");
    let d: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let new: Vec<&str> = d["new"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["address"].as_str().unwrap())
        .collect();
    assert!(
        !new.is_empty() && new.iter().all(|a| *a == "aws_s3_bucket.new"),
        "{new:?}"
    );
    assert!(d["fixed"].as_array().unwrap().is_empty());
    assert!(d["still_failing"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["address"] == "aws_s3_bucket.old"));

    // Fixing the old bucket shows in the baseline report as fixed.
    std::fs::remove_file(project.join("storage.tf")).unwrap();
    let o = vouch(&[
        "scan",
        p,
        "--baseline",
        b,
        "--format",
        "json",
        "--output",
        "/dev/null",
    ]);
    assert!(
        stderr(&o).contains("fixed: s3-bucket-public-access-block on aws_s3_bucket.old"),
        "{}",
        stderr(&o)
    );
}
