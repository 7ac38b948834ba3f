package vouch.rules.iam_no_unscoped_kms_decrypt

import data.vouch.lib
import rego.v1

metadata := {
	"id": "iam-no-unscoped-kms-decrypt",
	"name": "iam-unscoped-kms-decrypt",
	"title": "IAM policies do not grant decrypt on all KMS keys",
	"description": "Identity policies that allow kms:Decrypt or kms:ReEncryptFrom (directly, through a wildcard such as 'kms:*' or '*', or through a NotAction that leaves them out) name specific keys, not every key: a Resource of '*', a Resource covering all keys ('arn:aws:kms:*', '.../key/*'), or NotResource. Conditions do not rescue the grant (as in Security Hub KMS.2): kms:ViaService still reaches every key of that service.",
	"severity": "medium",
	"kinds": ["aws.iam.policy"],
	"inputs": ["document"],
	"remediation": "List the key ARNs the identity must decrypt with in Resource, or move the grant into those keys' key policies.",
	"status": "stable",
	"parameters": {},
}

decrypt_actions := ["kms:decrypt", "kms:reencryptfrom"]

all_keys(s) if {
	some r in lib.as_array(s.Resource)
	is_string(r)
	all_keys_arn(r)
}

all_keys(s) if lib.has_key(s, "NotResource")

# "*", or an ARN pattern covering every key: of any service ("arn:aws:*"), of KMS anywhere
# ("arn:aws:kms:*"), or of an account and region (".../*", ".../key/*"). One regular
# expression: each definition of a function is evaluated on every call.
all_keys_arn(r) if r == "*"

all_keys_arn(r) if regex.match(`^arn:aws[a-z-]*:(\*|kms:\*|kms:[^:]*:[^:]*:(\*|key/\*)$)`, r)

doc := object.get(input, "document", null)

deny contains {"message": sprintf("statement %s allows %s on every kms key", [st.path, action]), "path": sprintf("document.%s", [st.path])} if {
	lib.known(doc)
	some st in lib.statements(doc)
	not lib.contains_unknown(st.statement)
	st.statement.Effect == "Allow"
	all_keys(st.statement)
	some action in decrypt_actions
	lib.allows_action(st.statement, action)
}

unknown contains u if some u in lib.unknown_keys(input, ["document"])

unknown contains {"message": "the policy statements could not be determined", "path": "document.Statement"} if {
	lib.known(doc)
	lib.is_unknown(doc.Statement)
}

unknown contains {"message": sprintf("statement %s could not be determined", [st.path]), "path": sprintf("document.%s", [st.path])} if {
	lib.known(doc)
	some st in lib.unknown_statements(doc)
}
