package vouch.rules.alarm_auth_anomalies

import data.vouch.lib
import rego.v1

# Account-scope (aws.account, live only). A category counts when one metric filter on the
# log group of a logging multi-region trail matches it and an alarm on its metric notifies a
# subscribed SNS topic (CIS 4.1, 4.2, 4.6). Patterns are recognized by the CIS tokens they
# must contain; a stricter or differently written filter that means the same is reported
# as missing and needs a waiver.
metadata := {
	"id": "alarm-auth-anomalies",
	"name": "alarm-auth-anomalies-missing",
	"title": "Alert on unauthorized API calls and console sign-in anomalies",
	"description": "The account has metric filters with alarms that notify a subscribed SNS topic for unauthorized API calls (errorCode *UnauthorizedOperation / AccessDenied*), console sign-in without MFA and console authentication failures, on the CloudWatch Logs group of a logging multi-region trail (CIS 4.1, 4.2, 4.6).",
	"severity": "medium",
	"kinds": ["aws.account"],
	"inputs": ["metric_alarms"],
	"remediation": "Send a multi-region trail to CloudWatch Logs and add, for each missing pattern, an aws_cloudwatch_log_metric_filter with the CIS pattern and an aws_cloudwatch_metric_alarm whose alarm_actions name an SNS topic with a subscription.",
	"status": "stable",
	"parameters": {},
}

categories := {
	"unauthorized api calls": ["$.errorCode=*UnauthorizedOperation", "$.errorCode=AccessDenied*"],
	"console sign-in without mfa": ["$.eventName=ConsoleLogin", "$.additionalEventData.MFAUsed!=Yes"],
	"console authentication failures": ["$.eventName=ConsoleLogin", "$.errorMessage=Failedauthentication"],
}

deny := lib.alarm_deny(input, categories)

unknown := lib.alarm_unknown(input, categories)
