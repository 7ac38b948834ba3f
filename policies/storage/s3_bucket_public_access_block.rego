package vouch.rules.s3_bucket_public_access_block

import data.vouch.lib
import rego.v1

metadata := {
	"id": "s3-bucket-public-access-block",
	"name": "s3-bucket-public-access-block-incomplete",
	"title": "Bucket-level S3 Block Public Access is fully enabled",
	"description": "Each bucket carries its own Block Public Access configuration with all four switches on, so protection survives changes to the account setting and moves between accounts.",
	"severity": "high",
	"kinds": ["aws.s3.bucket"],
	"inputs": ["public_access_block"],
	"remediation": "Add a public access block for the bucket with block_public_acls, block_public_policy, ignore_public_acls and restrict_public_buckets all true (Terraform aws_s3_bucket_public_access_block, CloudFormation PublicAccessBlockConfiguration).",
	"status": "stable",
	"parameters": {},
}

switches := ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"]

pab := input.public_access_block

deny contains {"message": "no public access block is configured for the bucket", "path": "public_access_block"} if {
	lib.has_key(input, "public_access_block")
	pab == null
}

deny contains {"message": sprintf("public access block setting %s is off", [k]), "path": sprintf("public_access_block.%s", [k])} if {
	lib.known(pab)
	some k in switches
	lib.known(pab[k])
	pab[k] != true
}

unknown contains u if some u in lib.unknown_keys(input, ["public_access_block"])

unknown contains {"message": sprintf("public access block setting %s could not be determined", [k]), "path": sprintf("public_access_block.%s", [k])} if {
	lib.known(pab)
	some k in switches
	lib.not_determined(pab, k)
}
