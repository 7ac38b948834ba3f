//! Security Hub, Inspector, Macie and GuardDuty findings from the collectors' documents, on the
//! answer shapes the real APIs return (including the ones moto 5.2.5 cannot give:
//! GetEnabledStandards, Macie's "not enabled" AccessDeniedException, automated discovery,
//! classification jobs, ListFindings/GetFindings); every resource is checked against its
//! kind's schema and judged by the embedded rules.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{json, Value};

use super::tests_support::Judged;
use crate::collect::aws::call::FailedCall;
use crate::collect::aws::raw::{RawKind, RawResource};
use crate::collect::aws::security::{hub_not_subscribed, macie_not_enabled};
use crate::model::{unknown, unknown_reason};

const ACCOUNT: &str = "123456789012";
const REGION: &str = "eu-west-1";
const AT: &str = "2026-06-01T02:00:00Z";

fn raw(kind: RawKind, arn: &str, data: Value) -> RawResource {
    RawResource {
        kind,
        arn: arn.to_owned(),
        account: Some(ACCOUNT.into()),
        region: Some(REGION.into()),
        api_calls: vec!["x:Y".into()],
        collected_at: AT.into(),
        data,
    }
}

fn scope() -> RawResource {
    RawResource {
        kind: RawKind::RegionScope,
        arn: format!("arn:aws::{REGION}:{ACCOUNT}:region"),
        account: Some(ACCOUNT.into()),
        region: Some(REGION.into()),
        api_calls: vec!["sts:GetCallerIdentity".into()],
        collected_at: AT.into(),
        data: json!({}),
    }
}

fn hub_arn() -> String {
    format!("arn:aws:securityhub:{REGION}:{ACCOUNT}:hub/default")
}
fn inspector_arn() -> String {
    format!("arn:aws:inspector2:{REGION}:{ACCOUNT}:account")
}
fn macie_arn() -> String {
    format!("arn:aws:macie2:{REGION}:{ACCOUNT}:session")
}
fn detector_arn() -> String {
    format!("arn:aws:guardduty:{REGION}:{ACCOUNT}:detector/d1")
}
fn findings_stand_in() -> String {
    format!("arn:aws:guardduty:{REGION}:{ACCOUNT}:detector/*/finding/*")
}

fn failed(code: &str, message: &str) -> FailedCall {
    FailedCall {
        service: "x".into(),
        operation: "Y".into(),
        region: REGION.into(),
        resource: None,
        error_code: code.into(),
        message: message.into(),
    }
}

#[test]
fn not_enabled_answers_are_told_apart_from_denials() {
    // Security Hub: the answer for an account that never enabled it.
    assert!(hub_not_subscribed(&failed(
        "InvalidAccessException",
        "Account 123456789012 is not subscribed to AWS Security Hub"
    )));
    assert!(!hub_not_subscribed(&failed(
        "AccessDeniedException",
        "User: arn:aws:iam::123456789012:user/x is not authorized to perform: securityhub:DescribeHub"
    )));
    assert!(!hub_not_subscribed(&failed(
        "InvalidAccessException",
        "Account 123456789012 is not an administrator for this organization"
    )));
    // Macie: AWS answers 403 AccessDeniedException "Macie is not enabled"; an IAM denial has the
    // same code and names the principal instead.
    assert!(macie_not_enabled(&failed(
        "AccessDeniedException",
        "Macie is not enabled"
    )));
    assert!(macie_not_enabled(&failed(
        "ResourceNotFoundException",
        "The request failed because the specified resource doesn't exist."
    )));
    assert!(!macie_not_enabled(&failed(
        "AccessDeniedException",
        "User: arn:aws:iam::123456789012:user/x is not authorized to perform: macie2:GetMacieSession"
    )));
}

#[test]
fn security_hub_enabled_with_standards_passes_and_without_fails() {
    let subscribed = json!({
        "DescribeHub": {"HubArn": hub_arn(), "SubscribedAt": "2026-01-02T03:04:05.000Z", "AutoEnableControls": true},
        "GetEnabledStandards": [
            {"StandardsArn": "arn:aws:securityhub:eu-west-1::standards/aws-foundational-security-best-practices/v/1.0.0", "StandardsSubscriptionArn": "s1", "StandardsStatus": "READY"},
            {"StandardsArn": "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0", "StandardsSubscriptionArn": "s2", "StandardsStatus": "FAILED"},
        ],
    });
    let j = Judged::of(&[
        raw(RawKind::SecurityHubHub, &hub_arn(), subscribed),
        scope(),
    ]);
    assert_eq!(
        j.count("aws.securityhub.hub"),
        1,
        "the stand-in is replaced"
    );
    let hub = j.get("aws.securityhub.hub", &hub_arn());
    assert_eq!(hub.attributes["enabled"], json!(true));
    assert_eq!(hub.attributes["default_standards_enabled"], Value::Null);
    assert_eq!(
        hub.attributes["standards"][0]["arn"],
        json!("arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0"),
        "sorted by ARN"
    );
    assert_eq!(hub.arn.as_deref(), Some(hub_arn().as_str()));
    let note = hub.provenance.attribute_sources["enabled"]
        .note
        .clone()
        .unwrap();
    assert!(note.contains("2026-01-02T03:04:05.000Z"), "{note}");
    assert_eq!(
        hub.provenance.attribute_sources["standards"].operation,
        "securityhub:GetEnabledStandards"
    );
    assert_eq!(j.status("securityhub-enabled", &hub_arn()), "pass");

    // Only a failed standard: no baseline.
    let failed_only = json!({
        "DescribeHub": {"HubArn": hub_arn(), "SubscribedAt": "2026-01-02T03:04:05.000Z", "AutoEnableControls": false},
        "GetEnabledStandards": [
            {"StandardsArn": "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0", "StandardsSubscriptionArn": "s2", "StandardsStatus": "FAILED"},
        ],
    });
    let j = Judged::of(&[
        raw(RawKind::SecurityHubHub, &hub_arn(), failed_only),
        scope(),
    ]);
    assert_eq!(j.status("securityhub-enabled", &hub_arn()), "fail");
    let none = json!({
        "DescribeHub": {"HubArn": hub_arn()},
        "GetEnabledStandards": [],
    });
    let j = Judged::of(&[raw(RawKind::SecurityHubHub, &hub_arn(), none), scope()]);
    assert_eq!(j.status("securityhub-enabled", &hub_arn()), "fail");
}

#[test]
fn security_hub_not_subscribed_fails_and_failures_are_unknown() {
    let off = json!({
        "DescribeHub": null,
        "NotSubscribed": "InvalidAccessException: Account 123456789012 is not subscribed to AWS Security Hub",
    });
    let j = Judged::of(&[raw(RawKind::SecurityHubHub, &hub_arn(), off), scope()]);
    let hub = j.get("aws.securityhub.hub", &hub_arn());
    assert_eq!(hub.attributes["enabled"], json!(false));
    assert_eq!(hub.attributes["standards"], json!([]));
    assert!(hub.arn.is_none(), "no hub, no ARN");
    assert_eq!(j.status("securityhub-enabled", &hub_arn()), "fail");

    let denied =
        json!({"DescribeHub": unknown("securityhub:DescribeHub denied: AccessDeniedException")});
    let j = Judged::of(&[raw(RawKind::SecurityHubHub, &hub_arn(), denied), scope()]);
    let hub = j.get("aws.securityhub.hub", &hub_arn());
    assert_eq!(
        unknown_reason(&hub.attributes["enabled"]),
        Some("securityhub:DescribeHub denied: AccessDeniedException")
    );
    assert!(unknown_reason(&hub.attributes["standards"]).is_some());
    assert_eq!(j.status("securityhub-enabled", &hub_arn()), "unknown");

    let standards_failed = json!({
        "DescribeHub": {"HubArn": hub_arn()},
        "GetEnabledStandards": unknown("securityhub:GetEnabledStandards failed: InternalException"),
    });
    let j = Judged::of(&[
        raw(RawKind::SecurityHubHub, &hub_arn(), standards_failed),
        scope(),
    ]);
    assert_eq!(j.status("securityhub-enabled", &hub_arn()), "unknown");
}

fn inspector(status: Value) -> RawResource {
    raw(
        RawKind::Inspector2Account,
        &inspector_arn(),
        json!({ "BatchGetAccountStatus": status }),
    )
}

#[test]
fn inspector_scan_types_from_the_account_status() {
    let all = json!({"accountId": ACCOUNT, "state": "ENABLED", "ec2": "ENABLED", "ecr": "ENABLED", "lambda": "ENABLED", "lambdaCode": "DISABLED"});
    let j = Judged::of(&[inspector(all), scope()]);
    assert_eq!(
        j.count("aws.inspector2.account"),
        1,
        "the stand-in is replaced"
    );
    let a = j.get("aws.inspector2.account", &inspector_arn());
    assert_eq!(
        a.attributes["scanning"],
        json!({"ec2": true, "ecr": true, "lambda": true, "lambda_code": false})
    );
    assert_eq!(a.attributes["account_ids"], json!([ACCOUNT]));
    assert!(a.provenance.attribute_sources["scanning"]
        .note
        .as_deref()
        .unwrap()
        .contains("lambdaCode DISABLED"));
    assert_eq!(
        j.status("inspector-scanning-enabled", &inspector_arn()),
        "pass"
    );

    // An account that never enabled Inspector: every type DISABLED (AWS answers it).
    let off = json!({"accountId": ACCOUNT, "state": "DISABLED", "ec2": "DISABLED", "ecr": "DISABLED", "lambda": "DISABLED", "lambdaCode": "DISABLED"});
    let j = Judged::of(&[inspector(off), scope()]);
    assert_eq!(
        j.status("inspector-scanning-enabled", &inspector_arn()),
        "fail"
    );
    // Being enabled is not scanning yet.
    let enabling = json!({"accountId": ACCOUNT, "state": "ENABLING", "ec2": "ENABLING", "ecr": "ENABLED", "lambda": "ENABLED", "lambdaCode": "DISABLED"});
    let j = Judged::of(&[inspector(enabling), scope()]);
    assert_eq!(
        j.status("inspector-scanning-enabled", &inspector_arn()),
        "fail"
    );

    let denied = unknown("inspector2:BatchGetAccountStatus denied: AccessDeniedException");
    let j = Judged::of(&[inspector(denied), scope()]);
    assert_eq!(
        unknown_reason(&j.get("aws.inspector2.account", &inspector_arn()).attributes["scanning"]),
        Some("inspector2:BatchGetAccountStatus denied: AccessDeniedException")
    );
    assert_eq!(
        j.status("inspector-scanning-enabled", &inspector_arn()),
        "unknown"
    );
    // A state the API left out is unknown, never a pass.
    let partial = json!({"accountId": ACCOUNT, "ec2": "ENABLED", "ecr": null, "lambda": "ENABLED", "lambdaCode": null});
    let j = Judged::of(&[inspector(partial), scope()]);
    assert_eq!(
        j.status("inspector-scanning-enabled", &inspector_arn()),
        "unknown"
    );
}

fn macie(data: Value) -> RawResource {
    raw(RawKind::Macie2Session, &macie_arn(), data)
}

#[test]
fn macie_discovery_or_a_running_scheduled_job_passes() {
    let discovery = json!({
        "GetMacieSession": {"status": "ENABLED"},
        "GetAutomatedDiscoveryConfiguration": {"status": "ENABLED"},
        "ListClassificationJobs": {"items": []},
    });
    let j = Judged::of(&[macie(discovery), scope()]);
    assert_eq!(j.count("aws.macie2.session"), 1, "the stand-in is replaced");
    let s = j.get("aws.macie2.session", &macie_arn());
    assert_eq!(
        s.attributes,
        json!({"status": "ENABLED", "automated_discovery_status": "ENABLED", "scheduled_job_count": 0})
    );
    assert_eq!(
        j.status("macie-sensitive-data-discovery", &macie_arn()),
        "pass"
    );

    let jobs = json!({
        "GetMacieSession": {"status": "ENABLED"},
        "GetAutomatedDiscoveryConfiguration": {"status": "DISABLED"},
        "ListClassificationJobs": {"items": [
            {"jobId": "a", "jobType": "SCHEDULED", "jobStatus": "IDLE"},
            {"jobId": "b", "jobType": "SCHEDULED", "jobStatus": "CANCELLED"},
            {"jobId": "c", "jobType": "ONE_TIME", "jobStatus": "RUNNING"},
            {"jobId": "d", "jobType": "SCHEDULED", "jobStatus": "USER_PAUSED"},
        ]},
    });
    let j = Judged::of(&[macie(jobs), scope()]);
    assert_eq!(
        j.get("aws.macie2.session", &macie_arn()).attributes["scheduled_job_count"],
        json!(1)
    );
    assert_eq!(
        j.status("macie-sensitive-data-discovery", &macie_arn()),
        "pass"
    );

    let idle = json!({
        "GetMacieSession": {"status": "ENABLED"},
        "GetAutomatedDiscoveryConfiguration": {"status": "DISABLED"},
        "ListClassificationJobs": {"items": [{"jobId": "c", "jobType": "ONE_TIME", "jobStatus": "COMPLETE"}]},
    });
    let j = Judged::of(&[macie(idle), scope()]);
    assert_eq!(
        j.status("macie-sensitive-data-discovery", &macie_arn()),
        "fail"
    );
}

#[test]
fn macie_not_enabled_or_paused_fails_and_failures_are_unknown() {
    let off = json!({
        "GetMacieSession": null,
        "NotEnabled": "AccessDeniedException: Macie is not enabled",
    });
    let j = Judged::of(&[macie(off), scope()]);
    let s = j.get("aws.macie2.session", &macie_arn());
    assert_eq!(s.attributes["status"], json!("DISABLED"));
    assert!(s.provenance.attribute_sources["status"]
        .note
        .as_deref()
        .unwrap()
        .contains("Macie is not enabled"));
    assert_eq!(
        j.status("macie-sensitive-data-discovery", &macie_arn()),
        "fail"
    );

    let paused = json!({
        "GetMacieSession": {"status": "PAUSED"},
        "GetAutomatedDiscoveryConfiguration": {"status": "DISABLED"},
        "ListClassificationJobs": {"items": []},
    });
    let j = Judged::of(&[macie(paused), scope()]);
    assert_eq!(
        j.status("macie-sensitive-data-discovery", &macie_arn()),
        "fail"
    );

    let denied =
        json!({"GetMacieSession": unknown("macie2:GetMacieSession denied: AccessDeniedException")});
    let j = Judged::of(&[macie(denied), scope()]);
    let s = j.get("aws.macie2.session", &macie_arn());
    assert!(unknown_reason(&s.attributes["scheduled_job_count"])
        .unwrap()
        .contains("AccessDeniedException"));
    assert_eq!(
        j.status("macie-sensitive-data-discovery", &macie_arn()),
        "unknown"
    );

    // Enabled, but neither follow-up answered: unknown, not a fail.
    let follow_ups_failed = json!({
        "GetMacieSession": {"status": "ENABLED"},
        "GetAutomatedDiscoveryConfiguration": unknown("macie2:GetAutomatedDiscoveryConfiguration failed: InternalServerException"),
        "ListClassificationJobs": unknown("macie2:ListClassificationJobs failed: InternalServerException"),
    });
    let j = Judged::of(&[macie(follow_ups_failed), scope()]);
    assert_eq!(
        j.status("macie-sensitive-data-discovery", &macie_arn()),
        "unknown"
    );
}

fn detector(listing: Value) -> RawResource {
    raw(
        RawKind::GuardDutyDetector,
        &detector_arn(),
        json!({"DetectorId": "d1", "Exists": true, "GetDetector": {"Status": "ENABLED", "Features": {}}, "GetFindingsStatistics": {"critical": 0, "high": 2, "medium": 0, "low": 0}, "ListFindings": listing}),
    )
}

fn finding_arn(id: &str) -> String {
    format!("{}/finding/{id}", detector_arn())
}

/// A finding as the collector records GetFindings' answer.
fn finding(id: &str, severity: f64, created: &str, finding: Option<Value>) -> RawResource {
    let data = finding.unwrap_or_else(|| {
        json!({
            "Id": id,
            "Arn": finding_arn(id),
            "Type": "UnauthorizedAccess:EC2/SSHBruteForce",
            "Severity": severity,
            "CreatedAt": created,
            "UpdatedAt": "2026-05-31T23:00:00.000Z",
            "Archived": false,
            "ResourceType": "Instance",
        })
    });
    raw(
        RawKind::GuardDutyFinding,
        &finding_arn(id),
        json!({"DetectorId": "d1", "Id": id, "Finding": data}),
    )
}

#[test]
fn high_findings_old_fail_fresh_pass_and_no_stand_in_once_listed() {
    let j = Judged::of(&[
        detector(json!({"Listed": 2})),
        finding("old", 8.0, "2026-05-20T10:00:00.000Z", None),
        finding("new", 7.5, "2026-06-01T01:00:00.000Z", None),
        scope(),
    ]);
    assert_eq!(
        j.count("aws.guardduty.finding"),
        2,
        "no stand-in beside a complete listing"
    );
    let old = j.get("aws.guardduty.finding", &finding_arn("old"));
    assert_eq!(old.attributes["severity"], json!(8.0));
    assert_eq!(old.attributes["archived"], json!(false));
    assert_eq!(old.attributes["observed_at"], json!(AT));
    assert_eq!(old.attributes["resource_type"], json!("Instance"));
    assert_eq!(old.arn.as_deref(), Some(finding_arn("old").as_str()));
    assert_eq!(
        old.provenance.attribute_sources["created_at"].operation,
        "guardduty:GetFindings"
    );
    assert_eq!(
        j.status("guardduty-high-findings-triaged", &finding_arn("old")),
        "fail"
    );
    assert_eq!(
        j.status("guardduty-high-findings-triaged", &finding_arn("new")),
        "pass"
    );

    // A complete listing with no finding: nothing to judge, and no stand-in (a fact).
    let j = Judged::of(&[detector(json!({"Listed": 0})), scope()]);
    assert_eq!(j.count("aws.guardduty.finding"), 0);
}

#[test]
fn a_failed_listing_or_batch_keeps_findings_unknown() {
    let reason = "guardduty:ListFindings denied: AccessDeniedException";
    let j = Judged::of(&[detector(unknown(reason)), scope()]);
    let stand_in = j.get("aws.guardduty.finding", &findings_stand_in());
    assert_eq!(
        unknown_reason(&stand_in.attributes["severity"]),
        Some(format!("not enumerated: {reason}").as_str())
    );
    assert_eq!(
        j.status("guardduty-high-findings-triaged", &findings_stand_in()),
        "unknown"
    );

    // Listed, but GetFindings failed for the batch: each finding is there, its facts unknown.
    let batch = unknown("guardduty:GetFindings failed: InternalServerErrorException");
    let j = Judged::of(&[
        detector(json!({"Listed": 1})),
        finding("f", 0.0, "", Some(batch)),
        scope(),
    ]);
    let f = j.get("aws.guardduty.finding", &finding_arn("f"));
    assert_eq!(f.attributes["id"], json!("f"));
    assert!(unknown_reason(&f.attributes["severity"]).is_some());
    assert_eq!(
        j.status("guardduty-high-findings-triaged", &finding_arn("f")),
        "unknown"
    );
    assert!(
        j.resources.iter().all(|r| r.address != findings_stand_in()),
        "the listing was complete"
    );

    // No detector: no findings, no stand-in.
    let none = raw(
        RawKind::GuardDutyDetector,
        &format!("arn:aws:guardduty:{REGION}:{ACCOUNT}:detector"),
        json!({"DetectorId": null, "Exists": false}),
    );
    let j = Judged::of(&[none, scope()]);
    assert_eq!(j.count("aws.guardduty.finding"), 0);
}

#[test]
fn a_failed_detector_listing_names_itself_in_the_findings_stand_in() {
    let reason = "guardduty:ListDetectors denied: AccessDeniedException";
    let unknown_detectors = raw(
        RawKind::GuardDutyDetector,
        &format!("arn:aws:guardduty:{REGION}:{ACCOUNT}:detector"),
        json!({"DetectorId": null, "Exists": unknown(reason)}),
    );
    let j = Judged::of(&[unknown_detectors, scope()]);
    let stand_in = j.get("aws.guardduty.finding", &findings_stand_in());
    assert_eq!(
        unknown_reason(&stand_in.attributes["archived"]),
        Some(format!("not enumerated: {reason}").as_str())
    );
    assert_eq!(
        j.status("guardduty-high-findings-triaged", &findings_stand_in()),
        "unknown"
    );
}
