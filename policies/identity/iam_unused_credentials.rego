package vouch.rules.iam_unused_credentials

import data.vouch.lib
import rego.v1

metadata := {
	"id": "iam-unused-credentials",
	"name": "iam-unused-credentials-active",
	"title": "Unused IAM credentials are disabled",
	"description": "Console passwords and active access keys idle for more than max_unused_days (45 for CIS; 90 for PCI DSS) belong to people or jobs that no longer need them. A credential never used counts from its creation. Ages are counted to the credential report's generation time. Live AWS only: usage is runtime state.",
	"severity": "medium",
	"kinds": ["aws.iam.user"],
	"inputs": ["password_enabled", "access_keys"],
	"remediation": "Remove the login profile or deactivate and delete the access key; remove the user if nobody needs it.",
	"status": "stable",
	"parameters": {"max_unused_days": 45},
}

max_days := lib.param(metadata, "max_unused_days")

# Days a credential has been idle: since last use, or since it was created if never used.
idle(last, created) := last if is_number(last)

idle(last, created) := created if {
	last == null
	is_number(created)
}

deny contains {"message": sprintf("the console password has not been used for %d days (more than %d)", [d, max_days]), "path": "days_since_password_used"} if {
	input.password_enabled == true
	d := idle(input.days_since_password_used, input.days_since_created)
	d > max_days
}

deny contains {"message": sprintf("active access key %d has not been used for %d days (more than %d)", [i + 1, d, max_days]), "path": sprintf("access_keys.%d.days_since_used", [i])} if {
	is_array(input.access_keys)
	some i, k in input.access_keys
	k.active == true
	d := idle(k.days_since_used, k.days_since_rotated)
	d > max_days
}

unknown contains u if some u in lib.unknown_keys(input, ["password_enabled", "access_keys"])

unknown contains {"message": "password use could not be determined", "path": "days_since_password_used"} if {
	input.password_enabled == true
	not idle(input.days_since_password_used, input.days_since_created)
}

unknown contains {"message": sprintf("use of access key %d could not be determined", [i + 1]), "path": sprintf("access_keys.%d", [i])} if {
	is_array(input.access_keys)
	some i, k in input.access_keys
	not k.active == false
	not idle(k.days_since_used, k.days_since_rotated)
}
