package vouch.rules.rds_tls_enforced

import data.vouch.lib
import rego.v1

metadata := {
	"id": "rds-tls-enforced",
	"name": "rds-plaintext-connections-allowed",
	"title": "RDS and Aurora require TLS for client connections",
	"description": "The parameter group must force encrypted connections: rds.force_ssl = 1 (PostgreSQL, SQL Server, Aurora PostgreSQL) or require_secure_transport = ON (MySQL, MariaDB, Aurora MySQL). Without a parameter the engine default applies: RDS for PostgreSQL 15+ forces TLS, every other engine accepts plaintext. Oracle and Db2 configure TLS in option groups, which vouch does not read (unknown). Cluster members are judged through their cluster.",
	"severity": "high",
	"kinds": ["aws.rds.db_instance", "aws.rds.cluster"],
	"inputs": ["tls_required"],
	"remediation": "Use a custom (cluster) parameter group with rds.force_ssl = 1 or require_secure_transport = ON and attach it (parameter_group_name / db_cluster_parameter_group_name).",
	"status": "stable",
	"parameters": {},
}

# An Aurora cluster member: the cluster carries this setting and is judged on its own.
member if {
	is_string(input.cluster_identifier)
}

# Engines whose TLS switch is a DB parameter (rds.force_ssl or require_secure_transport).
param_engine(e) if startswith(e, "postgres")
param_engine(e) if startswith(e, "aurora")
param_engine(e) if e in {"mysql", "mariadb"}
param_engine(e) if startswith(e, "sqlserver")

known_str(x) if {
	is_string(x)
	not contains(x, "${")
}

# RDS for PostgreSQL 15 and later force TLS in the default parameter group.
default_forces_tls if {
	input.engine == "postgres"
	known_str(input.engine_version)
	to_number(split(input.engine_version, ".")[0]) >= 15
}

deny contains {"message": "the parameter group does not force tls (rds.force_ssl / require_secure_transport)", "path": "tls_required"} if {
	not member
	input.tls_required == false
}

deny contains {"message": "no parameter forces tls and the engine default accepts plaintext connections", "path": "tls_required"} if {
	not member
	lib.has_key(input, "tls_required")
	input.tls_required == null
	known_str(input.engine)
	param_engine(input.engine)
	input.engine != "postgres"
}

deny contains {"message": "no parameter forces tls and postgresql before 15 accepts plaintext connections by default", "path": "tls_required"} if {
	not member
	lib.has_key(input, "tls_required")
	input.tls_required == null
	input.engine == "postgres"
	known_str(input.engine_version)
	not default_forces_tls
}

unknown contains u if {
	not member
	some u in lib.unknown_keys(input, ["tls_required"])
}

unknown contains {"message": "the engine default for tls depends on the engine, which could not be determined", "path": "engine"} if {
	not member
	input.tls_required == null
	not known_str(input.engine)
}

unknown contains {"message": "the postgresql default for tls depends on the engine version, which could not be determined", "path": "engine_version"} if {
	not member
	input.tls_required == null
	input.engine == "postgres"
	not known_str(input.engine_version)
}

unknown contains {"message": sprintf("tls for %s is configured in option groups, which vouch does not read", [input.engine]), "path": "engine"} if {
	not member
	input.tls_required == null
	known_str(input.engine)
	not param_engine(input.engine)
}
