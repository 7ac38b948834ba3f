//! Adapters: fold raw collector output into normalized [`crate::model::Resource`]s of
//! canonical kinds. Joins between native resources happen here, never in policies.

pub mod aws;
pub mod cloudformation;
pub mod terraform;

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::model::{unknown, unknown_reason, Location};

/// Makes unknown what joined sub-resources that may not exist wrote: every attribute whose
/// location lies in such a sub-resource's block (`uncertain`: the block and why it may not
/// exist; a Terraform `count` or a CloudFormation `Condition` that could not be decided).
/// With the sub-resource absent the attribute would not be set, so neither value can be
/// judged as the resource's. Shared by the Terraform and CloudFormation builders.
pub(crate) fn unknown_where_uncertain(
    attrs: &mut Map<String, Value>,
    locations: &BTreeMap<String, Location>,
    uncertain: &[(Location, String)],
) {
    for (block, reason) in uncertain {
        for (path, at) in locations {
            let inside = at.file == block.file
                && at.start_line >= block.start_line
                && at.end_line <= block.end_line;
            let key = path.split('.').next().unwrap_or(path);
            if inside && attrs.contains_key(key) {
                attrs.insert(key.to_owned(), unknown(reason.clone()));
            }
        }
    }
}

/// A map whose values the service stores as strings (Lambda environment variables): numbers
/// and booleans become their text, unknown markers stay, anything else is unknown. Shared
/// by the Terraform and CloudFormation adapters so both give policies the same shape.
pub(crate) fn string_map(m: &Map<String, Value>) -> Value {
    Value::Object(
        m.iter()
            .map(|(k, v)| {
                let v = match v {
                    Value::String(_) => v.clone(),
                    _ if unknown_reason(v).is_some() => v.clone(),
                    Value::Number(n) => Value::String(n.to_string()),
                    Value::Bool(x) => Value::String(x.to_string()),
                    other => unknown(format!("`{k}` is not a string: {other}")),
                };
                (k.clone(), v)
            })
            .collect(),
    )
}
