//! S3 collector: every bucket of the account (S3 is listed globally) with its region,
//! default encryption, public access block, policy and policy status, ACL, versioning and
//! MFA delete, logging and object lock. Each bucket's calls go to the bucket's own region.

use futures::StreamExt;
use serde_json::{json, Map, Value};

use super::call::Answer;
use super::client;
use super::ops::{self, Op};
use super::raw::{RawKind, RawResource};
use super::Ctx;
use crate::model::unknown;

/// Lists the buckets (from the `home` region) and reads each one.
pub async fn collect(ctx: &Ctx, home: &str) -> Vec<RawResource> {
    let client = client::s3(&ctx.config, home);
    let mut names = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let request = client.list_buckets().set_continuation_token(token.clone());
        match ctx
            .caller
            .call(&ops::S3_LIST_BUCKETS, home, None, &[], request.send())
            .await
        {
            Answer::Ok(out) => {
                names.extend(
                    out.buckets()
                        .iter()
                        .filter_map(|b| b.name().map(str::to_owned)),
                );
                token = out.continuation_token().map(str::to_owned);
                if token.is_none() {
                    break;
                }
            }
            // Without the listing there is nothing to enumerate: the failed call is the
            // evidence that the inventory is incomplete.
            _ => break,
        }
    }
    names.sort();
    names.dedup();
    futures::stream::iter(names)
        .map(|name| bucket(ctx, home, name))
        .buffer_unordered(ctx.concurrency)
        .collect()
        .await
}

fn not_found(codes: &'static [&'static str]) -> &'static [&'static str] {
    codes
}

async fn bucket(ctx: &Ctx, home: &str, name: String) -> RawResource {
    let home_client = client::s3(&ctx.config, home);
    let mut calls = vec![ops::S3_GET_BUCKET_LOCATION.label()];
    let location = ctx
        .caller
        .call(
            &ops::S3_GET_BUCKET_LOCATION,
            home,
            Some(&name),
            &[],
            home_client.get_bucket_location().bucket(&name).send(),
        )
        .await;
    let region = match location {
        Answer::Ok(out) => Some(match out.location_constraint().map(|c| c.as_str()) {
            // The service answers an empty constraint for us-east-1 and the legacy `EU`
            // for eu-west-1.
            None | Some("") => "us-east-1".to_owned(),
            Some("EU") => "eu-west-1".to_owned(),
            Some(other) => other.to_owned(),
        }),
        _ => None,
    };
    let mut data = Map::new();
    data.insert("Name".into(), json!(name));
    data.insert(
        "Region".into(),
        region.clone().map_or_else(
            || unknown(format!("{} failed", ops::S3_GET_BUCKET_LOCATION.label())),
            Value::String,
        ),
    );
    // Calls are sent to the bucket's region; when it is unknown, to the home region (the
    // answers may then fail too, and are recorded as such).
    let call_region = region.clone().unwrap_or_else(|| home.to_owned());
    let c = client::s3(&ctx.config, &call_region);
    let r = call_region.as_str();
    let b = Some(name.as_str());
    let caller = &ctx.caller;

    let (enc, pab, pol, status, acl, ver, log, lock, own, tags) = tokio::join!(
        caller.call(
            &ops::S3_GET_BUCKET_ENCRYPTION,
            r,
            b,
            not_found(&["ServerSideEncryptionConfigurationNotFoundError"]),
            c.get_bucket_encryption().bucket(&name).send()
        ),
        caller.call(
            &ops::S3_GET_PUBLIC_ACCESS_BLOCK,
            r,
            b,
            not_found(&["NoSuchPublicAccessBlockConfiguration"]),
            c.get_public_access_block().bucket(&name).send()
        ),
        caller.call(
            &ops::S3_GET_BUCKET_POLICY,
            r,
            b,
            not_found(&["NoSuchBucketPolicy"]),
            c.get_bucket_policy().bucket(&name).send()
        ),
        caller.call(
            &ops::S3_GET_BUCKET_POLICY_STATUS,
            r,
            b,
            not_found(&["NoSuchBucketPolicy"]),
            c.get_bucket_policy_status().bucket(&name).send()
        ),
        caller.call(
            &ops::S3_GET_BUCKET_ACL,
            r,
            b,
            &[],
            c.get_bucket_acl().bucket(&name).send()
        ),
        caller.call(
            &ops::S3_GET_BUCKET_VERSIONING,
            r,
            b,
            &[],
            c.get_bucket_versioning().bucket(&name).send()
        ),
        caller.call(
            &ops::S3_GET_BUCKET_LOGGING,
            r,
            b,
            &[],
            c.get_bucket_logging().bucket(&name).send()
        ),
        caller.call(
            &ops::S3_GET_OBJECT_LOCK_CONFIGURATION,
            r,
            b,
            not_found(&["ObjectLockConfigurationNotFoundError"]),
            c.get_object_lock_configuration().bucket(&name).send()
        ),
        caller.call(
            &ops::S3_GET_BUCKET_OWNERSHIP_CONTROLS,
            r,
            b,
            not_found(&["OwnershipControlsNotFoundError"]),
            c.get_bucket_ownership_controls().bucket(&name).send()
        ),
        caller.call(
            &ops::S3_GET_BUCKET_TAGGING,
            r,
            b,
            not_found(&["NoSuchTagSet"]),
            c.get_bucket_tagging().bucket(&name).send()
        ),
    );
    let mut put = |op: &Op, value: Value| {
        calls.push(op.label());
        data.insert(op.name.to_owned(), value);
    };
    put(
        &ops::S3_GET_BUCKET_ENCRYPTION,
        enc.to_value(|out| {
            let rules: Vec<Value> = out
                .server_side_encryption_configuration()
                .map(|c| c.rules())
                .unwrap_or_default()
                .iter()
                .map(|rule| {
                    let default = rule.apply_server_side_encryption_by_default();
                    json!({
                        "SSEAlgorithm": default.map(|d| d.sse_algorithm().as_str()),
                        "KMSMasterKeyID": default.and_then(|d| d.kms_master_key_id()),
                        "BucketKeyEnabled": rule.bucket_key_enabled(),
                    })
                })
                .collect();
            json!({ "Rules": rules })
        }),
    );
    put(
        &ops::S3_GET_PUBLIC_ACCESS_BLOCK,
        pab.to_value(|out| match out.public_access_block_configuration() {
            Some(p) => json!({
                "BlockPublicAcls": p.block_public_acls(),
                "IgnorePublicAcls": p.ignore_public_acls(),
                "BlockPublicPolicy": p.block_public_policy(),
                "RestrictPublicBuckets": p.restrict_public_buckets(),
            }),
            None => Value::Null,
        }),
    );
    put(
        &ops::S3_GET_BUCKET_POLICY,
        pol.to_value(|out| match out.policy() {
            Some(text) => serde_json::from_str(text).unwrap_or_else(|e| {
                unknown(format!(
                    "s3:GetBucketPolicy returned a policy that is not JSON: {e}"
                ))
            }),
            None => Value::Null,
        }),
    );
    put(
        &ops::S3_GET_BUCKET_POLICY_STATUS,
        status
            .to_value(|out| json!({ "IsPublic": out.policy_status().and_then(|s| s.is_public()) })),
    );
    put(
        &ops::S3_GET_BUCKET_ACL,
        acl.to_value(|out| {
            let grants: Vec<Value> = out
                .grants()
                .iter()
                .map(|g| {
                    let grantee = g.grantee();
                    json!({
                        "Type": grantee.map(|x| x.r#type().as_str()),
                        "URI": grantee.and_then(|x| x.uri()),
                        "ID": grantee.and_then(|x| x.id()),
                        "Permission": g.permission().map(|p| p.as_str()),
                    })
                })
                .collect();
            json!({ "Owner": out.owner().and_then(|o| o.id()), "Grants": grants })
        }),
    );
    put(
        &ops::S3_GET_BUCKET_VERSIONING,
        ver.to_value(|out| {
            json!({
                "Status": out.status().map(|s| s.as_str()),
                "MFADelete": out.mfa_delete().map(|s| s.as_str()),
            })
        }),
    );
    put(
        &ops::S3_GET_BUCKET_LOGGING,
        log.to_value(|out| match out.logging_enabled() {
            Some(l) => {
                json!({ "TargetBucket": l.target_bucket(), "TargetPrefix": l.target_prefix() })
            }
            None => Value::Null,
        }),
    );
    put(
        &ops::S3_GET_OBJECT_LOCK_CONFIGURATION,
        lock.to_value(|out| match out.object_lock_configuration() {
            Some(c) => {
                let retention = c.rule().and_then(|r| r.default_retention());
                json!({
                    "ObjectLockEnabled": c.object_lock_enabled().map(|e| e.as_str()),
                    "DefaultRetention": retention.map(|d| json!({
                        "Mode": d.mode().map(|m| m.as_str()),
                        "Days": d.days(),
                        "Years": d.years(),
                    })),
                })
            }
            None => Value::Null,
        }),
    );
    put(
        &ops::S3_GET_BUCKET_OWNERSHIP_CONTROLS,
        own.to_value(
            |out| match out.ownership_controls().and_then(|c| c.rules().first()) {
                Some(rule) => json!({ "ObjectOwnership": rule.object_ownership().as_str() }),
                None => Value::Null,
            },
        ),
    );
    put(
        &ops::S3_GET_BUCKET_TAGGING,
        tags.to_value(|out| {
            let map: serde_json::Map<String, Value> = out
                .tag_set()
                .iter()
                .map(|t| (t.key().to_owned(), json!(t.value())))
                .collect();
            Value::Object(map)
        }),
    );
    ctx.raw(
        RawKind::S3Bucket,
        format!("arn:aws:s3:::{name}"),
        region,
        calls,
        Value::Object(data),
    )
}
