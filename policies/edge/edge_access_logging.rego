package vouch.rules.edge_access_logging

import data.vouch.lib
import rego.v1

metadata := {
	"id": "edge-access-logging",
	"name": "edge-access-logging-disabled",
	"title": "Internet entry points write access logs",
	"description": "Application and Classic Load Balancers, CloudFront distributions and API Gateway stages write access logs; REST API stages also have execution logging at ERROR or INFO for all methods (method settings '*/*'). NLBs and GWLBs are not judged. Internal load balancers are judged too: request evidence at a boundary matters whether it faces the internet or a peered network.",
	"severity": "medium",
	"kinds": ["aws.elbv2.load_balancer", "aws.elb.load_balancer", "aws.cloudfront.distribution", "aws.apigateway.stage"],
	"inputs": ["access_logging", "execution_logging_level"],
	"remediation": "Enable access logs (aws_lb access_logs { enabled = true, bucket }, aws_elb access_logs, aws_cloudfront_distribution logging_config, API Gateway access_log_settings) and REST execution logging (aws_api_gateway_method_settings method_path \"*/*\" settings { logging_level = \"ERROR\" }).",
	"status": "stable",
	"parameters": {},
}

judged if not lib.has_key(input, "load_balancer_type")

judged if input.load_balancer_type == "application"

type_unknown if lib.is_unknown(input.load_balancer_type)

rest_stage if {
	lib.has_key(input, "stage_name")
	input.api_type == "rest"
}

deny contains {"message": "access logging is disabled", "path": "access_logging.enabled"} if {
	judged
	input.access_logging.enabled == false
}

deny contains {"message": sprintf("rest execution logging is %s, not ERROR or INFO", [input.execution_logging_level]), "path": "execution_logging_level"} if {
	rest_stage
	is_string(input.execution_logging_level)
	not input.execution_logging_level in {"ERROR", "INFO"}
}

deny contains {"message": "rest execution logging is not configured", "path": "execution_logging_level"} if {
	rest_stage
	input.execution_logging_level == null
}

unknown contains {"message": "the load balancer type could not be determined", "path": "load_balancer_type"} if type_unknown

unknown contains {"message": "access logging could not be determined", "path": "access_logging"} if {
	judged
	lib.not_determined(input, "access_logging")
}

unknown contains {"message": "access logging could not be determined", "path": "access_logging.enabled"} if {
	judged
	lib.known(input.access_logging)
	lib.not_determined(input.access_logging, "enabled")
}

unknown contains {"message": "execution logging could not be determined", "path": "execution_logging_level"} if {
	rest_stage
	lib.is_unknown(input.execution_logging_level)
}

unknown contains {"message": "the api type could not be determined", "path": "api_type"} if {
	lib.has_key(input, "stage_name")
	lib.is_unknown(input.api_type)
}
