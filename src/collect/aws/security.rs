//! Security Hub, Inspector (v2) and Macie: whether each is on in an account and region, and
//! how. One document per service, account and region, always (a service that is off is a
//! fact a policy must see).
//!
//! "Not enabled" answers are errors on these APIs, so each is told apart from a denial by its
//! documented code and message, never by the code alone:
//! - Security Hub `DescribeHub`: `InvalidAccessException` whose message says the account "is
//!   not subscribed to AWS Security Hub" is the fact "not enabled"; any other error
//!   (`AccessDeniedException` from IAM, another `InvalidAccessException`) is unknown.
//! - Macie `GetMacieSession`: AWS answers an account without Macie with HTTP 403
//!   `AccessDeniedException` and the message "Macie is not enabled"; only that message is the
//!   fact, since an IAM denial has the same code (its message names the principal and action).
//!   `ResourceNotFoundException` (no session resource; what moto answers) is the same fact.
//! - Inspector `BatchGetAccountStatus` answers every account, enabled or not: a scan type's
//!   `DISABLED` status is the fact, and an account listed in `failedAccounts` is unknown.

use std::future::Future;

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use serde_json::{json, Map, Value};

use super::call::{Answer, FailedCall};
use super::ops::{self, Op};
use super::raw::{RawKind, RawResource};
use super::Ctx;
use crate::model::unknown;

/// Pages read from one listing at most (a bound, so no answer can keep a run busy).
const MAX_PAGES: usize = 100;

/// Reads Security Hub, Inspector and Macie in `region`.
pub async fn collect(ctx: &Ctx, region: &str) -> Vec<RawResource> {
    let (hub, inspector, macie) = tokio::join!(
        Box::pin(securityhub(ctx, region)),
        Box::pin(inspector2(ctx, region)),
        Box::pin(macie2(ctx, region)),
    );
    vec![hub, inspector, macie]
}

/// A call whose failure may be a "not enabled" fact: `fact` decides from the failed call
/// (code and message). A fact comes back as [`Answer::NotConfigured`] with the service's
/// words, anything else is recorded as a failed call.
async fn call_or_fact<T, E, R, F>(
    ctx: &Ctx,
    op: &'static Op,
    region: &str,
    fut: F,
    fact: fn(&FailedCall) -> bool,
) -> Answer<T>
where
    F: Future<Output = Result<T, SdkError<E, R>>>,
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    let (answer, failed) = ctx.caller.try_call(op, region, None, &[], fut).await;
    match failed {
        Some(call) if fact(&call) => {
            Answer::NotConfigured(format!("{}: {}", call.error_code, call.message))
        }
        Some(call) => {
            ctx.caller.record(call);
            answer
        }
        None => answer,
    }
}

/// `DescribeHub`'s answer for an account that never enabled Security Hub in the region.
pub fn hub_not_subscribed(call: &FailedCall) -> bool {
    call.error_code == "InvalidAccessException"
        && call.message.to_ascii_lowercase().contains("not subscribed")
}

/// `GetMacieSession`'s answer for an account without Macie in the region.
pub fn macie_not_enabled(call: &FailedCall) -> bool {
    (call.error_code == "AccessDeniedException"
        && call
            .message
            .to_ascii_lowercase()
            .contains("macie is not enabled"))
        || call.error_code == "ResourceNotFoundException"
}

fn address(ctx: &Ctx, service: &str, region: &str, what: &str) -> String {
    format!(
        "arn:{}:{service}:{region}:{}:{what}",
        super::client::partition(region),
        ctx.account_or_unknown()
    )
}

/// `DescribeHub`, then (when subscribed) `GetEnabledStandards` to the last page.
async fn securityhub(ctx: &Ctx, region: &str) -> RawResource {
    let client = aws_sdk_securityhub::Client::new(&super::client::in_region(&ctx.config, region));
    let hub = call_or_fact(
        ctx,
        &ops::SECURITYHUB_DESCRIBE_HUB,
        region,
        client.describe_hub().send(),
        hub_not_subscribed,
    )
    .await;
    let mut data = Map::new();
    let mut calls = vec![ops::SECURITYHUB_DESCRIBE_HUB.label()];
    let subscribed = matches!(hub, Answer::Ok(_));
    match hub {
        Answer::Ok(o) => {
            data.insert(
                "DescribeHub".into(),
                json!({
                    "HubArn": o.hub_arn(),
                    "SubscribedAt": o.subscribed_at(),
                    "AutoEnableControls": o.auto_enable_controls(),
                }),
            );
        }
        Answer::NotConfigured(words) => {
            data.insert("DescribeHub".into(), Value::Null);
            data.insert("NotSubscribed".into(), json!(words));
        }
        Answer::Failed(reason) => {
            data.insert("DescribeHub".into(), unknown(reason));
        }
    }
    if subscribed {
        calls.push(ops::SECURITYHUB_GET_ENABLED_STANDARDS.label());
        let mut standards = Vec::new();
        let mut token: Option<String> = None;
        let mut result = Value::Null;
        for page in 0.. {
            if page >= MAX_PAGES {
                result = unknown(format!(
                    "securityhub:GetEnabledStandards had more than {MAX_PAGES} pages; the rest were not read"
                ));
                break;
            }
            let request = client
                .get_enabled_standards()
                .max_results(100)
                .set_next_token(token.clone());
            match ctx
                .caller
                .call(
                    &ops::SECURITYHUB_GET_ENABLED_STANDARDS,
                    region,
                    None,
                    &[],
                    request.send(),
                )
                .await
            {
                Answer::Ok(out) => {
                    standards.extend(out.standards_subscriptions().iter().map(|s| {
                        json!({
                            "StandardsArn": s.standards_arn(),
                            "StandardsSubscriptionArn": s.standards_subscription_arn(),
                            "StandardsStatus": s.standards_status().map(|x| x.as_str()),
                        })
                    }));
                    token = out
                        .next_token()
                        .filter(|t| !t.is_empty())
                        .map(str::to_owned);
                    if token.is_none() {
                        result = Value::Array(std::mem::take(&mut standards));
                        break;
                    }
                }
                Answer::Failed(reason) | Answer::NotConfigured(reason) => {
                    result = unknown(reason);
                    break;
                }
            }
        }
        data.insert("GetEnabledStandards".into(), result);
    }
    ctx.raw(
        RawKind::SecurityHubHub,
        address(ctx, "securityhub", region, "hub/default"),
        Some(region.to_owned()),
        calls,
        Value::Object(data),
    )
}

/// `BatchGetAccountStatus` for the caller's account.
async fn inspector2(ctx: &Ctx, region: &str) -> RawResource {
    let client = aws_sdk_inspector2::Client::new(&super::client::in_region(&ctx.config, region));
    let mut request = client.batch_get_account_status();
    if let Some(account) = &ctx.account {
        request = request.account_ids(account);
    }
    let answer = ctx
        .caller
        .call(
            &ops::INSPECTOR2_BATCH_GET_ACCOUNT_STATUS,
            region,
            None,
            &[],
            request.send(),
        )
        .await;
    let label = ops::INSPECTOR2_BATCH_GET_ACCOUNT_STATUS.label();
    let status = answer.to_value(|o| {
        let mine = |id: &str| ctx.account.as_deref().is_none_or(|a| a == id);
        if let Some(failed) = o.failed_accounts().iter().find(|f| mine(f.account_id())) {
            return unknown(format!(
                "{label} failed for the account: {}: {}",
                failed.error_code().as_str(),
                failed.error_message()
            ));
        }
        let Some(state) = o.accounts().iter().find(|a| mine(a.account_id())) else {
            return unknown(format!("{label} did not return the account"));
        };
        let Some(rs) = state.resource_state() else {
            return unknown(format!("{label} returned no resourceState for the account"));
        };
        let of = |s: Option<&aws_sdk_inspector2::types::State>| -> Value {
            s.map_or(Value::Null, |s| json!(s.status().as_str()))
        };
        json!({
            "accountId": state.account_id(),
            "state": state.state().map(|s| s.status().as_str()),
            "ec2": of(rs.ec2()),
            "ecr": of(rs.ecr()),
            "lambda": of(rs.lambda()),
            "lambdaCode": of(rs.lambda_code()),
        })
    });
    ctx.raw(
        RawKind::Inspector2Account,
        address(ctx, "inspector2", region, "account"),
        Some(region.to_owned()),
        vec![label],
        json!({ "BatchGetAccountStatus": status }),
    )
}

/// `GetMacieSession`; where Macie is on, `GetAutomatedDiscoveryConfiguration` and
/// `ListClassificationJobs` (to the last page).
async fn macie2(ctx: &Ctx, region: &str) -> RawResource {
    let client = aws_sdk_macie2::Client::new(&super::client::in_region(&ctx.config, region));
    let session = call_or_fact(
        ctx,
        &ops::MACIE2_GET_MACIE_SESSION,
        region,
        client.get_macie_session().send(),
        macie_not_enabled,
    )
    .await;
    let mut data = Map::new();
    let mut calls = vec![ops::MACIE2_GET_MACIE_SESSION.label()];
    let enabled = matches!(session, Answer::Ok(_));
    match session {
        Answer::Ok(o) => {
            data.insert(
                "GetMacieSession".into(),
                json!({ "status": o.status().map(|s| s.as_str()) }),
            );
        }
        Answer::NotConfigured(words) => {
            data.insert("GetMacieSession".into(), Value::Null);
            data.insert("NotEnabled".into(), json!(words));
        }
        Answer::Failed(reason) => {
            data.insert("GetMacieSession".into(), unknown(reason));
        }
    }
    if enabled {
        calls.push(ops::MACIE2_GET_AUTOMATED_DISCOVERY_CONFIGURATION.label());
        calls.push(ops::MACIE2_LIST_CLASSIFICATION_JOBS.label());
        let discovery = ctx
            .caller
            .call(
                &ops::MACIE2_GET_AUTOMATED_DISCOVERY_CONFIGURATION,
                region,
                None,
                &[],
                client.get_automated_discovery_configuration().send(),
            )
            .await
            .to_value(|o| json!({ "status": o.status().map(|s| s.as_str()) }));
        data.insert("GetAutomatedDiscoveryConfiguration".into(), discovery);
        let mut jobs = Vec::new();
        let mut token: Option<String> = None;
        let mut result = Value::Null;
        for page in 0.. {
            if page >= MAX_PAGES {
                result = unknown(format!(
                    "macie2:ListClassificationJobs had more than {MAX_PAGES} pages; the rest were not read"
                ));
                break;
            }
            let request = client
                .list_classification_jobs()
                .max_results(100)
                .set_next_token(token.clone());
            match ctx
                .caller
                .call(
                    &ops::MACIE2_LIST_CLASSIFICATION_JOBS,
                    region,
                    None,
                    &[],
                    request.send(),
                )
                .await
            {
                Answer::Ok(out) => {
                    jobs.extend(out.items().iter().map(|j| {
                        json!({
                            "jobId": j.job_id(),
                            "jobType": j.job_type().map(|t| t.as_str()),
                            "jobStatus": j.job_status().map(|s| s.as_str()),
                        })
                    }));
                    token = out
                        .next_token()
                        .filter(|t| !t.is_empty())
                        .map(str::to_owned);
                    if token.is_none() {
                        result = json!({ "items": std::mem::take(&mut jobs) });
                        break;
                    }
                }
                Answer::Failed(reason) | Answer::NotConfigured(reason) => {
                    result = unknown(reason);
                    break;
                }
            }
        }
        data.insert("ListClassificationJobs".into(), result);
    }
    ctx.raw(
        RawKind::Macie2Session,
        address(ctx, "macie2", region, "session"),
        Some(region.to_owned()),
        calls,
        Value::Object(data),
    )
}
