package vouch.rules.iam_password_policy

import data.vouch.lib
import rego.v1

metadata := {
	"id": "iam-password-policy",
	"name": "iam-weak-password-policy",
	"title": "The IAM password policy meets PCI DSS and CIS minimums",
	"description": "Defaults satisfy both PCI DSS (length 12, reuse 4, 90-day change when passwords are the only factor) and CIS (length 14, reuse 24): length >= min_length, reuse prevention >= reuse_prevention, expiry within max_age_days (0 turns the expiry check off, e.g. when every console user has MFA), and numbers plus letters required. An account without a policy fails. Symbols are not required (neither framework asks for them).",
	"severity": "medium",
	"kinds": ["aws.iam.password_policy"],
	"inputs": ["configured", "minimum_password_length", "password_reuse_prevention", "max_password_age", "require_numbers"],
	"remediation": "Set aws_iam_account_password_policy with minimum_password_length = 14, password_reuse_prevention = 24, max_password_age = 90, require_numbers = true and require_lowercase_characters = true.",
	"status": "stable",
	"parameters": {"min_length": 14, "reuse_prevention": 24, "max_age_days": 90, "require_letters_and_numbers": true},
}

min_length := lib.param(metadata, "min_length")

reuse := lib.param(metadata, "reuse_prevention")

max_age := lib.param(metadata, "max_age_days")

deny contains {"message": "the account has no password policy (aws defaults apply)", "path": "configured"} if {
	input.configured == false
}

deny contains {"message": sprintf("minimum password length is %d, below %d", [input.minimum_password_length, min_length]), "path": "minimum_password_length"} if {
	input.configured == true
	is_number(input.minimum_password_length)
	input.minimum_password_length < min_length
}

deny contains {"message": sprintf("password reuse prevention remembers %d passwords, fewer than %d", [n, reuse]), "path": "password_reuse_prevention"} if {
	input.configured == true
	reuse > 0
	n := reuse_value
	n < reuse
}

reuse_value := 0 if input.password_reuse_prevention == null

reuse_value := input.password_reuse_prevention if is_number(input.password_reuse_prevention)

deny contains {"message": "passwords never expire", "path": "max_password_age"} if {
	input.configured == true
	max_age > 0
	never_expires
}

never_expires if input.max_password_age == null

never_expires if input.max_password_age == 0

deny contains {"message": sprintf("passwords expire after %d days, more than %d", [input.max_password_age, max_age]), "path": "max_password_age"} if {
	input.configured == true
	max_age > 0
	is_number(input.max_password_age)
	input.max_password_age > max_age
}

deny contains {"message": "passwords need not contain a number", "path": "require_numbers"} if {
	input.configured == true
	lib.param(metadata, "require_letters_and_numbers") == true
	input.require_numbers == false
}

deny contains {"message": "passwords need not contain a letter (upper or lower case)", "path": "require_lowercase_characters"} if {
	input.configured == true
	lib.param(metadata, "require_letters_and_numbers") == true
	input.require_lowercase_characters == false
	input.require_uppercase_characters == false
}

unknown contains u if some u in lib.unknown_keys(input, ["configured"])

unknown contains u if {
	input.configured == true
	some u in lib.unknown_keys(input, ["minimum_password_length", "require_numbers", "require_lowercase_characters", "require_uppercase_characters"])
}

unknown contains {"message": sprintf("%s could not be determined", [k]), "path": k} if {
	input.configured == true
	some k in ["password_reuse_prevention", "max_password_age"]
	lib.is_unknown(input[k])
}
