//! Adapters: fold raw collector output into normalized [`crate::model::Resource`]s of
//! canonical kinds. Joins between native resources happen here, never in policies.

pub mod aws;
pub mod cloudformation;
pub mod terraform;

use serde_json::{Map, Value};

use crate::model::{unknown, unknown_reason};

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
