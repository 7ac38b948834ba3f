package vouch.rules.iam_root_not_used

import data.vouch.lib
import rego.v1

metadata := {
	"id": "iam-root-not-used",
	"name": "iam-root-used",
	"title": "The root user is not used for routine activity",
	"description": "Root sign-ins or key use within max_days_since_use days mean root is part of day-to-day work instead of a break-glass credential. Documented break-glass use can be waived with a reason and expiry. Ages are counted to the credential report's generation time. Live AWS only (root-user facts are not manageable in IaC).",
	"severity": "high",
	"kinds": ["aws.iam.account"],
	"inputs": ["root.days_since_password_used", "root.days_since_access_key_used"],
	"remediation": "Do the task with an IAM role or Identity Center permission set; keep root for the few tasks that need it and alarm on its use.",
	"status": "stable",
	"parameters": {"max_days_since_use": 90},
}

max_days := lib.param(metadata, "max_days_since_use")

deny contains {"message": sprintf("the root password was used %d days ago (within %d)", [d, max_days]), "path": "root.days_since_password_used"} if {
	d := input.root.days_since_password_used
	is_number(d)
	d < max_days
}

deny contains {"message": sprintf("a root access key was used %d days ago (within %d)", [d, max_days]), "path": "root.days_since_access_key_used"} if {
	d := input.root.days_since_access_key_used
	is_number(d)
	d < max_days
}

unknown contains {"message": sprintf("%s could not be determined", [k]), "path": sprintf("root.%s", [k])} if {
	some k in ["days_since_password_used", "days_since_access_key_used"]
	not lib.has_key(input.root, k)
}
