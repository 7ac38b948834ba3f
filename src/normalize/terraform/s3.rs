//! `aws.s3.bucket`: `aws_s3_bucket` (with the legacy provider v3 inline arguments) joined
//! with the provider v4+ split resources `aws_s3_bucket_*`.
//!
//! Precedence for each joined attribute: a split resource resolved to the bucket, then
//! "unknown" when an unresolved split resource might configure it, then the bucket's own
//! inline (v3) argument, then `null` (not configured). The split resource wins over the
//! inline argument because that is what the provider applies last.

use std::collections::BTreeMap;

use serde_json::Value;

use super::refs::{self, Resolution};
use super::{
    arg, block, blocks, boolean, enum_str, integer, obj, policy_document, string, tags, Arg,
    Builder,
};
use crate::collect::terraform::TfInstance;
use crate::model::{unknown, Resource};

/// The four Block Public Access switches, same names in Terraform and the normalized shape.
pub(super) const PAB_KEYS: [&str; 4] = [
    "block_public_acls",
    "block_public_policy",
    "ignore_public_acls",
    "restrict_public_buckets",
];

/// Every attribute of the kind, in schema order.
const KEYS: [&str; 11] = [
    "name",
    "encryption",
    "public_access_block",
    "acl",
    "object_ownership",
    "policy",
    "policy_is_public",
    "versioning",
    "logging",
    "object_lock",
    "tags",
];

/// A normalized attribute produced by one source block, with the source paths of its parts.
struct Part {
    key: &'static str,
    value: Value,
    /// (normalized path, source path in the instance's values).
    locations: Vec<(String, String)>,
}

impl Part {
    fn new(key: &'static str, value: Value) -> Self {
        Self {
            key,
            value,
            locations: Vec::new(),
        }
    }

    fn at(mut self, path: &str, src: impl Into<String>) -> Self {
        let path = if path.is_empty() {
            self.key.to_owned()
        } else {
            format!("{}.{path}", self.key)
        };
        self.locations.push((path, src.into()));
        self
    }
}

fn apply(b: &mut Builder, part: &Part, inst: &TfInstance) {
    b.set(part.key, part.value.clone());
    // The whole attribute points at the sub-resource block unless a finer line is known.
    if inst.address != b.address {
        b.locate_block(part.key, inst);
    }
    for (path, src) in &part.locations {
        b.locate(path, inst, src);
    }
}

/// Parts from the split resources; empty for types that are not S3 bucket sub-resources.
fn sub_parts(inst: &TfInstance) -> Vec<Part> {
    let v = &inst.values;
    match inst.resource_type.as_str() {
        "aws_s3_bucket_server_side_encryption_configuration" => vec![encryption(v, "")],
        "aws_s3_bucket_public_access_block" => {
            let mut part = Part::new(
                "public_access_block",
                obj(PAB_KEYS.map(|k| (k, boolean(v, k, Some(false))))),
            );
            for k in PAB_KEYS {
                part = part.at(k, k);
            }
            vec![part]
        }
        "aws_s3_bucket_acl" => vec![acl_v4(v)],
        "aws_s3_bucket_policy" => {
            vec![Part::new("policy", policy_document(v, "policy")).at("", "policy")]
        }
        "aws_s3_bucket_versioning" => vec![versioning_v4(v)],
        "aws_s3_bucket_logging" => vec![Part::new(
            "logging",
            obj([
                ("enabled", Value::Bool(true)),
                ("target_bucket", string(v, "target_bucket")),
                ("target_prefix", string(v, "target_prefix")),
            ]),
        )
        .at("target_bucket", "target_bucket")
        .at("target_prefix", "target_prefix")],
        "aws_s3_bucket_object_lock_configuration" => vec![object_lock(v, "", true)],
        "aws_s3_bucket_ownership_controls" => {
            let value = match block(v, "rule") {
                Arg::Absent => Value::Null,
                Arg::Unknown(m) => m,
                Arg::Known(rule) => enum_str(rule, "object_ownership", None),
            };
            vec![Part::new("object_ownership", value).at("", "rule.0.object_ownership")]
        }
        _ => Vec::new(),
    }
}

/// `encryption` from a value holding `rule` blocks; `prefix` is the source path of that value.
fn encryption(v: &Value, prefix: &str) -> Part {
    let rules = match blocks(v, "rule") {
        Err(m) => return Part::new("encryption", m).at("", format!("{prefix}rule")),
        Ok(rules) => rules,
    };
    // S3 applies one default; the first rule that sets one is it.
    let chosen = rules
        .iter()
        .position(|r| {
            !matches!(
                block(r, "apply_server_side_encryption_by_default"),
                Arg::Absent
            )
        })
        .or(if rules.is_empty() { None } else { Some(0) });
    let Some(i) = chosen else {
        return Part::new("encryption", Value::Null);
    };
    let Some(rule) = rules.get(i) else {
        return Part::new("encryption", Value::Null);
    };
    let rule_path = format!("{prefix}rule.{i}");
    let default_path = format!("{rule_path}.apply_server_side_encryption_by_default.0");
    let (algorithm, key) = match block(rule, "apply_server_side_encryption_by_default") {
        Arg::Absent => (Value::Null, Value::Null),
        Arg::Unknown(m) => (m.clone(), m),
        Arg::Known(d) => (
            enum_str(d, "sse_algorithm", None),
            string(d, "kms_master_key_id"),
        ),
    };
    Part::new(
        "encryption",
        obj([
            ("sse_algorithm", algorithm),
            ("kms_master_key_id", key),
            (
                "bucket_key_enabled",
                boolean(rule, "bucket_key_enabled", None),
            ),
        ]),
    )
    .at("", rule_path.clone())
    .at("sse_algorithm", format!("{default_path}.sse_algorithm"))
    .at(
        "kms_master_key_id",
        format!("{default_path}.kms_master_key_id"),
    )
    .at(
        "bucket_key_enabled",
        format!("{rule_path}.bucket_key_enabled"),
    )
}

fn grant(grantee_type: Value, uri: Value, id: Value, permission: Value) -> Value {
    obj([
        ("grantee_type", grantee_type),
        ("grantee_uri", uri),
        ("grantee_id", id),
        ("permission", permission),
    ])
}

fn acl_v4(v: &Value) -> Part {
    let canned = enum_str(v, "acl", None);
    let grants = match block(v, "access_control_policy") {
        Arg::Absent => Value::Array(Vec::new()),
        Arg::Unknown(m) => m,
        Arg::Known(policy) => match blocks(policy, "grant") {
            Err(m) => m,
            Ok(list) => Value::Array(
                list.into_iter()
                    .map(|g| match block(g, "grantee") {
                        Arg::Absent => unknown("grant without grantee"),
                        Arg::Unknown(m) => m,
                        Arg::Known(grantee) => {
                            let id = match arg(grantee, "id") {
                                Arg::Absent => string(grantee, "email_address"),
                                _ => string(grantee, "id"),
                            };
                            grant(
                                enum_str(grantee, "type", None),
                                string(grantee, "uri"),
                                id,
                                enum_str(g, "permission", None),
                            )
                        }
                    })
                    .collect(),
            ),
        },
    };
    Part::new("acl", obj([("canned", canned), ("grants", grants)]))
        .at("canned", "acl")
        .at("grants", "access_control_policy.0.grant")
}

fn versioning_v4(v: &Value) -> Part {
    let value = match block(v, "versioning_configuration") {
        Arg::Absent => Value::Null,
        Arg::Unknown(m) => m,
        Arg::Known(cfg) => {
            let enabled = match enum_str(cfg, "status", None) {
                Value::String(s) => Value::Bool(s == "Enabled"),
                Value::Null => unknown("`status` is not set"),
                other => other,
            };
            let mfa = match enum_str(cfg, "mfa_delete", None) {
                Value::String(s) => Value::Bool(s == "Enabled"),
                other => other,
            };
            obj([("enabled", enabled), ("mfa_delete", mfa)])
        }
    };
    Part::new("versioning", value)
        .at("enabled", "versioning_configuration.0.status")
        .at("mfa_delete", "versioning_configuration.0.mfa_delete")
}

/// `object_lock` from a value holding `object_lock_enabled` ("Enabled") and `rule` blocks.
fn object_lock(v: &Value, prefix: &str, default_enabled: bool) -> Part {
    let enabled = match enum_str(v, "object_lock_enabled", None) {
        Value::Null => Value::Bool(default_enabled),
        Value::String(s) => Value::Bool(s == "Enabled"),
        other => other,
    };
    let retention_path = format!("{prefix}rule.0.default_retention.0");
    let (mode, days, years) = match block(v, "rule") {
        Arg::Absent => (Value::Null, Value::Null, Value::Null),
        Arg::Unknown(m) => (m.clone(), m.clone(), m),
        Arg::Known(rule) => match block(rule, "default_retention") {
            Arg::Absent => (Value::Null, Value::Null, Value::Null),
            Arg::Unknown(m) => (m.clone(), m.clone(), m),
            Arg::Known(r) => (
                enum_str(r, "mode", None),
                integer(r, "days"),
                integer(r, "years"),
            ),
        },
    };
    Part::new(
        "object_lock",
        obj([
            ("enabled", enabled),
            ("mode", mode),
            ("days", days),
            ("years", years),
        ]),
    )
    .at("enabled", format!("{prefix}object_lock_enabled"))
    .at("mode", format!("{retention_path}.mode"))
    .at("days", format!("{retention_path}.days"))
    .at("years", format!("{retention_path}.years"))
}

/// The bucket's own attributes, including the legacy v3 inline arguments.
fn inline_parts(inst: &TfInstance) -> Vec<Part> {
    let v = &inst.values;
    let mut parts = Vec::new();
    let name = match arg(v, "bucket") {
        Arg::Absent => unknown("bucket name is generated at apply time"),
        _ => string(v, "bucket"),
    };
    parts.push(Part::new("name", name).at("", "bucket"));
    parts.push(match block(v, "server_side_encryption_configuration") {
        Arg::Absent => Part::new("encryption", Value::Null),
        Arg::Unknown(m) => {
            Part::new("encryption", m).at("", "server_side_encryption_configuration")
        }
        Arg::Known(cfg) => encryption(cfg, "server_side_encryption_configuration.0."),
    });
    parts.push(Part::new("public_access_block", Value::Null));

    let canned = enum_str(v, "acl", None);
    let grants = match blocks(v, "grant") {
        Err(m) => m,
        Ok(list) => {
            let mut out = Vec::new();
            for g in list {
                match super::strings(g, "permissions") {
                    Value::Array(perms) => {
                        for p in perms {
                            out.push(grant(
                                enum_str(g, "type", None),
                                string(g, "uri"),
                                string(g, "id"),
                                p,
                            ));
                        }
                    }
                    other => out.push(other),
                }
            }
            Value::Array(out)
        }
    };
    let acl = match (&canned, &grants) {
        (Value::Null, Value::Array(g)) if g.is_empty() => Value::Null,
        _ => obj([("canned", canned), ("grants", grants)]),
    };
    parts.push(
        Part::new("acl", acl)
            .at("canned", "acl")
            .at("grants", "grant"),
    );
    parts.push(Part::new("object_ownership", Value::Null));
    parts.push(Part::new("policy", policy_document(v, "policy")).at("", "policy"));
    parts.push(Part::new("policy_is_public", Value::Null));

    parts.push(match block(v, "versioning") {
        Arg::Absent => Part::new("versioning", Value::Null),
        Arg::Unknown(m) => Part::new("versioning", m).at("", "versioning"),
        Arg::Known(ver) => Part::new(
            "versioning",
            obj([
                ("enabled", boolean(ver, "enabled", Some(false))),
                ("mfa_delete", boolean(ver, "mfa_delete", Some(false))),
            ]),
        )
        .at("", "versioning.0")
        .at("enabled", "versioning.0.enabled")
        .at("mfa_delete", "versioning.0.mfa_delete"),
    });
    parts.push(match block(v, "logging") {
        Arg::Absent => Part::new("logging", Value::Null),
        Arg::Unknown(m) => Part::new("logging", m).at("", "logging"),
        Arg::Known(log) => Part::new(
            "logging",
            obj([
                ("enabled", Value::Bool(true)),
                ("target_bucket", string(log, "target_bucket")),
                ("target_prefix", string(log, "target_prefix")),
            ]),
        )
        .at("", "logging.0")
        .at("target_bucket", "logging.0.target_bucket")
        .at("target_prefix", "logging.0.target_prefix"),
    });
    // v4: `object_lock_enabled = true`; v3: an `object_lock_configuration` block.
    parts.push(match block(v, "object_lock_configuration") {
        Arg::Known(cfg) => object_lock(cfg, "object_lock_configuration.0.", false),
        Arg::Unknown(m) => Part::new("object_lock", m).at("", "object_lock_configuration"),
        Arg::Absent => match boolean(v, "object_lock_enabled", Some(false)) {
            Value::Bool(false) => Part::new("object_lock", Value::Null),
            enabled => Part::new(
                "object_lock",
                obj([
                    ("enabled", enabled),
                    ("mode", Value::Null),
                    ("days", Value::Null),
                    ("years", Value::Null),
                ]),
            )
            .at("enabled", "object_lock_enabled"),
        },
    });
    parts.push(Part::new("tags", tags(v)).at("", "tags"));
    parts
}

/// A split resource whose bucket was not determined: (instance, its parts, buckets it might
/// configure, outside-bucket group key, reason).
type Unresolved<'a> = (
    &'a TfInstance,
    Vec<Part>,
    Vec<usize>,
    Option<String>,
    String,
);

/// The name of a bucket as a sub-resource could spell it out (literal or interpolated text).
fn bucket_name(inst: &TfInstance) -> Option<String> {
    match inst.values.get("bucket") {
        Some(Value::String(s)) => Some(s.clone()),
        _ => None,
    }
}

/// Builds every bucket, joins the split resources, and keeps unjoinable ones visible.
pub(super) fn buckets(managed: &[&TfInstance]) -> Vec<Resource> {
    let targets: Vec<&TfInstance> = managed
        .iter()
        .copied()
        .filter(|i| i.resource_type == "aws_s3_bucket")
        .collect();
    let names: Vec<Option<String>> = targets.iter().map(|t| bucket_name(t)).collect();
    let mut builders: Vec<Builder> = targets
        .iter()
        .map(|inst| {
            let mut b = Builder::new("aws.s3.bucket", inst);
            for part in inline_parts(inst) {
                apply(&mut b, &part, inst);
            }
            b
        })
        .collect();

    // (bucket, attribute) → address of the split resource that set it.
    let mut definite: BTreeMap<(usize, &'static str), String> = BTreeMap::new();
    let mut unresolved: Vec<Unresolved<'_>> = Vec::new();
    for inst in managed {
        let parts = sub_parts(inst);
        if parts.is_empty() {
            continue;
        }
        match refs::resolve(
            inst.values.get("bucket"),
            "bucket",
            inst,
            &targets,
            &["aws_s3_bucket"],
            Some(&names),
        ) {
            Resolution::One(i) => {
                let Some(b) = builders.get_mut(i) else {
                    continue;
                };
                b.join(inst);
                for part in &parts {
                    if let Some(previous) = definite.get(&(i, part.key)) {
                        // Two resources managing one setting fight on every apply.
                        b.set(
                            part.key,
                            unknown(format!(
                                "`{}` is set by both {previous} and {}",
                                part.key, inst.address
                            )),
                        );
                        b.locate_block(part.key, inst);
                    } else {
                        apply(b, part, inst);
                        definite.insert((i, part.key), inst.address.clone());
                    }
                }
            }
            Resolution::Unresolved {
                candidates,
                group,
                reason,
            } => unresolved.push((inst, parts, candidates, group, reason)),
        }
    }

    // Buckets an unresolved sub-resource might configure: the setting is not known.
    for (inst, parts, candidates, _, reason) in &unresolved {
        for &i in candidates {
            let Some(b) = builders.get_mut(i) else {
                continue;
            };
            for part in parts {
                if !definite.contains_key(&(i, part.key)) {
                    b.set(
                        part.key,
                        unknown(format!(
                            "{} may configure this bucket: {reason}",
                            inst.address
                        )),
                    );
                    b.locate_block(part.key, inst);
                }
            }
        }
    }

    // Sub-resources whose bucket is outside the configuration (or not known) stand for
    // that bucket: what they set is judged, everything else about it is unknown.
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (n, (inst, _, _, group, _)) in unresolved.iter().enumerate() {
        let key = match group {
            Some(g) => format!("g:{g}"),
            None => format!("a:{}", inst.address),
        };
        groups.entry(key).or_default().push(n);
    }
    let mut out: Vec<Resource> = builders.into_iter().map(Builder::build).collect();
    for members in groups.values() {
        let Some((first, _, _, group, reason)) = members.first().and_then(|&n| unresolved.get(n))
        else {
            continue;
        };
        let mut b = Builder::new("aws.s3.bucket", first);
        b.source_types.clear();
        let outside = unknown(format!(
            "the bucket is not part of the scanned configuration ({reason})"
        ));
        for key in KEYS {
            b.set(key, outside.clone());
        }
        // A literal `bucket` is the outside bucket's name.
        if let Some(Value::String(name)) = first.values.get("bucket") {
            if group.as_deref() == Some(name.as_str()) {
                b.set("name", Value::String(name.clone()));
                b.locate("name", first, "bucket");
            }
        }
        for &n in members {
            let Some((inst, parts, _, _, _)) = unresolved.get(n) else {
                continue;
            };
            b.join(inst);
            for part in parts {
                apply(&mut b, part, inst);
                b.locate_block(part.key, inst);
                for (path, src) in &part.locations {
                    b.locate(path, inst, src);
                }
            }
        }
        out.push(b.build());
    }
    out
}
