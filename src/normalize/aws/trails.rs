//! The CloudTrail trail state ([`crate::collect::aws::cloudtrail`]) joined onto the
//! `aws.cloudtrail.trail` resources built from AWS Config items, by trail ARN (and account):
//! `is_logging` from `cloudtrail:GetTrailStatus`, `event_selectors` and
//! `advanced_event_selectors` from `cloudtrail:GetEventSelectors`, in the snake_case shapes
//! the Terraform and CloudFormation adapters give the same kind.
//!
//! A failed call leaves its attributes the unknown marker it recorded; a failed listing
//! (`DescribeTrails`) makes the three attributes of every trail of the account its unknown
//! marker. A trail with a state
//! document but no Config item (the inventory did not read trails in its region) gets no
//! resource of its own: the inventory stand-in of that region already says the trails were
//! not read, and the trail's other attributes (multi-region, log file validation, KMS) would
//! all be unknown.

use serde_json::{json, Value};

use crate::collect::aws::raw::{RawKind, RawResource};
use crate::model::{unknown, unknown_reason, AttributeSource, Resource};

const TRAIL: &str = "aws.cloudtrail.trail";
const STATUS: &str = "cloudtrail:GetTrailStatus";
const SELECTORS: &str = "cloudtrail:GetEventSelectors";

pub(super) fn join_trail_states(out: &mut [Resource], raws: &[RawResource]) {
    // A failed listing: every trail of the account the listing would have covered carries
    // its reason (they were all read in place of facts, so no trail state is joined).
    for raw in raws.iter().filter(|r| r.kind == RawKind::TrailState) {
        let Some(failed) = raw
            .data
            .get("DescribeTrails")
            .filter(|v| unknown_reason(v).is_some())
        else {
            continue;
        };
        for trail in out
            .iter_mut()
            .filter(|r| r.kind == TRAIL && r.account == raw.account)
        {
            if let Some(m) = trail.attributes.as_object_mut() {
                for attribute in ["is_logging", "event_selectors", "advanced_event_selectors"] {
                    m.insert(attribute.into(), failed.clone());
                }
            }
            for attribute in ["is_logging", "event_selectors", "advanced_event_selectors"] {
                trail.provenance.attribute_sources.insert(
                    attribute.to_owned(),
                    AttributeSource {
                        operation: "cloudtrail:DescribeTrails".to_owned(),
                        field: None,
                        captured_at: None,
                        note: Some("the account's trails could not be listed".to_owned()),
                    },
                );
            }
        }
    }
    for raw in raws.iter().filter(|r| r.kind == RawKind::TrailState) {
        let Some(trail) = out.iter_mut().find(|r| {
            r.kind == TRAIL && r.account == raw.account && r.arn.as_deref() == Some(&raw.arn)
        }) else {
            continue;
        };
        let status = raw
            .data
            .get("GetTrailStatus")
            .cloned()
            .unwrap_or_else(|| unknown("cloudtrail:GetTrailStatus answer not recorded"));
        let is_logging = if unknown_reason(&status).is_some() {
            status
        } else {
            match status.get("IsLogging") {
                Some(v @ Value::Bool(_)) => v.clone(),
                Some(v) if unknown_reason(v).is_some() => v.clone(),
                other => unknown(format!(
                    "cloudtrail:GetTrailStatus IsLogging is not a boolean: {}",
                    other.unwrap_or(&Value::Null)
                )),
            }
        };
        let selectors = raw
            .data
            .get("GetEventSelectors")
            .cloned()
            .unwrap_or_else(|| unknown("cloudtrail:GetEventSelectors answer not recorded"));
        let (basic, advanced) = if unknown_reason(&selectors).is_some() {
            (selectors.clone(), selectors)
        } else {
            (
                list(&selectors, "EventSelectors", basic_selector),
                list(&selectors, "AdvancedEventSelectors", advanced_selector),
            )
        };
        if let Some(m) = trail.attributes.as_object_mut() {
            m.insert("is_logging".into(), is_logging);
            m.insert("event_selectors".into(), basic);
            m.insert("advanced_event_selectors".into(), advanced);
        }
        let sources = [
            ("is_logging", STATUS, "IsLogging"),
            ("event_selectors", SELECTORS, "EventSelectors"),
            (
                "advanced_event_selectors",
                SELECTORS,
                "AdvancedEventSelectors",
            ),
        ];
        for (attribute, operation, field) in sources {
            trail.provenance.attribute_sources.insert(
                attribute.to_owned(),
                AttributeSource {
                    operation: operation.to_owned(),
                    field: Some(field.to_owned()),
                    captured_at: None,
                    note: None,
                },
            );
        }
        for call in [STATUS, SELECTORS] {
            if !trail.provenance.api_calls.iter().any(|c| c == call) {
                trail.provenance.api_calls.push(call.to_owned());
            }
        }
        trail.provenance.api_calls.sort();
        trail
            .provenance
            .joined
            .push(format!("cloudtrail:GetEventSelectors/{}", raw.arn));
    }
}

/// The list under `key` shaped element by element; an absent list is empty (AWS omits it).
fn list(d: &Value, key: &str, shape: fn(&Value) -> Value) -> Value {
    match d.get(key) {
        None | Some(Value::Null) => json!([]),
        Some(Value::Array(items)) => Value::Array(items.iter().map(shape).collect()),
        Some(v) => unknown(format!("{key} is not a list: {v}")),
    }
}

fn strings(d: &Value, key: &str) -> Value {
    match d.get(key) {
        None | Some(Value::Null) => json!([]),
        Some(Value::Array(items)) => Value::Array(
            items
                .iter()
                .map(|i| match i {
                    Value::String(_) => i.clone(),
                    other => unknown(format!("element of {key} is not a string: {other}")),
                })
                .collect(),
        ),
        Some(v) => unknown(format!("{key} is not a list: {v}")),
    }
}

fn string(d: &Value, key: &str, default: Option<&str>) -> Value {
    match (d.get(key), default) {
        (Some(Value::String(s)), _) => json!(s),
        (None | Some(Value::Null), Some(def)) => json!(def),
        (None | Some(Value::Null), None) => Value::Null,
        (Some(v), _) => unknown(format!("{key} is not a string: {v}")),
    }
}

/// A basic selector; AWS's defaults (`All`, management events included) when a field is
/// omitted, as the IaC adapters default them.
fn basic_selector(s: &Value) -> Value {
    json!({
        "read_write_type": string(s, "ReadWriteType", Some("All")),
        "include_management_events": match s.get("IncludeManagementEvents") {
            None | Some(Value::Null) => json!(true),
            Some(v @ Value::Bool(_)) => v.clone(),
            Some(v) => unknown(format!("IncludeManagementEvents is not a boolean: {v}")),
        },
        "exclude_management_event_sources": strings(s, "ExcludeManagementEventSources"),
        "data_resources": list(s, "DataResources", |d| json!({
            "type": string(d, "Type", None),
            "values": strings(d, "Values"),
        })),
    })
}

fn advanced_selector(s: &Value) -> Value {
    json!({
        "name": string(s, "Name", None),
        "field_selectors": list(s, "FieldSelectors", |f| json!({
            "field": string(f, "Field", None),
            "equals": strings(f, "Equals"),
            "not_equals": strings(f, "NotEquals"),
            "starts_with": strings(f, "StartsWith"),
            "not_starts_with": strings(f, "NotStartsWith"),
            "ends_with": strings(f, "EndsWith"),
            "not_ends_with": strings(f, "NotEndsWith"),
        })),
    })
}
