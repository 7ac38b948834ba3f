package vouch.rules.ecr_image_scanning

import data.vouch.lib
import rego.v1

# The registry scanning configuration is account- and region-wide and usually managed apart
# from the repositories (Inspector turns on enhanced scanning organization-wide), so when a
# repository does not scan on push and the registry configuration is not in the scanned
# source, the outcome is unknown, not a failure.
metadata := {
	"id": "ecr-image-scanning",
	"name": "ecr-image-scanning-disabled",
	"title": "ECR repositories scan images for vulnerabilities",
	"description": "The repository scans images on push (basic scanning), or the registry uses enhanced scanning with a rule (SCAN_ON_PUSH or CONTINUOUS_SCAN) whose filter matches the repository. With basic scanning, registry rules also count.",
	"severity": "medium",
	"kinds": ["aws.ecr.repository"],
	"inputs": ["scan_on_push"],
	"remediation": "Set image_scanning_configuration { scan_on_push = true }, or enable enhanced scanning for the registry (aws_ecr_registry_scanning_configuration scan_type ENHANCED with a rule matching the repository).",
	"status": "stable",
	"parameters": {},
}

reg := input.registry_scanning

rule_matches if {
	is_object(reg)
	some r in reg.rules
	r.scan_frequency in {"SCAN_ON_PUSH", "CONTINUOUS_SCAN"}
	some f in r.filters
	is_string(f)
	is_string(input.name)
	glob.match(f, [], input.name)
}

rule_maybe_matches if {
	is_object(reg)
	not lib.is_unknown(reg)
	lib.contains_unknown(reg)
}

rule_maybe_matches if {
	is_object(reg)
	not lib.is_unknown(reg)
	lib.is_unknown(input.name)
	count(reg.rules) > 0
}

scans if input.scan_on_push == true

scans if rule_matches

deny contains {"message": "images are not scanned on push and no registry scanning rule covers the repository", "path": "scan_on_push"} if {
	input.scan_on_push == false
	not rule_matches
	not rule_maybe_matches
	not lib.is_unknown(reg)
}

unknown contains {"message": "images are not scanned on push, and the registry scanning configuration that could cover the repository could not be determined", "path": "registry_scanning"} if {
	input.scan_on_push == false
	not rule_matches
	lib.not_determined(input, "registry_scanning")
}

unknown contains {"message": "images are not scanned on push, and whether a registry scanning rule covers the repository could not be determined", "path": "registry_scanning"} if {
	input.scan_on_push == false
	not rule_matches
	rule_maybe_matches
}

unknown contains u if {
	not rule_matches
	some u in lib.unknown_keys(input, ["scan_on_push"])
}
