package vouch.rules.inspector_scanning_enabled

import data.vouch.lib
import rego.v1

metadata := {
	"id": "inspector-scanning-enabled",
	"name": "inspector-scanning-disabled",
	"title": "Amazon Inspector scans EC2, ECR images and Lambda",
	"description": "Amazon Inspector (v2) continuous scanning is on for every scan type in required_types (default ec2, ecr, lambda; add lambda_code to require code scanning, remove types the account does not use). A type the source does not configure (a Terraform enabler that does not list it) is unknown, since another enabler or the organization's auto-enable may cover it. CloudFormation cannot enable Inspector v2: only Terraform and live data are judged.",
	"severity": "high",
	"kinds": ["aws.inspector2.account"],
	"inputs": ["scanning"],
	"remediation": "Enable the scan types (Terraform aws_inspector2_enabler resource_types = [\"EC2\", \"ECR\", \"LAMBDA\"], or aws inspector2 enable --resource-types ...), and auto-enable them for organization members.",
	"status": "stable",
	"parameters": {"required_types": ["ec2", "ecr", "lambda"]},
}

scanning := object.get(input, "scanning", null)

deny contains {"message": sprintf("inspector %s scanning is disabled", [t]), "path": sprintf("scanning.%s", [t])} if {
	lib.known(scanning)
	some t in lib.param(metadata, "required_types")
	scanning[t] == false
}

unknown contains {"message": sprintf("inspector %s scanning is not configured by this source", [t]), "path": sprintf("scanning.%s", [t])} if {
	lib.known(scanning)
	some t in lib.param(metadata, "required_types")
	object.get(scanning, t, null) == null
}

unknown contains {"message": sprintf("inspector %s scanning could not be determined", [t]), "path": sprintf("scanning.%s", [t])} if {
	lib.known(scanning)
	some t in lib.param(metadata, "required_types")
	lib.is_unknown(scanning[t])
}

unknown contains u if some u in lib.unknown_keys(input, ["scanning"])
