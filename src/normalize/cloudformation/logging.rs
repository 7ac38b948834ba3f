//! CloudFormation mappings of the logging kinds, in the shapes of the Terraform adapter's
//! `logging` module: `aws.cloudwatch.log_group` and `aws.config.recorder` (joined with the
//! template's `AWS::Config::DeliveryChannel`).
//!
//! CloudFormation has no recorder-status resource: it starts the recorder as soon as the
//! delivery channel is available, so a recorder whose template declares its region's
//! delivery channel is recording; without one in the template, whether it records depends
//! on a channel declared elsewhere and is unknown (as the Terraform adapter leaves a
//! recorder without its status resource).

use serde_json::Value;

use super::{arg, boolean, integer, obj, string, strings, Arg, Builder, Read, Template};
use crate::model::{unknown, Resource};

/// Builds the logging kinds of one template.
pub(super) fn resources(t: &Template<'_>) -> Vec<Resource> {
    let mut out: Vec<Resource> = t
        .of_type("AWS::Logs::LogGroup")
        .into_iter()
        .map(|r| {
            let p = &r.properties;
            let mut b = Builder::new("aws.cloudwatch.log_group", r);
            b.props(
                p,
                &[
                    ("name", "LogGroupName", Read::Generated),
                    ("kms_key_id", "KmsKeyId", Read::Str),
                    ("log_group_class", "LogGroupClass", Read::Enum),
                    ("tags", "Tags", Read::Tags),
                ],
            );
            // Omitted retention means "never expire" (`null`, as Terraform's 0 is written).
            b.arg(
                "retention_in_days",
                integer(p, "RetentionInDays"),
                "RetentionInDays",
            );
            b.build()
        })
        .collect();
    out.extend(recorders(t));
    out
}

fn recorders(t: &Template<'_>) -> Vec<Resource> {
    let channels = t.of_type("AWS::Config::DeliveryChannel");
    t.of_type("AWS::Config::ConfigurationRecorder")
        .into_iter()
        .map(|r| {
            let p = &r.properties;
            let mut b = Builder::new("aws.config.recorder", r);
            b.set("exists", Value::Bool(true));
            // AWS Config names a recorder "default" when no name is given.
            let name = match arg(p, "Name") {
                Arg::Absent => Value::String("default".into()),
                _ => string(p, "Name"),
            };
            b.arg("name", name, "Name");
            // Without a recording group the recorder records all supported types; within
            // one, the API's defaults are false.
            let (all, global, types) = match arg(p, "RecordingGroup") {
                Arg::Absent => (Value::Bool(true), Value::Bool(true), Value::Array(vec![])),
                Arg::Unknown(m) => (m.clone(), m.clone(), m),
                Arg::Known(g) => (
                    boolean(g, "AllSupported", Some(false)),
                    boolean(g, "IncludeGlobalResourceTypes", Some(false)),
                    strings(g, "ResourceTypes"),
                ),
            };
            for (key, value, prop) in [
                ("all_supported", all, "AllSupported"),
                ("include_global_resource_types", global, "IncludeGlobalResourceTypes"),
                ("resource_types", types, "ResourceTypes"),
            ] {
                b.arg_in(
                    key,
                    value,
                    &["RecordingGroup", &format!("RecordingGroup.{prop}")],
                );
            }
            b.set(
                "last_status",
                unknown("the last recording status is known only live"),
            );
            let (recording, channel) = match channels.as_slice() {
                [] => (
                    unknown(
                        "CloudFormation starts the recorder once a delivery channel exists, \
                         and no AWS::Config::DeliveryChannel is in the template",
                    ),
                    unknown(
                        "no AWS::Config::DeliveryChannel in the template; it may be declared elsewhere",
                    ),
                ),
                [c] => {
                    b.join(c);
                    b.locate_block("delivery_channel", c);
                    b.locate_block("recording", c);
                    let cp = &c.properties;
                    let name = match arg(cp, "Name") {
                        Arg::Absent => Value::String("default".into()),
                        _ => string(cp, "Name"),
                    };
                    (
                        Value::Bool(true),
                        obj([
                            ("name", name),
                            ("s3_bucket_name", string(cp, "S3BucketName")),
                            (
                                "last_status",
                                unknown("the last delivery status is known only live"),
                            ),
                        ]),
                    )
                }
                _ => {
                    let m = unknown("several delivery channels are declared in the template");
                    (m.clone(), m)
                }
            };
            b.set("recording", recording);
            b.set("delivery_channel", channel);
            b.build()
        })
        .collect()
}
