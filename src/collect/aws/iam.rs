//! IAM collector: the account-wide identity facts, read once per account because IAM is a
//! global service. One raw document per account holds every answer:
//! - `GetAccountSummary`: root MFA (`AccountMFAEnabled`) and root access keys
//!   (`AccountAccessKeysPresent`);
//! - `ListVirtualMFADevices` (assigned devices): whether the root's MFA device is virtual;
//! - the credential report (`GenerateCredentialReport` polled until COMPLETE, then
//!   `GetCredentialReport`): root usage and every user's password, MFA and access keys;
//! - `GetAccountPasswordPolicy` (`NoSuchEntity` is the fact "no policy", kept as `null`);
//! - `ListEntitiesForPolicy` on the AWSSupportAccess managed policy.
//!
//! The report's CSV is kept as text with its generation time: parsing and judging its values
//! (`N/A`, `no_information`, ...) is [`crate::normalize::aws`]'s job. A report that is not
//! ready within the run's report wait is a failed call (`ReportNotReady`), never an empty
//! report.

use std::collections::BTreeMap;
use std::time::Duration;

use aws_sdk_iam::types::{AssignmentStatusType, ReportStateType};
use aws_smithy_types::date_time::Format;
use serde_json::{json, Value};

use super::call::{Answer, FailedCall};
use super::ops;
use super::raw::{RawKind, RawResource};
use super::Ctx;
use crate::model::unknown;

/// Region label of IAM calls in failed-call records and concurrency limits: IAM has one
/// global endpoint per partition.
pub const GLOBAL: &str = "global";

/// The AWS managed policy that lets its holders open AWS Support cases (CIS 1.17).
pub const SUPPORT_POLICY: &str = "AWSSupportAccess";

/// The first pause between `GenerateCredentialReport` polls; doubled up to [`MAX_PAUSE`].
const FIRST_PAUSE: Duration = Duration::from_millis(200);
const MAX_PAUSE: Duration = Duration::from_secs(5);

/// Reads the IAM facts of the context's account; `home` is the region whose endpoint
/// configuration (partition) the client uses.
pub async fn collect(ctx: &Ctx, home: &str, report_wait: Duration) -> RawResource {
    let client = aws_sdk_iam::Client::new(&super::client::in_region(&ctx.config, home));
    let partition = super::client::partition(home);
    // Boxed: SDK request futures are large, and five side by side inline would overflow the
    // stack of the thread that polls the whole run.
    let (summary, mfa, report, password, support) = tokio::join!(
        Box::pin(account_summary(ctx, &client)),
        Box::pin(virtual_mfa_devices(ctx, &client)),
        Box::pin(credential_report(ctx, &client, report_wait)),
        Box::pin(password_policy(ctx, &client)),
        Box::pin(support_entities(ctx, &client, partition)),
    );
    let data = json!({
        "GetAccountSummary": summary,
        "ListVirtualMFADevices": mfa,
        "GetCredentialReport": report,
        "GetAccountPasswordPolicy": password,
        "ListEntitiesForPolicy": support,
    });
    ctx.raw(
        RawKind::IamAccount,
        format!("arn:{partition}:iam::{}:root", ctx.account_or_unknown()),
        None,
        vec![
            ops::IAM_GET_ACCOUNT_SUMMARY.label(),
            ops::IAM_LIST_VIRTUAL_MFA_DEVICES.label(),
            ops::IAM_GENERATE_CREDENTIAL_REPORT.label(),
            ops::IAM_GET_CREDENTIAL_REPORT.label(),
            ops::IAM_GET_ACCOUNT_PASSWORD_POLICY.label(),
            ops::IAM_LIST_ENTITIES_FOR_POLICY.label(),
        ],
        data,
    )
}

/// The summary map (`{"AccountMFAEnabled": 0, ...}`), sorted by key.
async fn account_summary(ctx: &Ctx, client: &aws_sdk_iam::Client) -> Value {
    ctx.caller
        .call(
            &ops::IAM_GET_ACCOUNT_SUMMARY,
            GLOBAL,
            None,
            &[],
            client.get_account_summary().send(),
        )
        .await
        .to_value(|out| {
            let map: BTreeMap<String, i32> = out
                .summary_map()
                .map(|m| m.iter().map(|(k, v)| (k.as_str().to_owned(), *v)).collect())
                .unwrap_or_default();
            json!(map)
        })
}

/// Assigned virtual MFA devices as `[{"SerialNumber", "UserArn"}]`, sorted by serial.
async fn virtual_mfa_devices(ctx: &Ctx, client: &aws_sdk_iam::Client) -> Value {
    let mut devices: Vec<(String, Option<String>)> = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let request = client
            .list_virtual_mfa_devices()
            .assignment_status(AssignmentStatusType::Assigned)
            .set_marker(marker.clone());
        match ctx
            .caller
            .call(
                &ops::IAM_LIST_VIRTUAL_MFA_DEVICES,
                GLOBAL,
                None,
                &[],
                request.send(),
            )
            .await
        {
            Answer::Ok(out) => {
                devices.extend(out.virtual_mfa_devices().iter().map(|d| {
                    (
                        d.serial_number().to_owned(),
                        d.user().map(|u| u.arn().to_owned()),
                    )
                }));
                marker = out.marker().filter(|m| !m.is_empty()).map(str::to_owned);
                if !out.is_truncated() || marker.is_none() {
                    break;
                }
            }
            // A partial list could hide the root's device: the whole answer is unknown.
            Answer::Failed(reason) | Answer::NotConfigured(reason) => return unknown(reason),
        }
    }
    devices.sort();
    devices.dedup();
    Value::Array(
        devices
            .into_iter()
            .map(|(serial, user)| json!({ "SerialNumber": serial, "UserArn": user }))
            .collect(),
    )
}

/// `{"GeneratedTime": RFC 3339, "Content": CSV text}`, or the unknown marker.
async fn credential_report(ctx: &Ctx, client: &aws_sdk_iam::Client, wait: Duration) -> Value {
    let started = tokio::time::Instant::now();
    let mut pause = FIRST_PAUSE;
    loop {
        match ctx
            .caller
            .call(
                &ops::IAM_GENERATE_CREDENTIAL_REPORT,
                GLOBAL,
                None,
                &[],
                client.generate_credential_report().send(),
            )
            .await
        {
            Answer::Ok(out) if out.state() == Some(&ReportStateType::Complete) => break,
            Answer::Ok(_) => {}
            Answer::Failed(reason) | Answer::NotConfigured(reason) => return unknown(reason),
        }
        // Still STARTED or INPROGRESS: wait, within the report wait and the run's deadline.
        if started.elapsed() + pause > wait || ctx.caller.past_deadline() {
            let message = format!(
                "the credential report was not COMPLETE within {} ms",
                wait.as_millis()
            );
            ctx.caller.record(FailedCall {
                service: ops::IAM_GENERATE_CREDENTIAL_REPORT.service.to_owned(),
                operation: ops::IAM_GENERATE_CREDENTIAL_REPORT.name.to_owned(),
                region: GLOBAL.to_owned(),
                resource: None,
                error_code: "ReportNotReady".to_owned(),
                message,
            });
            return unknown(format!(
                "{} failed: ReportNotReady",
                ops::IAM_GENERATE_CREDENTIAL_REPORT.label()
            ));
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(MAX_PAUSE);
    }
    ctx.caller
        .call(
            &ops::IAM_GET_CREDENTIAL_REPORT,
            GLOBAL,
            None,
            &[],
            client.get_credential_report().send(),
        )
        .await
        .to_value(|out| {
            let generated = out
                .generated_time()
                .and_then(|t| t.fmt(Format::DateTime).ok());
            let Some(generated) = generated else {
                return unknown("iam:GetCredentialReport returned no GeneratedTime");
            };
            let Some(content) = out.content() else {
                return unknown("iam:GetCredentialReport returned no Content");
            };
            match std::str::from_utf8(content.as_ref()) {
                Ok(text) => json!({ "GeneratedTime": generated, "Content": text }),
                Err(e) => unknown(format!(
                    "iam:GetCredentialReport returned a report that is not UTF-8: {e}"
                )),
            }
        })
}

/// The password policy's fields as IAM names them; `null` when the account has none.
async fn password_policy(ctx: &Ctx, client: &aws_sdk_iam::Client) -> Value {
    ctx.caller
        .call(
            &ops::IAM_GET_ACCOUNT_PASSWORD_POLICY,
            GLOBAL,
            None,
            // The account has no custom policy: a fact (AWS's defaults apply).
            &["NoSuchEntity"],
            client.get_account_password_policy().send(),
        )
        .await
        .to_value(|out| match out.password_policy() {
            Some(p) => json!({
                "MinimumPasswordLength": p.minimum_password_length(),
                "RequireSymbols": p.require_symbols(),
                "RequireNumbers": p.require_numbers(),
                "RequireUppercaseCharacters": p.require_uppercase_characters(),
                "RequireLowercaseCharacters": p.require_lowercase_characters(),
                "AllowUsersToChangePassword": p.allow_users_to_change_password(),
                "ExpirePasswords": p.expire_passwords(),
                "MaxPasswordAge": p.max_password_age(),
                "PasswordReusePrevention": p.password_reuse_prevention(),
                "HardExpiry": p.hard_expiry(),
            }),
            None => unknown("iam:GetAccountPasswordPolicy returned no PasswordPolicy"),
        })
}

/// Names of the roles, groups and users the AWSSupportAccess policy is attached to.
/// `ListEntitiesForPolicy` returns names and IDs, not paths, so ARNs cannot be rebuilt.
async fn support_entities(ctx: &Ctx, client: &aws_sdk_iam::Client, partition: &str) -> Value {
    let policy_arn = format!("arn:{partition}:iam::aws:policy/{SUPPORT_POLICY}");
    let mut roles = Vec::new();
    let mut groups = Vec::new();
    let mut users = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let request = client
            .list_entities_for_policy()
            .policy_arn(&policy_arn)
            .set_marker(marker.clone());
        match ctx
            .caller
            .call(
                &ops::IAM_LIST_ENTITIES_FOR_POLICY,
                GLOBAL,
                Some(SUPPORT_POLICY),
                &[],
                request.send(),
            )
            .await
        {
            Answer::Ok(out) => {
                roles.extend(
                    out.policy_roles()
                        .iter()
                        .filter_map(|r| r.role_name().map(str::to_owned)),
                );
                groups.extend(
                    out.policy_groups()
                        .iter()
                        .filter_map(|g| g.group_name().map(str::to_owned)),
                );
                users.extend(
                    out.policy_users()
                        .iter()
                        .filter_map(|u| u.user_name().map(str::to_owned)),
                );
                marker = out.marker().filter(|m| !m.is_empty()).map(str::to_owned);
                if !out.is_truncated() || marker.is_none() {
                    break;
                }
            }
            // A partial list could make "nobody" look true: the whole answer is unknown.
            Answer::Failed(reason) | Answer::NotConfigured(reason) => return unknown(reason),
        }
    }
    for list in [&mut roles, &mut groups, &mut users] {
        list.sort();
        list.dedup();
    }
    json!({
        "PolicyArn": policy_arn,
        "PolicyRoles": roles,
        "PolicyGroups": groups,
        "PolicyUsers": users,
    })
}
