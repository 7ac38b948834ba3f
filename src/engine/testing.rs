//! The policy test runner: each rule's `<rule>.test.yaml` cases are evaluated exactly as a
//! scan would evaluate them (same engine, same classification), so a passing test means the
//! rule behaves that way in production. Used by `tests/policies.rs` and `vouch policy test`.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use crate::engine::eval::judge;
use crate::engine::outcome::Status;
use crate::engine::policy::{PolicySet, Rule};
use crate::model::{Provenance, Resource, SourceKind};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseFile {
    cases: Vec<Case>,
}

/// One test case: an input resource's attributes and the expected status.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub name: String,
    pub expect: Status,
    pub input: Value,
    /// Kind of the input resource; defaults to the rule's first kind.
    #[serde(default)]
    pub kind: Option<String>,
    /// Parameter overrides for this case.
    #[serde(default)]
    pub params: BTreeMap<String, Value>,
    /// Substrings the outcome message must contain.
    #[serde(default)]
    pub message_contains: Option<String>,
}

/// The result of one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseResult {
    pub rule_id: String,
    pub case: String,
    pub expected: Status,
    pub actual: Status,
    /// The outcome's message.
    pub message: String,
    /// Why it failed, when it failed.
    pub failure: Option<String>,
}

/// The outcome of testing one rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleReport {
    pub rule_id: String,
    pub path: String,
    /// A problem with the test file itself (missing, unparsable, lacking pass or fail cases).
    pub problem: Option<String>,
    pub cases: Vec<CaseResult>,
}

impl RuleReport {
    pub fn passed(&self) -> bool {
        self.problem.is_none() && self.cases.iter().all(|c| c.failure.is_none())
    }
}

/// Runs the test cases of every rule in the set.
pub fn run(policies: &PolicySet) -> Vec<RuleReport> {
    policies
        .rules
        .iter()
        .map(|rule| run_rule(policies, rule))
        .collect()
}

fn run_rule(policies: &PolicySet, rule: &Rule) -> RuleReport {
    let mut report = RuleReport {
        rule_id: rule.meta.id.clone(),
        path: rule.path.clone(),
        problem: None,
        cases: Vec::new(),
    };
    let Some((test_path, text)) = &rule.tests else {
        report.problem = Some(format!(
            "no test cases: expected {}",
            rule.path.replace(".rego", ".test.yaml")
        ));
        return report;
    };
    let file: CaseFile = match yaml_serde::from_str(text) {
        Ok(file) => file,
        Err(e) => {
            report.problem = Some(format!("{test_path}: {e}"));
            return report;
        }
    };
    for wanted in [Status::Pass, Status::Fail] {
        if !file.cases.iter().any(|c| c.expect == wanted) {
            report.problem = Some(format!("{test_path}: no case expects `{wanted}`"));
        }
    }
    let no_digests = BTreeMap::new();
    for case in file.cases {
        let mut engine = policies.engine.clone();
        if !case.params.is_empty() {
            let data =
                serde_json::json!({"vouch": {"params": {rule.meta.id.clone(): case.params}}});
            if let Err(e) = engine.add_data(regorus::Value::from(data)) {
                report.problem = Some(format!("{test_path}: case `{}`: params: {e}", case.name));
                continue;
            }
        }
        let resource = Resource {
            kind: case
                .kind
                .clone()
                .or_else(|| rule.meta.kinds.first().cloned())
                .unwrap_or_default(),
            address: format!("test.{}", case.name),
            source: SourceKind::Terraform,
            location: None,
            module_chain: Vec::new(),
            arn: None,
            account: None,
            region: None,
            attributes: case.input,
            attribute_locations: BTreeMap::new(),
            provenance: Provenance::default(),
        };
        let outcome = judge(&mut engine, rule, &resource, &no_digests);
        let mut failure = None;
        if outcome.status != case.expect {
            failure = Some(format!(
                "expected {}, got {}: {}",
                case.expect, outcome.status, outcome.message
            ));
        } else if let Some(needle) = &case.message_contains {
            if !outcome.message.contains(needle.as_str()) {
                failure = Some(format!(
                    "message `{}` does not contain `{needle}`",
                    outcome.message
                ));
            }
        }
        report.cases.push(CaseResult {
            rule_id: rule.meta.id.clone(),
            case: case.name,
            expected: case.expect,
            actual: outcome.status,
            message: outcome.message,
            failure,
        });
    }
    report
}
