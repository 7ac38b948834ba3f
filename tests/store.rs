//! The run store, end to end at the library level: two runs with a fix in between, finding
//! lifecycles (resolve, re-open, unknown never resolves), `diff --since`, the period report,
//! retention, a reader during a write, and a writer killed mid-transaction.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod report_support;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use vouch::engine::{Outcome, Status};
use vouch::rulesets::{Control, ControlStatus, Coverage, Ruleset};
use vouch::scan::ScanResult;
use vouch::store::period::{self, PeriodFormat, PeriodOptions};
use vouch::store::{self, record_run, RunMeta, RunSource, Since, Store};

const ENCRYPTION: &str = "s3-bucket-encryption";
const LOGGING: &str = "s3-bucket-logging";

fn outcome(rule: &str, address: &str, status: Status) -> Outcome {
    report_support::bucket_outcome(
        rule,
        address,
        status,
        &format!("{rule} on {address}: {status}"),
    )
}

fn result(outcomes: Vec<Outcome>) -> ScanResult {
    ScanResult {
        inputs: vec![],
        diagnostics: vec![],
        outcomes,
        resource_count: 2,
        waivers: Default::default(),
        baseline_fixed: vec![],
        non_gating: Default::default(),
        frameworks: vec![],
        rules: vec![],
        resources: vec![],
    }
}

fn meta(at: &str) -> RunMeta {
    RunMeta {
        started_at: at.into(),
        source: RunSource::Iac,
        paths: vec!["infra".into()],
        accounts: vec![],
        regions: vec![],
        tool_version: "test".into(),
        policy_digest: "p".into(),
        snapshot_digest: None,
        complete: true,
    }
}

/// The estate before the fix: bucket `logs` is unencrypted; both buckets log.
fn before_fix() -> ScanResult {
    result(vec![
        outcome(ENCRYPTION, "aws_s3_bucket.logs", Status::Fail),
        outcome(ENCRYPTION, "aws_s3_bucket.data", Status::Pass),
        outcome(LOGGING, "aws_s3_bucket.logs", Status::Pass),
        outcome(LOGGING, "aws_s3_bucket.data", Status::Pass),
    ])
}

/// After the fix: everything passes.
fn after_fix() -> ScanResult {
    result(vec![
        outcome(ENCRYPTION, "aws_s3_bucket.logs", Status::Pass),
        outcome(ENCRYPTION, "aws_s3_bucket.data", Status::Pass),
        outcome(LOGGING, "aws_s3_bucket.logs", Status::Pass),
        outcome(LOGGING, "aws_s3_bucket.data", Status::Pass),
    ])
}

fn ruleset() -> Ruleset {
    Ruleset {
        framework: "soc2-test".into(),
        title: "SOC 2 <test> & co".into(),
        version: "2017".into(),
        controls: vec![
            Control {
                id: "CC6.1".into(),
                title: "Data at rest is encrypted".into(),
                rules: vec![ENCRYPTION.into()],
                coverage: Coverage::Partial,
                rationale: "test".into(),
                provenance: vec![],
            },
            Control {
                id: "CC7.2".into(),
                title: "Access is logged".into(),
                rules: vec![LOGGING.into()],
                coverage: Coverage::Partial,
                rationale: "test".into(),
                provenance: vec![],
            },
            Control {
                id: "CC1.1".into(),
                title: "Integrity and ethical values".into(),
                rules: vec![],
                coverage: Coverage::Manual,
                rationale: "test".into(),
                provenance: vec![],
            },
        ],
        unmapped: vec![],
    }
}

fn db(dir: &Path) -> PathBuf {
    dir.join("vouch.db")
}

#[test]
fn two_audits_with_a_fix_between_are_two_runs_and_the_diff_names_the_fixed_resource() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&db(dir.path())).unwrap();
    let first = record_run(&mut s, &meta("2026-01-01T02:00:00Z"), &before_fix()).unwrap();
    assert_eq!((first.outcomes, first.opened, first.resolved), (4, 1, 0));
    let second = record_run(&mut s, &meta("2026-01-02T02:00:00+00:00"), &after_fix()).unwrap();
    assert_eq!((second.opened, second.resolved), (0, 1));

    let runs = s.runs().unwrap();
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[0].counts[&Status::Fail], 1);
    assert_eq!(runs[1].counts[&Status::Fail], 0);
    assert_eq!(runs[1].meta.started_at, "2026-01-02T02:00:00Z");

    let d = s.diff_since(&Since::Last).unwrap();
    assert_eq!((d.old_run.id, d.new_run.id), (first.run_id, second.run_id));
    assert_eq!(d.diff.fixed.len(), 1);
    assert_eq!(d.diff.fixed[0].address, "aws_s3_bucket.logs");
    assert_eq!(d.diff.fixed[0].rule_id, ENCRYPTION);
    assert_eq!(d.diff.fixed[0].after, Some(Status::Pass));
    assert!(d.diff.new.is_empty() && d.diff.still_failing.is_empty());

    // --since a date picks the last run on or before that day.
    let d = s.diff_since(&Since::parse("2026-01-01").unwrap()).unwrap();
    assert_eq!(d.old_run.id, first.run_id);
    assert!(s.diff_since(&Since::parse("2025-12-31").unwrap()).is_err());

    let fp = &d.diff.fixed[0].fingerprint;
    let f = s.finding(fp).unwrap().unwrap();
    assert_eq!(f.first_seen, "2026-01-01T02:00:00Z");
    assert_eq!(f.last_seen, "2026-01-01T02:00:00Z");
    assert_eq!(f.resolved_at.as_deref(), Some("2026-01-02T02:00:00Z"));

    // Full outcomes come back as stored, evidence included.
    let stored = s.outcomes(first.run_id).unwrap();
    let mut expected = before_fix().outcomes;
    expected.sort_by(Outcome::output_order);
    assert_eq!(stored, expected);

    // A unique prefix finds the timeline.
    let t = s
        .timeline(&s.resolve_fingerprint(&fp[..10]).unwrap())
        .unwrap();
    let statuses: Vec<_> = t.runs.iter().map(|e| e.status).collect();
    assert_eq!(statuses, vec![Some(Status::Fail), Some(Status::Pass)]);
}

#[test]
fn findings_reopen_and_unknown_or_incomplete_runs_never_resolve_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&db(dir.path())).unwrap();
    let fp = before_fix().outcomes[0].fingerprint.clone();
    record_run(&mut s, &meta("2026-01-01T02:00:00Z"), &before_fix()).unwrap();

    // Unknown is not a fix.
    let mut unknown = before_fix();
    unknown.outcomes[0].status = Status::Unknown;
    let r = record_run(&mut s, &meta("2026-01-02T02:00:00Z"), &unknown).unwrap();
    assert_eq!(r.resolved, 0);
    assert_eq!(s.finding(&fp).unwrap().unwrap().resolved_at, None);

    // Gone from an incomplete run: out of view, not fixed.
    let mut partial = meta("2026-01-03T02:00:00Z");
    partial.complete = false;
    record_run(&mut s, &partial, &result(vec![])).unwrap();
    assert_eq!(s.finding(&fp).unwrap().unwrap().resolved_at, None);

    // Gone from a run of another scope: not fixed either.
    let mut other = meta("2026-01-03T03:00:00Z");
    other.paths = vec!["elsewhere".into()];
    record_run(&mut s, &other, &result(vec![])).unwrap();
    assert_eq!(s.finding(&fp).unwrap().unwrap().resolved_at, None);

    // Gone from a complete run of the same scope: the bucket was deleted.
    let r = record_run(&mut s, &meta("2026-01-04T02:00:00Z"), &result(vec![])).unwrap();
    assert_eq!(r.resolved, 1);
    assert_eq!(
        s.finding(&fp).unwrap().unwrap().resolved_at.as_deref(),
        Some("2026-01-04T02:00:00Z")
    );

    // Back and failing: re-opened, first seen kept.
    let r = record_run(&mut s, &meta("2026-01-05T02:00:00Z"), &before_fix()).unwrap();
    assert_eq!((r.opened, r.reopened), (0, 1));
    let f = s.finding(&fp).unwrap().unwrap();
    assert_eq!(f.first_seen, "2026-01-01T02:00:00Z");
    assert_eq!(f.last_seen, "2026-01-05T02:00:00Z");
    assert_eq!((f.resolved_at, f.reopened), (None, 1));

    // --since last compares with the previous run of the same scope, skipping the other one.
    let d = s.diff_since(&Since::Last).unwrap();
    assert_eq!(d.old_run.meta.started_at, "2026-01-04T02:00:00Z");
    assert_eq!(d.diff.new.len(), 1);
}

#[test]
fn the_period_report_shows_the_control_failing_then_passing_with_the_interval_and_gaps() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&db(dir.path())).unwrap();
    // Failing on the 1st and 2nd, no run on the 3rd, fixed on the 4th, no run on the 5th.
    record_run(&mut s, &meta("2026-01-01T02:00:00Z"), &before_fix()).unwrap();
    record_run(&mut s, &meta("2026-01-02T02:00:00Z"), &before_fix()).unwrap();
    record_run(&mut s, &meta("2026-01-04T02:30:00Z"), &after_fix()).unwrap();
    let options = PeriodOptions {
        from: store::parse_date("2026-01-01").unwrap(),
        to: store::parse_date("2026-01-05").unwrap(),
        expect_every: store::parse_duration("24h").unwrap(),
    };
    let report = period::period_report(&s, &ruleset(), &options).unwrap();
    assert_eq!(report.runs.len(), 3);
    assert_eq!((report.expected_runs, report.covered_slots), (5, 3));
    let gaps: Vec<_> = report
        .gaps
        .iter()
        .map(|g| (g.from.as_str(), g.to.as_str(), g.missed))
        .collect();
    assert_eq!(
        gaps,
        vec![
            ("2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z", 1),
            ("2026-01-05T00:00:00Z", "2026-01-06T00:00:00Z", 1)
        ]
    );

    let cc61 = &report.controls[0];
    assert_eq!(cc61.id, "CC6.1");
    assert_eq!((cc61.runs_evaluated, cc61.passed, cc61.failed), (3, 1, 2));
    let statuses: Vec<_> = cc61.timeline.iter().map(|t| t.status).collect();
    assert_eq!(
        statuses,
        vec![
            ControlStatus::Fail,
            ControlStatus::Fail,
            ControlStatus::Pass
        ]
    );
    assert_eq!(cc61.failing_intervals.len(), 1);
    let i = &cc61.failing_intervals[0];
    assert_eq!(i.from, "2026-01-01T02:00:00Z");
    assert_eq!(i.to.as_deref(), Some("2026-01-04T02:30:00Z"));
    assert_eq!(i.remediated_after_seconds, Some(3 * 86_400 + 1_800));
    assert_eq!(i.failing_runs, 2);
    assert!(!i.began_before_period);
    assert_eq!(i.resources, vec!["aws_s3_bucket.logs".to_owned()]);
    assert_eq!(cc61.status_at_end, Some(ControlStatus::Pass));

    let cc72 = &report.controls[1];
    assert_eq!((cc72.passed, cc72.failed), (3, 0));
    assert!(cc72.failing_intervals.is_empty());
    let manual = &report.controls[2];
    assert_eq!(manual.runs_evaluated, 0);
    assert_eq!(manual.status_at_end, Some(ControlStatus::Manual));

    // A period starting on the 2nd: the failure began before it.
    let later = PeriodOptions {
        from: store::parse_date("2026-01-02").unwrap(),
        ..options.clone()
    };
    let report2 = period::period_report(&s, &ruleset(), &later).unwrap();
    assert!(report2.controls[0].failing_intervals[0].began_before_period);

    // The three formats.
    let render = |f| {
        let mut buf = Vec::new();
        period::render(&report, f, &mut buf).unwrap();
        String::from_utf8(buf).unwrap()
    };
    let html = render(PeriodFormat::Html);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(
        html.contains("SOC 2 &lt;test&gt; &amp; co"),
        "title is escaped"
    );
    assert!(!html.contains("<test>"));
    assert!(html.contains("2 gap(s) without a run"));
    assert!(html.contains("3d 30m"), "time to remediate is shown");
    assert!(
        !html.contains("<script") && !html.contains("http"),
        "self-contained"
    );
    let csv = render(PeriodFormat::Csv);
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("record,framework,control,"));
    assert!(lines.contains(
        &"failing_interval,soc2-test,CC6.1,Data at rest is encrypted,partial,,,2,,,,2026-01-01T02:00:00Z,2026-01-04T02:30:00Z,261000,aws_s3_bucket.logs"
    ), "{csv}");
    assert_eq!(lines.iter().filter(|l| l.starts_with("gap,")).count(), 2);
    let json: serde_json::Value = serde_json::from_str(&render(PeriodFormat::Json)).unwrap();
    assert_eq!(json["schema_version"], 1);
    assert_eq!(
        json["controls"][0]["failing_intervals"][0]["remediated_after_seconds"],
        261_000
    );
}

#[test]
fn an_incomplete_run_is_never_a_pass_in_the_period_report() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&db(dir.path())).unwrap();
    record_run(&mut s, &meta("2026-01-01T02:00:00Z"), &before_fix()).unwrap();
    let mut partial = meta("2026-01-02T02:00:00Z");
    partial.complete = false;
    record_run(&mut s, &partial, &after_fix()).unwrap();
    let options = PeriodOptions {
        from: store::parse_date("2026-01-01").unwrap(),
        to: store::parse_date("2026-01-02").unwrap(),
        expect_every: store::parse_duration("1d").unwrap(),
    };
    let report = period::period_report(&s, &ruleset(), &options).unwrap();
    let c = &report.controls[0];
    assert_eq!((c.passed, c.failed, c.unknown), (0, 1, 1));
    assert_eq!(c.failing_intervals[0].to, None, "still failing");
}

#[test]
fn retention_deletes_old_runs_and_orphaned_data_only() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(dir.path());
    let mut s = Store::open(&path).unwrap();
    let mut old = before_fix();
    old.outcomes
        .push(outcome(ENCRYPTION, "aws_s3_bucket.deleted", Status::Fail));
    record_run(&mut s, &meta("2026-01-01T02:00:00Z"), &old).unwrap();
    record_run(&mut s, &meta("2026-01-02T02:00:00Z"), &before_fix()).unwrap();
    record_run(&mut s, &meta("2026-01-10T02:00:00Z"), &after_fix()).unwrap();

    let pruned = s.prune(7, "2026-01-10T02:00:00Z").unwrap();
    assert_eq!((pruned.runs, pruned.outcomes), (2, 9));
    assert_eq!(
        pruned.subjects, 1,
        "only the deleted bucket's subject is orphaned"
    );
    assert_eq!(pruned.findings, 1);
    let runs = s.runs().unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].meta.started_at, "2026-01-10T02:00:00Z");
    // The surviving finding keeps its lifecycle.
    let fp = before_fix().outcomes[0].fingerprint.clone();
    let f = s.finding(&fp).unwrap().unwrap();
    assert_eq!(f.resolved_at.as_deref(), Some("2026-01-10T02:00:00Z"));
    // Orphaned outcome bodies are gone: every blob is referenced.
    let conn = rusqlite::Connection::open(&path).unwrap();
    let orphans: i64 = conn
        .query_row(
            "SELECT count(*) FROM blobs WHERE digest NOT IN (SELECT blob FROM outcomes)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(orphans, 0);
    assert_eq!(s.outcomes(runs[0].id).unwrap().len(), 4);
}

/// A big estate, so that a write takes many rows.
fn big(n: usize, failing: bool) -> ScanResult {
    result(
        (0..n)
            .map(|i| {
                let status = if failing && i % 3 == 0 {
                    Status::Fail
                } else {
                    Status::Pass
                };
                outcome(ENCRYPTION, &format!("aws_s3_bucket.b{i:05}"), status)
            })
            .collect(),
    )
}

#[test]
fn a_reader_during_a_write_sees_the_committed_runs_and_is_not_blocked() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(dir.path());
    let mut s = Store::open(&path).unwrap();
    record_run(&mut s, &meta("2026-01-01T02:00:00Z"), &big(500, true)).unwrap();

    let (midway_tx, midway_rx) = mpsc::channel::<()>();
    let (resume_tx, resume_rx) = mpsc::channel::<()>();
    let writer = std::thread::spawn(move || {
        record_run_mid(&mut s, midway_tx, resume_rx);
        s.runs().unwrap().len()
    });
    midway_rx.recv_timeout(Duration::from_secs(60)).unwrap();

    // The writer holds its transaction open, half written.
    let started = Instant::now();
    let reader = Store::open_existing(&path).unwrap();
    let runs = reader.runs().unwrap();
    assert_eq!(runs.len(), 1, "the half-written run is invisible");
    assert_eq!(reader.outcomes(runs[0].id).unwrap().len(), 500);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the reader was not blocked"
    );

    resume_tx.send(()).unwrap();
    assert_eq!(writer.join().unwrap(), 2);
    assert_eq!(reader.runs().unwrap().len(), 2, "then the new run appears");
}

fn record_run_mid(s: &mut Store, midway: mpsc::Sender<()>, resume: mpsc::Receiver<()>) {
    store::record_run_with_progress(
        s,
        &meta("2026-01-02T02:00:00Z"),
        &big(500, false),
        &mut |rows| {
            if rows == 250 {
                midway.send(()).unwrap();
                resume.recv_timeout(Duration::from_secs(60)).unwrap();
            }
        },
    )
    .unwrap();
}

const CHILD_ENV: &str = "VOUCH_STORE_KILL_TEST_DB";

/// Run by `a_writer_killed_mid_transaction_loses_nothing_stored_before` in a child process:
/// starts recording a third run, says so half-way, and waits to be killed.
#[test]
#[ignore = "child process of the kill test"]
fn kill_test_child_writer() {
    let Some(path) = std::env::var_os(CHILD_ENV) else {
        return;
    };
    let mut s = Store::open(Path::new(&path)).unwrap();
    let _ = store::record_run_with_progress(
        &mut s,
        &meta("2026-01-03T02:00:00Z"),
        &big(3_000, true),
        &mut |rows| {
            if rows == 2_000 {
                use std::io::Write;
                println!("VOUCH-MIDWAY");
                std::io::stdout().flush().unwrap();
                // Bounded: the parent kills us long before this.
                std::thread::sleep(Duration::from_secs(120));
                std::process::abort();
            }
        },
    );
}

#[test]
fn a_writer_killed_mid_transaction_loses_nothing_stored_before() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(dir.path());
    {
        let mut s = Store::open(&path).unwrap();
        record_run(&mut s, &meta("2026-01-01T02:00:00Z"), &big(1_000, true)).unwrap();
        record_run(&mut s, &meta("2026-01-02T02:00:00Z"), &big(1_000, false)).unwrap();
    }
    let before: Vec<_> = Store::open_existing(&path).unwrap().runs().unwrap();

    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "kill_test_child_writer",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, &path)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line.contains("VOUCH-MIDWAY") {
                let _ = tx.send(());
            }
        }
    });
    let midway = rx.recv_timeout(Duration::from_secs(120));
    // SIGKILL: no destructor, no rollback, no chance to tidy up.
    child.kill().unwrap();
    let status = child.wait().unwrap();
    midway.expect("the child reached the middle of its write");
    assert!(!status.success());

    // The store opens (recovering the WAL) with exactly the runs committed before.
    let s = Store::open_existing(&path).unwrap();
    let after = s.runs().unwrap();
    assert_eq!(after, before);
    for run in &after {
        assert_eq!(s.outcomes(run.id).unwrap().len(), 1_000);
    }
    let conn = rusqlite::Connection::open(&path).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let orphans: i64 = conn
        .query_row(
            "SELECT count(*) FROM outcomes WHERE run_id NOT IN (SELECT id FROM runs)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(orphans, 0);
    drop(conn);

    // And it keeps working: the next run records.
    let mut s = s;
    record_run(&mut s, &meta("2026-01-03T03:00:00Z"), &big(1_000, false)).unwrap();
    assert_eq!(s.runs().unwrap().len(), 3);
}

// ---- Through the `vouch` binary ----------------------------------------------------------

fn vouch(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_vouch"))
        .args(args)
        .current_dir(dir)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A store in `dir/vouch.db` with the fix between two nightly runs, one missed night, and a
/// ruleset file beside it.
fn estate(dir: &Path) {
    let mut s = Store::open(&db(dir)).unwrap();
    record_run(&mut s, &meta("2026-01-01T02:00:00Z"), &before_fix()).unwrap();
    record_run(&mut s, &meta("2026-01-02T02:00:00Z"), &before_fix()).unwrap();
    record_run(&mut s, &meta("2026-01-04T02:00:00Z"), &after_fix()).unwrap();
    std::fs::write(
        dir.join("soc2-test.yaml"),
        yaml_serde::to_string(&ruleset()).unwrap(),
    )
    .unwrap();
}

#[test]
fn cli_history_lists_runs_and_shows_a_timeline() {
    let dir = tempfile::tempdir().unwrap();
    estate(dir.path());
    let (code, out, err) = vouch(dir.path(), &["history", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let runs = doc["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 3);
    assert_eq!(runs[0]["started_at"], "2026-01-01T02:00:00Z");
    assert_eq!(runs[0]["counts"]["fail"], 1);
    assert_eq!(runs[2]["counts"]["fail"], 0);
    assert_eq!(runs[2]["complete"], true);

    let (code, out, _) = vouch(dir.path(), &["history", "--store", "vouch.db"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("#3") && out.contains("3 runs in vouch.db"),
        "{out}"
    );

    let fp = before_fix().outcomes[0].fingerprint.clone();
    let (code, out, err) = vouch(
        dir.path(),
        &["history", "show", &fp[..12], "--format", "json"],
    );
    assert_eq!(code, 0, "{err}");
    let t: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(t["address"], "aws_s3_bucket.logs");
    let statuses: Vec<&str> = t["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, vec!["fail", "fail", "pass"]);
    assert_eq!(t["finding"]["resolved_at"], "2026-01-04T02:00:00Z");

    let (code, out, _) = vouch(dir.path(), &["history", "show", &fp]);
    assert_eq!(code, 0);
    assert!(out.contains("resolved 2026-01-04T02:00:00Z"), "{out}");
    let (code, _, err) = vouch(dir.path(), &["history", "show", "ffffffffffff"]);
    assert_eq!(code, 2);
    assert!(err.contains("no finding"), "{err}");
}

#[test]
fn cli_diff_since_last_names_the_fixed_resource_like_diff_of_two_reports() {
    let dir = tempfile::tempdir().unwrap();
    estate(dir.path());
    let (code, out, err) = vouch(
        dir.path(),
        &[
            "diff", "--store", "vouch.db", "--since", "last", "--format", "json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("comparing run #3"), "{err}");
    let d: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(d["fixed"][0]["address"], "aws_s3_bucket.logs");
    assert_eq!(d["fixed"][0]["before"], "fail");
    assert_eq!(d["fixed"][0]["after"], "pass");
    for key in ["new", "still_failing", "newly_unknown"] {
        assert_eq!(d[key].as_array().unwrap().len(), 0, "{key}");
    }
    let (code, out, _) = vouch(dir.path(), &["diff", "--since", "last"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("aws_s3_bucket.logs") && out.contains("1 fixed"),
        "{out}"
    );
    // Since a date: the run of the 2nd is the baseline; still one fixed.
    let (code, out, _) = vouch(
        dir.path(),
        &["diff", "--since", "2026-01-02", "--format", "json"],
    );
    assert_eq!(code, 0);
    assert!(out.contains("aws_s3_bucket.logs"));

    // A new failure exits 1, as `vouch diff OLD NEW` does.
    let mut s = Store::open(&db(dir.path())).unwrap();
    record_run(&mut s, &meta("2026-01-05T02:00:00Z"), &before_fix()).unwrap();
    let (code, out, _) = vouch(dir.path(), &["diff", "--store", "vouch.db"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("1 new"), "{out}");
}

#[test]
fn cli_diff_arguments_are_validated() {
    let dir = tempfile::tempdir().unwrap();
    estate(dir.path());
    for (args, expect) in [
        (vec!["diff"], "needs two reports"),
        (vec!["diff", "a.json"], "needs two reports"),
        (
            vec!["diff", "a.json", "b.json", "--since", "last"],
            "not both",
        ),
        (vec!["diff", "a.json", "--store", "vouch.db"], "not both"),
        (vec!["diff", "--since", "yesterday"], "--since `yesterday`"),
        (
            vec!["diff", "--store", "missing.db"],
            "no store at missing.db",
        ),
        (vec!["diff", "--since", "2025-01-01"], "no earlier run"),
    ] {
        let (code, _, err) = vouch(dir.path(), &args);
        assert_eq!(code, 2, "{args:?}");
        assert!(err.contains(expect), "{args:?}: {err}");
    }
    let (code, _, err) = vouch(dir.path(), &["history", "--store", "nope.db"]);
    assert_eq!(code, 2);
    assert!(err.contains("no store at nope.db"), "{err}");
    assert!(
        !dir.path().join("nope.db").exists(),
        "reading never creates a store"
    );
}

#[test]
fn cli_period_report_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    estate(dir.path());
    let base = [
        "report",
        "period",
        "--store",
        "vouch.db",
        "--ruleset",
        "soc2-test.yaml",
        "--from",
        "2026-01-01",
        "--to",
        "2026-01-04",
    ];
    let with = |extra: &[&str]| {
        let mut v: Vec<&str> = base.to_vec();
        v.extend_from_slice(extra);
        vouch(dir.path(), &v)
    };
    let (code, html, err) = with(&[]);
    assert_eq!(code, 0, "{err}");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(
        html.contains("CC6.1") && html.contains("3d"),
        "interval shown"
    );
    assert!(err.contains("1 gap(s)"), "{err}");

    let (code, _, err) = with(&["--format", "csv", "--output", "period.csv"]);
    assert_eq!(code, 0, "{err}");
    let csv = std::fs::read_to_string(dir.path().join("period.csv")).unwrap();
    assert!(csv.contains("failing_interval,soc2-test,CC6.1,"), "{csv}");
    assert!(csv.contains("gap,soc2-test,"), "{csv}");

    let (code, out, _) = with(&["--format", "json", "--expect-every", "12h"]);
    assert_eq!(code, 0);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["expected_runs"], 8);
    assert_eq!(doc["covered_slots"], 3);
    assert_eq!(
        doc["controls"][0]["failing_intervals"][0]["to"],
        "2026-01-04T02:00:00Z"
    );

    let (code, _, err) = with(&["--expect-every", "often"]);
    assert_eq!(code, 2);
    assert!(err.contains("not a duration"), "{err}");
    let (code, _, err) = vouch(
        dir.path(),
        &[
            "report",
            "period",
            "--ruleset",
            "soc2-test.yaml",
            "--from",
            "2026-01-05",
            "--to",
            "2026-01-01",
        ],
    );
    assert_eq!(code, 2);
    assert!(err.contains("ends"), "{err}");
    let (code, _, err) = vouch(
        dir.path(),
        &[
            "report",
            "period",
            "--framework",
            "nope",
            "--from",
            "2026-01-01",
            "--to",
            "2026-01-02",
        ],
    );
    assert_eq!(code, 2);
    assert!(err.contains("unknown framework `nope`"), "{err}");
}

#[test]
fn cli_scan_records_into_the_store_and_prunes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("infra")).unwrap();
    let scan = |ts: &str, extra: &[&str]| {
        let mut args = vec!["scan", "infra", "--no-config", "--store", "--timestamp", ts];
        args.extend_from_slice(extra);
        vouch(dir.path(), &args)
    };
    let (code, _, err) = scan("2026-01-01T02:00:00Z", &[]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("stored: run #1 in vouch.db"), "{err}");
    assert!(
        dir.path().join("vouch.db").is_file(),
        "--store alone means vouch.db"
    );
    let (code, _, err) = scan("2026-01-20T02:00:00Z", &["--keep-days", "7"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("removed 1 runs"), "{err}");
    let (_, out, _) = vouch(dir.path(), &["history", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let runs = doc["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0]["paths"][0], "infra");
    assert_eq!(runs[0]["source"], "iac");
    assert!(runs[0]["policy_digest"].as_str().unwrap().len() == 64);

    let (code, _, err) = scan("2026-01-21T02:00:00Z", &["--keep-days", "0"]);
    assert_eq!(code, 2);
    assert!(err.contains("at least 1"), "{err}");
    let (code, _, _) = vouch(dir.path(), &["scan", "infra", "--keep-days", "3"]);
    assert_eq!(code, 2, "--keep-days needs --store");

    let (code, _, err) = vouch(
        dir.path(),
        &[
            "history",
            "prune",
            "--keep-days",
            "1",
            "--timestamp",
            "2026-02-01T00:00:00Z",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("removed 1 runs"), "{err}");
}

#[test]
fn cli_two_terraform_scans_with_a_fix_between_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let infra = dir.path().join("infra");
    std::fs::create_dir(&infra).unwrap();
    let key = |rotation: bool| {
        std::fs::write(
            infra.join("main.tf"),
            format!(
                "resource \"aws_kms_key\" \"logs\" {{\n  description = \"logs\"\n  enable_key_rotation = {rotation}\n}}\n"
            ),
        )
        .unwrap();
    };
    let scan = |ts: &str| {
        let (code, _, err) = vouch(
            dir.path(),
            &[
                "scan",
                "infra",
                "--no-config",
                "--store",
                "--fail-on",
                "none",
                "--timestamp",
                ts,
            ],
        );
        assert_eq!(code, 0, "{err}");
        err
    };
    key(false);
    let err = scan("2026-01-01T02:00:00Z");
    assert!(err.contains("1 new"), "{err}");
    key(true);
    let err = scan("2026-01-02T02:00:00Z");
    assert!(err.contains("1 resolved"), "{err}");

    let (_, out, _) = vouch(dir.path(), &["history", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        doc["runs"].as_array().unwrap().len(),
        2,
        "two audits, two runs"
    );

    let (code, out, err) = vouch(dir.path(), &["diff", "--since", "last", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let d: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(d["fixed"][0]["address"], "aws_kms_key.logs");
    assert_eq!(d["fixed"][0]["rule_id"], "kms-key-rotation-enabled");

    let mut rs = ruleset();
    rs.controls[0].rules = vec!["kms-key-rotation-enabled".into()];
    std::fs::write(
        dir.path().join("rs.yaml"),
        yaml_serde::to_string(&rs).unwrap(),
    )
    .unwrap();
    let (code, out, err) = vouch(
        dir.path(),
        &[
            "report",
            "period",
            "--ruleset",
            "rs.yaml",
            "--from",
            "2026-01-01",
            "--to",
            "2026-01-02",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let p: serde_json::Value = serde_json::from_str(&out).unwrap();
    let c = &p["controls"][0];
    assert_eq!(c["timeline"][0]["status"], "fail");
    assert_eq!(c["timeline"][1]["status"], "pass");
    let i = &c["failing_intervals"][0];
    assert_eq!(i["from"], "2026-01-01T02:00:00Z");
    assert_eq!(i["to"], "2026-01-02T02:00:00Z");
    assert_eq!(i["remediated_after_seconds"], 86_400);
    assert_eq!(i["resources"][0], "aws_kms_key.logs");
    assert!(p["gaps"].as_array().unwrap().is_empty());
}

#[test]
fn a_live_aws_audit_records_its_accounts_regions_and_completeness() {
    let snapshot: vouch::collect::aws::AwsSnapshot = serde_json::from_value(serde_json::json!({
        "schema_version": 1,
        "tool": "vouch",
        "tool_version": "0.1.0",
        "collected_at": "2026-01-01T02:00:00.123Z",
        "accounts": ["111122223333"],
        "regions": ["eu-west-1", "us-east-1"],
        "complete": false,
        "failed_calls": [],
        "guardduty_findings": [],
        "snapshot": {"resources": [], "inputs": [], "diagnostics": []}
    }))
    .unwrap();
    let policies = vouch::engine::PolicySet::load(&[], &Default::default()).unwrap();
    let meta = RunMeta::for_audit(&snapshot, Some("abc".into()), &policies, &before_fix());
    assert_eq!(meta.source, RunSource::Aws);
    assert!(
        !meta.complete,
        "an incomplete collection is an incomplete run"
    );
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&db(dir.path())).unwrap();
    record_run(&mut s, &meta, &before_fix()).unwrap();
    let run = &s.runs().unwrap()[0];
    assert_eq!(run.meta.started_at, "2026-01-01T02:00:00Z");
    assert_eq!(run.meta.accounts, vec!["111122223333".to_owned()]);
    assert_eq!(run.meta.regions.len(), 2);
    assert_eq!(run.meta.snapshot_digest.as_deref(), Some("abc"));
    assert_eq!(run.meta.policy_digest, store::policy_digest(&policies));
}
