package vouch.rules.rds_not_public

import data.vouch.lib
import rego.v1

metadata := {
	"id": "rds-not-public",
	"name": "rds-publicly-accessible",
	"title": "RDS instances are not publicly accessible",
	"description": "A publicly accessible DB instance gets a publicly resolvable endpoint, exposing the data store to attack from the internet whenever its security groups allow it.",
	"severity": "critical",
	"kinds": ["aws.rds.db_instance"],
	"inputs": ["publicly_accessible"],
	"remediation": "Set publicly_accessible = false (CloudFormation PubliclyAccessible: false) and reach the database from inside the VPC.",
	"status": "stable",
	"parameters": {},
}

deny contains {"message": "the db instance is publicly accessible", "path": "publicly_accessible"} if {
	input.publicly_accessible == true
}

unknown contains u if some u in lib.unknown_keys(input, ["publicly_accessible"])
