package vouch.rules.vpc_default_sg_closed

import data.vouch.lib
import rego.v1

# The default group is the one named "default": AWS gives every VPC's default group that
# name and refuses it for any other group, so the name identifies it in every source.
# Other groups pass: this rule has nothing to say about them.
metadata := {
	"id": "vpc-default-sg-closed",
	"name": "vpc-default-sg-open",
	"title": "Default security groups allow no traffic",
	"description": "The default security group of each VPC (the group named \"default\"; Terraform aws_default_security_group) has no inbound and no outbound rules, so resources must use purpose-built groups. Other groups are not judged.",
	"severity": "medium",
	"kinds": ["aws.ec2.security_group"],
	"inputs": ["ingress", "egress"],
	"remediation": "Manage the default group with an aws_default_security_group resource that declares no ingress and no egress blocks (that removes every rule), and move resources to dedicated groups.",
	"status": "stable",
	"parameters": {},
}

is_default if input.name == "default"

# A group known not to be a default group is not judged, whatever its rules: the engine's
# safety net would otherwise make it unknown whenever its (irrelevant) rules are.
out_of_scope if {
	is_string(input.name)
	input.name != "default"
}

# A declared group without a name gets a generated one (Terraform and CloudFormation say
# "group name is generated ..."); any other unknown name (a stand-in, a failed call) may be
# "default".
out_of_scope if {
	lib.is_unknown(input.name)
	startswith(input.name.__unknown__, "group name is generated")
}

deny contains {"message": sprintf("the default security group has %d %s rules", [count(input[dir]), dir]), "path": dir} if {
	is_default
	some dir in ["ingress", "egress"]
	is_array(input[dir])
	count(input[dir]) > 0
	some r in input[dir]
	not lib.is_unknown(r)
}

unknown contains {"message": sprintf("the default security group's %s rules could not be determined", [dir]), "path": dir} if {
	is_default
	some dir in ["ingress", "egress"]
	lib.not_determined(input, dir)
}

unknown contains {"message": sprintf("the default security group may have %s rules that could not be determined", [dir]), "path": dir} if {
	is_default
	some dir in ["ingress", "egress"]
	is_array(input[dir])
	some r in input[dir]
	lib.is_unknown(r)
}

# A declared group whose name is generated or unknown is not a default group (AWS refuses the
# name "default"); only a group outside the scanned configuration, seen through rules added
# to it, may be one.
unknown contains {"message": "whether this is a default security group could not be determined", "path": "name"} if {
	lib.is_unknown(input.name)
	contains(input.name.__unknown__, "not part of the scanned configuration")
	some dir in ["ingress", "egress"]
	is_array(input[dir])
	count(input[dir]) > 0
}
