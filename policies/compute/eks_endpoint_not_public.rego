package vouch.rules.eks_endpoint_not_public

import data.vouch.lib
import rego.v1

metadata := {
	"id": "eks-endpoint-not-public",
	"name": "eks-endpoint-public",
	"title": "EKS API endpoints are private or CIDR-restricted",
	"description": "The cluster's public API endpoint is disabled, or restricted to CIDRs none of which is the whole internet (0.0.0.0/0 or ::/0). EKS enables the public endpoint for 0.0.0.0/0 by default.",
	"severity": "high",
	"kinds": ["aws.eks.cluster"],
	"inputs": ["endpoint_public_access", "public_access_cidrs"],
	"remediation": "Set vpc_config endpoint_public_access = false and endpoint_private_access = true, or list only your networks in public_access_cidrs.",
	"status": "stable",
	"parameters": {},
}

deny contains {"message": sprintf("the public api endpoint is open to %s", [cidr]), "path": "public_access_cidrs"} if {
	input.endpoint_public_access == true
	is_array(input.public_access_cidrs)
	some cidr in input.public_access_cidrs
	lib.internet_cidr(cidr)
}

unknown contains u if some u in lib.unknown_keys(input, ["endpoint_public_access"])

unknown contains {"message": "the public endpoint's allowed cidrs could not be determined", "path": "public_access_cidrs"} if {
	input.endpoint_public_access == true
	lib.contains_unknown(object.get(input, "public_access_cidrs", {"__unknown__": "absent"}))
	not open_known
}

open_known if {
	is_array(input.public_access_cidrs)
	some cidr in input.public_access_cidrs
	lib.internet_cidr(cidr)
}
