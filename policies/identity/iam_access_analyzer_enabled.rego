package vouch.rules.iam_access_analyzer_enabled

import data.vouch.lib
import rego.v1

metadata := {
	"id": "iam-access-analyzer-enabled",
	"name": "iam-access-analyzer-missing",
	"title": "IAM Access Analyzer watches external access in every region",
	"description": "An ACTIVE analyzer of type ACCOUNT or ORGANIZATION must exist in every enabled region (or every region in the `regions` parameter): analyzers are regional and a region without one hides public or cross-account grants. A missing region fails. Live AWS only for now: an IaC analyzer cannot show which regions are enabled.",
	"severity": "medium",
	"kinds": ["aws.iam.account"],
	"inputs": ["regions", "access_analyzer_regions"],
	"remediation": "Create an external-access analyzer (type ACCOUNT, or ORGANIZATION from the delegated administrator) in each enabled region, e.g. aws_accessanalyzer_analyzer per regional provider.",
	"status": "stable",
	"parameters": {"regions": []},
}

expected contains r if {
	count(lib.param(metadata, "regions")) == 0
	is_array(input.regions)
	some r in input.regions
}

expected contains r if {
	some r in lib.param(metadata, "regions")
}

deny contains {"message": sprintf("no active external-access analyzer in %s", [r]), "path": "access_analyzer_regions"} if {
	is_array(input.access_analyzer_regions)
	not lib.contains_unknown(input.access_analyzer_regions)
	some r in expected
	is_string(r)
	not r in input.access_analyzer_regions
}

unknown contains u if some u in lib.unknown_keys(input, ["regions", "access_analyzer_regions"])

# An enabled region that could not be determined may be one without an analyzer: the deny
# above only sees the known ones, and the engine's safety net only a wholly unknown list.
unknown contains {"message": "an enabled region could not be determined", "path": "regions"} if {
	count(lib.param(metadata, "regions")) == 0
	is_array(input.regions)
	lib.contains_unknown(input.regions)
}

unknown contains {"message": "the analyzers of a region could not be listed", "path": "access_analyzer_regions"} if {
	is_array(input.access_analyzer_regions)
	lib.contains_unknown(input.access_analyzer_regions)
}
