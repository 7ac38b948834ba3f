package vouch.rules.s3_bucket_access_logging

import data.vouch.lib
import rego.v1

metadata := {
	"id": "s3-bucket-access-logging",
	"name": "s3-bucket-access-logging-disabled",
	"title": "S3 server access logging is enabled",
	"description": "Server access logs record every request against a bucket (requester, operation, object, result) in a separate bucket, which is what reconstructs access to stored data.",
	"severity": "medium",
	"kinds": ["aws.s3.bucket"],
	"inputs": ["logging"],
	"remediation": "Enable server access logging to a dedicated log bucket (Terraform aws_s3_bucket_logging, CloudFormation LoggingConfiguration DestinationBucketName).",
	"status": "stable",
	"parameters": {},
}

log := input.logging

deny contains {"message": "server access logging is not configured", "path": "logging"} if {
	lib.has_key(input, "logging")
	log == null
}

deny contains {"message": "server access logging is disabled", "path": "logging.enabled"} if {
	lib.known(log)
	log.enabled == false
}

deny contains {"message": "server access logging has no target bucket", "path": "logging.target_bucket"} if {
	lib.known(log)
	log.enabled == true
	lib.has_key(log, "target_bucket")
	log.target_bucket in {null, ""}
}

# Delivering a bucket's access logs into itself logs the log writes, endlessly.
deny contains {"message": "access logs are delivered to the bucket itself", "path": "logging.target_bucket"} if {
	lib.known(log)
	log.enabled == true
	is_string(input.name)
	log.target_bucket == input.name
}

unknown contains u if some u in lib.unknown_keys(input, ["logging"])

unknown contains {"message": sprintf("logging %s could not be determined", [k]), "path": sprintf("logging.%s", [k])} if {
	lib.known(log)
	some k in ["enabled", "target_bucket"]
	lib.not_determined(log, k)
}
