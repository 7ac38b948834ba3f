package vouch.rules.elasticache_auth_enabled

import data.vouch.lib
import rego.v1

metadata := {
	"id": "elasticache-auth-enabled",
	"name": "elasticache-unauthenticated",
	"title": "ElastiCache requires client authentication",
	"description": "A replication group without an AUTH token (Redis OSS before 6) or RBAC user groups (Redis OSS 6+, Valkey) lets anything that reaches the port read and write every key.",
	"severity": "medium",
	"kinds": ["aws.elasticache.replication_group"],
	"inputs": ["auth_token_enabled", "user_group_ids"],
	"remediation": "Set auth_token (with transit encryption) or associate user_group_ids with RBAC users (CloudFormation AuthToken or UserGroupIds).",
	"status": "stable",
	"parameters": {},
}

has_groups if {
	is_array(input.user_group_ids)
	count(input.user_group_ids) > 0
}

deny contains {"message": "clients can connect without an auth token or rbac user group", "path": "auth_token_enabled"} if {
	input.auth_token_enabled == false
	is_array(input.user_group_ids)
	count(input.user_group_ids) == 0
}

unknown contains u if {
	not input.auth_token_enabled == true
	not has_groups
	some u in lib.unknown_keys(input, ["auth_token_enabled", "user_group_ids"])
}
