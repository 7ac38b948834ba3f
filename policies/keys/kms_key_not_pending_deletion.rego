package vouch.rules.kms_key_not_pending_deletion

import data.vouch.lib
import rego.v1

metadata := {
	"id": "kms-key-not-pending-deletion",
	"name": "kms-key-pending-deletion",
	"title": "Customer managed KMS keys are not scheduled for deletion unexpectedly",
	"description": "A customer managed key in PendingDeletion (or PendingReplicaDeletion) is flagged so an unintended deletion can be cancelled before the data under it becomes unrecoverable. Deletion is an API action, so only live data shows it; IaC has no key state (null). The catalogue's optional IaC check, a deletion window shorter than min_deletion_window_days, is opt-in: the default 7 is the AWS minimum, so no window fails unless the parameter is raised (30 is the AWS default window). Scanning the corpus showed 7-10 day windows in most key modules; failing them at this rule's high severity would bury the live signal the rule exists for.",
	"severity": "high",
	"kinds": ["aws.kms.key"],
	"inputs": ["key_state", "deletion_window_days", "key_manager"],
	"remediation": "Cancel the deletion (aws kms cancel-key-deletion) if it was not intended; keep deletion windows at 30 days.",
	"status": "stable",
	"parameters": {"min_deletion_window_days": 7},
}

customer if input.key_manager == "CUSTOMER"

deny contains {"message": sprintf("the key is scheduled for deletion (%s)", [input.key_state]), "path": "key_state"} if {
	customer
	input.key_state in {"PendingDeletion", "PendingReplicaDeletion"}
}

deny contains {"message": sprintf("the deletion window is %d days, shorter than %d", [input.deletion_window_days, min]), "path": "deletion_window_days"} if {
	customer
	min := lib.param(metadata, "min_deletion_window_days")
	is_number(input.deletion_window_days)
	input.deletion_window_days < min
}

unknown contains {"message": "whether the key is customer managed could not be determined", "path": "key_manager"} if lib.not_determined(input, "key_manager")

unknown contains {"message": "the key state could not be determined", "path": "key_state"} if {
	customer
	lib.is_unknown(input.key_state)
}

unknown contains {"message": "the deletion window could not be determined", "path": "deletion_window_days"} if {
	customer
	lib.is_unknown(input.deletion_window_days)
}
