//! `vouch diff OLD.json NEW.json`: what changed between two runs, matched by fingerprint, so
//! moving or reformatting code never reads as "fixed one, added one".

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::engine::{Outcome, Status};

#[derive(Debug, Error)]
pub enum DiffError {
    #[error("{path}: cannot read: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: not a vouch JSON report: {message}")]
    Format { path: String, message: String },
}

/// The part of a JSON report a diff needs.
#[derive(Debug, Deserialize)]
struct Report {
    schema_version: u32,
    results: Vec<Outcome>,
}

/// One line of a diff: a (rule, resource) pair and its status before and after.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Change {
    pub rule_id: String,
    pub address: String,
    pub fingerprint: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<Status>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<Status>,
    pub message: String,
}

/// What changed between two runs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Diff {
    /// Failing now, not failing before.
    pub new: Vec<Change>,
    /// Failing before, not failing now (passing, waived, or gone).
    pub fixed: Vec<Change>,
    /// Failing in both.
    pub still_failing: Vec<Change>,
    /// Unknown now, not unknown before.
    pub newly_unknown: Vec<Change>,
}

fn load(path: &Path) -> Result<BTreeMap<String, Outcome>, DiffError> {
    let display = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| DiffError::Io {
        path: display.clone(),
        source,
    })?;
    let report: Report = serde_json::from_str(&text).map_err(|e| DiffError::Format {
        path: display.clone(),
        message: e.to_string(),
    })?;
    if report.schema_version != crate::report::JSON_SCHEMA_VERSION {
        return Err(DiffError::Format {
            path: display,
            message: format!("unsupported schema_version {}", report.schema_version),
        });
    }
    Ok(report
        .results
        .into_iter()
        .map(|o| (o.fingerprint.clone(), o))
        .collect())
}

/// Compares two JSON reports.
pub fn diff_files(old: &Path, new: &Path) -> Result<Diff, DiffError> {
    Ok(diff(&load(old)?, &load(new)?))
}

/// Compares two runs' outcomes, keyed by fingerprint (reports, or runs from the store).
pub fn diff(old: &BTreeMap<String, Outcome>, new: &BTreeMap<String, Outcome>) -> Diff {
    let change = |fp: &String, o: &Outcome| Change {
        rule_id: o.rule_id.clone(),
        address: o
            .resource
            .arn
            .clone()
            .unwrap_or_else(|| o.resource.address.clone()),
        fingerprint: fp.clone(),
        before: old.get(fp).map(|b| b.status),
        after: new.get(fp).map(|a| a.status),
        message: o.message.clone(),
    };
    let status = |m: &BTreeMap<String, Outcome>, fp: &String| m.get(fp).map(|o| o.status);
    let mut d = Diff::default();
    for (fp, o) in new {
        let before = status(old, fp);
        match o.status {
            Status::Fail if before == Some(Status::Fail) => d.still_failing.push(change(fp, o)),
            Status::Fail => d.new.push(change(fp, o)),
            Status::Unknown if before != Some(Status::Unknown) => {
                d.newly_unknown.push(change(fp, o))
            }
            _ => {}
        }
    }
    for (fp, o) in old {
        if o.status == Status::Fail && status(new, fp) != Some(Status::Fail) {
            d.fixed.push(change(fp, o));
        }
    }
    for list in [
        &mut d.new,
        &mut d.fixed,
        &mut d.still_failing,
        &mut d.newly_unknown,
    ] {
        list.sort();
    }
    d
}
