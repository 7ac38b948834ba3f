package vouch.rules.s3_bucket_no_public_grants

import data.vouch.lib
import rego.v1

metadata := {
	"id": "s3-bucket-no-public-grants",
	"name": "s3-bucket-publicly-granted",
	"title": "No S3 bucket policy or ACL grants access to everyone",
	"description": "Detects effective public grants: a bucket policy Allow to Principal '*' (or NotPrincipal) without a condition tying it to the owner's network, organization or account, or an ACL granting AllUsers or AuthenticatedUsers. Grants neutralized by the bucket's Block Public Access (ignore_public_acls, restrict_public_buckets) or by BucketOwnerEnforced object ownership do not count.",
	"severity": "critical",
	"kinds": ["aws.s3.bucket"],
	"inputs": ["acl", "policy", "policy_is_public"],
	"remediation": "Remove public ACL grants and Allow statements to '*', or constrain them with aws:SourceVpce, aws:SourceVpc, aws:PrincipalOrgID or aws:SourceAccount conditions; enable Block Public Access on the bucket.",
	"status": "stable",
	"parameters": {},
}

public_canned := {"public-read", "public-read-write", "authenticated-read"}

public_groups := {
	"http://acs.amazonaws.com/groups/global/AllUsers",
	"http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
}

pab := object.get(input, "public_access_block", null)

# --- neutralizers: known to make a grant ineffective ---------------------------------------

acls_disabled if object.get(input, "object_ownership", null) == "BucketOwnerEnforced"

acls_disabled if pab.ignore_public_acls == true

policy_restricted if pab.restrict_public_buckets == true

# Whether a neutralizer might apply but is not known: then a grant is unknown, not a fail.
acls_maybe_disabled if {
	not acls_disabled
	lib.not_determined(input, "object_ownership")
}

acls_maybe_disabled if {
	not acls_disabled
	neutralizer_unknown("ignore_public_acls")
}

policy_maybe_restricted if {
	not policy_restricted
	neutralizer_unknown("restrict_public_buckets")
}

neutralizer_unknown(_) if lib.not_determined(input, "public_access_block")

neutralizer_unknown(k) if {
	lib.known(pab)
	lib.not_determined(pab, k)
}

# --- public grants ---------------------------------------------------------------------------

acl_grant contains {"message": sprintf("the canned acl %s grants access to everyone", [input.acl.canned]), "path": "acl.canned"} if {
	input.acl.canned in public_canned
}

acl_grant contains {"message": sprintf("acl grant %d gives %s to %s", [i, g.permission, g.grantee_uri]), "path": sprintf("acl.grants.%d", [i])} if {
	is_array(input.acl.grants)
	some i, g in input.acl.grants
	g.grantee_uri in public_groups
}

acl_unknown contains {"message": "the acl could not be determined", "path": "acl"} if lib.not_determined(input, "acl")

acl_unknown contains {"message": "the canned acl could not be determined", "path": "acl.canned"} if {
	lib.known(input.acl)
	lib.is_unknown(input.acl.canned)
}

acl_unknown contains {"message": "the acl grants could not be determined", "path": "acl.grants"} if {
	lib.known(input.acl)
	lib.is_unknown(input.acl.grants)
}

acl_unknown contains {"message": sprintf("acl grant %d could not be determined", [i]), "path": sprintf("acl.grants.%d", [i])} if {
	lib.known(input.acl)
	is_array(input.acl.grants)
	some i, g in input.acl.grants
	lib.contains_unknown(g)
}

policy_grant contains {"message": sprintf("bucket policy statement %s allows everyone without a restricting condition", [st.path]), "path": sprintf("policy.%s", [st.path])} if {
	lib.known(input.policy)
	some st in lib.statements(input.policy)
	public_statement(st.statement)
	not lib.contains_unknown(st.statement)
}

policy_grant contains {"message": "s3 reports the bucket policy as public", "path": "policy_is_public"} if {
	input.policy_is_public == true
}

public_statement(s) if {
	s.Effect == "Allow"
	lib.public_principal(s)
	not lib.restricting_condition(s)
}

policy_unknown contains {"message": "the bucket policy could not be determined", "path": "policy"} if lib.not_determined(input, "policy")

policy_unknown contains {"message": sprintf("bucket policy statement %s could not be determined", [st.path]), "path": sprintf("policy.%s", [st.path])} if {
	lib.known(input.policy)
	some st in lib.statements(input.policy)
	lib.contains_unknown(st.statement)
}

policy_unknown contains {"message": "the bucket policy statements could not be determined", "path": "policy.Statement"} if {
	lib.known(input.policy)
	lib.is_unknown(input.policy.Statement)
}

# --- verdict ---------------------------------------------------------------------------------

deny contains g if {
	some g in acl_grant
	not acls_disabled
	not acls_maybe_disabled
}

deny contains g if {
	some g in policy_grant
	not policy_restricted
	not policy_maybe_restricted
}

# A public grant whose neutralizer is unknown is not known to be effective.
unknown contains {"message": sprintf("%s, unless settings that could not be determined neutralize it", [g.message]), "path": g.path} if {
	some g in acl_grant
	acls_maybe_disabled
}

unknown contains {"message": sprintf("%s, unless settings that could not be determined neutralize it", [g.message]), "path": g.path} if {
	some g in policy_grant
	policy_maybe_restricted
}

unknown contains u if {
	some u in acl_unknown
	not acls_disabled
}

unknown contains u if {
	some u in policy_unknown
	not policy_restricted
}
