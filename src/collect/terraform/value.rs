//! Runtime values of the Terraform language, represented as `serde_json::Value`.
//!
//! Mapping: `null`, `bool`, `number`, `string` are themselves; lists, tuples and sets are
//! arrays (sets sorted and de-duplicated); maps and objects are objects (keys in lexical
//! order, as Terraform iterates them). A value that cannot be determined is the unknown
//! marker of [`crate::model::unknown`]. A string holding `${...}` was produced by a
//! reference to a computed attribute of a managed resource (literal `${` in source is
//! written `$${` and never reaches here unescaped): it is "set, value known after apply".

use serde_json::{Map, Number, Value};

use crate::model::{first_unknown, unknown, unknown_reason};

/// Builds an unknown marker.
pub fn unk(reason: impl Into<String>) -> Value {
    unknown(reason)
}

/// Prefix of the reason of an unknown that stands for an evaluation error (what `try` and
/// `can` catch), as opposed to a value that is merely not known before apply.
pub const ERROR_PREFIX: &str = "evaluation error: ";

/// An unknown standing for an evaluation error (bad index, missing attribute, type error).
pub fn error(msg: impl std::fmt::Display) -> Value {
    unk(format!("{ERROR_PREFIX}{msg}"))
}

/// True when `v` contains an evaluation error anywhere.
pub fn is_error(v: &Value) -> bool {
    first_unknown(v).is_some_and(|r| r.starts_with(ERROR_PREFIX))
}

/// True when `v` itself is an unknown marker.
pub fn is_unknown(v: &Value) -> bool {
    unknown_reason(v).is_some()
}

/// True when a string value contains a computed-attribute reference (`${...}`).
pub fn is_placeholder(s: &str) -> bool {
    s.contains("${")
}

/// True when `v` contains a computed-attribute reference string anywhere.
pub fn has_placeholder(v: &Value) -> bool {
    match v {
        Value::String(s) => is_placeholder(s),
        Value::Array(a) => a.iter().any(has_placeholder),
        Value::Object(m) => m.values().any(has_placeholder),
        _ => false,
    }
}

/// Reason used when an operation would have to inspect a value known only after apply.
pub fn after_apply(s: &str) -> Value {
    unk(format!(
        "value of {} is known only after apply",
        abbreviate(s)
    ))
}

/// `s`, or its first 100 characters and `…` when it is longer (a whole rendered policy
/// document would bury the reason it is quoted in).
fn abbreviate(s: &str) -> String {
    match s.char_indices().nth(100) {
        Some((end, _)) => format!("{}…", &s[..end]),
        None => s.to_owned(),
    }
}

/// Makes a JSON number from an `f64`, preferring an integer representation when exact.
pub fn num(f: f64) -> Value {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 9.0e15 {
        #[expect(
            clippy::cast_possible_truncation,
            reason = "checked integral and in range"
        )]
        return Value::Number(Number::from(f as i64));
    }
    Number::from_f64(f).map_or_else(|| unk("number is not finite"), Value::Number)
}

/// Numeric value of `v` (numbers, and strings that parse as numbers like Terraform converts).
pub fn as_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
        _ => None,
    }
}

/// Integer value of `v`, when it is integral.
pub fn as_i64(v: &Value) -> Option<i64> {
    let f = as_f64(v)?;
    if f.fract() == 0.0 && f.abs() < 9.0e15 {
        #[expect(
            clippy::cast_possible_truncation,
            reason = "checked integral and in range"
        )]
        Some(f as i64)
    } else {
        None
    }
}

/// Converts a primitive to its string form as Terraform does (`tostring`, interpolation).
pub fn to_str(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(fmt_number(n)),
        _ => None,
    }
}

/// Formats a number without a trailing `.0` for integral values.
pub fn fmt_number(n: &Number) -> String {
    if let Some(i) = n.as_i64() {
        return i.to_string();
    }
    if let Some(u) = n.as_u64() {
        return u.to_string();
    }
    match n.as_f64() {
        Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => {
            #[expect(
                clippy::cast_possible_truncation,
                reason = "checked integral and in range"
            )]
            let i = f as i64;
            i.to_string()
        }
        Some(f) => f.to_string(),
        None => n.to_string(),
    }
}

/// Converts to bool as Terraform does (`true`/`"true"`).
pub fn to_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s == "true" => Some(true),
        Value::String(s) if s == "false" => Some(false),
        _ => None,
    }
}

/// A short type name for messages.
pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "list",
        Value::Object(_) => "object",
    }
}

/// Terraform equality: numbers compare numerically, everything else structurally.
pub fn values_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| values_equal(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| values_equal(v, w)))
        }
        _ => a == b,
    }
}

/// Sorts and de-duplicates values to make a set (deterministic order).
pub fn to_set(items: Vec<Value>) -> Vec<Value> {
    let mut keyed: Vec<(String, Value)> = items.into_iter().map(|v| (set_key(&v), v)).collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    keyed.dedup_by(|a, b| a.0 == b.0);
    keyed.into_iter().map(|(_, v)| v).collect()
}

fn set_key(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => fmt_number(n),
        other => other.to_string(),
    }
}

/// An object from pairs.
pub fn object(pairs: impl IntoIterator<Item = (String, Value)>) -> Value {
    Value::Object(pairs.into_iter().collect::<Map<String, Value>>())
}

/// Renders a value as a key for an instance address: `["k"]` or `[0]`.
pub fn render_key(v: &Value) -> String {
    match v {
        Value::Number(n) => format!("[{}]", fmt_number(n)),
        Value::String(s) => format!("[{}]", quote(s)),
        other => format!("[{other}]"),
    }
}

/// Quotes a string the way Terraform renders instance keys (JSON-style escaping).
pub fn quote(s: &str) -> String {
    Value::String(s.to_owned()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_prefer_integers() {
        assert_eq!(num(3.0), json!(3));
        assert_eq!(num(1.5), json!(1.5));
        assert_eq!(to_str(&json!(2)), Some("2".to_owned()));
        assert_eq!(as_i64(&json!("7")), Some(7));
    }

    #[test]
    fn sets_are_sorted_and_unique() {
        assert_eq!(
            to_set(vec![json!("b"), json!("a"), json!("b")]),
            vec![json!("a"), json!("b")]
        );
        assert_eq!(render_key(&json!("logs")), "[\"logs\"]");
        assert_eq!(render_key(&json!(0)), "[0]");
    }
}
