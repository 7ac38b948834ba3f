//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.
//!
//! What becomes a SARIF result: `fail`, `unknown`, `error` and `waived` outcomes. Passes are
//! not results (SARIF results are things to look at); they are counted in the run's
//! `properties.summary`. Mapping:
//! - `fail` → `kind: fail`, `level` from the rule's severity (critical/high → error,
//!   medium → warning, low/info → note);
//! - `unknown` and `error` → `kind: review` (a person must decide; SARIF then requires
//!   `level: none`), `properties.status` says which;
//! - `waived` → `kind: fail` with an accepted external `suppression` carrying the waiver's
//!   reason; an expired waiver is not a suppression (the outcome kept its status).
//!
//! IaC outcomes get a physical location (repository-relative URI under `%SRCROOT%`, line
//! region) and the resource address as a logical location; live resources get their ARN as a
//! logical location. `partialFingerprints` carries the outcome's fingerprint, so alerts follow
//! a finding across moves. Rule descriptors come from the policy set's metadata, with
//! `security-severity` for GitHub.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use crate::engine::{Outcome, RuleMeta, Severity, Status};
use crate::model::{DiagnosticLevel, Location};
use crate::report::{Reporter, RunInfo, Summary};
use crate::scan::ScanResult;

pub struct SarifReporter;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// The base every relative artifact URI resolves against: the directory vouch ran in.
const SRCROOT: &str = "%SRCROOT%";
/// The `partialFingerprints` key; versioned so the computation can change without clashing.
pub const FINGERPRINT_KEY: &str = "vouch/v1";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    invocations: Vec<Invocation>,
    artifacts: Vec<Artifact>,
    results: Vec<SarifResult>,
    column_kind: &'static str,
    properties: RunProperties<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RunProperties<'a> {
    run: &'a RunInfo,
    summary: Summary,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    rules: Vec<Descriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor {
    id: String,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Help,
    default_configuration: Configuration,
    properties: DescriptorProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct DescriptorProperties {
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
    severity: Severity,
    tags: Vec<String>,
    kinds: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    end_time_utc: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Text,
    descriptor: ReportingDescriptorReference,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<SarifLocation>,
}

#[derive(Serialize)]
struct ReportingDescriptorReference {
    id: String,
}

#[derive(Serialize)]
struct Artifact {
    location: ArtifactLocation,
    hashes: BTreeMap<&'static str, String>,
}

#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: String,
    rule_index: usize,
    kind: &'static str,
    level: &'static str,
    message: Text,
    locations: Vec<SarifLocation>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<Suppression>,
    /// `unchanged` for a failure the baseline already holds (it does not gate).
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline_state: Option<&'static str>,
    properties: ResultProperties,
}

#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
struct SarifLocation {
    #[serde(skip_serializing_if = "Option::is_none")]
    physical_location: Option<PhysicalLocation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<LogicalLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<u32>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation {
    name: String,
    fully_qualified_name: String,
    kind: &'static str,
}

#[derive(Serialize)]
struct Suppression {
    kind: &'static str,
    status: &'static str,
    justification: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultProperties {
    status: Status,
    severity: Severity,
    resource_kind: String,
    resource_address: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    waiver: Option<crate::engine::outcome::WaiverRef>,
}

/// GitHub's `security-severity` (0.0–10.0; ≥9 critical, ≥7 high, ≥4 medium, >0 low).
pub fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// A path as a URI reference: relative paths stay relative (resolved against `%SRCROOT%`),
/// absolute ones become `file://` URIs; everything outside RFC 3986's unreserved set and `/`
/// is percent-encoded.
fn artifact_location(path: &str) -> ArtifactLocation {
    let path = path.strip_prefix("./").unwrap_or(path);
    let encoded: String = path
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                char::from(b).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect();
    if path.starts_with('/') {
        ArtifactLocation {
            uri: format!("file://{encoded}"),
            uri_base_id: None,
        }
    } else {
        ArtifactLocation {
            uri: encoded,
            uri_base_id: Some(SRCROOT),
        }
    }
}

fn physical(l: &Location) -> PhysicalLocation {
    PhysicalLocation {
        artifact_location: artifact_location(&l.file),
        region: (l.start_line > 0).then(|| Region {
            start_line: l.start_line,
            end_line: (l.end_line >= l.start_line).then_some(l.end_line),
        }),
    }
}

fn descriptor(meta: &RuleMeta) -> Descriptor {
    let description = if meta.description.trim().is_empty() {
        meta.title.clone()
    } else {
        meta.description.clone()
    };
    Descriptor {
        id: meta.id.clone(),
        name: meta.name.clone(),
        short_description: Text {
            text: meta.title.clone(),
        },
        full_description: Text {
            text: description.clone(),
        },
        help: Help {
            text: format!("{description}\n\nRemediation: {}", meta.remediation),
            markdown: format!(
                "{description}\n\n**Remediation:** {}\n\nResource kinds: {}",
                meta.remediation,
                meta.kinds
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        },
        default_configuration: Configuration {
            level: level(meta.severity),
        },
        properties: DescriptorProperties {
            security_severity: security_severity(meta.severity),
            severity: meta.severity,
            tags: vec!["security".to_owned(), "compliance".to_owned()],
            kinds: meta.kinds.clone(),
        },
    }
}

/// A descriptor for a rule an outcome names but the result's metadata lacks (hand-built
/// results); keeps every `ruleIndex` valid.
fn fallback_descriptor(o: &Outcome) -> RuleMeta {
    RuleMeta {
        id: o.rule_id.clone(),
        name: o.rule_name.clone(),
        title: o.rule_name.clone(),
        description: String::new(),
        severity: o.severity,
        kinds: vec![o.resource.kind.clone()],
        inputs: Vec::new(),
        remediation: "see the rule's documentation".to_owned(),
        status: Default::default(),
        parameters: Default::default(),
    }
}

fn result(o: &Outcome, rule_index: usize) -> SarifResult {
    let (kind, level) = match o.status {
        Status::Fail | Status::Waived => ("fail", level(o.severity)),
        Status::Unknown | Status::Error | Status::Pass => ("review", "none"),
    };
    let mut logical = Vec::new();
    if let Some(arn) = &o.resource.arn {
        logical.push(LogicalLocation {
            name: o.resource.address.clone(),
            fully_qualified_name: arn.clone(),
            kind: "resource",
        });
    } else {
        logical.push(LogicalLocation {
            name: o.resource.address.clone(),
            fully_qualified_name: o.resource.address.clone(),
            kind: "resource",
        });
    }
    let location = SarifLocation {
        physical_location: o.location.as_ref().map(physical),
        logical_locations: logical,
    };
    let suppressions = match (&o.waiver, o.status) {
        (Some(w), Status::Waived) if !w.expired => vec![Suppression {
            kind: "external",
            status: "accepted",
            justification: format!(
                "{}{}{}{} (declared at {})",
                w.reason,
                w.owner
                    .as_deref()
                    .map(|x| format!("; owner {x}"))
                    .unwrap_or_default(),
                w.ticket
                    .as_deref()
                    .map(|x| format!("; ticket {x}"))
                    .unwrap_or_default(),
                w.expires
                    .as_deref()
                    .map(|x| format!("; expires {x}"))
                    .unwrap_or_default(),
                w.source
            ),
        }],
        (None, Status::Waived) => vec![Suppression {
            kind: "external",
            status: "accepted",
            justification: "waived".to_owned(),
        }],
        _ => Vec::new(),
    };
    let prefix = match o.status {
        Status::Unknown => "unknown: ",
        Status::Error => "policy error: ",
        _ => "",
    };
    SarifResult {
        rule_id: o.rule_id.clone(),
        rule_index,
        kind,
        level,
        message: Text {
            text: format!("{prefix}{} ({})", o.message, o.resource.address),
        },
        locations: vec![location],
        partial_fingerprints: [(FINGERPRINT_KEY, o.fingerprint.clone())]
            .into_iter()
            .collect(),
        suppressions,
        baseline_state: o.in_baseline.then_some("unchanged"),
        properties: ResultProperties {
            status: o.status,
            severity: o.severity,
            resource_kind: o.resource.kind.clone(),
            resource_address: o.resource.address.clone(),
            arn: o.resource.arn.clone(),
            waiver: o.waiver.clone(),
        },
    }
}

impl Reporter for SarifReporter {
    fn render(&self, scan: &ScanResult, run: &RunInfo, out: &mut dyn Write) -> io::Result<()> {
        let mut metas: BTreeMap<String, RuleMeta> = scan
            .rules
            .iter()
            .map(|m| (m.id.clone(), m.clone()))
            .collect();
        for o in &scan.outcomes {
            metas
                .entry(o.rule_id.clone())
                .or_insert_with(|| fallback_descriptor(o));
        }
        let index: BTreeMap<&str, usize> = metas
            .keys()
            .enumerate()
            .map(|(i, id)| (id.as_str(), i))
            .collect();
        let results = scan
            .outcomes
            .iter()
            .filter(|o| o.status != Status::Pass)
            .map(|o| result(o, index.get(o.rule_id.as_str()).copied().unwrap_or(0)))
            .collect();
        let notifications = scan
            .diagnostics
            .iter()
            .map(|d| Notification {
                level: match d.level {
                    DiagnosticLevel::Error => "error",
                    DiagnosticLevel::Warning => "warning",
                },
                message: Text {
                    text: d.message.clone(),
                },
                descriptor: ReportingDescriptorReference { id: d.code.clone() },
                locations: d
                    .file
                    .as_deref()
                    .map(|f| {
                        vec![SarifLocation {
                            physical_location: Some(PhysicalLocation {
                                artifact_location: artifact_location(f),
                                region: d.line.filter(|l| *l > 0).map(|l| Region {
                                    start_line: l,
                                    end_line: None,
                                }),
                            }),
                            logical_locations: Vec::new(),
                        }]
                    })
                    .unwrap_or_default(),
            })
            .collect();
        let log = Log {
            schema: SCHEMA,
            version: "2.1.0",
            runs: vec![Run {
                tool: Tool {
                    driver: Driver {
                        name: env!("CARGO_PKG_NAME"),
                        version: env!("CARGO_PKG_VERSION"),
                        semantic_version: env!("CARGO_PKG_VERSION"),
                        rules: metas.values().map(descriptor).collect(),
                    },
                },
                invocations: vec![Invocation {
                    execution_successful: !scan.incomplete() && scan.count(Status::Error) == 0,
                    end_time_utc: run.timestamp.clone(),
                    tool_execution_notifications: notifications,
                }],
                artifacts: scan
                    .inputs
                    .iter()
                    .map(|i| Artifact {
                        location: artifact_location(&i.path),
                        hashes: [("sha-256", i.sha256.clone())].into_iter().collect(),
                    })
                    .collect(),
                results,
                column_kind: "unicodeCodePoints",
                properties: RunProperties {
                    run,
                    summary: Summary::of(scan),
                },
            }],
        };
        serde_json::to_writer_pretty(&mut *out, &log)?;
        writeln!(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn artifact_uris_are_encoded_and_based() {
        let l = artifact_location("./infra dir/main#1.tf");
        assert_eq!(l.uri, "infra%20dir/main%231.tf");
        assert_eq!(l.uri_base_id, Some(SRCROOT));
        let abs = artifact_location("/srv/x.tf");
        assert_eq!(abs.uri, "file:///srv/x.tf");
        assert!(abs.uri_base_id.is_none());
    }
}
