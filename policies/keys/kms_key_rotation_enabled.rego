package vouch.rules.kms_key_rotation_enabled

import data.vouch.lib
import rego.v1

metadata := {
	"id": "kms-key-rotation-enabled",
	"name": "kms-key-rotation-disabled",
	"title": "Automatic rotation is enabled for customer managed KMS keys",
	"description": "Enabled symmetric customer managed keys with KMS-generated material rotate automatically, yearly or at a shorter configured period, which limits the cryptoperiod of key material. Asymmetric, HMAC, imported, AWS managed and disabled keys cannot or need not rotate and are not judged.",
	"severity": "medium",
	"kinds": ["aws.kms.key"],
	"inputs": ["rotation_enabled", "rotation_period_days", "key_manager", "key_spec", "origin", "enabled"],
	"remediation": "Enable automatic rotation (Terraform enable_key_rotation = true, CloudFormation EnableKeyRotation: true), with rotation_period_in_days at most the configured maximum.",
	"status": "stable",
	"parameters": {"max_rotation_days": 365},
}

# The key is a kind that can rotate automatically and is in use.
applicable if {
	input.key_manager == "CUSTOMER"
	input.key_spec == "SYMMETRIC_DEFAULT"
	input.origin == "AWS_KMS"
	input.enabled == true
}

# A condition that decides applicability is not known (and none is known to exclude it).
applicability_unknown if {
	some k in ["key_manager", "key_spec", "origin", "enabled"]
	lib.not_determined(input, k)
	not excluded
}

excluded if {
	some k in ["key_manager", "key_spec", "origin"]
	lib.known(input[k])
	input[k] != {"key_manager": "CUSTOMER", "key_spec": "SYMMETRIC_DEFAULT", "origin": "AWS_KMS"}[k]
}

excluded if input.enabled == false

deny contains {"message": "automatic key rotation is disabled", "path": "rotation_enabled"} if {
	applicable
	input.rotation_enabled == false
}

deny contains {"message": sprintf("key rotation period is %d days, longer than %d", [input.rotation_period_days, max]), "path": "rotation_period_days"} if {
	applicable
	input.rotation_enabled == true
	max := lib.param(metadata, "max_rotation_days")
	is_number(input.rotation_period_days)
	input.rotation_period_days > max
}

unknown contains {"message": "whether the key can rotate automatically could not be determined", "path": k} if {
	applicability_unknown
	some k in ["key_manager", "key_spec", "origin", "enabled"]
	lib.not_determined(input, k)
}

unknown contains {"message": "key rotation status could not be determined", "path": "rotation_enabled"} if {
	not excluded
	lib.not_determined(input, "rotation_enabled")
}

unknown contains {"message": "key rotation period could not be determined", "path": "rotation_period_days"} if {
	not excluded
	input.rotation_enabled == true
	lib.is_unknown(input.rotation_period_days)
}
