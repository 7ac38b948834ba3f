//! The state of the account's CloudTrail trails, which the AWS Config `AWS::CloudTrail::Trail`
//! item does not carry:
//!
//! 1. `cloudtrail:DescribeTrails` once, in the home region, shadow trails included: every
//!    multi-region trail of the account and the single-region trails of the home region.
//! 2. For every listed trail, in the trail's home region (each call bounded by the
//!    [`super::call::Caller`]): `cloudtrail:GetTrailStatus` (`IsLogging`) and
//!    `cloudtrail:GetEventSelectors` (`EventSelectors`, `AdvancedEventSelectors`).
//!
//! One [`RawKind::TrailState`] document per trail (address: the trail ARN), joined by
//! normalization onto the `aws.cloudtrail.trail` built from the trail's Config item. A failed
//! call makes exactly the facts it feeds unknown (`GetTrailStatus`: `is_logging`;
//! `GetEventSelectors`: both selector lists) and is a failed call. A trail gone since the
//! listing (`TrailNotFoundException` on either call) has no document. A failed listing makes
//! one document (address `arn:PARTITION:cloudtrail:HOME:ACCOUNT:trail/*`, `{"DescribeTrails":
//! unknown}`) whose reason the account's trails then carry in place of the facts.
//!
//! The same listing and statuses feed [`super::alarms`] (the multi-region trails sending to
//! CloudWatch Logs), so neither call is made twice.

use futures::future::join_all;
use serde_json::{json, Value};

use super::call::Answer;
use super::ops;
use super::raw::{RawKind, RawResource};
use super::Ctx;
use crate::model::unknown;

/// "This trail does not exist" (deleted between the listing and the call).
const GONE: &str = "TrailNotFoundException";

/// One listed trail with its status.
#[derive(Debug, Clone)]
pub struct Trail {
    pub arn: String,
    pub home_region: String,
    pub multi_region: bool,
    /// `CloudWatchLogsLogGroupArn`, when the trail sends to CloudWatch Logs.
    pub log_group_arn: Option<String>,
    /// `IsLogging`: `true`/`false`, the unknown marker for a failed `GetTrailStatus`, or
    /// `false` for a trail gone since the listing (it delivers nothing).
    pub is_logging: Value,
}

/// The account's trails as listed once by `DescribeTrails`, or the reason the listing failed.
#[derive(Debug, Clone)]
pub struct Trails {
    pub listed: Result<Vec<Trail>, String>,
}

/// Lists the trails once and reads each one's status and event selectors: the trail list
/// (for [`super::alarms`]) and one raw document per trail still present.
pub async fn collect(ctx: &Ctx, home: &str) -> (Trails, Vec<RawResource>) {
    let client = aws_sdk_cloudtrail::Client::new(&super::client::in_region(&ctx.config, home));
    let listed = match ctx
        .caller
        .call(
            &ops::CLOUDTRAIL_DESCRIBE_TRAILS,
            home,
            None,
            &[],
            client.describe_trails().send(),
        )
        .await
    {
        Answer::Ok(out) => out
            .trail_list()
            .iter()
            .filter_map(|t| {
                Some((
                    t.trail_arn()?.to_owned(),
                    t.name().map(str::to_owned),
                    t.home_region()
                        .map_or_else(|| home.to_owned(), str::to_owned),
                    t.is_multi_region_trail() == Some(true),
                    t.cloud_watch_logs_log_group_arn().map(str::to_owned),
                ))
            })
            .collect::<Vec<_>>(),
        Answer::Failed(reason) | Answer::NotConfigured(reason) => {
            // One document for the failed listing: the trails' facts carry its reason.
            let p = super::client::partition(home);
            let doc = ctx.raw(
                RawKind::TrailState,
                format!(
                    "arn:{p}:cloudtrail:{home}:{}:trail/*",
                    ctx.account_or_unknown()
                ),
                Some(home.to_owned()),
                vec![ops::CLOUDTRAIL_DESCRIBE_TRAILS.label()],
                json!({ "DescribeTrails": unknown(reason.clone()) }),
            );
            return (
                Trails {
                    listed: Err(reason),
                },
                vec![doc],
            );
        }
    };
    let read = listed
        .iter()
        .map(|(arn, _, region, _, _)| state(ctx, arn, region));
    let states = join_all(read).await;
    let mut trails = Vec::new();
    let mut docs = Vec::new();
    for ((arn, name, region, multi_region, log_group_arn), (status, selectors)) in
        listed.into_iter().zip(states)
    {
        let gone = status.is_null() || selectors.is_null();
        let is_logging = if gone {
            json!(false)
        } else {
            status
                .get("IsLogging")
                .cloned()
                .unwrap_or_else(|| status.clone())
        };
        if !gone {
            docs.push(ctx.raw(
                RawKind::TrailState,
                arn.clone(),
                Some(region.clone()),
                vec![
                    ops::CLOUDTRAIL_DESCRIBE_TRAILS.label(),
                    ops::CLOUDTRAIL_GET_TRAIL_STATUS.label(),
                    ops::CLOUDTRAIL_GET_EVENT_SELECTORS.label(),
                ],
                json!({
                    "TrailARN": arn,
                    "Name": name,
                    "HomeRegion": region,
                    "GetTrailStatus": status,
                    "GetEventSelectors": selectors,
                }),
            ));
        }
        trails.push(Trail {
            arn,
            home_region: region,
            multi_region,
            log_group_arn,
            is_logging,
        });
    }
    (Trails { listed: Ok(trails) }, docs)
}

/// `GetTrailStatus` and `GetEventSelectors` of one trail, in its home region: each the
/// answer (`{"IsLogging": ..}`, `{"EventSelectors": [..], "AdvancedEventSelectors": [..]}`),
/// `null` when the trail is gone, or the unknown marker.
async fn state(ctx: &Ctx, arn: &str, region: &str) -> (Value, Value) {
    let client = aws_sdk_cloudtrail::Client::new(&super::client::in_region(&ctx.config, region));
    let status = ctx.caller.call(
        &ops::CLOUDTRAIL_GET_TRAIL_STATUS,
        region,
        Some(arn),
        &[GONE],
        client.get_trail_status().name(arn).send(),
    );
    let selectors = ctx.caller.call(
        &ops::CLOUDTRAIL_GET_EVENT_SELECTORS,
        region,
        Some(arn),
        &[GONE],
        client.get_event_selectors().trail_name(arn).send(),
    );
    let (status, selectors) = futures::join!(status, selectors);
    let status = status.to_value(|o| match o.is_logging() {
        Some(b) => json!({ "IsLogging": b }),
        None => json!({
            "IsLogging": unknown("cloudtrail:GetTrailStatus answered without IsLogging")
        }),
    });
    let selectors = selectors.to_value(|o| {
        json!({
            "EventSelectors": o.event_selectors().iter().map(|s| json!({
                "ReadWriteType": s.read_write_type().map(|t| t.as_str()),
                "IncludeManagementEvents": s.include_management_events(),
                "DataResources": s.data_resources().iter().map(|d| json!({
                    "Type": d.r#type(),
                    "Values": d.values(),
                })).collect::<Vec<_>>(),
                "ExcludeManagementEventSources": s.exclude_management_event_sources(),
            })).collect::<Vec<_>>(),
            "AdvancedEventSelectors": o.advanced_event_selectors().iter().map(|s| json!({
                "Name": s.name(),
                "FieldSelectors": s.field_selectors().iter().map(|f| json!({
                    "Field": f.field(),
                    "Equals": f.equals(),
                    "NotEquals": f.not_equals(),
                    "StartsWith": f.starts_with(),
                    "NotStartsWith": f.not_starts_with(),
                    "EndsWith": f.ends_with(),
                    "NotEndsWith": f.not_ends_with(),
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        })
    });
    (status, selectors)
}
