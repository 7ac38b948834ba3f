package vouch.rules.subnet_no_auto_public_ip

import data.vouch.lib
import rego.v1

# The catalogue's exemption ("public-tier subnets that only host load balancers or NAT") is
# not decidable from configuration, so it is a parameter: subnets carrying every tag in
# exempt_tags are not judged for the setting (empty by default: no exemption).
metadata := {
	"id": "subnet-no-auto-public-ip",
	"name": "subnet-auto-public-ip",
	"title": "Subnets do not auto-assign public IPs",
	"description": "A subnet's map_public_ip_on_launch is off, so instances are private unless they explicitly ask for a public address. Subnets carrying every tag in exempt_tags (e.g. {\"tier\": \"public\"} for load-balancer and NAT subnets) are exempt; none are by default. Default subnets auto-assign public IPs.",
	"severity": "medium",
	"kinds": ["aws.ec2.subnet"],
	"inputs": ["map_public_ip_on_launch"],
	"remediation": "Set map_public_ip_on_launch = false; give public addresses only to load balancers and NAT gateways, or tag dedicated public subnets and list the tag in exempt_tags.",
	"status": "stable",
	"parameters": {"exempt_tags": {}},
}

exempt_tags := lib.param(metadata, "exempt_tags")

exempt if {
	count(exempt_tags) > 0
	is_object(input.tags)
	every k, v in exempt_tags {
		input.tags[k] == v
	}
}

# Whether an exemption applies cannot be decided: one is configured and the tags are unknown.
# Without a configured exemption the tags do not matter.
exemption_undecided if {
	count(exempt_tags) > 0
	lib.contains_unknown(object.get(input, "tags", null))
}

deny contains {"message": "the subnet assigns public ip addresses to instances at launch", "path": "map_public_ip_on_launch"} if {
	input.map_public_ip_on_launch == true
	not exempt
	not exemption_undecided
}

unknown contains {"message": "the subnet assigns public ip addresses, and its tags that could exempt it could not be determined", "path": "tags"} if {
	input.map_public_ip_on_launch == true
	not exempt
	exemption_undecided
}

unknown contains u if some u in lib.unknown_keys(input, ["map_public_ip_on_launch"])
