package vouch.rules.rds_iam_authentication

import data.vouch.lib
import rego.v1

metadata := {
	"id": "rds-iam-authentication",
	"name": "rds-iam-auth-disabled",
	"title": "RDS and Aurora IAM database authentication is enabled",
	"description": "IAM database authentication lets users and applications connect with short-lived IAM tokens instead of long-lived database passwords. Enabling it does not prove clients use it. Oracle, SQL Server and Db2 do not support it and pass; cluster members are judged through their cluster.",
	"severity": "medium",
	"kinds": ["aws.rds.db_instance", "aws.rds.cluster"],
	"inputs": ["iam_database_authentication_enabled"],
	"remediation": "Set iam_database_authentication_enabled = true (CloudFormation EnableIAMDatabaseAuthentication: true) and grant rds-db:connect to the principals that need it.",
	"status": "stable",
	"parameters": {},
}

# An Aurora cluster member: the cluster carries this setting and is judged on its own.
member if {
	is_string(input.cluster_identifier)
}

# Engines without IAM database authentication: nothing to switch on.
unsupported(e) if startswith(e, "oracle")
unsupported(e) if startswith(e, "sqlserver")
unsupported(e) if startswith(e, "db2")
unsupported(e) if startswith(e, "custom-")

deny contains {"message": "iam database authentication is disabled", "path": "iam_database_authentication_enabled"} if {
	not member
	input.iam_database_authentication_enabled == false
	not unsupported_engine
}

unsupported_engine if {
	is_string(input.engine)
	unsupported(input.engine)
}

unknown contains u if {
	not member
	not unsupported_engine
	some u in lib.unknown_keys(input, ["iam_database_authentication_enabled"])
}
