package vouch.rules.securityhub_enabled

import data.vouch.lib
import rego.v1

metadata := {
	"id": "securityhub-enabled",
	"name": "securityhub-disabled",
	"title": "Security Hub (CSPM) is enabled with a baseline standard",
	"description": "Security Hub is enabled with at least one security standard subscribed (an explicit subscription, or the default standards enabled with the hub). Live, a subscription counts when its status is READY (or still being set up: PENDING, INCOMPLETE); IaC subscriptions have no status yet and count. 'In every region' needs the list of expected regions and live data: this rule judges each hub it sees.",
	"severity": "medium",
	"kinds": ["aws.securityhub.hub"],
	"inputs": ["enabled", "default_standards_enabled", "standards"],
	"remediation": "Enable Security Hub (Terraform aws_securityhub_account, CloudFormation AWS::SecurityHub::Hub) and subscribe a standard (aws_securityhub_standards_subscription, e.g. AWS Foundational Security Best Practices or PCI DSS v4.0.1).",
	"status": "stable",
	"parameters": {},
}

live_ok := {null, "READY", "PENDING", "INCOMPLETE"}

has_standard if input.default_standards_enabled == true

has_standard if {
	is_array(input.standards)
	some s in input.standards
	lib.known(s.arn)
	s.status in live_ok
}

standards_unknown if lib.not_determined(input, "standards")

standards_unknown if {
	is_array(input.standards)
	some s in input.standards
	lib.contains_unknown(s)
}

standards_unknown if lib.is_unknown(input.default_standards_enabled)

deny contains {"message": "security hub is not enabled", "path": "enabled"} if input.enabled == false

deny contains {"message": "security hub has no security standard enabled", "path": "standards"} if {
	input.enabled == true
	not has_standard
	not standards_unknown
}

unknown contains u if some u in lib.unknown_keys(input, ["enabled"])

unknown contains {"message": "the enabled standards could not be determined", "path": "standards"} if {
	input.enabled == true
	not has_standard
	standards_unknown
}
