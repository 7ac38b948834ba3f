package vouch.rules.s3_bucket_encryption_at_rest

import data.vouch.lib
import rego.v1

metadata := {
	"id": "s3-bucket-encryption-at-rest",
	"name": "s3-bucket-unencrypted",
	"title": "S3 buckets use default server-side encryption (KMS for in-scope data)",
	"description": "Every bucket declares a default encryption rule, so objects written without encryption headers are still encrypted. With require_kms, the default must be SSE-KMS or DSSE-KMS with a customer managed key, which keeps key access under your control and auditable.",
	"severity": "medium",
	"kinds": ["aws.s3.bucket"],
	"inputs": ["encryption"],
	"remediation": "Add a default encryption rule (Terraform aws_s3_bucket_server_side_encryption_configuration, CloudFormation BucketEncryption) with sse_algorithm aws:kms and a customer managed kms_master_key_id.",
	"status": "stable",
	"parameters": {"require_kms": false},
}

kms_algorithms := {"aws:kms", "aws:kms:dsse"}

algorithms := {"AES256"} | kms_algorithms

enc := input.encryption

deny contains {"message": "no default encryption is configured", "path": "encryption"} if {
	lib.has_key(input, "encryption")
	enc == null
}

deny contains {"message": "the default encryption rule sets no algorithm", "path": "encryption.sse_algorithm"} if {
	lib.known(enc)
	lib.has_key(enc, "sse_algorithm")
	enc.sse_algorithm == null
}

deny contains {"message": sprintf("default encryption algorithm %s is not supported", [enc.sse_algorithm]), "path": "encryption.sse_algorithm"} if {
	lib.known(enc)
	is_string(enc.sse_algorithm)
	not enc.sse_algorithm in algorithms
}

deny contains {"message": "default encryption is SSE-S3, but this bucket requires SSE-KMS", "path": "encryption.sse_algorithm"} if {
	lib.param(metadata, "require_kms") == true
	lib.known(enc)
	enc.sse_algorithm == "AES256"
}

deny contains {"message": "default encryption uses the AWS managed key, but this bucket requires a customer managed key", "path": "encryption.kms_master_key_id"} if {
	lib.param(metadata, "require_kms") == true
	lib.known(enc)
	enc.sse_algorithm in kms_algorithms
	lib.has_key(enc, "kms_master_key_id")
	enc.kms_master_key_id == null
}

deny contains {"message": "default encryption uses the AWS managed key, but this bucket requires a customer managed key", "path": "encryption.kms_master_key_id"} if {
	lib.param(metadata, "require_kms") == true
	lib.known(enc)
	enc.sse_algorithm in kms_algorithms
	is_string(enc.kms_master_key_id)
	endswith(enc.kms_master_key_id, "alias/aws/s3")
}

unknown contains u if some u in lib.unknown_keys(input, ["encryption"])

unknown contains {"message": "default encryption algorithm could not be determined", "path": "encryption.sse_algorithm"} if {
	lib.known(enc)
	lib.not_determined(enc, "sse_algorithm")
}

unknown contains {"message": "default encryption key could not be determined", "path": "encryption.kms_master_key_id"} if {
	lib.param(metadata, "require_kms") == true
	lib.known(enc)
	enc.sse_algorithm in kms_algorithms
	lib.not_determined(enc, "kms_master_key_id")
}
