//! Native helpers that policies call through `data.vouch.lib`, registered on every engine as
//! regorus extensions. They exist for speed: written in Rego, a deep walk for unknown markers
//! or an IAM wildcard match dominated evaluation time on real templates (measured with
//! `bench/run`), while here they are a plain loop. Their Rego-visible behaviour is tested
//! through the lib wrappers in `policies/lib/vouch.rego`.
//!
//! Rule parameters are served the same way: a `data.vouch.params[id][name]` lookup made
//! regorus walk every loaded module on each call (4x the cost of a simple rule).

use std::collections::BTreeMap;
use std::sync::{Arc, PoisonError, RwLock};

use regorus::Value;

use crate::model::UNKNOWN_KEY;

/// Parameter overrides, rule ID → parameter → value, shared by every clone of an engine.
pub(crate) type SharedParams = Arc<RwLock<BTreeMap<String, BTreeMap<String, Value>>>>;

/// Registers every helper on `engine`; `vouch_param` answers from `params`.
pub(crate) fn register(engine: &mut regorus::Engine, params: SharedParams) -> anyhow::Result<()> {
    engine.add_extension(
        "vouch_param".to_owned(),
        3,
        Box::new(move |args: Vec<Value>| {
            let (Some(Value::String(id)), Some(Value::String(name)), Some(default)) =
                (args.first(), args.get(1), args.get(2))
            else {
                return Ok(Value::Undefined);
            };
            let params = params.read().unwrap_or_else(PoisonError::into_inner);
            let value = params.get(id.as_ref()).and_then(|p| p.get(name.as_ref()));
            Ok(value.unwrap_or(default).clone())
        }),
    )?;
    engine.add_extension(
        "vouch_contains_unknown".to_owned(),
        1,
        Box::new(|args: Vec<Value>| Ok(Value::Bool(args.first().is_some_and(contains_unknown)))),
    )?;
    engine.add_extension(
        "vouch_action_matches".to_owned(),
        2,
        Box::new(|args: Vec<Value>| {
            let matched = match (args.first(), args.get(1)) {
                (Some(Value::String(pattern)), Some(Value::String(action))) => {
                    wildcard_match(pattern.as_bytes(), action.as_bytes())
                }
                _ => false,
            };
            Ok(Value::Bool(matched))
        }),
    )?;
    engine.add_extension(
        "vouch_matched_actions".to_owned(),
        2,
        Box::new(|args: Vec<Value>| match (args.first(), args.get(1)) {
            (Some(patterns), Some(actions)) => Ok(matched_actions(patterns, actions)),
            _ => Ok(Value::Undefined),
        }),
    )?;
    Ok(())
}

/// The strings of `actions` (a set or an array) that one of the string `patterns` (one string
/// or an array; anything else is skipped) matches as an IAM action pattern, as a set.
fn matched_actions(patterns: &Value, actions: &Value) -> Value {
    let patterns: Vec<&str> = match patterns {
        Value::String(p) => vec![p.as_ref()],
        Value::Array(items) => items
            .iter()
            .filter_map(|p| match p {
                Value::String(p) => Some(p.as_ref()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let candidates: Box<dyn Iterator<Item = &Value>> = match actions {
        Value::Set(items) => Box::new(items.iter()),
        Value::Array(items) => Box::new(items.iter()),
        _ => Box::new(std::iter::empty()),
    };
    let matched: std::collections::BTreeSet<Value> = candidates
        .filter(|action| match action {
            Value::String(action) => patterns
                .iter()
                .any(|p| wildcard_match(p.as_bytes(), action.as_bytes())),
            _ => false,
        })
        .cloned()
        .collect();
    Value::from(matched)
}

/// True when `x` is the unknown marker or holds one at any depth.
fn contains_unknown(x: &Value) -> bool {
    contains_unknown_within(x, MAX_DEPTH)
}

/// Deeper than any real attribute; past it a value counts as unknown (never a pass), so
/// hostile nesting cannot exhaust a worker's stack.
const MAX_DEPTH: usize = 256;

fn contains_unknown_within(x: &Value, depth: usize) -> bool {
    let inner = |v: &Value| depth == 0 || contains_unknown_within(v, depth - 1);
    match x {
        Value::Object(map) => {
            matches!(map.get(&Value::from(UNKNOWN_KEY)), Some(Value::String(_)))
                || map.values().any(inner)
        }
        Value::Array(items) => items.iter().any(inner),
        Value::Set(items) => items.iter().any(inner),
        _ => false,
    }
}

/// IAM-style wildcard match, ASCII case-insensitive: `*` matches any run, `?` one byte.
fn wildcard_match(pattern: &[u8], text: &[u8]) -> bool {
    // Greedy matching with one backtrack point: linear in practice, never exponential.
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(b'*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == b'?' || c.eq_ignore_ascii_case(&text[t]) => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_follow_iam_semantics() {
        for (pattern, action, expected) in [
            ("s3:*", "s3:GetObject", true),
            ("S3:get*", "s3:GetObject", true),
            ("*", "iam:PassRole", true),
            ("iam:Pass?ole", "iam:PassRole", true),
            ("iam:*Policy", "iam:PutRolePolicy", true),
            ("iam:*Policy", "iam:PutRolePolicyVersion", false),
            ("kms:Decrypt", "kms:Encrypt", false),
            ("", "x", false),
            ("a*b*c", "aXbYc", true),
            ("a*b*c", "aXbY", false),
        ] {
            assert_eq!(
                wildcard_match(pattern.as_bytes(), action.as_bytes()),
                expected,
                "{pattern} vs {action}"
            );
        }
    }

    #[test]
    fn matched_actions_keeps_the_actions_a_pattern_matches() {
        let actions: Value =
            serde_json::json!(["iam:passrole", "s3:getobject", "iam:putrolepolicy"]).into();
        let matched = |patterns: serde_json::Value| {
            let set = matched_actions(&patterns.into(), &actions);
            serde_json::to_value(&set).unwrap_or_default()
        };
        assert_eq!(
            matched(serde_json::json!(["IAM:Pass*", 7, "s3:Get?bject"])),
            serde_json::json!(["iam:passrole", "s3:getobject"])
        );
        assert_eq!(
            matched(serde_json::json!("iam:*")),
            serde_json::json!(["iam:passrole", "iam:putrolepolicy"])
        );
        assert_eq!(
            matched(serde_json::json!({"a": "*"})),
            serde_json::json!([])
        );
    }

    #[test]
    fn unknown_markers_are_found_at_any_depth() {
        let deep: Value =
            serde_json::json!({"a": [{"b": {"c": [{"d": {"e": {"f": {"__unknown__": "why"}}}}]}}]})
                .into();
        assert!(contains_unknown(&deep));
        let known: Value = serde_json::json!({"a": [{"__unknown__": 3}], "b": "x"}).into();
        assert!(!contains_unknown(&known));
        let mut hostile = Value::from(1);
        for _ in 0..1_000 {
            hostile = Value::from(vec![hostile]);
        }
        assert!(contains_unknown(&hostile), "too deep to tell is unknown");
    }
}
