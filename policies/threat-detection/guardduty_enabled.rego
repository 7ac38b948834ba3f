package vouch.rules.guardduty_enabled

import data.vouch.lib
import rego.v1

metadata := {
	"id": "guardduty-enabled",
	"name": "guardduty-disabled",
	"title": "GuardDuty is enabled in every region and account",
	"description": "GuardDuty is the managed intrusion-detection signal for API, network and DNS activity. This rule judges each detector; a region with no detector at all is an account-level check.",
	"severity": "high",
	"kinds": ["aws.guardduty.detector"],
	"inputs": ["enabled"],
	"remediation": "Enable the detector (Terraform aws_guardduty_detector enable = true, CloudFormation Enable: true) in every enabled region, and auto-enable organization members.",
	"status": "stable",
	"parameters": {},
}

deny contains {"message": "the guardduty detector is disabled", "path": "enabled"} if {
	input.enabled == false
}

unknown contains u if some u in lib.unknown_keys(input, ["enabled"])

unknown contains {"message": "enabled could not be determined", "path": "enabled"} if {
	lib.has_key(input, "enabled")
	input.enabled == null
}
