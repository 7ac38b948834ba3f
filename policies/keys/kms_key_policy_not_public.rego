package vouch.rules.kms_key_policy_not_public

import data.vouch.lib
import rego.v1

metadata := {
	"id": "kms-key-policy-not-public",
	"name": "kms-key-policy-public",
	"title": "KMS key policies do not allow access to everyone",
	"description": "No key policy statement allows Principal '*' (or AWS '*', or NotPrincipal) unless a condition pins the caller to the owner: kms:CallerAccount, kms:ViaService, aws:PrincipalAccount, aws:PrincipalOrgID and the other owner-pinning keys S3 also accepts, with fixed values. A key with no policy in the source gets the default key policy, which trusts only the owning account: that passes.",
	"severity": "critical",
	"kinds": ["aws.kms.key"],
	"inputs": ["policy"],
	"remediation": "Replace Principal '*' with the account or role ARNs that need the key, or add a kms:CallerAccount / aws:PrincipalOrgID condition to the statement.",
	"status": "stable",
	"parameters": {},
}

kms_keys := {"kms:calleraccount", "kms:viaservice"}

policy := object.get(input, "policy", null)

deny contains {"message": sprintf("key policy statement %s allows everyone without a condition pinning the caller", [st.path]), "path": sprintf("policy.%s", [st.path])} if {
	lib.known(policy)
	some st in lib.public_statements(policy, kms_keys)
}

unknown contains {"message": "the key policy could not be determined", "path": "policy"} if lib.not_determined(input, "policy")

unknown contains {"message": "the key policy statements could not be determined", "path": "policy.Statement"} if {
	lib.known(policy)
	lib.is_unknown(policy.Statement)
}

unknown contains {"message": sprintf("key policy statement %s could not be determined", [st.path]), "path": sprintf("policy.%s", [st.path])} if {
	lib.known(policy)
	some st in lib.unknown_statements(policy)
}
