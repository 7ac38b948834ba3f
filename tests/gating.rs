//! Waivers, baselines and diffs on hand-built outcomes (library level); the CLI tests cover
//! the same features end to end on fixture projects.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod report_support;

use std::collections::BTreeMap;

use serde_json::json;
use vouch::baseline::Baseline;
use vouch::config::Config;
use vouch::engine::outcome::fingerprint;
use vouch::engine::{Outcome, Status};
use vouch::model::{Location, Provenance, Resource, SourceKind};
use vouch::waivers::{self, Waiver};

fn outcome(rule: &str, address: &str, status: Status) -> Outcome {
    report_support::bucket_outcome(rule, address, status, "m")
}

fn bucket(address: &str, tags: serde_json::Value) -> Resource {
    Resource {
        kind: "aws.s3.bucket".into(),
        address: address.into(),
        source: SourceKind::Terraform,
        location: Some(Location {
            file: "main.tf".into(),
            start_line: 10,
            end_line: 20,
        }),
        module_chain: vec![],
        arn: None,
        account: None,
        region: None,
        attributes: json!({ "tags": tags }),
        attribute_locations: BTreeMap::new(),
        provenance: Provenance::default(),
    }
}

fn waivers_from(toml: &str) -> Vec<Waiver> {
    let config = Config::parse(toml, "vouch.toml").unwrap();
    config
        .waivers
        .iter()
        .enumerate()
        .map(|(i, w)| Waiver::from_config(w, format!("vouch.toml#{i}")).unwrap())
        .collect()
}

fn date(s: &str) -> time::Date {
    waivers::run_date(&format!("{s}T00:00:00Z")).unwrap()
}

#[test]
fn waivers_match_by_rule_resource_glob_and_tags_and_expire() {
    let ws = waivers_from(
        r#"
[[waivers]]
rule = "s3-*"
resource = "aws_s3_bucket.logs*"
reason = "log buckets"
owner = "platform"
expires = 2026-12-31

[[waivers]]
rule = "s3-bucket-versioning"
tags = { env = "dev" }
reason = "dev data is disposable"

[[waivers]]
rule = "kms-key-rotation-enabled"
reason = "matches nothing"
"#,
    );
    let resources = vec![
        bucket("aws_s3_bucket.logs_a", json!({})),
        bucket("aws_s3_bucket.dev", json!({"env": "dev"})),
        bucket("aws_s3_bucket.prod", json!({"env": "prod"})),
    ];
    let mut outcomes = vec![
        outcome(
            "s3-bucket-access-logging",
            "aws_s3_bucket.logs_a",
            Status::Fail,
        ),
        outcome("s3-bucket-versioning", "aws_s3_bucket.dev", Status::Fail),
        outcome("s3-bucket-versioning", "aws_s3_bucket.prod", Status::Fail),
        outcome("s3-bucket-versioning", "aws_s3_bucket.logs_a", Status::Pass),
    ];
    let report = waivers::apply(&mut outcomes, &resources, &ws, date("2026-11-25"));
    assert_eq!(outcomes[0].status, Status::Waived);
    assert_eq!(outcomes[0].waiver.as_ref().unwrap().reason, "log buckets");
    assert_eq!(
        outcomes[0].waiver.as_ref().unwrap().expires.as_deref(),
        Some("2026-12-31")
    );
    assert_eq!(outcomes[1].status, Status::Waived, "tag match");
    assert_eq!(outcomes[2].status, Status::Fail, "tags differ");
    assert_eq!(outcomes[3].status, Status::Pass, "passes are never waived");
    assert_eq!(report.unmatched.len(), 1);
    assert_eq!(report.unmatched[0].rule, "kms-key-rotation-enabled");

    // A day after expiry the first waiver no longer applies, and says so.
    let mut later = vec![outcome(
        "s3-bucket-access-logging",
        "aws_s3_bucket.logs_a",
        Status::Fail,
    )];
    let report = waivers::apply(&mut later, &resources, &ws, date("2027-01-01"));
    assert_eq!(later[0].status, Status::Fail);
    assert!(later[0].waiver.as_ref().unwrap().expired);
    assert_eq!(report.expired.len(), 1);
    assert_eq!(report.expired[0].source, "vouch.toml#0");
}

#[test]
fn fingerprints_ignore_location_but_not_identity() {
    let mut a = outcome("r", "aws_s3_bucket.x", Status::Fail);
    let b = outcome("r", "aws_s3_bucket.x", Status::Fail);
    a.location = Some(Location {
        file: "moved.tf".into(),
        start_line: 99,
        end_line: 120,
    });
    let a_fp = fingerprint(&a.rule_id, &a.resource);
    assert_eq!(a_fp, b.fingerprint);
    assert_ne!(
        b.fingerprint,
        outcome("r", "aws_s3_bucket.y", Status::Fail).fingerprint
    );
    assert_ne!(
        b.fingerprint,
        outcome("q", "aws_s3_bucket.x", Status::Fail).fingerprint
    );
}

#[test]
fn a_baseline_holds_old_failures_and_reports_fixed_ones() {
    let before = vec![
        outcome("r", "aws_s3_bucket.a", Status::Fail),
        outcome("r", "aws_s3_bucket.b", Status::Fail),
        outcome("r", "aws_s3_bucket.c", Status::Pass),
    ];
    let baseline = Baseline::from_outcomes(&before, "2026-11-25T00:00:00Z".into());
    assert_eq!(baseline.entries.len(), 2);
    let mut now = vec![
        outcome("r", "aws_s3_bucket.a", Status::Fail),
        outcome("r", "aws_s3_bucket.b", Status::Pass),
        outcome("r", "aws_s3_bucket.d", Status::Fail),
    ];
    let fixed = baseline.apply(&mut now);
    assert!(now[0].in_baseline);
    assert!(!now[2].in_baseline, "a new failure is not covered");
    assert_eq!(fixed.len(), 1);
    assert_eq!(fixed[0].address, "aws_s3_bucket.b");
}
