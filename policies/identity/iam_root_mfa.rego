package vouch.rules.iam_root_mfa

import data.vouch.lib
import rego.v1

metadata := {
	"id": "iam-root-mfa",
	"name": "iam-root-without-mfa",
	"title": "MFA is enabled for the root user",
	"description": "The root user can do anything in the account, including closing it; a password alone is not enough. Live AWS only (root-user facts are not manageable in IaC).",
	"severity": "critical",
	"kinds": ["aws.iam.account"],
	"inputs": ["root.mfa_enabled"],
	"remediation": "Sign in as root and assign an MFA device (Security credentials > Multi-factor authentication), preferably a FIDO security key.",
	"status": "stable",
	"parameters": {},
}

deny contains {"message": "the root user has no mfa device", "path": "root.mfa_enabled"} if {
	input.root.mfa_enabled == false
}

unknown contains {"message": "root mfa could not be determined", "path": "root.mfa_enabled"} if {
	not input.root.mfa_enabled == false
	not input.root.mfa_enabled == true
}
