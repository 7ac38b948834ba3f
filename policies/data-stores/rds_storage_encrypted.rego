package vouch.rules.rds_storage_encrypted

import data.vouch.lib
import rego.v1

metadata := {
	"id": "rds-storage-encrypted",
	"name": "rds-storage-unencrypted",
	"title": "RDS/Aurora storage is encrypted",
	"description": "DB instances and clusters encrypt storage at rest with KMS, which also covers their snapshots, replicas and automated backups. Encryption cannot be added in place later. An Aurora cluster member is judged through its cluster.",
	"severity": "high",
	"kinds": ["aws.rds.db_instance", "aws.rds.cluster"],
	"inputs": ["storage_encrypted"],
	"remediation": "Set storage_encrypted = true (CloudFormation StorageEncrypted: true), optionally with a customer managed kms_key_id; existing databases must be restored from an encrypted snapshot copy.",
	"status": "stable",
	"parameters": {},
}

# A member of a cluster takes its storage encryption from the cluster.
cluster_member if lib.known(object.get(input, "cluster_identifier", null))

deny contains {"message": "storage encryption is not enabled", "path": "storage_encrypted"} if {
	input.storage_encrypted == false
}

deny contains {"message": "storage encryption is not configured", "path": "storage_encrypted"} if {
	lib.has_key(input, "storage_encrypted")
	input.storage_encrypted == null
	object.get(input, "cluster_identifier", null) == null
}

unknown contains {"message": "storage encryption could not be determined", "path": "storage_encrypted"} if {
	lib.not_determined(input, "storage_encrypted")
}

unknown contains {"message": "whether the instance belongs to a cluster could not be determined", "path": "cluster_identifier"} if {
	input.storage_encrypted == null
	lib.is_unknown(input.cluster_identifier)
}
