package vouch.rules.nacl_no_public_admin_ports

import data.vouch.lib
import rego.v1

# Entries are judged one by one: an allow entry is reported even when a lower-numbered deny
# entry shadows it only if that deny is not known to cover the same source and port, since
# NACLs evaluate in rule-number order and the first match wins.
metadata := {
	"id": "nacl-no-public-admin-ports",
	"name": "nacl-public-admin-port",
	"title": "No network ACL allows internet ingress to SSH/RDP",
	"description": "No inbound allow entry from 0.0.0.0/0 or ::/0 covers an administrative port (22 and 3389 by default), including all-protocol entries, unless a lower-numbered deny entry for the same internet source already covers that port.",
	"severity": "medium",
	"kinds": ["aws.ec2.network_acl"],
	"inputs": ["ingress"],
	"remediation": "Remove the allow entry or narrow its source to known networks; add a lower-numbered deny entry for 0.0.0.0/0 and ::/0 on ports 22 and 3389.",
	"status": "stable",
	"parameters": {"admin_ports": [22, 3389]},
}

ports := lib.param(metadata, "admin_ports")

ingress := input.ingress if is_array(input.ingress) else := []

# Open entries: [index, list, port].
open contains [i, list, port] if {
	some i, e in ingress
	e.rule_action == "allow"
	some list in ["cidr_ipv4", "cidr_ipv6"]
	lib.internet_cidr_value(e[list])
	some port in ports
	lib.nacl_entry_covers_port(e, port)
}

# A lower-numbered deny entry for the internet on that port wins over the allow.
shadowed(i, list, port) if {
	some d in ingress
	is_object(d)
	d.rule_action == "deny"
	lib.internet_cidr_value(d[list])
	lib.nacl_entry_covers_port(d, port)
	is_number(d.rule_number)
	is_number(ingress[i].rule_number)
	d.rule_number < ingress[i].rule_number
}

# An entry that could not be determined may be a lower-numbered deny (e.g. the other entries
# of an ACL outside the scanned configuration): then the allow is not known to apply.
maybe_shadowed if {
	some d in ingress
	lib.contains_unknown(d)
}

deny contains {"message": sprintf("ingress entry %v allows %s to port %d", [ingress[i].rule_number, ingress[i][list], port]), "path": sprintf("ingress.%d", [i])} if {
	some [i, list, port] in open
	not shadowed(i, list, port)
	not maybe_shadowed
}

unknown contains {"message": "network acl entries could not be determined", "path": "ingress"} if {
	lib.not_determined(input, "ingress")
}

unknown contains {"message": sprintf("ingress entry %d could not be determined", [i]), "path": sprintf("ingress.%d", [i])} if {
	some i, e in ingress
	lib.contains_unknown(e)
}
