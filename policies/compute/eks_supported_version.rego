package vouch.rules.eks_supported_version

import data.vouch.lib
import rego.v1

# min_version is the oldest Kubernetes minor version in EKS standard support; the default
# (1.33) is the oldest one on the EKS calendar as of late 2026 (1.32 left standard support in
# March 2026). Keep it current with the parameter. A cluster without a pinned version gets
# EKS's default at creation and keeps it, so its version is unknown from IaC.
metadata := {
	"id": "eks-supported-version",
	"name": "eks-unsupported-version",
	"title": "EKS clusters run a supported Kubernetes version",
	"description": "The cluster's Kubernetes version is at least min_version, the oldest version in EKS standard support (a parameter to keep current); versions in extended support or past end of life fail.",
	"severity": "medium",
	"kinds": ["aws.eks.cluster"],
	"inputs": ["version"],
	"remediation": "Upgrade the cluster one minor version at a time to a version in standard support, then upgrade the node groups and add-ons.",
	"status": "stable",
	"parameters": {"min_version": "1.33"},
}

min_version := lib.param(metadata, "min_version")

# [major, minor] of "1.31" (also "1.31.2" and "v1.31").
parse(v) := [to_number(p[1]), to_number(p[2])] if {
	p := regex.find_all_string_submatch_n(`^v?([0-9]+)\.([0-9]+)`, v, 1)[0]
}

older(a, b) if a[0] < b[0]

older(a, b) if {
	a[0] == b[0]
	a[1] < b[1]
}

deny contains {"message": sprintf("kubernetes %s is older than %s, the oldest version in standard support", [input.version, min_version]), "path": "version"} if {
	is_string(input.version)
	older(parse(input.version), parse(min_version))
}

unknown contains {"message": "the kubernetes version is not pinned: eks chooses its default at creation", "path": "version"} if {
	lib.has_key(input, "version")
	input.version == null
}

unknown contains {"message": sprintf("the kubernetes version %s could not be read", [input.version]), "path": "version"} if {
	is_string(input.version)
	not parse(input.version)
}

unknown contains u if some u in lib.unknown_keys(input, ["version"])
