package vouch.rules.guardduty_high_findings_triaged

import data.vouch.lib
import rego.v1

metadata := {
	"id": "guardduty-high-findings-triaged",
	"name": "guardduty-high-finding-untriaged",
	"title": "No high-severity GuardDuty findings left un-triaged",
	"description": "An active (unarchived) finding with severity at least min_severity that GuardDuty created more than max_age_hours before it was observed is a detection nobody acted on. Age is measured from created_at to the collector's observed_at, not to the time of the scan, so replaying a snapshot gives the same verdict. Runtime state: only live data has findings.",
	"severity": "high",
	"kinds": ["aws.guardduty.finding"],
	"inputs": ["severity", "archived", "created_at", "observed_at"],
	"remediation": "Investigate the finding, then archive it (or add a suppression rule for an accepted pattern) and record the triage in the incident process.",
	"status": "stable",
	"parameters": {"max_age_hours": 24, "min_severity": 7.0},
}

high if {
	is_number(input.severity)
	input.severity >= lib.param(metadata, "min_severity")
}

age_hours := (time.parse_rfc3339_ns(input.observed_at) - time.parse_rfc3339_ns(input.created_at)) / 3600000000000 if {
	is_string(input.observed_at)
	is_string(input.created_at)
}

deny contains {"message": sprintf("a severity %v finding (%s) has been active for %d hours, more than %d", [input.severity, object.get(input, "type", "unknown type"), floor(age_hours), lib.param(metadata, "max_age_hours")]), "path": "archived"} if {
	high
	input.archived == false
	age_hours > lib.param(metadata, "max_age_hours")
}

unknown contains u if some u in lib.unknown_keys(input, ["severity", "archived"])

unknown contains {"message": "the age of the finding could not be determined", "path": "created_at"} if {
	high
	input.archived == false
	not age_hours
}
