package vouch.rules.edge_waf_attached

import data.vouch.lib
import rego.v1

metadata := {
	"id": "edge-waf-attached",
	"name": "edge-waf-missing",
	"title": "Public web entry points are protected by a non-empty WAF web ACL",
	"description": "Internet-facing Application Load Balancers, CloudFront distributions and REST API stages have an AWS WAF web ACL attached, and every web ACL holds at least one rule or rule group. Internal load balancers, NLBs/GWLBs and HTTP/WebSocket API stages (which WAF cannot protect) are not judged. A policy sees one resource, so the web ACL attached to an entry point is judged for emptiness on its own resource. PCI DSS 6.4.2 also accepts non-WAF solutions: a fail means no AWS WAF evidence. The kinds are told apart by their attributes (load_balancer_type, cache_behaviors, stage_name, rule_count).",
	"severity": "high",
	"kinds": ["aws.elbv2.load_balancer", "aws.cloudfront.distribution", "aws.apigateway.stage", "aws.wafv2.web_acl"],
	"inputs": ["web_acl", "rule_count"],
	"remediation": "Associate a web ACL with AWS managed rule groups (aws_wafv2_web_acl_association for ALBs and REST stages, web_acl_id on CloudFront distributions) and give every web ACL at least one rule.",
	"status": "stable",
	"parameters": {},
}

# --- which entry point is this -----------------------------------------------------------------

load_balancer if lib.has_key(input, "load_balancer_type")

distribution if lib.has_key(input, "cache_behaviors")

stage if lib.has_key(input, "stage_name")

web_acl if lib.has_key(input, "rule_count")

# Applicability: known to be a public entry point WAF can protect.
applicable if {
	load_balancer
	input.load_balancer_type == "application"
	input.scheme == "internet-facing"
}

applicable if distribution

applicable if {
	stage
	input.api_type == "rest"
}

applicability_unknown if {
	load_balancer
	not excluded_lb
	some k in ["load_balancer_type", "scheme"]
	lib.not_determined(input, k)
}

excluded_lb if input.load_balancer_type in {"network", "gateway"}

excluded_lb if input.scheme == "internal"

applicability_unknown if {
	stage
	lib.not_determined(input, "api_type")
}

deny contains {"message": "no waf web acl is attached to this public entry point", "path": "web_acl"} if {
	applicable
	input.web_acl == null
}

deny contains {"message": "no waf web acl is attached to this public entry point", "path": "web_acl"} if {
	applicable
	input.web_acl == ""
}

deny contains {"message": "the web acl has no rules", "path": "rule_count"} if {
	web_acl
	input.rule_count == 0
}

unknown contains {"message": "whether this is a public entry point could not be determined", "path": "scheme"} if applicability_unknown

unknown contains {"message": "the attached web acl could not be determined", "path": "web_acl"} if {
	applicable
	lib.not_determined(input, "web_acl")
}

unknown contains {"message": "the web acl's rules could not be determined", "path": "rule_count"} if {
	web_acl
	lib.not_determined(input, "rule_count")
}
