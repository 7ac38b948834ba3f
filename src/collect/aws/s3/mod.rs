//! S3 collector: every bucket of the account (S3 lists buckets globally) with its region,
//! default encryption, public access block, policy and policy status, ACL, versioning and
//! MFA delete, logging, Object Lock, object ownership and tags.
//!
//! This module owns where each of those comes from. Per region, [`Plan`]: when the region's
//! AWS Config recorder records `AWS::S3::Bucket` (see [`super::config::s3_recording`]) the
//! buckets' configuration items are read in batches of 100 (`BatchGetResourceConfig`, or
//! `BatchGetAggregateResourceConfig` first when an aggregator is named) and the S3 API is
//! called only for what an item does not state ([`item`]); otherwise, or with
//! `--s3-source api`, every setting comes from the S3 API in the bucket's region. A bucket
//! Config does not know, an unusable item, or a failed Config call falls back to the API, so
//! a Config problem costs requests, never evidence. Tags an item does not state come from
//! the Resource Groups Tagging API's listing of the bucket's region ([`super::tagging`]),
//! `GetBucketTagging` only where that listing failed or with `--s3-source api` (S3 alone).
//! Each setting's source (Config item and its capture time, S3 or tagging operation, or
//! derivation) is written to the raw document's `Sources`, which becomes the resource's
//! `provenance.attribute_sources`.
//!
//! Calls no rule or evidence needs are not made: the region comes from `ListBuckets`
//! (its `BucketRegion`, or one `ListBuckets` per collected region with the `BucketRegion`
//! filter) rather than `GetBucketLocation`; `GetBucketPolicyStatus` only when a policy exists;
//! `GetObjectLockConfiguration` only when versioning is enabled (S3 Object Lock requires
//! versioning and forbids suspending it); `GetBucketOwnershipControls` only when the ACL
//! grants something to everyone (ownership only decides whether such grants count).

pub mod item;

use std::collections::BTreeMap;
use std::future::Future;

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use futures::StreamExt;
use serde_json::{json, Map, Value};

use super::call::Answer;
use super::client;
use super::config::{Recording, BATCH, S3_BUCKET_TYPE};
use super::ops::{self, Op};
use super::raw::{RawKind, RawResource};
use super::Ctx;
use crate::model::{unknown, unknown_reason, AttributeSource};
use item::{ItemFacts, Setting};

/// Where bucket settings are read from (`--s3-source`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum S3Source {
    /// AWS Config items where the region's recorder records S3 buckets on every change,
    /// the S3 API elsewhere and for whatever an item does not state.
    #[default]
    Auto,
    /// AWS Config items wherever they exist, whatever the recorder's state (a stopped,
    /// failing or daily recorder's items may be stale); the S3 API for the rest.
    Config,
    /// The S3 API only: the current state, at about ten requests per bucket.
    Api,
}

/// How one region's buckets are read.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Plan {
    /// Config items first. `note` says why they are used although the recorder check did
    /// not pass (`--s3-source config`); it goes into every item-sourced attribute's evidence.
    Config { note: Option<String> },
    /// The S3 API only, and why.
    Api(String),
}

fn plan(source: S3Source, region: &str, recording: Option<&Recording>) -> Plan {
    let unhealthy = match recording {
        None => Some(format!(
            "the AWS Config recorder of {region} was not read ({region} is not a collected region)"
        )),
        Some(Recording::Recording { daily: false, .. }) => None,
        Some(Recording::Recording {
            daily: true,
            recorder,
        }) => Some(format!(
            "AWS Config recorder {recorder} in {region} records S3 buckets once a day, so its items may be a day old"
        )),
        Some(Recording::NotRecording { reason, .. }) => {
            Some(format!("AWS Config in {region}: {reason}"))
        }
    };
    match (source, unhealthy) {
        (S3Source::Api, _) => Plan::Api("--s3-source api".to_owned()),
        (S3Source::Auto, None) | (S3Source::Config, None) => Plan::Config { note: None },
        (S3Source::Auto, Some(why)) => Plan::Api(why),
        (S3Source::Config, Some(why)) => Plan::Config {
            note: Some(format!("--s3-source config although {why}")),
        },
    }
}

/// A bucket as listed, with its region and where that came from.
struct Listed {
    name: String,
    region: Option<(String, AttributeSource)>,
}

/// A usable item of one bucket and the operation that returned it.
#[derive(Debug, Clone)]
struct Item {
    facts: ItemFacts,
    op: &'static Op,
    note: Option<String>,
}

/// Lists the buckets (from the `home` region), places them in regions, reads the Config
/// items of the regions whose plan allows it, then reads each bucket.
pub async fn collect(
    ctx: &Ctx,
    home: &str,
    regions: &[String],
    recording: &BTreeMap<String, Recording>,
    source: S3Source,
    aggregator: Option<&str>,
) -> Vec<RawResource> {
    let mut listed = list(ctx, home).await;
    if listed.iter().any(|b| b.region.is_none()) {
        place(ctx, home, regions, &mut listed).await;
    }

    let mut by_region: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for b in &listed {
        if let Some((r, _)) = &b.region {
            by_region.entry(r.clone()).or_default().push(b.name.clone());
        }
    }
    let plans: BTreeMap<String, Plan> = by_region
        .keys()
        .map(|r| (r.clone(), plan(source, r, recording.get(r))))
        .collect();
    let fetched =
        futures::future::join_all(
            by_region
                .iter()
                .filter_map(|(r, names)| match plans.get(r) {
                    Some(Plan::Config { note }) => {
                        Some(items(ctx, home, r, names, aggregator, note.clone()))
                    }
                    _ => None,
                }),
        )
        .await;
    let mut found: BTreeMap<String, Result<Item, String>> = fetched.into_iter().flatten().collect();

    let work: Vec<(Listed, Result<Item, String>)> = listed
        .into_iter()
        .map(|b| {
            let item = match &b.region {
                None => Err(
                    "the bucket's region was not known before its settings were read".to_owned(),
                ),
                Some((r, _)) => match plans.get(r) {
                    Some(Plan::Api(why)) => Err(why.clone()),
                    _ => found.remove(&b.name).unwrap_or_else(|| {
                        Err("AWS Config returned no item for this bucket".to_owned())
                    }),
                },
            };
            (b, item)
        })
        .collect();
    // Buckets wait on two rounds of calls each: more in flight than the per-service limit
    // keeps that limit, not the bucket count, the bottleneck.
    futures::stream::iter(work)
        // Boxed: a bucket's read is a large state machine (up to ten SDK calls), too large
        // to keep several of on a task's stack in debug builds.
        .map(|(b, item)| Box::pin(bucket(ctx, home, b, item)))
        .buffer_unordered(ctx.concurrency.saturating_mul(4).max(1))
        .collect()
        .await
}

/// Every bucket of the account. `MaxBuckets` is passed so that S3 includes each bucket's
/// `BucketRegion` (it does when a request has any parameter) and pages with continuation
/// tokens. A failed listing is a failed call: the inventory is then incomplete.
async fn list(ctx: &Ctx, home: &str) -> Vec<Listed> {
    let client = client::s3(&ctx.config, home);
    let mut out: Vec<Listed> = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let request = client
            .list_buckets()
            .max_buckets(10_000)
            .set_continuation_token(token.clone());
        match ctx
            .caller
            .call(&ops::S3_LIST_BUCKETS, home, None, &[], request.send())
            .await
        {
            Answer::Ok(page) => {
                out.extend(page.buckets().iter().filter_map(|b| {
                    let name = b.name()?.to_owned();
                    let region = b.bucket_region().filter(|r| !r.is_empty()).map(|r| {
                        (
                            r.to_owned(),
                            AttributeSource {
                                operation: ops::S3_LIST_BUCKETS.label(),
                                field: Some("Buckets[].BucketRegion".to_owned()),
                                ..Default::default()
                            },
                        )
                    });
                    Some(Listed { name, region })
                }));
                token = page
                    .continuation_token()
                    .filter(|t| !t.is_empty())
                    .map(str::to_owned);
                if token.is_none() {
                    break;
                }
            }
            _ => break,
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out.dedup_by(|a, b| a.name == b.name);
    out
}

/// Places buckets the listing gave no region for (older S3 implementations omit
/// `BucketRegion`): one `ListBuckets` per collected region with the `BucketRegion` filter.
/// A failed filtered listing is covered by `GetBucketLocation` for the buckets it left out.
async fn place(ctx: &Ctx, home: &str, regions: &[String], listed: &mut [Listed]) {
    let client = client::s3(&ctx.config, home);
    let client = &client;
    let per_region = futures::future::join_all(regions.iter().map(|region| async move {
        let mut names = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let request = client
                .list_buckets()
                .bucket_region(region)
                .max_buckets(10_000)
                .set_continuation_token(token.clone());
            let (answer, failed) = ctx
                .caller
                .try_call(&ops::S3_LIST_BUCKETS, home, None, &[], request.send())
                .await;
            match answer {
                Answer::Ok(page) => {
                    names.extend(
                        page.buckets()
                            .iter()
                            .filter_map(|b| b.name().map(str::to_owned)),
                    );
                    token = page
                        .continuation_token()
                        .filter(|t| !t.is_empty())
                        .map(str::to_owned);
                    if token.is_none() {
                        break;
                    }
                }
                _ => {
                    if let Some(call) = failed {
                        ctx.caller.record_fallback(call);
                    }
                    break;
                }
            }
        }
        (region.clone(), names)
    }))
    .await;
    let mut region_of: BTreeMap<String, String> = BTreeMap::new();
    for (region, names) in per_region {
        for name in names {
            region_of.insert(name, region.clone());
        }
    }
    for b in listed.iter_mut().filter(|b| b.region.is_none()) {
        if let Some(region) = region_of.get(&b.name) {
            b.region = Some((
                region.clone(),
                AttributeSource {
                    operation: ops::S3_LIST_BUCKETS.label(),
                    field: Some(format!("BucketRegion filter {region}")),
                    ..Default::default()
                },
            ));
        }
    }
}

/// Reads the Config items of `names` (buckets of `region`), 100 per call. With an
/// aggregator, it is asked first and the region's own Config for what it did not return.
/// A bucket without a usable item maps to why, and its settings come from the S3 API.
async fn items(
    ctx: &Ctx,
    home: &str,
    region: &str,
    names: &[String],
    aggregator: Option<&str>,
    note: Option<String>,
) -> Vec<(String, Result<Item, String>)> {
    let client = aws_sdk_config::Client::new(&client::in_region(&ctx.config, region));
    let home_client = aws_sdk_config::Client::new(&client::in_region(&ctx.config, home));
    let (client, home_client, note) = (&client, &home_client, &note);
    let chunks = futures::future::join_all(names.chunks(BATCH).map(|chunk| async move {
        let mut out: BTreeMap<String, Result<Item, String>> = BTreeMap::new();
        let mut left: Vec<String> = chunk.to_vec();
        if let (Some(name), Some(account)) = (aggregator, ctx.account.as_deref()) {
            let ids: Vec<_> = left
                .iter()
                .filter_map(|b| {
                    aws_sdk_config::types::AggregateResourceIdentifier::builder()
                        .source_account_id(account)
                        .source_region(region)
                        .resource_id(b)
                        .resource_type(aws_sdk_config::types::ResourceType::from(S3_BUCKET_TYPE))
                        .build()
                        .ok()
                })
                .collect();
            let request = home_client
                .batch_get_aggregate_resource_config()
                .configuration_aggregator_name(name)
                .set_resource_identifiers(Some(ids));
            let op = &ops::CONFIG_BATCH_GET_AGGREGATE_RESOURCE_CONFIG;
            let (answer, failed) = ctx
                .caller
                .try_call(op, home, Some(name), &[], request.send())
                .await;
            match answer {
                Answer::Ok(o) => take(
                    o.base_configuration_items(),
                    region,
                    op,
                    note,
                    &mut left,
                    &mut out,
                ),
                _ => {
                    if let Some(call) = failed {
                        ctx.caller.record_fallback(call);
                    }
                }
            }
        }
        if left.is_empty() {
            return out;
        }
        let keys: Vec<_> = left
            .iter()
            .filter_map(|b| {
                aws_sdk_config::types::ResourceKey::builder()
                    .resource_type(aws_sdk_config::types::ResourceType::from(S3_BUCKET_TYPE))
                    .resource_id(b)
                    .build()
                    .ok()
            })
            .collect();
        let request = client
            .batch_get_resource_config()
            .set_resource_keys(Some(keys));
        let op = &ops::CONFIG_BATCH_GET_RESOURCE_CONFIG;
        let (answer, failed) = ctx
            .caller
            .try_call(op, region, Some(S3_BUCKET_TYPE), &[], request.send())
            .await;
        match answer {
            Answer::Ok(o) => {
                take(
                    o.base_configuration_items(),
                    region,
                    op,
                    note,
                    &mut left,
                    &mut out,
                );
                for key in o.unprocessed_resource_keys() {
                    out.entry(key.resource_id().to_owned()).or_insert_with(|| {
                        Err(format!("{} returned the bucket as unprocessed", op.label()))
                    });
                }
            }
            Answer::Failed(reason) | Answer::NotConfigured(reason) => {
                if let Some(call) = failed {
                    ctx.caller.record_fallback(call);
                }
                for b in &left {
                    out.insert(b.clone(), Err(reason.clone()));
                }
            }
        }
        out
    }))
    .await;
    chunks.into_iter().flatten().collect()
}

/// Moves the usable items among `returned` from `left` into `out`; an unusable one maps to
/// why. Buckets not returned stay in `left`.
fn take(
    returned: &[aws_sdk_config::types::BaseConfigurationItem],
    region: &str,
    op: &'static Op,
    note: &Option<String>,
    left: &mut Vec<String>,
    out: &mut BTreeMap<String, Result<Item, String>>,
) {
    for it in returned {
        let Some(name) = it.resource_id().or(it.resource_name()) else {
            continue;
        };
        let Some(pos) = left.iter().position(|b| b == name) else {
            continue;
        };
        let name = left.swap_remove(pos);
        let parsed = item::parse(&item::item_json(it), &name).and_then(|facts| {
            if facts.region == region {
                Ok(Item {
                    facts,
                    op,
                    note: note.clone(),
                })
            } else {
                Err(format!(
                    "the AWS Config item places the bucket in {}, not {region}",
                    facts.region
                ))
            }
        });
        out.insert(name, parsed);
    }
}

/// One attribute's value, its source, and the S3 call made for it (if any).
struct Fact {
    value: Value,
    source: AttributeSource,
    called: Option<&'static Op>,
}

impl Fact {
    fn from_item(item: &Item, setting: Setting, value: Value) -> Fact {
        Fact {
            value,
            source: AttributeSource {
                operation: item.op.label(),
                field: Some(format!("supplementaryConfiguration.{}", setting.key())),
                captured_at: Some(item.facts.captured_at.clone()),
                note: item.note.clone(),
            },
            called: None,
        }
    }

    fn derived(value: Value, note: String) -> Fact {
        Fact {
            value,
            source: AttributeSource {
                operation: "derived".to_owned(),
                note: Some(note),
                ..Default::default()
            },
            called: None,
        }
    }
}

/// One bucket's calls: where they go and who makes them.
#[derive(Clone, Copy)]
struct At<'a> {
    ctx: &'a Ctx,
    region: &'a str,
    bucket: &'a str,
}

impl At<'_> {
    /// Calls one S3 operation for the bucket and shapes the answer (`null` when not
    /// configured, the unknown marker when the call failed).
    async fn api<T, E, R, F>(
        self,
        op: &'static Op,
        not_configured: &[&str],
        fut: F,
        shape: fn(T) -> Value,
        note: Option<String>,
    ) -> Fact
    where
        F: Future<Output = Result<T, SdkError<E, R>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + Send + Sync + 'static,
    {
        let value = self
            .ctx
            .caller
            .call(op, self.region, Some(self.bucket), not_configured, fut)
            .await
            .to_value(shape);
        Fact {
            value,
            source: AttributeSource {
                operation: op.label(),
                note,
                ..Default::default()
            },
            called: Some(op),
        }
    }

    /// A setting from the item when it states it, else from its S3 operation (`fut`, which
    /// is then the only one polled).
    async fn setting<T, E, R, F>(
        self,
        item: &Result<Item, String>,
        setting: Setting,
        not_configured: &[&str],
        fut: F,
        shape: fn(T) -> Value,
    ) -> Fact
    where
        F: Future<Output = Result<T, SdkError<E, R>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + Send + Sync + 'static,
    {
        let why = match item {
            Ok(i) => match i.facts.get(setting) {
                Ok(v) => return Fact::from_item(i, setting, v.clone()),
                Err(why) => why,
            },
            Err(why) => why.clone(),
        };
        self.api(setting.op(), not_configured, fut, shape, Some(why))
            .await
    }

    /// Tags: from the item when it states them; else from the tag listing of the bucket's
    /// region (unless the run reads buckets from S3 alone); else from `GetBucketTagging`
    /// (`fut`, then the only one polled), whose source says why the others did not answer.
    async fn tags<E, R, F>(self, item: &Result<Item, String>, region: Option<&str>, fut: F) -> Fact
    where
        F: Future<
            Output = Result<
                aws_sdk_s3::operation::get_bucket_tagging::GetBucketTaggingOutput,
                SdkError<E, R>,
            >,
        >,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + Send + Sync + 'static,
    {
        let mut why = match item {
            Ok(i) => match i.facts.get(Setting::Tags) {
                Ok(v) => return Fact::from_item(i, Setting::Tags, v.clone()),
                Err(why) => why,
            },
            Err(why) => why.clone(),
        };
        let tagging = &self.ctx.tagging;
        if tagging.covers(super::tagging::S3) {
            // Only the listing of the bucket's own region can say anything about it.
            let listed = match region {
                Some(r) => tagging
                    .listing(self.ctx, r)
                    .await
                    .map(|l| l.bucket(self.bucket)),
                None => Err(format!(
                    "{} not consulted: the bucket's region is unknown",
                    ops::TAG_GET_RESOURCES.label()
                )),
            };
            match listed {
                Ok((value, source)) => {
                    return Fact {
                        value,
                        source,
                        called: Some(&ops::TAG_GET_RESOURCES),
                    }
                }
                Err(listing) => why = format!("{why}; {listing}"),
            }
        }
        self.api(
            &ops::S3_GET_BUCKET_TAGGING,
            &["NoSuchTagSet"],
            fut,
            shape_tags,
            Some(why),
        )
        .await
    }
}

async fn bucket(ctx: &Ctx, home: &str, b: Listed, item: Result<Item, String>) -> RawResource {
    let name = b.name;
    let mut calls = vec![ops::S3_LIST_BUCKETS.label()];
    let mut sources: BTreeMap<String, AttributeSource> = BTreeMap::new();
    let region = match b.region {
        Some((r, source)) => {
            sources.insert("region".into(), source);
            Some(r)
        }
        None => {
            let home_client = client::s3(&ctx.config, home);
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
            calls.push(ops::S3_GET_BUCKET_LOCATION.label());
            sources.insert(
                "region".into(),
                AttributeSource {
                    operation: ops::S3_GET_BUCKET_LOCATION.label(),
                    note: Some("the bucket listings did not place the bucket".to_owned()),
                    ..Default::default()
                },
            );
            match location {
                Answer::Ok(out) => Some(match out.location_constraint().map(|c| c.as_str()) {
                    // The service answers an empty constraint for us-east-1 and the legacy
                    // `EU` for eu-west-1.
                    None | Some("") => "us-east-1".to_owned(),
                    Some("EU") => "eu-west-1".to_owned(),
                    Some(other) => other.to_owned(),
                }),
                _ => None,
            }
        }
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
    let n = name.as_str();
    let at = At {
        ctx,
        region: call_region.as_str(),
        bucket: n,
    };
    let it = &item;

    let (enc, pab, pol, acl, ver, log, tags) = tokio::join!(
        Box::pin(at.setting(
            it,
            Setting::Encryption,
            &["ServerSideEncryptionConfigurationNotFoundError"],
            c.get_bucket_encryption().bucket(n).send(),
            shape_encryption,
        )),
        Box::pin(at.setting(
            it,
            Setting::PublicAccessBlock,
            &["NoSuchPublicAccessBlockConfiguration"],
            c.get_public_access_block().bucket(n).send(),
            shape_public_access_block,
        )),
        Box::pin(at.setting(
            it,
            Setting::Policy,
            &["NoSuchBucketPolicy"],
            c.get_bucket_policy().bucket(n).send(),
            shape_policy,
        )),
        Box::pin(at.setting(
            it,
            Setting::Acl,
            &[],
            c.get_bucket_acl().bucket(n).send(),
            shape_acl,
        )),
        Box::pin(at.setting(
            it,
            Setting::Versioning,
            &[],
            c.get_bucket_versioning().bucket(n).send(),
            shape_versioning,
        )),
        Box::pin(at.setting(
            it,
            Setting::Logging,
            &[],
            c.get_bucket_logging().bucket(n).send(),
            shape_logging,
        )),
        Box::pin(at.tags(
            it,
            region.as_deref(),
            c.get_bucket_tagging().bucket(n).send()
        )),
    );

    // Second round: calls whose need depends on the first round's answers.
    let status = async {
        if pol.value.is_null() {
            return Fact::derived(
                Value::Null,
                format!(
                    "no bucket policy (per {}): S3 reports a bucket without a policy as not public",
                    pol.source.operation
                ),
            );
        }
        at.api(
            &ops::S3_GET_BUCKET_POLICY_STATUS,
            &["NoSuchBucketPolicy"],
            c.get_bucket_policy_status().bucket(n).send(),
            shape_policy_status,
            None,
        )
        .await
    };
    let lock = async {
        let why = match it {
            Ok(i) => match i.facts.get(Setting::ObjectLock) {
                Ok(v) => return Fact::from_item(i, Setting::ObjectLock, v.clone()),
                Err(why) => why,
            },
            Err(why) => why.clone(),
        };
        if versioning_enabled(&ver.value) == Some(false) {
            return Fact::derived(
                Value::Null,
                format!(
                    "versioning is not enabled (per {}): S3 Object Lock requires versioning, and a bucket with Object Lock cannot suspend it",
                    ver.source.operation
                ),
            );
        }
        at.api(
            &ops::S3_GET_OBJECT_LOCK_CONFIGURATION,
            &["ObjectLockConfigurationNotFoundError"],
            c.get_object_lock_configuration().bucket(n).send(),
            shape_object_lock,
            Some(why),
        )
        .await
    };
    let ownership = async {
        if acl_grants_everyone(&acl.value) == Some(false) {
            return Fact {
                value: unknown(format!(
                    "{} not called: the ACL grants nothing to AllUsers or AuthenticatedUsers, so object ownership decides no access question",
                    ops::S3_GET_BUCKET_OWNERSHIP_CONTROLS.label()
                )),
                source: AttributeSource {
                    operation: "not-read".to_owned(),
                    note: Some(format!(
                        "only needed when the ACL (per {}) grants access to everyone",
                        acl.source.operation
                    )),
                    ..Default::default()
                },
                called: None,
            };
        }
        at.api(
            &ops::S3_GET_BUCKET_OWNERSHIP_CONTROLS,
            &["OwnershipControlsNotFoundError"],
            c.get_bucket_ownership_controls().bucket(n).send(),
            shape_ownership,
            None,
        )
        .await
    };
    let (status, lock, ownership) =
        tokio::join!(Box::pin(status), Box::pin(lock), Box::pin(ownership));

    let facts = [
        (&ops::S3_GET_BUCKET_ENCRYPTION, "encryption", enc),
        (&ops::S3_GET_PUBLIC_ACCESS_BLOCK, "public_access_block", pab),
        (&ops::S3_GET_BUCKET_POLICY, "policy", pol),
        (
            &ops::S3_GET_BUCKET_POLICY_STATUS,
            "policy_is_public",
            status,
        ),
        (&ops::S3_GET_BUCKET_ACL, "acl", acl),
        (&ops::S3_GET_BUCKET_VERSIONING, "versioning", ver),
        (&ops::S3_GET_BUCKET_LOGGING, "logging", log),
        (&ops::S3_GET_OBJECT_LOCK_CONFIGURATION, "object_lock", lock),
        (
            &ops::S3_GET_BUCKET_OWNERSHIP_CONTROLS,
            "object_ownership",
            ownership,
        ),
        (&ops::S3_GET_BUCKET_TAGGING, "tags", tags),
    ];
    let mut from_config = false;
    for (op, attribute, fact) in facts {
        if let Some(called) = fact.called {
            calls.push(called.label());
        }
        if fact.source.operation.starts_with("config:") {
            from_config = true;
            calls.push(fact.source.operation.clone());
        }
        // Values keep the shape of the S3 answer they stand for, under its operation name.
        data.insert(op.name.to_owned(), fact.value);
        sources.insert(attribute.to_owned(), fact.source);
    }
    if from_config {
        // The recorder state decided that the items could be used.
        calls.push(ops::CONFIG_DESCRIBE_RECORDERS.label());
        calls.push(ops::CONFIG_DESCRIBE_RECORDER_STATUS.label());
    }
    data.insert(
        "Sources".into(),
        serde_json::to_value(&sources).unwrap_or(Value::Null),
    );
    ctx.raw(
        RawKind::S3Bucket,
        format!("arn:aws:s3:::{name}"),
        region,
        calls,
        Value::Object(data),
    )
}

/// Whether versioning (in `GetBucketVersioning`'s shape) is enabled; `None` when unknown.
fn versioning_enabled(v: &Value) -> Option<bool> {
    if unknown_reason(v).is_some() {
        return None;
    }
    Some(v.get("Status").and_then(Value::as_str) == Some("Enabled"))
}

/// Group grantees whose grants reach everyone.
const EVERYONE: &[&str] = &[
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
];

/// Whether an ACL (in `GetBucketAcl`'s shape) grants anything to everyone; `None` when that
/// cannot be told (unknown ACL, a group grant without a readable URI).
fn acl_grants_everyone(v: &Value) -> Option<bool> {
    if unknown_reason(v).is_some() {
        return None;
    }
    let grants = v.get("Grants")?.as_array()?;
    let mut everyone = false;
    for g in grants {
        match g.get("URI") {
            Some(Value::String(uri)) => everyone |= EVERYONE.contains(&uri.as_str()),
            Some(Value::Null) | None if g.get("Type").and_then(Value::as_str) != Some("Group") => {}
            _ => return None,
        }
    }
    Some(everyone)
}

fn shape_encryption(
    out: aws_sdk_s3::operation::get_bucket_encryption::GetBucketEncryptionOutput,
) -> Value {
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
}

fn shape_public_access_block(
    out: aws_sdk_s3::operation::get_public_access_block::GetPublicAccessBlockOutput,
) -> Value {
    match out.public_access_block_configuration() {
        Some(p) => json!({
            "BlockPublicAcls": p.block_public_acls(),
            "IgnorePublicAcls": p.ignore_public_acls(),
            "BlockPublicPolicy": p.block_public_policy(),
            "RestrictPublicBuckets": p.restrict_public_buckets(),
        }),
        None => Value::Null,
    }
}

fn shape_policy(out: aws_sdk_s3::operation::get_bucket_policy::GetBucketPolicyOutput) -> Value {
    match out.policy() {
        Some(text) => serde_json::from_str(text).unwrap_or_else(|e| {
            unknown(format!(
                "s3:GetBucketPolicy returned a policy that is not JSON: {e}"
            ))
        }),
        None => Value::Null,
    }
}

fn shape_policy_status(
    out: aws_sdk_s3::operation::get_bucket_policy_status::GetBucketPolicyStatusOutput,
) -> Value {
    json!({ "IsPublic": out.policy_status().and_then(|s| s.is_public()) })
}

fn shape_acl(out: aws_sdk_s3::operation::get_bucket_acl::GetBucketAclOutput) -> Value {
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
}

fn shape_versioning(
    out: aws_sdk_s3::operation::get_bucket_versioning::GetBucketVersioningOutput,
) -> Value {
    json!({
        "Status": out.status().map(|s| s.as_str()),
        "MFADelete": out.mfa_delete().map(|s| s.as_str()),
    })
}

fn shape_logging(out: aws_sdk_s3::operation::get_bucket_logging::GetBucketLoggingOutput) -> Value {
    match out.logging_enabled() {
        Some(l) => json!({ "TargetBucket": l.target_bucket(), "TargetPrefix": l.target_prefix() }),
        None => Value::Null,
    }
}

fn shape_object_lock(
    out: aws_sdk_s3::operation::get_object_lock_configuration::GetObjectLockConfigurationOutput,
) -> Value {
    match out.object_lock_configuration() {
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
    }
}

fn shape_ownership(
    out: aws_sdk_s3::operation::get_bucket_ownership_controls::GetBucketOwnershipControlsOutput,
) -> Value {
    match out.ownership_controls().and_then(|c| c.rules().first()) {
        Some(rule) => json!({ "ObjectOwnership": rule.object_ownership().as_str() }),
        None => Value::Null,
    }
}

fn shape_tags(out: aws_sdk_s3::operation::get_bucket_tagging::GetBucketTaggingOutput) -> Value {
    let map: Map<String, Value> = out
        .tag_set()
        .iter()
        .map(|t| (t.key().to_owned(), json!(t.value())))
        .collect();
    Value::Object(map)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn plans_follow_the_recorder_and_the_flag() {
        let on = Recording::Recording {
            recorder: "default".into(),
            daily: false,
        };
        let daily = Recording::Recording {
            recorder: "default".into(),
            daily: true,
        };
        let off = Recording::NotRecording {
            status: crate::collect::aws::config::CoverageStatus::NotRecorded,
            reason: "no configuration recorder".into(),
        };
        assert_eq!(
            plan(S3Source::Auto, "eu-west-1", Some(&on)),
            Plan::Config { note: None }
        );
        assert_eq!(
            plan(S3Source::Auto, "eu-west-1", Some(&off)),
            Plan::Api("AWS Config in eu-west-1: no configuration recorder".into())
        );
        assert!(matches!(
            plan(S3Source::Auto, "eu-west-1", Some(&daily)),
            Plan::Api(why) if why.contains("once a day")
        ));
        assert!(matches!(
            plan(S3Source::Auto, "ap-south-1", None),
            Plan::Api(why) if why.contains("not a collected region")
        ));
        assert_eq!(
            plan(S3Source::Api, "eu-west-1", Some(&on)),
            Plan::Api("--s3-source api".into())
        );
        assert!(matches!(
            plan(S3Source::Config, "eu-west-1", Some(&off)),
            Plan::Config { note: Some(n) } if n.contains("no configuration recorder")
        ));
    }

    #[test]
    fn skipped_calls_are_skipped_only_when_their_answer_is_known_not_to_matter() {
        assert_eq!(versioning_enabled(&Value::Null), Some(false));
        assert_eq!(
            versioning_enabled(&json!({"Status": "Suspended", "MFADelete": null})),
            Some(false)
        );
        assert_eq!(
            versioning_enabled(&json!({"Status": "Enabled"})),
            Some(true)
        );
        assert_eq!(versioning_enabled(&unknown("denied")), None);

        let owner =
            json!({"Type": "CanonicalUser", "URI": null, "ID": "o", "Permission": "FULL_CONTROL"});
        let logs = json!({"Type": "Group", "URI": "http://acs.amazonaws.com/groups/s3/LogDelivery", "ID": null, "Permission": "WRITE"});
        let all = json!({"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers", "ID": null, "Permission": "READ"});
        let auth = json!({"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AuthenticatedUsers", "ID": null, "Permission": "READ"});
        let odd = json!({"Type": "Group", "URI": null, "ID": null, "Permission": "READ"});
        let acl = |g: Vec<Value>| json!({"Owner": "o", "Grants": g});
        assert_eq!(
            acl_grants_everyone(&acl(vec![owner.clone(), logs.clone()])),
            Some(false)
        );
        assert_eq!(
            acl_grants_everyone(&acl(vec![owner.clone(), all])),
            Some(true)
        );
        assert_eq!(
            acl_grants_everyone(&acl(vec![owner.clone(), auth])),
            Some(true)
        );
        assert_eq!(acl_grants_everyone(&acl(vec![owner, odd])), None);
        assert_eq!(acl_grants_everyone(&unknown("denied")), None);
        assert_eq!(acl_grants_everyone(&Value::Null), None);
    }
}
