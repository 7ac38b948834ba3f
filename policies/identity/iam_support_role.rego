package vouch.rules.iam_support_role

import data.vouch.lib
import rego.v1

metadata := {
	"id": "iam-support-role",
	"name": "iam-support-role-missing",
	"title": "A role exists for AWS Support incident handling",
	"description": "Someone must be able to open AWS Support cases during an incident without root or administrator credentials: the AWSSupportAccess managed policy is attached to at least one role (or group). Live AWS only for now: one IaC project rarely holds every attachment in the account, so absence there proves nothing.",
	"severity": "low",
	"kinds": ["aws.iam.account"],
	"inputs": ["support_access_entities"],
	"remediation": "Attach arn:aws:iam::aws:policy/AWSSupportAccess to an incident-response role (aws_iam_role_policy_attachment).",
	"status": "stable",
	"parameters": {},
}

deny contains {"message": "no role, group or user has the AWSSupportAccess policy", "path": "support_access_entities"} if {
	is_array(input.support_access_entities)
	count(input.support_access_entities) == 0
}

unknown contains u if some u in lib.unknown_keys(input, ["support_access_entities"])
