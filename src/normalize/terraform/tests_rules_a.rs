//! Unit tests of the rules-a mappings (messaging, EFS, secrets, edge, threat detection)
//! with hand-built instances.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::normalize;
use crate::collect::terraform::{Mode, TfInstance};
use crate::model::{lookup, Resource};

fn inst(address: &str, values: Value) -> TfInstance {
    let (rtype, rest) = address.split_once('.').unwrap();
    TfInstance {
        mode: Mode::Managed,
        resource_type: rtype.to_owned(),
        name: rest.split('[').next().unwrap().to_owned(),
        address: address.to_owned(),
        module_chain: Vec::new(),
        file: "main.tf".into(),
        start_line: 1,
        end_line: 10,
        values,
        attribute_lines: BTreeMap::new(),
    }
}

fn find<'a>(rs: &'a [Resource], kind: &str, address: &str) -> &'a Resource {
    rs.iter()
        .find(|r| r.address == address && r.kind == kind)
        .unwrap_or_else(|| panic!("no {kind} {address} in {rs:#?}"))
}

fn attr<'a>(r: &'a Resource, path: &str) -> &'a Value {
    lookup(&r.attributes, path)
        .ok()
        .flatten()
        .unwrap_or(&Value::Null)
}

fn is_unknown(r: &Resource, path: &str) -> bool {
    lookup(&r.attributes, path).is_err()
}

#[test]
fn sqs_queue_policy_resource_is_joined_and_wins_over_inline() {
    let rs = normalize(&[
        inst(
            "aws_sqs_queue.q",
            json!({"name": "jobs", "policy": "{\"Statement\": []}", "sqs_managed_sse_enabled": false}),
        ),
        inst(
            "aws_sqs_queue_policy.p",
            json!({"queue_url": "${aws_sqs_queue.q.id}",
                   "policy": "{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"sqs:*\"}]}"}),
        ),
    ]);
    let q = find(&rs, "aws.sqs.queue", "aws_sqs_queue.q");
    assert_eq!(attr(q, "name"), &json!("jobs"));
    assert_eq!(attr(q, "fifo"), &json!(false));
    assert_eq!(attr(q, "sqs_managed_sse_enabled"), &json!(false));
    assert_eq!(attr(q, "kms_master_key_id"), &Value::Null);
    assert_eq!(attr(q, "policy.Statement.0.Principal"), &json!("*"));
    assert_eq!(q.provenance.joined, vec!["aws_sqs_queue_policy.p".to_owned()]);
    assert_eq!(rs.len(), 1, "the policy resource is folded in: {rs:#?}");
}

#[test]
fn sqs_defaults_and_generated_names() {
    let rs = normalize(&[inst("aws_sqs_queue.q", json!({"name_prefix": "jobs-"}))]);
    let q = find(&rs, "aws.sqs.queue", "aws_sqs_queue.q");
    assert!(is_unknown(q, "name"));
    // SSE-SQS is the service default when the source says nothing: null, not false.
    assert_eq!(attr(q, "sqs_managed_sse_enabled"), &Value::Null);
    assert_eq!(attr(q, "policy"), &Value::Null);
}

#[test]
fn policy_for_a_queue_outside_the_configuration_stands_in_for_it() {
    let rs = normalize(&[inst(
        "aws_sqs_queue_policy.p",
        json!({"queue_url": "https://sqs.eu-west-1.amazonaws.com/111122223333/other",
               "policy": "{\"Statement\": []}"}),
    )]);
    let q = find(&rs, "aws.sqs.queue", "aws_sqs_queue_policy.p");
    assert_eq!(attr(q, "policy"), &json!({"Statement": []}));
    assert!(is_unknown(q, "sqs_managed_sse_enabled"));
    assert!(is_unknown(q, "name"));
}

#[test]
fn ambiguous_queue_reference_makes_the_policy_unknown_on_each_candidate() {
    let rs = normalize(&[
        inst("aws_sqs_queue.q[0]", json!({"name": "a"})),
        inst("aws_sqs_queue.q[1]", json!({"name": "b"})),
        inst(
            "aws_sqs_queue_policy.p",
            json!({"queue_url": "${aws_sqs_queue.q[count.index].id}", "policy": "{}"}),
        ),
    ]);
    for a in ["aws_sqs_queue.q[0]", "aws_sqs_queue.q[1]"] {
        assert!(is_unknown(find(&rs, "aws.sqs.queue", a), "policy"), "{a}");
    }
}

#[test]
fn two_policies_for_one_topic_are_unknown() {
    let rs = normalize(&[
        inst("aws_sns_topic.t", json!({"name": "alerts"})),
        inst(
            "aws_sns_topic_policy.a",
            json!({"arn": "${aws_sns_topic.t.arn}", "policy": "{}"}),
        ),
        inst(
            "aws_sns_topic_policy.b",
            json!({"arn": "${aws_sns_topic.t.arn}", "policy": "{}"}),
        ),
    ]);
    let t = find(&rs, "aws.sns.topic", "aws_sns_topic.t");
    assert!(is_unknown(t, "policy"));
    assert_eq!(attr(t, "kms_master_key_id"), &Value::Null);
}

#[test]
fn efs_encryption_defaults_to_false() {
    let rs = normalize(&[
        inst("aws_efs_file_system.a", json!({"creation_token": "a"})),
        inst(
            "aws_efs_file_system.b",
            json!({"encrypted": true, "kms_key_id": "${aws_kms_key.k.arn}"}),
        ),
    ]);
    let a = find(&rs, "aws.efs.file_system", "aws_efs_file_system.a");
    assert_eq!(attr(a, "encrypted"), &json!(false));
    assert_eq!(attr(a, "name"), &json!("a"));
    let b = find(&rs, "aws.efs.file_system", "aws_efs_file_system.b");
    assert_eq!(attr(b, "encrypted"), &json!(true));
    assert!(is_unknown(b, "name"));
}
