//! End-to-end snapshots over fixture projects: the normalized resources the adapters produce
//! and the outcomes the rules give, so any change in either shows in review.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use vouch::engine::PolicySet;
use vouch::scan::{self, ScanOptions};

fn options(path: &str) -> ScanOptions {
    ScanOptions {
        paths: vec![PathBuf::from(path)],
        ..ScanOptions::default()
    }
}

/// One line per outcome: status, rule, resource, location — the reviewable core.
fn outcome_lines(path: &str) -> String {
    let policies = PolicySet::load(&[], &Default::default()).unwrap();
    let result = scan::run(&options(path), &policies);
    let mut lines: Vec<String> = result
        .outcomes
        .iter()
        .map(|o| {
            let loc = o
                .location
                .as_ref()
                .map(|l| format!("{}:{}-{}", l.file, l.start_line, l.end_line))
                .unwrap_or_default();
            format!(
                "{:<7} {:<32} {} @ {loc}: {}",
                o.status, o.rule_id, o.resource.address, o.message
            )
        })
        .collect();
    lines.extend(result.diagnostics.iter().map(|d| format!("diagnostic {d}")));
    lines.join("\n")
}

#[test]
fn demo_project_outcomes() {
    insta::assert_snapshot!(outcome_lines("fixtures/demo"));
}

#[test]
fn demo_project_normalized_resources() {
    let snapshot = scan::collect(&options("fixtures/demo"));
    insta::assert_json_snapshot!(snapshot.resources);
}

#[test]
fn modules_with_count_outcomes() {
    insta::assert_snapshot!(outcome_lines("fixtures/terraform/modules_count"));
}

#[test]
fn cloudformation_outcomes() {
    insta::assert_snapshot!(outcome_lines("fixtures/cloudformation/storage.yaml"));
}

#[test]
fn plan_outcomes() {
    insta::assert_snapshot!(outcome_lines("fixtures/plan/s3_sg"));
}

#[test]
fn policy_documents_outcomes() {
    insta::assert_snapshot!(outcome_lines("fixtures/terraform/policy_documents"));
}
