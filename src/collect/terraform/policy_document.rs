//! `data "aws_iam_policy_document"`: the one data source whose result Terraform computes from
//! its arguments alone, without calling AWS.
//!
//! Most Terraform code builds its IAM, bucket, key, topic and queue policies with it, so
//! leaving it unknown (as every other data source is: read at apply time) would leave the
//! rules that read those policies `unknown` on most real projects. This module renders its
//! `json` and `minified_json` the way the AWS provider does: source documents first, then the
//! configured statements, then the override documents, a statement with a non-empty `Sid`
//! replacing the earlier one with that `Sid`; single-element lists rendered as a string, the
//! `"*"` principal as `"*"`. Anything unknown in the arguments makes the document unknown
//! with that reason, as in Terraform; a malformed argument is an evaluation error.
//!
//! One deliberate difference: the provider turns the `&{aws:username}` escape of IAM policy
//! variables into `${aws:username}`. Here a `${` inside a string means "set, value known only
//! after apply" (see [`super::value`]), so the escape is kept as written: both forms are
//! the same to every rule (neither is a wildcard).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::hcl::ast::Lines;
use super::value::{self, error, is_placeholder};
use crate::model::first_unknown;

/// The data source type this module renders.
pub const TYPE: &str = "aws_iam_policy_document";

/// The policy language version the provider defaults to.
const DEFAULT_VERSION: &str = "2012-10-17";

/// Sets the computed `json` and `minified_json` of one evaluated instance from its
/// arguments (an unknown or an error marker when the document cannot be rendered), and
/// records in `lines` where each rendered statement that came from one of its `statement`
/// blocks was written (`json.Statement.N`), so findings about it point at that block.
pub fn render(values: &mut Map<String, Value>, lines: &mut BTreeMap<String, Lines>) {
    let (pretty, minified) = match document(values) {
        Ok(doc) => {
            for (n, (_, origin)) in doc.statements.iter().enumerate() {
                let block = origin.and_then(|i| lines.get(&format!("statement.{i}")));
                if let Some(&at) = block {
                    lines.insert(format!("json.Statement.{n}"), at);
                }
            }
            let doc = doc.into_value();
            (
                serde_json::to_string_pretty(&doc).map_or_else(error, Value::String),
                serde_json::to_string(&doc).map_or_else(error, Value::String),
            )
        }
        Err(marker) => (marker.clone(), marker),
    };
    values.insert("json".to_owned(), pretty);
    values.insert("minified_json".to_owned(), minified);
}

/// A policy document being merged: each statement with the index of the `statement` block
/// it was rendered from (`None`: from a source or override document).
struct Doc {
    version: String,
    id: Option<Value>,
    statements: Vec<(Map<String, Value>, Option<usize>)>,
}

impl Doc {
    /// The provider's merge: a later `Id` wins, the higher version wins, and a statement
    /// with a non-empty `Sid` replaces the statement with the same `Sid`, others append.
    fn merge(&mut self, other: Doc) {
        if other.id.is_some() {
            self.id = other.id;
        }
        if other.version > self.version {
            self.version = other.version;
        }
        for stmt in other.statements {
            match sid(&stmt.0) {
                Some(s) => match self.statements.iter_mut().find(|e| sid(&e.0) == Some(s)) {
                    Some(existing) => *existing = stmt,
                    None => self.statements.push(stmt),
                },
                None => self.statements.push(stmt),
            }
        }
    }

    fn into_value(self) -> Value {
        let mut doc = Map::new();
        doc.insert("Version".to_owned(), Value::String(self.version));
        if let Some(id) = self.id {
            doc.insert("Id".to_owned(), id);
        }
        doc.insert(
            "Statement".to_owned(),
            Value::Array(
                self.statements
                    .into_iter()
                    .map(|(s, _)| Value::Object(s))
                    .collect(),
            ),
        );
        Value::Object(doc)
    }
}

/// A statement's non-empty `Sid`.
fn sid(stmt: &Map<String, Value>) -> Option<&str> {
    stmt.get("Sid")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// The merged document, or the unknown/error marker that stands for it.
fn document(values: &Map<String, Value>) -> Result<Doc, Value> {
    let arg = |name: &str| -> Result<Option<&Value>, Value> {
        match values.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => match first_unknown(v) {
                Some(reason) => Err(value::unk(format!("{name}: {reason}"))),
                None => Ok(Some(v)),
            },
        }
    };
    let mut merged = Doc {
        version: String::new(),
        id: None,
        statements: Vec::new(),
    };
    // Provider v4's `source_json`, then `source_policy_documents`, whose Sids must be unique.
    let mut sources = Vec::new();
    if let Some(v) = arg("source_json")? {
        sources.push(parse_json("source_json", v)?);
    }
    for (i, v) in list(arg("source_policy_documents")?, "source_policy_documents")?
        .iter()
        .enumerate()
    {
        if !v.is_null() {
            sources.push(parse_json(&format!("source_policy_documents[{i}]"), v)?);
        }
    }
    let mut seen = Vec::new();
    for source in sources {
        for (stmt, _) in &source.statements {
            if let Some(s) = sid(stmt) {
                if seen.contains(&s.to_owned()) {
                    return Err(error(format!(
                        "duplicate Sid {s:?} in the source policy documents"
                    )));
                }
                seen.push(s.to_owned());
            }
        }
        merged.merge(source);
    }

    let version = match arg("version")? {
        Some(v) => scalar("version", v)?,
        None => DEFAULT_VERSION.to_owned(),
    };
    let id = arg("policy_id")?
        .map(|v| scalar("policy_id", v).map(Value::String))
        .transpose()?;
    let mut statements = Vec::new();
    for (i, block) in list(arg("statement")?, "statement")?.iter().enumerate() {
        let stmt = statement(block).map_err(|e| error(format!("statement[{i}]: {e}")))?;
        if let Some(s) = sid(&stmt) {
            if statements.iter().any(|(e, _)| sid(e) == Some(s)) {
                return Err(error(format!("duplicate Sid {s:?} in the statements")));
            }
        }
        statements.push((stmt, Some(i)));
    }
    merged.merge(Doc {
        version,
        id,
        statements,
    });

    for (i, v) in list(
        arg("override_policy_documents")?,
        "override_policy_documents",
    )?
    .iter()
    .enumerate()
    {
        if !v.is_null() {
            merged.merge(parse_json(&format!("override_policy_documents[{i}]"), v)?);
        }
    }
    if let Some(v) = arg("override_json")? {
        merged.merge(parse_json("override_json", v)?);
    }
    Ok(merged)
}

/// The elements of a list argument (absent: none).
fn list<'v>(v: Option<&'v Value>, name: &str) -> Result<&'v [Value], Value> {
    match v {
        None => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(other) => Err(error(format!(
            "{name} must be a list, got {}",
            value::type_name(other)
        ))),
    }
}

/// A string-like scalar argument as text.
fn scalar(name: &str, v: &Value) -> Result<String, Value> {
    value::to_str(v).ok_or_else(|| {
        error(format!(
            "{name} must be a string, got {}",
            value::type_name(v)
        ))
    })
}

/// A JSON policy document given as a string (source or override).
fn parse_json(name: &str, v: &Value) -> Result<Doc, Value> {
    let text = scalar(name, v)?;
    let parsed: Value = match serde_json::from_str(&text) {
        Ok(p) => p,
        // `${...}` in the text: a reference to an attribute known only after apply.
        Err(_) if is_placeholder(&text) => return Err(value::after_apply(&text)),
        Err(e) => return Err(error(format!("{name} is not valid JSON: {e}"))),
    };
    let Value::Object(mut doc) = parsed else {
        return Err(error(format!("{name} is not a JSON object")));
    };
    let statements = match doc.remove("Statement") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Object(one)) => vec![(one, None)],
        Some(Value::Array(items)) => items
            .into_iter()
            .map(|s| match s {
                Value::Object(m) => Ok((m, None)),
                _ => Err(error(format!(
                    "{name} has a statement that is not an object"
                ))),
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(error(format!("{name} has a malformed Statement"))),
    };
    Ok(Doc {
        version: doc
            .get("Version")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        id: doc.remove("Id"),
        statements,
    })
}

/// One configured `statement` block, rendered.
fn statement(block: &Value) -> Result<Map<String, Value>, String> {
    let Value::Object(b) = block else {
        return Err("not a block".to_owned());
    };
    let mut out = Map::new();
    if let Some(s) = b.get("sid").and_then(value::to_str) {
        if !s.is_empty() {
            out.insert("Sid".to_owned(), Value::String(s));
        }
    }
    let effect = b
        .get("effect")
        .and_then(value::to_str)
        .unwrap_or_else(|| "Allow".to_owned());
    out.insert("Effect".to_owned(), Value::String(effect));
    for (arg, key) in [
        ("actions", "Action"),
        ("not_actions", "NotAction"),
        ("resources", "Resource"),
        ("not_resources", "NotResource"),
    ] {
        if let Some(v) = string_set(b.get(arg), arg)? {
            out.insert(key.to_owned(), v);
        }
    }
    for (arg, key) in [
        ("principals", "Principal"),
        ("not_principals", "NotPrincipal"),
    ] {
        if let Some(v) = principals(b.get(arg), arg)? {
            out.insert(key.to_owned(), v);
        }
    }
    if let Some(v) = conditions(b.get("condition"))? {
        out.insert("Condition".to_owned(), v);
    }
    Ok(out)
}

/// Nested blocks of a statement (absent or null: none).
fn blocks<'v>(v: Option<&'v Value>, name: &str) -> Result<&'v [Value], String> {
    match v {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(_) => Err(format!("{name} must be blocks")),
    }
}

/// The strings of a list or set argument, in order.
fn strings(v: Option<&Value>, name: &str) -> Result<Vec<String>, String> {
    blocks(v, name)?
        .iter()
        .map(|x| value::to_str(x).ok_or_else(|| format!("{name} must hold strings")))
        .collect()
}

/// A set of strings as the provider renders it: absent when empty, a string when it has one
/// element, otherwise the distinct elements in reverse lexical order.
fn string_set(v: Option<&Value>, name: &str) -> Result<Option<Value>, String> {
    let mut items = strings(v, name)?;
    items.sort_unstable_by(|a, b| b.cmp(a));
    items.dedup();
    Ok(collapse(items))
}

fn collapse(mut items: Vec<String>) -> Option<Value> {
    match items.len() {
        0 => None,
        1 => items.pop().map(Value::String),
        _ => Some(Value::Array(items.into_iter().map(Value::String).collect())),
    }
}

/// `principals` blocks: `{"TYPE": ids}` with repeated types merged, or `"*"` for the one
/// block `type = "*"`, `identifiers = ["*"]`.
fn principals(v: Option<&Value>, name: &str) -> Result<Option<Value>, String> {
    let items = blocks(v, name)?;
    let mut by_type: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for item in items {
        let ty = item
            .get("type")
            .and_then(value::to_str)
            .ok_or_else(|| format!("{name} needs a type"))?;
        let mut ids = strings(item.get("identifiers"), "identifiers")?;
        ids.sort_unstable_by(|a, b| b.cmp(a));
        ids.dedup();
        if items.len() == 1 && ty == "*" && ids == ["*"] {
            return Ok(Some(Value::String("*".to_owned())));
        }
        by_type.entry(ty).or_default().extend(ids);
    }
    if by_type.is_empty() {
        return Ok(None);
    }
    Ok(Some(Value::Object(
        by_type
            .into_iter()
            .map(|(ty, ids)| (ty, collapse(ids).unwrap_or(Value::Array(Vec::new()))))
            .collect(),
    )))
}

/// `condition` blocks: `{"test": {"variable": values}}`, values of a repeated test and
/// variable appended.
fn conditions(v: Option<&Value>) -> Result<Option<Value>, String> {
    let mut by_test: BTreeMap<String, BTreeMap<String, Vec<String>>> = BTreeMap::new();
    for item in blocks(v, "condition")? {
        let field = |k: &str| {
            item.get(k)
                .and_then(value::to_str)
                .ok_or_else(|| format!("condition needs a {k}"))
        };
        let (test, variable) = (field("test")?, field("variable")?);
        let values = strings(item.get("values"), "values")?;
        by_test
            .entry(test)
            .or_default()
            .entry(variable)
            .or_default()
            .extend(values);
    }
    if by_test.is_empty() {
        return Ok(None);
    }
    Ok(Some(Value::Object(
        by_test
            .into_iter()
            .map(|(test, vars)| {
                let vars = vars
                    .into_iter()
                    .map(|(var, vals)| (var, collapse(vals).unwrap_or(Value::Array(Vec::new()))))
                    .collect();
                (test, Value::Object(vars))
            })
            .collect(),
    )))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::model::unknown;

    fn rendered(args: Value) -> Value {
        let Value::Object(mut m) = args else {
            unreachable!()
        };
        render(&mut m, &mut BTreeMap::new());
        match &m["minified_json"] {
            Value::String(s) => serde_json::from_str(s).unwrap(),
            marker => marker.clone(),
        }
    }

    #[test]
    fn statements_render_as_the_provider_does() {
        let doc = rendered(json!({
            "statement": [
                {"sid": "Admin", "actions": ["*"], "resources": ["*"]},
                {"effect": "Deny", "actions": ["s3:PutObject", "s3:GetObject", "s3:PutObject"],
                 "resources": ["arn:aws:s3:::b/*"],
                 "principals": [{"type": "*", "identifiers": ["*"]}],
                 "condition": [{"test": "Bool", "variable": "aws:SecureTransport", "values": ["false"]}]},
                {"principals": [{"type": "AWS", "identifiers": ["arn:aws:iam::1:root"]},
                                {"type": "AWS", "identifiers": [123456789012_i64]},
                                {"type": "Service", "identifiers": ["s3.amazonaws.com"]}],
                 "not_actions": ["iam:*"], "resources": ["${aws_s3_bucket.b.arn}"]},
            ]
        }));
        assert_eq!(
            doc,
            json!({"Version": "2012-10-17", "Statement": [
                {"Sid": "Admin", "Effect": "Allow", "Action": "*", "Resource": "*"},
                {"Effect": "Deny", "Action": ["s3:PutObject", "s3:GetObject"],
                 "Resource": "arn:aws:s3:::b/*", "Principal": "*",
                 "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
                {"Effect": "Allow", "NotAction": "iam:*", "Resource": "${aws_s3_bucket.b.arn}",
                 "Principal": {"AWS": ["arn:aws:iam::1:root", "123456789012"],
                               "Service": "s3.amazonaws.com"}},
            ]})
        );
    }

    #[test]
    fn source_and_override_documents_merge_by_sid() {
        let source = r#"{"Version":"2012-10-17","Statement":[
            {"Sid":"Keep","Effect":"Allow","Action":"s3:GetObject","Resource":"*"},
            {"Sid":"Replace","Effect":"Allow","Action":"*","Resource":"*"}]}"#;
        let over = r#"{"Statement":{"Sid":"Keep","Effect":"Deny","Action":"s3:*","Resource":"*"}}"#;
        let doc = rendered(json!({
            "policy_id": "p1",
            "source_policy_documents": [source],
            "override_policy_documents": [over],
            "statement": [{"sid": "Replace", "actions": ["s3:ListBucket"], "resources": ["*"]},
                          {"actions": ["kms:Decrypt"], "resources": ["*"]}],
        }));
        assert_eq!(doc["Id"], json!("p1"));
        assert_eq!(
            doc["Statement"],
            json!([
                {"Sid": "Keep", "Effect": "Deny", "Action": "s3:*", "Resource": "*"},
                {"Sid": "Replace", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"},
                {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"},
            ])
        );
    }

    #[test]
    fn unknown_or_malformed_arguments_make_the_document_unknown() {
        let reason = |args: Value| first_unknown(&rendered(args)).unwrap().to_owned();
        assert!(reason(json!({"statement": [{"actions": ["*"], "resources": [unknown("var.arn has no value")]}]}))
            .contains("var.arn has no value"));
        assert!(reason(
            json!({"statement": unknown("for_each of dynamic block statement is unknown")})
        )
        .contains("dynamic block"));
        assert!(reason(json!({"source_policy_documents": ["not json"]})).contains("not valid JSON"));
        assert!(
            reason(json!({"source_policy_documents": ["${aws_iam_policy.p.policy}"]}))
                .contains("known only after apply")
        );
        assert!(
            reason(json!({"statement": [{"sid": "A"}, {"sid": "A"}]})).contains("duplicate Sid")
        );
        let dup = r#"{"Statement":[{"Sid":"A","Effect":"Allow"}]}"#;
        assert!(reason(json!({"source_policy_documents": [dup, dup]})).contains("duplicate Sid"));
    }
}
