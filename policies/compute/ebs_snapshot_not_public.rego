package vouch.rules.ebs_snapshot_not_public

import data.vouch.lib
import rego.v1

# Two kinds: the regional Block Public Access setting (IaC and live) and, live, each snapshot's
# createVolumePermission. The catalogue asks for block-all-sharing; block-new-sharing leaves
# snapshots that are already public reachable, so it does not pass.
metadata := {
	"id": "ebs-snapshot-not-public",
	"name": "ebs-snapshot-public",
	"title": "EBS snapshots are not publicly restorable",
	"description": "Snapshot Block Public Access is block-all-sharing in the region (block-new-sharing leaves already public snapshots public), and no snapshot grants createVolumePermission to the group all.",
	"severity": "critical",
	"kinds": ["aws.ec2.snapshot_block_public_access", "aws.ec2.snapshot"],
	"inputs": ["state", "create_volume_permissions"],
	"remediation": "Enable snapshot Block Public Access with state block-all-sharing (aws_ebs_snapshot_block_public_access) in every region, and remove the all group from snapshots' createVolumePermission.",
	"status": "stable",
	"parameters": {},
}

deny contains {"message": sprintf("snapshot block public access is %s, not block-all-sharing", [input.state]), "path": "state"} if {
	is_string(input.state)
	input.state != "block-all-sharing"
}

deny contains {"message": "snapshot block public access is not configured", "path": "state"} if {
	lib.has_key(input, "state")
	input.state == null
}

deny contains {"message": "the snapshot can be restored by everyone", "path": sprintf("create_volume_permissions.%d.group", [i])} if {
	is_array(input.create_volume_permissions)
	some i, p in input.create_volume_permissions
	p.group == "all"
}

unknown contains {"message": "snapshot block public access could not be determined", "path": "state"} if {
	lib.is_unknown(input.state)
}

unknown contains {"message": "the snapshot's volume permissions could not be determined", "path": "create_volume_permissions"} if {
	lib.has_key(input, "create_volume_permissions")
	lib.contains_unknown(input.create_volume_permissions)
}
