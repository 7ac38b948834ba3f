//! Tags from the Resource Groups Tagging API: one `tag:GetResources` listing per account and
//! region stands in for the per-resource tag calls (`s3:GetBucketTagging` per bucket,
//! `kms:ListResourceTags` per key).
//!
//! This module owns those listings and what a resource's absence from one means. AWS
//! documents that `GetResources` without tag filters returns every resource of the region
//! it is sent to that has or had tags (one whose tags were all removed comes back with an
//! empty tag list), and no resource that was never tagged. So once a region's listing has
//! been read to its last page, a bucket or key of that region it does not name has no tags:
//! a fact, recorded with the listing as its source. A listing that failed on any page
//! (denied, throttled past the retries, timed out, a pagination error) is not used for that
//! region at all: each resource's own tag call answers instead, the failure is listed in
//! the snapshot's `fallback_calls`, and the attribute's source names both. If that call
//! fails too, the tags are unknown as always.
//!
//! Listings are lazy and shared: a region is listed when its first bucket or key asks for
//! tags, once per account, whichever collector asks first; a region where nothing needs
//! tags is not listed. Only the regions of the run are listed.
//!
//! Region scope: `GetResources` lists the resources located in the region it is sent to,
//! and an S3 bucket is located in its own region, so a bucket's tags are only looked up in
//! the listing of the region `ListBuckets` placed it in. Entries for buckets of other
//! regions are never consulted: moto 5.2.5 lists every bucket of the account in every
//! region (its S3 backend is global), AWS does not.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};
use tokio::sync::OnceCell;

use super::call::{Answer, FailedCall};
use super::ops;
use super::Ctx;
use crate::model::AttributeSource;

/// The `ResourceTypeFilters` value for S3 buckets (the only S3 type the API lists; AWS
/// treats `s3` and `s3:bucket` alike).
pub const S3: &str = "s3";
/// The `ResourceTypeFilters` value for KMS keys.
pub const KMS_KEY: &str = "kms:key";

/// `GetResources` answers at most 100 resources a page.
const PAGE: i32 = 100;

/// The tag listings of one account: one lazily read listing per collected region.
#[derive(Debug)]
pub struct Tagging {
    types: Vec<&'static str>,
    regions: BTreeMap<String, OnceCell<Result<Listing, String>>>,
}

impl Tagging {
    /// Listings of `regions` for resource types `types` ([`S3`], [`KMS_KEY`]).
    pub fn new(regions: &[String], types: Vec<&'static str>) -> Self {
        Self {
            types,
            regions: regions
                .iter()
                .map(|r| (r.clone(), OnceCell::new()))
                .collect(),
        }
    }

    /// Whether the listings cover resources of `resource_type` at all.
    pub fn covers(&self, resource_type: &str) -> bool {
        self.types.contains(&resource_type)
    }

    /// The complete listing of `region` (read on first use), or why there is none; the
    /// reason names the failed call and goes into the attribute's source note.
    pub async fn listing(&self, ctx: &Ctx, region: &str) -> Result<&Listing, String> {
        let Some(cell) = self.regions.get(region) else {
            return Err(format!(
                "{} not called in {region}: not a collected region",
                ops::TAG_GET_RESOURCES.label()
            ));
        };
        // Boxed: the SDK's request future is large, and this one is awaited from inside
        // the per-bucket and per-key futures (see the debug-build stack note in `super`).
        let listed = cell
            .get_or_init(|| Box::pin(list(ctx, region, &self.types)))
            .await;
        listed.as_ref().map_err(Clone::clone)
    }
}

/// One region's complete listing, indexed by what the collectors know a resource by.
#[derive(Debug, Default)]
pub struct Listing {
    region: String,
    pages: usize,
    /// Tags of the listed buckets (`arn:PARTITION:s3:::NAME`) by name.
    buckets: BTreeMap<String, Map<String, Value>>,
    /// Tags of the listed keys (`arn:PARTITION:kms:REGION:ACCOUNT:key/ID`) by key ID.
    keys: BTreeMap<String, Map<String, Value>>,
}

impl Listing {
    /// A bucket's tags as `{key: value}` (empty: none) and their source.
    pub fn bucket(&self, name: &str) -> (Value, AttributeSource) {
        self.tags_of(self.buckets.get(name), "bucket")
    }

    /// A KMS key's tags as `{key: value}` (empty: none) and their source.
    pub fn key(&self, key_id: &str) -> (Value, AttributeSource) {
        self.tags_of(self.keys.get(key_id), "key")
    }

    fn tags_of(&self, listed: Option<&Map<String, Value>>, what: &str) -> (Value, AttributeSource) {
        let operation = ops::TAG_GET_RESOURCES.label();
        match listed {
            Some(tags) => (
                Value::Object(tags.clone()),
                AttributeSource {
                    operation,
                    field: Some("ResourceTagMappingList[].Tags".to_owned()),
                    ..Default::default()
                },
            ),
            None => (
                Value::Object(Map::new()),
                AttributeSource {
                    operation,
                    note: Some(format!(
                        "the {what} is not in the complete listing of {} ({} page(s)), which names every resource of the region that has or had tags: it has none",
                        self.region, self.pages
                    )),
                    ..Default::default()
                },
            ),
        }
    }

    /// Files one `ResourceTagMapping` under the bucket or key it names; other resources
    /// (an access point, another type) are not asked about and are dropped.
    fn add(&mut self, arn: &str, tags: Map<String, Value>) {
        let mut parts = arn.splitn(6, ':');
        let (
            Some("arn"),
            Some(_partition),
            Some(service),
            Some(region),
            Some(_account),
            Some(rest),
        ) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        )
        else {
            return;
        };
        match service {
            "s3" if region.is_empty() && !rest.is_empty() && !rest.contains('/') => {
                self.buckets.insert(rest.to_owned(), tags);
            }
            "kms" if region == self.region => {
                if let Some(id) = rest.strip_prefix("key/") {
                    self.keys.insert(id.to_owned(), tags);
                }
            }
            _ => {}
        }
    }
}

/// Pages through `GetResources` in `region`. Any failed page voids the whole listing (a
/// partial one cannot say "not listed, so no tags"); the failure is recorded as a covered
/// fallback, because every resource that asked then makes its own tag call.
async fn list(ctx: &Ctx, region: &str, types: &[&'static str]) -> Result<Listing, String> {
    let client =
        aws_sdk_resourcegroupstagging::Client::new(&super::client::in_region(&ctx.config, region));
    let op = &ops::TAG_GET_RESOURCES;
    let filters: Vec<String> = types.iter().map(|t| (*t).to_owned()).collect();
    let mut listing = Listing {
        region: region.to_owned(),
        ..Default::default()
    };
    let mut token: Option<String> = None;
    let mut tokens: BTreeSet<String> = BTreeSet::new();
    loop {
        let request = client
            .get_resources()
            .set_resource_type_filters(Some(filters.clone()))
            .resources_per_page(PAGE)
            .set_pagination_token(token.clone());
        let (answer, failed) = ctx
            .caller
            .try_call(op, region, None, &[], request.send())
            .await;
        match answer {
            Answer::Ok(page) => {
                listing.pages += 1;
                for mapping in page.resource_tag_mapping_list() {
                    let Some(arn) = mapping.resource_arn() else {
                        continue;
                    };
                    let tags: Map<String, Value> = mapping
                        .tags()
                        .iter()
                        .map(|t| (t.key().to_owned(), Value::String(t.value().to_owned())))
                        .collect();
                    listing.add(arn, tags);
                }
                token = page
                    .pagination_token()
                    .filter(|t| !t.is_empty())
                    .map(str::to_owned);
                let Some(next) = &token else {
                    return Ok(listing);
                };
                // A token seen before would loop forever: the listing cannot be completed.
                if !tokens.insert(next.clone()) {
                    let message = format!(
                        "page {} repeated an earlier pagination token; the listing is incomplete",
                        listing.pages
                    );
                    ctx.caller.record_fallback(FailedCall {
                        service: op.service.to_owned(),
                        operation: op.name.to_owned(),
                        region: region.to_owned(),
                        resource: None,
                        error_code: "RepeatedPaginationToken".to_owned(),
                        message,
                    });
                    return Err(format!("{} failed: RepeatedPaginationToken", op.label()));
                }
            }
            Answer::Failed(reason) | Answer::NotConfigured(reason) => {
                if let Some(call) = failed {
                    ctx.caller.record_fallback(call);
                }
                return Err(if listing.pages == 0 {
                    reason
                } else {
                    format!(
                        "{reason} (page {} of the listing of {region}; the pages before it are not used)",
                        listing.pages + 1
                    )
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    fn tags(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn listed_resources_have_their_tags_and_the_rest_have_none() {
        let mut l = Listing {
            region: "eu-west-1".into(),
            pages: 2,
            ..Default::default()
        };
        l.add("arn:aws:s3:::backups", tags(json!({"purpose": "backups"})));
        l.add("arn:aws:s3:::was-tagged", Map::new());
        l.add(
            "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            tags(json!({"team": "data"})),
        );
        // Neither a bucket nor a key of this region: never consulted.
        l.add(
            "arn:aws:s3:eu-west-1:123456789012:accesspoint/ap",
            tags(json!({"x": "y"})),
        );
        l.add(
            "arn:aws:kms:us-east-1:123456789012:key/other-region",
            tags(json!({"x": "y"})),
        );
        l.add("not an arn", tags(json!({"x": "y"})));

        let (v, s) = l.bucket("backups");
        assert_eq!(v, json!({"purpose": "backups"}));
        assert_eq!(s.operation, "tag:GetResources");
        assert_eq!(s.field.as_deref(), Some("ResourceTagMappingList[].Tags"));
        assert_eq!(l.bucket("was-tagged").0, json!({}));

        let (v, s) = l.bucket("never-tagged");
        assert_eq!(v, json!({}), "absent from a complete listing: no tags");
        assert_eq!(s.operation, "tag:GetResources");
        assert!(s
            .note
            .as_deref()
            .is_some_and(|n| n.contains("eu-west-1 (2 page(s))")));

        assert_eq!(
            l.key("1234abcd-12ab-34cd-56ef-1234567890ab").0,
            json!({"team": "data"})
        );
        assert_eq!(l.key("other-region").0, json!({}));
        assert_eq!(l.bucket("ap").0, json!({}));
        assert_eq!(l.buckets.len(), 2);
        assert_eq!(l.keys.len(), 1);
    }

    #[test]
    fn coverage_follows_the_types_asked() {
        let t = Tagging::new(&["us-east-1".into()], vec![KMS_KEY]);
        assert!(t.covers(KMS_KEY));
        assert!(!t.covers(S3));
    }
}
