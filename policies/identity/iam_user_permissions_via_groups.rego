package vouch.rules.iam_user_permissions_via_groups

import data.vouch.lib
import rego.v1

metadata := {
	"id": "iam-user-permissions-via-groups",
	"name": "iam-user-direct-permissions",
	"title": "IAM users receive permissions only through groups",
	"description": "Permissions granted through groups (or roles) are reviewed and revoked in one place; policies attached or embedded directly in users drift and are missed when people change jobs. Judged on inline user policies, managed-policy attachments to users, and live users' direct policies.",
	"severity": "low",
	"kinds": ["aws.iam.policy", "aws.iam.policy_attachment", "aws.iam.user"],
	"inputs": ["attached_to", "users", "attached_policy_arns", "inline_policy_names"],
	"remediation": "Move the policy to a group (aws_iam_group_policy / aws_iam_group_policy_attachment) and add the user to the group.",
	"status": "stable",
	"parameters": {},
}

# aws.iam.policy: an inline policy embedded in a user.
deny contains {"message": sprintf("inline policy is embedded in user %s", [name(input.attached_to.name)]), "path": "attached_to"} if {
	input.attached_to.type == "user"
}

# aws.iam.policy_attachment: a managed policy attached straight to users.
deny contains {"message": sprintf("managed policy is attached directly to user %s", [name(u)]), "path": sprintf("users.%d", [i])} if {
	is_array(input.users)
	some i, u in input.users
	not lib.is_unknown(u)
}

# aws.iam.user (live): direct attachments and inline policies.
deny contains {"message": sprintf("managed policy %s is attached directly to the user", [p]), "path": sprintf("attached_policy_arns.%d", [i])} if {
	is_array(input.attached_policy_arns)
	some i, p in input.attached_policy_arns
	is_string(p)
}

deny contains {"message": sprintf("inline policy %s is embedded in the user", [p]), "path": sprintf("inline_policy_names.%d", [i])} if {
	is_array(input.inline_policy_names)
	some i, p in input.inline_policy_names
	is_string(p)
}

name(x) := x if is_string(x)

name(x) := "(unknown)" if not is_string(x)

unknown contains {"message": "the users of the attachment could not be determined", "path": "users"} if {
	lib.is_unknown(input.users)
}

unknown contains {"message": "a user of the attachment could not be determined", "path": "users"} if {
	is_array(input.users)
	some u in input.users
	lib.is_unknown(u)
}

unknown contains {"message": "the identity of the inline policy could not be determined", "path": "attached_to"} if {
	lib.is_unknown(input.attached_to)
}

unknown contains {"message": sprintf("%s could not be determined", [k]), "path": k} if {
	some k in ["attached_policy_arns", "inline_policy_names"]
	lib.is_unknown(input[k])
}
