//! Runs every built-in rule's `<rule>.test.yaml` cases with regorus directly, applying the
//! outcome logic of `docs/policies.md` (deny → fail, downgraded to unknown when its path is
//! unknown; unknown entries → unknown; an unknown `inputs` path → unknown; else pass).
//!
//! Stand-in until the engine's own runner (`tests/policies.rs` on main) covers the same
//! files; it also checks the metadata contract of each rule.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

fn rule_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let p = entry.path();
        if p.is_dir() {
            if p.file_name().is_some_and(|n| n != "lib") {
                rule_files(&p, out);
            }
        } else if p.extension().is_some_and(|e| e == "rego") {
            out.push(p);
        }
    }
}

fn to_json(v: regorus::Value) -> Value {
    serde_json::to_value(&v).unwrap()
}

fn eval(engine: &mut regorus::Engine, rule: &str) -> Value {
    match engine.eval_rule(rule.to_owned()) {
        Ok(v) => to_json(v),
        Err(e) => panic!("{rule}: {e}"),
    }
}

/// True when the dotted path walks into an unknown marker.
fn path_unknown(input: &Value, path: &str) -> bool {
    let mut cur = input;
    for seg in path.split('.') {
        if cur.get("__unknown__").is_some() {
            return true;
        }
        let next = match cur {
            Value::Object(m) => m.get(seg),
            Value::Array(a) => seg.parse::<usize>().ok().and_then(|i| a.get(i)),
            _ => None,
        };
        match next {
            Some(n) => cur = n,
            None => return false,
        }
    }
    cur.get("__unknown__").is_some()
}

fn outcome(input: &Value, deny: &Value, unknown: &Value, inputs: &[Value]) -> &'static str {
    let deny = deny.as_array().cloned().unwrap_or_default();
    let unknown = unknown.as_array().cloned().unwrap_or_default();
    let firm = deny.iter().any(|d| {
        d.get("path")
            .and_then(Value::as_str)
            .is_none_or(|p| !path_unknown(input, p))
    });
    if firm {
        "fail"
    } else if !deny.is_empty()
        || !unknown.is_empty()
        || inputs
            .iter()
            .filter_map(Value::as_str)
            .any(|p| path_unknown(input, p))
    {
        "unknown"
    } else {
        "pass"
    }
}

fn check_entries(file: &Path, case: &str, set: &Value) {
    for e in set.as_array().unwrap() {
        let obj = e.as_object().unwrap();
        assert!(
            obj.keys().all(|k| k == "message" || k == "path"),
            "{}: {case}: entry has other keys: {e}",
            file.display()
        );
        let msg = obj["message"].as_str().unwrap();
        assert!(
            !msg.ends_with('.') && msg.chars().next().is_some_and(|c| !c.is_uppercase()),
            "{}: {case}: message style: {msg:?}",
            file.display()
        );
    }
}

#[test]
fn starter_rules_pass_their_cases() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let lib = std::fs::read_to_string(root.join("policies/lib/vouch.rego")).unwrap();
    let mut files = Vec::new();
    rule_files(&root.join("policies"), &mut files);
    files.sort();
    let mut failures = Vec::new();
    let mut total = 0;
    for file in &files {
        let stem = file.file_stem().unwrap().to_str().unwrap().to_owned();
        let text = std::fs::read_to_string(file).unwrap();
        let cases_path = file.with_file_name(format!("{stem}.test.yaml"));
        let cases_text = std::fs::read_to_string(&cases_path)
            .unwrap_or_else(|_| panic!("{} has no test file", file.display()));
        let cases: Value = yaml_serde::from_str(&cases_text).unwrap();
        let mut base = regorus::Engine::new();
        base.add_policy("policies/lib/vouch.rego".into(), lib.clone())
            .unwrap();
        base.add_policy(file.display().to_string(), text).unwrap();
        let pkg = format!("data.vouch.rules.{stem}");

        let meta = eval(&mut base.clone(), &format!("{pkg}.metadata"));
        let id = meta["id"].as_str().unwrap().to_owned();
        assert_eq!(
            id.replace('-', "_"),
            stem,
            "{}: id and file name",
            file.display()
        );
        for key in [
            "name",
            "title",
            "description",
            "severity",
            "kinds",
            "inputs",
            "remediation",
            "status",
        ] {
            assert!(
                meta.get(key).is_some(),
                "{}: metadata lacks {key}",
                file.display()
            );
        }
        let inputs = meta["inputs"].as_array().cloned().unwrap();
        let mut expects = std::collections::BTreeSet::new();
        for case in cases["cases"].as_array().unwrap() {
            total += 1;
            let name = case["name"].as_str().unwrap();
            let expect = case["expect"].as_str().unwrap();
            expects.insert(expect.to_owned());
            let mut engine = base.clone();
            let params = case.get("params").cloned().unwrap_or(json!({}));
            engine
                .add_data(regorus::Value::from(
                    json!({"vouch": {"params": {id.clone(): params}}}),
                ))
                .unwrap();
            engine.set_input(regorus::Value::from(case["input"].clone()));
            let deny = eval(&mut engine, &format!("{pkg}.deny"));
            let unknown = eval(&mut engine, &format!("{pkg}.unknown"));
            check_entries(file, name, &deny);
            check_entries(file, name, &unknown);
            let got = outcome(&case["input"], &deny, &unknown, &inputs);
            if got != expect {
                failures.push(format!(
                    "{stem}: {name}: expected {expect}, got {got}\n  deny: {deny}\n  unknown: {unknown}"
                ));
            }
        }
        for needed in ["pass", "fail", "unknown"] {
            assert!(expects.contains(needed), "{stem}: no `{needed}` case");
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {total} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(total > 0);
}

/// The adapter's output is what the rules expect: a v4 Terraform bucket joined from split
/// resources is judged on the joined values, and an unresolved join is unknown, not a pass.
#[test]
fn terraform_adapter_output_feeds_the_rules() {
    use vouch::collect::terraform::{Mode, TfInstance};
    let mk = |rtype: &str, name: &str, values: Value| TfInstance {
        mode: Mode::Managed,
        resource_type: rtype.into(),
        name: name.into(),
        address: format!("{rtype}.{name}"),
        module_chain: Vec::new(),
        file: "main.tf".into(),
        start_line: 1,
        end_line: 5,
        values,
        attribute_lines: Default::default(),
    };
    let resources = vouch::normalize::terraform::normalize(&[
        mk("aws_s3_bucket", "a", json!({"bucket": "a"})),
        mk("aws_s3_bucket", "b", json!({"bucket": "b"})),
        mk(
            "aws_s3_bucket_versioning",
            "a",
            json!({"bucket": "${aws_s3_bucket.a.id}", "versioning_configuration": [{"status": "Enabled"}]}),
        ),
        mk(
            "aws_s3_bucket_public_access_block",
            "x",
            json!({"bucket": {"__unknown__": "var.bucket"}, "block_public_acls": true}),
        ),
        mk(
            "aws_security_group",
            "g",
            json!({"name": "g", "ingress": [{"protocol": "all", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]}]}),
        ),
    ]);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let lib = std::fs::read_to_string(root.join("policies/lib/vouch.rego")).unwrap();
    let judge = |file: &str, address: &str| {
        let r = resources.iter().find(|r| r.address == address).unwrap();
        let mut e = regorus::Engine::new();
        e.add_policy("lib".into(), lib.clone()).unwrap();
        e.add_policy(
            file.into(),
            std::fs::read_to_string(root.join(file)).unwrap(),
        )
        .unwrap();
        let stem = Path::new(file)
            .file_stem()
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        e.set_input(regorus::Value::from(r.attributes.clone()));
        let deny = eval(&mut e, &format!("data.vouch.rules.{stem}.deny"));
        let unknown = eval(&mut e, &format!("data.vouch.rules.{stem}.unknown"));
        let meta = eval(&mut e, &format!("data.vouch.rules.{stem}.metadata"));
        outcome(
            &r.attributes,
            &deny,
            &unknown,
            meta["inputs"].as_array().unwrap(),
        )
    };
    let versioning = "policies/storage/s3_bucket_versioning.rego";
    let pab = "policies/storage/s3_bucket_public_access_block.rego";
    assert_eq!(judge(versioning, "aws_s3_bucket.a"), "pass");
    assert_eq!(judge(versioning, "aws_s3_bucket.b"), "fail");
    assert_eq!(
        judge(pab, "aws_s3_bucket.a"),
        "unknown",
        "the unresolved block may be a's"
    );
    assert_eq!(
        judge(pab, "aws_s3_bucket_public_access_block.x"),
        "fail",
        "it is incomplete wherever it applies"
    );
    assert_eq!(
        judge(
            "policies/network/sg_no_public_admin_ports.rego",
            "aws_security_group.g"
        ),
        "fail"
    );
}
