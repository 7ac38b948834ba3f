//! KMS collector: every key of a region with its metadata, rotation status, key policy
//! (`default`, the only policy name KMS has), aliases and tags. AWS managed keys are
//! collected too, marked `KeyManager: AWS`; rotation rules skip them (AWS rotates them yearly
//! and the owner cannot change it), which is why `KeyManager` is always recorded.
//!
//! Calls whose answer `DescribeKey` already settles are not made, and the attribute's source
//! says so (`derived`): rotation of AWS managed keys (yearly, fixed by AWS), of keys that
//! cannot rotate automatically (asymmetric, HMAC, imported or custom-key-store material, for
//! which `GetKeyRotationStatus` answers `UnsupportedOperationException`) and of keys pending
//! deletion (AWS KMS documents their rotation status as false), and tags of AWS managed keys
//! (which cannot be tagged). Customer managed keys' tags come from the region's tag listing
//! ([`super::tagging`]), `ListResourceTags` per key only where that listing failed.
//! Everything else is read for every key.

use std::collections::BTreeMap;

use futures::StreamExt;
use serde_json::{json, Map, Value};

use super::call::Answer;
use super::ops;
use super::raw::{RawKind, RawResource};
use super::Ctx;
use crate::model::unknown;

/// Where a key's tags came from.
enum Tags {
    /// AWS managed: it cannot be tagged, nothing is read.
    AwsManaged,
    /// The region's complete tag listing: the value and its source.
    Listed((Value, crate::model::AttributeSource)),
    /// The key's own `ListResourceTags`, and why the listing did not answer.
    Called(
        Answer<aws_sdk_kms::operation::list_resource_tags::ListResourceTagsOutput>,
        String,
    ),
}

/// Reads every key of `region`.
pub async fn collect(ctx: &Ctx, region: &str) -> Vec<RawResource> {
    let client = aws_sdk_kms::Client::new(&super::client::in_region(&ctx.config, region));
    let mut keys: Vec<(String, Option<String>)> = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let request = client.list_keys().set_marker(marker.clone());
        match ctx
            .caller
            .call(&ops::KMS_LIST_KEYS, region, None, &[], request.send())
            .await
        {
            Answer::Ok(out) => {
                keys.extend(out.keys().iter().filter_map(|k| {
                    k.key_id()
                        .map(|id| (id.to_owned(), k.key_arn().map(str::to_owned)))
                }));
                marker = out.next_marker().map(str::to_owned);
                if !out.truncated() || marker.is_none() {
                    break;
                }
            }
            _ => break,
        }
    }
    if keys.is_empty() {
        return Vec::new();
    }

    // Aliases of the whole region at once: cheaper than per key.
    let mut aliases: Result<BTreeMap<String, Vec<String>>, String> = Ok(BTreeMap::new());
    let mut marker: Option<String> = None;
    loop {
        let request = client.list_aliases().set_marker(marker.clone());
        match ctx
            .caller
            .call(&ops::KMS_LIST_ALIASES, region, None, &[], request.send())
            .await
        {
            Answer::Ok(out) => {
                if let Ok(map) = aliases.as_mut() {
                    for alias in out.aliases() {
                        if let (Some(target), Some(name)) =
                            (alias.target_key_id(), alias.alias_name())
                        {
                            map.entry(target.to_owned())
                                .or_default()
                                .push(name.to_owned());
                        }
                    }
                }
                marker = out.next_marker().map(str::to_owned);
                if !out.truncated() || marker.is_none() {
                    break;
                }
            }
            Answer::Failed(reason) | Answer::NotConfigured(reason) => {
                aliases = Err(reason);
                break;
            }
        }
    }

    let client = &client;
    let aliases = &aliases;
    futures::stream::iter(keys)
        .map(|(id, arn)| async move {
            let caller = &ctx.caller;
            let k = Some(id.as_str());
            let describe = caller
                .call(
                    &ops::KMS_DESCRIBE_KEY,
                    region,
                    k,
                    &[],
                    client.describe_key().key_id(&id).send(),
                )
                .await;
            let mut data = Map::new();
            let mut calls = vec![ops::KMS_LIST_KEYS.label(), ops::KMS_DESCRIBE_KEY.label()];
            data.insert("KeyId".into(), json!(id));
            let mut arn = arn.unwrap_or_else(|| {
                format!("arn:aws:kms:{region}:{}:key/{id}", ctx.account_or_unknown())
            });
            let metadata = describe.to_value(|out| match out.key_metadata() {
                Some(m) => {
                    if let Some(a) = m.arn() {
                        arn = a.to_owned();
                    }
                    json!({
                        "KeyManager": m.key_manager().map(|x| x.as_str()),
                        "KeyState": m.key_state().map(|x| x.as_str()),
                        "Enabled": m.enabled(),
                        "KeySpec": m.key_spec().map(|x| x.as_str()),
                        "KeyUsage": m.key_usage().map(|x| x.as_str()),
                        "Origin": m.origin().map(|x| x.as_str()),
                        "MultiRegion": m.multi_region(),
                        "Description": m.description(),
                        "CreationDate": m.creation_date().map(ToString::to_string),
                        "DeletionDate": m.deletion_date().map(ToString::to_string),
                        "PendingDeletionWindowInDays": m.pending_deletion_window_in_days(),
                    })
                }
                None => unknown("kms:DescribeKey returned no key metadata"),
            });
            // Calls whose answer DescribeKey already settles are not made (see the module
            // docs); the derivation is the attribute's recorded source.
            let (manager, spec, origin, key_state) = match &metadata {
                Value::Object(m) => (
                    m.get("KeyManager").and_then(Value::as_str),
                    m.get("KeySpec").and_then(Value::as_str),
                    m.get("Origin").and_then(Value::as_str),
                    m.get("KeyState").and_then(Value::as_str),
                ),
                _ => (None, None, None, None),
            };
            let aws_managed = manager == Some("AWS");
            let cannot_rotate = matches!((spec, origin), (Some(s), Some(o)) if s != "SYMMETRIC_DEFAULT" || o != "AWS_KMS");
            let pending_deletion = key_state == Some("PendingDeletion");
            data.insert("DescribeKey".into(), metadata);
            let rotation_call = async {
                if aws_managed || cannot_rotate || pending_deletion {
                    return None;
                }
                Some(
                    caller
                        .call(
                            &ops::KMS_GET_KEY_ROTATION_STATUS,
                            region,
                            k,
                            // Asymmetric, HMAC and imported keys cannot rotate: a fact.
                            &["UnsupportedOperationException"],
                            client.get_key_rotation_status().key_id(&id).send(),
                        )
                        .await,
                )
            };
            // Tags: none to read on an AWS managed key; the region's tag listing where it
            // could be read; else the key's own call, with why in the source.
            let tags_call = async {
                if aws_managed {
                    return Tags::AwsManaged;
                }
                let why = match ctx.tagging.listing(ctx, region).await {
                    Ok(listing) => return Tags::Listed(listing.key(&id)),
                    Err(why) => why,
                };
                let answer = caller
                    .call(
                        &ops::KMS_LIST_RESOURCE_TAGS,
                        region,
                        k,
                        &[],
                        client.list_resource_tags().key_id(&id).send(),
                    )
                    .await;
                Tags::Called(answer, why)
            };
            let (rotation, policy, tags) = tokio::join!(
                rotation_call,
                caller.call(
                    &ops::KMS_GET_KEY_POLICY,
                    region,
                    k,
                    &[],
                    client
                        .get_key_policy()
                        .key_id(&id)
                        .policy_name("default")
                        .send(),
                ),
                tags_call,
            );
            let source = |op: &ops::Op| json!({ "operation": op.label() });
            let derived = |note: &str| json!({ "operation": "derived", "note": note });
            let mut sources = Map::new();
            for attribute in [
                "description",
                "key_manager",
                "key_spec",
                "key_usage",
                "origin",
                "enabled",
                "key_state",
                "deletion_window_days",
                "multi_region",
            ] {
                sources.insert(attribute.into(), source(&ops::KMS_DESCRIBE_KEY));
            }
            let tags = match tags {
                Tags::Listed((value, from)) => {
                    calls.push(ops::TAG_GET_RESOURCES.label());
                    sources.insert(
                        "tags".into(),
                        serde_json::to_value(from).unwrap_or(Value::Null),
                    );
                    value
                }
                Tags::Called(answer, why) => {
                    calls.push(ops::KMS_LIST_RESOURCE_TAGS.label());
                    sources.insert(
                        "tags".into(),
                        json!({ "operation": ops::KMS_LIST_RESOURCE_TAGS.label(), "note": why }),
                    );
                    answer.to_value(|out| {
                        let map: Map<String, Value> = out
                            .tags()
                            .iter()
                            .map(|t| (t.tag_key().to_owned(), json!(t.tag_value())))
                            .collect();
                        Value::Object(map)
                    })
                }
                Tags::AwsManaged => {
                    sources.insert(
                        "tags".into(),
                        derived("an AWS managed key (per kms:DescribeKey): AWS managed keys cannot be tagged"),
                    );
                    Value::Object(Map::new())
                }
            };
            data.insert("ListResourceTags".into(), tags);
            let rotation = match rotation {
                Some(Answer::NotConfigured(_)) => {
                    calls.push(ops::KMS_GET_KEY_ROTATION_STATUS.label());
                    sources.insert("rotation_enabled".into(), source(&ops::KMS_GET_KEY_ROTATION_STATUS));
                    json!({ "Supported": false, "KeyRotationEnabled": false })
                }
                Some(other) => {
                    calls.push(ops::KMS_GET_KEY_ROTATION_STATUS.label());
                    sources.insert("rotation_enabled".into(), source(&ops::KMS_GET_KEY_ROTATION_STATUS));
                    other.to_value(|out| {
                        json!({
                            "Supported": true,
                            "KeyRotationEnabled": out.key_rotation_enabled(),
                            "RotationPeriodInDays": out.rotation_period_in_days(),
                        })
                    })
                }
                None if aws_managed => {
                    sources.insert(
                        "rotation_enabled".into(),
                        derived("an AWS managed key (per kms:DescribeKey): AWS KMS rotates AWS managed keys every year, and their owner cannot change that"),
                    );
                    json!({ "Supported": true, "KeyRotationEnabled": true, "RotationPeriodInDays": 365 })
                }
                None if cannot_rotate => {
                    sources.insert(
                        "rotation_enabled".into(),
                        derived("key spec or origin (per kms:DescribeKey) without automatic rotation: only symmetric keys with KMS-generated material rotate automatically"),
                    );
                    json!({ "Supported": false, "KeyRotationEnabled": false })
                }
                None => {
                    sources.insert(
                        "rotation_enabled".into(),
                        derived("key state PendingDeletion (per kms:DescribeKey): AWS KMS reports a key pending deletion as not rotating and does not rotate it (its earlier status returns if the deletion is cancelled)"),
                    );
                    json!({ "Supported": true, "KeyRotationEnabled": false })
                }
            };
            if let Some(s) = sources.get("rotation_enabled").cloned() {
                sources.insert("rotation_period_days".into(), s);
            }
            calls.push(ops::KMS_GET_KEY_POLICY.label());
            sources.insert("policy".into(), source(&ops::KMS_GET_KEY_POLICY));
            sources.insert("aliases".into(), source(&ops::KMS_LIST_ALIASES));
            data.insert("GetKeyRotationStatus".into(), rotation);
            data.insert(
                "GetKeyPolicy".into(),
                policy.to_value(|out| match out.policy() {
                    Some(text) => serde_json::from_str(text).unwrap_or_else(|e| {
                        unknown(format!(
                            "kms:GetKeyPolicy returned a policy that is not JSON: {e}"
                        ))
                    }),
                    None => Value::Null,
                }),
            );
            data.insert("Sources".into(), Value::Object(sources));
            calls.push(ops::KMS_LIST_ALIASES.label());
            data.insert(
                "Aliases".into(),
                match aliases {
                    Ok(map) => {
                        let mut names = map.get(&id).cloned().unwrap_or_default();
                        names.sort();
                        json!(names)
                    }
                    Err(reason) => unknown(reason.clone()),
                },
            );
            ctx.raw(
                RawKind::KmsKey,
                arn,
                Some(region.to_owned()),
                calls,
                Value::Object(data),
            )
        })
        .buffer_unordered(ctx.concurrency)
        .collect()
        .await
}
