package vouch.rules.sg_no_unrestricted_ingress

import data.vouch.lib
import rego.v1

# A world-open rule passes only when its whole port range lies inside authorized_ports, so an
# all-protocol rule or a range like 0-65535 always fails. ICMP has no ports: an internet-wide
# ICMP rule is reported too unless "icmp" is authorized (allow_icmp), as Security Hub EC2.18
# does for non-TCP/UDP protocols.
metadata := {
	"id": "sg-no-unrestricted-ingress",
	"name": "sg-unrestricted-ingress",
	"title": "Internet ingress only on explicitly authorized ports",
	"description": "Every ingress rule open to 0.0.0.0/0 or ::/0 is limited to ports in authorized_ports (80 and 443 by default): all-protocol rules, port ranges reaching beyond the list, and other protocols are reported. ICMP from the internet is accepted only with allow_icmp.",
	"severity": "high",
	"kinds": ["aws.ec2.security_group"],
	"inputs": ["ingress"],
	"remediation": "Restrict the rule's source to known networks, security groups or prefix lists, or narrow it to the authorized ports; put public services behind a load balancer.",
	"status": "stable",
	"parameters": {"authorized_ports": [80, 443], "allow_icmp": false},
}

authorized := {p | some p in lib.param(metadata, "authorized_ports")}

allow_icmp := lib.param(metadata, "allow_icmp")

ingress := input.ingress if is_array(input.ingress) else := []

internet_sources contains [i, list, cidr] if {
	some i, rule in ingress
	is_object(rule)
	not lib.is_unknown(rule)
	some list in ["cidr_ipv4", "cidr_ipv6"]
	is_array(rule[list])
	some cidr in rule[list]
	lib.internet_cidr(cidr)
}

# True when every port of the rule is authorized (TCP/UDP with a known, small range).
within_authorized(rule) if {
	rule.protocol in {"tcp", "udp"}
	is_number(rule.from_port)
	is_number(rule.to_port)
	rule.to_port - rule.from_port < 1024
	every p in numbers.range(rule.from_port, rule.to_port) {
		p in authorized
	}
}

within_authorized(rule) if {
	allow_icmp
	rule.protocol in {"icmp", "icmpv6"}
}

ports_unknown(rule) if lib.is_unknown(rule.protocol)

ports_unknown(rule) if {
	rule.protocol in {"tcp", "udp"}
	some k in ["from_port", "to_port"]
	lib.is_unknown(rule[k])
}

describe(rule) := "all protocols and ports" if rule.protocol == "-1"

describe(rule) := sprintf("%s port %d", [rule.protocol, rule.from_port]) if {
	rule.protocol in {"tcp", "udp"}
	rule.from_port == rule.to_port
}

describe(rule) := sprintf("%s ports %d-%d", [rule.protocol, rule.from_port, rule.to_port]) if {
	rule.protocol in {"tcp", "udp"}
	rule.from_port != rule.to_port
}

describe(rule) := sprintf("protocol %s", [rule.protocol]) if not rule.protocol in {"-1", "tcp", "udp"}

deny contains {"message": sprintf("ingress rule %d allows %s to %s", [i, cidr, describe(ingress[i])]), "path": sprintf("ingress.%d.%s", [i, list])} if {
	some [i, list, cidr] in internet_sources
	not ports_unknown(ingress[i])
	not within_authorized(ingress[i])
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
	ports_unknown(ingress[i])
}

unknown contains {"message": sprintf("a source of ingress rule %d could not be determined", [i]), "path": sprintf("ingress.%d.%s", [i, list])} if {
	some i, rule in ingress
	is_object(rule)
	not lib.is_unknown(rule)
	some list in ["cidr_ipv4", "cidr_ipv6"]
	lib.contains_unknown(rule[list])
	not within_authorized(rule)
}
