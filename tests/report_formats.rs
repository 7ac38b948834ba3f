//! One snapshot per output format over the same hand-built result (timestamp pinned), and
//! one CLI run that writes every format at once.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod report_support;

use vouch::report::{self, Format, HtmlReporter, OcsfReporter, Reporter};

fn render(reporter: &dyn Reporter) -> String {
    let mut buf = Vec::new();
    reporter
        .render(
            &report_support::scan_result(),
            &report_support::run_info(),
            &mut buf,
        )
        .unwrap();
    String::from_utf8(buf).unwrap()
}

fn plain(format: Format) -> String {
    render(report::reporter(format, false).as_ref())
}

#[test]
fn snapshot_table() {
    insta::assert_snapshot!("table", plain(Format::Table));
}

#[test]
fn snapshot_json() {
    insta::assert_snapshot!("json", plain(Format::Json));
}

#[test]
fn snapshot_sarif() {
    insta::assert_snapshot!("sarif", plain(Format::Sarif));
}

#[test]
fn snapshot_junit() {
    insta::assert_snapshot!("junit", plain(Format::Junit));
}

#[test]
fn snapshot_csv() {
    insta::assert_snapshot!("csv", plain(Format::Csv));
}

#[test]
fn snapshot_html() {
    let html = render(&HtmlReporter {
        rulesets: Some(vec![report_support::ruleset()]),
        excerpts: true,
    });
    insta::assert_snapshot!("html", html);
}

#[test]
fn snapshot_ocsf() {
    let ocsf = render(&OcsfReporter {
        rulesets: Some(vec![report_support::ruleset()]),
    });
    insta::assert_snapshot!("ocsf", ocsf);
}

/// Every format in one run, each to its own file, plus a bundle; the exit code is part of
/// the contract. Until the Terraform collector lands a scan may find nothing: the files must
/// still be written and well-formed.
#[test]
fn one_scan_writes_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let p = |name: &str| dir.path().join(name).display().to_string();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_vouch"))
        .args([
            "scan",
            "fixtures/reports/infra",
            "--timestamp",
            report_support::TIMESTAMP,
            "--fail-on",
            "none",
        ])
        .args(["-f", "json", "-o", &p("r.json")])
        .args(["-f", "sarif", "-o", &p("r.sarif")])
        .args(["-f", "junit", "-o", &p("r.xml")])
        .args(["-f", "csv", "-o", &p("r.csv")])
        .args(["-f", "html", "-o", &p("r.html")])
        .args(["-f", "ocsf", "-o", &p("r.ocsf.json")])
        .args(["-f", "table"])
        .args(["--bundle", &p("b.zip")])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(1),
        "exit {:?}: {stderr}",
        out.status.code()
    );
    for name in ["r.json", "r.sarif", "r.ocsf.json"] {
        let text = std::fs::read_to_string(p(name)).unwrap();
        serde_json::from_str::<serde_json::Value>(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    assert!(std::fs::read_to_string(p("r.xml"))
        .unwrap()
        .starts_with("<?xml"));
    assert!(std::fs::read_to_string(p("r.csv"))
        .unwrap()
        .starts_with("rule_id,"));
    assert!(std::fs::read_to_string(p("r.html"))
        .unwrap()
        .starts_with("<!DOCTYPE html>"));
    assert!(String::from_utf8_lossy(&out.stdout).contains("checks:"));
    let verify = std::process::Command::new(env!("CARGO_BIN_EXE_vouch"))
        .args(["evidence", "verify", &p("b.zip")])
        .output()
        .unwrap();
    assert_eq!(
        verify.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&verify.stdout)
    );
}
