//! ElastiCache collector: the replication groups (Valkey, Redis OSS) of a region from
//! `DescribeReplicationGroups` (paginated), each with its tags (`ListTagsForResource`).
//!
//! AWS Config does not record ElastiCache, so this is the only source. Every region read
//! yields one [`RawKind::ElastiCacheListing`] document saying whether the listing was read to
//! its last page: normalization drops the region's "not collected" stand-in once a listing
//! was made, and a listing that failed on any page becomes one resource at the wildcard
//! address whose facts are unknown with the call's error (groups of the pages read are kept).

use serde_json::{json, Map, Value};

use super::call::Answer;
use super::ops;
use super::raw::{RawKind, RawResource};
use super::Ctx;
use crate::model::unknown;

/// The page size DescribeReplicationGroups accepts at most.
const PAGE: i32 = 100;

/// Reads the replication groups of `region`.
pub async fn collect(ctx: &Ctx, region: &str) -> Vec<RawResource> {
    let client = aws_sdk_elasticache::Client::new(&super::client::in_region(&ctx.config, region));
    let mut groups = Vec::new();
    let mut marker: Option<String> = None;
    let mut pages = 0u32;
    let mut failed: Option<String> = None;
    loop {
        let request = client
            .describe_replication_groups()
            .max_records(PAGE)
            .set_marker(marker.clone());
        match ctx
            .caller
            .call(
                &ops::ELASTICACHE_DESCRIBE_REPLICATION_GROUPS,
                region,
                None,
                &[],
                request.send(),
            )
            .await
        {
            Answer::Ok(out) => {
                pages += 1;
                groups.extend(out.replication_groups().iter().map(group_json));
                marker = out.marker().filter(|m| !m.is_empty()).map(str::to_owned);
                if marker.is_none() {
                    break;
                }
            }
            Answer::Failed(reason) | Answer::NotConfigured(reason) => {
                failed = Some(reason);
                break;
            }
        }
    }
    let account = ctx.account_or_unknown().to_owned();
    let partition = super::client::partition(region);
    let describe = ops::ELASTICACHE_DESCRIBE_REPLICATION_GROUPS.label();
    let mut out = Vec::new();
    let tagged = futures::future::join_all(groups.into_iter().map(|mut g| {
        let client = client.clone();
        let account = account.clone();
        async move {
            let id = g
                .get("ReplicationGroupId")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let arn = g
                .get("ARN")
                .and_then(Value::as_str)
                .filter(|a| !a.is_empty())
                .map(str::to_owned)
                .unwrap_or_else(|| {
                    format!("arn:{partition}:elasticache:{region}:{account}:replicationgroup:{id}")
                });
            let tags = ctx
                .caller
                .call(
                    &ops::ELASTICACHE_LIST_TAGS_FOR_RESOURCE,
                    region,
                    Some(&id),
                    &[],
                    client.list_tags_for_resource().resource_name(&arn).send(),
                )
                .await
                .to_value(|o| {
                    let tags: Map<String, Value> = o
                        .tag_list()
                        .iter()
                        .filter_map(|t| Some((t.key()?.to_owned(), json!(t.value().unwrap_or("")))))
                        .collect();
                    if tags.is_empty() {
                        Value::Null
                    } else {
                        Value::Object(tags)
                    }
                });
            if let Some(m) = g.as_object_mut() {
                m.insert("ListTagsForResource".into(), tags);
            }
            (arn, g)
        }
    }))
    .await;
    for (arn, data) in tagged {
        out.push(ctx.raw(
            RawKind::ElastiCacheReplicationGroup,
            arn,
            Some(region.to_owned()),
            vec![
                describe.clone(),
                ops::ELASTICACHE_LIST_TAGS_FOR_RESOURCE.label(),
            ],
            data,
        ));
    }
    out.push(ctx.raw(
        RawKind::ElastiCacheListing,
        format!("arn:{partition}:elasticache:{region}:{account}:replicationgroup:*"),
        Some(region.to_owned()),
        vec![describe],
        json!({ "Pages": pages, "Failed": failed.map_or(Value::Null, unknown) }),
    ));
    out
}

/// The fields of one `ReplicationGroup` vouch reads, under their API names; a field the
/// answer omits is `null`.
fn group_json(g: &aws_sdk_elasticache::types::ReplicationGroup) -> Value {
    json!({
        "ReplicationGroupId": g.replication_group_id(),
        "ARN": g.arn(),
        "Engine": g.engine(),
        "Status": g.status(),
        "AtRestEncryptionEnabled": g.at_rest_encryption_enabled(),
        "KmsKeyId": g.kms_key_id(),
        "TransitEncryptionEnabled": g.transit_encryption_enabled(),
        "TransitEncryptionMode": g.transit_encryption_mode().map(|m| m.as_str()),
        "AuthTokenEnabled": g.auth_token_enabled(),
        "UserGroupIds": g.user_group_ids(),
    })
}
