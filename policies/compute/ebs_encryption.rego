package vouch.rules.ebs_encryption

import data.vouch.lib
import rego.v1

metadata := {
	"id": "ebs-encryption",
	"name": "ebs-unencrypted",
	"title": "EBS encryption by default is on and volumes are encrypted",
	"description": "Each region has EBS encryption by default enabled and every volume is encrypted: volumes and their snapshots can hold copies of any data the instance processed.",
	"severity": "medium",
	"kinds": ["aws.ec2.volume", "aws.ec2.ebs_encryption_by_default"],
	"inputs": ["encrypted", "encryption_by_default"],
	"remediation": "Set encrypted = true on volumes (CloudFormation Encrypted: true) and enable EBS encryption by default in every region (Terraform aws_ebs_encryption_by_default).",
	"status": "stable",
	"parameters": {},
}

# aws.ec2.volume carries `encrypted`, aws.ec2.ebs_encryption_by_default carries
# `encryption_by_default`; a resource has exactly one of them.
volume if lib.has_key(input, "encrypted")

regional_default if lib.has_key(input, "encryption_by_default")

deny contains {"message": "the volume is not encrypted", "path": "encrypted"} if {
	input.encrypted == false
}

deny contains {"message": "ebs encryption by default is disabled", "path": "encryption_by_default"} if {
	input.encryption_by_default == false
}

unknown contains {"message": "volume encryption could not be determined", "path": "encrypted"} if {
	volume
	not lib.known(input.encrypted)
}

unknown contains {"message": "ebs encryption by default could not be determined", "path": "encryption_by_default"} if {
	regional_default
	not lib.known(input.encryption_by_default)
}

unknown contains {"message": "neither volume encryption nor encryption by default is reported", "path": "encrypted"} if {
	not volume
	not regional_default
}
