//! Parallel evaluation: every (rule, resource of a matching kind) pair becomes exactly one
//! [`Outcome`]. Workers clone the prepared engine once (rayon `map_init`), never print, and
//! the result is sorted before it leaves this module, so thread order never shows.

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;
use serde_json::Value;

use crate::engine::outcome::{
    fingerprint, Evidence, Observation, ObservedState, Outcome, ResourceRef, Status,
};
use crate::engine::policy::{PolicySet, Rule};
use crate::model::{self, Resource};

/// A message with the attribute it is about, as a policy's `deny`/`unknown` set yields it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Verdict {
    message: String,
    path: Option<String>,
}

/// Evaluates every rule over every resource of a kind it declares.
///
/// `digests` maps a file path to its SHA-256, to record which input each verdict rests on.
pub fn evaluate(
    policies: &PolicySet,
    resources: &[Resource],
    digests: &BTreeMap<String, String>,
) -> Vec<Outcome> {
    let mut by_kind: BTreeMap<&str, Vec<&Rule>> = BTreeMap::new();
    for rule in &policies.rules {
        for kind in &rule.meta.kinds {
            by_kind.entry(kind.as_str()).or_default().push(rule);
        }
    }
    // Resource by resource, so that each resource is converted to a regorus value once and
    // shared (reference-counted) by all its rules: converting per (rule, resource) pair cost
    // as much as evaluating the cheaper rules.
    let mut outcomes: Vec<Outcome> = resources
        .par_iter()
        .map_init(
            || policies.engine.clone(),
            |engine, resource| {
                let Some(rules) = by_kind.get(resource.kind.as_str()) else {
                    return Vec::new();
                };
                let input = regorus::Value::from(resource.attributes.clone());
                rules
                    .iter()
                    .map(|rule| judge(engine, rule, resource, &input, digests))
                    .collect::<Vec<_>>()
            },
        )
        .flatten_iter()
        .collect();
    outcomes.sort_by(Outcome::output_order);
    outcomes
}

/// Evaluates one rule on one resource, whose attributes `input` holds as a regorus value.
/// Used by scans and by policy tests.
pub(crate) fn judge(
    engine: &mut regorus::Engine,
    rule: &Rule,
    resource: &Resource,
    input: &regorus::Value,
    digests: &BTreeMap<String, String>,
) -> Outcome {
    engine.set_input(input.clone());
    let verdicts = eval_set(engine, rule, "deny")
        .and_then(|deny| eval_set(engine, rule, "unknown").map(|unknown| (deny, unknown)));
    // Whether the rule leaves this resource out matters only when nothing fired and the
    // safety net would, so `out_of_scope` is evaluated only then.
    let verdicts = verdicts.and_then(|(deny, unknown)| {
        let out_of_scope = rule.has_out_of_scope
            && deny.is_empty()
            && unknown.is_empty()
            && rule
                .meta
                .inputs
                .iter()
                .any(|p| model::lookup(&resource.attributes, p).is_err())
            && eval_flag(engine, rule, "out_of_scope")?;
        Ok((deny, unknown, out_of_scope))
    });
    let (status, messages, focus) = match verdicts {
        Err(message) => (Status::Error, vec![message], None),
        Ok((deny, unknown, out_of_scope)) => {
            classify(rule, &resource.attributes, deny, unknown, out_of_scope)
        }
    };
    let message = match status {
        Status::Pass => rule.meta.title.clone(),
        _ => messages.first().cloned().unwrap_or_default(),
    };
    let location = focus
        .as_deref()
        .and_then(|p| resource.attribute_location(p))
        .or(resource.location.as_ref())
        .cloned();
    let resource_ref = ResourceRef {
        kind: resource.kind.clone(),
        address: resource.address.clone(),
        arn: resource.arn.clone(),
    };
    Outcome {
        rule_id: rule.meta.id.clone(),
        rule_name: rule.meta.name.clone(),
        status,
        severity: rule.meta.severity,
        fingerprint: fingerprint(&rule.meta.id, &resource_ref),
        resource: resource_ref,
        location,
        message,
        waiver: None,
        in_baseline: false,
        evidence: evidence(rule, resource, focus.as_deref(), messages, digests),
    }
}

/// Turns the policy's sets into a status, the sorted messages and the attribute in focus.
/// `out_of_scope`: the rule said, from known values, that it does not judge the resource.
fn classify(
    rule: &Rule,
    attributes: &Value,
    deny: Vec<Verdict>,
    unknown: Vec<Verdict>,
    out_of_scope: bool,
) -> (Status, Vec<String>, Option<String>) {
    // A deny about a path whose value is unknown cannot be a failure: nobody knows it.
    let (unknown_denies, denies): (Vec<Verdict>, Vec<Verdict>) = deny.into_iter().partition(|v| {
        v.path
            .as_deref()
            .is_some_and(|p| model::lookup(attributes, p).is_err())
    });
    if !denies.is_empty() {
        let focus = denies.iter().find_map(|v| v.path.clone());
        return (Status::Fail, messages(&denies), focus);
    }
    let mut unknown: Vec<Verdict> = unknown.into_iter().chain(unknown_denies).collect();
    // The safety net: a pass needs every declared input known, unless the rule does not
    // judge the resource at all.
    if unknown.is_empty() && !out_of_scope {
        for path in &rule.meta.inputs {
            if let Err(reason) = model::lookup(attributes, path) {
                unknown.push(Verdict {
                    message: format!("{path} is unknown: {reason}"),
                    path: Some(path.clone()),
                });
            }
        }
    }
    if !unknown.is_empty() {
        unknown.sort();
        let focus = unknown.iter().find_map(|v| v.path.clone());
        return (Status::Unknown, messages(&unknown), focus);
    }
    (Status::Pass, Vec::new(), None)
}

fn messages(verdicts: &[Verdict]) -> Vec<String> {
    let set: BTreeSet<&str> = verdicts.iter().map(|v| v.message.as_str()).collect();
    set.into_iter().map(str::to_owned).collect()
}

/// Evaluates a boolean rule of a policy (`out_of_scope`); undefined is false.
fn eval_flag(engine: &mut regorus::Engine, rule: &Rule, name: &str) -> Result<bool, String> {
    let value = engine
        .eval_rule(format!("{}.{name}", rule.package))
        .map_err(|e| format!("policy evaluation failed: {e}"))?;
    Ok(value == regorus::Value::Bool(true))
}

/// Evaluates `deny` or `unknown` of a rule; an undefined set is empty.
fn eval_set(engine: &mut regorus::Engine, rule: &Rule, set: &str) -> Result<Vec<Verdict>, String> {
    if set == "unknown" && !rule.has_unknown {
        return Ok(Vec::new());
    }
    let value = engine
        .eval_rule(format!("{}.{set}", rule.package))
        .map_err(|e| format!("policy evaluation failed: {e}"))?;
    if value == regorus::Value::Undefined {
        return Ok(Vec::new());
    }
    let json = match serde_json::to_value(&value) {
        Ok(json) => json,
        Err(e) => return Err(format!("policy returned a value that is not JSON: {e}")),
    };
    let items = match json {
        Value::Array(items) => items,
        Value::Null => Vec::new(),
        other => return Err(format!("`{set}` must be a set, got {other}")),
    };
    let mut verdicts: Vec<Verdict> = items
        .into_iter()
        .map(|item| match item {
            Value::String(message) => Verdict {
                message,
                path: None,
            },
            Value::Object(map) => Verdict {
                message: map
                    .get("message")
                    .or_else(|| map.get("msg"))
                    .and_then(Value::as_str)
                    .unwrap_or("policy gave no message")
                    .to_owned(),
                path: map.get("path").and_then(Value::as_str).map(str::to_owned),
            },
            other => Verdict {
                message: other.to_string(),
                path: None,
            },
        })
        .collect();
    verdicts.sort();
    Ok(verdicts)
}

fn evidence(
    rule: &Rule,
    resource: &Resource,
    focus: Option<&str>,
    messages: Vec<String>,
    digests: &BTreeMap<String, String>,
) -> Evidence {
    let mut paths: Vec<&str> = rule.meta.inputs.iter().map(String::as_str).collect();
    if let Some(focus) = focus {
        if !paths.contains(&focus) {
            paths.push(focus);
        }
    }
    let provenance = resource.provenance.for_paths(&paths);
    let observed = paths
        .into_iter()
        .map(|path| {
            let (state, value) = match model::lookup(&resource.attributes, path) {
                Ok(Some(Value::Null)) | Ok(None) => (ObservedState::Absent, None),
                Ok(Some(v)) => (ObservedState::Set, Some(v.clone())),
                Err(reason) => (
                    ObservedState::Unknown,
                    Some(Value::String(reason.to_owned())),
                ),
            };
            Observation {
                path: path.to_owned(),
                state,
                value,
                location: resource.attribute_locations.get(path).cloned(),
            }
        })
        .collect();
    Evidence {
        resource_location: resource.location.clone(),
        input_sha256: resource
            .location
            .as_ref()
            .and_then(|l| digests.get(&l.file).cloned()),
        source: resource.source,
        account: resource.account.clone(),
        region: resource.region.clone(),
        module_chain: resource.module_chain.clone(),
        provenance,
        observed,
        messages,
    }
}
