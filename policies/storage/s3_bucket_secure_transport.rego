package vouch.rules.s3_bucket_secure_transport

import data.vouch.lib
import rego.v1

metadata := {
	"id": "s3-bucket-secure-transport",
	"name": "s3-bucket-plaintext-allowed",
	"title": "S3 bucket policies reject non-TLS requests",
	"description": "The bucket policy has a Deny statement for everyone (Principal '*') on every S3 action ('s3:*' or '*') over the bucket's objects (a Resource ending in '/*', or '*') when aws:SecureTransport is false (Bool or BoolIfExists), or when s3:TlsVersion is below a version (NumericLessThan). A bucket without a policy fails. The bucket ARN itself is not compared with the bucket's name: IaC usually writes it as a reference, so an object-level Resource is taken as the evidence.",
	"severity": "medium",
	"kinds": ["aws.s3.bucket"],
	"inputs": ["policy"],
	"remediation": "Add a bucket policy statement {Effect: Deny, Principal: '*', Action: 's3:*', Resource: [bucket ARN, bucket ARN/*], Condition: {Bool: {'aws:SecureTransport': 'false'}}}.",
	"status": "stable",
	"parameters": {},
}

policy := object.get(input, "policy", null)

all_s3_actions(s) if {
	some a in lib.as_array(s.Action)
	a in {"*", "s3:*"}
}

everyone(s) if s.Principal == "*"

everyone(s) if "*" in lib.as_array(s.Principal.AWS)

covers_objects(s) if {
	some r in lib.as_array(s.Resource)
	is_string(r)
	endswith(r, "/*")
}

covers_objects(s) if "*" in lib.as_array(s.Resource)

insecure_condition(s) if {
	some op, conds in s.Condition
	lower(op) in {"bool", "boolifexists"}
	some key, v in conds
	lower(key) == "aws:securetransport"
	some x in lib.as_array(v)
	lower(sprintf("%v", [x])) == "false"
}

insecure_condition(s) if {
	some op, conds in s.Condition
	lower(op) in {"numericlessthan", "numericlessthanifexists"}
	some key, _ in conds
	lower(key) == "s3:tlsversion"
}

enforces(s) if {
	s.Effect == "Deny"
	everyone(s)
	all_s3_actions(s)
	covers_objects(s)
	is_object(s.Condition)
	insecure_condition(s)
}

enforced if {
	some st in lib.statements(policy)
	not lib.contains_unknown(st.statement)
	enforces(st.statement)
}

deny contains {"message": "the bucket has no policy denying requests without tls", "path": "policy"} if {
	policy == null
}

deny contains {"message": "no bucket policy statement denies requests without tls", "path": "policy"} if {
	lib.known(policy)
	not lib.is_unknown(policy.Statement)
	not enforced
	count([st | some st in lib.statements(policy); lib.contains_unknown(st.statement)]) == 0
}

unknown contains {"message": "the bucket policy could not be determined", "path": "policy"} if lib.not_determined(input, "policy")

unknown contains {"message": "the bucket policy statements could not be determined", "path": "policy.Statement"} if {
	lib.known(policy)
	lib.is_unknown(policy.Statement)
}

unknown contains {"message": sprintf("bucket policy statement %s could not be determined", [st.path]), "path": sprintf("policy.%s", [st.path])} if {
	lib.known(policy)
	not enforced
	some st in lib.statements(policy)
	lib.contains_unknown(st.statement)
}
