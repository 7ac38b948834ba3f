package vouch.rules.cloudtrail_log_file_validation

import data.vouch.lib
import rego.v1

metadata := {
	"id": "cloudtrail-log-file-validation",
	"name": "cloudtrail-log-file-validation-disabled",
	"title": "CloudTrail log file integrity validation is enabled",
	"description": "The trail produces signed digest files, so any modification or deletion of delivered log files is detectable.",
	"severity": "medium",
	"kinds": ["aws.cloudtrail.trail"],
	"inputs": ["log_file_validation_enabled"],
	"remediation": "Set enable_log_file_validation = true (CloudFormation EnableLogFileValidation: true).",
	"status": "stable",
	"parameters": {},
}

deny contains {"message": "log file validation is disabled", "path": "log_file_validation_enabled"} if {
	input.log_file_validation_enabled == false
}

unknown contains u if some u in lib.unknown_keys(input, ["log_file_validation_enabled"])
