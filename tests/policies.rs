//! Registry invariants and every built-in rule's test cases, run through the real engine.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use vouch::engine::{testing, PolicySet, Status};

fn builtin() -> PolicySet {
    PolicySet::load(&[], &Default::default()).expect("built-in policies load and validate")
}

#[test]
fn every_builtin_rule_passes_its_test_cases() {
    let policies = builtin();
    let mut failures = Vec::new();
    let mut cases = 0;
    for report in testing::run(&policies) {
        if let Some(problem) = &report.problem {
            failures.push(format!("{}: {problem}", report.rule_id));
        }
        for case in &report.cases {
            cases += 1;
            if let Some(why) = &case.failure {
                failures.push(format!("{} / {}: {why}", case.rule_id, case.case));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        cases >= 2 * policies.rules.len(),
        "every rule has pass and fail cases"
    );
}

/// House conventions the runner does not enforce for custom rules: built-in rules also have
/// an `unknown` case, and their messages start lowercase with no trailing period.
#[test]
fn builtin_rules_follow_the_message_and_unknown_conventions() {
    let mut problems = Vec::new();
    for report in testing::run(&builtin()) {
        if !report.cases.iter().any(|c| c.expected == Status::Unknown) {
            problems.push(format!("{}: no case expects `unknown`", report.rule_id));
        }
        for case in report.cases.iter().filter(|c| c.actual != Status::Pass) {
            let m = &case.message;
            if m.starts_with(|c: char| c.is_uppercase()) || m.ends_with('.') {
                problems.push(format!("{} / {}: message `{m}`", case.rule_id, case.case));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The sorted list of rule IDs is snapshotted so every added or removed rule shows in review.
#[test]
fn registry_ids_are_reviewed() {
    let ids: Vec<String> = builtin()
        .rules
        .iter()
        .map(|r| format!("{} ({}, {})", r.meta.id, r.meta.severity, r.meta.name))
        .collect();
    insta::assert_snapshot!(ids.join("\n"));
}

#[test]
fn rule_files_live_in_their_domain_and_are_named_after_their_id() {
    for rule in builtin().rules {
        let file = rule.path.rsplit('/').next().unwrap();
        assert_eq!(
            file,
            format!("{}.rego", rule.meta.id.replace('-', "_")),
            "{} should be named after its id",
            rule.path
        );
        assert!(rule.path.starts_with("policies/"), "{}", rule.path);
    }
}

#[test]
fn a_broken_custom_policy_is_a_located_load_error() {
    let bad = vec![(
        "custom/bad.rego".to_owned(),
        "package vouch.rules.bad\nimport rego.v1\ndeny contains x if {".to_owned(),
        false,
    )];
    let err = PolicySet::from_files(bad, &Default::default())
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("custom/bad.rego"), "{err}");

    let no_meta = vec![(
        "custom/nometa.rego".to_owned(),
        "package vouch.rules.nometa\nimport rego.v1\ndeny contains \"x\" if { false }".to_owned(),
        false,
    )];
    let err = PolicySet::from_files(no_meta, &Default::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("no `metadata`"), "{err}");

    let unknown_fn = vec![(
        "custom/fn.rego".to_owned(),
        r#"package vouch.rules.fn_rule
import rego.v1
metadata := {"id": "fn-rule", "name": "fn-rule", "title": "t", "severity": "low",
  "kinds": ["aws.s3.bucket"], "remediation": "r"}
deny contains "x" if { no_such_function(input) }"#
            .to_owned(),
        false,
    )];
    let err = PolicySet::from_files(unknown_fn, &Default::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("custom/fn.rego"), "{err}");
}

/// Every built-in rule's cases reach most of its lines: a branch no case reaches is a branch
/// nobody has seen work. The floor sits just under the least-covered rule today.
#[test]
fn builtin_rule_cases_cover_their_lines() {
    const FLOOR: f64 = 85.0;
    let low: Vec<String> = testing::run(&builtin())
        .into_iter()
        .filter(|r| r.coverage.percent() < FLOOR)
        .map(|r| {
            format!(
                "{}: {:.1}%, lines not reached: {:?}",
                r.path,
                r.coverage.percent(),
                r.coverage.not_covered
            )
        })
        .collect();
    assert!(low.is_empty(), "{}", low.join("\n"));
}

/// `vouch policy new` output loads, validates and passes its own cases, with full coverage,
/// whatever kind it is made for.
#[test]
fn scaffolded_rules_load_and_pass_for_every_kind() {
    use vouch::engine::scaffold::scaffold;
    let dir = tempfile::tempdir().unwrap();
    let mut expected = Vec::new();
    for kind in vouch::model::kinds::all() {
        let name = format!("custom-{}", kind.replace(['.', '_'], "-"));
        let files = scaffold("custom", &name, kind).expect("scaffold");
        for (path, text) in [
            (&files.policy_path, &files.policy),
            (&files.tests_path, &files.tests),
        ] {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        expected.push((kind, name));
    }
    let policies = PolicySet::load(&[dir.path().to_path_buf()], &Default::default())
        .unwrap_or_else(|e| panic!("scaffolds do not load: {e}"));
    let reports = testing::run(&policies);
    for (kind, name) in expected {
        let report = reports
            .iter()
            .find(|r| r.rule_id == name)
            .unwrap_or_else(|| panic!("{kind}: the scaffolded rule is not tested"));
        assert!(report.passed(), "{kind}: {report:?}");
        assert_eq!(report.cases.len(), 3, "{kind}");
        assert_eq!(report.coverage.percent(), 100.0, "{kind}: {report:?}");
    }
}

/// Configured parameters reach the policy (`lib.param`), and only the rule they are for.
#[test]
fn configured_parameters_change_the_verdict() {
    use std::collections::BTreeMap;
    use vouch::model::{Provenance, Resource, SourceKind};
    let sg = Resource {
        kind: "aws.ec2.security_group".into(),
        address: "aws_security_group.web".into(),
        source: SourceKind::Terraform,
        location: None,
        module_chain: vec![],
        arn: None,
        account: None,
        region: None,
        attributes: serde_json::json!({"ingress": [{
            "protocol": "tcp", "from_port": 8080, "to_port": 8080, "cidr_ipv4": ["0.0.0.0/0"],
            "cidr_ipv6": [], "source_security_groups": [], "prefix_lists": [], "self": false,
            "description": null
        }]}),
        attribute_locations: BTreeMap::new(),
        provenance: Provenance::default(),
    };
    let status = |params: &vouch::engine::Params| {
        let policies = PolicySet::load(&[], params).unwrap();
        vouch::engine::evaluate(&policies, std::slice::from_ref(&sg), &BTreeMap::new())
            .into_iter()
            .find(|o| o.rule_id == "sg-no-public-admin-ports")
            .unwrap()
            .status
    };
    assert_eq!(status(&Default::default()), Status::Pass);
    let mut params = vouch::engine::Params::new();
    params.insert(
        "sg-no-public-admin-ports".into(),
        [("admin_ports".to_owned(), serde_json::json!([22, 8080]))].into(),
    );
    assert_eq!(status(&params), Status::Fail);
    let mut elsewhere = vouch::engine::Params::new();
    elsewhere.insert(
        "rds-not-public".into(),
        [("admin_ports".to_owned(), serde_json::json!([8080]))].into(),
    );
    assert_eq!(status(&elsewhere), Status::Pass);
}
