//! CloudWatch Logs collector: every log group of a region (`DescribeLogGroups`, paginated),
//! one [`RawKind::LogGroup`] document each, plus one [`RawKind::LogGroupListing`] document per
//! region saying whether the listing was read to its last page. AWS Config does not record
//! log groups, so this is their only live source.
//!
//! What the answer means: `retentionInDays` absent is "never expire" and `kmsKeyId` absent is
//! "no customer managed key" (CloudWatch Logs' own encryption): both are facts. A listing that
//! fails on any page keeps the groups already read and records the failure: normalization
//! then adds the region's stand-in with that reason, since groups on later pages are unknown.

use serde_json::{json, Value};

use super::call::Answer;
use super::ops;
use super::raw::{RawKind, RawResource};
use super::Ctx;
use crate::model::unknown;

/// Reads every log group of `region`.
pub async fn collect(ctx: &Ctx, region: &str) -> Vec<RawResource> {
    let client =
        aws_sdk_cloudwatchlogs::Client::new(&super::client::in_region(&ctx.config, region));
    let mut groups: Vec<Value> = Vec::new();
    let mut token: Option<String> = None;
    let mut failed: Option<String> = None;
    let mut pages = 0usize;
    loop {
        let request = client.describe_log_groups().set_next_token(token.clone());
        match ctx
            .caller
            .call(
                &ops::LOGS_DESCRIBE_LOG_GROUPS,
                region,
                None,
                &[],
                request.send(),
            )
            .await
        {
            Answer::Ok(out) => {
                pages += 1;
                groups.extend(out.log_groups().iter().map(group_json));
                token = out
                    .next_token()
                    .filter(|t| !t.is_empty())
                    .map(str::to_owned);
                if token.is_none() {
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
    let p = super::client::partition(region);
    let mut out: Vec<RawResource> = groups
        .into_iter()
        .filter_map(|g| {
            let name = g.get("logGroupName")?.as_str()?.to_owned();
            let arn = group_arn(&g)
                .unwrap_or_else(|| format!("arn:{p}:logs:{region}:{account}:log-group:{name}"));
            Some(ctx.raw(
                RawKind::LogGroup,
                arn,
                Some(region.to_owned()),
                vec![ops::LOGS_DESCRIBE_LOG_GROUPS.label()],
                g,
            ))
        })
        .collect();
    out.sort_by(|a, b| a.arn.cmp(&b.arn));
    out.dedup_by(|a, b| a.arn == b.arn);
    let listing = json!({
        "Pages": pages,
        "LogGroups": out.len(),
        "Failed": failed.map_or(Value::Null, unknown),
    });
    out.push(ctx.raw(
        RawKind::LogGroupListing,
        format!("arn:{p}:logs:{region}:{account}:log-group:*"),
        Some(region.to_owned()),
        vec![ops::LOGS_DESCRIBE_LOG_GROUPS.label()],
        listing,
    ));
    out
}

/// The answer's fields vouch uses, under their API names (absent fields stay absent: for
/// retention and the key, absence is the fact).
fn group_json(g: &aws_sdk_cloudwatchlogs::types::LogGroup) -> Value {
    let mut m = serde_json::Map::new();
    let mut put = |k: &str, v: Option<Value>| {
        if let Some(v) = v {
            m.insert(k.to_owned(), v);
        }
    };
    put("logGroupName", g.log_group_name().map(|s| json!(s)));
    put("logGroupArn", g.log_group_arn().map(|s| json!(s)));
    put("arn", g.arn().map(|s| json!(s)));
    put("retentionInDays", g.retention_in_days().map(|d| json!(d)));
    put("kmsKeyId", g.kms_key_id().map(|s| json!(s)));
    put(
        "logGroupClass",
        g.log_group_class().map(|c| json!(c.as_str())),
    );
    Value::Object(m)
}

/// The log group's ARN without the `:*` suffix `arn` carries (`logGroupArn` is that form).
pub fn group_arn(g: &Value) -> Option<String> {
    if let Some(a) = g.get("logGroupArn").and_then(Value::as_str) {
        return Some(a.to_owned());
    }
    let a = g.get("arn").and_then(Value::as_str)?;
    Some(a.strip_suffix(":*").unwrap_or(a).to_owned())
}

#[cfg(test)]
mod tests {
    use super::group_arn;
    use serde_json::json;

    #[test]
    fn group_arns_without_the_stream_wildcard() {
        let arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/app";
        assert_eq!(
            group_arn(&json!({"arn": format!("{arn}:*"), "logGroupArn": arn})).as_deref(),
            Some(arn)
        );
        assert_eq!(
            group_arn(&json!({"arn": format!("{arn}:*")})).as_deref(),
            Some(arn)
        );
        assert_eq!(group_arn(&json!({"logGroupName": "x"})), None);
    }
}
