//! CloudWatch Logs live facts: `aws.cloudwatch.log_group` from `DescribeLogGroups` answers,
//! and the CIS 4.x `metric_alarms` fact folded into the account's `aws.account` resource
//! (which [`super::scope`] builds; only that one attribute is replaced here).
//!
//! A log group's absent `retentionInDays` is `null` (events never expire) and its absent
//! `kmsKeyId` is `null` (no customer managed key): both are facts the answer states by
//! omission. Every attribute names `logs:DescribeLogGroups` and the field as its source.

use serde_json::{json, Value};

use crate::collect::aws::raw::{RawKind, RawResource};
use crate::model::{unknown, AttributeSource, Resource};

/// Attributes of one log group from its `DescribeLogGroups` entry.
pub(super) fn log_group(d: &Value) -> Value {
    json!({
        "name": d.get("logGroupName").cloned().unwrap_or_else(|| unknown("logs:DescribeLogGroups answered without logGroupName")),
        "retention_in_days": d.get("retentionInDays").cloned().unwrap_or(Value::Null),
        "kms_key_id": d.get("kmsKeyId").cloned().unwrap_or(Value::Null),
        "log_group_class": d.get("logGroupClass").cloned().unwrap_or(Value::Null),
        "tags": unknown("not collected: vouch does not call logs:ListTagsForResource (no rule reads a log group's tags)"),
    })
}

/// Each attribute's source: the `DescribeLogGroups` field it was read from.
pub(super) fn log_group_sources(r: &mut Resource) {
    for (attr, field, note) in [
        ("name", "logGroupName", None),
        (
            "retention_in_days",
            "retentionInDays",
            Some("absent in the answer: events never expire"),
        ),
        (
            "kms_key_id",
            "kmsKeyId",
            Some("absent in the answer: no customer managed key (CloudWatch Logs' own encryption)"),
        ),
        ("log_group_class", "logGroupClass", None),
    ] {
        let absent = r.attributes.get(attr).is_none_or(Value::is_null);
        r.provenance.attribute_sources.insert(
            attr.to_owned(),
            AttributeSource {
                operation: "logs:DescribeLogGroups".to_owned(),
                field: Some(field.to_owned()),
                captured_at: None,
                note: note.filter(|_| absent).map(str::to_owned),
            },
        );
    }
}

/// The reason the log groups of `account`/`region` are not all known, if a listing was made
/// there: `Some(None)` read completely, `Some(Some(reason))` failed, `None` not listed.
pub(super) fn listing(
    raws: &[RawResource],
    account: &Option<String>,
    region: &Option<String>,
) -> Option<Option<Value>> {
    raws.iter()
        .find(|r| {
            r.kind == RawKind::LogGroupListing && &r.account == account && &r.region == region
        })
        .map(|r| r.data.get("Failed").filter(|f| !f.is_null()).cloned())
}

/// Replaces the `metric_alarms` fact of each account's `aws.account` with the collected one,
/// and records its source and calls.
pub(super) fn fold_metric_alarms(out: &mut [Resource], raws: &[RawResource]) {
    for raw in raws.iter().filter(|r| r.kind == RawKind::MetricAlarms) {
        let Some(account) = out
            .iter_mut()
            .find(|r| r.kind == "aws.account" && r.account == raw.account)
        else {
            continue;
        };
        let Some(alarms) = raw.data.get("MetricAlarms") else {
            continue;
        };
        if let Some(attrs) = account.attributes.as_object_mut() {
            attrs.insert("metric_alarms".to_owned(), alarms.clone());
        }
        if let Some(source) = raw
            .data
            .get("Sources")
            .and_then(|s| s.get("metric_alarms"))
            .and_then(|s| serde_json::from_value::<AttributeSource>(s.clone()).ok())
        {
            account
                .provenance
                .attribute_sources
                .insert("metric_alarms".to_owned(), source);
        }
        account
            .provenance
            .api_calls
            .extend(raw.api_calls.iter().cloned());
        account.provenance.api_calls.sort();
        account.provenance.api_calls.dedup();
        if !account
            .provenance
            .source_types
            .iter()
            .any(|t| t == "AWS::Logs::MetricFilter")
        {
            account
                .provenance
                .source_types
                .push("AWS::Logs::MetricFilter".to_owned());
        }
    }
}
