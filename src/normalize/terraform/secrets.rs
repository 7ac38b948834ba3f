//! Keys and secrets beyond KMS: `aws.secretsmanager.secret` (`aws_secretsmanager_secret`
//! with `aws_secretsmanager_secret_rotation` joined by `secret_id`) and
//! `aws.acm.certificate` (`aws_acm_certificate`).
//!
//! Run-time facts (last rotation, expiry dates) exist only live: IaC leaves them null, or
//! unknown where the rule needs them and only the live service could say (the expiry of an
//! imported certificate is inside its body).

use serde_json::Value;

use super::joins::{attach, Join};
use super::{arg, block, enum_str, integer, string, tags, Arg, Builder};
use crate::collect::terraform::TfInstance;
use crate::model::{unknown, Resource};

const SECRET_KEYS: [&str; 10] = [
    "name",
    "kms_key_id",
    "rotation_enabled",
    "rotation_lambda",
    "rotation_interval_days",
    "rotation_schedule",
    "last_rotated_at",
    "last_changed_at",
    "observed_at",
    "tags",
];

fn secret(inst: &TfInstance) -> Builder {
    let v = &inst.values;
    let mut b = Builder::new("aws.secretsmanager.secret", inst);
    let name = match arg(v, "name") {
        Arg::Absent => unknown("the name is generated at apply time"),
        _ => string(v, "name"),
    };
    b.arg("name", name, "name");
    b.arg("kms_key_id", string(v, "kms_key_id"), "kms_key_id");
    // Without a rotation resource the secret does not rotate.
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
    b.arg("tags", tags(v), "tags");
    b
}

fn rotation_parts(inst: &TfInstance) -> Vec<(&'static str, Value, &'static str)> {
    let v = &inst.values;
    let (days, schedule) = match block(v, "rotation_rules") {
        Arg::Absent => (
            unknown("`rotation_rules` is not set"),
            unknown("`rotation_rules` is not set"),
        ),
        Arg::Unknown(m) => (m.clone(), m),
        Arg::Known(r) => (
            integer(r, "automatically_after_days"),
            string(r, "schedule_expression"),
        ),
    };
    vec![
        ("rotation_enabled", Value::Bool(true), "secret_id"),
        (
            "rotation_lambda",
            string(v, "rotation_lambda_arn"),
            "rotation_lambda_arn",
        ),
        (
            "rotation_interval_days",
            days,
            "rotation_rules.0.automatically_after_days",
        ),
        (
            "rotation_schedule",
            schedule,
            "rotation_rules.0.schedule_expression",
        ),
    ]
}

fn certificate(inst: &TfInstance) -> Builder {
    let v = &inst.values;
    let mut b = Builder::new("aws.acm.certificate", inst);
    b.arg("domain_name", string(v, "domain_name"), "domain_name");
    let imported = !matches!(arg(v, "certificate_body"), Arg::Absent);
    let private = !matches!(arg(v, "certificate_authority_arn"), Arg::Absent);
    let kind = if imported {
        "IMPORTED"
    } else if private {
        "PRIVATE"
    } else {
        "AMAZON_ISSUED"
    };
    b.set("type", Value::String(kind.into()));
    b.arg(
        "validation_method",
        enum_str(v, "validation_method", None),
        "validation_method",
    );
    b.set(
        "not_after",
        if imported {
            unknown("the expiry of an imported certificate is in its body; it is read live")
        } else {
            Value::Null
        },
    );
    b.set("renewal_eligibility", Value::Null);
    b.set("observed_at", Value::Null);
    b.arg("tags", tags(v), "tags");
    b
}

/// Every secret (rotation joined) and certificate.
pub(super) fn resources(managed: &[&TfInstance]) -> Vec<Resource> {
    let targets: Vec<&TfInstance> = managed
        .iter()
        .copied()
        .filter(|i| i.resource_type == "aws_secretsmanager_secret")
        .collect();
    let mut builders: Vec<Builder> = targets.iter().map(|t| secret(t)).collect();
    let join = Join {
        sub_type: "aws_secretsmanager_secret_rotation",
        key: "secret_id",
        target_types: &["aws_secretsmanager_secret"],
        kind: "aws.secretsmanager.secret",
        kind_keys: &SECRET_KEYS,
    };
    let mut outside = attach(&join, managed, &targets, &mut builders, rotation_parts);
    // Rotation history is run-time state no IaC source has: null for a stand-in secret
    // too, as for a declared one (the live collector fills it).
    for b in &mut outside {
        for key in ["last_rotated_at", "last_changed_at", "observed_at"] {
            b.set(key, Value::Null);
        }
    }
    let certs = managed
        .iter()
        .filter(|i| i.resource_type == "aws_acm_certificate")
        .map(|i| certificate(i));
    builders
        .into_iter()
        .chain(outside)
        .chain(certs)
        .map(Builder::build)
        .collect()
}
