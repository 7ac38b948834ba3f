package vouch.rules.alarm_security_config_changes

import data.vouch.lib
import rego.v1

# Account-scope (aws.account, live only); see alarm-auth-anomalies for how patterns count.
metadata := {
	"id": "alarm-security-config-changes",
	"name": "alarm-security-config-changes-missing",
	"title": "Alert on changes to IAM policies, audit logging, keys and guardrails",
	"description": "The account has metric filters with alarms that notify a subscribed SNS topic for IAM policy changes, CloudTrail configuration changes, disabling or scheduled deletion of KMS keys, S3 bucket policy changes, AWS Config changes and AWS Organizations changes (CIS 4.4, 4.5, 4.7, 4.8, 4.9, 4.15), on the CloudWatch Logs group of a logging multi-region trail.",
	"severity": "medium",
	"kinds": ["aws.account"],
	"inputs": ["metric_alarms"],
	"remediation": "For each missing category add an aws_cloudwatch_log_metric_filter with the CIS pattern on the trail's log group and an aws_cloudwatch_metric_alarm notifying a subscribed SNS topic.",
	"status": "stable",
	"parameters": {},
}

names(list) := [sprintf("$.eventName=%s", [n]) | some n in list]

categories := {
	"iam policy changes": names([
		"DeleteGroupPolicy", "DeleteRolePolicy", "DeleteUserPolicy", "PutGroupPolicy", "PutRolePolicy",
		"PutUserPolicy", "CreatePolicy", "DeletePolicy", "CreatePolicyVersion", "DeletePolicyVersion",
		"AttachRolePolicy", "DetachRolePolicy", "AttachUserPolicy", "DetachUserPolicy", "AttachGroupPolicy",
		"DetachGroupPolicy",
	]),
	"cloudtrail configuration changes": names(["CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging"]),
	"kms key disabling or scheduled deletion": array.concat(["$.eventSource=kms.amazonaws.com"], names(["DisableKey", "ScheduleKeyDeletion"])),
	"s3 bucket policy changes": array.concat(["$.eventSource=s3.amazonaws.com"], names([
		"PutBucketAcl", "PutBucketPolicy", "PutBucketCors", "PutBucketLifecycle", "PutBucketReplication",
		"DeleteBucketPolicy", "DeleteBucketCors", "DeleteBucketLifecycle", "DeleteBucketReplication",
	])),
	"aws config changes": array.concat(["$.eventSource=config.amazonaws.com"], names(["StopConfigurationRecorder", "DeleteDeliveryChannel", "PutDeliveryChannel", "PutConfigurationRecorder"])),
	"aws organizations changes": array.concat(["$.eventSource=organizations.amazonaws.com"], names([
		"AcceptHandshake", "AttachPolicy", "CreateAccount", "CreateOrganizationalUnit", "CreatePolicy",
		"DeclineHandshake", "DeleteOrganization", "DeleteOrganizationalUnit", "DeletePolicy", "DetachPolicy",
		"DisablePolicyType", "EnablePolicyType", "InviteAccountToOrganization", "LeaveOrganization",
		"MoveAccount", "RemoveAccountFromOrganization", "UpdatePolicy", "UpdateOrganizationalUnit",
	])),
}

deny := lib.alarm_deny(input, categories)

unknown := lib.alarm_unknown(input, categories)
