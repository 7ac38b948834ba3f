package vouch.rules.guardduty_s3_protection

import data.vouch.lib
import rego.v1

metadata := {
	"id": "guardduty-s3-protection",
	"name": "guardduty-s3-protection-disabled",
	"title": "GuardDuty S3 Protection is enabled",
	"description": "Enabled detectors have the S3_DATA_EVENTS feature on, so GuardDuty analyses S3 data-plane events. A disabled detector is guardduty-enabled's finding and is not judged here. When the source does not state the feature (a Terraform detector without a datasources block or an aws_guardduty_detector_feature), the account's default applies and the outcome is unknown, not a pass.",
	"severity": "high",
	"kinds": ["aws.guardduty.detector"],
	"inputs": ["enabled", "features"],
	"remediation": "Enable S3 Protection (Terraform aws_guardduty_detector_feature name = \"S3_DATA_EVENTS\" status = \"ENABLED\"; CloudFormation Features: [{Name: S3_DATA_EVENTS, Status: ENABLED}]).",
	"status": "stable",
	"parameters": {},
}

status := lib.feature_status(input.features, "S3_DATA_EVENTS")

deny contains {"message": "s3 protection (S3_DATA_EVENTS) is disabled", "path": "features"} if {
	input.enabled == true
	status == "DISABLED"
}

unknown contains {"message": "s3 protection is not configured by this source (the account default applies)", "path": "features"} if {
	input.enabled == true
	status == "ABSENT"
}

unknown contains {"message": "s3 protection could not be determined", "path": "features"} if {
	input.enabled == true
	not status
}

unknown contains {"message": "s3 protection could not be determined", "path": "features"} if {
	input.enabled == true
	lib.is_unknown(status)
}

unknown contains u if some u in lib.unknown_keys(input, ["enabled"])
