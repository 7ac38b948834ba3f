//! CloudFormation mappings for the data-store kinds: `AWS::DynamoDB::Table`,
//! `AWS::ElastiCache::ReplicationGroup`, and the RDS attributes the data-store rules read
//! (log exports, parameter group and whether it forces TLS, joined to
//! `AWS::RDS::DBParameterGroup` / `AWS::RDS::DBClusterParameterGroup` in the same template).
//! RDS snapshot sharing and the identity account facts are not expressible in CloudFormation.

use serde_json::Value;

use super::{arg, boolean, enum_str, string, strings, tags, Arg, Builder, Target, Template};
use crate::collect::cloudformation::CfnResource;
use crate::model::{unknown, Resource};

/// Parameters that force TLS.
const TLS_PARAMS: [&str; 2] = ["rds.force_ssl", "require_secure_transport"];

/// New data-store kinds, one resource per template resource.
pub(super) fn resources(all: &[&CfnResource]) -> Vec<Resource> {
    all.iter()
        .filter_map(|r| {
            let b = match r.resource_type.as_str() {
                "AWS::DynamoDB::Table" => dynamodb_table(r),
                "AWS::ElastiCache::ReplicationGroup" => elasticache(r),
                _ => return None,
            };
            Some(b.build())
        })
        .collect()
}

fn dynamodb_table(r: &CfnResource) -> Builder {
    let p = &r.properties;
    let mut b = Builder::new("aws.dynamodb.table", r);
    b.arg("name", string(p, "TableName"), "TableName");
    let pitr = match arg(p, "PointInTimeRecoverySpecification") {
        Arg::Absent => Value::Bool(false),
        Arg::Unknown(m) => m,
        Arg::Known(spec) => boolean(spec, "PointInTimeRecoveryEnabled", Some(false)),
    };
    b.arg(
        "point_in_time_recovery_enabled",
        pitr,
        "PointInTimeRecoverySpecification",
    );
    let sse = match arg(p, "SSESpecification") {
        Arg::Absent => Value::Bool(false),
        Arg::Unknown(m) => m,
        Arg::Known(spec) => boolean(spec, "SSEEnabled", Some(false)),
    };
    b.arg("sse_enabled", sse, "SSESpecification");
    b.arg("tags", tags(p), "Tags");
    b
}

fn elasticache(r: &CfnResource) -> Builder {
    let p = &r.properties;
    let mut b = Builder::new("aws.elasticache.replication_group", r);
    b.arg(
        "replication_group_id",
        string(p, "ReplicationGroupId"),
        "ReplicationGroupId",
    );
    let engine = match arg(p, "Engine") {
        Arg::Absent => Value::String("redis".into()),
        _ => enum_str(p, "Engine"),
    };
    b.arg("engine", engine.clone(), "Engine");
    b.arg(
        "engine_version",
        string(p, "EngineVersion"),
        "EngineVersion",
    );
    // The API defaults at-rest encryption to false for Redis OSS and true for Valkey.
    let at_rest = match (arg(p, "AtRestEncryptionEnabled"), engine.as_str()) {
        (Arg::Absent, Some("valkey")) => Value::Bool(true),
        (Arg::Absent, Some(_)) => Value::Bool(false),
        (Arg::Absent, None) => {
            unknown("the at-rest default depends on the engine, which is unknown")
        }
        _ => boolean(p, "AtRestEncryptionEnabled", None),
    };
    b.arg(
        "at_rest_encryption_enabled",
        at_rest,
        "AtRestEncryptionEnabled",
    );
    b.arg("kms_key_id", string(p, "KmsKeyId"), "KmsKeyId");
    b.arg(
        "transit_encryption_enabled",
        boolean(p, "TransitEncryptionEnabled", Some(false)),
        "TransitEncryptionEnabled",
    );
    b.arg(
        "transit_encryption_mode",
        enum_str(p, "TransitEncryptionMode"),
        "TransitEncryptionMode",
    );
    // Only whether a token is set is recorded, never the secret.
    let auth = match arg(p, "AuthToken") {
        Arg::Absent => Value::Bool(false),
        Arg::Unknown(m) => m,
        Arg::Known(Value::String(s)) => Value::Bool(!s.is_empty()),
        Arg::Known(other) => unknown(format!("`AuthToken` is not a string: {other}")),
    };
    b.arg("auth_token_enabled", auth, "AuthToken");
    b.arg("user_group_ids", strings(p, "UserGroupIds"), "UserGroupIds");
    b.arg("tags", tags(p), "Tags");
    b
}

/// Adds log exports, the parameter group and whether it forces TLS to the RDS resources
/// built from `all` (one root template).
pub(super) fn enrich_rds(all: &[&CfnResource], out: &mut [Resource]) {
    let of_type = |t: &str| -> Vec<&CfnResource> {
        all.iter()
            .copied()
            .filter(|r| r.resource_type == t)
            .collect()
    };
    let db_groups = of_type("AWS::RDS::DBParameterGroup");
    let cluster_groups = of_type("AWS::RDS::DBClusterParameterGroup");
    for res in out
        .iter_mut()
        .filter(|r| r.kind == "aws.rds.db_instance" || r.kind == "aws.rds.cluster")
    {
        let Some(r) = all.iter().find(|r| {
            r.address == res.address
                && matches!(
                    r.resource_type.as_str(),
                    "AWS::RDS::DBInstance" | "AWS::RDS::DBCluster"
                )
        }) else {
            continue;
        };
        let p = &r.properties;
        let member = r.resource_type == "AWS::RDS::DBInstance"
            && !matches!(arg(p, "DBClusterIdentifier"), Arg::Absent);
        let (exports, group, tls) = if member {
            (Value::Null, Value::Null, Value::Null)
        } else {
            let (key, groups) = if r.resource_type == "AWS::RDS::DBCluster" {
                ("DBClusterParameterGroupName", &cluster_groups)
            } else {
                ("DBParameterGroupName", &db_groups)
            };
            (
                strings(p, "EnableCloudwatchLogsExports"),
                string(p, key),
                tls_required(p.get(key), groups),
            )
        };
        if let Value::Object(map) = &mut res.attributes {
            map.insert("enabled_cloudwatch_logs_exports".into(), exports);
            map.insert("parameter_group_name".into(), group);
            map.insert("tls_required".into(), tls);
            if res.kind == "aws.rds.db_instance" {
                map.insert(
                    "replica_source".into(),
                    string(p, "SourceDBInstanceIdentifier"),
                );
            }
        }
    }
}

fn tls_required(value: Option<&Value>, groups: &[&CfnResource]) -> Value {
    match value {
        None | Some(Value::Null) => return Value::Null,
        Some(Value::String(s)) if s.starts_with("default.") => return Value::Null,
        _ => {}
    }
    // Groups have no name property of their own here: joins are by reference only.
    match Template::target(value, groups, "DBParameterGroupName") {
        Target::One(i) => match groups.get(i) {
            Some(g) => group_forces_tls(g),
            None => unknown("parameter group index out of range"),
        },
        Target::Outside => {
            unknown("the parameter group is not in this template, so its TLS setting is unknown")
        }
        Target::Unknown(reason) => unknown(format!("the parameter group is unknown: {reason}")),
    }
}

fn group_forces_tls(group: &CfnResource) -> Value {
    let params = match arg(&group.properties, "Parameters") {
        Arg::Absent => return Value::Null,
        Arg::Unknown(m) => return m,
        Arg::Known(Value::Object(map)) => map,
        Arg::Known(other) => return unknown(format!("`Parameters` is not a map: {other}")),
    };
    for (name, value) in params {
        if !TLS_PARAMS.contains(&name.to_ascii_lowercase().as_str()) {
            continue;
        }
        return match value {
            Value::String(s) if s.contains("${") => {
                unknown(format!("`{name}` is `{s}`, known only after deployment"))
            }
            Value::String(s) => Value::Bool(matches!(
                s.to_ascii_lowercase().as_str(),
                "1" | "on" | "true"
            )),
            Value::Number(n) => Value::Bool(n.as_i64() == Some(1)),
            Value::Bool(b) => Value::Bool(*b),
            other if crate::model::unknown_reason(other).is_some() => other.clone(),
            other => unknown(format!("`{name}` is not a parameter value: {other}")),
        };
    }
    Value::Null
}
