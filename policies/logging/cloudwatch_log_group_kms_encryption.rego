package vouch.rules.cloudwatch_log_group_kms_encryption

import data.vouch.lib
import rego.v1

# Every log group is judged (configuration cannot tell security logs from others); CloudWatch
# Logs always encrypts at rest, so this is about a customer managed key, hence low severity.
metadata := {
	"id": "cloudwatch-log-group-kms-encryption",
	"name": "cloudwatch-log-group-without-cmk",
	"title": "Security log groups are encrypted with KMS",
	"description": "Each log group names a KMS key, so reading its events needs key permission as well as CloudWatch Logs access. CloudWatch Logs encrypts every group at rest anyway; a customer managed key adds separate access control and revocation. Every log group is judged; waive groups that hold no security-relevant events.",
	"severity": "low",
	"kinds": ["aws.cloudwatch.log_group"],
	"inputs": ["kms_key_id"],
	"remediation": "Set kms_key_id to a customer managed KMS key whose key policy allows the logs.<region>.amazonaws.com service principal.",
	"status": "stable",
	"parameters": {},
}

deny contains {"message": "the log group is not encrypted with a kms key", "path": "kms_key_id"} if {
	lib.has_key(input, "kms_key_id")
	input.kms_key_id in {null, ""}
}

unknown contains u if some u in lib.unknown_keys(input, ["kms_key_id"])
