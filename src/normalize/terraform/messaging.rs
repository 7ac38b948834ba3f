//! `aws.sqs.queue` and `aws.sns.topic`: queues and topics with their access policies
//! (`aws_sqs_queue_policy`, `aws_sns_topic_policy`) joined in. A policy resource wins over
//! the inline `policy` argument, as the provider applies it last.

use serde_json::Value;

use super::joins::{attach, Join};
use super::{arg, boolean, policy_document, string, tags, Arg, Builder};
use crate::collect::terraform::TfInstance;
use crate::model::{unknown, Resource};

const QUEUE_KEYS: [&str; 6] = [
    "name",
    "fifo",
    "policy",
    "sqs_managed_sse_enabled",
    "kms_master_key_id",
    "tags",
];

const TOPIC_KEYS: [&str; 4] = ["name", "policy", "kms_master_key_id", "tags"];

fn name(v: &Value) -> Value {
    match arg(v, "name") {
        Arg::Absent => unknown("the name is generated at apply time"),
        _ => string(v, "name"),
    }
}

fn queue(inst: &TfInstance) -> Builder {
    let v = &inst.values;
    let mut b = Builder::new("aws.sqs.queue", inst);
    b.arg("name", name(v), "name");
    b.arg("fifo", boolean(v, "fifo_queue", Some(false)), "fifo_queue");
    b.arg("policy", policy_document(v, "policy"), "policy");
    b.arg(
        "sqs_managed_sse_enabled",
        boolean(v, "sqs_managed_sse_enabled", None),
        "sqs_managed_sse_enabled",
    );
    b.arg(
        "kms_master_key_id",
        string(v, "kms_master_key_id"),
        "kms_master_key_id",
    );
    b.arg("tags", tags(v), "tags");
    b
}

fn topic(inst: &TfInstance) -> Builder {
    let v = &inst.values;
    let mut b = Builder::new("aws.sns.topic", inst);
    b.arg("name", name(v), "name");
    b.arg("policy", policy_document(v, "policy"), "policy");
    b.arg(
        "kms_master_key_id",
        string(v, "kms_master_key_id"),
        "kms_master_key_id",
    );
    b.arg("tags", tags(v), "tags");
    b
}

/// (target type, policy resource type, its target argument, kind, kind keys, builder).
type Family = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    fn(&TfInstance) -> Builder,
);

fn policy_part(inst: &TfInstance) -> Vec<(&'static str, Value, &'static str)> {
    vec![("policy", policy_document(&inst.values, "policy"), "policy")]
}

/// Every queue and topic, with policies joined.
pub(super) fn resources(managed: &[&TfInstance]) -> Vec<Resource> {
    let mut out = Vec::new();
    let kinds: [Family; 2] = [
        (
            "aws_sqs_queue",
            "aws_sqs_queue_policy",
            "queue_url",
            "aws.sqs.queue",
            &QUEUE_KEYS,
            queue,
        ),
        (
            "aws_sns_topic",
            "aws_sns_topic_policy",
            "arn",
            "aws.sns.topic",
            &TOPIC_KEYS,
            topic,
        ),
    ];
    for (target_type, sub_type, key, kind, kind_keys, build) in kinds {
        let targets: Vec<&TfInstance> = managed
            .iter()
            .copied()
            .filter(|i| i.resource_type == target_type)
            .collect();
        let mut builders: Vec<Builder> = targets.iter().map(|t| build(t)).collect();
        let join = Join {
            sub_type,
            key,
            target_types: &[target_type],
            kind,
            kind_keys,
        };
        let outside = attach(&join, managed, &targets, &mut builders, policy_part);
        out.extend(builders.into_iter().chain(outside).map(Builder::build));
    }
    out
}
