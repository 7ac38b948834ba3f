//! IAM Access Analyzer collector: the analyzers of one region (`ListAnalyzers`).
//!
//! A region without analyzers answers an empty list, a fact; there is no "not enabled"
//! error. Which analyzers count (ACTIVE, type ACCOUNT or ORGANIZATION, not the
//! `*_UNUSED_ACCESS` or `*_INTERNAL_ACCESS` ones) is decided in normalization, so the raw
//! document keeps every analyzer's name, type and status as evidence.

use serde_json::{json, Value};

use super::call::Answer;
use super::ops;
use super::raw::{RawKind, RawResource};
use super::{client, Ctx};
use crate::model::unknown;

/// One [`RawKind::AccessAnalyzers`] document for `region`:
/// `{"ListAnalyzers": [{"Name", "Type", "Status"}] | unknown}`.
pub async fn collect(ctx: &Ctx, region: &str) -> RawResource {
    let aa = aws_sdk_accessanalyzer::Client::new(&client::in_region(&ctx.config, region));
    let mut analyzers: Vec<Value> = Vec::new();
    let mut token: Option<String> = None;
    let mut failed: Option<String> = None;
    loop {
        let request = aa.list_analyzers().set_next_token(token.clone());
        match ctx
            .caller
            .call(
                &ops::ACCESS_ANALYZER_LIST_ANALYZERS,
                region,
                None,
                &[],
                request.send(),
            )
            .await
        {
            Answer::Ok(out) => {
                analyzers.extend(out.analyzers().iter().map(|a| {
                    json!({
                        "Arn": a.arn(),
                        "Name": a.name(),
                        "Type": a.r#type().as_str(),
                        "Status": a.status().as_str(),
                    })
                }));
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
    analyzers.sort_by(|a, b| a["Arn"].as_str().cmp(&b["Arn"].as_str()));
    ctx.raw(
        RawKind::AccessAnalyzers,
        format!(
            "arn:{}:access-analyzer:{region}:{}:analyzer/*",
            client::partition(region),
            ctx.account_or_unknown()
        ),
        Some(region.to_owned()),
        vec![ops::ACCESS_ANALYZER_LIST_ANALYZERS.label()],
        json!({
            "ListAnalyzers": match failed {
                Some(reason) => unknown(reason),
                None => Value::Array(analyzers),
            },
        }),
    )
}
