//! GuardDuty collector: the detector(s) of a region with status and features, counts of
//! current (unarchived) findings by severity where the API answers, and every active finding
//! of severity 7 or more (`ListFindings` with that criterion, then `GetFindings` 50 at a
//! time). A region without a detector yields one document saying so: "no detector" is a fact
//! a policy must see. Whether a detector's findings were listed to the end is recorded in its
//! document (`ListFindings`): a listing that failed or hit the bound leaves normalization's
//! findings stand-in for the region in place, with the reason.

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
        let (listing, found) = Box::pin(findings(ctx, &client, region, &id)).await;
        data.insert("ListFindings".into(), listing);
        out.push(ctx.raw(
            RawKind::GuardDutyDetector,
            format!("arn:aws:guardduty:{region}:{account}:detector/{id}"),
            Some(region.to_owned()),
            vec![
                ops::GUARDDUTY_LIST_DETECTORS.label(),
                ops::GUARDDUTY_GET_DETECTOR.label(),
                ops::GUARDDUTY_GET_FINDINGS_STATISTICS.label(),
                ops::GUARDDUTY_LIST_FINDINGS.label(),
            ],
            Value::Object(data),
        ));
        out.extend(found);
    }
    out
}

/// Lowest severity listed: GuardDuty's high band starts at 7.0.
pub const MIN_SEVERITY: i64 = 7;
/// Finding IDs per `ListFindings` page and per `GetFindings` call (both APIs' maximum).
const BATCH: usize = 50;
/// Pages of `ListFindings` read at most per detector (1,000 findings).
const MAX_PAGES: usize = 20;

/// The active findings of severity [`MIN_SEVERITY`] or more of one detector: one document per
/// finding, and the listing's outcome for the detector's document (`{"Listed": n}`, or the
/// unknown marker when a page failed or more than `MAX_PAGES` pages exist). A failed
/// `GetFindings` batch yields its findings with the failure as their `Finding`.
async fn findings(
    ctx: &Ctx,
    client: &aws_sdk_guardduty::Client,
    region: &str,
    detector: &str,
) -> (Value, Vec<RawResource>) {
    let mut ids: Vec<String> = Vec::new();
    let mut token: Option<String> = None;
    let mut listing = Value::Null;
    for page in 0.. {
        if page >= MAX_PAGES {
            listing = unknown(format!(
                "guardduty:ListFindings listed more than {} active findings of severity {MIN_SEVERITY} or more; the rest were not read",
                MAX_PAGES * BATCH
            ));
            break;
        }
        let request = client
            .list_findings()
            .detector_id(detector)
            .finding_criteria(high_and_active())
            .max_results(BATCH as i32)
            .set_next_token(token.clone());
        match ctx
            .caller
            .call(
                &ops::GUARDDUTY_LIST_FINDINGS,
                region,
                Some(detector),
                &[],
                request.send(),
            )
            .await
        {
            Answer::Ok(out) => {
                ids.extend(out.finding_ids().iter().cloned());
                token = out
                    .next_token()
                    .filter(|t| !t.is_empty())
                    .map(str::to_owned);
                if token.is_none() {
                    break;
                }
            }
            Answer::Failed(reason) | Answer::NotConfigured(reason) => {
                listing = unknown(reason);
                break;
            }
        }
    }
    ids.sort();
    ids.dedup();
    if listing.is_null() {
        listing = json!({ "Listed": ids.len() });
    }
    let account = ctx.account_or_unknown().to_owned();
    let partition = super::client::partition(region);
    let mut out = Vec::new();
    for batch in ids.chunks(BATCH) {
        let answer = ctx
            .caller
            .call(
                &ops::GUARDDUTY_GET_FINDINGS,
                region,
                Some(detector),
                &[],
                client
                    .get_findings()
                    .detector_id(detector)
                    .set_finding_ids(Some(batch.to_vec()))
                    .send(),
            )
            .await;
        let mut got: BTreeMap<String, Value> = BTreeMap::new();
        let failed = match answer {
            Answer::Ok(o) => {
                for f in o.findings() {
                    let Some(id) = f.id() else { continue };
                    got.insert(
                        id.to_owned(),
                        json!({
                            "Id": id,
                            "Arn": f.arn(),
                            "Type": f.r#type(),
                            "Severity": f.severity(),
                            "CreatedAt": f.created_at(),
                            "UpdatedAt": f.updated_at(),
                            "Archived": f.service().and_then(|s| s.archived()),
                            "ResourceType": f.resource().and_then(|r| r.resource_type()),
                        }),
                    );
                }
                None
            }
            Answer::Failed(reason) | Answer::NotConfigured(reason) => Some(reason),
        };
        for id in batch {
            let finding = match (&failed, got.remove(id)) {
                (Some(reason), _) => unknown(reason.clone()),
                (None, Some(f)) => f,
                (None, None) => unknown(format!(
                    "guardduty:GetFindings did not return finding {id}, which ListFindings listed"
                )),
            };
            let arn = finding
                .get("Arn")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .unwrap_or_else(|| {
                    format!("arn:{partition}:guardduty:{region}:{account}:detector/{detector}/finding/{id}")
                });
            out.push(ctx.raw(
                RawKind::GuardDutyFinding,
                arn,
                Some(region.to_owned()),
                vec![
                    ops::GUARDDUTY_LIST_FINDINGS.label(),
                    ops::GUARDDUTY_GET_FINDINGS.label(),
                ],
                json!({ "DetectorId": detector, "Id": id, "Finding": finding }),
            ));
        }
    }
    (listing, out)
}

/// Active (unarchived) findings of severity [`MIN_SEVERITY`] or more.
fn high_and_active() -> aws_sdk_guardduty::types::FindingCriteria {
    let archived = aws_sdk_guardduty::types::Condition::builder()
        .equals("false")
        .build();
    let severity = aws_sdk_guardduty::types::Condition::builder()
        .greater_than_or_equal(MIN_SEVERITY)
        .build();
    aws_sdk_guardduty::types::FindingCriteria::builder()
        .criterion("service.archived", archived)
        .criterion("severity", severity)
        .build()
}

fn unarchived() -> aws_sdk_guardduty::types::FindingCriteria {
    let condition = aws_sdk_guardduty::types::Condition::builder()
        .equals("false")
        .build();
    aws_sdk_guardduty::types::FindingCriteria::builder()
        .criterion("service.archived", condition)
        .build()
}
