//! Terraform adapter: maps evaluated instances (HCL or plan JSON) to canonical kinds and
//! folds split resources into one (S3 v4 sub-resources, security group rules, KMS aliases).
//!
//! Input is [`TfInstance::values`] in the plan-JSON `values` shape, so nothing here depends
//! on HCL-only facts: a reference to a computed attribute is the string `"${addr.attr}"`,
//! a value nobody can know is the unknown marker.
//!
//! Invariants:
//! - every managed instance of a supported type ends up in exactly one resource: its own,
//!   the resource it was joined into, or (when its target cannot be found) a resource of the
//!   target's kind standing for "a target outside this configuration", whose other attributes
//!   are unknown. A sub-resource is never dropped silently;
//! - when a sub-resource's target is not known, every target it might configure gets the
//!   joined attribute as unknown (never the "not configured" `null`, which policies judge);
//! - where the provider documents a default for an omitted argument, the default is written
//!   (e.g. `enable_key_rotation` → `false`), so attributes mean the same for every source;
//! - output is sorted by (address, kind).

mod compute;
mod datastores;
mod edge;
mod efs;
mod identity;
mod joins;
mod logging;
mod messaging;
mod network;
mod refs;
mod s3;
mod secrets;
mod sg;
#[cfg(test)]
pub(crate) mod tests;
#[cfg(test)]
mod tests_b;
#[cfg(test)]
mod tests_datastores_identity;
#[cfg(test)]
mod tests_rules_a;
mod threat;

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::collect::terraform::{Mode, TfInstance, POLICY_DOCUMENT};
use crate::model::{unknown, unknown_reason, Location, Provenance, Resource, SourceKind};

/// Parser name recorded in provenance for Terraform sources.
const PARSER: &str = "vouch-hcl";

/// Normalizes instances into resources of canonical kinds; types with no kind are skipped.
pub fn normalize(instances: &[TfInstance]) -> Vec<Resource> {
    let mut managed: Vec<&TfInstance> = instances
        .iter()
        .filter(|i| i.mode == Mode::Managed)
        .collect();
    // Sorting first makes join order, and so "first wins" choices, independent of discovery.
    managed.sort_by(|a, b| a.address.cmp(&b.address));

    let mut out = Vec::new();
    out.extend(s3::buckets(&managed));
    out.extend(sg::groups(&managed));
    out.extend(kms_keys(&managed));
    out.extend(messaging::resources(&managed));
    out.extend(efs::file_systems(&managed));
    out.extend(edge::resources(&managed));
    out.extend(secrets::resources(&managed));
    out.extend(threat::hubs(&managed));
    out.extend(threat::inspector(&managed));
    out.extend(threat::macie(&managed));
    out.extend(managed.iter().filter_map(|inst| simple(inst)));
    threat::join_detector_features(&managed, &mut out);
    out.extend(logging::resources(&managed));
    out.extend(network::resources(&managed));
    out.extend(compute::resources(&managed));
    logging::attach_trail_buckets(&managed, &mut out);
    out.extend(datastores::resources(&managed));
    out.extend(identity::resources(&managed));
    datastores::enrich_rds(&managed, &mut out);
    locate_rendered_statements(instances, &mut out);
    out.sort_by(|a, b| (&a.address, &a.kind).cmp(&(&b.address, &b.kind)));
    out
}

/// Points each statement of a policy attribute that was rendered by a
/// `data "aws_iam_policy_document"` at the `statement` block it came from (`policy.Statement.0`
/// → that block's lines), so a finding about one statement names the block to change rather
/// than the `policy = data...json` line. A document is recognised by its content, which also
/// follows documents passed through `source_policy_documents` unchanged; when blocks in
/// different places render the same content, the attribute line stays.
fn locate_rendered_statements(instances: &[TfInstance], resources: &mut [Resource]) {
    // Canonical text of a rendered document → the distinct places its statements were
    // written (documents that only merge others locate nothing themselves).
    let mut rendered: BTreeMap<String, Vec<BTreeMap<String, Location>>> = BTreeMap::new();
    for inst in instances
        .iter()
        .filter(|i| i.mode == Mode::Data && i.resource_type == POLICY_DOCUMENT)
    {
        let Some(Ok(doc)) = inst
            .values
            .get("json")
            .and_then(Value::as_str)
            .map(serde_json::from_str::<Value>)
        else {
            continue;
        };
        let statements: BTreeMap<String, Location> = inst
            .attribute_lines
            .iter()
            .filter_map(|(path, &(start_line, end_line))| {
                let n = path.strip_prefix("json.Statement.")?;
                let at = Location {
                    file: inst.file.clone(),
                    start_line,
                    end_line,
                };
                Some((n.to_owned(), at))
            })
            .collect();
        let places = rendered.entry(doc.to_string()).or_default();
        if !statements.is_empty() && !places.contains(&statements) {
            places.push(statements);
        }
    }
    for r in resources.iter_mut() {
        let Value::Object(attrs) = &r.attributes else {
            continue;
        };
        for (key, value) in attrs {
            if !value.get("Statement").is_some_and(Value::is_array) {
                continue;
            }
            if let Some([statements]) = rendered.get(&value.to_string()).map(Vec::as_slice) {
                for (n, at) in statements {
                    r.attribute_locations
                        .insert(format!("{key}.Statement.{n}"), at.clone());
                }
            }
        }
    }
}

/// One-to-one mappings: a single instance makes a single resource.
fn simple(inst: &TfInstance) -> Option<Resource> {
    let v = &inst.values;
    let b = match inst.resource_type.as_str() {
        "aws_db_instance" => {
            let mut b = Builder::new("aws.rds.db_instance", inst);
            rds_common(&mut b, inst);
            b.arg(
                "instance_class",
                string(v, "instance_class"),
                "instance_class",
            );
            b.set("cluster_identifier", Value::Null);
            b.arg(
                "publicly_accessible",
                boolean(v, "publicly_accessible", Some(false)),
                "publicly_accessible",
            );
            b.arg("multi_az", boolean(v, "multi_az", Some(false)), "multi_az");
            b.arg(
                "auto_minor_version_upgrade",
                boolean(v, "auto_minor_version_upgrade", Some(true)),
                "auto_minor_version_upgrade",
            );
            // A replica or a restore inherits encryption from its source, unless stated.
            let inherited = ["replicate_source_db", "snapshot_identifier"]
                .into_iter()
                .find(|k| !matches!(arg(v, k), Arg::Absent));
            if let (Some(src), Arg::Absent) = (inherited, arg(v, "storage_encrypted")) {
                b.set(
                    "storage_encrypted",
                    unknown(format!("storage encryption is inherited from `{src}`")),
                );
            }
            b
        }
        "aws_rds_cluster_instance" => {
            let mut b = Builder::new("aws.rds.db_instance", inst);
            b.arg("identifier", identifier(v), "identifier");
            b.arg("engine", string(v, "engine"), "engine");
            b.arg(
                "engine_version",
                string(v, "engine_version"),
                "engine_version",
            );
            // Storage encryption and backups of a cluster member are the cluster's settings.
            b.set("storage_encrypted", Value::Null);
            b.set("kms_key_id", Value::Null);
            b.set("iam_database_authentication_enabled", Value::Null);
            b.set("backup_retention_period", Value::Null);
            b.set("deletion_protection", Value::Null);
            b.arg("tags", tags(v), "tags");
            b.arg(
                "instance_class",
                string(v, "instance_class"),
                "instance_class",
            );
            b.arg(
                "cluster_identifier",
                string(v, "cluster_identifier"),
                "cluster_identifier",
            );
            b.arg(
                "publicly_accessible",
                boolean(v, "publicly_accessible", Some(false)),
                "publicly_accessible",
            );
            b.set("multi_az", Value::Null);
            b.arg(
                "auto_minor_version_upgrade",
                boolean(v, "auto_minor_version_upgrade", Some(true)),
                "auto_minor_version_upgrade",
            );
            b
        }
        "aws_rds_cluster" => {
            let mut b = Builder::new("aws.rds.cluster", inst);
            rds_common(&mut b, inst);
            b.arg("engine_mode", string(v, "engine_mode"), "engine_mode");
            // The provider defaults storage_encrypted to true for serverless v1 clusters.
            if matches!(arg(v, "storage_encrypted"), Arg::Absent) {
                let serverless = v.get("engine_mode").and_then(Value::as_str) == Some("serverless");
                b.set("storage_encrypted", Value::Bool(serverless));
            }
            if let Some(src) = ["replication_source_identifier", "snapshot_identifier"]
                .into_iter()
                .find(|k| !matches!(arg(v, k), Arg::Absent))
            {
                if matches!(arg(v, "storage_encrypted"), Arg::Absent) {
                    b.set(
                        "storage_encrypted",
                        unknown(format!("storage encryption is inherited from `{src}`")),
                    );
                }
            }
            b
        }
        "aws_ebs_volume" => {
            let mut b = Builder::new("aws.ec2.volume", inst);
            b.arg(
                "availability_zone",
                string(v, "availability_zone"),
                "availability_zone",
            );
            b.arg("size", integer(v, "size"), "size");
            b.arg("type", string(v, "type"), "type");
            b.arg("kms_key_id", string(v, "kms_key_id"), "kms_key_id");
            b.arg("snapshot_id", string(v, "snapshot_id"), "snapshot_id");
            b.arg("tags", tags(v), "tags");
            let encrypted = match arg(v, "encrypted") {
                Arg::Absent if !matches!(arg(v, "snapshot_id"), Arg::Absent) => {
                    unknown("encryption of a volume restored from a snapshot follows the snapshot")
                }
                _ => boolean(v, "encrypted", Some(false)),
            };
            b.arg("encrypted", encrypted, "encrypted");
            b
        }
        "aws_ebs_encryption_by_default" => {
            let mut b = Builder::new("aws.ec2.ebs_encryption_by_default", inst);
            b.arg(
                "encryption_by_default",
                boolean(v, "enabled", Some(true)),
                "enabled",
            );
            b.set("default_kms_key_id", Value::Null);
            b
        }
        "aws_s3_account_public_access_block" => {
            let mut b = Builder::new("aws.s3.account_public_access_block", inst);
            for key in s3::PAB_KEYS {
                b.arg(key, boolean(v, key, Some(false)), key);
            }
            b
        }
        "aws_cloudtrail" => cloudtrail(inst),
        "aws_iam_policy"
        | "aws_iam_role_policy"
        | "aws_iam_user_policy"
        | "aws_iam_group_policy" => iam_policy(inst),
        "aws_guardduty_detector" => guardduty(inst),
        _ => return None,
    };
    Some(b.build())
}

fn identifier(v: &Value) -> Value {
    match arg(v, "identifier") {
        Arg::Absent => match arg(v, "cluster_identifier") {
            Arg::Known(Value::String(s)) if !s.contains("${") => Value::String(s.clone()),
            _ => unknown("identifier is generated at apply time"),
        },
        _ => string(v, "identifier"),
    }
}

fn rds_common(b: &mut Builder, inst: &TfInstance) {
    let v = &inst.values;
    let id = if inst.resource_type == "aws_rds_cluster" {
        match arg(v, "cluster_identifier") {
            Arg::Absent => unknown("identifier is generated at apply time"),
            _ => string(v, "cluster_identifier"),
        }
    } else {
        identifier(v)
    };
    let id_src = if inst.resource_type == "aws_rds_cluster" {
        "cluster_identifier"
    } else {
        "identifier"
    };
    b.arg("identifier", id, id_src);
    b.arg("engine", string(v, "engine"), "engine");
    b.arg(
        "engine_version",
        string(v, "engine_version"),
        "engine_version",
    );
    b.arg(
        "storage_encrypted",
        boolean(v, "storage_encrypted", Some(false)),
        "storage_encrypted",
    );
    b.arg("kms_key_id", string(v, "kms_key_id"), "kms_key_id");
    b.arg(
        "iam_database_authentication_enabled",
        boolean(v, "iam_database_authentication_enabled", Some(false)),
        "iam_database_authentication_enabled",
    );
    b.arg(
        "backup_retention_period",
        integer(v, "backup_retention_period"),
        "backup_retention_period",
    );
    b.arg(
        "deletion_protection",
        boolean(v, "deletion_protection", Some(false)),
        "deletion_protection",
    );
    b.arg("tags", tags(v), "tags");
}

fn cloudtrail(inst: &TfInstance) -> Builder {
    let v = &inst.values;
    let mut b = Builder::new("aws.cloudtrail.trail", inst);
    b.arg("name", string(v, "name"), "name");
    b.arg(
        "is_logging",
        boolean(v, "enable_logging", Some(true)),
        "enable_logging",
    );
    b.arg(
        "is_multi_region_trail",
        boolean(v, "is_multi_region_trail", Some(false)),
        "is_multi_region_trail",
    );
    b.arg(
        "is_organization_trail",
        boolean(v, "is_organization_trail", Some(false)),
        "is_organization_trail",
    );
    b.arg(
        "include_global_service_events",
        boolean(v, "include_global_service_events", Some(true)),
        "include_global_service_events",
    );
    b.arg(
        "log_file_validation_enabled",
        boolean(v, "enable_log_file_validation", Some(false)),
        "enable_log_file_validation",
    );
    b.arg("kms_key_id", string(v, "kms_key_id"), "kms_key_id");
    b.arg(
        "s3_bucket_name",
        string(v, "s3_bucket_name"),
        "s3_bucket_name",
    );
    b.arg(
        "cloud_watch_logs_group_arn",
        string(v, "cloud_watch_logs_group_arn"),
        "cloud_watch_logs_group_arn",
    );
    let selectors = map_blocks(v, "event_selector", |sel| {
        let resources = map_blocks(sel, "data_resource", |dr| {
            obj([
                ("type", string(dr, "type")),
                ("values", strings(dr, "values")),
            ])
        });
        obj([
            (
                "read_write_type",
                enum_str(sel, "read_write_type", Some("All")),
            ),
            (
                "include_management_events",
                boolean(sel, "include_management_events", Some(true)),
            ),
            (
                "exclude_management_event_sources",
                strings(sel, "exclude_management_event_sources"),
            ),
            ("data_resources", resources),
        ])
    });
    b.arg("event_selectors", selectors, "event_selector");
    let advanced = map_blocks(v, "advanced_event_selector", |sel| {
        let fields = map_blocks(sel, "field_selector", |f| {
            obj([
                ("field", string(f, "field")),
                ("equals", strings(f, "equals")),
                ("not_equals", strings(f, "not_equals")),
                ("starts_with", strings(f, "starts_with")),
                ("not_starts_with", strings(f, "not_starts_with")),
                ("ends_with", strings(f, "ends_with")),
                ("not_ends_with", strings(f, "not_ends_with")),
            ])
        });
        obj([("name", string(sel, "name")), ("field_selectors", fields)])
    });
    b.arg(
        "advanced_event_selectors",
        advanced,
        "advanced_event_selector",
    );
    b.arg("tags", tags(v), "tags");
    b
}

fn iam_policy(inst: &TfInstance) -> Builder {
    let v = &inst.values;
    let mut b = Builder::new("aws.iam.policy", inst);
    let name = match arg(v, "name") {
        Arg::Absent => unknown("policy name is generated at apply time"),
        _ => string(v, "name"),
    };
    b.arg("name", name, "name");
    let identity = match inst.resource_type.as_str() {
        "aws_iam_role_policy" => Some("role"),
        "aws_iam_user_policy" => Some("user"),
        "aws_iam_group_policy" => Some("group"),
        _ => None,
    };
    match identity {
        Some(kind) => {
            b.set("type", Value::String("inline".into()));
            b.arg(
                "attached_to",
                obj([
                    ("type", Value::String(kind.into())),
                    ("name", string(v, kind)),
                ]),
                kind,
            );
        }
        None => {
            b.set("type", Value::String("managed".into()));
            b.set("attached_to", Value::Null);
        }
    }
    b.set("arn", Value::Null);
    b.arg("document", policy_document(v, "policy"), "policy");
    b
}

fn guardduty(inst: &TfInstance) -> Builder {
    let v = &inst.values;
    let mut b = Builder::new("aws.guardduty.detector", inst);
    b.arg("enabled", boolean(v, "enable", Some(true)), "enable");
    b.arg(
        "finding_publishing_frequency",
        string(v, "finding_publishing_frequency"),
        "finding_publishing_frequency",
    );
    // The legacy `datasources` block maps onto the API's feature names.
    let mut features: Vec<Value> = Vec::new();
    let mut features_unknown = None;
    match block(v, "datasources") {
        Arg::Unknown(m) => features_unknown = Some(m),
        Arg::Absent => {}
        Arg::Known(ds) => {
            let paths: [(&str, &[&str]); 3] = [
                ("S3_DATA_EVENTS", &["s3_logs", "enable"]),
                ("EKS_AUDIT_LOGS", &["kubernetes", "audit_logs", "enable"]),
                (
                    "EBS_MALWARE_PROTECTION",
                    &[
                        "malware_protection",
                        "scan_ec2_instance_with_findings",
                        "ebs_volumes",
                        "enable",
                    ],
                ),
            ];
            for (name, path) in paths {
                match nested_bool(ds, path) {
                    Arg::Absent => {}
                    Arg::Unknown(m) => {
                        features.push(obj([("name", Value::String(name.into())), ("status", m)]))
                    }
                    Arg::Known(Value::Bool(on)) => features.push(obj([
                        ("name", Value::String(name.into())),
                        (
                            "status",
                            Value::String(if *on { "ENABLED" } else { "DISABLED" }.into()),
                        ),
                    ])),
                    Arg::Known(other) => features.push(obj([
                        ("name", Value::String(name.into())),
                        ("status", not_known_bool(name, other)),
                    ])),
                }
            }
        }
    }
    match features_unknown {
        Some(m) => b.arg("features", m, "datasources"),
        None => {
            features.sort_by(|a, c| {
                a.get("name")
                    .map(Value::to_string)
                    .cmp(&c.get("name").map(Value::to_string))
            });
            b.arg("features", Value::Array(features), "datasources");
        }
    }
    b.arg("tags", tags(v), "tags");
    b
}

/// Walks nested single blocks (`kubernetes.0.audit_logs.0.enable`) down to a value.
fn nested_bool<'a>(v: &'a Value, path: &[&str]) -> Arg<'a> {
    let Some((last, blocks)) = path.split_last() else {
        return Arg::Absent;
    };
    let mut current = v;
    for key in blocks {
        match block(current, key) {
            Arg::Known(next) => current = next,
            other => return other,
        }
    }
    arg(current, last)
}

/// KMS keys, with the aliases that point at them.
fn kms_keys(managed: &[&TfInstance]) -> Vec<Resource> {
    let keys: Vec<&TfInstance> = managed
        .iter()
        .copied()
        .filter(|i| {
            matches!(
                i.resource_type.as_str(),
                "aws_kms_key" | "aws_kms_external_key"
            )
        })
        .collect();
    let mut builders: Vec<Builder> = keys
        .iter()
        .map(|inst| {
            let v = &inst.values;
            let external = inst.resource_type == "aws_kms_external_key";
            let mut b = Builder::new("aws.kms.key", inst);
            b.arg("description", string(v, "description"), "description");
            b.set("key_manager", Value::String("CUSTOMER".into()));
            let spec = if external {
                Value::String("SYMMETRIC_DEFAULT".into())
            } else {
                match arg(v, "key_spec") {
                    Arg::Absent => {
                        enum_str(v, "customer_master_key_spec", Some("SYMMETRIC_DEFAULT"))
                    }
                    _ => enum_str(v, "key_spec", Some("SYMMETRIC_DEFAULT")),
                }
            };
            b.arg("key_spec", spec, "customer_master_key_spec");
            b.locate("key_spec", inst, "key_spec");
            b.arg(
                "key_usage",
                enum_str(v, "key_usage", Some("ENCRYPT_DECRYPT")),
                "key_usage",
            );
            b.set(
                "origin",
                Value::String(if external { "EXTERNAL" } else { "AWS_KMS" }.into()),
            );
            let enabled_key = if external { "enabled" } else { "is_enabled" };
            b.arg("enabled", boolean(v, enabled_key, Some(true)), enabled_key);
            b.set("key_state", Value::Null);
            if external {
                b.set("rotation_enabled", Value::Bool(false));
            } else {
                b.arg(
                    "rotation_enabled",
                    boolean(v, "enable_key_rotation", Some(false)),
                    "enable_key_rotation",
                );
            }
            b.arg(
                "rotation_period_days",
                integer(v, "rotation_period_in_days"),
                "rotation_period_in_days",
            );
            b.arg(
                "deletion_window_days",
                integer(v, "deletion_window_in_days"),
                "deletion_window_in_days",
            );
            b.arg(
                "multi_region",
                boolean(v, "multi_region", Some(false)),
                "multi_region",
            );
            // A plan marks an omitted `policy` "known after apply" (the provider computes the
            // default key policy); the plan collector writes that bare marker only when the
            // configuration has no expression naming a resource for it, which for a key policy
            // means it was omitted. The default key policy trusts only the owning account.
            let policy = match policy_document(v, "policy") {
                p if unknown_reason(&p) == Some(crate::collect::plan::AFTER_APPLY) => Value::Null,
                p => p,
            };
            b.arg("policy", policy, "policy");
            b.set("aliases", Value::Array(Vec::new()));
            b.arg("tags", tags(v), "tags");
            b
        })
        .collect();

    let mut aliases: Vec<Vec<String>> = vec![Vec::new(); keys.len()];
    for alias in managed
        .iter()
        .filter(|i| i.resource_type == "aws_kms_alias")
    {
        let name = match alias.values.get("name").and_then(Value::as_str) {
            Some(n) if !n.contains("${") => n.to_owned(),
            _ => continue,
        };
        // Aliases carry no setting any rule judges, so an alias whose key is outside this
        // configuration is left out rather than inventing a key resource for it.
        if let refs::Resolution::One(i) = refs::resolve(
            alias.values.get("target_key_id"),
            "target_key_id",
            alias,
            &keys,
            &["aws_kms_key", "aws_kms_external_key"],
            None,
        ) {
            if let (Some(list), Some(b)) = (aliases.get_mut(i), builders.get_mut(i)) {
                list.push(name);
                b.join(alias);
                b.locate_block("aliases", alias);
            }
        }
    }
    for (b, mut names) in builders.iter_mut().zip(aliases) {
        names.sort();
        names.dedup();
        b.set(
            "aliases",
            Value::Array(names.into_iter().map(Value::String).collect()),
        );
    }
    builders.into_iter().map(Builder::build).collect()
}

// ---------------------------------------------------------------------------------------
// Resource builder
// ---------------------------------------------------------------------------------------

/// Accumulates one normalized resource: attributes, their locations and the join evidence.
struct Builder {
    kind: &'static str,
    address: String,
    module_chain: Vec<String>,
    location: Location,
    attrs: Map<String, Value>,
    locations: BTreeMap<String, Location>,
    source_types: Vec<String>,
    joined: Vec<String>,
    /// Line ranges of the primary instance's arguments.
    own_lines: BTreeMap<String, (u32, u32)>,
    /// Why the primary instance may not exist: a joined instance that may not exist for the
    /// same reason (both in one module instance of unknown count) exists whenever it does.
    existence_unknown: Option<String>,
    /// Joined instances that may not exist (their block and why).
    uncertain: Vec<(Location, String)>,
}

impl Builder {
    fn new(kind: &'static str, inst: &TfInstance) -> Self {
        Self {
            kind,
            address: inst.address.clone(),
            module_chain: inst.module_chain.clone(),
            location: block_location(inst),
            attrs: Map::new(),
            locations: BTreeMap::new(),
            source_types: vec![inst.resource_type.clone()],
            joined: Vec::new(),
            own_lines: inst.attribute_lines.clone(),
            existence_unknown: inst.existence_unknown.clone(),
            uncertain: Vec::new(),
        }
    }

    fn set(&mut self, key: &str, value: Value) {
        self.attrs.insert(key.to_owned(), value);
    }

    /// Sets `key` from the primary instance's argument `src` and records where it was written.
    fn arg(&mut self, key: &str, value: Value, src: &str) {
        self.set(key, value);
        if let Some(&(start, end)) = self.own_lines.get(src) {
            self.locations.insert(
                key.to_owned(),
                Location {
                    file: self.location.file.clone(),
                    start_line: start,
                    end_line: end,
                },
            );
        }
    }

    /// Records that normalized `path` was written at the source path `src` of `inst`.
    fn locate(&mut self, path: &str, inst: &TfInstance, src: &str) {
        if let Some(&(start, end)) = inst.attribute_lines.get(src) {
            self.locations.insert(
                path.to_owned(),
                Location {
                    file: inst.file.clone(),
                    start_line: start,
                    end_line: end,
                },
            );
        }
    }

    /// Points normalized `path` at the whole block of `inst` (a joined sub-resource).
    fn locate_block(&mut self, path: &str, inst: &TfInstance) {
        self.locations.insert(path.to_owned(), block_location(inst));
    }

    /// Records that `inst` was folded into this resource.
    fn join(&mut self, inst: &TfInstance) {
        if !self.source_types.contains(&inst.resource_type) {
            self.source_types.push(inst.resource_type.clone());
        }
        if inst.address != self.address && !self.joined.contains(&inst.address) {
            self.joined.push(inst.address.clone());
            if let Some(reason) = inst
                .existence_unknown
                .as_ref()
                .filter(|_| inst.existence_unknown != self.existence_unknown)
            {
                self.uncertain.push((
                    block_location(inst),
                    format!("{} may not exist ({reason})", inst.address),
                ));
            }
        }
    }

    fn build(mut self) -> Resource {
        super::unknown_where_uncertain(&mut self.attrs, &self.locations, &self.uncertain);
        Resource {
            kind: self.kind.to_owned(),
            address: self.address,
            source: SourceKind::Terraform,
            location: Some(self.location),
            module_chain: self.module_chain,
            arn: None,
            account: None,
            region: None,
            attributes: Value::Object(self.attrs),
            attribute_locations: self.locations,
            provenance: Provenance {
                parser: PARSER.to_owned(),
                source_types: self.source_types,
                joined: self.joined,
                api_calls: Vec::new(),
                collected_at: None,
                attribute_sources: Default::default(),
            },
        }
    }
}

fn block_location(inst: &TfInstance) -> Location {
    Location {
        file: inst.file.clone(),
        start_line: inst.start_line,
        end_line: inst.end_line,
    }
}

// ---------------------------------------------------------------------------------------
// Reading evaluated values
// ---------------------------------------------------------------------------------------

/// One argument as the adapter sees it. Terraform `null` is the same as an omitted argument.
enum Arg<'a> {
    Absent,
    Unknown(Value),
    Known(&'a Value),
}

fn arg<'a>(values: &'a Value, key: &str) -> Arg<'a> {
    if unknown_reason(values).is_some() {
        return Arg::Unknown(values.clone());
    }
    match values.get(key) {
        None | Some(Value::Null) => Arg::Absent,
        Some(v) if unknown_reason(v).is_some() => Arg::Unknown(v.clone()),
        Some(v) => Arg::Known(v),
    }
}

/// True for a Terraform interpolation, i.e. a value known only after apply.
fn is_interpolation(s: &str) -> bool {
    s.contains("${")
}

fn after_apply(key: &str, s: &str) -> Value {
    unknown(format!("`{key}` is `{s}`, known only after apply"))
}

fn not_known_bool(key: &str, v: &Value) -> Value {
    unknown(format!("`{key}` is not a boolean: {v}"))
}

/// A boolean argument; `default` applies when it is omitted.
fn boolean(values: &Value, key: &str, default: Option<bool>) -> Value {
    match arg(values, key) {
        Arg::Absent => default.map_or(Value::Null, Value::Bool),
        Arg::Unknown(m) => m,
        Arg::Known(Value::Bool(b)) => Value::Bool(*b),
        // Variables without a type constraint arrive as strings.
        Arg::Known(Value::String(s)) if s == "true" => Value::Bool(true),
        Arg::Known(Value::String(s)) if s == "false" => Value::Bool(false),
        Arg::Known(Value::String(s)) if is_interpolation(s) => after_apply(key, s),
        Arg::Known(other) => not_known_bool(key, other),
    }
}

/// A free-form string argument. References are kept: they are known to be set.
fn string(values: &Value, key: &str) -> Value {
    match arg(values, key) {
        Arg::Absent => Value::Null,
        Arg::Unknown(m) => m,
        Arg::Known(Value::String(s)) => Value::String(s.clone()),
        Arg::Known(Value::Number(n)) => Value::String(n.to_string()),
        Arg::Known(Value::Bool(b)) => Value::String(b.to_string()),
        Arg::Known(other) => unknown(format!("`{key}` is not a string: {other}")),
    }
}

/// A string argument from a fixed vocabulary: a reference is not good enough to judge it.
fn enum_str(values: &Value, key: &str, default: Option<&str>) -> Value {
    match string(values, key) {
        Value::Null => default.map_or(Value::Null, |d| Value::String(d.to_owned())),
        Value::String(s) if is_interpolation(&s) => after_apply(key, &s),
        other => other,
    }
}

/// An integer argument.
fn integer(values: &Value, key: &str) -> Value {
    match arg(values, key) {
        Arg::Absent => Value::Null,
        Arg::Unknown(m) => m,
        Arg::Known(Value::Number(n)) => match n.as_i64() {
            Some(i) => Value::from(i),
            None => unknown(format!("`{key}` is not an integer: {n}")),
        },
        Arg::Known(Value::String(s)) => match s.trim().parse::<i64>() {
            Ok(i) => Value::from(i),
            Err(_) if is_interpolation(s) => after_apply(key, s),
            Err(_) => unknown(format!("`{key}` is not an integer: {s}")),
        },
        Arg::Known(other) => unknown(format!("`{key}` is not an integer: {other}")),
    }
}

/// A list (or set) of strings; omitted is the empty list.
fn strings(values: &Value, key: &str) -> Value {
    match arg(values, key) {
        Arg::Absent => Value::Array(Vec::new()),
        Arg::Unknown(m) => m,
        Arg::Known(Value::Array(items)) => Value::Array(
            items
                .iter()
                .filter(|i| !i.is_null())
                .map(|i| match i {
                    Value::String(_) => i.clone(),
                    _ if unknown_reason(i).is_some() => i.clone(),
                    Value::Number(n) => Value::String(n.to_string()),
                    other => unknown(format!("element of `{key}` is not a string: {other}")),
                })
                .collect(),
        ),
        Arg::Known(Value::String(s)) => Value::Array(vec![Value::String(s.clone())]),
        Arg::Known(other) => unknown(format!("`{key}` is not a list of strings: {other}")),
    }
}

/// Like [`strings`], for lists whose values policies compare (CIDRs): an element known only
/// after apply is unknown, since "set to something" is not enough to judge it.
fn strict_strings(values: &Value, key: &str) -> Value {
    match strings(values, key) {
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|i| match i.as_str() {
                    Some(s) if is_interpolation(s) => after_apply(key, s),
                    _ => i,
                })
                .collect(),
        ),
        other => other,
    }
}

/// Resource tags; omitted or empty is `null`.
fn tags(values: &Value) -> Value {
    match arg(values, "tags") {
        Arg::Absent => Value::Null,
        Arg::Unknown(m) => m,
        Arg::Known(Value::Object(map)) if map.is_empty() => Value::Null,
        Arg::Known(Value::Object(map)) => Value::Object(map.clone()),
        Arg::Known(Value::String(s)) if is_interpolation(s) => after_apply("tags", s),
        Arg::Known(other) => unknown(format!("`tags` is not a map: {other}")),
    }
}

/// All instances of a nested block (plan JSON: an array of objects), or the unknown marker
/// when the block list itself cannot be known (e.g. a `dynamic` block over an unknown value).
fn blocks<'a>(values: &'a Value, key: &str) -> Result<Vec<&'a Value>, Value> {
    match arg(values, key) {
        Arg::Absent => Ok(Vec::new()),
        Arg::Unknown(m) => Err(m),
        Arg::Known(Value::Array(items)) => Ok(items.iter().filter(|i| !i.is_null()).collect()),
        Arg::Known(v @ Value::Object(_)) => Ok(vec![v]),
        Arg::Known(Value::String(s)) if is_interpolation(s) => Err(after_apply(key, s)),
        Arg::Known(other) => Err(unknown(format!("`{key}` is not a block: {other}"))),
    }
}

/// The first instance of a single nested block.
fn block<'a>(values: &'a Value, key: &str) -> Arg<'a> {
    match blocks(values, key) {
        Err(m) => Arg::Unknown(m),
        Ok(items) => match items.first() {
            None => Arg::Absent,
            Some(v) if unknown_reason(v).is_some() => Arg::Unknown((*v).clone()),
            Some(v) => Arg::Known(v),
        },
    }
}

/// Maps every instance of a nested block; an unknown block list stays unknown.
fn map_blocks(values: &Value, key: &str, f: impl Fn(&Value) -> Value) -> Value {
    match blocks(values, key) {
        Err(m) => m,
        Ok(items) => Value::Array(
            items
                .into_iter()
                .map(|i| {
                    if unknown_reason(i).is_some() {
                        i.clone()
                    } else {
                        f(i)
                    }
                })
                .collect(),
        ),
    }
}

/// A JSON object from key/value pairs.
fn obj<const N: usize>(pairs: [(&str, Value); N]) -> Value {
    Value::Object(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

/// A policy document argument (a JSON string from `jsonencode`, a heredoc or a file), parsed.
pub(crate) fn policy_document(values: &Value, key: &str) -> Value {
    match arg(values, key) {
        Arg::Absent => Value::Null,
        Arg::Unknown(m) => m,
        Arg::Known(v @ Value::Object(_)) => v.clone(),
        Arg::Known(Value::String(s)) => parse_policy(key, s),
        Arg::Known(other) => unknown(format!("`{key}` is not a policy document: {other}")),
    }
}

fn parse_policy(key: &str, s: &str) -> Value {
    let text = s.trim();
    if text.is_empty() {
        return Value::Null;
    }
    if text.starts_with("${") && text.ends_with('}') && text.matches("${").count() == 1 {
        return unknown(format!(
            "`{key}` is `{text}`, a document computed at plan or apply time"
        ));
    }
    match serde_json::from_str::<Value>(text) {
        Ok(v @ Value::Object(_)) => v,
        Ok(other) => unknown(format!("`{key}` is not a JSON object: {other}")),
        Err(_) if is_interpolation(text) => unknown(format!(
            "`{key}` contains an expression that could not be evaluated"
        )),
        Err(e) => unknown(format!("`{key}` is not valid JSON: {e}")),
    }
}
