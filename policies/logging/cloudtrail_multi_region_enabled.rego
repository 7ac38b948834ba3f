package vouch.rules.cloudtrail_multi_region_enabled

import data.vouch.lib
import rego.v1

metadata := {
	"id": "cloudtrail-multi-region-enabled",
	"name": "cloudtrail-not-multi-region",
	"title": "A multi-region CloudTrail trail records all management events",
	"description": "Each trail is logging, multi-region, includes global service events and records read and write management events with no excluded event sources. (That at least one such trail exists in an account is an account-level check.)",
	"severity": "critical",
	"kinds": ["aws.cloudtrail.trail"],
	"inputs": ["is_multi_region_trail", "is_logging", "include_global_service_events", "event_selectors", "advanced_event_selectors"],
	"remediation": "Set is_multi_region_trail = true, include_global_service_events = true, keep logging on, and record all management events (read_write_type All, include_management_events true, no exclude_management_event_sources).",
	"status": "stable",
	"parameters": {},
}

flags := {
	"is_multi_region_trail": "the trail is not multi-region",
	"is_logging": "the trail is not logging",
	"include_global_service_events": "the trail does not include global service events",
}

deny contains {"message": msg, "path": k} if {
	some k, msg in flags
	input[k] == false
}

unknown contains u if some u in lib.unknown_keys(input, ["is_multi_region_trail", "is_logging", "include_global_service_events"])

# --- management events ---------------------------------------------------------------------

basic := input.event_selectors if is_array(input.event_selectors)

basic := [] if input.event_selectors == null

advanced := input.advanced_event_selectors if is_array(input.advanced_event_selectors)

advanced := [] if input.advanced_event_selectors == null

selectors_known if {
	is_array(basic)
	is_array(advanced)
	not lib.contains_unknown(basic)
	not lib.contains_unknown(advanced)
}

# A basic selector recording management events of the given read/write type, none excluded.
basic_covers(rw) if {
	some s in basic
	s.include_management_events == true
	s.read_write_type in {"All", rw}
	count(object.get(s, "exclude_management_event_sources", [])) == 0
}

# An advanced selector for management events without a readOnly or eventSource filter.
advanced_covers_all if {
	some s in advanced
	some f in s.field_selectors
	f.field == "eventCategory"
	"Management" in f.equals
	every g in s.field_selectors {
		not g.field in {"readOnly", "eventSource"}
	}
}

records_all_management if {
	count(basic) == 0
	count(advanced) == 0
}

records_all_management if {
	count(advanced) == 0
	basic_covers("ReadOnly")
	basic_covers("WriteOnly")
}

records_all_management if {
	count(advanced) > 0
	advanced_covers_all
}

selector_path := "advanced_event_selectors" if count(advanced) > 0

selector_path := "event_selectors" if count(advanced) == 0

deny contains {"message": "the trail does not record all read and write management events", "path": selector_path} if {
	selectors_known
	not records_all_management
}

unknown contains {"message": "event selectors could not be determined", "path": k} if {
	some k in ["event_selectors", "advanced_event_selectors"]
	lib.contains_unknown(object.get(input, k, []))
}
