package vouch.rules.cloudtrail_log_bucket_not_public

import data.vouch.lib
import rego.v1

# The trail's bucket is joined onto the trail by the adapter (`log_bucket`, the bucket's
# normalized attributes), so this rule judges one resource. The bucket checks are the S3
# rules' own, evaluated on that bucket: one definition of "public" for every rule.
metadata := {
	"id": "cloudtrail-log-bucket-not-public",
	"name": "cloudtrail-log-bucket-public",
	"title": "The CloudTrail destination bucket is not publicly accessible",
	"description": "The S3 bucket a trail delivers to has bucket-level Block Public Access fully on and no effective public ACL or policy grant (the same tests as s3-bucket-public-access-block and s3-bucket-no-public-grants, applied to the trail's bucket). Unknown when the bucket is not part of the scanned source.",
	"severity": "critical",
	"kinds": ["aws.cloudtrail.trail"],
	"inputs": ["log_bucket"],
	"remediation": "Enable all four Block Public Access settings on the trail's bucket and remove any ACL grant or bucket policy statement that gives access to everyone.",
	"status": "stable",
	"parameters": {},
}

bucket := input.log_bucket

prefixed(e) := {"message": sprintf("log bucket: %s", [e.message]), "path": concat(".", ["log_bucket", e.path])} if is_string(e.path)

prefixed(e) := {"message": sprintf("log bucket: %s", [e.message]), "path": "log_bucket"} if not is_string(e.path)

pab_deny := d if {
	d := data.vouch.rules.s3_bucket_public_access_block.deny with input as bucket
}

pab_unknown := d if {
	d := data.vouch.rules.s3_bucket_public_access_block.unknown with input as bucket
}

grant_deny := d if {
	d := data.vouch.rules.s3_bucket_no_public_grants.deny with input as bucket
}

grant_unknown := d if {
	d := data.vouch.rules.s3_bucket_no_public_grants.unknown with input as bucket
}

deny contains prefixed(e) if {
	is_object(bucket)
	not lib.is_unknown(bucket)
	some e in pab_deny | grant_deny
}

unknown contains prefixed(e) if {
	is_object(bucket)
	not lib.is_unknown(bucket)
	some e in pab_unknown | grant_unknown
}

unknown contains {"message": "the trail's log bucket could not be determined", "path": "log_bucket"} if {
	lib.not_determined(input, "log_bucket")
}

deny contains {"message": "the trail names no log bucket", "path": "log_bucket"} if {
	lib.has_key(input, "log_bucket")
	bucket == null
}
