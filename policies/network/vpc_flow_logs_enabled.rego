package vouch.rules.vpc_flow_logs_enabled

import data.vouch.lib
import rego.v1

# From IaC, a VPC with no flow log in the scanned configuration fails: the catalogue's check
# is "an aws_flow_log for each aws_vpc", and a flow log declared in another repository can be
# recorded with a waiver. ACCEPT-only flow logs miss rejected traffic, the signal that matters
# most for investigations, so they do not count.
metadata := {
	"id": "vpc-flow-logs-enabled",
	"name": "vpc-flow-logs-disabled",
	"title": "VPC flow logs are enabled for every VPC",
	"description": "Each VPC has a flow log capturing ALL or at least REJECT traffic to CloudWatch Logs, S3 or Firehose (live: in ACTIVE state). Flow logs on subnets or interfaces only do not count; an ACCEPT-only flow log does not count.",
	"severity": "medium",
	"kinds": ["aws.ec2.vpc"],
	"inputs": ["flow_logs"],
	"remediation": "Add an aws_flow_log with vpc_id set to the VPC, traffic_type = \"ALL\" (or \"REJECT\") and a log destination.",
	"status": "stable",
	"parameters": {},
}

logs := input.flow_logs if is_array(input.flow_logs) else := []

good(f) if {
	f.traffic_type in {"ALL", "REJECT"}
	not f.status in {"FAILED", "DELETING", "DELETED"}
	not lib.is_unknown(f.status)
}

good_exists if {
	some f in logs
	good(f)
}

maybe_good(f) if lib.is_unknown(f)

maybe_good(f) if {
	is_object(f)
	not lib.is_unknown(f)
	lib.is_unknown(f.traffic_type)
}

maybe_good(f) if {
	is_object(f)
	f.traffic_type in {"ALL", "REJECT"}
	lib.is_unknown(f.status)
}

deny contains {"message": "the vpc has no flow log", "path": "flow_logs"} if {
	is_array(input.flow_logs)
	count(logs) == 0
}

deny contains {"message": "no flow log of the vpc captures all or rejected traffic", "path": "flow_logs"} if {
	count(logs) > 0
	not good_exists
	not any_maybe
}

any_maybe if {
	some f in logs
	maybe_good(f)
}

unknown contains {"message": "a flow log that could not be determined may cover the vpc", "path": "flow_logs"} if {
	not good_exists
	any_maybe
}

unknown contains u if some u in lib.unknown_keys(input, ["flow_logs"])
