package vouch.rules.cloudtrail_kms_encryption

import data.vouch.lib
import rego.v1

metadata := {
	"id": "cloudtrail-kms-encryption",
	"name": "cloudtrail-not-kms-encrypted",
	"title": "CloudTrail logs are encrypted with a customer managed KMS key",
	"description": "Trail log files are encrypted with SSE-KMS, so reading them requires explicit permission on the key in addition to S3 access. CloudTrail only accepts customer managed keys here.",
	"severity": "medium",
	"kinds": ["aws.cloudtrail.trail"],
	"inputs": ["kms_key_id"],
	"remediation": "Set kms_key_id to a customer managed KMS key whose policy allows CloudTrail to encrypt (CloudFormation KMSKeyId).",
	"status": "stable",
	"parameters": {},
}

deny contains {"message": "log files are not encrypted with a kms key", "path": "kms_key_id"} if {
	lib.has_key(input, "kms_key_id")
	input.kms_key_id in {null, ""}
}

unknown contains u if some u in lib.unknown_keys(input, ["kms_key_id"])
