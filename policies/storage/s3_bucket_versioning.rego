package vouch.rules.s3_bucket_versioning

import data.vouch.lib
import rego.v1

metadata := {
	"id": "s3-bucket-versioning",
	"name": "s3-bucket-unversioned",
	"title": "S3 bucket versioning is enabled",
	"description": "Versioning keeps prior object versions, so an accidental or malicious overwrite or delete can be reversed.",
	"severity": "low",
	"kinds": ["aws.s3.bucket"],
	"inputs": ["versioning"],
	"remediation": "Enable versioning (Terraform aws_s3_bucket_versioning with status Enabled, CloudFormation VersioningConfiguration Status Enabled).",
	"status": "stable",
	"parameters": {},
}

deny contains {"message": "versioning is not configured", "path": "versioning"} if {
	lib.has_key(input, "versioning")
	input.versioning == null
}

deny contains {"message": "versioning is not enabled", "path": "versioning.enabled"} if {
	lib.known(input.versioning)
	input.versioning.enabled == false
}

unknown contains u if some u in lib.unknown_keys(input, ["versioning"])

unknown contains {"message": "versioning status could not be determined", "path": "versioning.enabled"} if {
	lib.known(input.versioning)
	lib.not_determined(input.versioning, "enabled")
}
