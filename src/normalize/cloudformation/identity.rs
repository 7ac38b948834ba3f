//! `aws.iam.policy_attachment` from CloudFormation, in the shape of the Terraform adapter's
//! attachment resources: one per `AWS::IAM::ManagedPolicy` that lists `Users`, `Groups` or
//! `Roles` (its `Ref` is its ARN), and one per entry of the `ManagedPolicyArns` of an
//! `AWS::IAM::User`, `Group` or `Role` (the equivalent of `aws_iam_user_policy_attachment`
//! and its peers; address `User.ManagedPolicyArns.<i>`).
//!
//! A `ManagedPolicyArns` list that cannot be determined gives one attachment whose policy is
//! unknown and, for a user, whose `users` is unknown: the user may have direct attachments.

use serde_json::Value;

use super::{arg, string, Arg, Builder, Read, Template};
use crate::model::{unknown, unknown_reason, Resource};

const PLURALS: [(&str, &str); 3] = [("users", "Users"), ("groups", "Groups"), ("roles", "Roles")];

/// Builds the attachments of one template.
pub(super) fn resources(t: &Template<'_>) -> Vec<Resource> {
    let mut out = Vec::new();
    for r in t.all {
        let p = &r.properties;
        match r.resource_type.as_str() {
            "AWS::IAM::ManagedPolicy" => {
                if PLURALS
                    .iter()
                    .all(|(_, prop)| matches!(arg(p, prop), Arg::Absent))
                {
                    continue;
                }
                let mut b = Builder::new("aws.iam.policy_attachment", r);
                b.set("policy_arn", Value::String(format!("${{{}}}", r.address)));
                b.props(
                    p,
                    &[
                        ("users", "Users", Read::Strings),
                        ("groups", "Groups", Read::Strings),
                        ("roles", "Roles", Read::Strings),
                    ],
                );
                out.push(b.build());
            }
            "AWS::IAM::User" | "AWS::IAM::Group" | "AWS::IAM::Role" => {
                let (attr, name_key) = match r.resource_type.as_str() {
                    "AWS::IAM::User" => ("users", "UserName"),
                    "AWS::IAM::Group" => ("groups", "GroupName"),
                    _ => ("roles", "RoleName"),
                };
                // Unnamed identities are named by their reference, as inline policies are.
                let identity = match arg(p, name_key) {
                    Arg::Absent => Value::String(format!("${{{}}}", r.address)),
                    _ => string(p, name_key),
                };
                let arns: Vec<(String, Value, Value)> = match arg(p, "ManagedPolicyArns") {
                    Arg::Absent => continue,
                    Arg::Unknown(m) => {
                        let reason = unknown_reason(&m).unwrap_or_default().to_owned();
                        let members = unknown(format!(
                            "the managed policies of {} are not known: {reason}",
                            r.address
                        ));
                        vec![("ManagedPolicyArns".to_owned(), m, members)]
                    }
                    Arg::Known(Value::Array(items)) => items
                        .iter()
                        .enumerate()
                        .filter(|(_, v)| !v.is_null())
                        .map(|(i, v)| {
                            let arn = match v {
                                Value::String(_) => v.clone(),
                                _ if unknown_reason(v).is_some() => v.clone(),
                                other => unknown(format!("policy ARN is not a string: {other}")),
                            };
                            (
                                format!("ManagedPolicyArns.{i}"),
                                arn,
                                Value::Array(vec![identity.clone()]),
                            )
                        })
                        .collect(),
                    Arg::Known(other) => {
                        let m = unknown(format!("`ManagedPolicyArns` is not a list: {other}"));
                        vec![("ManagedPolicyArns".to_owned(), m.clone(), m)]
                    }
                };
                for (src, arn, members) in arns {
                    let mut b = Builder::new("aws.iam.policy_attachment", r);
                    b.address = format!("{}.{src}", r.address);
                    b.arg("policy_arn", arn, &src);
                    for (plural, _) in PLURALS {
                        if plural == attr {
                            b.arg(plural, members.clone(), &src);
                        } else {
                            b.set(plural, Value::Array(Vec::new()));
                        }
                    }
                    if let Some(&(s, e)) = r.property_lines.get(&src) {
                        b.location.start_line = s;
                        b.location.end_line = e;
                    }
                    out.push(b.build());
                }
            }
            _ => {}
        }
    }
    out
}
