package vouch.rules.ec2_no_public_ip

import data.vouch.lib
import rego.v1

# An instance or launch configuration that does not set associate_public_ip_address follows
# its subnet's map_public_ip_on_launch, which subnet-no-auto-public-ip judges; this rule
# reports explicit requests (and, live, instances that have a public address).
metadata := {
	"id": "ec2-no-public-ip",
	"name": "ec2-public-ip",
	"title": "Instances and launch templates do not get public IPs",
	"description": "EC2 instances, launch template network interfaces and Auto Scaling launch configurations do not ask for a public IPv4 address (live: instances have none). When the setting is left to the subnet, subnet-no-auto-public-ip is the rule that judges it.",
	"severity": "medium",
	"kinds": ["aws.ec2.instance", "aws.ec2.launch_template", "aws.autoscaling.launch_configuration"],
	"inputs": ["associate_public_ip_address", "network_interfaces"],
	"remediation": "Set associate_public_ip_address = false and reach the instances through a load balancer, NAT gateway or SSM Session Manager instead.",
	"status": "stable",
	"parameters": {},
}

deny contains {"message": "the instance gets a public ip address", "path": "associate_public_ip_address"} if {
	input.associate_public_ip_address == true
}

deny contains {"message": sprintf("network interface %d gets a public ip address", [i]), "path": sprintf("network_interfaces.%d.associate_public_ip_address", [i])} if {
	is_array(input.network_interfaces)
	some i, ni in input.network_interfaces
	ni.associate_public_ip_address == true
}

unknown contains {"message": "whether the instance gets a public ip address could not be determined", "path": "associate_public_ip_address"} if {
	lib.is_unknown(input.associate_public_ip_address)
}

unknown contains {"message": "the network interfaces could not be determined", "path": "network_interfaces"} if {
	lib.is_unknown(input.network_interfaces)
}

unknown contains {"message": sprintf("whether network interface %d gets a public ip address could not be determined", [i]), "path": sprintf("network_interfaces.%d", [i])} if {
	is_array(input.network_interfaces)
	some i, ni in input.network_interfaces
	lib.contains_unknown(ni)
	not ni.associate_public_ip_address in {false, null}
}
