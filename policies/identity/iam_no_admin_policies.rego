package vouch.rules.iam_no_admin_policies

import data.vouch.lib
import rego.v1

metadata := {
	"id": "iam-no-admin-policies",
	"name": "iam-admin-policy",
	"title": "No policy grants full '*:*' administrator rights",
	"description": "No customer managed or inline policy allows every action on every resource. Allow with NotAction on every resource, and Allow of every action with NotResource, grant all but a few rights and count as administrator rights too (parameter allow_not_action to accept them).",
	"severity": "high",
	"kinds": ["aws.iam.policy"],
	"inputs": ["document"],
	"remediation": "Replace the statement with the specific actions and resources the identity needs; keep AdministratorAccess for break-glass roles only.",
	"status": "stable",
	"parameters": {"allow_not_action": false},
}

all_actions(actions) if {
	some a in lib.as_array(actions)
	a in {"*", "*:*"}
}

all_resources(resources) if "*" in lib.as_array(resources)

admin(s) if {
	all_actions(s.Action)
	all_resources(s.Resource)
}

admin(s) if {
	lib.param(metadata, "allow_not_action") == false
	lib.has_key(s, "NotAction")
	all_resources(s.Resource)
}

admin(s) if {
	lib.param(metadata, "allow_not_action") == false
	all_actions(s.Action)
	lib.has_key(s, "NotResource")
}

doc := input.document

deny contains {"message": sprintf("statement %s allows every action on every resource", [st.path]), "path": sprintf("document.%s", [st.path])} if {
	lib.known(doc)
	some st in lib.statements(doc)
	st.statement.Effect == "Allow"
	admin(st.statement)
}

unknown contains u if some u in lib.unknown_keys(input, ["document"])

unknown contains {"message": "the policy statements could not be determined", "path": "document.Statement"} if {
	lib.known(doc)
	lib.is_unknown(doc.Statement)
}

unknown contains {"message": sprintf("statement %s could not be determined", [st.path]), "path": sprintf("document.%s", [st.path])} if {
	lib.known(doc)
	some st in lib.statements(doc)
	lib.contains_unknown(st.statement)
	not st.statement.Effect == "Deny"
}
