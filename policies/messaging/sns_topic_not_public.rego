package vouch.rules.sns_topic_not_public

import data.vouch.lib
import rego.v1

metadata := {
	"id": "sns-topic-not-public",
	"name": "sns-topic-public",
	"title": "SNS topic policies do not allow access to everyone",
	"description": "No topic policy statement allows Principal '*' (or AWS '*', or NotPrincipal) unless a condition ties the caller to the owner's account, organization, network or a source ARN (aws:SourceAccount, aws:SourceArn, aws:SourceOwner, aws:PrincipalOrgID, aws:SourceVpce, ... with fixed values). A topic whose source sets no policy gets SNS's default policy, which allows only the owning account: that passes.",
	"severity": "high",
	"kinds": ["aws.sns.topic"],
	"inputs": ["policy"],
	"remediation": "Replace Principal '*' with the accounts or services that publish and subscribe, or add an aws:SourceArn / aws:SourceAccount / aws:PrincipalOrgID condition.",
	"status": "stable",
	"parameters": {},
}

policy := object.get(input, "policy", null)

deny contains {"message": sprintf("topic policy statement %s allows everyone without a restricting condition", [st.path]), "path": sprintf("policy.%s", [st.path])} if {
	lib.known(policy)
	some st in lib.public_statements(policy, set())
}

unknown contains {"message": "the topic policy could not be determined", "path": "policy"} if lib.not_determined(input, "policy")

unknown contains {"message": "the topic policy statements could not be determined", "path": "policy.Statement"} if {
	lib.known(policy)
	lib.is_unknown(policy.Statement)
}

unknown contains {"message": sprintf("topic policy statement %s could not be determined", [st.path]), "path": sprintf("policy.%s", [st.path])} if {
	lib.known(policy)
	some st in lib.unknown_statements(policy)
}
