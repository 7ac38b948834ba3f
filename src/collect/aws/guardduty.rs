//! GuardDuty collector: the detector(s) of a region with status and features, and counts
//! of current (unarchived) findings by severity where the API answers. A region without a
//! detector yields one document saying so: "no detector" is a fact a policy must see.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::call::Answer;
use super::ops;
use super::raw::{RawKind, RawResource};
use super::Ctx;
use crate::model::unknown;

/// Reads the detectors of `region`.
pub async fn collect(ctx: &Ctx, region: &str) -> Vec<RawResource> {
    let client = aws_sdk_guardduty::Client::new(&super::client::in_region(&ctx.config, region));
    let mut ids = Vec::new();
    let mut token: Option<String> = None;
    let mut listing_failed = None;
    loop {
        let request = client.list_detectors().set_next_token(token.clone());
        match ctx
            .caller
            .call(
                &ops::GUARDDUTY_LIST_DETECTORS,
                region,
                None,
                &[],
                request.send(),
            )
            .await
        {
            Answer::Ok(out) => {
                ids.extend(out.detector_ids().iter().cloned());
                token = out
                    .next_token()
                    .filter(|t| !t.is_empty())
                    .map(str::to_owned);
                if token.is_none() {
                    break;
                }
            }
            Answer::Failed(reason) | Answer::NotConfigured(reason) => {
                listing_failed = Some(reason);
                break;
            }
        }
    }
    let account = ctx.account_or_unknown().to_owned();
    if ids.is_empty() {
        // Either a fact (no detector) or unknown (the listing failed): one document per region.
        let exists = match listing_failed {
            Some(reason) => unknown(reason),
            None => Value::Bool(false),
        };
        let data = json!({ "DetectorId": null, "Exists": exists });
        return vec![ctx.raw(
            RawKind::GuardDutyDetector,
            format!("arn:aws:guardduty:{region}:{account}:detector"),
            Some(region.to_owned()),
            vec![ops::GUARDDUTY_LIST_DETECTORS.label()],
            data,
        )];
    }
    ids.sort();
    let mut out = Vec::new();
    for id in ids {
        let d = Some(id.as_str());
        let (detector, stats) = tokio::join!(
            ctx.caller.call(
                &ops::GUARDDUTY_GET_DETECTOR,
                region,
                d,
                &[],
                client.get_detector().detector_id(&id).send()
            ),
            ctx.caller.call(
                &ops::GUARDDUTY_GET_FINDINGS_STATISTICS,
                region,
                d,
                &[],
                client
                    .get_findings_statistics()
                    .detector_id(&id)
                    .group_by(aws_sdk_guardduty::types::GroupByType::Severity)
                    .finding_criteria(unarchived())
                    .send(),
            ),
        );
        let mut data = Map::new();
        data.insert("DetectorId".into(), json!(id));
        data.insert("Exists".into(), json!(true));
        data.insert(
            "GetDetector".into(),
            detector.to_value(|o| {
                let features: BTreeMap<String, Option<String>> = o
                    .features()
                    .iter()
                    .filter_map(|f| {
                        f.name().map(|n| (n.as_str().to_owned(), f.status().map(|s| s.as_str().to_owned())))
                    })
                    .collect();
                json!({
                    "Status": o.status().map(|s| s.as_str()),
                    "FindingPublishingFrequency": o.finding_publishing_frequency().map(|f| f.as_str()),
                    "Features": features,
                    "Tags": o.tags().map(|t| t.iter().map(|(k, v)| (k.clone(), json!(v))).collect::<Map<String, Value>>()),
                })
            }),
        );
        data.insert(
            "GetFindingsStatistics".into(),
            stats.to_value(|o| {
                // GuardDuty severities: low [1, 4), medium [4, 7), high [7, 9), critical [9, 10].
                let mut counts =
                    BTreeMap::from([("critical", 0i64), ("high", 0), ("medium", 0), ("low", 0)]);
                for s in o
                    .finding_statistics()
                    .map(|f| f.grouped_by_severity())
                    .unwrap_or_default()
                {
                    let band = match s.severity().unwrap_or(0.0) {
                        x if x >= 9.0 => "critical",
                        x if x >= 7.0 => "high",
                        x if x >= 4.0 => "medium",
                        _ => "low",
                    };
                    *counts.entry(band).or_default() += i64::from(s.total_findings().unwrap_or(0));
                }
                json!(counts)
            }),
        );
        out.push(ctx.raw(
            RawKind::GuardDutyDetector,
            format!("arn:aws:guardduty:{region}:{account}:detector/{id}"),
            Some(region.to_owned()),
            vec![
                ops::GUARDDUTY_LIST_DETECTORS.label(),
                ops::GUARDDUTY_GET_DETECTOR.label(),
                ops::GUARDDUTY_GET_FINDINGS_STATISTICS.label(),
            ],
            Value::Object(data),
        ));
    }
    out
}

fn unarchived() -> aws_sdk_guardduty::types::FindingCriteria {
    let condition = aws_sdk_guardduty::types::Condition::builder()
        .equals("false")
        .build();
    aws_sdk_guardduty::types::FindingCriteria::builder()
        .criterion("service.archived", condition)
        .build()
}
