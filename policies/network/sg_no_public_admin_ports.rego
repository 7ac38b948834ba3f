package vouch.rules.sg_no_public_admin_ports

import data.vouch.lib
import rego.v1

metadata := {
	"id": "sg-no-public-admin-ports",
	"name": "sg-public-admin-port",
	"title": "No security group allows internet ingress to SSH/RDP",
	"description": "No ingress rule lets 0.0.0.0/0 or ::/0 reach an administrative port (22 and 3389 by default), including all-protocol rules and port ranges that contain one.",
	"severity": "high",
	"kinds": ["aws.ec2.security_group"],
	"inputs": ["ingress"],
	"remediation": "Restrict the rule's source to known networks or security groups, or reach hosts through SSM Session Manager or a bastion instead of opening SSH/RDP to the internet.",
	"status": "stable",
	"parameters": {"admin_ports": [22, 3389]},
}

ports := lib.param(metadata, "admin_ports")

ingress := input.ingress if is_array(input.ingress) else := []

# (rule index, the list holding the CIDR, CIDR) for every internet-wide source.
internet_sources contains [i, list, cidr] if {
	some i, rule in ingress
	is_object(rule)
	not lib.is_unknown(rule)
	some list in ["cidr_ipv4", "cidr_ipv6"]
	is_array(rule[list])
	some cidr in rule[list]
	lib.internet_cidr(cidr)
}

deny contains {"message": sprintf("ingress rule %d allows %s to port %d", [i, cidr, port]), "path": sprintf("ingress.%d.%s", [i, list])} if {
	some [i, list, cidr] in internet_sources
	some port in ports
	lib.rule_covers_port(ingress[i], port)
}

unknown contains {"message": "ingress rules could not be determined", "path": "ingress"} if {
	lib.not_determined(input, "ingress")
}

unknown contains {"message": sprintf("ingress rule %d could not be determined", [i]), "path": sprintf("ingress.%d", [i])} if {
	some i, rule in ingress
	lib.is_unknown(rule)
}

unknown contains {"message": sprintf("ingress rule %d is open to the internet on ports that could not be determined", [i]), "path": sprintf("ingress.%d", [i])} if {
	some [i, _, _] in internet_sources
	some port in ports
	lib.rule_port_unknown(ingress[i], port)
}

# A source that could not be determined on a rule that covers an admin port.
unknown contains {"message": sprintf("a source of ingress rule %d could not be determined", [i]), "path": sprintf("ingress.%d.%s", [i, list])} if {
	some i, rule in ingress
	is_object(rule)
	not lib.is_unknown(rule)
	some list in ["cidr_ipv4", "cidr_ipv6"]
	lib.contains_unknown(rule[list])
	some port in ports
	port_maybe_covered(rule, port)
}

port_maybe_covered(rule, port) if lib.rule_covers_port(rule, port)

port_maybe_covered(rule, port) if lib.rule_port_unknown(rule, port)
