package vouch.rules.iam_root_no_access_keys

import data.vouch.lib
import rego.v1

metadata := {
	"id": "iam-root-no-access-keys",
	"name": "iam-root-access-keys",
	"title": "The root user has no access keys",
	"description": "Root access keys are unrestricted long-lived credentials that no policy can limit. Any key counts, active or not, because an inactive key can be re-activated by whoever holds the root password. Live AWS only (root-user facts are not manageable in IaC).",
	"severity": "critical",
	"kinds": ["aws.iam.account"],
	"inputs": ["root.access_keys_present"],
	"remediation": "Sign in as root and delete both access keys; use IAM roles for automation.",
	"status": "stable",
	"parameters": {},
}

deny contains {"message": "the root user has access keys", "path": "root.access_keys_present"} if {
	input.root.access_keys_present == true
}

unknown contains {"message": "root access keys could not be determined", "path": "root.access_keys_present"} if {
	not input.root.access_keys_present == false
	not input.root.access_keys_present == true
}
