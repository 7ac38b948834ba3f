//! Outcomes: the data a scan produces, one per (rule, matching resource), with evidence.
//! These are findings, never errors: problems with inputs or policies travel separately.

use std::cmp::Ordering;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::{Location, Provenance, SourceKind};

/// How bad a violation of a rule is. Ordered from least to most severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The verdict of one rule on one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The rule's condition is violated.
    Fail,
    /// The input needed for a verdict is not known (never counted as a pass).
    Unknown,
    /// The policy itself failed (evaluation error or timeout).
    Error,
    /// A waiver accepted the failure.
    Waived,
    /// The rule's condition holds, on fully known input.
    Pass,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Fail,
        Status::Unknown,
        Status::Error,
        Status::Waived,
        Status::Pass,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Unknown => "unknown",
            Status::Error => "error",
            Status::Waived => "waived",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which resource an outcome is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ResourceRef {
    pub kind: String,
    pub address: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
}

/// What was observed at one attribute path the verdict depends on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Observation {
    pub path: String,
    /// `set`, `absent` or `unknown`.
    pub state: ObservedState,
    /// The observed value when set; the reason when unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ObservedState {
    Set,
    Absent,
    Unknown,
}

/// Why a verdict was reached, enough to check it without the tool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// Where the resource was read (IaC): the resource block's lines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_location: Option<Location>,
    /// SHA-256 of the file the resource was read from (IaC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_sha256: Option<String>,
    pub source: SourceKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub module_chain: Vec<String>,
    /// How the resource was read: parser or API calls, native types joined.
    pub provenance: Provenance,
    /// The attribute paths the rule depends on, as observed.
    pub observed: Vec<Observation>,
    /// Every message the policy produced (deny or unknown), sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub messages: Vec<String>,
}

/// One verdict of one rule on one resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub rule_id: String,
    /// The kebab name of the violation (`s3-bucket-unencrypted`).
    pub rule_name: String,
    pub status: Status,
    pub severity: Severity,
    pub resource: ResourceRef,
    /// The offending attribute's lines when known, else the resource block's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    pub message: String,
    /// Stable identity of (rule, resource): survives moving code within or between files
    /// and reformatting, so waivers, baselines and history can follow a finding.
    pub fingerprint: String,
    /// The waiver that accepted this outcome (status `waived`) or that has expired.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiver: Option<WaiverRef>,
    /// A failure the baseline already holds: shown, but it does not gate.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub in_baseline: bool,
    pub evidence: Evidence,
}

/// A waiver as recorded on an outcome: who accepted the risk, why, and until when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaiverRef {
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    /// `YYYY-MM-DD`; the waiver applies through that day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// True when the waiver matched but its expiry has passed (the outcome keeps its status).
    #[serde(default)]
    pub expired: bool,
    /// Where the waiver is declared (`vouch.toml:12` or `main.tf:4`).
    pub source: String,
}

/// The fingerprint of a (rule, resource) pair: the first 16 bytes of SHA-256 over the rule
/// ID and the resource's identity (ARN for live resources, else the canonical address).
pub fn fingerprint(rule_id: &str, resource: &ResourceRef) -> String {
    use sha2::{Digest, Sha256};
    let identity = resource.arn.as_deref().unwrap_or(&resource.address);
    let digest = Sha256::new()
        .chain_update(rule_id.as_bytes())
        .chain_update([0])
        .chain_update(resource.kind.as_bytes())
        .chain_update([0])
        .chain_update(identity.as_bytes())
        .finalize();
    hex::encode(&digest[..16])
}

impl Outcome {
    /// The stable output order: most severe first, then rule, resource, location, status.
    pub fn output_order(&self, other: &Self) -> Ordering {
        other
            .severity
            .cmp(&self.severity)
            .then_with(|| self.rule_id.cmp(&other.rule_id))
            .then_with(|| self.resource.cmp(&other.resource))
            .then_with(|| self.location.cmp(&other.location))
            .then_with(|| self.status.cmp(&other.status))
            .then_with(|| self.message.cmp(&other.message))
    }
}
