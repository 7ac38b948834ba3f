package vouch.rules.cloudwatch_log_retention_1y

import data.vouch.lib
import rego.v1

# Applies to every log group: a scanner cannot tell an "audit or security" log group from
# others by configuration, and Security Hub CloudWatch.16 judges all of them too. Exempt
# groups with a waiver.
metadata := {
	"id": "cloudwatch-log-retention-1y",
	"name": "cloudwatch-log-retention-short",
	"title": "CloudWatch log groups are retained for at least 12 months",
	"description": "Each log group keeps events for at least min_days (365 by default) or never expires them. Every log group is judged, since configuration cannot tell audit logs from others; waive groups that hold no security-relevant events.",
	"severity": "medium",
	"kinds": ["aws.cloudwatch.log_group"],
	"inputs": ["retention_in_days"],
	"remediation": "Set retention_in_days to 365 or more (or omit it to never expire events); archive to S3 with a lifecycle policy if long CloudWatch retention is too costly.",
	"status": "stable",
	"parameters": {"min_days": 365},
}

min_days := lib.param(metadata, "min_days")

deny contains {"message": sprintf("events are kept for %d days, fewer than %d", [input.retention_in_days, min_days]), "path": "retention_in_days"} if {
	is_number(input.retention_in_days)
	input.retention_in_days > 0
	input.retention_in_days < min_days
}

unknown contains u if some u in lib.unknown_keys(input, ["retention_in_days"])
