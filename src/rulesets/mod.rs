//! Rulesets: frameworks → controls → rules, as data (`rulesets/<framework>.yaml`, embedded).
//!
//! A control's status rolls up from the outcomes of its rules. Controls that no configuration
//! check can evidence are `manual`: listed, never counted as passed. Invariants (checked by
//! [`Ruleset::validate`] and by tests): control IDs are unique, every referenced rule exists,
//! and every rule is either mapped or listed as unmapped with a reason.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::embedded::RULESET_FILES;
use crate::engine::{Outcome, Status};

#[derive(Debug, Error)]
pub enum RulesetError {
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
    #[error("unknown framework `{0}` (known: {1})")]
    UnknownFramework(String, String),
}

/// How fully a control's rules evidence it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Coverage {
    /// The rules evidence everything configuration can show for this control.
    Full,
    /// The rules evidence part of it; the rest needs an assessor.
    Partial,
    /// No configuration check can evidence it.
    Manual,
}

/// One control (requirement, criterion, recommendation) of a framework.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Control {
    pub id: String,
    /// A short title in our own words (no standard text is reproduced).
    pub title: String,
    #[serde(default)]
    pub rules: Vec<String>,
    pub coverage: Coverage,
    /// One line on why these rules evidence this control (or why none can).
    pub rationale: String,
    /// Where the mapping comes from (`SH`, `PW`, `SP`, `J`; see the catalogue).
    #[serde(default)]
    pub provenance: Vec<String>,
}

/// A rule deliberately left out of a framework.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unmapped {
    pub rule: String,
    pub reason: String,
}

/// A framework's ruleset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ruleset {
    /// CLI name, e.g. `pci-dss-4.0.1`.
    pub framework: String,
    pub title: String,
    pub version: String,
    pub controls: Vec<Control>,
    #[serde(default)]
    pub unmapped: Vec<Unmapped>,
}

/// The rolled-up status of a control.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ControlStatus {
    Fail,
    Unknown,
    Pass,
    /// No configuration check can evidence it: an assessor must.
    Manual,
    /// Automated, but no resource in scope was judged by its rules.
    NotApplicable,
}

impl ControlStatus {
    pub fn label(self) -> &'static str {
        match self {
            ControlStatus::Fail => "fail",
            ControlStatus::Unknown => "unknown",
            ControlStatus::Pass => "pass",
            ControlStatus::Manual => "manual",
            ControlStatus::NotApplicable => "not applicable",
        }
    }
}

/// A control with its status and the outcome counts behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ControlResult {
    pub id: String,
    pub title: String,
    pub coverage: Coverage,
    pub status: ControlStatus,
    pub rules: Vec<String>,
    pub counts: BTreeMap<Status, usize>,
}

/// A framework's control statuses for one run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FrameworkResult {
    pub framework: String,
    pub title: String,
    pub version: String,
    /// Controls per status.
    pub counts: BTreeMap<ControlStatus, usize>,
    pub controls: Vec<ControlResult>,
}

impl ControlResult {
    pub fn status_label(&self) -> &'static str {
        self.status.label()
    }
}

impl Ruleset {
    /// Rolls outcomes up into this framework's result.
    pub fn judge(&self, outcomes: &[Outcome]) -> FrameworkResult {
        let controls = self.evaluate(outcomes);
        let mut counts = BTreeMap::new();
        for c in &controls {
            *counts.entry(c.status).or_default() += 1;
        }
        FrameworkResult {
            framework: self.framework.clone(),
            title: self.title.clone(),
            version: self.version.clone(),
            counts,
            controls,
        }
    }

    /// Every built-in ruleset, sorted by framework name.
    pub fn builtin() -> Result<Vec<Ruleset>, RulesetError> {
        let mut sets = RULESET_FILES
            .iter()
            .map(|(path, text)| {
                yaml_serde::from_str::<Ruleset>(text).map_err(|e| RulesetError::Invalid {
                    path: (*path).to_owned(),
                    message: e.to_string(),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        sets.sort_by(|a, b| a.framework.cmp(&b.framework));
        Ok(sets)
    }

    /// The built-in ruleset of one framework.
    pub fn named(framework: &str) -> Result<Ruleset, RulesetError> {
        let all = Self::builtin()?;
        let names = all
            .iter()
            .map(|r| r.framework.clone())
            .collect::<Vec<_>>()
            .join(", ");
        all.into_iter()
            .find(|r| r.framework == framework)
            .ok_or_else(|| RulesetError::UnknownFramework(framework.to_owned(), names))
    }

    /// Every rule ID the ruleset maps to a control.
    pub fn mapped_rules(&self) -> BTreeSet<&str> {
        self.controls
            .iter()
            .flat_map(|c| c.rules.iter().map(String::as_str))
            .collect()
    }

    /// Checks the invariants against the set of existing rule IDs; returns every problem.
    pub fn validate(&self, rule_ids: &BTreeSet<&str>) -> Vec<String> {
        let mut problems = Vec::new();
        let mut seen = BTreeSet::new();
        for c in &self.controls {
            if !seen.insert(c.id.as_str()) {
                problems.push(format!(
                    "{}: control `{}` is listed twice",
                    self.framework, c.id
                ));
            }
            if c.coverage == Coverage::Manual && !c.rules.is_empty() {
                problems.push(format!(
                    "{}: manual control `{}` lists rules",
                    self.framework, c.id
                ));
            }
            if c.coverage != Coverage::Manual && c.rules.is_empty() {
                problems.push(format!(
                    "{}: control `{}` has no rules but is not manual",
                    self.framework, c.id
                ));
            }
            for r in &c.rules {
                if !rule_ids.contains(r.as_str()) {
                    problems.push(format!(
                        "{}: control `{}` references unknown rule `{r}`",
                        self.framework, c.id
                    ));
                }
            }
        }
        let mapped = self.mapped_rules();
        let unmapped: BTreeSet<&str> = self.unmapped.iter().map(|u| u.rule.as_str()).collect();
        for id in rule_ids {
            if !mapped.contains(id) && !unmapped.contains(id) {
                problems.push(format!(
                    "{}: rule `{id}` is neither mapped nor listed as unmapped",
                    self.framework
                ));
            }
            if mapped.contains(id) && unmapped.contains(id) {
                problems.push(format!(
                    "{}: rule `{id}` is both mapped and unmapped",
                    self.framework
                ));
            }
        }
        for u in &self.unmapped {
            if !rule_ids.contains(u.rule.as_str()) {
                problems.push(format!(
                    "{}: unmapped entry names unknown rule `{}`",
                    self.framework, u.rule
                ));
            }
            if u.reason.trim().is_empty() {
                problems.push(format!(
                    "{}: unmapped rule `{}` has no reason",
                    self.framework, u.rule
                ));
            }
        }
        problems
    }

    /// Rolls outcomes up into control statuses, in ruleset order.
    pub fn evaluate(&self, outcomes: &[Outcome]) -> Vec<ControlResult> {
        self.controls
            .iter()
            .map(|c| {
                let mut counts: BTreeMap<Status, usize> = BTreeMap::new();
                for o in outcomes.iter().filter(|o| c.rules.contains(&o.rule_id)) {
                    *counts.entry(o.status).or_default() += 1;
                }
                let has = |s: Status| counts.get(&s).copied().unwrap_or(0) > 0;
                let status = if c.coverage == Coverage::Manual {
                    ControlStatus::Manual
                } else if has(Status::Fail) {
                    ControlStatus::Fail
                } else if has(Status::Unknown) || has(Status::Error) {
                    ControlStatus::Unknown
                } else if has(Status::Pass) || has(Status::Waived) {
                    ControlStatus::Pass
                } else {
                    ControlStatus::NotApplicable
                };
                ControlResult {
                    id: c.id.clone(),
                    title: c.title.clone(),
                    coverage: c.coverage,
                    status,
                    rules: c.rules.clone(),
                    counts,
                }
            })
            .collect()
    }
}
