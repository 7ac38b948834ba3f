//! CloudFormation mappings of the rules-a kinds: messaging (`aws.sqs.queue`,
//! `aws.sns.topic`), `aws.efs.file_system`, `aws.secretsmanager.secret`,
//! `aws.acm.certificate`, `aws.securityhub.hub`, `aws.macie2.session`, and the edge kinds
//! (see [`edge`](super::edge)).
//!
//! Joins follow the adapter's rules: a target outside the template is left alone; a
//! target that cannot be determined makes the joined attribute unknown on every target of
//! the kind that has not got it from a known join.

use serde_json::Value;

use super::{
    boolean, enum_str, integer, obj, policy_document, string, tags, Builder, CfnResource, Read,
    Target, Template,
};
use crate::model::{unknown, Resource};

/// Joins sub-resources into targets. `refs` lists the target references of one
/// sub-resource (a list property like `Queues`, or one property); `parts` are what it sets.
pub(super) fn join_into(
    builders: &mut [Builder],
    targets: &[&CfnResource],
    subs: &[&CfnResource],
    name_prop: &str,
    refs: impl Fn(&CfnResource) -> Vec<Option<Value>>,
    parts: impl Fn(&CfnResource) -> Vec<(&'static str, Value, &'static str)>,
) {
    let mut definite: Vec<(usize, &'static str)> = Vec::new();
    let mut maybe: Vec<(&'static str, String)> = Vec::new();
    for sub in subs {
        let contributed = parts(sub);
        for r in refs(sub) {
            match target_in(r.as_ref(), targets, name_prop) {
                Target::One(i) => {
                    let Some(b) = builders.get_mut(i) else {
                        continue;
                    };
                    b.join(sub);
                    for (key, value, src) in &contributed {
                        if definite.contains(&(i, key)) {
                            b.set(
                                key,
                                unknown(format!("`{key}` is set by more than one resource")),
                            );
                        } else {
                            b.set_at(key, value.clone(), sub, src);
                            definite.push((i, key));
                        }
                    }
                }
                Target::Outside => {}
                Target::Unknown(reason) => {
                    for (key, _, _) in &contributed {
                        maybe.push((
                            key,
                            format!("{} may configure this resource: {reason}", sub.address),
                        ));
                    }
                }
            }
        }
    }
    for (key, reason) in maybe {
        for (i, b) in builders.iter_mut().enumerate() {
            if !definite.contains(&(i, key)) {
                b.set(key, unknown(reason.clone()));
            }
        }
    }
}

/// [`Template::target`], plus a `!Sub` string that embeds exactly one target's reference
/// (`arn:aws:apigateway:${AWS::Region}::/restapis/${Api}/stages/${Stage}`).
pub(super) fn target_in(
    value: Option<&Value>,
    targets: &[&CfnResource],
    name_prop: &str,
) -> Target {
    if let Some(s) = value.and_then(Value::as_str) {
        if crate::collect::cloudformation::reference(s).is_none() && s.contains("${") {
            let hits: Vec<usize> = targets
                .iter()
                .enumerate()
                .filter(|(_, t)| {
                    s.contains(&format!("${{{}}}", t.address))
                        || s.contains(&format!("${{{}.", t.address))
                })
                .map(|(i, _)| i)
                .collect();
            if let [one] = hits.as_slice() {
                return Target::One(*one);
            }
        }
    }
    Template::target(value, targets, name_prop)
}

fn list(p: &Value, key: &str) -> Vec<Option<Value>> {
    match p.get(key) {
        Some(Value::Array(items)) => items.iter().cloned().map(Some).collect(),
        Some(other) => vec![Some(other.clone())],
        None => vec![None],
    }
}

fn policy_part(r: &CfnResource) -> Vec<(&'static str, Value, &'static str)> {
    vec![(
        "policy",
        policy_document(&r.properties, "PolicyDocument"),
        "PolicyDocument",
    )]
}

pub(super) fn messaging(t: &Template<'_>) -> Vec<Resource> {
    let queues = t.of_type("AWS::SQS::Queue");
    let mut qb: Vec<Builder> = queues
        .iter()
        .map(|r| {
            let p = &r.properties;
            let mut b = Builder::new("aws.sqs.queue", r);
            b.props(
                p,
                &[
                    ("name", "QueueName", Read::Generated),
                    ("fifo", "FifoQueue", Read::Bool(Some(false))),
                    (
                        "sqs_managed_sse_enabled",
                        "SqsManagedSseEnabled",
                        Read::Bool(None),
                    ),
                    ("kms_master_key_id", "KmsMasterKeyId", Read::Str),
                    ("tags", "Tags", Read::Tags),
                ],
            );
            b.set("policy", Value::Null);
            b
        })
        .collect();
    join_into(
        &mut qb,
        &queues,
        &t.of_type("AWS::SQS::QueuePolicy"),
        "QueueName",
        |r| list(&r.properties, "Queues"),
        policy_part,
    );
    let topics = t.of_type("AWS::SNS::Topic");
    let mut tb: Vec<Builder> = topics
        .iter()
        .map(|r| {
            let p = &r.properties;
            let mut b = Builder::new("aws.sns.topic", r);
            b.props(
                p,
                &[
                    ("name", "TopicName", Read::Generated),
                    ("kms_master_key_id", "KmsMasterKeyId", Read::Str),
                    ("tags", "Tags", Read::Tags),
                ],
            );
            b.set("policy", Value::Null);
            b
        })
        .collect();
    join_into(
        &mut tb,
        &topics,
        &t.of_type("AWS::SNS::TopicPolicy"),
        "TopicName",
        |r| list(&r.properties, "Topics"),
        policy_part,
    );
    join_into(
        &mut tb,
        &topics,
        &t.of_type("AWS::SNS::TopicInlinePolicy"),
        "TopicName",
        |r| vec![r.properties.get("TopicArn").cloned()],
        policy_part,
    );
    qb.into_iter().chain(tb).map(Builder::build).collect()
}

pub(super) fn efs(t: &Template<'_>) -> Vec<Resource> {
    t.of_type("AWS::EFS::FileSystem")
        .into_iter()
        .map(|r| {
            let p = &r.properties;
            let mut b = Builder::new("aws.efs.file_system", r);
            b.set("name", Value::Null);
            b.props(
                p,
                &[
                    ("encrypted", "Encrypted", Read::Bool(Some(false))),
                    ("kms_key_id", "KmsKeyId", Read::Str),
                ],
            );
            let file_tags = match p.get("FileSystemTags") {
                Some(v) => tags(&obj([("Tags", v.clone())])),
                None => Value::Null,
            };
            b.arg("tags", file_tags, "FileSystemTags");
            b.build()
        })
        .collect()
}

pub(super) fn secrets(t: &Template<'_>) -> Vec<Resource> {
    let secrets = t.of_type("AWS::SecretsManager::Secret");
    let mut sb: Vec<Builder> = secrets
        .iter()
        .map(|r| {
            let p = &r.properties;
            let mut b = Builder::new("aws.secretsmanager.secret", r);
            b.props(
                p,
                &[
                    ("name", "Name", Read::Generated),
                    ("kms_key_id", "KmsKeyId", Read::Str),
                ],
            );
            b.set("rotation_enabled", Value::Bool(false));
            for key in [
                "rotation_lambda",
                "rotation_interval_days",
                "rotation_schedule",
                "last_rotated_at",
                "last_changed_at",
                "observed_at",
            ] {
                b.set(key, Value::Null);
            }
            b.arg("tags", tags(p), "Tags");
            b
        })
        .collect();
    join_into(
        &mut sb,
        &secrets,
        &t.of_type("AWS::SecretsManager::RotationSchedule"),
        "Name",
        |r| vec![r.properties.get("SecretId").cloned()],
        |r| {
            let p = &r.properties;
            let (days, schedule) = match p.get("RotationRules") {
                Some(rules) => (
                    integer(rules, "AutomaticallyAfterDays"),
                    string(rules, "ScheduleExpression"),
                ),
                None => (
                    unknown("`RotationRules` is not set"),
                    unknown("`RotationRules` is not set"),
                ),
            };
            let lambda = match p.get("HostedRotationLambda") {
                Some(_) => Value::String("hosted".into()),
                None => string(p, "RotationLambdaARN"),
            };
            vec![
                ("rotation_enabled", Value::Bool(true), "SecretId"),
                ("rotation_lambda", lambda, "RotationLambdaARN"),
                ("rotation_interval_days", days, "RotationRules"),
                ("rotation_schedule", schedule, "RotationRules"),
            ]
        },
    );
    let certs = t
        .of_type("AWS::CertificateManager::Certificate")
        .into_iter()
        .map(|r| {
            let p = &r.properties;
            let mut b = Builder::new("aws.acm.certificate", r);
            b.arg("domain_name", string(p, "DomainName"), "DomainName");
            let private = p.get("CertificateAuthorityArn").is_some();
            b.set(
                "type",
                Value::String(if private { "PRIVATE" } else { "AMAZON_ISSUED" }.into()),
            );
            b.arg(
                "validation_method",
                enum_str(p, "ValidationMethod"),
                "ValidationMethod",
            );
            b.set("not_after", Value::Null);
            b.set("renewal_eligibility", Value::Null);
            b.set("observed_at", Value::Null);
            b.arg("tags", tags(p), "Tags");
            b
        });
    sb.into_iter().chain(certs).map(Builder::build).collect()
}

pub(super) fn threat(t: &Template<'_>) -> Vec<Resource> {
    let standards: Vec<Value> = {
        let mut s: Vec<Value> = t
            .of_type("AWS::SecurityHub::Standard")
            .into_iter()
            .map(|r| {
                obj([
                    ("arn", string(&r.properties, "StandardsArn")),
                    ("status", Value::Null),
                ])
            })
            .collect();
        s.sort_by_key(|v| v.get("arn").map(Value::to_string));
        s
    };
    let hubs = t.of_type("AWS::SecurityHub::Hub").into_iter().map(|r| {
        let mut b = Builder::new("aws.securityhub.hub", r);
        b.set("enabled", Value::Bool(true));
        b.arg(
            "default_standards_enabled",
            boolean(&r.properties, "EnableDefaultStandards", Some(true)),
            "EnableDefaultStandards",
        );
        b.set("standards", Value::Array(standards.clone()));
        for s in t.of_type("AWS::SecurityHub::Standard") {
            b.join(s);
        }
        b
    });
    let macie = t.of_type("AWS::Macie::Session").into_iter().map(|r| {
        let mut b = Builder::new("aws.macie2.session", r);
        let status = match enum_str(&r.properties, "Status") {
            Value::Null => Value::String("ENABLED".into()),
            other => other,
        };
        b.arg("status", status, "Status");
        b.set(
            "automated_discovery_status",
            unknown("automated sensitive data discovery is not a CloudFormation property; it is read live"),
        );
        b.set(
            "scheduled_job_count",
            unknown("Macie classification jobs are not CloudFormation resources; they are read live"),
        );
        b
    });
    hubs.chain(macie).map(Builder::build).collect()
}
