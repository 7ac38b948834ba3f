//! Parity fixtures: `fixtures/parity/<rule-id>/{pass,fail}*.{tf,yaml}` are minimal realistic
//! sources for one rule. Each file is scanned on its own with the built-in policies and the
//! rule's outcomes are checked: a `pass*` file gives only `pass` outcomes for that rule (and
//! at least one), a `fail*` file gives at least one `fail`. The same files are the examples
//! of `vouch rules show`. Terraform goes through `scan::run`; CloudFormation through its
//! collector and adapter, then `scan::judge`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use vouch::collect::cloudformation::{load, CfnOptions};
use vouch::engine::{PolicySet, Status};
use vouch::model::Snapshot;
use vouch::scan::{self, ScanOptions};

fn outcomes(file: &Path, policies: &PolicySet) -> Vec<(String, Status, String)> {
    let options = ScanOptions {
        paths: vec![file.to_path_buf()],
        ..ScanOptions::default()
    };
    let result = if file.extension().is_some_and(|e| e == "tf") {
        // A directory is a Terraform module: scan a copy holding only this file.
        let dir = std::env::temp_dir().join(format!(
            "vouch-parity-{}-{}",
            std::process::id(),
            file.display().to_string().replace(['/', '\\', '.'], "_")
        ));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::copy(file, dir.join("main.tf")).unwrap();
        let options = ScanOptions {
            paths: vec![dir.clone()],
            ..ScanOptions::default()
        };
        let r = scan::run(&options, policies);
        std::fs::remove_dir_all(&dir).ok();
        r
    } else {
        let out = load(&[file.to_path_buf()], &CfnOptions::default());
        let snapshot = Snapshot {
            resources: vouch::normalize::cloudformation::normalize(&out.resources),
            inputs: out.inputs,
            diagnostics: out.diagnostics,
        };
        scan::judge(&snapshot, policies, &options)
    };
    result
        .outcomes
        .into_iter()
        .map(|o| (o.rule_id, o.status, o.message))
        .collect()
}

#[test]
fn every_parity_fixture_gives_its_expected_outcome() {
    let policies = PolicySet::load(&[], &Default::default()).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/parity");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let mut failures = Vec::new();
    let mut checked = 0;
    for dir in dirs {
        let rule = dir.file_name().unwrap().to_string_lossy().to_string();
        assert!(
            policies.rule(&rule).is_some(),
            "{}: no rule {rule}",
            dir.display()
        );
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        files.sort();
        for file in files {
            let name = file.file_name().unwrap().to_string_lossy().to_string();
            let mine: Vec<(String, Status, String)> = outcomes(&file, &policies)
                .into_iter()
                .filter(|(id, _, _)| id == &rule)
                .collect();
            checked += 1;
            let ok = if name.starts_with("pass") {
                !mine.is_empty() && mine.iter().all(|(_, s, _)| *s == Status::Pass)
            } else if name.starts_with("fail") {
                mine.iter().any(|(_, s, _)| *s == Status::Fail)
            } else {
                failures.push(format!("{rule}/{name}: name must start with pass or fail"));
                continue;
            };
            if !ok {
                failures.push(format!("{rule}/{name}: {mine:?}"));
            }
        }
    }
    assert!(checked > 0, "no parity fixtures found");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
