//! AWS Config `AWS::S3::Bucket` configuration items read as S3 facts.
//!
//! This module owns the mapping from one item to the bucket settings it carries, each in the
//! shape of the S3 API answer it stands in for (`GetBucketAcl`, `GetBucketPolicy`, ...), so
//! that [`crate::normalize::aws`] shapes a bucket the same way whichever source answered.
//! It makes no calls.
//!
//! Invariant: a setting is taken from an item only when the item states it. A missing
//! supplementary key, or one whose value does not have the documented shape, is reported as
//! not carried (with the reason), and the collector asks the S3 API instead; absence is never
//! read as "not configured". Item shape: `BatchGetResourceConfig`'s `BaseConfigurationItem`,
//! whose `supplementaryConfiguration` values are JSON text (`AccessControlList` is encoded
//! twice); the fields follow awslabs/aws-config-resource-schema (`AWS::S3::Bucket`).

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::super::ops::{self, Op};

/// A bucket setting an item may carry, named by the S3 operation it stands in for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Setting {
    Acl,
    Policy,
    Encryption,
    PublicAccessBlock,
    Versioning,
    Logging,
    ObjectLock,
    Tags,
}

impl Setting {
    /// Every setting an item may carry.
    pub const ALL: [Setting; 8] = [
        Setting::Acl,
        Setting::Policy,
        Setting::Encryption,
        Setting::PublicAccessBlock,
        Setting::Versioning,
        Setting::Logging,
        Setting::ObjectLock,
        Setting::Tags,
    ];

    /// The `supplementaryConfiguration` key that carries it.
    pub fn key(self) -> &'static str {
        match self {
            Setting::Acl => "AccessControlList",
            Setting::Policy => "BucketPolicy",
            Setting::Encryption => "ServerSideEncryptionConfiguration",
            Setting::PublicAccessBlock => "PublicAccessBlockConfiguration",
            Setting::Versioning => "BucketVersioningConfiguration",
            Setting::Logging => "BucketLoggingConfiguration",
            Setting::ObjectLock => "ObjectLockConfiguration",
            Setting::Tags => "BucketTaggingConfiguration",
        }
    }

    /// The S3 operation whose answer it replaces (and whose shape the value has).
    pub fn op(self) -> &'static Op {
        match self {
            Setting::Acl => &ops::S3_GET_BUCKET_ACL,
            Setting::Policy => &ops::S3_GET_BUCKET_POLICY,
            Setting::Encryption => &ops::S3_GET_BUCKET_ENCRYPTION,
            Setting::PublicAccessBlock => &ops::S3_GET_PUBLIC_ACCESS_BLOCK,
            Setting::Versioning => &ops::S3_GET_BUCKET_VERSIONING,
            Setting::Logging => &ops::S3_GET_BUCKET_LOGGING,
            Setting::ObjectLock => &ops::S3_GET_OBJECT_LOCK_CONFIGURATION,
            Setting::Tags => &ops::S3_GET_BUCKET_TAGGING,
        }
    }

    /// The `aws.s3.bucket` attribute it feeds.
    pub fn attribute(self) -> &'static str {
        match self {
            Setting::Acl => "acl",
            Setting::Policy => "policy",
            Setting::Encryption => "encryption",
            Setting::PublicAccessBlock => "public_access_block",
            Setting::Versioning => "versioning",
            Setting::Logging => "logging",
            Setting::ObjectLock => "object_lock",
            Setting::Tags => "tags",
        }
    }
}

/// What one usable item says about its bucket.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemFacts {
    /// The item's `configurationItemCaptureTime` (RFC 3339): the state is as of then.
    pub captured_at: String,
    /// The item's `awsRegion`.
    pub region: String,
    /// Each setting in its S3 answer's shape (`null` = not configured), or why the item
    /// does not tell it.
    pub settings: BTreeMap<Setting, Result<Value, String>>,
}

impl ItemFacts {
    /// The setting, or why the item does not carry it.
    pub fn get(&self, setting: Setting) -> Result<&Value, String> {
        match self.settings.get(&setting) {
            Some(Ok(v)) => Ok(v),
            Some(Err(reason)) => Err(reason.clone()),
            None => Err(format!(
                "the AWS Config item has no supplementaryConfiguration.{}",
                setting.key()
            )),
        }
    }
}

/// Item statuses whose configuration describes an existing, recorded bucket.
const CURRENT: &[&str] = &["OK", "ResourceDiscovered"];

/// Reads an item (`BaseConfigurationItem` as JSON, see [`item_json`]) for bucket `name`.
///
/// `Err` says why the whole item cannot stand in for S3 calls: another resource, a deleted or
/// unrecorded bucket, or no capture time to date it by.
pub fn parse(item: &Value, name: &str) -> Result<ItemFacts, String> {
    let text = |k: &str| item.get(k).and_then(Value::as_str);
    if text("resourceType") != Some(super::super::config::S3_BUCKET_TYPE) {
        return Err(format!(
            "the AWS Config item is of type {}, not AWS::S3::Bucket",
            text("resourceType").unwrap_or("(none)")
        ));
    }
    if text("resourceId") != Some(name) && text("resourceName") != Some(name) {
        return Err("the AWS Config item is about another bucket".to_owned());
    }
    let status = text("configurationItemStatus").unwrap_or("(none)");
    if !CURRENT.contains(&status) {
        return Err(format!(
            "the AWS Config item's status is {status}, not a recorded current configuration"
        ));
    }
    let Some(captured_at) = text("configurationItemCaptureTime").filter(|t| !t.is_empty()) else {
        return Err("the AWS Config item has no capture time".to_owned());
    };
    let Some(region) = text("awsRegion").filter(|r| !r.is_empty()) else {
        return Err("the AWS Config item has no region".to_owned());
    };
    let supplementary = item
        .get("supplementaryConfiguration")
        .and_then(Value::as_object);
    let mut settings = BTreeMap::new();
    for setting in Setting::ALL {
        let raw = supplementary.and_then(|s| s.get(setting.key()));
        let value = match raw {
            None | Some(Value::Null) => Err(format!(
                "the AWS Config item has no supplementaryConfiguration.{}",
                setting.key()
            )),
            Some(raw) => decode(raw)
                .and_then(|v| convert(setting, &v))
                .map_err(|why| {
                    format!(
                        "the AWS Config item's supplementaryConfiguration.{} is not usable: {why}",
                        setting.key()
                    )
                }),
        };
        settings.insert(setting, value);
    }
    Ok(ItemFacts {
        captured_at: captured_at.to_owned(),
        region: region.to_owned(),
        settings,
    })
}

/// A supplementary value: JSON text (possibly encoded twice, as `AccessControlList` is), or
/// already an object (an advanced query's rows).
fn decode(raw: &Value) -> Result<Value, String> {
    let mut value = raw.clone();
    for _ in 0..2 {
        match value {
            Value::String(s) => {
                value = serde_json::from_str(&s).map_err(|e| format!("not JSON ({e})"))?;
            }
            other => return Ok(other),
        }
    }
    match value {
        Value::String(_) => Err("JSON text encoded more than twice".to_owned()),
        other => Ok(other),
    }
}

fn convert(setting: Setting, v: &Value) -> Result<Value, String> {
    if !v.is_object() {
        return Err("not an object".to_owned());
    }
    match setting {
        Setting::Acl => acl(v),
        Setting::Policy => policy(v),
        Setting::Encryption => encryption(v),
        Setting::PublicAccessBlock => public_access_block(v),
        Setting::Versioning => versioning(v),
        Setting::Logging => logging(v),
        Setting::ObjectLock => object_lock(v),
        Setting::Tags => tags(v),
    }
}

/// Group grantees as AWS Config names them (the Java SDK's `GroupGrantee` constants).
const GROUPS: &[(&str, &str)] = &[
    (
        "AllUsers",
        "http://acs.amazonaws.com/groups/global/AllUsers",
    ),
    (
        "AuthenticatedUsers",
        "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
    ),
    (
        "LogDelivery",
        "http://acs.amazonaws.com/groups/s3/LogDelivery",
    ),
];

/// Permissions as AWS Config spells them, and the S3 API's spelling.
const PERMISSIONS: &[(&str, &str)] = &[
    ("FullControl", "FULL_CONTROL"),
    ("Read", "READ"),
    ("Write", "WRITE"),
    ("ReadAcp", "READ_ACP"),
    ("WriteAcp", "WRITE_ACP"),
];

fn acl(v: &Value) -> Result<Value, String> {
    // The Java model keeps the grants in one of two fields; an ACL always holds at least
    // the owner's grant, so an item with neither is not trusted.
    let grants = v
        .get("grantList")
        .filter(|g| !g.is_null())
        .or_else(|| v.get("grantSet").filter(|g| !g.is_null()))
        .and_then(Value::as_array)
        .ok_or("no grantList or grantSet")?;
    let mut out = Vec::new();
    for g in grants {
        let permission = g
            .get("permission")
            .and_then(Value::as_str)
            .and_then(|p| PERMISSIONS.iter().find(|(c, _)| *c == p))
            .map(|(_, api)| *api)
            .ok_or_else(|| format!("unrecognized permission in grant {g}"))?;
        let grantee = g.get("grantee").ok_or("a grant without a grantee")?;
        let (kind, uri, id) = match grantee {
            Value::String(group) => {
                let uri = GROUPS
                    .iter()
                    .find(|(n, _)| n == group)
                    .map(|(_, u)| *u)
                    .ok_or_else(|| format!("unrecognized group grantee {group}"))?;
                ("Group", Some(uri), None)
            }
            Value::Object(o) => {
                let id = o
                    .get("id")
                    .and_then(Value::as_str)
                    .ok_or_else(|| format!("unrecognized grantee {grantee}"))?;
                ("CanonicalUser", None, Some(id))
            }
            other => return Err(format!("unrecognized grantee {other}")),
        };
        out.push(json!({ "Type": kind, "URI": uri, "ID": id, "Permission": permission }));
    }
    let owner = v.get("owner").and_then(|o| o.get("id")).cloned();
    Ok(json!({ "Owner": owner.unwrap_or(Value::Null), "Grants": out }))
}

fn policy(v: &Value) -> Result<Value, String> {
    match v.get("policyText") {
        Some(Value::Null) => Ok(Value::Null),
        Some(Value::String(text)) => {
            serde_json::from_str(text).map_err(|e| format!("policyText is not JSON ({e})"))
        }
        _ => Err("no policyText".to_owned()),
    }
}

fn encryption(v: &Value) -> Result<Value, String> {
    let rules = v.get("rules").and_then(Value::as_array).ok_or("no rules")?;
    let rules: Vec<Value> = rules
        .iter()
        .map(|r| {
            let default = r
                .get("applyServerSideEncryptionByDefault")
                .cloned()
                .unwrap_or(Value::Null);
            json!({
                "SSEAlgorithm": default.get("sseAlgorithm").cloned().unwrap_or(Value::Null),
                "KMSMasterKeyID": default.get("kmsMasterKeyID").cloned().unwrap_or(Value::Null),
                "BucketKeyEnabled": r.get("bucketKeyEnabled").cloned().unwrap_or(Value::Null),
            })
        })
        .collect();
    Ok(json!({ "Rules": rules }))
}

fn public_access_block(v: &Value) -> Result<Value, String> {
    let mut out = Map::new();
    for (config, api) in [
        ("blockPublicAcls", "BlockPublicAcls"),
        ("ignorePublicAcls", "IgnorePublicAcls"),
        ("blockPublicPolicy", "BlockPublicPolicy"),
        ("restrictPublicBuckets", "RestrictPublicBuckets"),
    ] {
        match v.get(config) {
            // An omitted switch is off, as in the S3 answer.
            None | Some(Value::Null) => {}
            Some(Value::Bool(b)) => {
                out.insert(api.to_owned(), json!(b));
            }
            Some(other) => return Err(format!("{config} is {other}, not a boolean")),
        }
    }
    Ok(Value::Object(out))
}

fn versioning(v: &Value) -> Result<Value, String> {
    // AWS Config writes "Off" for a bucket whose versioning was never configured.
    let status = match v.get("status") {
        None | Some(Value::Null) => Value::Null,
        Some(Value::String(s)) if s == "Off" => Value::Null,
        Some(Value::String(s)) if s == "Enabled" || s == "Suspended" => json!(s),
        Some(other) => return Err(format!("status is {other}")),
    };
    let mfa = match v.get("isMfaDeleteEnabled") {
        None | Some(Value::Null) => Value::Null,
        Some(Value::Bool(true)) => json!("Enabled"),
        Some(Value::Bool(false)) => json!("Disabled"),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("true") || s == "Enabled" => {
            json!("Enabled")
        }
        Some(Value::String(s)) if s.eq_ignore_ascii_case("false") || s == "Disabled" => {
            json!("Disabled")
        }
        Some(other) => return Err(format!("isMfaDeleteEnabled is {other}")),
    };
    Ok(json!({ "Status": status, "MFADelete": mfa }))
}

fn logging(v: &Value) -> Result<Value, String> {
    match v.get("destinationBucketName") {
        Some(Value::Null) => Ok(Value::Null),
        Some(Value::String(target)) => Ok(json!({
            "TargetBucket": target,
            "TargetPrefix": v.get("logFilePrefix").cloned().unwrap_or(Value::Null),
        })),
        _ => Err("no destinationBucketName".to_owned()),
    }
}

fn object_lock(v: &Value) -> Result<Value, String> {
    let enabled = match v.get("objectLockEnabled") {
        // Stated but not enabled: the bucket has no Object Lock configuration.
        Some(Value::Null) => return Ok(Value::Null),
        Some(Value::String(s)) => s.clone(),
        _ => return Err("no objectLockEnabled".to_owned()),
    };
    let retention = v
        .get("rule")
        .and_then(|r| r.get("defaultRetention"))
        .filter(|d| d.is_object())
        .map(|d| {
            let n = |k: &str| {
                d.get(k)
                    .cloned()
                    .filter(|x| x.as_i64() != Some(0))
                    .unwrap_or(Value::Null)
            };
            json!({
                "Mode": d.get("mode").cloned().unwrap_or(Value::Null),
                "Days": n("days"),
                "Years": n("years"),
            })
        });
    Ok(json!({ "ObjectLockEnabled": enabled, "DefaultRetention": retention }))
}

fn tags(v: &Value) -> Result<Value, String> {
    let sets = v
        .get("tagSets")
        .and_then(Value::as_array)
        .ok_or("no tagSets")?;
    let mut out = Map::new();
    for set in sets {
        let tags = set
            .get("tags")
            .and_then(Value::as_object)
            .ok_or("a tag set without tags")?;
        for (k, v) in tags {
            out.insert(k.clone(), v.clone());
        }
    }
    Ok(Value::Object(out))
}

/// An SDK item as the JSON [`parse`] reads (the service's own field names).
pub fn item_json(item: &aws_sdk_config::types::BaseConfigurationItem) -> Value {
    let supplementary: Map<String, Value> = item
        .supplementary_configuration()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect()
        })
        .unwrap_or_default();
    json!({
        "accountId": item.account_id(),
        "arn": item.arn(),
        "resourceType": item.resource_type().map(|t| t.as_str()),
        "resourceId": item.resource_id(),
        "resourceName": item.resource_name(),
        "awsRegion": item.aws_region(),
        "configurationItemStatus": item.configuration_item_status().map(|s| s.as_str()),
        "configurationItemCaptureTime": item
            .configuration_item_capture_time()
            .and_then(|t| t.fmt(aws_smithy_types::date_time::Format::DateTime).ok()),
        "configuration": item.configuration(),
        "supplementaryConfiguration": supplementary,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// A real `BatchGetResourceConfig` item of a bucket (values as the service returns them:
    /// JSON text, the ACL encoded twice), with every supplementary key the AWS Config
    /// resource schema lists for `AWS::S3::Bucket` plus those seen in live items.
    fn real_item() -> Value {
        let acl = json!({
            "grantSet": null,
            "grantList": [
                {"grantee": {"id": "cdc98e52b531907c0dc603986cfa5197f7708056c08e9f701d164d48b54f5d18", "displayName": null}, "permission": "FullControl", "referenceId": null},
                {"grantee": "AllUsers", "permission": "Read", "referenceId": null},
                {"grantee": "LogDelivery", "permission": "Write", "referenceId": null}
            ],
            "owner": {"displayName": null, "id": "cdc98e52b531907c0dc603986cfa5197f7708056c08e9f701d164d48b54f5d18"},
            "isRequesterCharged": false
        });
        let policy = json!({"Version": "2012-10-17", "Statement": [{"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": ["arn:aws:s3:::audit-logs-eu", "arn:aws:s3:::audit-logs-eu/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]});
        let text = |v: Value| Value::String(v.to_string());
        json!({
            "version": "1.3",
            "accountId": "123456789012",
            "configurationItemCaptureTime": "2026-11-20T08:14:05.123Z",
            "configurationItemStatus": "OK",
            "configurationStateId": "1763626445123",
            "arn": "arn:aws:s3:::audit-logs-eu",
            "resourceType": "AWS::S3::Bucket",
            "resourceId": "audit-logs-eu",
            "resourceName": "audit-logs-eu",
            "awsRegion": "eu-west-1",
            "availabilityZone": "Regional",
            "resourceCreationTime": "2025-03-02T10:00:00Z",
            "configuration": "{\"name\":\"audit-logs-eu\",\"owner\":{\"displayName\":null,\"id\":\"cdc98e52b531907c0dc603986cfa5197f7708056c08e9f701d164d48b54f5d18\"},\"creationDate\":\"2025-03-02T10:00:00.000Z\"}",
            "supplementaryConfiguration": {
                "AccessControlList": Value::String(acl.to_string()).to_string(),
                "BucketAccelerateConfiguration": "{\"status\":null}",
                "BucketLifecycleConfiguration": "{\"rules\":[{\"id\":\"expire\",\"status\":\"Enabled\",\"expirationInDays\":400,\"expirationDate\":null,\"expiredObjectDeleteMarker\":false,\"noncurrentVersionExpirationInDays\":-1,\"transitions\":null,\"noncurrentVersionTransitions\":null,\"abortIncompleteMultipartUpload\":null,\"filter\":{\"predicate\":{\"type\":\"LifecyclePrefixPredicate\",\"prefix\":\"\"}}}]}",
                "BucketLoggingConfiguration": "{\"destinationBucketName\":\"access-logs-eu\",\"logFilePrefix\":\"audit-logs-eu/\"}",
                "BucketNotificationConfiguration": "{\"configurations\":{}}",
                "BucketPolicy": text(json!({"policyText": policy.to_string()})),
                "BucketTaggingConfiguration": "{\"tagSets\":[{\"tags\":{\"purpose\":\"audit-logs\",\"owner\":\"security\"}}]}",
                "BucketVersioningConfiguration": "{\"status\":\"Enabled\",\"isMfaDeleteEnabled\":false}",
                "IsRequesterPaysEnabled": "false",
                "ObjectLockConfiguration": "{\"objectLockEnabled\":\"Enabled\",\"rule\":{\"defaultRetention\":{\"mode\":\"COMPLIANCE\",\"days\":0,\"years\":7}}}",
                "PublicAccessBlockConfiguration": "{\"blockPublicAcls\":true,\"ignorePublicAcls\":true,\"blockPublicPolicy\":true,\"restrictPublicBuckets\":false}",
                "ServerSideEncryptionConfiguration": "{\"rules\":[{\"applyServerSideEncryptionByDefault\":{\"sseAlgorithm\":\"aws:kms\",\"kmsMasterKeyID\":\"arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab\"},\"bucketKeyEnabled\":true}]}"
            }
        })
    }

    #[test]
    fn every_supplementary_key_of_a_real_item_is_read_in_the_s3_answer_shape() {
        let facts = parse(&real_item(), "audit-logs-eu").unwrap();
        assert_eq!(facts.captured_at, "2026-11-20T08:14:05.123Z");
        assert_eq!(facts.region, "eu-west-1");
        let get = |s: Setting| facts.get(s).unwrap().clone();
        assert_eq!(
            get(Setting::Acl),
            json!({"Owner": "cdc98e52b531907c0dc603986cfa5197f7708056c08e9f701d164d48b54f5d18", "Grants": [
                {"Type": "CanonicalUser", "URI": null, "ID": "cdc98e52b531907c0dc603986cfa5197f7708056c08e9f701d164d48b54f5d18", "Permission": "FULL_CONTROL"},
                {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers", "ID": null, "Permission": "READ"},
                {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/s3/LogDelivery", "ID": null, "Permission": "WRITE"}
            ]})
        );
        assert_eq!(
            get(Setting::Policy)["Statement"][0]["Sid"],
            json!("DenyInsecureTransport")
        );
        assert_eq!(
            get(Setting::Encryption),
            json!({"Rules": [{"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", "BucketKeyEnabled": true}]})
        );
        assert_eq!(
            get(Setting::PublicAccessBlock),
            json!({"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": true, "RestrictPublicBuckets": false})
        );
        assert_eq!(
            get(Setting::Versioning),
            json!({"Status": "Enabled", "MFADelete": "Disabled"})
        );
        assert_eq!(
            get(Setting::Logging),
            json!({"TargetBucket": "access-logs-eu", "TargetPrefix": "audit-logs-eu/"})
        );
        assert_eq!(
            get(Setting::ObjectLock),
            json!({"ObjectLockEnabled": "Enabled", "DefaultRetention": {"Mode": "COMPLIANCE", "Days": null, "Years": 7}})
        );
        assert_eq!(
            get(Setting::Tags),
            json!({"purpose": "audit-logs", "owner": "security"})
        );
    }

    /// The item's settings as the collector files them (under the S3 operation each stands
    /// for), normalized into an `aws.s3.bucket`, checked against the kind's schema and judged.
    #[test]
    fn a_real_item_becomes_a_bucket_the_rules_judge() {
        use crate::collect::aws::raw::{RawKind, RawResource};
        let facts = parse(&real_item(), "audit-logs-eu").unwrap();
        let mut data = Map::new();
        data.insert("Name".into(), json!("audit-logs-eu"));
        data.insert("Region".into(), json!("eu-west-1"));
        for setting in Setting::ALL {
            data.insert(
                setting.op().name.to_owned(),
                facts.get(setting).unwrap().clone(),
            );
        }
        // The two settings no item states, as S3 answers them for this bucket.
        data.insert("GetBucketPolicyStatus".into(), json!({"IsPublic": false}));
        data.insert(
            "GetBucketOwnershipControls".into(),
            json!({"ObjectOwnership": "BucketOwnerPreferred"}),
        );
        let raw = RawResource {
            kind: RawKind::S3Bucket,
            arn: "arn:aws:s3:::audit-logs-eu".into(),
            account: Some("123456789012".into()),
            region: Some("eu-west-1".into()),
            api_calls: vec!["config:BatchGetResourceConfig".into()],
            collected_at: "2026-11-25T00:00:00Z".into(),
            data: Value::Object(data),
        };
        let resources: Vec<_> = crate::normalize::aws::normalize(&[raw])
            .into_iter()
            .filter(|r| r.kind == "aws.s3.bucket")
            .collect();
        let bucket = &resources[0];
        crate::normalize::terraform::tests::validate_against_schema(bucket);
        let a = &bucket.attributes;
        assert_eq!(
            a["encryption"],
            json!({"sse_algorithm": "aws:kms", "kms_master_key_id": "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", "bucket_key_enabled": true})
        );
        assert_eq!(
            a["versioning"],
            json!({"enabled": true, "mfa_delete": false})
        );
        assert_eq!(
            a["object_lock"],
            json!({"enabled": true, "mode": "COMPLIANCE", "days": null, "years": 7})
        );
        assert_eq!(a["logging"]["target_bucket"], json!("access-logs-eu"));
        assert_eq!(a["tags"]["purpose"], json!("audit-logs"));
        assert_eq!(
            a["public_access_block"]["restrict_public_buckets"],
            json!(false)
        );

        let policies = crate::engine::PolicySet::load(&[], &Default::default()).unwrap();
        let snapshot = crate::model::Snapshot {
            resources,
            inputs: Vec::new(),
            diagnostics: Vec::new(),
        };
        let result = crate::scan::judge(&snapshot, &policies, &Default::default());
        let status = |rule: &str| {
            result
                .outcomes
                .iter()
                .find(|o| o.rule_id == rule)
                .map(|o| o.status.as_str())
                .unwrap_or("none")
        };
        assert_eq!(status("s3-bucket-encryption-at-rest"), "pass");
        assert_eq!(status("s3-bucket-versioning"), "pass");
        assert_eq!(status("s3-bucket-access-logging"), "pass");
        assert_eq!(status("s3-bucket-secure-transport"), "pass");
        assert_eq!(status("s3-bucket-object-lock"), "pass");
        // The AllUsers READ grant is ignored (IgnorePublicAcls), the policy only denies.
        assert_eq!(status("s3-bucket-no-public-grants"), "pass");
        // RestrictPublicBuckets is off; MFA Delete is off on a versioned bucket.
        assert_eq!(status("s3-bucket-public-access-block"), "fail");
        assert_eq!(status("s3-bucket-mfa-delete"), "fail");
    }

    #[test]
    fn not_configured_states_are_facts() {
        let mut item = real_item();
        let s = item["supplementaryConfiguration"].as_object_mut().unwrap();
        s.insert("BucketPolicy".into(), json!("{\"policyText\":null}"));
        s.insert(
            "BucketLoggingConfiguration".into(),
            json!("{\"destinationBucketName\":null,\"logFilePrefix\":null}"),
        );
        s.insert(
            "BucketVersioningConfiguration".into(),
            json!("{\"status\":\"Off\",\"isMfaDeleteEnabled\":null}"),
        );
        s.insert(
            "ObjectLockConfiguration".into(),
            json!("{\"objectLockEnabled\":null,\"rule\":null}"),
        );
        let facts = parse(&item, "audit-logs-eu").unwrap();
        assert_eq!(facts.get(Setting::Policy).unwrap(), &Value::Null);
        assert_eq!(facts.get(Setting::Logging).unwrap(), &Value::Null);
        assert_eq!(
            facts.get(Setting::Versioning).unwrap(),
            &json!({"Status": null, "MFADelete": null})
        );
        assert_eq!(facts.get(Setting::ObjectLock).unwrap(), &Value::Null);
    }

    #[test]
    fn an_absent_or_malformed_key_is_not_carried_never_not_configured() {
        let mut item = real_item();
        let s = item["supplementaryConfiguration"].as_object_mut().unwrap();
        s.remove("ServerSideEncryptionConfiguration");
        s.remove("PublicAccessBlockConfiguration");
        s.remove("BucketTaggingConfiguration");
        s.insert(
            "BucketPolicy".into(),
            json!("{\"policyText\":\"{not json\"}"),
        );
        s.insert(
            "AccessControlList".into(),
            json!("{\"grantList\":[{\"grantee\":{\"emailAddress\":\"a@b\"},\"permission\":\"Read\"}]}"),
        );
        s.insert(
            "BucketVersioningConfiguration".into(),
            json!("{\"status\":\"Paused\"}"),
        );
        let facts = parse(&item, "audit-logs-eu").unwrap();
        for setting in [
            Setting::Encryption,
            Setting::PublicAccessBlock,
            Setting::Tags,
            Setting::Policy,
            Setting::Acl,
            Setting::Versioning,
        ] {
            let why = facts.get(setting).unwrap_err();
            assert!(why.contains(setting.key()), "{setting:?}: {why}");
        }
        assert!(facts
            .get(Setting::Encryption)
            .unwrap_err()
            .ends_with("has no supplementaryConfiguration.ServerSideEncryptionConfiguration"));
        // The rest of the item still counts.
        assert!(facts.get(Setting::Logging).is_ok());
    }

    #[test]
    fn unusable_items_are_refused_whole() {
        let mut deleted = real_item();
        deleted["configurationItemStatus"] = json!("ResourceDeleted");
        assert!(parse(&deleted, "audit-logs-eu")
            .unwrap_err()
            .contains("ResourceDeleted"));
        assert!(parse(&real_item(), "another-bucket")
            .unwrap_err()
            .contains("another bucket"));
        let mut undated = real_item();
        undated
            .as_object_mut()
            .unwrap()
            .remove("configurationItemCaptureTime");
        assert!(parse(&undated, "audit-logs-eu").is_err());
        let mut queue = real_item();
        queue["resourceType"] = json!("AWS::SQS::Queue");
        assert!(parse(&queue, "audit-logs-eu").is_err());
    }

    /// moto 5.2.5's items (its `FakeBucket.to_config_dict`): no encryption, versioning or
    /// Object Lock keys, Python's JSON spacing; those settings are left to the S3 API.
    #[test]
    fn moto_items_carry_what_they_carry() {
        let item = json!({
            "resourceType": "AWS::S3::Bucket", "resourceId": "b", "resourceName": "b",
            "awsRegion": "us-east-1", "configurationItemStatus": "ResourceDiscovered",
            "configurationItemCaptureTime": "2026-12-04T14:16:33.897Z",
            "supplementaryConfiguration": {
                "AccessControlList": "\"{\\\"grantSet\\\": null, \\\"owner\\\": {\\\"displayName\\\": null, \\\"id\\\": \\\"75aa\\\"}, \\\"grantList\\\": [{\\\"grantee\\\": {\\\"id\\\": \\\"75aa\\\", \\\"displayName\\\": null}, \\\"permission\\\": \\\"FullControl\\\"}]}\"",
                "BucketTaggingConfiguration": "{\"tagSets\": [{\"tags\": {\"purpose\": \"backups\"}}]}",
                "BucketAccelerateConfiguration": "{\"status\": null}",
                "BucketLoggingConfiguration": "{\"destinationBucketName\": null, \"logFilePrefix\": null}",
                "BucketPolicy": "{\"policyText\": null}",
                "IsRequesterPaysEnabled": "false",
                "BucketNotificationConfiguration": "{\"configurations\": {}}"
            }
        });
        let facts = parse(&item, "b").unwrap();
        assert_eq!(
            facts.get(Setting::Acl).unwrap()["Grants"][0]["Permission"],
            json!("FULL_CONTROL")
        );
        assert_eq!(
            facts.get(Setting::Tags).unwrap(),
            &json!({"purpose": "backups"})
        );
        assert_eq!(facts.get(Setting::Policy).unwrap(), &Value::Null);
        for missing in [
            Setting::Encryption,
            Setting::Versioning,
            Setting::ObjectLock,
            Setting::PublicAccessBlock,
        ] {
            assert!(facts.get(missing).is_err(), "{missing:?}");
        }
    }
}
