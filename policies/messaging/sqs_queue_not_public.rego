package vouch.rules.sqs_queue_not_public

import data.vouch.lib
import rego.v1

metadata := {
	"id": "sqs-queue-not-public",
	"name": "sqs-queue-public",
	"title": "SQS queue policies do not allow access to everyone",
	"description": "No queue policy statement allows Principal '*' (or AWS '*', or NotPrincipal) unless a condition ties the caller to the owner's account, organization, network or a source ARN (aws:SourceArn, aws:SourceAccount, aws:PrincipalOrgID, aws:SourceVpce, ... with fixed values). A queue without a policy is usable only by the owner's identities: that passes.",
	"severity": "high",
	"kinds": ["aws.sqs.queue"],
	"inputs": ["policy"],
	"remediation": "Replace Principal '*' with the accounts or services that send and receive, or add an aws:SourceArn / aws:SourceAccount / aws:PrincipalOrgID condition.",
	"status": "stable",
	"parameters": {},
}

policy := object.get(input, "policy", null)

deny contains {"message": sprintf("queue policy statement %s allows everyone without a restricting condition", [st.path]), "path": sprintf("policy.%s", [st.path])} if {
	lib.known(policy)
	some st in lib.public_statements(policy, set())
}

unknown contains {"message": "the queue policy could not be determined", "path": "policy"} if lib.not_determined(input, "policy")

unknown contains {"message": "the queue policy statements could not be determined", "path": "policy.Statement"} if {
	lib.known(policy)
	lib.is_unknown(policy.Statement)
}

unknown contains {"message": sprintf("queue policy statement %s could not be determined", [st.path]), "path": sprintf("policy.%s", [st.path])} if {
	lib.known(policy)
	some st in lib.unknown_statements(policy)
}
