//! `vouch policy new`: the starting point of a custom rule, a policy and its test cases that
//! load, validate and pass `vouch policy test` as written, so an author edits working code
//! instead of copying a built-in rule and renaming it by hand.

use serde_json::Value;
use thiserror::Error;

use crate::engine::policy::kebab;
use crate::model::kinds;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum ScaffoldError {
    #[error("rule name `{0}` is not kebab-case (lowercase letters, digits and single dashes)")]
    Name(String),
    #[error("domain `{0}` must be lowercase letters, digits, `_` or `-`")]
    Domain(String),
    #[error("unknown kind `{0}` (see `vouch schema` for the list)")]
    Kind(String),
}

/// The two files of a new rule, paths relative to the policies directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scaffold {
    pub policy_path: String,
    pub policy: String,
    pub tests_path: String,
    pub tests: String,
}

/// Builds the rule `name` in folder `domain`, judging `kind` on one of its attributes: the
/// first boolean one in the kind's schema (the common "is X enabled" shape), else the first.
pub fn scaffold(domain: &str, name: &str, kind: &str) -> Result<Scaffold, ScaffoldError> {
    if !kebab(name) {
        return Err(ScaffoldError::Name(name.to_owned()));
    }
    let domain_ok = !domain.is_empty()
        && domain
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
    if !domain_ok {
        return Err(ScaffoldError::Domain(domain.to_owned()));
    }
    let schema = kinds::schema(kind)
        .and_then(|text| serde_json::from_str::<Value>(text).ok())
        .ok_or_else(|| ScaffoldError::Kind(kind.to_owned()))?;
    let (attribute, boolean) = example_attribute(&schema);
    let stem = name.replace('-', "_");
    let check = if boolean {
        Check {
            fails_when: format!("input.{attribute} != true"),
            message: format!("{attribute} is false or not set"),
            pass_value: "true",
            fail_value: "false",
        }
    } else {
        Check {
            fails_when: format!("input.{attribute} == null"),
            message: format!("{attribute} is not set"),
            pass_value: "\"example\"",
            fail_value: "null",
        }
    };
    Ok(Scaffold {
        policy_path: format!("{domain}/{stem}.rego"),
        policy: policy_text(name, &stem, kind, &attribute, &check),
        tests_path: format!("{domain}/{stem}.test.yaml"),
        tests: tests_text(&attribute, &check),
    })
}

struct Check {
    fails_when: String,
    message: String,
    pass_value: &'static str,
    fail_value: &'static str,
}

/// The first boolean top-level property of a kind's schema, else its first property.
fn example_attribute(schema: &Value) -> (String, bool) {
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return ("enabled".to_owned(), true);
    };
    let is_boolean = |p: &Value| {
        let types = p
            .get("anyOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .chain(std::iter::once(p))
            .filter_map(|v| v.get("type"));
        types
            .flat_map(|t| match t {
                Value::Array(ts) => ts.clone(),
                other => vec![other.clone()],
            })
            .any(|t| t == "boolean")
    };
    properties
        .iter()
        .find(|(_, p)| is_boolean(p))
        .map(|(k, _)| (k.clone(), true))
        .or_else(|| properties.keys().next().map(|k| (k.clone(), false)))
        .unwrap_or_else(|| ("enabled".to_owned(), true))
}

fn policy_text(id: &str, stem: &str, kind: &str, attribute: &str, check: &Check) -> String {
    format!(
        r#"# {id}: a custom vouch rule. Edit the metadata and the checks, then run
# `vouch policy test <policies dir>` (add --coverage to see lines no case reaches).
package vouch.rules.{stem}

import data.vouch.lib
import rego.v1

metadata := {{
	"id": "{id}",
	"name": "{id}-violated",
	"title": "TODO: one line saying what a compliant resource has",
	"description": "TODO: what the rule checks, why it matters, and what it cannot see.",
	"severity": "medium",
	"kinds": ["{kind}"],
	"inputs": ["{attribute}"],
	"remediation": "TODO: how to fix a failing resource, in Terraform and CloudFormation terms.",
	"status": "stable",
	"parameters": {{}},
}}

# A failure: the value is known and is not what the rule requires. `path` points the
# finding at the attribute's own line.
deny contains {{"message": "{message}", "path": "{attribute}"}} if {{
	lib.has_key(input, "{attribute}")
	not lib.is_unknown(input.{attribute})
	{fails_when}
}}

# Unknown, never pass, when the source could not tell (an unresolved variable, a denied API
# call): vouch also refuses a pass while any of `inputs` is unknown.
unknown contains u if some u in lib.unknown_keys(input, ["{attribute}"])
"#,
        message = check.message,
        fails_when = check.fails_when,
    )
}

fn tests_text(attribute: &str, check: &Check) -> String {
    format!(
        r#"# Each case is one resource's normalized attributes (see `vouch schema <kind>`) and
# the status the rule must give it.
cases:
  - name: compliant
    expect: pass
    input: {{{attribute}: {pass}}}
  - name: non-compliant
    expect: fail
    input: {{{attribute}: {fail}}}
  - name: could not be determined
    expect: unknown
    input: {{{attribute}: {{__unknown__: "var.example has no value"}}}}
"#,
        pass = check.pass_value,
        fail = check.fail_value,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_domains_and_kinds_are_checked() {
        assert_eq!(
            scaffold("storage", "Bad_Name", "aws.s3.bucket"),
            Err(ScaffoldError::Name("Bad_Name".to_owned()))
        );
        assert_eq!(
            scaffold("../x", "ok-name", "aws.s3.bucket"),
            Err(ScaffoldError::Domain("../x".to_owned()))
        );
        assert_eq!(
            scaffold("storage", "ok-name", "aws.nope"),
            Err(ScaffoldError::Kind("aws.nope".to_owned()))
        );
    }
}
