//! Parity: one estate written as CloudFormation (`fixtures/cloudformation/parity.yaml`) and as
//! a Terraform plan (`fixtures/plan/parity/tfplan.json`) gets the same verdict from every
//! built-in rule. Rules are evaluated with regorus directly, with the outcome logic of
//! `docs/policies.md` (stand-in until the engine lands on this branch).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use vouch::model::Resource;

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

fn eval(engine: &mut regorus::Engine, rule: &str) -> Value {
    serde_json::to_value(engine.eval_rule(rule.to_owned()).unwrap()).unwrap()
}

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

/// (rule id, resource short name) → outcome.
fn verdicts(resources: &[Resource]) -> BTreeMap<(String, String), &'static str> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let lib = std::fs::read_to_string(root.join("policies/lib/vouch.rego")).unwrap();
    let mut files = Vec::new();
    rule_files(&root.join("policies"), &mut files);
    files.sort();
    let mut out = BTreeMap::new();
    for file in &files {
        let stem = file.file_stem().unwrap().to_str().unwrap().to_owned();
        let mut base = regorus::Engine::new();
        base.add_policy("policies/lib/vouch.rego".into(), lib.clone())
            .unwrap();
        base.add_policy(
            file.display().to_string(),
            std::fs::read_to_string(file).unwrap(),
        )
        .unwrap();
        let pkg = format!("data.vouch.rules.{stem}");
        let meta = eval(&mut base.clone(), &format!("{pkg}.metadata"));
        let id = meta["id"].as_str().unwrap().to_owned();
        let kinds: Vec<&str> = meta["kinds"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let inputs = meta["inputs"].as_array().cloned().unwrap();
        for r in resources
            .iter()
            .filter(|r| kinds.contains(&r.kind.as_str()))
        {
            let mut engine = base.clone();
            engine
                .add_data(regorus::Value::from(
                    json!({"vouch": {"params": {id.clone(): {}}}}),
                ))
                .unwrap();
            engine.set_input(regorus::Value::from(r.attributes.clone()));
            let deny = eval(&mut engine, &format!("{pkg}.deny"));
            let unknown = eval(&mut engine, &format!("{pkg}.unknown"));
            let short = r.address.rsplit('.').next().unwrap().to_owned();
            out.insert(
                (id.clone(), short),
                outcome(&r.attributes, &deny, &unknown, &inputs),
            );
        }
    }
    out
}

#[test]
fn cloudformation_and_plan_get_the_same_verdicts() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let cfn = vouch::collect::cloudformation::load(
        &[root.join("cloudformation/parity.yaml")],
        &vouch::collect::cloudformation::CfnOptions::default(),
    );
    assert!(cfn.diagnostics.is_empty(), "{:?}", cfn.diagnostics);
    let cfn = verdicts(&vouch::normalize::cloudformation::normalize(&cfn.resources));
    let plan = vouch::collect::plan::load(
        &[root.join("plan/parity/tfplan.json")],
        &vouch::collect::plan::PlanOptions::default(),
    );
    assert!(plan.diagnostics.is_empty(), "{:?}", plan.diagnostics);
    let tf = verdicts(&vouch::normalize::terraform::normalize(&plan.instances));

    let mut differences = Vec::new();
    for key in cfn.keys().chain(tf.keys()) {
        let (a, b) = (cfn.get(key), tf.get(key));
        if a != b && !differences.iter().any(|(k, _, _)| k == key) {
            differences.push((key.clone(), a.copied(), b.copied()));
        }
    }
    assert!(
        differences.is_empty(),
        "CloudFormation vs plan verdicts differ:\n{differences:#?}"
    );
    // And the verdicts are the expected ones, not merely equal.
    let v = |rule: &str, name: &str| cfn.get(&(rule.to_owned(), name.to_owned())).copied();
    assert_eq!(v("s3-bucket-no-public-grants", "open"), Some("fail"));
    assert_eq!(v("s3-bucket-no-public-grants", "closed"), Some("pass"));
    assert_eq!(v("s3-bucket-versioning", "closed"), Some("pass"));
    assert_eq!(v("s3-bucket-versioning", "open"), Some("fail"));
    assert_eq!(v("sg-no-public-admin-ports", "sshopen"), Some("fail"));
    assert_eq!(v("sg-no-public-admin-ports", "httpsprivate"), Some("pass"));
    assert_eq!(v("kms-key-rotation-enabled", "weak"), Some("fail"));
    assert_eq!(v("rds-storage-encrypted", "plaindb"), Some("fail"));
    assert_eq!(v("rds-storage-encrypted", "db"), Some("pass"));
    assert_eq!(v("ebs-encryption", "vol"), Some("fail"));
    assert!(cfn.len() >= 20, "{cfn:#?}");
}
