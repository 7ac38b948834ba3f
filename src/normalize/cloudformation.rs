//! CloudFormation adapter: maps evaluated [`CfnResource`]s to the same canonical kinds and
//! attribute shapes as the Terraform adapter (`schemas/<kind>.schema.json`), so one policy
//! gives one verdict on equivalent HCL, plan JSON and CloudFormation.
//!
//! Joins (within one root template, never across templates):
//! - `AWS::S3::BucketPolicy` → its bucket's `policy`;
//! - `AWS::EC2::SecurityGroupIngress`/`Egress` → the group's `ingress`/`egress`;
//! - `AWS::KMS::Alias` → its key's `aliases`;
//! - inline `Policies` of `AWS::IAM::Role`/`User`/`Group` → one `aws.iam.policy` each
//!   (address `Role.Policies.<PolicyName>`), and their `ManagedPolicyArns` → one
//!   `aws.iam.policy_attachment` each ([`identity`]);
//! - `AWS::Lambda::Permission`/`Url` → the function's `policy`/`function_url`
//!   ([`compute`]); `AWS::EC2::FlowLog` → the VPC's `flow_logs` and
//!   `AWS::EC2::NetworkAclEntry` → the ACL's `ingress`/`egress` ([`network`]);
//!   `AWS::Config::DeliveryChannel` → the recorder's `delivery_channel` ([`logging`]).
//!
//! A join target is named by a reference made by the collector (`"${Bucket}"`,
//! `"${Sg.GroupId}"`, see [`crate::collect::cloudformation::intrinsics`]) or by a literal name
//! matching a target's name property. A target outside the template is left alone; a target
//! that cannot be determined (unknown marker) makes the joined attribute unknown on every
//! target it might configure — never `null`, which policies judge as "not configured".
//!
//! Defaults CloudFormation documents for omitted properties are written (e.g. a
//! security group without `SecurityGroupEgress` gets EC2's allow-all egress rule; a
//! `AWS::KMS::Key` without `EnableKeyRotation` has rotation off).
//!
//! SAM resources map to `aws.lambda.function` (the code `AWS::Lambda::Function` uses),
//! `aws.apigateway.rest_api` and `aws.dynamodb.table`.
//!
//! Simple "property → attribute" mappings are tables of [`Prop`] rows read by
//! [`Builder::props`] (and [`Builder::nested`] for one nested object), so a mapping states
//! each attribute's property, reading and default once, and every attribute is located at
//! its property.

mod compute;
mod datastores;
mod edge;
mod identity;
mod logging;
mod network;
mod rules_a;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::collect::cloudformation::{reference, CfnResource};
use crate::model::{unknown, unknown_reason, Location, Provenance, Resource, SourceKind};

const PARSER: &str = "saphyr";

/// Normalizes resources into canonical kinds; types with no kind are skipped. Output is
/// sorted by (address, kind).
pub fn normalize(resources: &[CfnResource]) -> Vec<Resource> {
    let mut by_template: BTreeMap<&str, Vec<&CfnResource>> = BTreeMap::new();
    for r in resources {
        by_template.entry(r.template.as_str()).or_default().push(r);
    }
    let mut out = Vec::new();
    for group in by_template.values() {
        out.extend(Template::new(group).normalize());
    }
    out.sort_by(|a, b| (&a.address, &a.kind, &a.location).cmp(&(&b.address, &b.kind, &b.location)));
    out
}

/// Resources of one root template, indexed by address.
struct Template<'a> {
    all: &'a [&'a CfnResource],
}

/// How a join argument names its target.
enum Target {
    One(usize),
    /// Outside this template: nothing to join.
    Outside,
    /// Not determined: every candidate gets the attribute as unknown.
    Unknown(String),
}

impl<'a> Template<'a> {
    fn new(all: &'a [&'a CfnResource]) -> Self {
        Self { all }
    }

    fn of_type(&self, t: &str) -> Vec<&'a CfnResource> {
        self.all
            .iter()
            .copied()
            .filter(|r| r.resource_type == t)
            .collect()
    }

    fn normalize(&self) -> Vec<Resource> {
        let mut out = Vec::new();
        out.extend(self.buckets());
        out.extend(self.security_groups());
        out.extend(self.kms_keys());
        out.extend(self.iam_policies());
        out.extend(rules_a::messaging(self));
        out.extend(rules_a::efs(self));
        out.extend(rules_a::secrets(self));
        out.extend(rules_a::threat(self));
        out.extend(edge::resources(self));
        out.extend(compute::resources(self));
        out.extend(network::resources(self));
        out.extend(logging::resources(self));
        out.extend(identity::resources(self));
        for r in self.all {
            if let Some(b) = simple(r) {
                out.push(b.build());
            }
        }
        self.attach_trail_buckets(&mut out);
        out.extend(datastores::resources(self.all));
        datastores::enrich_rds(self.all, &mut out);
        out
    }

    /// Sets every trail's `log_bucket` to the normalized attributes of the bucket named by
    /// its `S3BucketName` (see the Terraform adapter's `logging` module for why the join
    /// lives here); unknown when the bucket is not in the template.
    fn attach_trail_buckets(&self, out: &mut [Resource]) {
        let buckets = self.of_type("AWS::S3::Bucket");
        for trail in self.of_type("AWS::CloudTrail::Trail") {
            let value =
                match Self::target(trail.properties.get("S3BucketName"), &buckets, "BucketName") {
                    Target::One(i) => buckets
                        .get(i)
                        .and_then(|b| {
                            out.iter()
                                .find(|r| r.kind == "aws.s3.bucket" && r.address == b.address)
                        })
                        .map_or_else(
                            || unknown("the trail's bucket was not normalized"),
                            |r| r.attributes.clone(),
                        ),
                    Target::Outside => {
                        unknown("the trail's log bucket is not part of the template")
                    }
                    Target::Unknown(reason) => {
                        unknown(format!("the trail's log bucket is not known: {reason}"))
                    }
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

    /// Resolves a join argument against `targets` by reference or by the literal value of
    /// each target's `name_prop`.
    fn target(value: Option<&Value>, targets: &[&CfnResource], name_prop: &str) -> Target {
        let Some(value) = value else {
            return Target::Unknown("the target is not set".to_owned());
        };
        if let Some(reason) = unknown_reason(value) {
            return Target::Unknown(reason.to_owned());
        }
        let Some(s) = value.as_str() else {
            return Target::Unknown(format!("the target is not a name: {value}"));
        };
        if let Some(r) = reference(s) {
            // `${Addr}` or `${Addr.Attribute}`: the longest known address prefix wins
            // (nested stack addresses contain dots).
            for (i, t) in targets.iter().enumerate() {
                if r == t.address
                    || r.strip_prefix(t.address.as_str())
                        .is_some_and(|rest| rest.starts_with('.') && !rest[1..].contains('.'))
                {
                    return Target::One(i);
                }
            }
            return Target::Outside;
        }
        if s.contains("${") {
            return Target::Unknown(format!("the target `{s}` is known only after deployment"));
        }
        for (i, t) in targets.iter().enumerate() {
            if t.properties.get(name_prop).and_then(Value::as_str) == Some(s) {
                return Target::One(i);
            }
        }
        Target::Outside
    }

    // -----------------------------------------------------------------------------------
    // S3

    fn buckets(&self) -> Vec<Resource> {
        let buckets = self.of_type("AWS::S3::Bucket");
        let mut builders: Vec<Builder> = buckets.iter().map(|r| bucket(r)).collect();
        for pol in self.of_type("AWS::S3::BucketPolicy") {
            let doc = policy_document(&pol.properties, "PolicyDocument");
            match Self::target(pol.properties.get("Bucket"), &buckets, "BucketName") {
                Target::One(i) => {
                    if let Some(b) = builders.get_mut(i) {
                        b.set("policy", doc);
                        b.join(pol);
                        b.locate_at("policy", pol, "PolicyDocument");
                    }
                }
                Target::Outside => {}
                Target::Unknown(reason) => {
                    for b in &mut builders {
                        if b.attrs.get("policy").is_some_and(Value::is_null) {
                            b.set(
                                "policy",
                                unknown(format!(
                                    "bucket policy {} may apply to this bucket: {reason}",
                                    pol.address
                                )),
                            );
                            b.locate_block("policy", pol);
                        }
                    }
                }
            }
        }
        builders.into_iter().map(Builder::build).collect()
    }

    // -----------------------------------------------------------------------------------
    // Security groups

    fn security_groups(&self) -> Vec<Resource> {
        let groups = self.of_type("AWS::EC2::SecurityGroup");
        let mut builders: Vec<Builder> = Vec::new();
        let mut lists: Vec<[Result<Vec<Value>, Value>; 2]> = Vec::new();
        for g in &groups {
            let p = &g.properties;
            let mut b = Builder::new("aws.ec2.security_group", g);
            let name = match arg(p, "GroupName") {
                Arg::Absent => unknown("group name is generated at deployment"),
                _ => string(p, "GroupName"),
            };
            b.arg("name", name, "GroupName");
            b.arg(
                "description",
                string(p, "GroupDescription"),
                "GroupDescription",
            );
            b.arg("vpc_id", string(p, "VpcId"), "VpcId");
            b.arg("tags", tags(p), "Tags");
            let mut pair = [Ok(Vec::new()), Ok(Vec::new())];
            for (d, key) in [(0usize, "SecurityGroupIngress"), (1, "SecurityGroupEgress")] {
                let dir = if d == 0 { "ingress" } else { "egress" };
                match arg(p, key) {
                    Arg::Absent if d == 1 => {
                        // EC2 adds an allow-all egress rule unless egress rules are given.
                        pair[1] = Ok(vec![sg_rule(
                            &serde_json::json!({"IpProtocol": "-1", "CidrIp": "0.0.0.0/0"}),
                            Dir::Egress,
                        )]);
                    }
                    Arg::Absent => {}
                    Arg::Unknown(m) => pair[d] = Err(m),
                    Arg::Known(Value::Array(items)) => {
                        let mut rules = Vec::new();
                        for (i, item) in items.iter().enumerate() {
                            let src = format!("{key}.{i}");
                            let path = format!("{dir}.{}", rules.len());
                            if unknown_reason(item).is_some() {
                                rules.push(item.clone());
                            } else {
                                rules.push(sg_rule(
                                    item,
                                    if d == 0 { Dir::Ingress } else { Dir::Egress },
                                ));
                                for (field, src_field) in RULE_FIELDS {
                                    b.locate_at(
                                        &format!("{path}.{field}"),
                                        g,
                                        &format!("{src}.{src_field}"),
                                    );
                                }
                            }
                            b.locate_at(&path, g, &src);
                        }
                        pair[d] = Ok(rules);
                    }
                    Arg::Known(other) => {
                        pair[d] = Err(unknown(format!("`{key}` is not a list: {other}")));
                    }
                }
            }
            builders.push(b);
            lists.push(pair);
        }
        for (rtype, d) in [
            ("AWS::EC2::SecurityGroupIngress", 0usize),
            ("AWS::EC2::SecurityGroupEgress", 1usize),
        ] {
            let dir = if d == 0 { Dir::Ingress } else { Dir::Egress };
            for rule in self.of_type(rtype) {
                let p = &rule.properties;
                let target = match p.get("GroupId") {
                    Some(v) => Self::target(Some(v), &groups, "GroupName"),
                    None => Self::target(p.get("GroupName"), &groups, "GroupName"),
                };
                match target {
                    Target::One(i) => {
                        if let (Some(b), Some(pair)) = (builders.get_mut(i), lists.get_mut(i)) {
                            if let Ok(list) = &mut pair[d] {
                                let path = format!("{}.{}", dir.key(), list.len());
                                b.locate_block(&path, rule);
                                for (field, src_field) in RULE_FIELDS {
                                    b.locate_at(&format!("{path}.{field}"), rule, src_field);
                                }
                                list.push(sg_rule(p, dir));
                            }
                            b.join(rule);
                        }
                    }
                    Target::Outside => {}
                    Target::Unknown(reason) => {
                        for (b, pair) in builders.iter_mut().zip(lists.iter_mut()) {
                            if let Ok(list) = &mut pair[d] {
                                b.locate_block(&format!("{}.{}", dir.key(), list.len()), rule);
                                list.push(unknown(format!(
                                    "rule {} may belong to this group: {reason}",
                                    rule.address
                                )));
                            }
                        }
                    }
                }
            }
        }
        builders
            .into_iter()
            .zip(lists)
            .map(|(mut b, [ingress, egress])| {
                b.set("ingress", ingress.map_or_else(|m| m, Value::Array));
                b.set("egress", egress.map_or_else(|m| m, Value::Array));
                b.build()
            })
            .collect()
    }

    // -----------------------------------------------------------------------------------
    // KMS

    fn kms_keys(&self) -> Vec<Resource> {
        let keys = self.of_type("AWS::KMS::Key");
        let mut builders: Vec<Builder> = keys.iter().map(|k| kms_key(k)).collect();
        let mut aliases: Vec<Vec<String>> = vec![Vec::new(); keys.len()];
        for alias in self.of_type("AWS::KMS::Alias") {
            let Some(name) = alias.properties.get("AliasName").and_then(Value::as_str) else {
                continue;
            };
            if name.contains("${") {
                continue;
            }
            // Aliases carry no judged setting: one whose key is unknown or outside the
            // template is left out (same choice as the Terraform adapter).
            if let Target::One(i) = Self::target(alias.properties.get("TargetKeyId"), &keys, "") {
                if let (Some(list), Some(b)) = (aliases.get_mut(i), builders.get_mut(i)) {
                    list.push(name.to_owned());
                    b.join(alias);
                    b.locate_block("aliases", alias);
                }
            }
        }
        builders
            .into_iter()
            .zip(aliases)
            .map(|(mut b, mut names)| {
                names.sort();
                names.dedup();
                b.set(
                    "aliases",
                    Value::Array(names.into_iter().map(Value::String).collect()),
                );
                b.build()
            })
            .collect()
    }

    // -----------------------------------------------------------------------------------
    // IAM

    fn iam_policies(&self) -> Vec<Resource> {
        let mut out = Vec::new();
        for r in self.all {
            let p = &r.properties;
            match r.resource_type.as_str() {
                "AWS::IAM::ManagedPolicy" => {
                    let mut b = Builder::new("aws.iam.policy", r);
                    let name = match arg(p, "ManagedPolicyName") {
                        Arg::Absent => unknown("policy name is generated at deployment"),
                        _ => string(p, "ManagedPolicyName"),
                    };
                    b.arg("name", name, "ManagedPolicyName");
                    b.set("type", Value::String("managed".into()));
                    b.set("attached_to", Value::Null);
                    b.set("arn", Value::Null);
                    b.arg(
                        "document",
                        policy_document(p, "PolicyDocument"),
                        "PolicyDocument",
                    );
                    out.push(b.build());
                }
                "AWS::IAM::Policy" => {
                    // An AWS::IAM::Policy is inline in every role, user and group it lists.
                    let mut b = Builder::new("aws.iam.policy", r);
                    b.arg("name", string(p, "PolicyName"), "PolicyName");
                    b.set("type", Value::String("inline".into()));
                    let attached = ["Roles", "Users", "Groups"]
                        .iter()
                        .zip(["role", "user", "group"])
                        .find_map(|(key, kind)| {
                            let first = p.get(*key)?.as_array()?.first()?.clone();
                            Some((key, kind, first))
                        });
                    match attached {
                        Some((key, kind, first)) => {
                            let name = match first {
                                Value::String(s) => Value::String(s),
                                v if unknown_reason(&v).is_some() => v,
                                other => unknown(format!("identity is not a name: {other}")),
                            };
                            b.arg(
                                "attached_to",
                                obj([("type", Value::String(kind.into())), ("name", name)]),
                                key,
                            );
                        }
                        None => b.set("attached_to", Value::Null),
                    }
                    b.set("arn", Value::Null);
                    b.arg(
                        "document",
                        policy_document(p, "PolicyDocument"),
                        "PolicyDocument",
                    );
                    out.push(b.build());
                }
                "AWS::IAM::Role" | "AWS::IAM::User" | "AWS::IAM::Group" => {
                    let (kind, name_key) = match r.resource_type.as_str() {
                        "AWS::IAM::Role" => ("role", "RoleName"),
                        "AWS::IAM::User" => ("user", "UserName"),
                        _ => ("group", "GroupName"),
                    };
                    let identity = match arg(p, name_key) {
                        Arg::Absent => Value::String(format!("${{{}}}", r.address)),
                        _ => string(p, name_key),
                    };
                    let policies = match p.get("Policies") {
                        Some(Value::Array(items)) => items,
                        _ => continue,
                    };
                    for (i, pol) in policies.iter().enumerate() {
                        let pname = pol
                            .get("PolicyName")
                            .and_then(Value::as_str)
                            .map_or_else(|| i.to_string(), str::to_owned);
                        let mut b = Builder::new("aws.iam.policy", r);
                        b.address = format!("{}.Policies.{pname}", r.address);
                        b.set_at(
                            "name",
                            string(pol, "PolicyName"),
                            r,
                            &format!("Policies.{i}.PolicyName"),
                        );
                        b.set("type", Value::String("inline".into()));
                        b.set(
                            "attached_to",
                            obj([
                                ("type", Value::String(kind.into())),
                                ("name", identity.clone()),
                            ]),
                        );
                        b.set("arn", Value::Null);
                        b.set_at(
                            "document",
                            policy_document(pol, "PolicyDocument"),
                            r,
                            &format!("Policies.{i}.PolicyDocument"),
                        );
                        if let Some(&(s, e)) = r.property_lines.get(&format!("Policies.{i}")) {
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
}

/// One-to-one mappings.
fn simple(r: &CfnResource) -> Option<Builder> {
    let p = &r.properties;
    let b = match r.resource_type.as_str() {
        "AWS::RDS::DBInstance" => {
            let mut b = Builder::new("aws.rds.db_instance", r);
            let cluster = string(p, "DBClusterIdentifier");
            let member = !cluster.is_null();
            b.arg(
                "identifier",
                generated(p, "DBInstanceIdentifier"),
                "DBInstanceIdentifier",
            );
            b.arg("engine", string(p, "Engine"), "Engine");
            b.arg(
                "engine_version",
                string(p, "EngineVersion"),
                "EngineVersion",
            );
            if member {
                // Encryption, backups and IAM auth of a cluster member are the cluster's.
                for k in [
                    "storage_encrypted",
                    "kms_key_id",
                    "iam_database_authentication_enabled",
                    "backup_retention_period",
                    "deletion_protection",
                ] {
                    b.set(k, Value::Null);
                }
            } else {
                let encrypted = match arg(p, "StorageEncrypted") {
                    Arg::Absent if !matches!(arg(p, "SourceDBInstanceIdentifier"), Arg::Absent) => {
                        unknown("storage encryption is inherited from `SourceDBInstanceIdentifier`")
                    }
                    Arg::Absent if !matches!(arg(p, "DBSnapshotIdentifier"), Arg::Absent) => {
                        unknown("storage encryption is inherited from `DBSnapshotIdentifier`")
                    }
                    _ => boolean(p, "StorageEncrypted", Some(false)),
                };
                b.arg("storage_encrypted", encrypted, "StorageEncrypted");
                b.arg("kms_key_id", string(p, "KmsKeyId"), "KmsKeyId");
                b.arg(
                    "iam_database_authentication_enabled",
                    boolean(p, "EnableIAMDatabaseAuthentication", Some(false)),
                    "EnableIAMDatabaseAuthentication",
                );
                b.arg(
                    "backup_retention_period",
                    integer(p, "BackupRetentionPeriod"),
                    "BackupRetentionPeriod",
                );
                b.arg(
                    "deletion_protection",
                    boolean(p, "DeletionProtection", Some(false)),
                    "DeletionProtection",
                );
            }
            b.arg("tags", tags(p), "Tags");
            b.arg(
                "instance_class",
                string(p, "DBInstanceClass"),
                "DBInstanceClass",
            );
            b.arg("cluster_identifier", cluster, "DBClusterIdentifier");
            // CloudFormation: PubliclyAccessible defaults depend on the subnet group (a
            // default-VPC instance is public); without a subnet group it is true.
            let public = match arg(p, "PubliclyAccessible") {
                Arg::Absent if matches!(arg(p, "DBSubnetGroupName"), Arg::Absent) && !member => {
                    unknown("PubliclyAccessible is not set: the default depends on the VPC the instance lands in")
                }
                _ => boolean(p, "PubliclyAccessible", Some(false)),
            };
            b.arg("publicly_accessible", public, "PubliclyAccessible");
            b.arg(
                "multi_az",
                if member {
                    Value::Null
                } else {
                    boolean(p, "MultiAZ", Some(false))
                },
                "MultiAZ",
            );
            b.arg(
                "auto_minor_version_upgrade",
                boolean(p, "AutoMinorVersionUpgrade", Some(true)),
                "AutoMinorVersionUpgrade",
            );
            b
        }
        "AWS::RDS::DBCluster" => {
            let mut b = Builder::new("aws.rds.cluster", r);
            b.arg(
                "identifier",
                generated(p, "DBClusterIdentifier"),
                "DBClusterIdentifier",
            );
            b.arg("engine", string(p, "Engine"), "Engine");
            b.arg(
                "engine_version",
                string(p, "EngineVersion"),
                "EngineVersion",
            );
            let serverless = p.get("EngineMode").and_then(Value::as_str) == Some("serverless");
            let encrypted = match arg(p, "StorageEncrypted") {
                Arg::Absent if !matches!(arg(p, "SnapshotIdentifier"), Arg::Absent) => {
                    unknown("storage encryption is inherited from `SnapshotIdentifier`")
                }
                Arg::Absent if !matches!(arg(p, "SourceDBClusterIdentifier"), Arg::Absent) => {
                    unknown("storage encryption is inherited from `SourceDBClusterIdentifier`")
                }
                // Serverless v1 clusters are always encrypted; a KmsKeyId implies encryption.
                Arg::Absent if serverless || !matches!(arg(p, "KmsKeyId"), Arg::Absent) => {
                    Value::Bool(true)
                }
                _ => boolean(p, "StorageEncrypted", Some(false)),
            };
            b.arg("storage_encrypted", encrypted, "StorageEncrypted");
            b.arg("kms_key_id", string(p, "KmsKeyId"), "KmsKeyId");
            b.arg(
                "iam_database_authentication_enabled",
                boolean(p, "EnableIAMDatabaseAuthentication", Some(false)),
                "EnableIAMDatabaseAuthentication",
            );
            b.arg(
                "backup_retention_period",
                integer(p, "BackupRetentionPeriod"),
                "BackupRetentionPeriod",
            );
            b.arg(
                "deletion_protection",
                boolean(p, "DeletionProtection", Some(false)),
                "DeletionProtection",
            );
            b.arg("tags", tags(p), "Tags");
            b.arg("engine_mode", string(p, "EngineMode"), "EngineMode");
            b
        }
        "AWS::EC2::Volume" => {
            let mut b = Builder::new("aws.ec2.volume", r);
            b.props(
                p,
                &[
                    ("availability_zone", "AvailabilityZone", Read::Str),
                    ("size", "Size", Read::Int),
                    ("type", "VolumeType", Read::Str),
                    ("kms_key_id", "KmsKeyId", Read::Str),
                    ("snapshot_id", "SnapshotId", Read::Str),
                    ("tags", "Tags", Read::Tags),
                ],
            );
            let encrypted = match arg(p, "Encrypted") {
                Arg::Absent if !matches!(arg(p, "SnapshotId"), Arg::Absent) => {
                    unknown("encryption of a volume restored from a snapshot follows the snapshot")
                }
                _ => boolean(p, "Encrypted", Some(false)),
            };
            b.arg("encrypted", encrypted, "Encrypted");
            b
        }
        "AWS::CloudTrail::Trail" => cloudtrail(r),
        "AWS::GuardDuty::Detector" => {
            let mut b = Builder::new("aws.guardduty.detector", r);
            b.props(
                p,
                &[
                    ("enabled", "Enable", Read::Bool(None)),
                    (
                        "finding_publishing_frequency",
                        "FindingPublishingFrequency",
                        Read::Str,
                    ),
                    ("tags", "Tags", Read::Tags),
                ],
            );
            b.arg("features", guardduty_features(p), "Features");
            b
        }
        "AWS::Serverless::Api" => {
            let mut b = Builder::new("aws.apigateway.rest_api", r);
            b.arg("name", string(p, "Name"), "Name");
            b.arg("stage_name", string(p, "StageName"), "StageName");
            b.arg("tags", plain_tags(p), "Tags");
            b
        }
        "AWS::Serverless::SimpleTable" => {
            let mut b = Builder::new("aws.dynamodb.table", r);
            b.arg("name", string(p, "TableName"), "TableName");
            let sse = match p.get("SSESpecification") {
                Some(s) => boolean(s, "SSEEnabled", Some(false)),
                None => Value::Bool(false),
            };
            b.arg("sse_enabled", sse, "SSESpecification");
            // SAM SimpleTable has no point-in-time recovery setting: it is off.
            b.set("point_in_time_recovery_enabled", Value::Bool(false));
            b.arg("tags", plain_tags(p), "Tags");
            b
        }
        _ => return None,
    };
    Some(b)
}

fn bucket(r: &CfnResource) -> Builder {
    let p = &r.properties;
    let mut b = Builder::new("aws.s3.bucket", r);
    b.arg("name", generated(p, "BucketName"), "BucketName");
    // Encryption: the first rule with a default.
    let enc = match arg(p, "BucketEncryption") {
        Arg::Absent => Value::Null,
        Arg::Unknown(m) => m,
        Arg::Known(e) => match arg(e, "ServerSideEncryptionConfiguration") {
            Arg::Absent => Value::Null,
            Arg::Unknown(m) => m,
            Arg::Known(Value::Array(rules)) => {
                let mut found = Value::Null;
                for (i, rule) in rules.iter().enumerate() {
                    if unknown_reason(rule).is_some() {
                        found = rule.clone();
                        break;
                    }
                    let src = format!("BucketEncryption.ServerSideEncryptionConfiguration.{i}");
                    match arg(rule, "ServerSideEncryptionByDefault") {
                        Arg::Absent => continue,
                        Arg::Unknown(m) => found = m,
                        Arg::Known(d) => {
                            found = obj([
                                ("sse_algorithm", enum_str(d, "SSEAlgorithm")),
                                ("kms_master_key_id", string(d, "KMSMasterKeyID")),
                                (
                                    "bucket_key_enabled",
                                    boolean(rule, "BucketKeyEnabled", None),
                                ),
                            ]);
                            let def = format!("{src}.ServerSideEncryptionByDefault");
                            b.locate_own(
                                "encryption.sse_algorithm",
                                &format!("{def}.SSEAlgorithm"),
                            );
                            b.locate_own(
                                "encryption.kms_master_key_id",
                                &format!("{def}.KMSMasterKeyID"),
                            );
                            b.locate_own(
                                "encryption.bucket_key_enabled",
                                &format!("{src}.BucketKeyEnabled"),
                            );
                        }
                    }
                    break;
                }
                found
            }
            Arg::Known(other) => unknown(format!(
                "ServerSideEncryptionConfiguration is not a list: {other}"
            )),
        },
    };
    b.arg("encryption", enc, "BucketEncryption");
    let pab = match arg(p, "PublicAccessBlockConfiguration") {
        Arg::Absent => Value::Null,
        Arg::Unknown(m) => m,
        Arg::Known(c) => {
            let mut m = Map::new();
            for (key, src) in PAB {
                m.insert(key.to_owned(), boolean(c, src, Some(false)));
                b.locate_own(
                    &format!("public_access_block.{key}"),
                    &format!("PublicAccessBlockConfiguration.{src}"),
                );
            }
            Value::Object(m)
        }
    };
    b.arg("public_access_block", pab, "PublicAccessBlockConfiguration");
    let acl = match arg(p, "AccessControl") {
        Arg::Absent => Value::Null,
        Arg::Unknown(m) => m,
        Arg::Known(Value::String(s)) => {
            let canned = match canned_acl(s) {
                Some(c) => Value::String(c.to_owned()),
                None if s.contains("${") => unknown(format!(
                    "AccessControl is `{s}`, known only after deployment"
                )),
                None => unknown(format!("AccessControl `{s}` is not a canned ACL")),
            };
            obj([("canned", canned), ("grants", Value::Array(Vec::new()))])
        }
        Arg::Known(other) => unknown(format!("AccessControl is not a string: {other}")),
    };
    b.arg("acl", acl, "AccessControl");
    b.locate_own("acl.canned", "AccessControl");
    let ownership = match arg(p, "OwnershipControls") {
        Arg::Absent => Value::Null,
        Arg::Unknown(m) => m,
        Arg::Known(o) => match o
            .get("Rules")
            .and_then(Value::as_array)
            .and_then(|r| r.first())
        {
            Some(rule) => enum_str(rule, "ObjectOwnership"),
            None => Value::Null,
        },
    };
    b.arg("object_ownership", ownership, "OwnershipControls");
    b.set("policy", Value::Null);
    b.set("policy_is_public", Value::Null);
    let versioning = match arg(p, "VersioningConfiguration") {
        Arg::Absent => Value::Null,
        Arg::Unknown(m) => m,
        Arg::Known(v) => {
            let enabled = match enum_str(v, "Status") {
                Value::String(s) => Value::Bool(s == "Enabled"),
                Value::Null => unknown("VersioningConfiguration.Status is not set"),
                other => other,
            };
            b.locate_own("versioning.enabled", "VersioningConfiguration.Status");
            obj([("enabled", enabled), ("mfa_delete", Value::Null)])
        }
    };
    b.arg("versioning", versioning, "VersioningConfiguration");
    let logging = match arg(p, "LoggingConfiguration") {
        Arg::Absent => Value::Null,
        Arg::Unknown(m) => m,
        Arg::Known(l) => obj([
            ("enabled", Value::Bool(true)),
            ("target_bucket", string(l, "DestinationBucketName")),
            ("target_prefix", string(l, "LogFilePrefix")),
        ]),
    };
    b.arg("logging", logging, "LoggingConfiguration");
    let lock_enabled = boolean(p, "ObjectLockEnabled", None);
    let lock = match (&lock_enabled, arg(p, "ObjectLockConfiguration")) {
        (Value::Null, Arg::Absent) => Value::Null,
        (_, Arg::Unknown(m)) => m,
        (_, conf) => {
            let retention = match conf {
                Arg::Known(c) => c.get("Rule").and_then(|r| r.get("DefaultRetention")),
                _ => None,
            };
            let enabled = match (&lock_enabled, conf) {
                (Value::Null, Arg::Known(c)) => match enum_str(c, "ObjectLockEnabled") {
                    Value::String(s) => Value::Bool(s == "Enabled"),
                    other => other,
                },
                (v, _) => v.clone(),
            };
            match retention {
                Some(r) => obj([
                    ("enabled", enabled),
                    ("mode", enum_str(r, "Mode")),
                    ("days", integer(r, "Days")),
                    ("years", integer(r, "Years")),
                ]),
                None => obj([
                    ("enabled", enabled),
                    ("mode", Value::Null),
                    ("days", Value::Null),
                    ("years", Value::Null),
                ]),
            }
        }
    };
    b.arg("object_lock", lock, "ObjectLockConfiguration");
    b.arg("tags", tags(p), "Tags");
    b
}

const PAB: [(&str, &str); 4] = [
    ("block_public_acls", "BlockPublicAcls"),
    ("block_public_policy", "BlockPublicPolicy"),
    ("ignore_public_acls", "IgnorePublicAcls"),
    ("restrict_public_buckets", "RestrictPublicBuckets"),
];

fn canned_acl(s: &str) -> Option<&'static str> {
    Some(match s {
        "Private" => "private",
        "PublicRead" => "public-read",
        "PublicReadWrite" => "public-read-write",
        "AuthenticatedRead" => "authenticated-read",
        "AwsExecRead" => "aws-exec-read",
        "BucketOwnerRead" => "bucket-owner-read",
        "BucketOwnerFullControl" => "bucket-owner-full-control",
        "LogDeliveryWrite" => "log-delivery-write",
        _ => return None,
    })
}

fn kms_key(r: &CfnResource) -> Builder {
    let p = &r.properties;
    let mut b = Builder::new("aws.kms.key", r);
    b.arg("description", string(p, "Description"), "Description");
    b.set("key_manager", Value::String("CUSTOMER".into()));
    let spec = match arg(p, "KeySpec") {
        Arg::Absent => Value::String("SYMMETRIC_DEFAULT".into()),
        _ => enum_str(p, "KeySpec"),
    };
    b.arg("key_spec", spec, "KeySpec");
    let usage = match arg(p, "KeyUsage") {
        Arg::Absent => Value::String("ENCRYPT_DECRYPT".into()),
        _ => enum_str(p, "KeyUsage"),
    };
    b.arg("key_usage", usage, "KeyUsage");
    let origin = match arg(p, "Origin") {
        Arg::Absent => Value::String("AWS_KMS".into()),
        _ => enum_str(p, "Origin"),
    };
    b.arg("origin", origin, "Origin");
    b.arg("enabled", boolean(p, "Enabled", Some(true)), "Enabled");
    b.set("key_state", Value::Null);
    b.arg(
        "rotation_enabled",
        boolean(p, "EnableKeyRotation", Some(false)),
        "EnableKeyRotation",
    );
    b.arg(
        "rotation_period_days",
        integer(p, "RotationPeriodInDays"),
        "RotationPeriodInDays",
    );
    b.arg(
        "deletion_window_days",
        integer(p, "PendingWindowInDays"),
        "PendingWindowInDays",
    );
    b.arg(
        "multi_region",
        boolean(p, "MultiRegion", Some(false)),
        "MultiRegion",
    );
    b.arg("policy", policy_document(p, "KeyPolicy"), "KeyPolicy");
    b.set("aliases", Value::Array(Vec::new()));
    b.arg("tags", tags(p), "Tags");
    b
}

fn cloudtrail(r: &CfnResource) -> Builder {
    let p = &r.properties;
    let mut b = Builder::new("aws.cloudtrail.trail", r);
    b.props(
        p,
        &[
            ("name", "TrailName", Read::Str),
            // IsLogging is required by CloudFormation; absent means the template is invalid.
            ("is_logging", "IsLogging", Read::Bool(None)),
            (
                "is_multi_region_trail",
                "IsMultiRegionTrail",
                Read::Bool(Some(false)),
            ),
            (
                "is_organization_trail",
                "IsOrganizationTrail",
                Read::Bool(Some(false)),
            ),
            (
                "include_global_service_events",
                "IncludeGlobalServiceEvents",
                Read::Bool(Some(true)),
            ),
            (
                "log_file_validation_enabled",
                "EnableLogFileValidation",
                Read::Bool(Some(false)),
            ),
            ("kms_key_id", "KMSKeyId", Read::Str),
            ("s3_bucket_name", "S3BucketName", Read::Str),
            (
                "cloud_watch_logs_group_arn",
                "CloudWatchLogsLogGroupArn",
                Read::Str,
            ),
        ],
    );
    let selectors = map_list(p, "EventSelectors", |sel| {
        let resources = map_list(sel, "DataResources", |dr| {
            obj([
                ("type", string(dr, "Type")),
                ("values", strings(dr, "Values")),
            ])
        });
        obj([
            (
                "read_write_type",
                match arg(sel, "ReadWriteType") {
                    Arg::Absent => Value::String("All".into()),
                    _ => enum_str(sel, "ReadWriteType"),
                },
            ),
            (
                "include_management_events",
                boolean(sel, "IncludeManagementEvents", Some(true)),
            ),
            (
                "exclude_management_event_sources",
                strings(sel, "ExcludeManagementEventSources"),
            ),
            ("data_resources", resources),
        ])
    });
    b.arg("event_selectors", selectors, "EventSelectors");
    let advanced = map_list(p, "AdvancedEventSelectors", |sel| {
        let fields = map_list(sel, "FieldSelectors", |f| {
            obj([
                ("field", string(f, "Field")),
                ("equals", strings(f, "Equals")),
                ("not_equals", strings(f, "NotEquals")),
                ("starts_with", strings(f, "StartsWith")),
                ("not_starts_with", strings(f, "NotStartsWith")),
                ("ends_with", strings(f, "EndsWith")),
                ("not_ends_with", strings(f, "NotEndsWith")),
            ])
        });
        obj([("name", string(sel, "Name")), ("field_selectors", fields)])
    });
    b.arg(
        "advanced_event_selectors",
        advanced,
        "AdvancedEventSelectors",
    );
    b.arg("tags", tags(p), "Tags");
    b
}

/// GuardDuty features: `Features` (current) and the legacy `DataSources` mapped onto the
/// API feature names, sorted by name.
fn guardduty_features(p: &Value) -> Value {
    let mut features: BTreeMap<String, Value> = BTreeMap::new();
    if let Some(ds) = p.get("DataSources") {
        if let Some(reason) = unknown_reason(ds) {
            return unknown(reason);
        }
        let legacy: [(&str, &[&str]); 3] = [
            ("S3_DATA_EVENTS", &["S3Logs", "Enable"]),
            ("EKS_AUDIT_LOGS", &["Kubernetes", "AuditLogs", "Enable"]),
            (
                "EBS_MALWARE_PROTECTION",
                &[
                    "MalwareProtection",
                    "ScanEc2InstanceWithFindings",
                    "EbsVolumes",
                ],
            ),
        ];
        for (name, path) in legacy {
            let mut cur = Some(ds);
            for seg in path {
                cur = cur.and_then(|c| c.get(*seg));
            }
            let status = match cur {
                None => continue,
                Some(v) => match boolean(&obj([("x", v.clone())]), "x", None) {
                    Value::Bool(on) => {
                        Value::String(if on { "ENABLED" } else { "DISABLED" }.into())
                    }
                    other => other,
                },
            };
            features.insert(
                name.to_owned(),
                obj([("name", Value::String(name.into())), ("status", status)]),
            );
        }
    }
    match arg(p, "Features") {
        Arg::Unknown(m) => return m,
        Arg::Known(Value::Array(items)) => {
            for f in items {
                let Some(name) = f.get("Name").and_then(Value::as_str) else {
                    continue;
                };
                features.insert(
                    name.to_owned(),
                    obj([
                        ("name", Value::String(name.into())),
                        ("status", enum_str(f, "Status")),
                    ]),
                );
            }
        }
        _ => {}
    }
    Value::Array(features.into_values().collect())
}

// ---------------------------------------------------------------------------------------
// Security group rules

#[derive(Clone, Copy)]
enum Dir {
    Ingress,
    Egress,
}

impl Dir {
    fn key(self) -> &'static str {
        match self {
            Dir::Ingress => "ingress",
            Dir::Egress => "egress",
        }
    }
}

/// Normalized rule field → CloudFormation property (for ingress; egress peers differ and
/// are located through the same names where they exist).
const RULE_FIELDS: [(&str, &str); 7] = [
    ("protocol", "IpProtocol"),
    ("from_port", "FromPort"),
    ("to_port", "ToPort"),
    ("cidr_ipv4", "CidrIp"),
    ("cidr_ipv6", "CidrIpv6"),
    ("source_security_groups", "SourceSecurityGroupId"),
    ("description", "Description"),
];

fn sg_rule(v: &Value, dir: Dir) -> Value {
    let proto = match enum_str(v, "IpProtocol") {
        Value::String(p) => {
            let p = p.trim().to_ascii_lowercase();
            Value::String(
                match p.as_str() {
                    "all" | "-1" => "-1",
                    "6" => "tcp",
                    "17" => "udp",
                    "1" => "icmp",
                    "58" => "icmpv6",
                    other => other,
                }
                .to_owned(),
            )
        }
        Value::Null => unknown("`IpProtocol` is not set"),
        other => other,
    };
    let (from, to) = if proto.as_str() == Some("-1") {
        (Value::Null, Value::Null)
    } else {
        (integer(v, "FromPort"), integer(v, "ToPort"))
    };
    let one = |key: &str| match string(v, key) {
        Value::Null => Value::Array(Vec::new()),
        Value::String(s) if s.contains("${") && key.starts_with("Cidr") => {
            Value::Array(vec![unknown(format!(
                "`{key}` is `{s}`, known only after deployment"
            ))])
        }
        other => Value::Array(vec![other]),
    };
    let (groups, prefix_lists) = match dir {
        Dir::Ingress => {
            let mut g = one("SourceSecurityGroupId");
            if let (Value::Array(list), Value::String(n)) =
                (&mut g, string(v, "SourceSecurityGroupName"))
            {
                list.push(Value::String(n));
            }
            (g, one("SourcePrefixListId"))
        }
        Dir::Egress => (
            one("DestinationSecurityGroupId"),
            one("DestinationPrefixListId"),
        ),
    };
    obj([
        ("protocol", proto),
        ("from_port", from),
        ("to_port", to),
        ("cidr_ipv4", one("CidrIp")),
        ("cidr_ipv6", one("CidrIpv6")),
        ("source_security_groups", groups),
        ("prefix_lists", prefix_lists),
        ("self", Value::Bool(false)),
        ("description", string(v, "Description")),
    ])
}

// ---------------------------------------------------------------------------------------
// Builder

struct Builder {
    kind: &'static str,
    address: String,
    location: Location,
    attrs: Map<String, Value>,
    locations: BTreeMap<String, Location>,
    source_types: Vec<String>,
    joined: Vec<String>,
    own_lines: BTreeMap<String, (u32, u32)>,
    file: String,
    /// The primary resource's `Condition`: a joined resource under the same condition
    /// exists whenever the primary does.
    condition: Option<String>,
    /// Joined resources whose `Condition` could not be decided (their block and why).
    uncertain: Vec<(Location, String)>,
}

impl Builder {
    fn new(kind: &'static str, r: &CfnResource) -> Self {
        Self {
            kind,
            address: r.address.clone(),
            location: block_location(r),
            attrs: Map::new(),
            locations: BTreeMap::new(),
            source_types: vec![r.resource_type.clone()],
            joined: Vec::new(),
            own_lines: r.property_lines.clone(),
            file: r.file.clone(),
            condition: r.condition.clone(),
            uncertain: Vec::new(),
        }
    }

    fn set(&mut self, key: &str, value: Value) {
        self.attrs.insert(key.to_owned(), value);
    }

    /// Sets `key` and locates it at the primary resource's property `src`.
    fn arg(&mut self, key: &str, value: Value, src: &str) {
        self.set(key, value);
        self.locate_own(key, src);
    }

    /// Sets `key` and locates it at the last of `srcs` the primary resource has (a nested
    /// property when present, else its enclosing block).
    fn arg_in(&mut self, key: &str, value: Value, srcs: &[&str]) {
        self.set(key, value);
        for src in srcs {
            self.locate_own(key, src);
        }
    }

    fn set_at(&mut self, key: &str, value: Value, r: &CfnResource, src: &str) {
        self.set(key, value);
        self.locate_at(key, r, src);
    }

    fn locate_own(&mut self, path: &str, src: &str) {
        if let Some(&(start, end)) = self.own_lines.get(src) {
            self.locations.insert(
                path.to_owned(),
                Location {
                    file: self.file.clone(),
                    start_line: start,
                    end_line: end,
                },
            );
        }
    }

    fn locate_at(&mut self, path: &str, r: &CfnResource, src: &str) {
        if let Some(&(start, end)) = r.property_lines.get(src) {
            self.locations.insert(
                path.to_owned(),
                Location {
                    file: r.file.clone(),
                    start_line: start,
                    end_line: end,
                },
            );
        }
    }

    fn locate_block(&mut self, path: &str, r: &CfnResource) {
        self.locations.insert(path.to_owned(), block_location(r));
    }

    fn join(&mut self, r: &CfnResource) {
        if !self.source_types.contains(&r.resource_type) {
            self.source_types.push(r.resource_type.clone());
        }
        if r.address != self.address && !self.joined.contains(&r.address) {
            self.joined.push(r.address.clone());
            if let Some(reason) = r
                .condition_unknown
                .as_ref()
                .filter(|_| r.condition != self.condition)
            {
                self.uncertain.push((
                    block_location(r),
                    format!("{} may not exist ({reason})", r.address),
                ));
            }
        }
    }

    fn build(mut self) -> Resource {
        super::unknown_where_uncertain(&mut self.attrs, &self.locations, &self.uncertain);
        Resource {
            kind: self.kind.to_owned(),
            address: self.address,
            source: SourceKind::Cloudformation,
            location: Some(self.location),
            module_chain: Vec::new(),
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

/// How [`Builder::props`] reads one property into one attribute.
#[derive(Clone, Copy)]
enum Read {
    /// [`string`]: free-form; a reference is known to be set.
    Str,
    /// [`enum_str`]: a reference is not enough to judge it.
    Enum,
    /// [`integer`].
    Int,
    /// [`strings`]: absent is `[]`.
    Strings,
    /// [`generated`]: absent is unknown (the name is generated at deployment).
    Generated,
    /// [`boolean`] with the documented default for an omitted property.
    Bool(Option<bool>),
    /// [`tags`] (the property is always `Tags`).
    Tags,
}

impl Read {
    fn read(self, values: &Value, key: &str) -> Value {
        match self {
            Read::Str => string(values, key),
            Read::Enum => enum_str(values, key),
            Read::Int => integer(values, key),
            Read::Strings => strings(values, key),
            Read::Generated => generated(values, key),
            Read::Bool(default) => boolean(values, key, default),
            Read::Tags => tags(values),
        }
    }
}

/// One row of a property table: (attribute, property, how to read it).
type Prop = (&'static str, &'static str, Read);

impl Builder {
    /// Table-driven one-to-one mappings from the primary resource's properties `p`, each
    /// located at its property.
    fn props(&mut self, p: &Value, table: &[Prop]) {
        for &(attr, prop, read) in table {
            self.arg(attr, read.read(p, prop), prop);
        }
    }

    /// `attr` as an object read by `table` from the nested property at `path` (dotted,
    /// e.g. `LaunchTemplateData.MetadataOptions`) of `p`: `null` when absent, the marker
    /// when unknown; every field is located at its property.
    fn nested(&mut self, attr: &str, p: &Value, path: &str, table: &[Prop]) {
        let mut cur = Arg::Known(p);
        for seg in path.split('.') {
            cur = match cur {
                Arg::Known(v) => arg(v, seg),
                other => other,
            };
        }
        let value = match cur {
            Arg::Absent => Value::Null,
            Arg::Unknown(m) => m,
            Arg::Known(v @ Value::Object(_)) => {
                let mut m = Map::new();
                for &(field, prop, read) in table {
                    m.insert(field.to_owned(), read.read(v, prop));
                    self.locate_own(&format!("{attr}.{field}"), &format!("{path}.{prop}"));
                }
                Value::Object(m)
            }
            Arg::Known(other) => unknown(format!("`{path}` is not an object: {other}")),
        };
        self.arg(attr, value, path);
    }
}

fn block_location(r: &CfnResource) -> Location {
    Location {
        file: r.file.clone(),
        start_line: r.start_line,
        end_line: r.end_line,
    }
}

// ---------------------------------------------------------------------------------------
// Reading evaluated properties

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

fn after_deploy(key: &str, s: &str) -> Value {
    unknown(format!("`{key}` is `{s}`, known only after deployment"))
}

/// A boolean property; CloudFormation also accepts the strings `true`/`false`.
fn boolean(values: &Value, key: &str, default: Option<bool>) -> Value {
    match arg(values, key) {
        Arg::Absent => default.map_or(Value::Null, Value::Bool),
        Arg::Unknown(m) => m,
        Arg::Known(Value::Bool(b)) => Value::Bool(*b),
        Arg::Known(Value::String(s)) if s.eq_ignore_ascii_case("true") => Value::Bool(true),
        Arg::Known(Value::String(s)) if s.eq_ignore_ascii_case("false") => Value::Bool(false),
        Arg::Known(Value::String(s)) if s.contains("${") => after_deploy(key, s),
        Arg::Known(other) => unknown(format!("`{key}` is not a boolean: {other}")),
    }
}

/// A free-form string property; references are kept (known to be set).
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

/// A name generated by CloudFormation when omitted.
fn generated(values: &Value, key: &str) -> Value {
    match arg(values, key) {
        Arg::Absent => unknown(format!(
            "`{key}` is not set: the name is generated at deployment"
        )),
        _ => string(values, key),
    }
}

/// A string from a fixed vocabulary: a reference is not enough to judge it.
fn enum_str(values: &Value, key: &str) -> Value {
    match string(values, key) {
        Value::String(s) if s.contains("${") => after_deploy(key, &s),
        other => other,
    }
}

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
            Err(_) if s.contains("${") => after_deploy(key, s),
            Err(_) => unknown(format!("`{key}` is not an integer: {s}")),
        },
        Arg::Known(other) => unknown(format!("`{key}` is not an integer: {other}")),
    }
}

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

/// `Tags: [{Key, Value}]` → `{key: value}`; none or empty is `null`.
fn tags(values: &Value) -> Value {
    match arg(values, "Tags") {
        Arg::Absent => Value::Null,
        Arg::Unknown(m) => m,
        Arg::Known(Value::Array(items)) => {
            let mut map = Map::new();
            for item in items {
                if let Some(reason) = unknown_reason(item) {
                    return unknown(reason);
                }
                match (item.get("Key").and_then(Value::as_str), item.get("Value")) {
                    (Some(k), Some(v)) => {
                        let v = match v {
                            Value::String(_) => v.clone(),
                            _ if unknown_reason(v).is_some() => v.clone(),
                            Value::Number(n) => Value::String(n.to_string()),
                            Value::Bool(b) => Value::String(b.to_string()),
                            other => unknown(format!("tag value is not a string: {other}")),
                        };
                        map.insert(k.to_owned(), v);
                    }
                    _ => return unknown("a tag has no literal Key"),
                }
            }
            if map.is_empty() {
                Value::Null
            } else {
                Value::Object(map)
            }
        }
        Arg::Known(Value::Object(map)) => plain_tags_map(map),
        Arg::Known(other) => unknown(format!("`Tags` is not a list: {other}")),
    }
}

/// SAM `Tags: {key: value}`.
fn plain_tags(values: &Value) -> Value {
    match arg(values, "Tags") {
        Arg::Known(Value::Object(map)) => plain_tags_map(map),
        _ => tags(values),
    }
}

fn plain_tags_map(map: &Map<String, Value>) -> Value {
    if map.is_empty() {
        Value::Null
    } else {
        Value::Object(map.clone())
    }
}

fn map_list(values: &Value, key: &str, f: impl Fn(&Value) -> Value) -> Value {
    match arg(values, key) {
        Arg::Absent => Value::Array(Vec::new()),
        Arg::Unknown(m) => m,
        Arg::Known(Value::Array(items)) => Value::Array(
            items
                .iter()
                .map(|i| {
                    if unknown_reason(i).is_some() {
                        i.clone()
                    } else {
                        f(i)
                    }
                })
                .collect(),
        ),
        Arg::Known(other) => unknown(format!("`{key}` is not a list: {other}")),
    }
}

fn obj<const N: usize>(pairs: [(&str, Value); N]) -> Value {
    Value::Object(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

/// A policy document: an object, or (JSON templates) a JSON string.
fn policy_document(values: &Value, key: &str) -> Value {
    match arg(values, key) {
        Arg::Absent => Value::Null,
        Arg::Unknown(m) => m,
        Arg::Known(v @ Value::Object(_)) => v.clone(),
        Arg::Known(Value::String(s)) => match serde_json::from_str::<Value>(s) {
            Ok(v @ Value::Object(_)) => v,
            _ if s.contains("${") => after_deploy(key, s),
            _ => unknown(format!("`{key}` is not a JSON policy document")),
        },
        Arg::Known(other) => unknown(format!("`{key}` is not a policy document: {other}")),
    }
}
