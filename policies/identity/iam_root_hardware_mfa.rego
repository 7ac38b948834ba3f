package vouch.rules.iam_root_hardware_mfa

import data.vouch.lib
import rego.v1

metadata := {
	"id": "iam-root-hardware-mfa",
	"name": "iam-root-virtual-mfa",
	"title": "The root user uses a hardware MFA device",
	"description": "A hardware TOTP token or FIDO key cannot be cloned with the phone that holds a virtual MFA app. A root user with no MFA fails too. Live AWS only (root-user facts are not manageable in IaC).",
	"severity": "high",
	"kinds": ["aws.iam.account"],
	"inputs": ["root.mfa_enabled", "root.virtual_mfa"],
	"remediation": "Replace the root user's virtual MFA device with a FIDO security key or hardware TOTP token.",
	"status": "stable",
	"parameters": {},
}

deny contains {"message": "the root user has no mfa device", "path": "root.mfa_enabled"} if {
	input.root.mfa_enabled == false
}

deny contains {"message": "the root user's mfa is a virtual device, not a hardware key", "path": "root.virtual_mfa"} if {
	input.root.mfa_enabled == true
	input.root.virtual_mfa == true
}

unknown contains {"message": "root mfa could not be determined", "path": "root.mfa_enabled"} if {
	not is_boolean(input.root.mfa_enabled)
}

unknown contains {"message": "the kind of root mfa device could not be determined", "path": "root.virtual_mfa"} if {
	input.root.mfa_enabled == true
	not is_boolean(input.root.virtual_mfa)
}
