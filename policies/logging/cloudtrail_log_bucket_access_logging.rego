package vouch.rules.cloudtrail_log_bucket_access_logging

import data.vouch.lib
import rego.v1

# Judges the trail's bucket as joined onto the trail by the adapter (`log_bucket`), with the
# s3-bucket-access-logging rule's own test.
metadata := {
	"id": "cloudtrail-log-bucket-access-logging",
	"name": "cloudtrail-log-bucket-access-unlogged",
	"title": "Access to the CloudTrail bucket is itself logged",
	"description": "S3 server access logging is on for the bucket a trail delivers to, so reads of the audit trail are themselves auditable (the s3-bucket-access-logging test, applied to the trail's bucket). Unknown when the bucket is not part of the scanned source.",
	"severity": "low",
	"kinds": ["aws.cloudtrail.trail"],
	"inputs": ["log_bucket"],
	"remediation": "Enable server access logging on the trail's bucket, delivering to a separate log bucket (Terraform aws_s3_bucket_logging, CloudFormation LoggingConfiguration).",
	"status": "stable",
	"parameters": {},
}

bucket := input.log_bucket

prefixed(e) := {"message": sprintf("log bucket: %s", [e.message]), "path": concat(".", ["log_bucket", e.path])} if is_string(e.path)

prefixed(e) := {"message": sprintf("log bucket: %s", [e.message]), "path": "log_bucket"} if not is_string(e.path)

log_deny := d if {
	d := data.vouch.rules.s3_bucket_access_logging.deny with input as bucket
}

log_unknown := d if {
	d := data.vouch.rules.s3_bucket_access_logging.unknown with input as bucket
}

deny contains prefixed(e) if {
	is_object(bucket)
	not lib.is_unknown(bucket)
	some e in log_deny
}

unknown contains prefixed(e) if {
	is_object(bucket)
	not lib.is_unknown(bucket)
	some e in log_unknown
}

unknown contains {"message": "the trail's log bucket could not be determined", "path": "log_bucket"} if {
	lib.not_determined(input, "log_bucket")
}

deny contains {"message": "the trail names no log bucket", "path": "log_bucket"} if {
	lib.has_key(input, "log_bucket")
	bucket == null
}
