package vouch.rules.iam_access_key_rotation

import data.vouch.lib
import rego.v1

metadata := {
	"id": "iam-access-key-rotation",
	"name": "iam-access-key-not-rotated",
	"title": "Active IAM access keys are rotated within 90 days",
	"description": "No active access key is older than max_age_days. Long-lived keys are best avoided altogether (roles, Identity Center). Ages are counted to the credential report's generation time. Live AWS only: a key created in IaC has no known creation date before apply.",
	"severity": "medium",
	"kinds": ["aws.iam.user"],
	"inputs": ["access_keys"],
	"remediation": "Create a new key, move its users to it, deactivate and delete the old one; better, replace the key with a role.",
	"status": "stable",
	"parameters": {"max_age_days": 90},
}

max_age := lib.param(metadata, "max_age_days")

deny contains {"message": sprintf("active access key %s is %d days old (more than %d)", [key_name(k, i), k.days_since_rotated, max_age]), "path": sprintf("access_keys.%d.days_since_rotated", [i])} if {
	is_array(input.access_keys)
	some i, k in input.access_keys
	k.active == true
	is_number(k.days_since_rotated)
	k.days_since_rotated > max_age
}

key_name(k, i) := k.id if is_string(k.id)

key_name(k, i) := sprintf("%d", [i + 1]) if not is_string(k.id)

unknown contains u if some u in lib.unknown_keys(input, ["access_keys"])

unknown contains {"message": sprintf("the age or status of access key %d could not be determined", [i + 1]), "path": sprintf("access_keys.%d", [i])} if {
	is_array(input.access_keys)
	some i, k in input.access_keys
	not k.active == false
	lib.contains_unknown(k)
}
