//! AWS adapter: folds the live collectors' raw documents ([`RawResource`]) into resources of
//! the canonical kinds, with the same attribute shapes as the IaC adapters
//! (`schemas/<kind>.schema.json`).
//!
//! Rules kept here: a failed call's unknown marker is carried into every attribute it
//! feeds (never replaced by a default); "not configured" (`null` in the raw document)
//! becomes the schema's `null`; a value the source cannot give at all (e.g. CloudTrail's
//! `is_logging` in an AWS Config item) is an unknown with the reason, not an omission.
//!
//! Account- and region-scope kinds always exist in a live snapshot: IAM's account facts and
//! password policy come from [`iam`] (once per account), and the kinds of services vouch does
//! not call are stand-ins from [`scope`] whose facts are unknown, so no rule about the
//! account goes silent and no control rolls up to `not applicable` for want of a resource.
//! Likewise every AWS Config inventory type a region did not read (its recorder does not
//! record the type now, or the read failed) has stand-ins from [`coverage`].

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::collect::aws::raw::{RawKind, RawResource};
use crate::model::{unknown, unknown_reason, AttributeSource, Provenance, Resource, SourceKind};

mod coverage;
mod ec2;
pub mod iam;
mod items;
mod items_compute;
mod items_edge;
mod live_edge;
mod logs;
mod scope;
mod security;
#[cfg(test)]
mod tests_coverage;
#[cfg(test)]
mod tests_ec2;
#[cfg(test)]
mod tests_iam;
#[cfg(test)]
mod tests_items;
#[cfg(test)]
mod tests_items_edge;
#[cfg(test)]
mod tests_live_edge;
#[cfg(test)]
mod tests_live_rules;
#[cfg(test)]
mod tests_logs;
#[cfg(test)]
mod tests_security;
#[cfg(test)]
mod tests_support;
mod trails;

/// Kind of the per-region AWS Config recorder fact (no schema yet on the normalize branch).
pub const CONFIG_RECORDER_KIND: &str = "aws.config.recorder";

/// Normalizes raw documents into resources; unsorted (the caller sorts the snapshot).
pub fn normalize(raws: &[RawResource]) -> Vec<Resource> {
    let mut out: Vec<Resource> = Vec::new();
    for raw in raws {
        if let Some(s) = security::shape(raw) {
            let mut r = resource(raw, s.kind, s.attributes, s.real_arn);
            r.provenance.attribute_sources = s.sources;
            out.push(r);
            continue;
        }
        let shaped = match raw.kind {
            RawKind::S3Bucket => Some(("aws.s3.bucket", s3_bucket(&raw.data))),
            RawKind::KmsKey => Some(("aws.kms.key", kms_key(&raw.data))),
            RawKind::GuardDutyDetector => Some(("aws.guardduty.detector", detector(&raw.data))),
            RawKind::ConfigRecorder => Some((CONFIG_RECORDER_KIND, recorder(&raw.data))),
            RawKind::ConfigItem => config_item_at(&raw.data, &raw.collected_at),
            RawKind::LogGroup => Some(("aws.cloudwatch.log_group", logs::log_group(&raw.data))),
            // Folded in below: they make several resources each, or none of their own.
            RawKind::EbsEncryptionByDefault => Some((
                "aws.ec2.ebs_encryption_by_default",
                ec2::ebs_encryption_by_default(&raw.data),
            )),
            RawKind::Ec2Snapshot => Some(("aws.ec2.snapshot", ec2::snapshot(&raw.data))),
            RawKind::Ec2SnapshotListing => {
                ec2::listing_gap(&raw.data).map(|a| ("aws.ec2.snapshot", a))
            }
            RawKind::IamAccount
            | RawKind::RegionScope
            | RawKind::ConfigCoverage
            | RawKind::Ec2Regions
            | RawKind::AccessAnalyzers
            | RawKind::ElastiCacheListing
            | RawKind::WafLoggingListing
            | RawKind::WafWebAclForResource
            | RawKind::ApiGatewayListing
            | RawKind::LogGroupListing
            | RawKind::MetricAlarms
            | RawKind::TrailState => None,
            // Shaped by `security` above.
            RawKind::SecurityHubHub
            | RawKind::Inspector2Account
            | RawKind::Macie2Session
            | RawKind::GuardDutyFinding => None,
            // Shaped with their attribute sources.
            RawKind::ElastiCacheReplicationGroup => {
                out.push(live_edge::replication_group(raw));
                None
            }
            RawKind::ApiGatewayRoute => {
                out.push(live_edge::route(raw));
                None
            }
        };
        let Some((kind, attributes)) = shaped else {
            continue;
        };
        // Kinds without an ARN of their own are addressed by what they are about.
        let (raw, real_arn) = match (raw.kind, kind) {
            (
                RawKind::ConfigItem,
                "aws.ssm.patch_compliance" | "aws.ec2.snapshot_block_public_access",
            ) => {
                let mut about = raw.clone();
                let region = raw.region.as_deref().unwrap_or("unknown");
                let account = raw.account.as_deref().unwrap_or("unknown");
                let p = crate::collect::aws::client::partition(region);
                about.arn = match attributes.get("instance_id").and_then(Value::as_str) {
                    Some(id) => items_compute::patch_address(p, region, account, id),
                    None if kind == "aws.ssm.patch_compliance" => raw.arn.clone(),
                    None => coverage::address(coverage::SNAPSHOT_BPA, p, region, account),
                };
                (std::borrow::Cow::Owned(about), false)
            }
            _ => (std::borrow::Cow::Borrowed(raw), true),
        };
        let raw = raw.as_ref();
        // Global resources (IAM) come back from every region's Config: keep the first.
        if raw.kind == RawKind::ConfigItem
            && out.iter().any(|r| r.kind == kind && r.address == raw.arn)
        {
            continue;
        }
        let synthetic = !real_arn
            || raw.kind == RawKind::ConfigRecorder
            || raw.kind == RawKind::EbsEncryptionByDefault
            || raw.kind == RawKind::Ec2SnapshotListing
            || (raw.kind == RawKind::GuardDutyDetector
                && raw.data.get("DetectorId").is_none_or(Value::is_null));
        let mut r = resource(raw, kind, attributes, !synthetic);
        if raw.kind == RawKind::ConfigItem {
            item_sources(&mut r, &raw.data);
        }
        if raw.kind == RawKind::LogGroup {
            logs::log_group_sources(&mut r);
        }
        out.push(r);
    }
    join_trail_buckets(&mut out);
    // Each trail's status and event selectors, which its Config item does not carry.
    trails::join_trail_states(&mut out, raws);
    // HTTP and WebSocket API stages take their protocol from the API's item.
    let apis: Vec<&Value> = raws
        .iter()
        .filter(|r| r.kind == RawKind::ConfigItem)
        .map(|r| &r.data)
        .filter(|d| d.get("resourceType").and_then(Value::as_str) == Some("AWS::ApiGatewayV2::Api"))
        .collect();
    items_edge::join_v2_api_types(&mut out, &apis);
    // WAF logging onto the web ACLs, and the web ACLs of public ALBs onto them.
    live_edge::join_waf(&mut out, raws);
    // What a failed ElastiCache or API Gateway listing could not show.
    out.extend(live_edge::listing_gaps(raws));
    // IAM, once per account: the account and password policy resources, then the credential
    // report folded into the users (after the Config items, which hold the users' policies).
    for raw in raws.iter().filter(|r| r.kind == RawKind::IamAccount) {
        // The same account read through two roles: keep the first reading.
        if out
            .iter()
            .any(|r| r.kind == "aws.iam.account" && r.address == raw.arn)
        {
            continue;
        }
        out.extend(iam::account_resources(raw));
    }
    iam::merge_credential_reports(&mut out, raws);
    let stand_ins = scope::stand_ins(raws, &out);
    out.extend(stand_ins);
    // The enabled regions and analyzer regions of the account resources built above.
    ec2::account_facts(&mut out, raws);
    logs::fold_metric_alarms(&mut out, raws);
    // What the AWS Config inventory did not read: stand-ins, never silence.
    let unreported = coverage::unreported_patches(raws, &out);
    out.extend(unreported);
    let gaps = coverage::stand_ins(raws, &out);
    out.extend(gaps);
    // The account-wide public access block: one resource per account, from AWS Config when it
    // recorded one, otherwise unknown (the s3control API is not called).
    let mut accounts: Vec<Option<String>> = raws.iter().map(|r| r.account.clone()).collect();
    accounts.sort();
    accounts.dedup();
    for account in accounts {
        if out
            .iter()
            .any(|r| r.kind == "aws.s3.account_public_access_block" && r.account == account)
        {
            continue;
        }
        // Prefer a Config document: the stand-in names a Config call as its provenance.
        let Some(any) = raws
            .iter()
            .find(|r| r.account == account && r.kind == RawKind::ConfigRecorder)
            .or_else(|| raws.iter().find(|r| r.account == account))
        else {
            continue;
        };
        let mut reason = "account public access block not read: AWS Config has no AWS::S3::AccountPublicAccessBlock item for this account (s3control:GetPublicAccessBlock is not called)".to_owned();
        let gaps: Vec<String> = coverage::records(raws)
            .into_iter()
            .filter(|(doc, _)| doc.account == account)
            .flat_map(|(_, list)| list)
            .filter(|c| c.resource_type == "AWS::S3::AccountPublicAccessBlock")
            .filter(|c| c.status != crate::collect::aws::config::CoverageStatus::Read)
            .map(|c| format!("{}: {}", c.region, c.reason.unwrap_or_default()))
            .collect();
        if !gaps.is_empty() {
            reason.push_str(&format!("; not read in {}", gaps.join("; ")));
        }
        let attributes = json!({
            "block_public_acls": unknown(&reason),
            "block_public_policy": unknown(&reason),
            "ignore_public_acls": unknown(&reason),
            "restrict_public_buckets": unknown(&reason),
        });
        let mut raw = any.clone();
        raw.arn = account_pab_address(account.as_deref());
        raw.region = None;
        raw.api_calls = vec!["config:ListDiscoveredResources".to_owned()];
        out.push(resource(
            &raw,
            "aws.s3.account_public_access_block",
            attributes,
            false,
        ));
    }
    out
}

/// Sets every trail's `log_bucket` to the attributes of the bucket it delivers to (by name,
/// as the IaC adapters join it), so the log-bucket rules judge one resource. Unknown when
/// the bucket was not read in this scan (another account's, or its reading failed); null
/// when the trail names none.
fn join_trail_buckets(out: &mut [Resource]) {
    let buckets: Vec<(String, Value)> = out
        .iter()
        .filter(|r| r.kind == "aws.s3.bucket")
        .filter_map(|r| {
            let name = r.attributes.get("name").and_then(Value::as_str)?;
            Some((name.to_owned(), r.attributes.clone()))
        })
        .collect();
    for trail in out.iter_mut().filter(|r| r.kind == "aws.cloudtrail.trail") {
        let name = trail.attributes.get("s3_bucket_name").cloned();
        let value = match name {
            Some(v) if unknown_reason(&v).is_some() => v,
            None | Some(Value::Null) => Value::Null,
            Some(Value::String(n)) => buckets
                .iter()
                .find(|(b, _)| *b == n)
                .map_or_else(
                    || unknown(format!("the trail's log bucket {n} was not read in this scan (another account's bucket, or its reading failed)")),
                    |(_, a)| a.clone(),
                ),
            Some(other) => unknown(format!("the trail's s3BucketName is not a name: {other}")),
        };
        if let Value::Object(map) = &mut trail.attributes {
            map.insert("log_bucket".to_owned(), value);
        }
    }
}

fn account_pab_address(account: Option<&str>) -> String {
    format!(
        "arn:aws:s3::{}:account-public-access-block",
        account.unwrap_or("unknown")
    )
}

fn resource(raw: &RawResource, kind: &str, attributes: Value, real_arn: bool) -> Resource {
    Resource {
        kind: kind.to_owned(),
        address: raw.arn.clone(),
        source: SourceKind::Aws,
        location: None,
        module_chain: Vec::new(),
        arn: real_arn.then(|| raw.arn.clone()),
        account: raw.account.clone(),
        region: raw.region.clone(),
        attributes,
        attribute_locations: Default::default(),
        provenance: Provenance {
            parser: parser_of(raw).to_owned(),
            source_types: vec![source_type_of(raw)],
            joined: Vec::new(),
            api_calls: raw.api_calls.clone(),
            collected_at: Some(raw.collected_at.clone()),
            attribute_sources: attribute_sources(raw),
        },
    }
}

/// The source of every attribute of a resource read from one AWS Config item: the item and
/// its capture time (the configuration judged is as of then, not as of the collection).
fn item_sources(r: &mut Resource, d: &Value) {
    let Some(captured) = d
        .get("configurationItemCaptureTime")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
    else {
        return;
    };
    let keys: Vec<String> = r
        .attributes
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    for key in keys {
        r.provenance
            .attribute_sources
            .entry(key)
            .or_insert_with(|| AttributeSource {
                operation: "config:BatchGetResourceConfig".to_owned(),
                field: None,
                captured_at: Some(captured.to_owned()),
                note: None,
            });
    }
}

/// The per-attribute sources a collector recorded (`Sources`: S3 buckets, read from AWS
/// Config items and S3 calls). A document without them yields none.
fn attribute_sources(raw: &RawResource) -> BTreeMap<String, AttributeSource> {
    raw.data
        .get("Sources")
        .and_then(|s| serde_json::from_value(s.clone()).ok())
        .unwrap_or_default()
}

fn parser_of(raw: &RawResource) -> &'static str {
    match raw.kind {
        RawKind::S3Bucket => "aws-sdk-s3",
        RawKind::KmsKey => "aws-sdk-kms",
        RawKind::GuardDutyDetector | RawKind::GuardDutyFinding => "aws-sdk-guardduty",
        RawKind::SecurityHubHub => "aws-sdk-securityhub",
        RawKind::Inspector2Account => "aws-sdk-inspector2",
        RawKind::Macie2Session => "aws-sdk-macie2",
        RawKind::ConfigRecorder | RawKind::ConfigItem => "aws-sdk-config",
        RawKind::IamAccount => "aws-sdk-iam",
        RawKind::RegionScope => "aws-sdk-sts",
        RawKind::ConfigCoverage => "aws-sdk-config",
        RawKind::Ec2Regions
        | RawKind::EbsEncryptionByDefault
        | RawKind::Ec2Snapshot
        | RawKind::Ec2SnapshotListing => "aws-sdk-ec2",
        RawKind::AccessAnalyzers => "aws-sdk-accessanalyzer",
        RawKind::ElastiCacheReplicationGroup | RawKind::ElastiCacheListing => "aws-sdk-elasticache",
        RawKind::WafLoggingListing | RawKind::WafWebAclForResource => "aws-sdk-wafv2",
        RawKind::ApiGatewayRoute | RawKind::ApiGatewayListing => {
            match raw
                .data
                .get("ApiType")
                .or_else(|| raw.data.get("Api"))
                .and_then(Value::as_str)
            {
                Some("rest") => "aws-sdk-apigateway",
                _ => "aws-sdk-apigatewayv2",
            }
        }
        RawKind::LogGroup | RawKind::LogGroupListing | RawKind::MetricAlarms => {
            "aws-sdk-cloudwatchlogs"
        }
        RawKind::TrailState => "aws-sdk-cloudtrail",
    }
}

fn source_type_of(raw: &RawResource) -> String {
    match raw.kind {
        RawKind::S3Bucket => "AWS::S3::Bucket".to_owned(),
        RawKind::KmsKey => "AWS::KMS::Key".to_owned(),
        RawKind::GuardDutyDetector => "AWS::GuardDuty::Detector".to_owned(),
        RawKind::GuardDutyFinding => "GuardDuty finding".to_owned(),
        RawKind::SecurityHubHub => "AWS::SecurityHub::Hub".to_owned(),
        RawKind::Inspector2Account => "Inspector2 account status".to_owned(),
        RawKind::Macie2Session => "AWS::Macie::Session".to_owned(),
        RawKind::ConfigRecorder => "AWS::Config::ConfigurationRecorder".to_owned(),
        RawKind::IamAccount => "AWS::IAM::Account".to_owned(),
        RawKind::RegionScope => "region".to_owned(),
        RawKind::ConfigCoverage => "AWS::Config::ConfigurationRecorder".to_owned(),
        RawKind::Ec2Regions => "EC2 regions".to_owned(),
        RawKind::AccessAnalyzers => "AWS::AccessAnalyzer::Analyzer".to_owned(),
        RawKind::EbsEncryptionByDefault => "EBS encryption by default".to_owned(),
        RawKind::Ec2Snapshot | RawKind::Ec2SnapshotListing => "AWS::EC2::Snapshot".to_owned(),
        RawKind::ElastiCacheReplicationGroup | RawKind::ElastiCacheListing => {
            "AWS::ElastiCache::ReplicationGroup".to_owned()
        }
        RawKind::WafLoggingListing => "AWS::WAFv2::LoggingConfiguration".to_owned(),
        RawKind::WafWebAclForResource => "AWS::WAFv2::WebACLAssociation".to_owned(),
        RawKind::ApiGatewayRoute | RawKind::ApiGatewayListing => {
            match raw
                .data
                .get("ApiType")
                .or_else(|| raw.data.get("Api"))
                .and_then(Value::as_str)
            {
                Some("rest") => "AWS::ApiGateway::Method".to_owned(),
                _ => "AWS::ApiGatewayV2::Route".to_owned(),
            }
        }
        RawKind::LogGroup | RawKind::LogGroupListing => "AWS::Logs::LogGroup".to_owned(),
        RawKind::MetricAlarms => "AWS::Logs::MetricFilter".to_owned(),
        RawKind::TrailState => "AWS::CloudTrail::Trail".to_owned(),
        RawKind::ConfigItem => raw
            .data
            .get("resourceType")
            .and_then(Value::as_str)
            .unwrap_or("unknown")
            .to_owned(),
    }
}

/// Applies `f` to a classified raw answer: unknown stays unknown, `null` stays `null`.
fn map_answer(v: Option<&Value>, f: impl FnOnce(&Value) -> Value) -> Value {
    match v {
        None => unknown("not collected"),
        Some(x) if unknown_reason(x).is_some() => x.clone(),
        Some(Value::Null) => Value::Null,
        Some(x) => f(x),
    }
}

/// A field of an answer that the service always includes: a missing one is unknown.
fn field(v: &Value, key: &str, what: &str) -> Value {
    match v.get(key) {
        Some(x) => x.clone(),
        None => unknown(format!("{what} has no {key}")),
    }
}

/// A field that may legitimately be absent (absent = null).
fn opt(v: &Value, key: &str) -> Value {
    v.get(key).cloned().unwrap_or(Value::Null)
}

fn s3_bucket(d: &Value) -> Value {
    let encryption = map_answer(d.get("GetBucketEncryption"), |e| {
        let rules = e
            .get("Rules")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        match rules
            .iter()
            .find(|r| !r.get("SSEAlgorithm").is_none_or(Value::is_null))
        {
            Some(rule) => json!({
                "sse_algorithm": opt(rule, "SSEAlgorithm"),
                "kms_master_key_id": opt(rule, "KMSMasterKeyID"),
                "bucket_key_enabled": opt(rule, "BucketKeyEnabled"),
            }),
            None => Value::Null,
        }
    });
    let pab = map_answer(d.get("GetPublicAccessBlock"), |p| {
        // An omitted switch is false (S3's documented default for a partial configuration).
        let flag = |k: &str| {
            p.get(k)
                .and_then(Value::as_bool)
                .map_or(json!(false), Value::Bool)
        };
        json!({
            "block_public_acls": flag("BlockPublicAcls"),
            "block_public_policy": flag("BlockPublicPolicy"),
            "ignore_public_acls": flag("IgnorePublicAcls"),
            "restrict_public_buckets": flag("RestrictPublicBuckets"),
        })
    });
    let acl = map_answer(d.get("GetBucketAcl"), |a| {
        let grants: Vec<Value> = a
            .get("Grants")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|g| {
                json!({
                    "grantee_type": field(g, "Type", "ACL grant"),
                    "grantee_uri": opt(g, "URI"),
                    "grantee_id": opt(g, "ID"),
                    "permission": field(g, "Permission", "ACL grant"),
                })
            })
            .collect();
        // The live API returns explicit grants only; a canned ACL is not recoverable.
        json!({ "canned": null, "grants": grants })
    });
    let policy_is_public = map_answer(d.get("GetBucketPolicyStatus"), |s| opt(s, "IsPublic"));
    let versioning = map_answer(d.get("GetBucketVersioning"), |v| {
        if v.get("Status").is_none_or(Value::is_null)
            && v.get("MFADelete").is_none_or(Value::is_null)
        {
            // Never configured: the schema's null (versioning off).
            return Value::Null;
        }
        json!({
            "enabled": v.get("Status").and_then(Value::as_str) == Some("Enabled"),
            "mfa_delete": match v.get("MFADelete").and_then(Value::as_str) {
                Some("Enabled") => json!(true),
                Some(_) => json!(false),
                None => Value::Null,
            },
        })
    });
    let logging = map_answer(
        d.get("GetBucketLogging"),
        |l| json!({ "enabled": true, "target_bucket": opt(l, "TargetBucket"), "target_prefix": opt(l, "TargetPrefix") }),
    );
    let object_lock = map_answer(d.get("GetObjectLockConfiguration"), |o| {
        let retention = o.get("DefaultRetention").cloned().unwrap_or(Value::Null);
        json!({
            "enabled": o.get("ObjectLockEnabled").and_then(Value::as_str) == Some("Enabled"),
            "mode": opt(&retention, "Mode"),
            "days": opt(&retention, "Days"),
            "years": opt(&retention, "Years"),
        })
    });
    let ownership = map_answer(d.get("GetBucketOwnershipControls"), |o| {
        opt(o, "ObjectOwnership")
    });
    let tags = map_answer(d.get("GetBucketTagging"), |t| {
        if t.as_object().is_some_and(Map::is_empty) {
            Value::Null
        } else {
            t.clone()
        }
    });
    json!({
        "name": opt(d, "Name"),
        "encryption": encryption,
        "public_access_block": pab,
        "acl": acl,
        "object_ownership": ownership,
        "policy": map_answer(d.get("GetBucketPolicy"), Value::clone),
        "policy_is_public": policy_is_public,
        "versioning": versioning,
        "logging": logging,
        "object_lock": object_lock,
        "tags": tags,
    })
}

fn kms_key(d: &Value) -> Value {
    let meta = d
        .get("DescribeKey")
        .cloned()
        .unwrap_or_else(|| unknown("kms:DescribeKey not collected"));
    let m = |key: &str| -> Value {
        if unknown_reason(&meta).is_some() {
            return meta.clone();
        }
        opt(&meta, key)
    };
    // Fields the schema says are always known: absent from the answer means unknown.
    let req = |key: &str| -> Value {
        match m(key) {
            Value::Null => unknown(format!("kms:DescribeKey returned no {key}")),
            v => v,
        }
    };
    let rotation = d
        .get("GetKeyRotationStatus")
        .cloned()
        .unwrap_or_else(|| unknown("not collected"));
    let rot = |key: &str| -> Value {
        if unknown_reason(&rotation).is_some() {
            return rotation.clone();
        }
        opt(&rotation, key)
    };
    json!({
        "description": m("Description"),
        "key_manager": req("KeyManager"),
        "key_spec": req("KeySpec"),
        "key_usage": req("KeyUsage"),
        "origin": req("Origin"),
        "enabled": req("Enabled"),
        "key_state": m("KeyState"),
        "rotation_enabled": rot("KeyRotationEnabled"),
        "rotation_period_days": rot("RotationPeriodInDays"),
        "deletion_window_days": m("PendingDeletionWindowInDays"),
        "multi_region": m("MultiRegion"),
        "policy": map_answer(d.get("GetKeyPolicy"), Value::clone),
        "aliases": d.get("Aliases").cloned().unwrap_or_else(|| unknown("not collected")),
        "tags": map_answer(d.get("ListResourceTags"), |t| if t.as_object().is_some_and(Map::is_empty) { Value::Null } else { t.clone() }),
    })
}

fn detector(d: &Value) -> Value {
    let exists = d.get("Exists").cloned().unwrap_or(Value::Null);
    if unknown_reason(&exists).is_some() {
        return json!({
            "enabled": exists.clone(),
            "finding_publishing_frequency": exists.clone(),
            "features": exists.clone(),
            "tags": exists,
        });
    }
    if exists == json!(false) {
        // No detector in the region: GuardDuty is off there, a fact.
        return json!({ "enabled": false, "finding_publishing_frequency": null, "features": [], "tags": null });
    }
    let g = d
        .get("GetDetector")
        .cloned()
        .unwrap_or_else(|| unknown("not collected"));
    if unknown_reason(&g).is_some() {
        return json!({ "enabled": g.clone(), "finding_publishing_frequency": g.clone(), "features": g.clone(), "tags": g });
    }
    let features: Vec<Value> = g
        .get("Features")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| json!({ "name": k, "status": v }))
                .collect()
        })
        .unwrap_or_default();
    json!({
        "enabled": g.get("Status").and_then(Value::as_str).map_or_else(|| unknown("guardduty:GetDetector returned no Status"), |s| json!(s == "ENABLED")),
        "finding_publishing_frequency": opt(&g, "FindingPublishingFrequency"),
        "features": features,
        "tags": g.get("Tags").cloned().filter(|t| t.as_object().is_some_and(|m| !m.is_empty())).unwrap_or(Value::Null),
    })
}

fn recorder(d: &Value) -> Value {
    let recorders = d
        .get("Recorders")
        .cloned()
        .unwrap_or_else(|| unknown("not collected"));
    if unknown_reason(&recorders).is_some() {
        let u = recorders;
        return json!({
            "exists": u.clone(), "name": u.clone(), "recording": u.clone(), "all_supported": u.clone(),
            "include_global_resource_types": u.clone(), "resource_types": u.clone(), "last_status": u.clone(),
            "delivery_channel": u,
        });
    }
    let first = recorders.as_array().and_then(|a| a.first()).cloned();
    let Some(rec) = first else {
        return json!({
            "exists": false, "name": null, "recording": false, "all_supported": null,
            "include_global_resource_types": null, "resource_types": [], "last_status": null,
            "delivery_channel": channel(d),
        });
    };
    let name = rec.get("Name").cloned().unwrap_or(Value::Null);
    let status = map_answer(d.get("RecorderStatus"), |s| {
        s.as_array()
            .and_then(|a| a.iter().find(|x| x.get("Name") == Some(&name)).cloned())
            .unwrap_or(Value::Null)
    });
    let from_status = |key: &str| -> Value {
        if unknown_reason(&status).is_some() {
            return status.clone();
        }
        match status.get(key) {
            Some(v) => v.clone(),
            None => unknown(format!(
                "config:DescribeConfigurationRecorderStatus has no {key} for this recorder"
            )),
        }
    };
    json!({
        "exists": true,
        "name": name,
        "recording": from_status("Recording"),
        "all_supported": opt(&rec, "AllSupported"),
        "include_global_resource_types": opt(&rec, "IncludeGlobalResourceTypes"),
        "resource_types": rec.get("ResourceTypes").cloned().filter(|v| !v.is_null()).unwrap_or(json!([])),
        "last_status": from_status("LastStatus"),
        "delivery_channel": channel(d),
    })
}

fn channel(d: &Value) -> Value {
    map_answer(d.get("DeliveryChannels"), |channels| {
        let Some(ch) = channels.as_array().and_then(|a| a.first()) else {
            return Value::Null;
        };
        let name = ch.get("Name").cloned().unwrap_or(Value::Null);
        let last = map_answer(d.get("DeliveryChannelStatus"), |s| {
            s.as_array()
                .and_then(|a| a.iter().find(|x| x.get("Name") == Some(&name)))
                .map_or(Value::Null, |x| opt(x, "LastStatus"))
        });
        json!({ "name": name, "s3_bucket_name": opt(ch, "S3BucketName"), "last_status": last })
    })
}

/// Maps an AWS Config item (`configuration` in the service's camelCase) to its kind.
#[cfg(test)]
fn config_item(d: &Value) -> Option<(&'static str, Value)> {
    config_item_at(d, "2026-01-01T00:00:00Z")
}

/// [`config_item`] with the collection time (ages of live facts are measured to it).
fn config_item_at(d: &Value, collected_at: &str) -> Option<(&'static str, Value)> {
    let rtype = d.get("resourceType").and_then(Value::as_str)?;
    let c = d.get("configuration").cloned().unwrap_or(Value::Null);
    let c = match &c {
        // The aggregator returns the configuration as an object, BatchGet as parsed JSON.
        Value::String(s) => serde_json::from_str(s)
            .unwrap_or_else(|e| unknown(format!("AWS Config configuration is not JSON: {e}"))),
        _ => c,
    };
    // Only a recorded, current configuration is one to judge: an item of a deleted resource
    // or of one the recorder discovered but does not record says nothing about now.
    let c = match d.get("configurationItemStatus").and_then(Value::as_str) {
        None | Some("OK" | "ResourceDiscovered") => c,
        Some(status) => unknown(format!(
            "the AWS Config {rtype} item's status is {status}, not a recorded current configuration"
        )),
    };
    let what = format!("AWS Config {rtype} item");
    // Every attribute of an item whose configuration is unknown is unknown.
    let g = |key: &str| -> Value {
        if unknown_reason(&c).is_some() {
            return c.clone();
        }
        field(&c, key, &what)
    };
    let o = |key: &str| -> Value {
        if unknown_reason(&c).is_some() {
            return c.clone();
        }
        opt(&c, key)
    };
    let not_in_item =
        |attr: &str| unknown(format!("{attr} is not part of the AWS Config {rtype} item"));
    let tags = tags_of(d, &c);
    let attributes = match rtype {
        "AWS::EC2::SecurityGroup" => {
            let group_id = c
                .get("groupId")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            json!({
                "name": o("groupName"),
                "description": o("description"),
                "vpc_id": o("vpcId"),
                "ingress": rules(&c, "ipPermissions", &group_id),
                "egress": rules(&c, "ipPermissionsEgress", &group_id),
                "tags": tags,
            })
        }
        "AWS::RDS::DBInstance" => json!({
            "identifier": o("dBInstanceIdentifier"),
            "engine": o("engine"),
            "engine_version": o("engineVersion"),
            "storage_encrypted": o("storageEncrypted"),
            "kms_key_id": o("kmsKeyId"),
            "iam_database_authentication_enabled": o("iAMDatabaseAuthenticationEnabled"),
            "backup_retention_period": o("backupRetentionPeriod"),
            "deletion_protection": o("deletionProtection"),
            "instance_class": o("dBInstanceClass"),
            "cluster_identifier": o("dBClusterIdentifier"),
            "publicly_accessible": o("publiclyAccessible"),
            "multi_az": o("multiAZ"),
            "auto_minor_version_upgrade": o("autoMinorVersionUpgrade"),
            "enabled_cloudwatch_logs_exports": rds_exports(&c, false),
            "parameter_group_name": rds_parameter_group(&c, false).0,
            "tls_required": rds_parameter_group(&c, false).1,
            "replica_source": o("readReplicaSourceDBInstanceIdentifier"),
            "tags": tags,
        }),
        "AWS::RDS::DBCluster" => json!({
            "identifier": o("dBClusterIdentifier"),
            "engine": o("engine"),
            "engine_version": o("engineVersion"),
            "engine_mode": o("engineMode"),
            "storage_encrypted": o("storageEncrypted"),
            "kms_key_id": o("kmsKeyId"),
            "iam_database_authentication_enabled": o("iAMDatabaseAuthenticationEnabled"),
            "backup_retention_period": o("backupRetentionPeriod"),
            "deletion_protection": o("deletionProtection"),
            "enabled_cloudwatch_logs_exports": rds_exports(&c, true),
            "parameter_group_name": rds_parameter_group(&c, true).0,
            "tls_required": rds_parameter_group(&c, true).1,
            "tags": tags,
        }),
        "AWS::EC2::Volume" => json!({
            "availability_zone": o("availabilityZone"),
            "size": o("size"),
            "type": o("volumeType"),
            "encrypted": g("encrypted"),
            "kms_key_id": o("kmsKeyId"),
            "snapshot_id": o("snapshotId").as_str().filter(|s| !s.is_empty()).map_or(Value::Null, |s| json!(s)),
            "tags": tags,
        }),
        "AWS::CloudTrail::Trail" => json!({
            "name": o("name"),
            "is_logging": not_in_item("is_logging (cloudtrail:GetTrailStatus)"),
            "is_multi_region_trail": g("isMultiRegionTrail"),
            "is_organization_trail": g("isOrganizationTrail"),
            "include_global_service_events": g("includeGlobalServiceEvents"),
            "log_file_validation_enabled": g("logFileValidationEnabled"),
            "kms_key_id": o("kmsKeyId"),
            "s3_bucket_name": o("s3BucketName"),
            "cloud_watch_logs_group_arn": o("cloudWatchLogsLogGroupArn"),
            "event_selectors": not_in_item("event_selectors (cloudtrail:GetEventSelectors)"),
            "advanced_event_selectors": not_in_item("advanced_event_selectors (cloudtrail:GetEventSelectors)"),
            "tags": tags,
        }),
        "AWS::IAM::Policy" => json!({
            "name": o("policyName"),
            "type": "managed",
            "attached_to": null,
            "arn": o("arn"),
            "document": iam_default_document(&c),
        }),
        "AWS::S3::AccountPublicAccessBlock" => {
            let flag = |k: &str| -> Value {
                if unknown_reason(&c).is_some() {
                    return c.clone();
                }
                c.get(k)
                    .and_then(Value::as_bool)
                    .map_or(json!(false), Value::Bool)
            };
            return Some((
                "aws.s3.account_public_access_block",
                json!({
                    "block_public_acls": flag("blockPublicAcls"),
                    "block_public_policy": flag("blockPublicPolicy"),
                    "ignore_public_acls": flag("ignorePublicAcls"),
                    "restrict_public_buckets": flag("restrictPublicBuckets"),
                }),
            ));
        }
        _ => return items::map(rtype, d, &c, tags, collected_at),
    };
    let kind = match rtype {
        "AWS::EC2::SecurityGroup" => "aws.ec2.security_group",
        "AWS::RDS::DBInstance" => "aws.rds.db_instance",
        "AWS::RDS::DBCluster" => "aws.rds.cluster",
        "AWS::EC2::Volume" => "aws.ec2.volume",
        "AWS::CloudTrail::Trail" => "aws.cloudtrail.trail",
        _ => "aws.iam.policy",
    };
    Some((kind, attributes))
}

/// True when an RDS item's DB instance is an Aurora cluster member (the cluster governs its
/// logs and parameters).
fn rds_member(c: &Value, cluster: bool) -> bool {
    !cluster && c.get("dBClusterIdentifier").is_some_and(Value::is_string)
}

/// The log types an RDS item exports (`enabledCloudwatchLogsExports`, omitted by the API
/// when empty); null for a cluster member.
fn rds_exports(c: &Value, cluster: bool) -> Value {
    if unknown_reason(c).is_some() {
        return c.clone();
    }
    if rds_member(c, cluster) {
        return Value::Null;
    }
    match c.get("enabledCloudwatchLogsExports") {
        None | Some(Value::Null) => json!([]),
        Some(v @ Value::Array(_)) => v.clone(),
        Some(other) => unknown(format!(
            "enabledCloudwatchLogsExports is not a list: {other}"
        )),
    }
}

/// The (cluster) parameter group of an RDS item and whether it forces TLS. An engine default
/// group (`default.*`, which cannot be modified) is the engine default: null, as in the IaC
/// adapters. A custom group's parameters are not in the item (`rds:DescribeDBParameters` is
/// not called), so whether it forces TLS is unknown.
fn rds_parameter_group(c: &Value, cluster: bool) -> (Value, Value) {
    if unknown_reason(c).is_some() {
        return (c.clone(), c.clone());
    }
    if rds_member(c, cluster) {
        return (Value::Null, Value::Null);
    }
    let name = if cluster {
        c.get("dBClusterParameterGroup").and_then(Value::as_str)
    } else {
        c.get("dBParameterGroups")
            .and_then(Value::as_array)
            .and_then(|a| a.first())
            .and_then(|g| g.get("dBParameterGroupName"))
            .and_then(Value::as_str)
    };
    match name {
        None => {
            let u = unknown("the AWS Config RDS item names no parameter group");
            (u.clone(), u)
        }
        Some(n) if n.starts_with("default.") => (Value::Null, Value::Null),
        Some(n) => (
            json!(n),
            unknown(format!(
                "the parameters of group {n} are not part of the AWS Config item (rds:DescribeDBParameters is not called)"
            )),
        ),
    }
}

fn tags_of(d: &Value, c: &Value) -> Value {
    // Config items carry tags as `tags` (map) at the item level or `tags`/`tagList`
    // ([{key, value}]) inside the configuration, depending on the resource type.
    let list = c
        .get("tags")
        .or_else(|| c.get("tagList"))
        .or_else(|| c.get("Tags"))
        .or_else(|| d.get("tags"))
        .or_else(|| {
            d.get("supplementaryConfiguration")
                .and_then(|s| s.get("Tags"))
        });
    // Supplementary entries arrive as JSON text from BatchGetResourceConfig.
    let parsed;
    let list = match list {
        Some(Value::String(s)) => {
            parsed = serde_json::from_str::<Value>(s).ok();
            parsed.as_ref()
        }
        other => other,
    };
    match list {
        Some(Value::Array(items)) if !items.is_empty() => {
            let map: Map<String, Value> = items
                .iter()
                .filter_map(|t| {
                    let k = t.get("key").or_else(|| t.get("Key"))?.as_str()?;
                    let v = t
                        .get("value")
                        .or_else(|| t.get("Value"))
                        .cloned()
                        .unwrap_or(json!(""));
                    Some((k.to_owned(), v))
                })
                .collect();
            Value::Object(map)
        }
        Some(Value::Object(m)) if !m.is_empty() => Value::Object(m.clone()),
        _ => Value::Null,
    }
}

fn protocol_name(p: &str) -> String {
    match p {
        "6" => "tcp",
        "17" => "udp",
        "1" => "icmp",
        "58" => "icmpv6",
        "all" => "-1",
        other => return other.to_lowercase(),
    }
    .to_owned()
}

fn rules(c: &Value, key: &str, group_id: &str) -> Value {
    if unknown_reason(c).is_some() {
        return c.clone();
    }
    let Some(perms) = c.get(key).and_then(Value::as_array) else {
        return json!([]);
    };
    let strings = |v: Option<&Value>, inner: &str| -> Vec<Value> {
        v.and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|x| match x {
                        Value::String(s) => Some(json!(s)),
                        other => other.get(inner).cloned(),
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let list: Vec<Value> = perms
        .iter()
        .map(|p| {
            let protocol =
                protocol_name(p.get("ipProtocol").and_then(Value::as_str).unwrap_or("-1"));
            let (from, to) = if protocol == "-1" {
                (Value::Null, Value::Null)
            } else {
                (opt(p, "fromPort"), opt(p, "toPort"))
            };
            // Real items list IPv4 twice (`ipRanges` strings and `ipv4Ranges` objects).
            let mut v4 = strings(p.get("ipv4Ranges"), "cidrIp");
            if v4.is_empty() {
                v4 = strings(p.get("ipRanges"), "cidrIp");
            }
            let v6 = strings(p.get("ipv6Ranges"), "cidrIpv6");
            let pairs = strings(p.get("userIdGroupPairs"), "groupId");
            let is_self = pairs.iter().any(|g| g.as_str() == Some(group_id));
            let peers: Vec<Value> = pairs
                .into_iter()
                .filter(|g| g.as_str() != Some(group_id))
                .collect();
            json!({
                "protocol": protocol,
                "from_port": from,
                "to_port": to,
                "cidr_ipv4": v4,
                "cidr_ipv6": v6,
                "source_security_groups": peers,
                "prefix_lists": strings(p.get("prefixListIds"), "prefixListId"),
                "self": is_self,
                "description": null,
            })
        })
        .collect();
    Value::Array(list)
}

fn iam_default_document(c: &Value) -> Value {
    if unknown_reason(c).is_some() {
        return c.clone();
    }
    let versions = c
        .get("policyVersionList")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let default = versions
        .iter()
        .find(|v| v.get("isDefaultVersion").and_then(Value::as_bool) == Some(true))
        .or_else(|| versions.first());
    let Some(doc) = default.and_then(|v| v.get("document")) else {
        return unknown("AWS Config AWS::IAM::Policy item has no default policy version document");
    };
    match doc {
        Value::String(s) => {
            let decoded = percent_decode(s);
            serde_json::from_str(&decoded)
                .unwrap_or_else(|e| unknown(format!("IAM policy document is not JSON: {e}")))
        }
        other => other.clone(),
    }
}

/// Decodes the URL encoding IAM applies to policy documents (RFC 3986 `%XX`, `+` kept).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Some(b) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn raw(kind: RawKind, data: Value) -> RawResource {
        RawResource {
            kind,
            arn: "arn:aws:s3:::b".into(),
            account: Some("123456789012".into()),
            region: Some("us-east-1".into()),
            api_calls: vec![],
            collected_at: "2026-01-01T00:00:00Z".into(),
            data,
        }
    }

    #[test]
    fn bucket_facts_nulls_and_unknowns() {
        let data = json!({
            "Name": "b",
            "GetBucketEncryption": null,
            "GetPublicAccessBlock": unknown("s3:GetPublicAccessBlock denied: AccessDenied"),
            "GetBucketPolicy": null,
            "GetBucketPolicyStatus": null,
            "GetBucketAcl": {"Owner": "o", "Grants": [{"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers", "ID": null, "Permission": "READ"}]},
            "GetBucketVersioning": {"Status": "Suspended", "MFADelete": "Disabled"},
            "GetBucketLogging": null,
            "GetObjectLockConfiguration": null,
            "GetBucketOwnershipControls": {"ObjectOwnership": "BucketOwnerEnforced"},
            "GetBucketTagging": null,
        });
        let r = &normalize(&[raw(RawKind::S3Bucket, data)])[0];
        let a = &r.attributes;
        assert_eq!(a["encryption"], Value::Null);
        assert_eq!(
            unknown_reason(&a["public_access_block"]),
            Some("s3:GetPublicAccessBlock denied: AccessDenied")
        );
        assert_eq!(
            a["acl"]["grants"][0]["grantee_uri"],
            json!("http://acs.amazonaws.com/groups/global/AllUsers")
        );
        assert_eq!(
            a["versioning"],
            json!({"enabled": false, "mfa_delete": false})
        );
        assert_eq!(a["object_ownership"], json!("BucketOwnerEnforced"));
        assert_eq!(r.arn.as_deref(), Some("arn:aws:s3:::b"));
        assert_eq!(r.source, SourceKind::Aws);
    }

    #[test]
    fn iam_document_is_url_decoded() {
        let c = json!({"policyVersionList": [{"isDefaultVersion": true, "document": "%7B%22Version%22%3A%222012-10-17%22%7D"}]});
        assert_eq!(iam_default_document(&c), json!({"Version": "2012-10-17"}));
    }

    #[test]
    fn security_group_rules_from_config_item() {
        let d = json!({"resourceType": "AWS::EC2::SecurityGroup", "configuration": {
            "groupId": "sg-1", "groupName": "web", "description": "d", "vpcId": "vpc-1",
            "ipPermissions": [{"ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "ipv4Ranges": [{"cidrIp": "0.0.0.0/0"}], "ipRanges": ["0.0.0.0/0"], "userIdGroupPairs": [{"groupId": "sg-1"}]}],
            "ipPermissionsEgress": [{"ipProtocol": "-1", "ipRanges": ["0.0.0.0/0"]}]}});
        let (kind, a) = config_item(&d).unwrap();
        assert_eq!(kind, "aws.ec2.security_group");
        assert_eq!(a["ingress"][0]["cidr_ipv4"], json!(["0.0.0.0/0"]));
        assert_eq!(a["ingress"][0]["self"], json!(true));
        assert_eq!(a["egress"][0]["from_port"], Value::Null);
    }
}
