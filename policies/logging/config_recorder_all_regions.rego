package vouch.rules.config_recorder_all_regions

import data.vouch.lib
import rego.v1

# Judged per region: live collection writes one aws.config.recorder per enabled region, also
# where no recorder exists, so "every region" is the set of these outcomes. Global resource
# types need recording in one region only, which a per-region rule cannot decide, so
# include_global_resource_types is not judged here (CIS 3.3 and Security Hub Config.1 accept
# a single region recording them).
metadata := {
	"id": "config-recorder-all-regions",
	"name": "config-recorder-not-recording",
	"title": "AWS Config records all resource types in every region",
	"description": "In each region a configuration recorder exists, is recording all supported resource types, has a delivery channel, and (where the status is known, i.e. live) its last recording attempt did not fail. Global resource types need to be recorded in one region only and are not judged per region.",
	"severity": "high",
	"kinds": ["aws.config.recorder"],
	"inputs": ["exists", "recording", "all_supported", "delivery_channel"],
	"remediation": "Create a configuration recorder with recording_group all_supported = true in every region, start it (aws_config_configuration_recorder_status is_enabled = true) and give it a delivery channel.",
	"status": "stable",
	"parameters": {},
}

deny contains {"message": "no configuration recorder exists in the region", "path": "exists"} if {
	input.exists == false
}

deny contains {"message": "the configuration recorder is not recording", "path": "recording"} if {
	input.exists == true
	input.recording == false
}

deny contains {"message": "the recorder does not record all supported resource types", "path": "all_supported"} if {
	input.exists == true
	input.all_supported != true
	lib.known(input.all_supported)
}

deny contains {"message": "the recorder does not record all supported resource types", "path": "all_supported"} if {
	input.exists == true
	lib.has_key(input, "all_supported")
	input.all_supported == null
}

deny contains {"message": "the region has no delivery channel", "path": "delivery_channel"} if {
	input.exists == true
	lib.has_key(input, "delivery_channel")
	input.delivery_channel == null
}

deny contains {"message": sprintf("the recorder's last status is %s", [input.last_status]), "path": "last_status"} if {
	input.exists == true
	input.last_status == "FAILURE"
}

unknown contains u if some u in lib.unknown_keys(input, ["exists"])

unknown contains u if {
	input.exists == true
	some u in lib.unknown_keys(input, ["recording", "all_supported", "delivery_channel"])
}
