package vouch.rules.sqs_encryption_at_rest

import data.vouch.lib
import rego.v1

metadata := {
	"id": "sqs-encryption-at-rest",
	"name": "sqs-queue-unencrypted",
	"title": "SQS queues are encrypted at rest",
	"description": "Queues use SSE-SQS or SSE-KMS. Since late 2022 SQS encrypts new queues with SSE-SQS unless told otherwise, so a queue whose source says nothing (sqs_managed_sse_enabled null, no KMS key) passes; only an explicit sqs_managed_sse_enabled = false without a KMS key fails. Set require_kms to demand a KMS key (customer managed keys for in-scope payloads).",
	"severity": "low",
	"kinds": ["aws.sqs.queue"],
	"inputs": ["sqs_managed_sse_enabled", "kms_master_key_id"],
	"remediation": "Set kms_master_key_id (SSE-KMS) or sqs_managed_sse_enabled = true (Terraform); KmsMasterKeyId or SqsManagedSseEnabled: true (CloudFormation).",
	"status": "stable",
	"parameters": {"require_kms": false},
}

kms if {
	lib.known(input.kms_master_key_id)
	input.kms_master_key_id != ""
}

no_kms if object.get(input, "kms_master_key_id", null) in {null, ""}

deny contains {"message": "the queue is not encrypted at rest", "path": "sqs_managed_sse_enabled"} if {
	no_kms
	input.sqs_managed_sse_enabled == false
}

deny contains {"message": "the queue is not encrypted with a kms key", "path": "kms_master_key_id"} if {
	lib.param(metadata, "require_kms") == true
	no_kms
	input.sqs_managed_sse_enabled != false
}

unknown contains {"message": "the queue's kms key could not be determined", "path": "kms_master_key_id"} if lib.is_unknown(input.kms_master_key_id)

unknown contains {"message": "sse-sqs could not be determined", "path": "sqs_managed_sse_enabled"} if {
	not kms
	lib.is_unknown(input.sqs_managed_sse_enabled)
}
