//! EC2 and IAM Access Analyzer documents shaped into `aws.ec2.ebs_encryption_by_default`,
//! `aws.ec2.snapshot`, and the `regions` / `access_analyzer_regions` facts of `aws.account`
//! and `aws.iam.account` (those resources are built elsewhere; only these facts are set here).
//!
//! Rules kept here:
//! - `alias/aws/ebs` (the AWS managed key, what a region without a customer key answers) is
//!   the schema's `null` for `default_kms_key_id`.
//! - A snapshot listing that failed makes one `snapshot/*` resource whose facts are the
//!   failure; a region whose listing answered with no snapshots has none (a fact).
//! - `access_analyzer_regions` lists the regions read that have an ACTIVE analyzer of type
//!   ACCOUNT or ORGANIZATION (unused- and internal-access analyzers do not watch external
//!   access). A region whose listing failed, and an enabled region the run did not read, is
//!   the unknown marker naming the region: without its answer no rule may say it lacks one.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

use super::map_answer;
use crate::collect::aws::raw::{RawKind, RawResource};
use crate::model::{unknown, unknown_reason, AttributeSource, Resource};

/// Analyzer types that watch external access.
const EXTERNAL_ACCESS_TYPES: &[&str] = &["ACCOUNT", "ORGANIZATION"];

/// The attributes of `aws.ec2.ebs_encryption_by_default` from a
/// [`RawKind::EbsEncryptionByDefault`] document.
pub(super) fn ebs_encryption_by_default(d: &Value) -> Value {
    let enabled = map_answer(d.get("GetEbsEncryptionByDefault"), |o| {
        match o.get("EbsEncryptionByDefault") {
            Some(Value::Bool(b)) => json!(b),
            _ => unknown("ec2:GetEbsEncryptionByDefault returned no EbsEncryptionByDefault"),
        }
    });
    let key = map_answer(d.get("GetEbsDefaultKmsKeyId"), |o| {
        match o.get("KmsKeyId").and_then(Value::as_str) {
            Some(k) if is_aws_ebs_alias(k) => Value::Null,
            Some(k) => json!(k),
            None => unknown("ec2:GetEbsDefaultKmsKeyId returned no KmsKeyId"),
        }
    });
    json!({ "encryption_by_default": enabled, "default_kms_key_id": key })
}

/// `alias/aws/ebs`, bare or as an alias ARN.
fn is_aws_ebs_alias(key: &str) -> bool {
    key == "alias/aws/ebs" || (key.starts_with("arn:") && key.ends_with(":alias/aws/ebs"))
}

/// The attributes of `aws.ec2.snapshot` from a [`RawKind::Ec2Snapshot`] document.
pub(super) fn snapshot(d: &Value) -> Value {
    let listed = d.get("DescribeSnapshots").cloned().unwrap_or(Value::Null);
    let encrypted = match listed.get("Encrypted") {
        Some(Value::Bool(b)) => json!(b),
        _ => unknown("ec2:DescribeSnapshots returned no Encrypted"),
    };
    let tags = match listed.get("Tags") {
        Some(Value::Object(t)) if t.is_empty() => Value::Null,
        Some(Value::Object(t)) => Value::Object(t.clone()),
        _ => Value::Null,
    };
    let permissions = map_answer(d.get("CreateVolumePermissions"), |list| {
        match list.as_array() {
            Some(items) => {
                let mut out: Vec<Value> = items
                    .iter()
                    .map(|p| {
                        json!({
                            "group": p.get("Group").cloned().unwrap_or(Value::Null),
                            "user_id": p.get("UserId").cloned().unwrap_or(Value::Null),
                        })
                    })
                    .collect();
                out.sort_by_key(|p| p.to_string());
                Value::Array(out)
            }
            None => unknown("ec2:DescribeSnapshotAttribute returned no CreateVolumePermissions"),
        }
    });
    json!({ "encrypted": encrypted, "create_volume_permissions": permissions, "tags": tags })
}

/// The attributes of the `snapshot/*` resource of a region whose listing failed, from its
/// [`RawKind::Ec2SnapshotListing`] document; `None` when the listing answered.
pub(super) fn listing_gap(d: &Value) -> Option<Value> {
    let listing = d.get("DescribeSnapshots")?;
    let reason = unknown_reason(listing)?;
    let u = unknown(format!(
        "the region's snapshots could not be listed: {reason}"
    ));
    Some(json!({ "encrypted": u.clone(), "create_volume_permissions": u.clone(), "tags": u }))
}

/// True when the snapshots of this account and region were listed (or the listing's failure
/// has its own resource): the region needs no stand-in.
pub(super) fn snapshots_listed(
    raws: &[RawResource],
    account: &Option<String>,
    region: &Option<String>,
) -> bool {
    raws.iter().any(|r| {
        r.kind == RawKind::Ec2SnapshotListing && &r.account == account && &r.region == region
    })
}

/// Sets `regions` on `aws.account` and `aws.iam.account`, and `access_analyzer_regions` on
/// `aws.iam.account`, from the account's [`RawKind::Ec2Regions`] and
/// [`RawKind::AccessAnalyzers`] documents. Resources of accounts without such documents keep
/// their facts (the "not collected" unknowns).
pub(super) fn account_facts(out: &mut [Resource], raws: &[RawResource]) {
    for r in out
        .iter_mut()
        .filter(|r| r.kind == "aws.account" || r.kind == "aws.iam.account")
    {
        let regions = raws
            .iter()
            .find(|x| x.kind == RawKind::Ec2Regions && x.account == r.account)
            .map(|doc| {
                map_answer(doc.data.get("DescribeRegions"), |names| match names {
                    Value::Array(_) => names.clone(),
                    _ => unknown("ec2:DescribeRegions returned no region list"),
                })
            });
        if let Some(regions) = &regions {
            set(
                r,
                "regions",
                regions.clone(),
                source("ec2:DescribeRegions", None),
            );
        }
        if r.kind != "aws.iam.account" {
            continue;
        }
        if let Some(analyzers) = analyzer_regions(raws, &r.account, regions.as_ref()) {
            set(
                r,
                "access_analyzer_regions",
                analyzers,
                source(
                    "access-analyzer:ListAnalyzers",
                    Some("called in each region the run read; a region counts with an ACTIVE analyzer of type ACCOUNT or ORGANIZATION; a region whose call failed, or an enabled region the run did not read, is unknown"),
                ),
            );
        }
    }
}

fn source(operation: &str, note: Option<&str>) -> AttributeSource {
    AttributeSource {
        operation: operation.to_owned(),
        note: note.map(str::to_owned),
        ..Default::default()
    }
}

fn set(r: &mut Resource, key: &str, value: Value, from: AttributeSource) {
    if let Value::Object(attributes) = &mut r.attributes {
        attributes.insert(key.to_owned(), value);
    }
    if !r.provenance.api_calls.contains(&from.operation) {
        r.provenance.api_calls.push(from.operation.clone());
        r.provenance.api_calls.sort();
    }
    r.provenance.attribute_sources.insert(key.to_owned(), from);
}

/// `access_analyzer_regions` of one account; `None` when no region's analyzers were listed.
fn analyzer_regions(
    raws: &[RawResource],
    account: &Option<String>,
    enabled: Option<&Value>,
) -> Option<Value> {
    // Per region read: `Ok(has an external-access analyzer)` or `Err(reason)`. The same
    // account read twice: any answer beats a failure.
    let mut per_region: BTreeMap<String, Result<bool, String>> = BTreeMap::new();
    for doc in raws
        .iter()
        .filter(|x| x.kind == RawKind::AccessAnalyzers && &x.account == account)
    {
        let Some(region) = doc.region.clone() else {
            continue;
        };
        let answer = match doc.data.get("ListAnalyzers") {
            Some(v) if unknown_reason(v).is_some() => {
                Err(unknown_reason(v).unwrap_or_default().to_owned())
            }
            Some(Value::Array(list)) => Ok(list.iter().any(counts)),
            _ => Err("access-analyzer:ListAnalyzers: no answer recorded".to_owned()),
        };
        let entry = per_region.entry(region).or_insert_with(|| answer.clone());
        match (&*entry, answer) {
            (Err(_), Ok(found)) => *entry = Ok(found),
            (Ok(false), Ok(true)) => *entry = Ok(true),
            _ => {}
        }
    }
    if per_region.is_empty() {
        return None;
    }
    let mut found: Vec<Value> = Vec::new();
    let mut gaps: BTreeMap<String, String> = BTreeMap::new();
    for (region, answer) in &per_region {
        match answer {
            Ok(true) => found.push(json!(region)),
            Ok(false) => {}
            Err(reason) => {
                gaps.insert(region.clone(), format!("{region}: {reason}"));
            }
        }
    }
    let read: BTreeSet<&String> = per_region.keys().collect();
    for region in enabled
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        if !read.contains(&region.to_owned()) {
            gaps.insert(
                region.to_owned(),
                format!("{region}: not collected: the region is enabled for the account but was not among the regions read, so access-analyzer:ListAnalyzers was not called there (--all-regions reads every enabled region)"),
            );
        }
    }
    found.extend(gaps.into_values().map(unknown));
    Some(Value::Array(found))
}

/// An ACTIVE analyzer that watches external access.
fn counts(analyzer: &Value) -> bool {
    let ty = analyzer.get("Type").and_then(Value::as_str).unwrap_or("");
    let status = analyzer.get("Status").and_then(Value::as_str).unwrap_or("");
    status == "ACTIVE" && EXTERNAL_ACCESS_TYPES.contains(&ty)
}
