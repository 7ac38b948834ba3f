//! Logging kinds: `aws.cloudwatch.log_group`, `aws.config.recorder` (the recorder joined with
//! its status and the module's delivery channel), and the trail → bucket join that gives every
//! `aws.cloudtrail.trail` its `log_bucket`.
//!
//! Why the trail carries its bucket: a policy judges one resource, and "the trail's bucket is
//! not public" is a fact about two. Joining here (as S3's split resources are joined) keeps
//! policies single-resource and lets the log-bucket rules reuse the S3 rules on the bucket's
//! normalized attributes. A bucket that is not in the scanned configuration makes
//! `log_bucket` unknown, never a guess.

use serde_json::Value;

use super::refs::{self, Resolution};
use super::{arg, block, boolean, enum_str, integer, obj, string, strings, tags, Arg, Builder};
use crate::collect::terraform::TfInstance;
use crate::model::{unknown, Resource};

/// Builds the logging kinds declared in `managed`.
pub(super) fn resources(managed: &[&TfInstance]) -> Vec<Resource> {
    let mut out: Vec<Resource> = managed
        .iter()
        .filter(|i| i.resource_type == "aws_cloudwatch_log_group")
        .map(|inst| log_group(inst).build())
        .collect();
    out.extend(recorders(managed));
    out
}

fn log_group(inst: &TfInstance) -> Builder {
    let v = &inst.values;
    let mut b = Builder::new("aws.cloudwatch.log_group", inst);
    let name = match arg(v, "name") {
        Arg::Absent => unknown("log group name is generated at apply time"),
        _ => string(v, "name"),
    };
    b.arg("name", name, "name");
    // 0 (the provider default) means "never expire", the same as CloudFormation's omission.
    let retention = match integer(v, "retention_in_days") {
        Value::Number(n) if n.as_i64() == Some(0) => Value::Null,
        other => other,
    };
    b.arg("retention_in_days", retention, "retention_in_days");
    b.arg("kms_key_id", string(v, "kms_key_id"), "kms_key_id");
    b.arg(
        "log_group_class",
        enum_str(v, "log_group_class", None),
        "log_group_class",
    );
    b.arg("tags", tags(v), "tags");
    b
}

/// Recorders with their status (matched by name) and the delivery channel of their module.
fn recorders(managed: &[&TfInstance]) -> Vec<Resource> {
    let of_type = |t: &str| -> Vec<&TfInstance> {
        managed
            .iter()
            .copied()
            .filter(|i| i.resource_type == t)
            .collect()
    };
    let recorders = of_type("aws_config_configuration_recorder");
    let statuses = of_type("aws_config_configuration_recorder_status");
    let channels = of_type("aws_config_delivery_channel");
    // A recorder's name defaults to "default"; statuses name it literally or by reference.
    let names: Vec<Option<String>> = recorders
        .iter()
        .map(|r| match r.values.get("name") {
            None | Some(Value::Null) => Some("default".to_owned()),
            Some(Value::String(s)) => Some(s.clone()),
            _ => None,
        })
        .collect();
    let mut builders: Vec<Builder> = recorders
        .iter()
        .zip(&names)
        .map(|(inst, name)| {
            let v = &inst.values;
            let mut b = Builder::new("aws.config.recorder", inst);
            b.set("exists", Value::Bool(true));
            b.arg(
                "name",
                name.clone()
                    .map_or_else(|| string(v, "name"), Value::String),
                "name",
            );
            let (all, global, types) = match block(v, "recording_group") {
                Arg::Absent => (Value::Bool(true), Value::Bool(true), Value::Array(vec![])),
                Arg::Unknown(m) => (m.clone(), m.clone(), m),
                Arg::Known(g) => (
                    boolean(g, "all_supported", Some(true)),
                    boolean(g, "include_global_resource_types", Some(false)),
                    strings(g, "resource_types"),
                ),
            };
            b.arg("all_supported", all, "recording_group");
            b.arg("include_global_resource_types", global, "recording_group");
            b.arg("resource_types", types, "recording_group");
            b.set(
                "recording",
                unknown(
                    "the recorder is started by an aws_config_configuration_recorder_status \
                     that is not in the scanned configuration",
                ),
            );
            b.set(
                "last_status",
                unknown("the last recording status is known only live"),
            );
            b
        })
        .collect();

    for status in &statuses {
        match refs::resolve(
            status.values.get("name"),
            "name",
            status,
            &recorders,
            &["aws_config_configuration_recorder"],
            Some(&names),
        ) {
            Resolution::One(i) => {
                if let Some(b) = builders.get_mut(i) {
                    b.join(status);
                    b.set("recording", boolean(&status.values, "is_enabled", None));
                    b.locate("recording", status, "is_enabled");
                }
            }
            Resolution::Unresolved {
                candidates, reason, ..
            } => {
                for i in candidates {
                    if let Some(b) = builders.get_mut(i) {
                        b.join(status);
                        b.set(
                            "recording",
                            unknown(format!(
                                "{} may start this recorder: {reason}",
                                status.address
                            )),
                        );
                    }
                }
            }
        }
    }

    // One delivery channel per region: the channel declared beside the recorder (same module).
    for (b, inst) in builders.iter_mut().zip(&recorders) {
        let mine: Vec<&&TfInstance> = channels
            .iter()
            .filter(|c| c.module_chain == inst.module_chain)
            .collect();
        let channel = match mine.as_slice() {
            [] => unknown(
                "no aws_config_delivery_channel in the recorder's module; it may be declared elsewhere",
            ),
            [c] => {
                b.join(c);
                b.locate_block("delivery_channel", c);
                obj([
                    ("name", channel_name(&c.values)),
                    ("s3_bucket_name", string(&c.values, "s3_bucket_name")),
                    (
                        "last_status",
                        unknown("the last delivery status is known only live"),
                    ),
                ])
            }
            _ => unknown("several delivery channels are declared beside the recorder"),
        };
        b.set("delivery_channel", channel);
    }
    builders.into_iter().map(Builder::build).collect()
}

fn channel_name(v: &Value) -> Value {
    match arg(v, "name") {
        Arg::Absent => Value::String("default".into()),
        _ => string(v, "name"),
    }
}

/// Sets `log_bucket` on every trail: the normalized attributes of the bucket named by its
/// `s3_bucket_name`, or unknown when that bucket is not part of the scanned configuration.
pub(super) fn attach_trail_buckets(managed: &[&TfInstance], out: &mut [Resource]) {
    let buckets: Vec<&TfInstance> = managed
        .iter()
        .copied()
        .filter(|i| i.resource_type == "aws_s3_bucket")
        .collect();
    let names: Vec<Option<String>> = buckets
        .iter()
        .map(|b| match b.values.get("bucket") {
            Some(Value::String(s)) => Some(s.clone()),
            _ => None,
        })
        .collect();
    let trails: Vec<&TfInstance> = managed
        .iter()
        .copied()
        .filter(|i| i.resource_type == "aws_cloudtrail")
        .collect();
    for trail in trails {
        let value = match trail.values.get("s3_bucket_name") {
            None | Some(Value::Null) => Value::Null,
            given => match refs::resolve(
                given,
                "s3_bucket_name",
                trail,
                &buckets,
                &["aws_s3_bucket"],
                Some(&names),
            ) {
                Resolution::One(i) => buckets
                    .get(i)
                    .and_then(|b| {
                        out.iter()
                            .find(|r| r.kind == "aws.s3.bucket" && r.address == b.address)
                    })
                    .map_or_else(
                        || unknown("the trail's bucket was not normalized"),
                        |r| r.attributes.clone(),
                    ),
                Resolution::Unresolved { reason, .. } => {
                    unknown(format!("the trail's log bucket is not known: {reason}"))
                }
            },
        };
        if let Some(r) = out
            .iter_mut()
            .find(|r| r.kind == "aws.cloudtrail.trail" && r.address == trail.address)
        {
            if let Value::Object(map) = &mut r.attributes {
                map.insert("log_bucket".to_owned(), value);
            }
        }
    }
}
