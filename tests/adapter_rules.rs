//! The Terraform adapter's output is what the rules expect, through the real engine: a v4
//! bucket joined from split resources is judged on the joined values, and an unresolved join
//! is unknown, not a pass.

#![allow(clippy::unwrap_used, clippy::panic)]

use serde_json::{json, Value};
use vouch::engine::PolicySet;
use vouch::model::Snapshot;

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
        existence_unknown: None,
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
    let policies = PolicySet::load(&[], &Default::default()).unwrap();
    let snapshot = Snapshot {
        resources,
        ..Snapshot::default()
    };
    let result = vouch::scan::judge(&snapshot, &policies, &Default::default());
    let judge = |rule: &str, address: &str| {
        let o = result
            .outcomes
            .iter()
            .find(|o| o.rule_id == rule && o.resource.address == address)
            .unwrap_or_else(|| panic!("no {rule} outcome for {address}"));
        o.status.as_str()
    };
    let versioning = "s3-bucket-versioning";
    let pab = "s3-bucket-public-access-block";
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
        judge("sg-no-public-admin-ports", "aws_security_group.g"),
        "fail"
    );
}
