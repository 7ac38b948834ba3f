package vouch.rules.alb_http_request_hardening

import data.vouch.lib
import rego.v1

metadata := {
	"id": "alb-http-request-hardening",
	"name": "alb-http-request-unhardened",
	"title": "ALBs drop invalid headers and use defensive desync mitigation",
	"description": "Application Load Balancers drop invalid HTTP header fields and run HTTP desync mitigation in defensive or strictest mode, against request smuggling and header injection. Network and Gateway Load Balancers are not judged. Both settings have AWS defaults (drop off, defensive), which the adapters write when the source omits them.",
	"severity": "medium",
	"kinds": ["aws.elbv2.load_balancer"],
	"inputs": ["load_balancer_type", "drop_invalid_header_fields", "desync_mitigation_mode"],
	"remediation": "Set drop_invalid_header_fields = true and desync_mitigation_mode = \"defensive\" or \"strictest\" (CloudFormation LoadBalancerAttributes routing.http.drop_invalid_header_fields.enabled and routing.http.desync_mitigation_mode).",
	"status": "stable",
	"parameters": {},
}

alb if input.load_balancer_type == "application"

deny contains {"message": "the load balancer does not drop invalid header fields", "path": "drop_invalid_header_fields"} if {
	alb
	input.drop_invalid_header_fields == false
}

deny contains {"message": sprintf("desync mitigation mode is %s, not defensive or strictest", [input.desync_mitigation_mode]), "path": "desync_mitigation_mode"} if {
	alb
	is_string(input.desync_mitigation_mode)
	not input.desync_mitigation_mode in {"defensive", "strictest"}
}

unknown contains u if some u in lib.unknown_keys(input, ["load_balancer_type"])

unknown contains u if {
	alb
	some u in lib.unknown_keys(input, ["drop_invalid_header_fields", "desync_mitigation_mode"])
}
