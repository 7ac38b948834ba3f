package vouch.rules.elasticache_encryption_at_rest

import data.vouch.lib
import rego.v1

metadata := {
	"id": "elasticache-encryption-at-rest",
	"name": "elasticache-unencrypted-at-rest",
	"title": "ElastiCache replication groups are encrypted at rest",
	"description": "At-rest encryption covers node disks, swap and backups in S3. It can only be chosen when the group is created; Redis OSS defaults to off, Valkey to on.",
	"severity": "medium",
	"kinds": ["aws.elasticache.replication_group"],
	"inputs": ["at_rest_encryption_enabled"],
	"remediation": "Create the replication group with at_rest_encryption_enabled = true (optionally kms_key_id) and migrate the data; CloudFormation AtRestEncryptionEnabled: true.",
	"status": "stable",
	"parameters": {},
}

deny contains {"message": "encryption at rest is not enabled", "path": "at_rest_encryption_enabled"} if {
	input.at_rest_encryption_enabled == false
}

unknown contains u if some u in lib.unknown_keys(input, ["at_rest_encryption_enabled"])
