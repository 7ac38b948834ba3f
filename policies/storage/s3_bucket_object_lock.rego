package vouch.rules.s3_bucket_object_lock

import data.vouch.lib
import rego.v1

metadata := {
	"id": "s3-bucket-object-lock",
	"name": "s3-bucket-object-lock-missing",
	"title": "Object Lock (WORM) on audit-log and backup buckets",
	"description": "Buckets that hold audit logs or backups have Object Lock enabled with a default retention (mode and days or years), so records cannot be altered or deleted during the retention period. Scope: buckets whose scope_tag_key tag (default `purpose`) has one of scope_tag_values (default audit-logs, backups); other buckets are not judged. The catalogue also scopes in buckets named by a CloudTrail trail: a policy sees one resource, so that join is not made here and such buckets must be tagged. A retention mode of GOVERNANCE is accepted by default (set require_compliance_mode to demand COMPLIANCE).",
	"severity": "medium",
	"kinds": ["aws.s3.bucket"],
	"inputs": ["object_lock", "tags"],
	"remediation": "Create the bucket with Object Lock enabled (Terraform object_lock_enabled = true, CloudFormation ObjectLockEnabled: true) and set a default retention (aws_s3_bucket_object_lock_configuration rule.default_retention { mode, days }).",
	"status": "stable",
	"parameters": {"scope_tag_key": "purpose", "scope_tag_values": ["audit-logs", "backups"], "require_compliance_mode": false},
}

scope_key := lib.param(metadata, "scope_tag_key")

in_scope if lib.tagged(input.tags, scope_key, lib.param(metadata, "scope_tag_values"))

scope_unknown if lib.not_determined(input, "tags")

scope_unknown if {
	lib.known(input.tags)
	lib.is_unknown(input.tags[scope_key])
}

lock := object.get(input, "object_lock", null)

deny contains {"message": "object lock is not enabled on an audit-log or backup bucket", "path": "object_lock"} if {
	in_scope
	lock == null
}

deny contains {"message": "object lock is not enabled on an audit-log or backup bucket", "path": "object_lock.enabled"} if {
	in_scope
	lock.enabled == false
}

deny contains {"message": "object lock has no default retention", "path": "object_lock.mode"} if {
	in_scope
	lock.enabled == true
	lock.mode == null
}

deny contains {"message": "object lock default retention has no period", "path": "object_lock.days"} if {
	in_scope
	lock.enabled == true
	lib.known(lock.mode)
	lock.days == null
	lock.years == null
}

deny contains {"message": sprintf("object lock default retention mode is %s, not COMPLIANCE", [lock.mode]), "path": "object_lock.mode"} if {
	in_scope
	lib.param(metadata, "require_compliance_mode") == true
	lock.enabled == true
	is_string(lock.mode)
	lock.mode != "COMPLIANCE"
}

unknown contains {"message": "whether the bucket holds audit logs or backups could not be determined", "path": "tags"} if {
	scope_unknown
	not in_scope
}

unknown contains {"message": "object lock could not be determined", "path": "object_lock"} if {
	in_scope
	lib.not_determined(input, "object_lock")
}

unknown contains {"message": sprintf("object lock %s could not be determined", [k]), "path": sprintf("object_lock.%s", [k])} if {
	in_scope
	lib.known(lock)
	some k in ["enabled", "mode", "days", "years"]
	lib.is_unknown(lock[k])
}
