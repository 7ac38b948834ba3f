//! KMS collector: every key of a region with its metadata, rotation status, key policy
//! (`default`, the only policy name KMS has) and aliases. AWS managed keys are collected
//! too, marked `KeyManager: AWS`; rotation rules skip them (AWS rotates them yearly and the
//! owner cannot change it), which is why `KeyManager` is always recorded.

use std::collections::BTreeMap;

use futures::StreamExt;
use serde_json::{json, Map, Value};

use super::call::Answer;
use super::ops;
use super::raw::{RawKind, RawResource};
use super::Ctx;
use crate::model::unknown;

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
            data.insert("DescribeKey".into(), metadata);

            let (rotation, policy, tags) = tokio::join!(
                caller.call(
                    &ops::KMS_GET_KEY_ROTATION_STATUS,
                    region,
                    k,
                    // Asymmetric, HMAC and imported keys cannot rotate: a fact, not a failure.
                    &["UnsupportedOperationException"],
                    client.get_key_rotation_status().key_id(&id).send(),
                ),
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
                caller.call(
                    &ops::KMS_LIST_RESOURCE_TAGS,
                    region,
                    k,
                    &[],
                    client.list_resource_tags().key_id(&id).send()
                ),
            );
            calls.push(ops::KMS_LIST_RESOURCE_TAGS.label());
            data.insert(
                "ListResourceTags".into(),
                tags.to_value(|out| {
                    let map: Map<String, Value> = out
                        .tags()
                        .iter()
                        .map(|t| (t.tag_key().to_owned(), json!(t.tag_value())))
                        .collect();
                    Value::Object(map)
                }),
            );
            calls.push(ops::KMS_GET_KEY_ROTATION_STATUS.label());
            calls.push(ops::KMS_GET_KEY_POLICY.label());
            let rotation = match rotation {
                Answer::NotConfigured(_) => {
                    json!({ "Supported": false, "KeyRotationEnabled": false })
                }
                other => other.to_value(|out| {
                    json!({
                        "Supported": true,
                        "KeyRotationEnabled": out.key_rotation_enabled(),
                        "RotationPeriodInDays": out.rotation_period_in_days(),
                    })
                }),
            };
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
