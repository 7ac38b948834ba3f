package vouch.rules.elasticache_encryption_in_transit

import data.vouch.lib
import rego.v1

metadata := {
	"id": "elasticache-encryption-in-transit",
	"name": "elasticache-plaintext-in-transit",
	"title": "ElastiCache encrypts traffic in transit",
	"description": "Replication groups (Valkey, Redis OSS) must use TLS between clients and nodes and between nodes. Transit encryption mode `preferred` is a migration state that still accepts plaintext, so it fails too.",
	"severity": "medium",
	"kinds": ["aws.elasticache.replication_group"],
	"inputs": ["transit_encryption_enabled", "transit_encryption_mode"],
	"remediation": "Set transit_encryption_enabled = true and transit_encryption_mode = \"required\" once clients use TLS (CloudFormation TransitEncryptionEnabled: true, TransitEncryptionMode: required).",
	"status": "stable",
	"parameters": {},
}

deny contains {"message": "in-transit encryption is not enabled", "path": "transit_encryption_enabled"} if {
	input.transit_encryption_enabled == false
}

deny contains {"message": "transit encryption mode is preferred, so plaintext connections are still accepted", "path": "transit_encryption_mode"} if {
	input.transit_encryption_enabled == true
	input.transit_encryption_mode == "preferred"
}

unknown contains u if some u in lib.unknown_keys(input, ["transit_encryption_enabled"])

unknown contains {"message": "transit encryption mode could not be determined", "path": "transit_encryption_mode"} if {
	input.transit_encryption_enabled == true
	lib.is_unknown(input.transit_encryption_mode)
}
