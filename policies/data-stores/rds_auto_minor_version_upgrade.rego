package vouch.rules.rds_auto_minor_version_upgrade

import data.vouch.lib
import rego.v1

metadata := {
	"id": "rds-auto-minor-version-upgrade",
	"name": "rds-minor-upgrades-disabled",
	"title": "RDS automatic minor version upgrades are enabled",
	"description": "Minor engine versions carry security fixes; with automatic upgrades they are applied in the maintenance window instead of waiting for someone to schedule them. AWS enables it by default.",
	"severity": "medium",
	"kinds": ["aws.rds.db_instance"],
	"inputs": ["auto_minor_version_upgrade"],
	"remediation": "Set auto_minor_version_upgrade = true (CloudFormation AutoMinorVersionUpgrade: true), or remove the override.",
	"status": "stable",
	"parameters": {},
}

deny contains {"message": "automatic minor version upgrades are disabled", "path": "auto_minor_version_upgrade"} if {
	input.auto_minor_version_upgrade == false
}

unknown contains u if some u in lib.unknown_keys(input, ["auto_minor_version_upgrade"])
