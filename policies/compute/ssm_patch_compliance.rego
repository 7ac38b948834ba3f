package vouch.rules.ssm_patch_compliance

import data.vouch.lib
import rego.v1

# Live only: the kind has one resource per EC2 instance, so instances SSM does not manage are
# visible. IaC declares patching intent (baselines, associations) but not the fleet's state,
# which is what the control asks for; IaC scans have nothing to judge here.
metadata := {
	"id": "ssm-patch-compliance",
	"name": "ssm-patch-noncompliant",
	"title": "Managed instances are patch-compliant",
	"description": "Every EC2 instance is managed by Systems Manager and its patch compliance is COMPLIANT. An instance that has never reported patch compliance fails, since nothing shows it is patched.",
	"severity": "high",
	"kinds": ["aws.ssm.patch_compliance"],
	"inputs": ["managed", "patch_status"],
	"remediation": "Install and register the SSM agent (instance profile with AmazonSSMManagedInstanceCore), associate AWS-RunPatchBaseline with a patch baseline and a maintenance window, and install the missing patches.",
	"status": "stable",
	"parameters": {},
}

deny contains {"message": "the instance is not managed by systems manager", "path": "managed"} if {
	input.managed == false
}

deny contains {"message": sprintf("the instance is missing patches (%v critical, %v security)", [object.get(input, "non_compliant_critical", null), object.get(input, "non_compliant_security", null)]), "path": "patch_status"} if {
	input.managed == true
	input.patch_status == "NON_COMPLIANT"
}

deny contains {"message": "the instance has not reported patch compliance", "path": "patch_status"} if {
	input.managed == true
	lib.has_key(input, "patch_status")
	input.patch_status == null
}

unknown contains u if some u in lib.unknown_keys(input, ["managed"])

unknown contains u if {
	input.managed == true
	some u in lib.unknown_keys(input, ["patch_status"])
}
