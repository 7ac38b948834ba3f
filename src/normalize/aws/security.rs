//! Security Hub, Inspector (v2), Macie and GuardDuty findings: the raw documents of
//! [`crate::collect::aws::security`] and [`crate::collect::aws::guardduty`] shaped into
//! `aws.securityhub.hub`, `aws.inspector2.account`, `aws.macie2.session` and
//! `aws.guardduty.finding`, each attribute with its source.
//!
//! "Not enabled" answers are facts (`enabled: false`, `status: "DISABLED"`); a failed call is
//! the unknown marker in every attribute it feeds, and in those it would have been followed
//! by (a hub whose state is unknown has unknown standards too).

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::collect::aws::raw::{RawKind, RawResource};
use crate::model::{unknown, unknown_reason, AttributeSource};

/// What [`shape`] makes of one document.
pub(super) struct Shaped {
    pub kind: &'static str,
    pub attributes: Value,
    pub sources: BTreeMap<String, AttributeSource>,
    /// The address is the resource's own ARN (a subscribed hub, a finding).
    pub real_arn: bool,
}

fn source(operation: &str, note: Option<String>) -> AttributeSource {
    AttributeSource {
        operation: operation.to_owned(),
        field: None,
        captured_at: None,
        note,
    }
}

fn is_unknown(v: &Value) -> bool {
    unknown_reason(v).is_some()
}

/// A follow-up call that was not made because `first` did not answer.
fn not_read(first: &Value) -> Value {
    unknown(format!(
        "not read: {}",
        unknown_reason(first).unwrap_or("the first call did not answer")
    ))
}

/// The kind, attributes and sources of a Security Hub, Inspector, Macie or finding document.
pub(super) fn shape(raw: &RawResource) -> Option<Shaped> {
    match raw.kind {
        RawKind::SecurityHubHub => Some(hub(&raw.data)),
        RawKind::Inspector2Account => Some(inspector(raw)),
        RawKind::Macie2Session => Some(macie(&raw.data)),
        RawKind::GuardDutyFinding => Some(finding(raw)),
        _ => None,
    }
}

fn hub(d: &Value) -> Shaped {
    const DESCRIBE: &str = "securityhub:DescribeHub";
    const STANDARDS: &str = "securityhub:GetEnabledStandards";
    let describe = d
        .get("DescribeHub")
        .cloned()
        .unwrap_or_else(|| unknown("not collected"));
    let mut sources = BTreeMap::new();
    let (enabled, default_standards, standards) = if is_unknown(&describe) {
        sources.insert("enabled".into(), source(DESCRIBE, None));
        sources.insert("default_standards_enabled".into(), source(DESCRIBE, None));
        sources.insert("standards".into(), source(STANDARDS, None));
        (describe.clone(), describe.clone(), not_read(&describe))
    } else if describe.is_null() {
        let words = d
            .get("NotSubscribed")
            .and_then(Value::as_str)
            .unwrap_or("not subscribed");
        let note = format!("not subscribed to Security Hub ({words})");
        sources.insert("enabled".into(), source(DESCRIBE, Some(note.clone())));
        sources.insert(
            "default_standards_enabled".into(),
            source(DESCRIBE, Some(note.clone())),
        );
        sources.insert("standards".into(), source(DESCRIBE, Some(note)));
        (json!(false), json!(false), json!([]))
    } else {
        let note = format!(
            "subscribed at {}; AutoEnableControls {}",
            describe
                .get("SubscribedAt")
                .and_then(Value::as_str)
                .unwrap_or("(not stated)"),
            describe
                .get("AutoEnableControls")
                .map_or_else(|| "(not stated)".to_owned(), Value::to_string),
        );
        sources.insert("enabled".into(), source(DESCRIBE, Some(note)));
        sources.insert(
            "default_standards_enabled".into(),
            source(
                DESCRIBE,
                Some(
                    "DescribeHub does not say whether the default standards were enabled with the hub (null); standards lists every enabled standard, default ones included".into(),
                ),
            ),
        );
        sources.insert("standards".into(), source(STANDARDS, None));
        let standards = match d.get("GetEnabledStandards") {
            Some(Value::Array(list)) => {
                let mut out: Vec<Value> = list
                    .iter()
                    .map(|s| {
                        json!({
                            "arn": s.get("StandardsArn").cloned().unwrap_or(Value::Null),
                            "status": s.get("StandardsStatus").cloned().unwrap_or(Value::Null),
                        })
                    })
                    .collect();
                out.sort_by(|a, b| a["arn"].to_string().cmp(&b["arn"].to_string()));
                Value::Array(out)
            }
            Some(v) if is_unknown(v) => v.clone(),
            _ => unknown(format!("{STANDARDS} was not read")),
        };
        (json!(true), Value::Null, standards)
    };
    Shaped {
        kind: "aws.securityhub.hub",
        attributes: json!({
            "enabled": enabled,
            "default_standards_enabled": default_standards,
            "standards": standards,
        }),
        sources,
        real_arn: describe.is_object() && !is_unknown(&describe),
    }
}

fn inspector(raw: &RawResource) -> Shaped {
    const OP: &str = "inspector2:BatchGetAccountStatus";
    let status = raw
        .data
        .get("BatchGetAccountStatus")
        .cloned()
        .unwrap_or_else(|| unknown("not collected"));
    let (scanning, note) = if is_unknown(&status) {
        (status.clone(), None)
    } else {
        let of = |key: &str| -> Value {
            match status.get(key) {
                Some(Value::String(s)) => json!(s == "ENABLED"),
                _ => unknown(format!("{OP} returned no {key} status")),
            }
        };
        let listed: Vec<String> = ["ec2", "ecr", "lambda", "lambdaCode"]
            .iter()
            .map(|k| {
                format!(
                    "{k} {}",
                    status.get(*k).and_then(Value::as_str).unwrap_or("(none)")
                )
            })
            .collect();
        (
            json!({
                "ec2": of("ec2"),
                "ecr": of("ecr"),
                "lambda": of("lambda"),
                "lambda_code": of("lambdaCode"),
            }),
            Some(format!(
                "resourceState: {} (only ENABLED is scanning)",
                listed.join(", ")
            )),
        )
    };
    let mut sources = BTreeMap::new();
    sources.insert("scanning".into(), source(OP, note));
    sources.insert(
        "account_ids".into(),
        source("sts:GetCallerIdentity", Some("the account read".into())),
    );
    Shaped {
        kind: "aws.inspector2.account",
        attributes: json!({
            "account_ids": raw.account.as_deref().map_or_else(
                || unknown("sts:GetCallerIdentity did not answer"),
                |a| json!([a]),
            ),
            "scanning": scanning,
        }),
        sources,
        real_arn: false,
    }
}

/// Scheduled jobs that still run: `RUNNING` now or `IDLE` between runs (not paused by the user
/// or by Macie, not cancelled, not complete).
fn scheduled_jobs(list: &Value) -> Value {
    if is_unknown(list) {
        return list.clone();
    }
    let Some(items) = list.get("items").and_then(Value::as_array) else {
        return unknown("macie2:ListClassificationJobs was not read");
    };
    let n = items
        .iter()
        .filter(|j| j.get("jobType").and_then(Value::as_str) == Some("SCHEDULED"))
        .filter(|j| {
            matches!(
                j.get("jobStatus").and_then(Value::as_str),
                Some("RUNNING" | "IDLE")
            )
        })
        .count();
    json!(n)
}

fn macie(d: &Value) -> Shaped {
    const SESSION: &str = "macie2:GetMacieSession";
    const DISCOVERY: &str = "macie2:GetAutomatedDiscoveryConfiguration";
    const JOBS: &str = "macie2:ListClassificationJobs";
    let session = d
        .get("GetMacieSession")
        .cloned()
        .unwrap_or_else(|| unknown("not collected"));
    let mut sources = BTreeMap::new();
    let (status, discovery, jobs) = if is_unknown(&session) {
        sources.insert("status".into(), source(SESSION, None));
        sources.insert("automated_discovery_status".into(), source(DISCOVERY, None));
        sources.insert("scheduled_job_count".into(), source(JOBS, None));
        (session.clone(), not_read(&session), not_read(&session))
    } else if session.is_null() {
        let words = d
            .get("NotEnabled")
            .and_then(Value::as_str)
            .unwrap_or("not enabled");
        let note = format!("Macie is not enabled ({words}): no discovery, no jobs");
        for key in [
            "status",
            "automated_discovery_status",
            "scheduled_job_count",
        ] {
            sources.insert(key.into(), source(SESSION, Some(note.clone())));
        }
        (json!("DISABLED"), json!("DISABLED"), json!(0))
    } else {
        sources.insert("status".into(), source(SESSION, None));
        sources.insert("automated_discovery_status".into(), source(DISCOVERY, None));
        sources.insert(
            "scheduled_job_count".into(),
            source(
                JOBS,
                Some("jobs of type SCHEDULED whose status is RUNNING or IDLE".into()),
            ),
        );
        let status = match session.get("status") {
            Some(Value::String(s)) => json!(s),
            _ => unknown(format!("{SESSION} returned no status")),
        };
        let discovery = match d.get("GetAutomatedDiscoveryConfiguration") {
            Some(v) if is_unknown(v) => v.clone(),
            Some(v) => match v.get("status") {
                Some(Value::String(s)) => json!(s),
                _ => unknown(format!("{DISCOVERY} returned no status")),
            },
            None => unknown(format!("{DISCOVERY} was not read")),
        };
        let jobs = d
            .get("ListClassificationJobs")
            .map_or_else(|| unknown(format!("{JOBS} was not read")), scheduled_jobs);
        (status, discovery, jobs)
    };
    Shaped {
        kind: "aws.macie2.session",
        attributes: json!({
            "status": status,
            "automated_discovery_status": discovery,
            "scheduled_job_count": jobs,
        }),
        sources,
        real_arn: false,
    }
}

fn finding(raw: &RawResource) -> Shaped {
    const GET: &str = "guardduty:GetFindings";
    let d = &raw.data;
    let id = d.get("Id").cloned().unwrap_or(Value::Null);
    let f = d
        .get("Finding")
        .cloned()
        .unwrap_or_else(|| unknown("not collected"));
    let mut sources = BTreeMap::new();
    for key in [
        "id",
        "type",
        "severity",
        "archived",
        "created_at",
        "updated_at",
        "resource_type",
    ] {
        sources.insert(key.into(), source(GET, None));
    }
    sources.insert(
        "id".into(),
        source(
            "guardduty:ListFindings",
            Some("criteria: severity >= 7, service.archived = false".into()),
        ),
    );
    sources.insert(
        "observed_at".into(),
        source(GET, Some("the collection time".into())),
    );
    let attributes = if is_unknown(&f) {
        json!({
            "id": id,
            "type": f,
            "severity": f,
            "archived": f,
            "created_at": f,
            "updated_at": f,
            "observed_at": raw.collected_at,
            "resource_type": f,
        })
    } else {
        let text = |key: &str, required: bool| -> Value {
            match f.get(key) {
                Some(Value::String(s)) => json!(s),
                _ if required => unknown(format!("{GET} returned no {key}")),
                _ => Value::Null,
            }
        };
        let severity = match f.get("Severity") {
            Some(Value::Number(n)) => Value::Number(n.clone()),
            _ => unknown(format!("{GET} returned no Severity")),
        };
        let archived = match f.get("Archived") {
            Some(Value::Bool(b)) => json!(b),
            _ => {
                // Listed with the criterion service.archived = false.
                sources.insert(
                    "archived".into(),
                    source(
                        "guardduty:ListFindings",
                        Some(
                            "GetFindings did not state it; listed with service.archived = false"
                                .into(),
                        ),
                    ),
                );
                json!(false)
            }
        };
        json!({
            "id": id,
            "type": text("Type", false),
            "severity": severity,
            "archived": archived,
            "created_at": text("CreatedAt", true),
            "updated_at": text("UpdatedAt", false),
            "observed_at": raw.collected_at,
            "resource_type": text("ResourceType", false),
        })
    };
    Shaped {
        kind: "aws.guardduty.finding",
        attributes,
        sources,
        real_arn: !is_unknown(&f) && f.get("Arn").is_some_and(Value::is_string),
    }
}
