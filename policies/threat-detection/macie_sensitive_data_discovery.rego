package vouch.rules.macie_sensitive_data_discovery

import data.vouch.lib
import rego.v1

metadata := {
	"id": "macie-sensitive-data-discovery",
	"name": "macie-discovery-missing",
	"title": "Macie sensitive-data discovery covers S3",
	"description": "Macie is enabled (not paused) and looks for sensitive data in S3 on its own: automated sensitive data discovery is on, or at least one scheduled classification job runs. Which buckets a job covers is not judged. Terraform does not declare automated discovery, so a Terraform Macie account without a scheduled job is unknown until live data says.",
	"severity": "medium",
	"kinds": ["aws.macie2.session"],
	"inputs": ["status", "scheduled_job_count"],
	"remediation": "Enable Macie (aws_macie2_account, AWS::Macie::Session) and turn on automated sensitive data discovery, or create a scheduled classification job (aws_macie2_classification_job job_type = \"SCHEDULED\") over the in-scope buckets.",
	"status": "stable",
	"parameters": {},
}

# automated_discovery_status is left out of `inputs` on purpose: a scheduled job is enough,
# so an unknown discovery status must not turn that pass into unknown (handled below).
discovering if input.automated_discovery_status == "ENABLED"

discovering if {
	is_number(input.scheduled_job_count)
	input.scheduled_job_count > 0
}

deny contains {"message": sprintf("macie is %s, not enabled", [input.status]), "path": "status"} if {
	is_string(input.status)
	input.status != "ENABLED"
}

deny contains {"message": "macie runs neither automated sensitive data discovery nor a scheduled classification job", "path": "automated_discovery_status"} if {
	input.status == "ENABLED"
	not discovering
	lib.known(input.automated_discovery_status)
	is_number(input.scheduled_job_count)
}

deny contains {"message": "macie runs neither automated sensitive data discovery nor a scheduled classification job", "path": "automated_discovery_status"} if {
	input.status == "ENABLED"
	not discovering
	input.automated_discovery_status == null
	is_number(input.scheduled_job_count)
}

unknown contains u if some u in lib.unknown_keys(input, ["status"])

unknown contains {"message": "automated sensitive data discovery could not be determined", "path": "automated_discovery_status"} if {
	input.status == "ENABLED"
	not discovering
	lib.is_unknown(input.automated_discovery_status)
}

unknown contains {"message": "scheduled classification jobs could not be determined", "path": "scheduled_job_count"} if {
	input.status == "ENABLED"
	not discovering
	lib.not_determined(input, "scheduled_job_count")
}
