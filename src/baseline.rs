//! Baselines: the failures a team has accepted for now, by fingerprint, so that a gate fails
//! only on what a change makes worse. `vouch baseline create` writes one; `vouch scan
//! --baseline FILE` marks the failures it holds (they are shown but do not gate) and lists
//! the baseline entries that no longer fail (fixed).

use std::collections::BTreeSet;
use std::path::Path;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::engine::{Outcome, Status};

/// Version of the baseline file format.
pub const BASELINE_SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Error)]
pub enum BaselineError {
    #[error("{path}: cannot read: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: not a vouch baseline: {message}")]
    Format { path: String, message: String },
}

/// One accepted failure.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Entry {
    pub fingerprint: String,
    pub rule_id: String,
    pub address: String,
}

/// A baseline file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub schema_version: u32,
    pub created: String,
    pub entries: Vec<Entry>,
}

impl Baseline {
    /// A baseline of the failing outcomes, sorted and deduplicated.
    pub fn from_outcomes(outcomes: &[Outcome], created: String) -> Self {
        let entries: BTreeSet<Entry> = outcomes
            .iter()
            .filter(|o| o.status == Status::Fail)
            .map(|o| Entry {
                fingerprint: o.fingerprint.clone(),
                rule_id: o.rule_id.clone(),
                address: o
                    .resource
                    .arn
                    .clone()
                    .unwrap_or_else(|| o.resource.address.clone()),
            })
            .collect();
        Self {
            schema_version: BASELINE_SCHEMA_VERSION,
            created,
            entries: entries.into_iter().collect(),
        }
    }

    pub fn load(path: &Path) -> Result<Self, BaselineError> {
        let display = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| BaselineError::Io {
            path: display.clone(),
            source,
        })?;
        let baseline: Baseline =
            serde_json::from_str(&text).map_err(|e| BaselineError::Format {
                path: display.clone(),
                message: e.to_string(),
            })?;
        if baseline.schema_version != BASELINE_SCHEMA_VERSION {
            return Err(BaselineError::Format {
                path: display,
                message: format!("unsupported schema_version {}", baseline.schema_version),
            });
        }
        Ok(baseline)
    }

    /// Marks the failures the baseline holds; returns the entries that no longer fail.
    pub fn apply(&self, outcomes: &mut [Outcome]) -> Vec<Entry> {
        let known: BTreeSet<&str> = self
            .entries
            .iter()
            .map(|e| e.fingerprint.as_str())
            .collect();
        let mut still_failing = BTreeSet::new();
        for o in outcomes.iter_mut().filter(|o| o.status == Status::Fail) {
            if known.contains(o.fingerprint.as_str()) {
                o.in_baseline = true;
                still_failing.insert(o.fingerprint.clone());
            }
        }
        self.entries
            .iter()
            .filter(|e| !still_failing.contains(&e.fingerprint))
            .cloned()
            .collect()
    }
}
