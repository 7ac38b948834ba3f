//! Parity: one estate written as CloudFormation (`fixtures/cloudformation/parity.yaml`) and as
//! a Terraform plan (`fixtures/plan/parity/tfplan.json`) gets the same verdict from every
//! built-in rule, evaluated by the real engine.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::Path;

use vouch::engine::{evaluate, PolicySet};
use vouch::model::Resource;

/// (rule id, resource short name) → outcome, from the real engine and built-in rules.
fn verdicts(resources: &[Resource]) -> BTreeMap<(String, String), String> {
    let policies = PolicySet::load(&[], &Default::default()).expect("built-in policies load");
    evaluate(&policies, resources, &BTreeMap::new())
        .into_iter()
        .map(|o| {
            let short = o.resource.address.rsplit('.').next().unwrap().to_owned();
            ((o.rule_id, short), o.status.to_string())
        })
        .collect()
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
            differences.push((key.clone(), a.cloned(), b.cloned()));
        }
    }
    assert!(
        differences.is_empty(),
        "CloudFormation vs plan verdicts differ:\n{differences:#?}"
    );
    // And the verdicts are the expected ones, not merely equal.
    let v = |rule: &str, name: &str| {
        cfn.get(&(rule.to_owned(), name.to_owned()))
            .map(String::as_str)
    };
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
