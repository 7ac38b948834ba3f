package vouch.rules.secretsmanager_rotation_enabled

import data.vouch.lib
import rego.v1

metadata := {
	"id": "secretsmanager-rotation-enabled",
	"name": "secretsmanager-secret-not-rotated",
	"title": "Secrets Manager secrets rotate automatically and successfully",
	"description": "Secrets have automatic rotation at most every max_days days (AutomaticallyAfterDays, a rate() schedule, or a cron() schedule that runs every month), and, where live data shows it, the last successful rotation is no older than max_days at collection time. A cron schedule that does not run every month is unknown (its period is not computed). Last-rotation dates exist only live.",
	"severity": "medium",
	"kinds": ["aws.secretsmanager.secret"],
	"inputs": ["rotation_enabled", "rotation_interval_days", "rotation_schedule"],
	"remediation": "Configure rotation (Terraform aws_secretsmanager_secret_rotation with rotation_rules { automatically_after_days <= 90 }, CloudFormation AWS::SecretsManager::RotationSchedule) and fix the rotation function when rotations fail.",
	"status": "stable",
	"parameters": {"max_days": 90},
}

max_days := lib.param(metadata, "max_days")

# The rotation period in days from a schedule expression, when it can be computed.
schedule_days(expr) := to_number(m[1]) if {
	m := regex.find_all_string_submatch_n(`^rate\(\s*(\d+)\s+days?\s*\)$`, expr, 1)[0]
}

schedule_days(expr) := to_number(m[1]) / 24 if {
	m := regex.find_all_string_submatch_n(`^rate\(\s*(\d+)\s+hours?\s*\)$`, expr, 1)[0]
}

# cron(minutes hours day-of-month month day-of-week year): every month runs at least monthly.
schedule_days(expr) := 31 if {
	m := regex.find_all_string_submatch_n(`^cron\(\s*(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)(\s+\S+)?\s*\)$`, expr, 1)[0]
	m[4] == "*"
}

period := input.rotation_interval_days if is_number(input.rotation_interval_days)

period := schedule_days(input.rotation_schedule) if {
	not is_number(input.rotation_interval_days)
	is_string(input.rotation_schedule)
}

deny contains {"message": "automatic rotation is not configured", "path": "rotation_enabled"} if input.rotation_enabled == false

deny contains {"message": sprintf("the secret rotates every %v days, more than %d", [period, max_days]), "path": path} if {
	input.rotation_enabled == true
	period > max_days
	path := period_path
}

period_path := "rotation_interval_days" if is_number(input.rotation_interval_days) else := "rotation_schedule"

age_days(ts) := (time.parse_rfc3339_ns(input.observed_at) - time.parse_rfc3339_ns(ts)) / 86400000000000

deny contains {"message": sprintf("the last successful rotation was %d days before collection, more than %d", [floor(age_days(input.last_rotated_at)), max_days]), "path": "last_rotated_at"} if {
	input.rotation_enabled == true
	is_string(input.observed_at)
	is_string(input.last_rotated_at)
	age_days(input.last_rotated_at) > max_days
}

unknown contains u if some u in lib.unknown_keys(input, ["rotation_enabled"])

unknown contains {"message": "the rotation period could not be determined", "path": "rotation_schedule"} if {
	input.rotation_enabled == true
	not period
	not lib.is_unknown(input.rotation_interval_days)
	not lib.is_unknown(input.rotation_schedule)
}

unknown contains {"message": "the rotation period could not be determined", "path": k} if {
	input.rotation_enabled == true
	not period
	some k in ["rotation_interval_days", "rotation_schedule"]
	lib.is_unknown(input[k])
}

unknown contains {"message": "the last rotation could not be determined", "path": "last_rotated_at"} if {
	input.rotation_enabled == true
	lib.is_unknown(input.last_rotated_at)
}
