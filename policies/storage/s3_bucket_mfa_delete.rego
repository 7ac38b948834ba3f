package vouch.rules.s3_bucket_mfa_delete

import data.vouch.lib
import rego.v1

metadata := {
	"id": "s3-bucket-mfa-delete",
	"name": "s3-bucket-mfa-delete-disabled",
	"title": "MFA Delete is enabled on versioned buckets",
	"description": "Versioned buckets require the root user's MFA to permanently delete object versions or change the versioning state. Buckets without versioning are not judged (MFA Delete needs versioning; s3-bucket-versioning judges that). By default every versioned bucket is judged, as CIS 2.1.2 does; because MFA Delete is root-only and costly to operate, scope_tag_values narrows the rule to buckets whose scope_tag_key tag has one of the listed values (e.g. audit-logs, backups). CloudFormation cannot set MFA Delete: there the value is unknown unless live data supplies it.",
	"severity": "low",
	"kinds": ["aws.s3.bucket"],
	"inputs": ["versioning.enabled", "versioning.mfa_delete", "tags"],
	"remediation": "As the root user with MFA, enable MFA Delete (aws s3api put-bucket-versioning --mfa ... MFADelete=Enabled, or Terraform aws_s3_bucket_versioning mfa_delete = \"Enabled\" with the mfa argument).",
	"status": "stable",
	"parameters": {"scope_tag_key": "purpose", "scope_tag_values": []},
}

scope_values := lib.param(metadata, "scope_tag_values")

in_scope if count(scope_values) == 0

in_scope if lib.tagged(input.tags, lib.param(metadata, "scope_tag_key"), scope_values)

scope_unknown if {
	count(scope_values) > 0
	lib.not_determined(input, "tags")
}

scope_unknown if {
	count(scope_values) > 0
	lib.known(input.tags)
	lib.is_unknown(input.tags[lib.param(metadata, "scope_tag_key")])
}

ver := object.get(input, "versioning", null)

versioned if ver.enabled == true

deny contains {"message": "mfa delete is not enabled on a versioned bucket", "path": "versioning.mfa_delete"} if {
	in_scope
	versioned
	lib.known(ver.mfa_delete)
	ver.mfa_delete != true
}

deny contains {"message": "mfa delete is not enabled on a versioned bucket", "path": "versioning.mfa_delete"} if {
	in_scope
	versioned
	object.get(ver, "mfa_delete", null) == null
}

unknown contains {"message": "whether the bucket is versioned could not be determined", "path": "versioning"} if {
	not lib.known(ver)
	lib.not_determined(input, "versioning")
	not scope_excluded
}

unknown contains {"message": "whether the bucket is versioned could not be determined", "path": "versioning.enabled"} if {
	lib.known(ver)
	lib.is_unknown(ver.enabled)
	not scope_excluded
}

unknown contains {"message": "mfa delete could not be determined", "path": "versioning.mfa_delete"} if {
	versioned
	lib.is_unknown(ver.mfa_delete)
	not scope_excluded
}

unknown contains {"message": "whether the bucket is in scope could not be determined", "path": "tags"} if {
	scope_unknown
	not in_scope
	versioned
}

# Known to be outside the configured scope.
scope_excluded if {
	not in_scope
	not scope_unknown
}
