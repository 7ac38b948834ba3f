package vouch.rules.rds_automated_backups

import data.vouch.lib
import rego.v1

metadata := {
	"id": "rds-automated-backups",
	"name": "rds-backups-too-short",
	"title": "RDS automated backups are retained long enough",
	"description": "Automated backups (and point-in-time restore) must be kept at least min_retention_days. Omitted, the RDS API keeps 1 day; 0 disables backups. Aurora cluster members are judged through their cluster; read replicas through their source.",
	"severity": "medium",
	"kinds": ["aws.rds.db_instance", "aws.rds.cluster"],
	"inputs": ["backup_retention_period"],
	"remediation": "Set backup_retention_period to at least 7 (CloudFormation BackupRetentionPeriod).",
	"status": "stable",
	"parameters": {"min_retention_days": 7},
}

# An Aurora cluster member: the cluster carries this setting and is judged on its own.
member if {
	is_string(input.cluster_identifier)
}

# A read replica: backups are taken from its source (PostgreSQL replicas cannot have any).
member if {
	is_string(input.replica_source)
}

min_days := lib.param(metadata, "min_retention_days")

# Omitted, the RDS API keeps automated backups for 1 day.
days := 1 if input.backup_retention_period == null

days := input.backup_retention_period if is_number(input.backup_retention_period)

deny contains {"message": msg, "path": "backup_retention_period"} if {
	not member
	lib.has_key(input, "backup_retention_period")
	days < min_days
	msg := describe(days)
}

describe(0) := "automated backups are disabled (retention 0 days)"

describe(d) := sprintf("automated backups are kept %d day(s), fewer than %d", [d, min_days]) if {
	d > 0
	input.backup_retention_period != null
}

describe(d) := sprintf("backup retention is not set: aws keeps %d day, fewer than %d", [d, min_days]) if {
	d > 0
	input.backup_retention_period == null
}

unknown contains u if {
	not member
	some u in lib.unknown_keys(input, ["backup_retention_period"])
}
