package vouch.rules.ec2_imdsv2_required

import data.vouch.lib
import rego.v1

# Not setting http_tokens fails: the effective default comes from the AMI's ImdsSupport and
# the account's instance metadata defaults, which a configuration does not show, and the rule
# asks for the requirement to be explicit (as Security Hub EC2.8/EC2.170 and CIS 5.6 do).
# An instance launched from a launch template without its own metadata options takes the
# template's, which is judged as its own resource; from the instance alone it is unknown.
metadata := {
	"id": "ec2-imdsv2-required",
	"name": "ec2-imdsv1-allowed",
	"title": "Instance metadata requires IMDSv2 session tokens",
	"description": "Instances, launch templates and launch configurations set metadata http_tokens to required, or disable the metadata endpoint. Leaving http_tokens unset fails: the effective value then depends on the AMI and account defaults and is optional unless they say otherwise.",
	"severity": "high",
	"kinds": ["aws.ec2.instance", "aws.ec2.launch_template", "aws.autoscaling.launch_configuration"],
	"inputs": ["metadata_options"],
	"remediation": "Add metadata_options { http_tokens = \"required\" } (CloudFormation MetadataOptions HttpTokens: required); set http_put_response_hop_limit = 2 for containers on the instance.",
	"status": "stable",
	"parameters": {},
}

mo := input.metadata_options

protected if mo.http_tokens == "required"

protected if mo.http_endpoint == "disabled"

from_template if {
	lib.has_key(input, "launch_template")
	input.launch_template != null
}

deny contains {"message": "instance metadata options are not configured, so imdsv1 may be allowed", "path": "metadata_options"} if {
	lib.has_key(input, "metadata_options")
	mo == null
	not from_template
}

deny contains {"message": sprintf("http_tokens is %s, so imdsv1 is allowed", [mo.http_tokens]), "path": "metadata_options.http_tokens"} if {
	lib.known(mo)
	mo.http_tokens == "optional"
	not protected
	not lib.is_unknown(mo.http_endpoint)
}

deny contains {"message": "http_tokens is not set to required, so imdsv1 may be allowed", "path": "metadata_options.http_tokens"} if {
	lib.known(mo)
	lib.has_key(mo, "http_tokens")
	mo.http_tokens == null
	not protected
	not lib.is_unknown(mo.http_endpoint)
	not from_template
}

unknown contains {"message": "metadata options come from the launch template", "path": "launch_template"} if {
	mo == null
	from_template
}

unknown contains {"message": "metadata options come from the launch template", "path": "launch_template"} if {
	lib.known(mo)
	mo.http_tokens == null
	not protected
	from_template
}

unknown contains u if some u in lib.unknown_keys(input, ["metadata_options"])

unknown contains {"message": "http_tokens could not be determined", "path": "metadata_options.http_tokens"} if {
	lib.known(mo)
	not protected
	lib.is_unknown(mo.http_tokens)
}

unknown contains {"message": "http_endpoint could not be determined", "path": "metadata_options.http_endpoint"} if {
	lib.known(mo)
	not protected
	lib.is_unknown(mo.http_endpoint)
}
