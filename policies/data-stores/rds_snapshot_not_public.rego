package vouch.rules.rds_snapshot_not_public

import data.vouch.lib
import rego.v1

metadata := {
	"id": "rds-snapshot-not-public",
	"name": "rds-snapshot-public",
	"title": "RDS snapshots are not shared publicly",
	"description": "A DB or cluster snapshot whose restore attribute holds `all` can be copied and restored by any AWS account, which hands over the whole database. Shared with named accounts is fine.",
	"severity": "critical",
	"kinds": ["aws.rds.snapshot"],
	"inputs": ["shared_accounts"],
	"remediation": "Remove `all` from shared_accounts (aws rds modify-db-snapshot-attribute --values-to-remove all); share with named account IDs instead.",
	"status": "stable",
	"parameters": {},
}

public(accounts) if {
	some a in accounts
	is_string(a)
	lower(a) == "all"
}

deny contains {"message": "the snapshot can be restored by every aws account", "path": "shared_accounts"} if {
	is_array(input.shared_accounts)
	public(input.shared_accounts)
}

unknown contains u if some u in lib.unknown_keys(input, ["shared_accounts"])

unknown contains {"message": "an account the snapshot is shared with could not be determined", "path": "shared_accounts"} if {
	is_array(input.shared_accounts)
	not public(input.shared_accounts)
	some a in input.shared_accounts
	lib.is_unknown(a)
}
