package vouch.rules.s3_account_public_access_block

import data.vouch.lib
import rego.v1

metadata := {
	"id": "s3-account-public-access-block",
	"name": "s3-account-public-access-block-incomplete",
	"title": "Account-wide S3 Block Public Access is fully enabled",
	"description": "All four account-level Block Public Access switches are on, so no bucket in the account can be made public by an ACL or a policy. An account with no account-level configuration at all has every switch off: in IaC that is not visible (the setting may be managed elsewhere), so only a declared configuration or live data is judged.",
	"severity": "high",
	"kinds": ["aws.s3.account_public_access_block"],
	"inputs": ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"],
	"remediation": "Set block_public_acls, block_public_policy, ignore_public_acls and restrict_public_buckets to true (Terraform aws_s3_account_public_access_block, or s3control PutPublicAccessBlock for the account).",
	"status": "stable",
	"parameters": {},
}

switches := ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"]

deny contains {"message": sprintf("%s is off for the account", [k]), "path": k} if {
	some k in switches
	lib.known(input[k])
	input[k] != true
}

unknown contains u if some u in lib.unknown_keys(input, switches)
