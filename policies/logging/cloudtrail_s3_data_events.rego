package vouch.rules.cloudtrail_s3_data_events

import data.vouch.lib
import rego.v1

# Judged per trail: "some trail in the account logs S3 data events" is an account-level
# question; per trail, a trail that does not is reported, and waivers name the trails that
# are not meant to (e.g. a second, management-only trail).
metadata := {
	"id": "cloudtrail-s3-data-events",
	"name": "cloudtrail-no-s3-data-events",
	"title": "CloudTrail records S3 object-level read and write events",
	"description": "The trail records S3 object-level data events, both reads and writes, through basic event selectors (data resource AWS::S3::Object, read_write_type All or one selector per direction) or advanced selectors (eventCategory Data, resources.type AWS::S3::Object). With require_all_buckets (the default, as CIS 3.8/3.9) the selector must cover every bucket (`arn:aws:s3` / `arn:aws:s3:::`, or no resources.ARN filter); set it to false to accept selectors scoped to in-scope buckets.",
	"severity": "medium",
	"kinds": ["aws.cloudtrail.trail"],
	"inputs": ["event_selectors", "advanced_event_selectors"],
	"remediation": "Add an event selector with a data_resource of type AWS::S3::Object and values [\"arn:aws:s3\"] and read_write_type All, or an advanced event selector with eventCategory = Data and resources.type = AWS::S3::Object.",
	"status": "stable",
	"parameters": {"require_all_buckets": true},
}

all_buckets := lib.param(metadata, "require_all_buckets")

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

rw_types := {"read": {"All", "ReadOnly"}, "write": {"All", "WriteOnly"}}

read_only_value := {"read": "true", "write": "false"}

every_bucket_arn(v) if regex.match(`^arn:aws[a-z-]*:s3(:::)?$`, v)

s3_resource_ok(dr) if {
	dr.type == "AWS::S3::Object"
	not all_buckets
}

s3_resource_ok(dr) if {
	dr.type == "AWS::S3::Object"
	all_buckets
	some v in dr.values
	every_bucket_arn(v)
}

covers(dir) if {
	some s in basic
	s.read_write_type in rw_types[dir]
	some dr in s.data_resources
	s3_resource_ok(dr)
}

field(s, name) := [f | some f in s.field_selectors; f.field == name]

allowed_fields := {"eventCategory", "resources.type", "readOnly"} if all_buckets
else := {"eventCategory", "resources.type", "readOnly", "resources.ARN"}

covers(dir) if {
	some s in advanced
	some c in field(s, "eventCategory")
	"Data" in c.equals
	some t in field(s, "resources.type")
	"AWS::S3::Object" in t.equals
	every f in s.field_selectors {
		f.field in allowed_fields
	}
	read_only_ok(s, dir)
}

read_only_ok(s, _) if count(field(s, "readOnly")) == 0

read_only_ok(s, dir) if {
	some r in field(s, "readOnly")
	read_only_value[dir] in r.equals
}

selector_path := "advanced_event_selectors" if count(advanced) > 0

selector_path := "event_selectors" if count(advanced) == 0

deny contains {"message": sprintf("the trail does not record s3 object-level %s events%s", [dir, scope]), "path": selector_path} if {
	selectors_known
	some dir in ["read", "write"]
	not covers(dir)
	scope := {true: " for all buckets", false: ""}[all_buckets]
}

unknown contains {"message": "event selectors could not be determined", "path": k} if {
	some k in ["event_selectors", "advanced_event_selectors"]
	lib.contains_unknown(object.get(input, k, []))
}

unknown contains u if some u in lib.unknown_keys(input, ["event_selectors", "advanced_event_selectors"])
