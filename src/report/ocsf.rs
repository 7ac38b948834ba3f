//! `--format ocsf`: OCSF 1.1.0 Compliance Finding events (class 2003, category Findings) as
//! a JSON array, for AWS Security Hub (OCSF import), Amazon Security Lake and SIEMs.
//!
//! One event per outcome, passes included (a compliance record says what passed, too).
//! Mapping: `compliance.status_id` 1 pass, 3 fail (also for waived: the check failed and was
//! accepted), 0 unknown, 99 other for a policy error; the finding's workflow `status_id` is
//! 1 new (fail/unknown/error), 3 suppressed (waived), 4 resolved (pass). `compliance.standards`
//! are the frameworks whose rulesets map the rule (`vouch` when none does) and
//! `compliance.requirements` the `framework:control` pairs. Our own evidence, fingerprint and
//! waiver travel under `unmapped.vouch`, as OCSF intends for non-schema data.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_json::{json, Value};

use crate::engine::{Outcome, Severity, Status};
use crate::report::{frameworks_for, RunInfo};
use crate::rulesets::Ruleset;
use crate::scan::ScanResult;

/// The OCSF schema version the events follow.
pub const OCSF_VERSION: &str = "1.1.0";
const CLASS_UID: u32 = 2003;
const CATEGORY_UID: u32 = 2;
const ACTIVITY_CREATE: u32 = 1;

/// Renders OCSF; `rulesets: None` uses the built-in rulesets.
#[derive(Debug, Clone, Default)]
pub struct OcsfReporter {
    pub rulesets: Option<Vec<Ruleset>>,
}

fn severity(s: Severity) -> (u32, &'static str) {
    match s {
        Severity::Info => (1, "Informational"),
        Severity::Low => (2, "Low"),
        Severity::Medium => (3, "Medium"),
        Severity::High => (4, "High"),
        Severity::Critical => (5, "Critical"),
    }
}

fn compliance_status(s: Status) -> (u32, &'static str) {
    match s {
        Status::Pass => (1, "Pass"),
        Status::Fail | Status::Waived => (3, "Fail"),
        Status::Unknown => (0, "Unknown"),
        Status::Error => (99, "Error"),
    }
}

fn workflow_status(s: Status) -> (u32, &'static str) {
    match s {
        Status::Fail | Status::Unknown | Status::Error => (1, "New"),
        Status::Waived => (3, "Suppressed"),
        Status::Pass => (4, "Resolved"),
    }
}

/// Milliseconds since the epoch of an RFC 3339 time (0 when it does not parse, which the
/// CLI's validation of `--timestamp` rules out).
pub(crate) fn epoch_millis(rfc3339: &str) -> i64 {
    time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339)
        .map(|t| i64::try_from(t.unix_timestamp_nanos() / 1_000_000).unwrap_or(0))
        .unwrap_or(0)
}

fn event(
    o: &Outcome,
    run: &RunInfo,
    titles: &BTreeMap<&str, (&str, &str)>,
    mapping: &BTreeMap<&str, (Vec<String>, Vec<String>)>,
) -> Value {
    let (sev_id, sev) = severity(o.severity);
    let (cstat_id, cstat) = compliance_status(o.status);
    let (wstat_id, wstat) = workflow_status(o.status);
    let (title, remediation) = titles
        .get(o.rule_id.as_str())
        .copied()
        .unwrap_or((o.rule_name.as_str(), ""));
    let (standards, requirements) = mapping
        .get(o.rule_id.as_str())
        .cloned()
        .unwrap_or_else(|| (vec!["vouch".to_owned()], Vec::new()));
    let mut resource = json!({
        "uid": o.resource.arn.clone().unwrap_or_else(|| o.resource.address.clone()),
        "name": o.resource.address,
        "type": o.resource.kind,
    });
    if let Some(region) = &o.evidence.region {
        resource["region"] = json!(region);
    }
    if let Some(l) = &o.location {
        resource["data"] =
            json!({"file": l.file, "start_line": l.start_line, "end_line": l.end_line});
    }
    let mut cloud = json!({"provider": "AWS"});
    if let Some(account) = &o.evidence.account {
        cloud["account"] = json!({"uid": account});
    }
    if let Some(region) = &o.evidence.region {
        cloud["region"] = json!(region);
    }
    let mut ev = json!({
        "activity_id": ACTIVITY_CREATE,
        "activity_name": "Create",
        "category_uid": CATEGORY_UID,
        "category_name": "Findings",
        "class_uid": CLASS_UID,
        "class_name": "Compliance Finding",
        "type_uid": CLASS_UID * 100 + ACTIVITY_CREATE,
        "type_name": "Compliance Finding: Create",
        "time": epoch_millis(&run.timestamp),
        "severity_id": sev_id,
        "severity": sev,
        "status_id": wstat_id,
        "status": wstat,
        "message": o.message,
        "metadata": {
            "version": OCSF_VERSION,
            "product": {
                "name": env!("CARGO_PKG_NAME"),
                "vendor_name": env!("CARGO_PKG_NAME"),
                "version": env!("CARGO_PKG_VERSION"),
            },
        },
        "finding_info": {
            "uid": o.fingerprint,
            "title": title,
            "desc": o.message,
            "types": ["Software and Configuration Checks"],
        },
        "compliance": {
            "control": o.rule_id,
            "standards": standards,
            "requirements": requirements,
            "status_id": cstat_id,
            "status": cstat,
            "status_detail": o.message,
        },
        "resources": [resource],
        "cloud": cloud,
        "unmapped": {"vouch": {
            "rule_name": o.rule_name,
            "outcome_status": o.status,
            "fingerprint": o.fingerprint,
            "location": o.location,
            "waiver": o.waiver,
            "evidence": o.evidence,
        }},
    });
    if !remediation.is_empty() {
        ev["remediation"] = json!({"desc": remediation});
    }
    ev
}

impl crate::report::Reporter for OcsfReporter {
    fn render(&self, result: &ScanResult, run: &RunInfo, out: &mut dyn Write) -> io::Result<()> {
        let frameworks = frameworks_for(&self.rulesets, result)?;
        let mut mapping: BTreeMap<&str, (Vec<String>, Vec<String>)> = BTreeMap::new();
        for set in &frameworks {
            for c in &set.controls {
                for r in &c.rules {
                    let entry = mapping.entry(r.as_str()).or_default();
                    if !entry.0.contains(&set.title) {
                        entry.0.push(set.title.clone());
                    }
                    entry.1.push(format!("{}:{}", set.framework, c.id));
                }
            }
        }
        let titles: BTreeMap<&str, (&str, &str)> = result
            .rules
            .iter()
            .map(|r| (r.id.as_str(), (r.title.as_str(), r.remediation.as_str())))
            .collect();
        let events: Vec<Value> = result
            .outcomes
            .iter()
            .map(|o| event(o, run, &titles, &mapping))
            .collect();
        serde_json::to_writer_pretty(&mut *out, &events)?;
        writeln!(out)
    }
}
