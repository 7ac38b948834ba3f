//! CloudWatch Logs live facts from recorded answer shapes: log groups from `DescribeLogGroups`
//! (retention and key absent are facts, a failed listing is a stand-in with the reason), and
//! the CIS 4.x `metric_alarms` fact of `aws.account` (complete, partial, failed, none); every
//! resource is checked against its kind's schema and judged by the embedded rules.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{json, Value};

use super::tests_support::Judged;
use crate::collect::aws::raw::{RawKind, RawResource};
use crate::model::{unknown, unknown_reason};

const ACCOUNT: &str = "123456789012";
const REGION: &str = "eu-west-1";
const ACCOUNT_ADDRESS: &str = "arn:aws:account::123456789012:account";

fn raw(kind: RawKind, arn: &str, region: Option<&str>, calls: &[&str], data: Value) -> RawResource {
    RawResource {
        kind,
        arn: arn.into(),
        account: Some(ACCOUNT.into()),
        region: region.map(str::to_owned),
        api_calls: calls.iter().map(|c| (*c).to_owned()).collect(),
        collected_at: "2026-06-01T02:00:00Z".into(),
        data,
    }
}

fn scope() -> RawResource {
    raw(
        RawKind::RegionScope,
        &format!("arn:aws::{REGION}:{ACCOUNT}:region"),
        Some(REGION),
        &["sts:GetCallerIdentity"],
        json!({}),
    )
}

/// A `DescribeLogGroups` entry as the collector keeps it (the API's field names).
fn group(entry: Value) -> RawResource {
    let arn = entry["logGroupArn"].as_str().unwrap().to_owned();
    raw(
        RawKind::LogGroup,
        &arn,
        Some(REGION),
        &["logs:DescribeLogGroups"],
        entry,
    )
}

fn listing(failed: Value) -> RawResource {
    raw(
        RawKind::LogGroupListing,
        &format!("arn:aws:logs:{REGION}:{ACCOUNT}:log-group:*"),
        Some(REGION),
        &["logs:DescribeLogGroups"],
        json!({"Pages": 1, "LogGroups": 2, "Failed": failed}),
    )
}

fn alarms(list: Value) -> RawResource {
    raw(
        RawKind::MetricAlarms,
        ACCOUNT_ADDRESS,
        None,
        &[
            "cloudtrail:DescribeTrails",
            "cloudtrail:GetTrailStatus",
            "cloudwatch:DescribeAlarmsForMetric",
            "logs:DescribeMetricFilters",
            "sns:ListSubscriptionsByTopic",
        ],
        json!({
            "MetricAlarms": list,
            "Sources": {"metric_alarms": {"operation": "logs:DescribeMetricFilters", "note": "the metric filters on the trails' log groups"}},
        }),
    )
}

const AUDIT: &str = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/cloudtrail/org";
const APP: &str = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/app";
const KEY: &str = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

/// The real answer shape: `arn` with `:*`, `logGroupArn` without; retention and key only
/// when set.
fn two_groups() -> Vec<RawResource> {
    vec![
        group(json!({
            "logGroupName": "/aws/cloudtrail/org",
            "arn": format!("{AUDIT}:*"),
            "logGroupArn": AUDIT,
            "kmsKeyId": KEY,
            "logGroupClass": "STANDARD",
        })),
        group(json!({
            "logGroupName": "/aws/lambda/app",
            "arn": format!("{APP}:*"),
            "logGroupArn": APP,
            "retentionInDays": 30,
            "logGroupClass": "STANDARD",
        })),
    ]
}

#[test]
fn log_groups_from_describe_log_groups() {
    let mut raws = two_groups();
    raws.push(listing(Value::Null));
    raws.push(scope());
    let j = Judged::of(&raws);
    let audit = j.get("aws.cloudwatch.log_group", AUDIT);
    assert_eq!(audit.arn.as_deref(), Some(AUDIT));
    assert_eq!(audit.attributes["name"], json!("/aws/cloudtrail/org"));
    assert_eq!(
        audit.attributes["retention_in_days"],
        Value::Null,
        "never expires"
    );
    assert_eq!(audit.attributes["kms_key_id"], json!(KEY));
    let src = &audit.provenance.attribute_sources["retention_in_days"];
    assert_eq!(src.operation, "logs:DescribeLogGroups");
    assert_eq!(src.field.as_deref(), Some("retentionInDays"));
    assert!(src.note.as_deref().unwrap().contains("never expire"));
    assert_eq!(j.status("cloudwatch-log-retention-1y", AUDIT), "pass");
    assert_eq!(
        j.status("cloudwatch-log-group-kms-encryption", AUDIT),
        "pass"
    );

    let app = j.get("aws.cloudwatch.log_group", APP);
    assert_eq!(app.attributes["retention_in_days"], json!(30));
    assert_eq!(
        app.attributes["kms_key_id"],
        Value::Null,
        "no customer managed key"
    );
    assert!(app.provenance.attribute_sources["kms_key_id"]
        .note
        .as_deref()
        .unwrap()
        .contains("no customer managed key"));
    assert_eq!(j.status("cloudwatch-log-retention-1y", APP), "fail");
    assert_eq!(j.status("cloudwatch-log-group-kms-encryption", APP), "fail");

    // Read to the end: the groups are the facts, no stand-in.
    assert_eq!(j.of_kind("aws.cloudwatch.log_group").len(), 2);
}

#[test]
fn a_region_without_log_groups_has_nothing_to_judge() {
    let j = Judged::of(&[listing(Value::Null), scope()]);
    assert!(j.of_kind("aws.cloudwatch.log_group").is_empty());
    assert!(!j
        .outcomes
        .iter()
        .any(|o| o.rule_id == "cloudwatch-log-retention-1y"));
}

#[test]
fn a_failed_listing_is_a_stand_in_with_the_reason_beside_the_groups_read() {
    let denied = unknown("logs:DescribeLogGroups denied: AccessDeniedException");
    let mut raws = two_groups();
    raws.push(listing(denied));
    raws.push(scope());
    let j = Judged::of(&raws);
    let star = format!("arn:aws:logs:{REGION}:{ACCOUNT}:log-group:*");
    let stand_in = j.get("aws.cloudwatch.log_group", &star);
    assert_eq!(stand_in.arn, None);
    let reason = unknown_reason(&stand_in.attributes["retention_in_days"]).unwrap();
    assert!(reason.contains("AccessDeniedException"), "{reason}");
    assert_eq!(j.status("cloudwatch-log-retention-1y", &star), "unknown");
    assert_eq!(
        j.status("cloudwatch-log-group-kms-encryption", &star),
        "unknown"
    );
    // The groups the first pages returned are still judged.
    assert_eq!(j.status("cloudwatch-log-retention-1y", APP), "fail");
    assert_eq!(j.of_kind("aws.cloudwatch.log_group").len(), 3);
}

#[test]
fn a_snapshot_without_a_listing_keeps_the_not_collected_stand_in() {
    let j = Judged::of(&[scope()]);
    let star = format!("arn:aws:logs:{REGION}:{ACCOUNT}:log-group:*");
    let reason = unknown_reason(&j.get("aws.cloudwatch.log_group", &star).attributes["kms_key_id"])
        .unwrap()
        .to_owned();
    assert!(reason.contains("not collected"), "{reason}");
}

const RULES: [&str; 4] = [
    "alarm-root-account-usage",
    "alarm-auth-anomalies",
    "alarm-network-changes",
    "alarm-security-config-changes",
];

/// The CIS AWS 3.0 4.x filter patterns, one entry each, on a logging trail's log group with a
/// subscribed topic.
fn cis_entries() -> Vec<Value> {
    [
        ("unauthorized", r#"{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }"#),
        ("no-mfa", r#"{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }"#),
        ("root", r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#),
        ("iam", "{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy)}"),
        ("cloudtrail", "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }"),
        ("auth-failures", r#"{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }"#),
        ("cmk", "{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)) }"),
        ("s3-policy", "{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }"),
        ("config", "{ ($.eventSource = config.amazonaws.com) && (($.eventName=StopConfigurationRecorder)||($.eventName=DeleteDeliveryChannel)||($.eventName=PutDeliveryChannel)||($.eventName=PutConfigurationRecorder)) }"),
        ("sg", "{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }"),
        ("nacl", "{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }"),
        ("gateway", "{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }"),
        ("route", "{($.eventSource = ec2.amazonaws.com) && (($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable)) }"),
        ("vpc", "{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }"),
        ("org", "{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = \"AcceptHandshake\") || ($.eventName = \"AttachPolicy\") || ($.eventName = \"CreateAccount\") || ($.eventName = \"CreateOrganizationalUnit\") || ($.eventName = \"CreatePolicy\") || ($.eventName = \"DeclineHandshake\") || ($.eventName = \"DeleteOrganization\") || ($.eventName = \"DeleteOrganizationalUnit\") || ($.eventName = \"DeletePolicy\") || ($.eventName = \"DetachPolicy\") || ($.eventName = \"DisablePolicyType\") || ($.eventName = \"EnablePolicyType\") || ($.eventName = \"InviteAccountToOrganization\") || ($.eventName = \"LeaveOrganization\") || ($.eventName = \"MoveAccount\") || ($.eventName = \"RemoveAccountFromOrganization\") || ($.eventName = \"UpdatePolicy\") || ($.eventName = \"UpdateOrganizationalUnit\")) }"),
    ]
    .iter()
    .map(|(name, pattern)| {
        json!({
            "log_group_name": "/aws/cloudtrail/org",
            "filter_name": name,
            "filter_pattern": pattern,
            "metric_name": name,
            "alarm_names": [format!("{name}-alarm")],
            "log_group_receives_trail": true,
            "notifies_subscriber": true,
        })
    })
    .collect()
}

#[test]
fn every_cis_alarm_in_place_passes_the_four_rules() {
    let j = Judged::of(&[scope(), alarms(Value::Array(cis_entries()))]);
    let account = j.get("aws.account", ACCOUNT_ADDRESS);
    assert!(account.attributes["metric_alarms"].is_array());
    // Only metric_alarms is replaced; the rest of the account stand-in stays.
    assert!(unknown_reason(&account.attributes["regions"]).is_some());
    let src = &account.provenance.attribute_sources["metric_alarms"];
    assert_eq!(src.operation, "logs:DescribeMetricFilters");
    for call in ["cloudtrail:DescribeTrails", "sns:ListSubscriptionsByTopic"] {
        assert!(
            account.provenance.api_calls.iter().any(|c| c == call),
            "{call}"
        );
    }
    for rule in RULES {
        assert_eq!(j.status(rule, ACCOUNT_ADDRESS), "pass", "{rule}");
    }
}

#[test]
fn missing_unsubscribed_or_untrailed_alarms_fail() {
    // No multi-region trail sends to CloudWatch Logs: the fact [] fails every rule.
    let j = Judged::of(&[scope(), alarms(json!([]))]);
    for rule in RULES {
        assert_eq!(j.status(rule, ACCOUNT_ADDRESS), "fail", "{rule}");
    }
    // Every filter in place, but the alarms notify a topic without a confirmed subscriber.
    let mut unsubscribed = cis_entries();
    for e in &mut unsubscribed {
        e["notifies_subscriber"] = json!(false);
    }
    let j = Judged::of(&[scope(), alarms(Value::Array(unsubscribed))]);
    for rule in RULES {
        assert_eq!(j.status(rule, ACCOUNT_ADDRESS), "fail", "{rule}");
    }
    // The trail sending there stopped logging.
    let mut stopped = cis_entries();
    for e in &mut stopped {
        e["log_group_receives_trail"] = json!(false);
    }
    let j = Judged::of(&[scope(), alarms(Value::Array(stopped))]);
    for rule in RULES {
        assert_eq!(j.status(rule, ACCOUNT_ADDRESS), "fail", "{rule}");
    }
}

#[test]
fn failed_calls_make_the_alarm_rules_unknown_never_pass() {
    // DescribeTrails denied: the whole fact is unknown.
    let denied = unknown("the account's trails could not be listed: cloudtrail:DescribeTrails denied: AccessDeniedException");
    let j = Judged::of(&[scope(), alarms(denied)]);
    for rule in RULES {
        assert_eq!(j.status(rule, ACCOUNT_ADDRESS), "unknown", "{rule}");
    }
    // One log group's filters could not be read, the root filter was: root passes, the
    // others are unknown.
    let root: Vec<Value> = cis_entries()
        .into_iter()
        .filter(|e| e["filter_name"] == "root")
        .chain([unknown("the metric filters of log group /aws/cloudtrail/other in us-east-1 could not be read: logs:DescribeMetricFilters denied: AccessDeniedException")])
        .collect();
    let j = Judged::of(&[scope(), alarms(Value::Array(root))]);
    assert_eq!(
        j.status("alarm-root-account-usage", ACCOUNT_ADDRESS),
        "pass"
    );
    for rule in &RULES[1..] {
        assert_eq!(j.status(rule, ACCOUNT_ADDRESS), "unknown", "{rule}");
    }
    // The alarms of a metric could not be listed: that entry's alarms and notification are
    // unknown.
    let reason = unknown("cloudwatch:DescribeAlarmsForMetric denied: AccessDenied");
    let mut entries = cis_entries();
    for e in &mut entries {
        e["alarm_names"] = reason.clone();
        e["notifies_subscriber"] = reason.clone();
    }
    let j = Judged::of(&[scope(), alarms(Value::Array(entries))]);
    for rule in RULES {
        assert_eq!(j.status(rule, ACCOUNT_ADDRESS), "unknown", "{rule}");
    }
}
