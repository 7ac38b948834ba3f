//! Parity fixtures: every file under `fixtures/parity/<rule-id>/` is scanned on its own with
//! the built-in policies, and the outcomes of that rule are checked against the file name:
//! `pass*` → the rule judges at least one resource and every outcome is pass; `fail*` → at
//! least one outcome is fail. The same files are the examples of `vouch rules show`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use vouch::engine::{PolicySet, Status};
use vouch::scan::{run, ScanOptions};

#[test]
fn parity_fixtures_get_the_expected_outcome() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/parity");
    let policies = PolicySet::load(&[], &Default::default()).expect("policies load");
    let mut problems = Vec::new();
    let mut checked = 0;
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        let rule = dir.file_name().unwrap().to_string_lossy().to_string();
        if policies.rule(&rule).is_none() {
            problems.push(format!("{}: no rule `{rule}`", dir.display()));
            continue;
        }
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        files.sort();
        for file in files {
            let name = file.file_name().unwrap().to_string_lossy().to_string();
            let expect_pass = name.starts_with("pass");
            if !expect_pass && !name.starts_with("fail") {
                continue;
            }
            let outcomes = if name.ends_with(".tf") {
                // Each file is scanned alone (a Terraform module is a directory).
                let tmp = tempfile::tempdir().unwrap();
                std::fs::copy(&file, tmp.path().join(&name)).unwrap();
                let options = ScanOptions {
                    paths: vec![tmp.path().to_path_buf()],
                    ..Default::default()
                };
                run(&options, &policies).outcomes
            } else {
                // Until the scan pipeline reads CloudFormation, judge the template through
                // the same collector, adapter and engine directly.
                let out = vouch::collect::cloudformation::load(
                    std::slice::from_ref(&file),
                    &vouch::collect::cloudformation::CfnOptions::default(),
                );
                assert!(out.diagnostics.is_empty(), "{name}: {:?}", out.diagnostics);
                let resources = vouch::normalize::cloudformation::normalize(&out.resources);
                vouch::engine::evaluate(&policies, &resources, &Default::default())
            };
            let statuses: Vec<Status> = outcomes
                .iter()
                .filter(|o| o.rule_id == rule)
                .map(|o| o.status)
                .collect();
            checked += 1;
            let ok = if expect_pass {
                !statuses.is_empty() && statuses.iter().all(|s| *s == Status::Pass)
            } else {
                statuses.contains(&Status::Fail)
            };
            if !ok {
                problems.push(format!(
                    "{rule}/{name}: expected {}, got {statuses:?}",
                    if expect_pass { "all pass" } else { "a fail" },
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(
        checked > 0 || !root.exists(),
        "no parity fixture was checked"
    );
}
