//! The CIS AWS 4.x monitoring facts of one account (`aws.account` `metric_alarms`), read the
//! way the benchmark's audit procedure reads them:
//!
//! 1. `cloudtrail:DescribeTrails` (shadow trails included, so one call in the home region
//!    lists every multi-region trail of the account) for the multi-region trails that send to
//!    a CloudWatch Logs group (`CloudWatchLogsLogGroupArn`). The AWS Config
//!    `AWS::CloudTrail::Trail` items are not used: they do not say whether a trail is logging,
//!    and a trail's recorder may not record the type now.
//! 2. `cloudtrail:GetTrailStatus` (by ARN, in the trail's home region) for each of them:
//!    `IsLogging`.
//!
//!    Steps 1 and 2 are [`super::cloudtrail`]'s listing and statuses, made once per account
//!    and shared: this module does not call CloudTrail itself.
//! 3. `logs:DescribeMetricFilters` on each such log group, in the log group's region.
//! 4. `cloudwatch:DescribeAlarmsForMetric` for each filter's metric (name and namespace).
//! 5. `sns:ListSubscriptionsByTopic` for each SNS topic those alarms notify: a subscription
//!    whose ARN is not `PendingConfirmation` is confirmed.
//!
//! Facts and unknowns: no multi-region trail sending to CloudWatch Logs is the fact `[]` (the
//! rules fail: nothing can alarm). A failed `DescribeTrails` makes the whole list unknown; a
//! failed call further down makes exactly what it feeds unknown (a filter listing: one
//! unknown element for that log group; an alarm listing: that entry's `alarm_names` and
//! `notifies_subscriber`; a subscription listing: `notifies_subscriber` unless another topic
//! has a confirmed subscriber; a trail status: `log_group_receives_trail` unless another
//! trail sending there is logging). "Does not exist" answers are facts: a trail gone since the
//! listing (`TrailNotFoundException`) is not logging, a log group gone
//! (`ResourceNotFoundException`) has no filters, a topic gone (`NotFound`) has no subscriber.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::call::Answer;
use super::cloudtrail::Trails;
use super::ops;
use super::raw::{RawKind, RawResource};
use super::Ctx;
use crate::model::{unknown, unknown_reason};

/// A subscription still waiting for its endpoint to confirm (AWS's literal `SubscriptionArn`).
const PENDING: &str = "PendingConfirmation";

/// Reads the account's metric-filter alarms from the trails [`super::cloudtrail`] listed
/// (and their statuses); `home` is the region `DescribeTrails` was sent to.
pub async fn collect(ctx: &Ctx, home: &str, listed: &Trails) -> RawResource {
    let mut calls = vec![ops::CLOUDTRAIL_DESCRIBE_TRAILS.label()];
    let (alarms, note) = read(ctx, home, listed, &mut calls).await;
    let account = ctx.account_or_unknown().to_owned();
    let p = super::client::partition(home);
    let data = json!({
        "MetricAlarms": alarms,
        "Sources": {
            "metric_alarms": {
                "operation": ops::LOGS_DESCRIBE_METRIC_FILTERS.label(),
                "note": note,
            }
        }
    });
    ctx.raw(
        RawKind::MetricAlarms,
        format!("arn:{p}:account::{account}:account"),
        None,
        calls,
        data,
    )
}

/// A multi-region trail sending to CloudWatch Logs.
struct Trail {
    arn: String,
    log_group_arn: String,
    /// `IsLogging` (false for a trail gone since the listing), or the unknown marker.
    logging: Value,
}

async fn read(ctx: &Ctx, home: &str, listed: &Trails, calls: &mut Vec<String>) -> (Value, String) {
    let trails = match &listed.listed {
        Ok(all) => all
            .iter()
            .filter(|t| t.multi_region)
            .filter_map(|t| {
                Some(Trail {
                    arn: t.arn.clone(),
                    log_group_arn: t.log_group_arn.clone()?,
                    logging: t.is_logging.clone(),
                })
            })
            .collect::<Vec<_>>(),
        Err(reason) => {
            return (
                unknown(format!(
                    "the account's trails could not be listed: {reason}"
                )),
                format!("cloudtrail:DescribeTrails in {home} did not answer"),
            );
        }
    };
    if trails.is_empty() {
        return (
            json!([]),
            format!("cloudtrail:DescribeTrails in {home}: no multi-region trail sends to CloudWatch Logs"),
        );
    }
    calls.push(ops::CLOUDTRAIL_GET_TRAIL_STATUS.label());

    // Per log group (region, name): is a logging multi-region trail sending to it?
    let mut groups: BTreeMap<(String, String), Vec<Value>> = BTreeMap::new();
    // Log groups this account cannot read: unknown entries, never "no filter".
    let mut failures: Vec<Value> = Vec::new();
    for trail in &trails {
        let logging = trail.logging.clone();
        match parse_log_group_arn(&trail.log_group_arn) {
            // An organization trail seen from a member account sends to a log group of the
            // management account: its filters cannot be listed from here.
            Some((_, owner, name)) if ctx.account.as_deref().is_some_and(|a| a != owner) => {
                failures.push(unknown(format!(
                    "trail {} sends to log group {name} of account {owner}, whose metric filters this account cannot list",
                    trail.arn
                )));
            }
            Some((region, _, name)) => groups.entry((region, name)).or_default().push(logging),
            None => failures.push(unknown(format!(
                "trail {} names a CloudWatch Logs group vouch cannot parse: {}",
                trail.arn, trail.log_group_arn
            ))),
        }
    }

    let mut entries: Vec<Value> = Vec::new();
    let mut topics: BTreeMap<String, Value> = BTreeMap::new();
    for ((region, name), logging) in &groups {
        let receives = any_true(logging);
        calls.push(ops::LOGS_DESCRIBE_METRIC_FILTERS.label());
        let filters = match metric_filters(ctx, region, name).await {
            Ok(f) => f,
            Err(reason) => {
                failures.push(unknown(format!(
                    "the metric filters of log group {name} in {region} could not be read: {reason}"
                )));
                continue;
            }
        };
        let cw = aws_sdk_cloudwatch::Client::new(&super::client::in_region(&ctx.config, region));
        for (filter_name, pattern, metrics) in filters {
            for (metric, namespace) in metrics {
                calls.push(ops::CLOUDWATCH_DESCRIBE_ALARMS_FOR_METRIC.label());
                let answer = ctx
                    .caller
                    .call(
                        &ops::CLOUDWATCH_DESCRIBE_ALARMS_FOR_METRIC,
                        region,
                        Some(&format!("{namespace}/{metric}")),
                        &[],
                        cw.describe_alarms_for_metric()
                            .metric_name(&metric)
                            .namespace(&namespace)
                            .send(),
                    )
                    .await;
                let (alarm_names, notifies) = match answer {
                    Answer::Ok(out) => {
                        let mut names: Vec<String> = Vec::new();
                        let mut actions: Vec<String> = Vec::new();
                        for a in out.metric_alarms() {
                            names.extend(a.alarm_name().map(str::to_owned));
                            actions.extend(
                                a.alarm_actions().iter().filter(|x| is_sns_arn(x)).cloned(),
                            );
                        }
                        names.sort();
                        names.dedup();
                        actions.sort();
                        actions.dedup();
                        let mut confirmed = Vec::new();
                        for topic in &actions {
                            if !topics.contains_key(topic) {
                                calls.push(ops::SNS_LIST_SUBSCRIPTIONS_BY_TOPIC.label());
                                let v = subscribed(ctx, topic).await;
                                topics.insert(topic.clone(), v);
                            }
                            confirmed.push(topics.get(topic).cloned().unwrap_or(Value::Null));
                        }
                        (json!(names), any_true(&confirmed))
                    }
                    Answer::Failed(reason) | Answer::NotConfigured(reason) => {
                        (unknown(reason.clone()), unknown(reason))
                    }
                };
                entries.push(json!({
                    "log_group_name": name,
                    "filter_name": filter_name,
                    "filter_pattern": pattern,
                    "metric_name": metric,
                    "alarm_names": alarm_names,
                    "log_group_receives_trail": receives,
                    "notifies_subscriber": notifies,
                }));
            }
        }
    }
    entries.sort_by(|a, b| {
        let key = |v: &Value| {
            ["log_group_name", "filter_name", "metric_name"]
                .map(|k| v.get(k).and_then(Value::as_str).unwrap_or("").to_owned())
        };
        key(a).cmp(&key(b))
    });
    failures.sort_by(|a, b| unknown_reason(a).cmp(&unknown_reason(b)));
    entries.extend(failures);
    let note = format!(
        "the metric filters on the CloudWatch Logs groups of the account's multi-region trails ({}) with the alarms on their metrics and those alarms' SNS subscriptions",
        trails
            .iter()
            .map(|t| format!("{} -> {}", t.arn, t.log_group_arn))
            .collect::<Vec<_>>()
            .join(", ")
    );
    (Value::Array(entries), note)
}

/// The metric filters of one log group: (name, pattern, [(metric, namespace)]), or the reason
/// they could not be read. A log group that does not exist has none.
type Filters = Vec<(Value, Value, Vec<(String, String)>)>;

async fn metric_filters(ctx: &Ctx, region: &str, name: &str) -> Result<Filters, String> {
    let client =
        aws_sdk_cloudwatchlogs::Client::new(&super::client::in_region(&ctx.config, region));
    let mut out: Filters = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let request = client
            .describe_metric_filters()
            .log_group_name(name)
            .set_next_token(token.clone());
        match ctx
            .caller
            .call(
                &ops::LOGS_DESCRIBE_METRIC_FILTERS,
                region,
                Some(name),
                &["ResourceNotFoundException"],
                request.send(),
            )
            .await
        {
            Answer::Ok(page) => {
                for f in page.metric_filters() {
                    // Only filters of this group (the API filters by name; be strict anyway).
                    if f.log_group_name().is_some_and(|g| g != name) {
                        continue;
                    }
                    let metrics = f
                        .metric_transformations()
                        .iter()
                        .map(|m| (m.metric_name().to_owned(), m.metric_namespace().to_owned()))
                        .collect();
                    out.push((
                        f.filter_name().map_or(Value::Null, |s| json!(s)),
                        f.filter_pattern().map_or(Value::Null, |s| json!(s)),
                        metrics,
                    ));
                }
                token = page
                    .next_token()
                    .filter(|t| !t.is_empty())
                    .map(str::to_owned);
                if token.is_none() {
                    return Ok(out);
                }
            }
            Answer::NotConfigured(_) => return Ok(Vec::new()),
            Answer::Failed(reason) => return Err(reason),
        }
    }
}

/// Whether `topic` has at least one confirmed subscription: `true`/`false`, or the unknown
/// marker when the listing failed. A topic that does not exist has none.
async fn subscribed(ctx: &Ctx, topic: &str) -> Value {
    let region = topic.split(':').nth(3).unwrap_or_default().to_owned();
    let client = aws_sdk_sns::Client::new(&super::client::in_region(&ctx.config, &region));
    let mut token: Option<String> = None;
    loop {
        let request = client
            .list_subscriptions_by_topic()
            .topic_arn(topic)
            .set_next_token(token.clone());
        match ctx
            .caller
            .call(
                &ops::SNS_LIST_SUBSCRIPTIONS_BY_TOPIC,
                &region,
                Some(topic),
                &["NotFound"],
                request.send(),
            )
            .await
        {
            Answer::Ok(page) => {
                if page
                    .subscriptions()
                    .iter()
                    .any(|s| is_confirmed(s.subscription_arn()))
                {
                    return json!(true);
                }
                token = page
                    .next_token()
                    .filter(|t| !t.is_empty())
                    .map(str::to_owned);
                if token.is_none() {
                    return json!(false);
                }
            }
            Answer::NotConfigured(_) => return json!(false),
            Answer::Failed(reason) => return unknown(reason),
        }
    }
}

/// A subscription is confirmed when it has an ARN: AWS answers the literal
/// `PendingConfirmation` (or `Deleted`) in its place otherwise.
fn is_confirmed(subscription_arn: Option<&str>) -> bool {
    subscription_arn.is_some_and(|a| a != PENDING && a.starts_with("arn:"))
}

/// `true` when any value is `true`; otherwise the first unknown marker; otherwise `false`.
pub fn any_true(values: &[Value]) -> Value {
    if values.iter().any(|v| v == &Value::Bool(true)) {
        return json!(true);
    }
    values
        .iter()
        .find(|v| unknown_reason(v).is_some())
        .cloned()
        .unwrap_or(json!(false))
}

fn is_sns_arn(a: &str) -> bool {
    a.split(':').nth(2) == Some("sns")
}

/// (region, account, name) of `arn:PARTITION:logs:REGION:ACCOUNT:log-group:NAME[:*]`.
pub fn parse_log_group_arn(arn: &str) -> Option<(String, String, String)> {
    let mut parts = arn.splitn(7, ':');
    let (_, _, service, region, account, resource) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    if service != "logs" || resource != "log-group" {
        return None;
    }
    let rest = parts.next()?;
    let name = rest.strip_suffix(":*").unwrap_or(rest);
    (!name.is_empty() && !region.is_empty())
        .then(|| (region.to_owned(), account.to_owned(), name.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_group_arns() {
        assert_eq!(
            parse_log_group_arn("arn:aws:logs:eu-west-1:123456789012:log-group:CloudTrail/all:*"),
            Some((
                "eu-west-1".into(),
                "123456789012".into(),
                "CloudTrail/all".into()
            ))
        );
        assert_eq!(
            parse_log_group_arn("arn:aws-cn:logs:cn-north-1:123456789012:log-group:trail"),
            Some(("cn-north-1".into(), "123456789012".into(), "trail".into()))
        );
        assert_eq!(parse_log_group_arn("arn:aws:s3:::bucket"), None);
        assert_eq!(parse_log_group_arn("garbage"), None);
    }

    #[test]
    fn only_subscriptions_with_an_arn_are_confirmed() {
        assert!(is_confirmed(Some(
            "arn:aws:sns:eu-west-1:123456789012:alerts:0e2f1a3b-1111-2222-3333-444455556666"
        )));
        assert!(!is_confirmed(Some("PendingConfirmation")));
        assert!(!is_confirmed(Some("Deleted")));
        assert!(!is_confirmed(None));
    }

    #[test]
    fn any_true_prefers_a_fact() {
        let u = unknown("x denied: AccessDenied");
        assert_eq!(any_true(&[u.clone(), json!(true)]), json!(true));
        assert_eq!(any_true(&[json!(false), u.clone()]), u);
        assert_eq!(any_true(&[json!(false)]), json!(false));
        assert_eq!(any_true(&[]), json!(false));
    }
}
