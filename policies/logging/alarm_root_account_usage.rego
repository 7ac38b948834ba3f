package vouch.rules.alarm_root_account_usage

import data.vouch.lib
import rego.v1

# Account-scope (aws.account, live only); see alarm-auth-anomalies for how patterns count.
# An EventBridge rule is an equivalent implementation the collector does not read yet: waive
# with that as the reason.
metadata := {
	"id": "alarm-root-account-usage",
	"name": "alarm-root-account-usage-missing",
	"title": "Alert on any use of the root user",
	"description": "The account has a metric filter matching root-user activity ($.userIdentity.type = Root, invokedBy NOT EXISTS, eventType != AwsServiceEvent) on the CloudWatch Logs group of a logging multi-region trail, with an alarm that notifies a subscribed SNS topic (CIS 4.3).",
	"severity": "medium",
	"kinds": ["aws.account"],
	"inputs": ["metric_alarms"],
	"remediation": "Add an aws_cloudwatch_log_metric_filter with pattern { $.userIdentity.type = \"Root\" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != \"AwsServiceEvent\" } on the trail's log group and an aws_cloudwatch_metric_alarm notifying a subscribed SNS topic.",
	"status": "stable",
	"parameters": {},
}

categories := {"root user activity": ["$.userIdentity.type=Root", "$.userIdentity.invokedByNOTEXISTS", "$.eventType!=AwsServiceEvent"]}

deny := lib.alarm_deny(input, categories)

unknown := lib.alarm_unknown(input, categories)
