//! The policy test runner: each rule's `<rule>.test.yaml` cases are evaluated exactly as a
//! scan would evaluate them (same engine, same classification), so a passing test means the
//! rule behaves that way in production. Used by `tests/policies.rs` and `vouch policy test`.
//! Line coverage of each rule file is gathered over all its cases, so a rule author sees which
//! branches no case reaches.

use std::collections::{BTreeMap, BTreeSet};

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
    /// Lines of the rule file its cases evaluated, and lines they never reached.
    pub coverage: LineCoverage,
}

impl RuleReport {
    pub fn passed(&self) -> bool {
        self.problem.is_none() && self.cases.iter().all(|c| c.failure.is_none())
    }
}

/// Line coverage of one policy file (1-based line numbers), as regorus reports it: only
/// lines holding rule heads, expressions and statements count.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineCoverage {
    pub covered: BTreeSet<u32>,
    pub not_covered: BTreeSet<u32>,
}

impl LineCoverage {
    /// Percentage of countable lines covered; 100 for a file with none.
    pub fn percent(&self) -> f64 {
        percent(
            self.covered.len(),
            self.covered.len() + self.not_covered.len(),
        )
    }

    /// Adds what one evaluation covered of `path` (a line covered once is covered).
    fn merge(&mut self, report: &regorus::coverage::Report, path: &str) {
        for file in report.files.iter().filter(|f| f.path == path) {
            self.covered.extend(&file.covered);
            self.not_covered.extend(&file.not_covered);
        }
        let covered = &self.covered;
        self.not_covered.retain(|line| !covered.contains(line));
    }
}

/// `covered` of `total` lines as a percentage; 100 when there is nothing to cover.
pub fn percent(covered: usize, total: usize) -> f64 {
    if total == 0 {
        return 100.0;
    }
    // Line counts are far below f64's exact integer range.
    #[allow(clippy::cast_precision_loss)]
    let percent = 100.0 * covered as f64 / total as f64;
    percent
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
        coverage: LineCoverage::default(),
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
    // Scans read `metadata` at load time; evaluate it here too so its lines count as covered.
    let mut engine = policies.engine.clone();
    engine.set_enable_coverage(true);
    if engine
        .eval_rule(format!("{}.metadata", rule.package))
        .is_ok()
    {
        if let Ok(coverage) = engine.get_coverage_report() {
            report.coverage.merge(&coverage, &rule.path);
        }
    }
    let no_digests = BTreeMap::new();
    for case in file.cases {
        let mut engine = policies.engine.clone();
        engine.set_enable_coverage(true);
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
        let outcome = policies.with_params(&rule.meta.id, &case.params, || {
            let input = regorus::Value::from(resource.attributes.clone());
            judge(&mut engine, rule, &resource, &input, &no_digests)
        });
        if let Ok(coverage) = engine.get_coverage_report() {
            report.coverage.merge(&coverage, &rule.path);
        }
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
