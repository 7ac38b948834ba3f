//! Data stores beyond the RDS basics of the parent module: `aws.dynamodb.table`,
//! `aws.elasticache.replication_group`, `aws.rds.snapshot`, and the RDS attributes the
//! data-store rules read that need a join or a per-type mapping (log exports, parameter
//! group and whether it forces TLS).
//!
//! Invariant: [`enrich_rds`] writes `enabled_cloudwatch_logs_exports`, `parameter_group_name`
//! and `tls_required` (and `replica_source` on instances) on every Terraform
//! `aws.rds.db_instance` / `aws.rds.cluster` resource, so the kind schemas hold.

use serde_json::Value;

use super::refs::{self, Resolution};
use super::{arg, block, boolean, enum_str, string, strings, tags, Arg, Builder};
use crate::collect::terraform::TfInstance;
use crate::model::{unknown, Location, Resource};

/// Parameters that force TLS, and the values that mean "on".
const TLS_PARAMS: [&str; 2] = ["rds.force_ssl", "require_secure_transport"];

/// New data-store kinds, one resource per instance.
pub(super) fn resources(managed: &[&TfInstance]) -> Vec<Resource> {
    managed
        .iter()
        .filter_map(|inst| {
            let b = match inst.resource_type.as_str() {
                "aws_dynamodb_table" => dynamodb_table(inst),
                "aws_elasticache_replication_group" => elasticache(inst),
                "aws_db_snapshot" | "aws_db_cluster_snapshot" => snapshot(inst),
                _ => return None,
            };
            Some(b.build())
        })
        .collect()
}

fn dynamodb_table(inst: &TfInstance) -> Builder {
    let v = &inst.values;
    let mut b = Builder::new("aws.dynamodb.table", inst);
    b.arg("name", string(v, "name"), "name");
    let pitr = match block(v, "point_in_time_recovery") {
        Arg::Absent => Value::Bool(false),
        Arg::Unknown(m) => m,
        Arg::Known(p) => boolean(p, "enabled", Some(false)),
    };
    b.arg(
        "point_in_time_recovery_enabled",
        pitr,
        "point_in_time_recovery",
    );
    let sse = match block(v, "server_side_encryption") {
        Arg::Absent => Value::Bool(false),
        Arg::Unknown(m) => m,
        Arg::Known(p) => boolean(p, "enabled", Some(false)),
    };
    b.arg("sse_enabled", sse, "server_side_encryption");
    b.arg("tags", tags(v), "tags");
    b
}

fn elasticache(inst: &TfInstance) -> Builder {
    let v = &inst.values;
    let mut b = Builder::new("aws.elasticache.replication_group", inst);
    b.arg(
        "replication_group_id",
        string(v, "replication_group_id"),
        "replication_group_id",
    );
    let engine = enum_str(v, "engine", Some("redis"));
    b.arg("engine", engine.clone(), "engine");
    b.arg(
        "engine_version",
        string(v, "engine_version"),
        "engine_version",
    );
    // The provider defaults at-rest encryption to false for Redis OSS and true for Valkey.
    let at_rest = match (arg(v, "at_rest_encryption_enabled"), engine.as_str()) {
        (Arg::Absent, Some("valkey")) => Value::Bool(true),
        (Arg::Absent, Some(_)) => Value::Bool(false),
        (Arg::Absent, None) => {
            unknown("the at-rest default depends on the engine, which is unknown")
        }
        _ => boolean(v, "at_rest_encryption_enabled", None),
    };
    b.arg(
        "at_rest_encryption_enabled",
        at_rest,
        "at_rest_encryption_enabled",
    );
    b.arg("kms_key_id", string(v, "kms_key_id"), "kms_key_id");
    b.arg(
        "transit_encryption_enabled",
        boolean(v, "transit_encryption_enabled", Some(false)),
        "transit_encryption_enabled",
    );
    b.arg(
        "transit_encryption_mode",
        enum_str(v, "transit_encryption_mode", None),
        "transit_encryption_mode",
    );
    // The token itself is a secret: only whether one is set is recorded. A reference
    // (`${random_password.x.result}`) is known to be set.
    let auth = match arg(v, "auth_token") {
        Arg::Absent => Value::Bool(false),
        Arg::Unknown(m) => m,
        Arg::Known(Value::String(s)) => Value::Bool(!s.is_empty()),
        Arg::Known(other) => unknown(format!("`auth_token` is not a string: {other}")),
    };
    b.arg("auth_token_enabled", auth, "auth_token");
    b.arg(
        "user_group_ids",
        strings(v, "user_group_ids"),
        "user_group_ids",
    );
    b.arg("tags", tags(v), "tags");
    b
}

fn snapshot(inst: &TfInstance) -> Builder {
    let v = &inst.values;
    let cluster = inst.resource_type == "aws_db_cluster_snapshot";
    let id_key = if cluster {
        "db_cluster_snapshot_identifier"
    } else {
        "db_snapshot_identifier"
    };
    let mut b = Builder::new("aws.rds.snapshot", inst);
    b.arg("identifier", string(v, id_key), id_key);
    b.set("cluster", Value::Bool(cluster));
    b.arg(
        "shared_accounts",
        strings(v, "shared_accounts"),
        "shared_accounts",
    );
    b.arg("tags", tags(v), "tags");
    b
}

/// Adds the log-export, parameter-group and TLS attributes to the RDS resources built from
/// `managed`.
pub(super) fn enrich_rds(managed: &[&TfInstance], out: &mut [Resource]) {
    let db_groups: Vec<&TfInstance> = managed
        .iter()
        .copied()
        .filter(|i| i.resource_type == "aws_db_parameter_group")
        .collect();
    let cluster_groups: Vec<&TfInstance> = managed
        .iter()
        .copied()
        .filter(|i| i.resource_type == "aws_rds_cluster_parameter_group")
        .collect();
    for r in out
        .iter_mut()
        .filter(|r| r.kind == "aws.rds.db_instance" || r.kind == "aws.rds.cluster")
    {
        let Some(inst) = managed.iter().find(|i| i.address == r.address) else {
            continue;
        };
        let v = &inst.values;
        let (exports, group_key, groups, group_type) = match inst.resource_type.as_str() {
            "aws_db_instance" => (
                strings(v, "enabled_cloudwatch_logs_exports"),
                Some("parameter_group_name"),
                &db_groups,
                "aws_db_parameter_group",
            ),
            "aws_rds_cluster" => (
                strings(v, "enabled_cloudwatch_logs_exports"),
                Some("db_cluster_parameter_group_name"),
                &cluster_groups,
                "aws_rds_cluster_parameter_group",
            ),
            // A cluster member: logs and TLS are the cluster's settings.
            _ => (Value::Null, None, &db_groups, ""),
        };
        let (group, tls) = match group_key {
            None => (Value::Null, Value::Null),
            Some(key) => (string(v, key), tls_required(inst, key, groups, group_type)),
        };
        let mut set = |key: &str, value: Value, src: Option<&str>| {
            if let Value::Object(map) = &mut r.attributes {
                map.insert(key.to_owned(), value);
            }
            if let Some(&(start, end)) = src.and_then(|s| inst.attribute_lines.get(s)) {
                r.attribute_locations.insert(
                    key.to_owned(),
                    Location {
                        file: inst.file.clone(),
                        start_line: start,
                        end_line: end,
                    },
                );
            }
        };
        set(
            "enabled_cloudwatch_logs_exports",
            exports,
            Some("enabled_cloudwatch_logs_exports"),
        );
        set("parameter_group_name", group, group_key);
        set("tls_required", tls, group_key);
        if r.kind == "aws.rds.db_instance" {
            let source = if inst.resource_type == "aws_db_instance" {
                string(v, "replicate_source_db")
            } else {
                Value::Null
            };
            set("replica_source", source, Some("replicate_source_db"));
        }
    }
}

/// Whether the parameter group named by `key` forces TLS: `null` when nothing sets it
/// (the engine default applies), unknown when the group cannot be found or read.
fn tls_required(inst: &TfInstance, key: &str, groups: &[&TfInstance], group_type: &str) -> Value {
    let value = inst.values.get(key);
    match arg(&inst.values, key) {
        Arg::Absent => return Value::Null,
        Arg::Unknown(m) => return m,
        Arg::Known(Value::String(s)) if s.starts_with("default.") => return Value::Null,
        Arg::Known(_) => {}
    }
    let names: Vec<Option<String>> = groups
        .iter()
        .map(|g| {
            g.values
                .get("name")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .collect();
    match refs::resolve(value, key, inst, groups, &[group_type], Some(&names)) {
        Resolution::One(i) => match groups.get(i) {
            Some(g) => group_forces_tls(g),
            None => unknown("parameter group index out of range"),
        },
        Resolution::Unresolved { reason, .. } => unknown(format!(
            "the parameter group's TLS setting is not in the scanned configuration: {reason}"
        )),
    }
}

fn group_forces_tls(group: &TfInstance) -> Value {
    let params = match super::blocks(&group.values, "parameter") {
        Ok(p) => p,
        Err(m) => return m,
    };
    let mut result = Value::Null;
    for p in params {
        let name = match arg(p, "name") {
            Arg::Known(Value::String(n)) => n.to_ascii_lowercase(),
            Arg::Unknown(m) => {
                // An unknown parameter name might be the TLS one.
                if result.is_null() {
                    result = m;
                }
                continue;
            }
            _ => continue,
        };
        if !TLS_PARAMS.contains(&name.as_str()) {
            continue;
        }
        return match string(p, "value") {
            Value::String(s) if s.contains("${") => {
                unknown(format!("`{name}` is `{s}`, known only after apply"))
            }
            Value::String(s) => Value::Bool(matches!(
                s.to_ascii_lowercase().as_str(),
                "1" | "on" | "true"
            )),
            Value::Null => Value::Null,
            other => other,
        };
    }
    result
}
