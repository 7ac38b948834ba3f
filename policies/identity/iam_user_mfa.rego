package vouch.rules.iam_user_mfa

import data.vouch.lib
import rego.v1

metadata := {
	"id": "iam-user-mfa",
	"name": "iam-console-user-without-mfa",
	"title": "IAM users with console access have MFA",
	"description": "Every IAM user with a console password has at least one MFA device. Users without a password (programmatic only) are not judged. Live AWS only (credential report); a login profile in IaC says nothing about MFA devices.",
	"severity": "high",
	"kinds": ["aws.iam.user"],
	"inputs": ["password_enabled", "mfa_active"],
	"remediation": "Assign an MFA device to the user, or remove the console password; prefer Identity Center users over IAM users.",
	"status": "stable",
	"parameters": {},
}

deny contains {"message": "the user has a console password but no mfa device", "path": "mfa_active"} if {
	input.password_enabled == true
	input.mfa_active == false
}

unknown contains u if {
	not input.password_enabled == false
	some u in lib.unknown_keys(input, ["password_enabled", "mfa_active"])
}
