package vouch.rules.rds_log_export

import data.vouch.lib
import rego.v1

metadata := {
	"id": "rds-log-export",
	"name": "rds-logs-not-exported",
	"title": "Database audit and error logs are exported to CloudWatch Logs",
	"description": "Engine logs exported to CloudWatch Logs are retained, searchable and alarmable outside the instance. Required types per engine family are a parameter (PostgreSQL: postgresql; MySQL, MariaDB, Aurora MySQL: audit and error; SQL Server: error; Oracle: alert and audit; Db2: diag.log). The audit type only records data access when the engine's audit plugin or pgaudit is configured, which configuration here does not show. Cluster members are judged through their cluster.",
	"severity": "medium",
	"kinds": ["aws.rds.db_instance", "aws.rds.cluster"],
	"inputs": ["enabled_cloudwatch_logs_exports"],
	"remediation": "Set enabled_cloudwatch_logs_exports to the engine's log types, e.g. [\"postgresql\"] or [\"audit\", \"error\"] (CloudFormation EnableCloudwatchLogsExports).",
	"status": "stable",
	"parameters": {"required_log_types": {"postgres": ["postgresql"], "mysql": ["audit", "error"], "sqlserver": ["error"], "oracle": ["alert", "audit"], "db2": ["diag.log"]}},
}

# An Aurora cluster member: the cluster carries this setting and is judged on its own.
member if {
	is_string(input.cluster_identifier)
}

# Engine family of an engine name (`oracle-ee` → `oracle`).
family(e) := "postgres" if e in {"postgres", "aurora-postgresql"}

family(e) := "mysql" if e in {"mysql", "mariadb", "aurora-mysql", "aurora"}

family(e) := "sqlserver" if startswith(e, "sqlserver")

family(e) := "oracle" if startswith(e, "oracle")

family(e) := "db2" if startswith(e, "db2")

exports := input.enabled_cloudwatch_logs_exports

engine_known if {
	is_string(input.engine)
	not contains(input.engine, "${")
}

required contains t if {
	engine_known
	some t in lib.param(metadata, "required_log_types")[family(input.engine)]
}

deny contains {"message": sprintf("%s logs are not exported to cloudwatch logs", [t]), "path": "enabled_cloudwatch_logs_exports"} if {
	not member
	is_array(exports)
	not lib.contains_unknown(exports)
	some t in required
	not t in exports
}

# An engine without a required list (or unknown engine): at least something must be exported.
deny contains {"message": "no database logs are exported to cloudwatch logs", "path": "enabled_cloudwatch_logs_exports"} if {
	not member
	is_array(exports)
	count(exports) == 0
	count(required) == 0
}

unknown contains u if {
	not member
	some u in lib.unknown_keys(input, ["enabled_cloudwatch_logs_exports"])
}

# The engine decides the required types: when it cannot be determined (unknown, or inherited
# from a snapshot or source), exports missing the types of some engine family could fail.
unknown contains {"message": "the engine, which decides the required log types, could not be determined", "path": "engine"} if {
	not member
	not engine_known
	is_array(exports)
	not lib.contains_unknown(exports)
	some types in lib.param(metadata, "required_log_types")
	some t in types
	not t in exports
}

unknown contains {"message": "an exported log type could not be determined", "path": "enabled_cloudwatch_logs_exports"} if {
	not member
	is_array(exports)
	lib.contains_unknown(exports)
}
