package vouch.rules.iam_no_privilege_escalation

import data.vouch.lib
import rego.v1

metadata := {
	"id": "iam-no-privilege-escalation",
	"name": "iam-privilege-escalation",
	"title": "No identity policy enables privilege escalation",
	"description": "Known escalation paths: creating or switching policy versions, attaching or putting policies, adding users to groups, creating keys or login profiles for others, rewriting trust policies (all on every resource), and iam:PassRole on every role next to a service action that runs code as the passed role (Lambda, EC2, CloudFormation, Glue, Data Pipeline, SageMaker, ECS, CodeBuild). Full '*' grants are reported by iam-no-admin-policies instead. Whether the holder is an administrator anyway is not visible in one policy: waive with a reason for admin roles.",
	"severity": "high",
	"kinds": ["aws.iam.policy"],
	"inputs": ["document"],
	"remediation": "Scope the IAM write actions to the specific policies, users and roles they manage, and iam:PassRole to the specific role ARNs (with iam:PassedToService).",
	"status": "stable",
	"parameters": {},
}

# Actions that alone let a principal raise its own (or another principal's) rights.
escalation_actions := {
	"iam:createpolicyversion", "iam:setdefaultpolicyversion", "iam:createaccesskey",
	"iam:createloginprofile", "iam:updateloginprofile", "iam:attachuserpolicy",
	"iam:attachgrouppolicy", "iam:attachrolepolicy", "iam:putuserpolicy", "iam:putgrouppolicy",
	"iam:putrolepolicy", "iam:addusertogroup", "iam:updateassumerolepolicy",
}

# Services that run code as a role passed with iam:PassRole.
passrole_partners := {
	"lambda:createfunction", "ec2:runinstances", "cloudformation:createstack",
	"glue:createdevendpoint", "datapipeline:createpipeline", "sagemaker:createnotebookinstance",
	"ecs:runtask", "codebuild:createproject", "ecs:registertaskdefinition",
}

doc := input.document

allow_statements := [st |
	some st in lib.statements(doc)
	st.statement.Effect == "Allow"
	not lib.contains_unknown(st.statement)
]

# Full wildcards are iam-no-admin-policies' finding; this rule looks at narrower grants.
full_wildcard(p) if p in {"*", "*:*"}

# The statement's Action patterns narrower than a full wildcard.
narrow_patterns(st) := [p |
	some p in lib.as_array(st.statement.Action)
	is_string(p)
	not full_wildcard(p)
]

# The actions of `actions` that statement st grants through its narrow patterns.
grants(st, actions) := lib.matched_actions(narrow_patterns(st), actions)

on_any_resource(st) if "*" in lib.as_array(st.statement.Resource)

deny contains {"message": sprintf("statement %s allows %s on every resource", [st.path, a]), "path": sprintf("document.%s", [st.path])} if {
	some st in allow_statements
	on_any_resource(st)
	some a in grants(st, escalation_actions)
}

deny contains {"message": sprintf("statement %s allows iam:passrole on every role together with %s", [st.path, partner]), "path": sprintf("document.%s", [st.path])} if {
	some st in allow_statements
	on_any_resource(st)
	"iam:passrole" in grants(st, {"iam:passrole"})
	some other in allow_statements
	some partner in grants(other, passrole_partners)
}

unknown contains u if some u in lib.unknown_keys(input, ["document"])

unknown contains {"message": sprintf("statement %s could not be determined", [st.path]), "path": sprintf("document.%s", [st.path])} if {
	lib.known(doc)
	some st in lib.statements(doc)
	lib.contains_unknown(st.statement)
	not st.statement.Effect == "Deny"
}
