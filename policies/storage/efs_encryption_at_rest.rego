package vouch.rules.efs_encryption_at_rest

import data.vouch.lib
import rego.v1

metadata := {
	"id": "efs-encryption-at-rest",
	"name": "efs-unencrypted",
	"title": "EFS file systems are encrypted at rest",
	"description": "Elastic File System data and metadata are encrypted with KMS. Encryption is chosen at creation only (Terraform and CloudFormation default to unencrypted), so an unencrypted file system must be rebuilt. Set require_kms to demand a customer managed key instead of aws/elasticfilesystem.",
	"severity": "medium",
	"kinds": ["aws.efs.file_system"],
	"inputs": ["encrypted", "kms_key_id"],
	"remediation": "Create the file system with encrypted = true (CloudFormation Encrypted: true), optionally with kms_key_id, and migrate the data (AWS Backup restore or DataSync).",
	"status": "stable",
	"parameters": {"require_kms": false},
}

deny contains {"message": "the file system is not encrypted at rest", "path": "encrypted"} if {
	input.encrypted == false
}

deny contains {"message": "the file system uses the aws managed key, not a customer managed key", "path": "kms_key_id"} if {
	lib.param(metadata, "require_kms") == true
	input.encrypted == true
	object.get(input, "kms_key_id", null) in {null, "", "alias/aws/elasticfilesystem"}
}

unknown contains u if some u in lib.unknown_keys(input, ["encrypted"])

unknown contains {"message": "the kms key could not be determined", "path": "kms_key_id"} if {
	lib.param(metadata, "require_kms") == true
	input.encrypted == true
	lib.is_unknown(input.kms_key_id)
}
