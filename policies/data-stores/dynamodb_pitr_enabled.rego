package vouch.rules.dynamodb_pitr_enabled

import data.vouch.lib
import rego.v1

metadata := {
	"id": "dynamodb-pitr-enabled",
	"name": "dynamodb-pitr-disabled",
	"title": "DynamoDB point-in-time recovery is enabled",
	"description": "Continuous backups with point-in-time recovery let a table be restored to any second of the last 35 days after accidental writes, deletes or ransomware.",
	"severity": "medium",
	"kinds": ["aws.dynamodb.table"],
	"inputs": ["point_in_time_recovery_enabled"],
	"remediation": "Add point_in_time_recovery { enabled = true } (CloudFormation PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled: true).",
	"status": "stable",
	"parameters": {},
}

deny contains {"message": "point-in-time recovery is not enabled", "path": "point_in_time_recovery_enabled"} if {
	input.point_in_time_recovery_enabled == false
}

unknown contains u if some u in lib.unknown_keys(input, ["point_in_time_recovery_enabled"])
