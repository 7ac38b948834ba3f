package vouch.rules.waf_logging_enabled

import data.vouch.lib
import rego.v1

metadata := {
	"id": "waf-logging-enabled",
	"name": "waf-logging-disabled",
	"title": "WAF web ACL logging is enabled",
	"description": "Every web ACL sends its logs (allowed and blocked requests) to CloudWatch Logs, S3 or Firehose, so WAF detections can be reviewed and rules tuned.",
	"severity": "medium",
	"kinds": ["aws.wafv2.web_acl"],
	"inputs": ["logging"],
	"remediation": "Add a logging configuration (Terraform aws_wafv2_web_acl_logging_configuration, CloudFormation AWS::WAFv2::LoggingConfiguration) with a destination whose name starts with aws-waf-logs-.",
	"status": "stable",
	"parameters": {},
}

deny contains {"message": "the web acl does not log requests", "path": "logging"} if {
	lib.has_key(input, "logging")
	input.logging == null
}

deny contains {"message": "the web acl's logging configuration has no destination", "path": "logging.destinations"} if {
	is_array(input.logging.destinations)
	count(input.logging.destinations) == 0
}

unknown contains {"message": "the logging configuration could not be determined", "path": "logging"} if lib.not_determined(input, "logging")

unknown contains {"message": "the log destinations could not be determined", "path": "logging.destinations"} if {
	lib.known(input.logging)
	lib.is_unknown(input.logging.destinations)
}
