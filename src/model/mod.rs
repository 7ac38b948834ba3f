//! The normalized resource model: the one contract between adapters and policies.
//!
//! Every source (Terraform HCL, plan JSON, CloudFormation, live AWS) is folded into
//! [`Resource`]s of canonical kinds (`aws.s3.bucket`, ...). A policy only ever sees a
//! resource's `attributes`, whose shape per kind is documented by a JSON Schema under
//! `schemas/` (see [`kinds`]).
//!
//! Invariant: a value an adapter cannot determine is never guessed. It is stored as an
//! *unknown marker* (`{"__unknown__": "<reason>"}`, built by [`unknown`]) so that policies
//! and the engine can tell "absent" from "not known" and never turn the latter into a pass.

pub mod kinds;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Key of the unknown marker object. Chosen so it cannot collide with a provider attribute.
pub const UNKNOWN_KEY: &str = "__unknown__";

/// Builds the marker for a value that cannot be determined, with the reason as evidence.
pub fn unknown(reason: impl Into<String>) -> Value {
    let mut map = serde_json::Map::new();
    map.insert(UNKNOWN_KEY.to_owned(), Value::String(reason.into()));
    Value::Object(map)
}

/// Returns the reason when `value` is an unknown marker.
pub fn unknown_reason(value: &Value) -> Option<&str> {
    match value {
        Value::Object(map) if map.len() == 1 => map.get(UNKNOWN_KEY).and_then(Value::as_str),
        _ => None,
    }
}

/// Finds the first unknown marker anywhere inside `value` (depth first, stable order).
pub fn first_unknown(value: &Value) -> Option<&str> {
    if let Some(reason) = unknown_reason(value) {
        return Some(reason);
    }
    match value {
        Value::Array(items) => items.iter().find_map(first_unknown),
        Value::Object(map) => map.values().find_map(first_unknown),
        _ => None,
    }
}

/// Looks up a dotted attribute path (`encryption.sse_algorithm`, `ingress.0.from_port`).
///
/// Returns `Err(reason)` when the walk reaches an unknown marker before the end of the
/// path: the value below an unknown is itself unknown, never absent.
pub fn lookup<'a>(value: &'a Value, path: &str) -> Result<Option<&'a Value>, &'a str> {
    let mut current = value;
    if path.is_empty() {
        return Ok(Some(current));
    }
    for segment in path.split('.') {
        if let Some(reason) = unknown_reason(current) {
            return Err(reason);
        }
        let next = match current {
            Value::Object(map) => map.get(segment),
            Value::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        };
        match next {
            Some(v) => current = v,
            None => return Ok(None),
        }
    }
    if let Some(reason) = unknown_reason(current) {
        return Err(reason);
    }
    Ok(Some(current))
}

/// Where a resource or an attribute was read: a file and a 1-based inclusive line range.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Location {
    /// Path as given to the scanner, relative to the working directory when possible,
    /// always with `/` separators so output is the same on every platform.
    pub file: String,
    pub start_line: u32,
    pub end_line: u32,
}

/// The kind of source a resource came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    Terraform,
    TerraformPlan,
    Cloudformation,
    Aws,
}

/// How and from what a resource was read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// Parser or collector that produced the raw document (`vouch-hcl`, `saphyr`, `aws-sdk-s3`).
    pub parser: String,
    /// Native resource types folded into this resource, in join order
    /// (`aws_s3_bucket`, `aws_s3_bucket_versioning`, ...).
    pub source_types: Vec<String>,
    /// Native addresses folded into this resource (the join's evidence).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub joined: Vec<String>,
    /// API operations that contributed data (live resources only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub api_calls: Vec<String>,
    /// Collection time, RFC 3339 (live resources only; IaC is timeless).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collected_at: Option<String>,
    /// Where each top-level attribute of a live resource was read, when one resource is
    /// assembled from several sources (an S3 bucket from its AWS Config item and S3 calls).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attribute_sources: BTreeMap<String, AttributeSource>,
}

impl Provenance {
    /// This provenance as evidence for a verdict on `paths`: the attribute sources only of
    /// the attributes those paths read (a bucket has eleven; a rule reads one to four).
    pub fn for_paths(&self, paths: &[&str]) -> Provenance {
        let mut attribute_sources = BTreeMap::new();
        for path in paths {
            let top = path.split('.').next().unwrap_or(path);
            if let Some(source) = self.attribute_sources.get(top) {
                attribute_sources.insert(top.to_owned(), source.clone());
            }
        }
        Provenance {
            parser: self.parser.clone(),
            source_types: self.source_types.clone(),
            joined: self.joined.clone(),
            api_calls: self.api_calls.clone(),
            collected_at: self.collected_at.clone(),
            attribute_sources,
        }
    }
}

/// The source of one attribute of a live resource: the operation that answered, the field of
/// a configuration item it was read from and that item's capture time, or the derivation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttributeSource {
    /// `service:Operation` that supplied the value (`config:BatchGetResourceConfig`,
    /// `s3:GetBucketEncryption`), or `derived` when it follows from other attributes.
    pub operation: String,
    /// The item field read (`supplementaryConfiguration.BucketPolicy`), for configuration items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// When the source captured the value (an AWS Config item's
    /// `configurationItemCaptureTime`); a direct API answer is as of `collected_at`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub captured_at: Option<String>,
    /// Why this source was used: the derivation, or why a preferred source was not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One normalized resource, the unit a policy judges.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resource {
    /// Canonical kind, e.g. `aws.s3.bucket`.
    pub kind: String,
    /// Canonical address: Terraform address (`module.a[0].aws_s3_bucket.b["x"]`), CloudFormation
    /// logical ID, or ARN for live resources.
    pub address: String,
    pub source: SourceKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// Module call chain from the root (`["module.audit[0]"]`); empty for root resources.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub module_chain: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// The normalized attributes (a JSON object) that policies see as `input`.
    pub attributes: Value,
    /// Where each normalized attribute path was set in source, when it was set in a file.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attribute_locations: BTreeMap<String, Location>,
    pub provenance: Provenance,
}

impl Resource {
    /// The location of an attribute path, or of its nearest set ancestor.
    pub fn attribute_location(&self, path: &str) -> Option<&Location> {
        let mut candidate = path;
        loop {
            if let Some(loc) = self.attribute_locations.get(candidate) {
                return Some(loc);
            }
            match candidate.rfind('.') {
                Some(i) => candidate = &candidate[..i],
                None => return None,
            }
        }
    }
}

/// Severity of a diagnostic about the input (not of a finding).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DiagnosticLevel {
    /// The input could not be read or understood: the scan is incomplete (exit 2).
    Error,
    /// Something was not resolved (e.g. a remote module); affected values are unknown.
    Warning,
}

/// A problem with the input, located where possible. Diagnostics are not findings.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Diagnostic {
    pub level: DiagnosticLevel,
    /// Stable machine-readable code, e.g. `parse-error`, `module-unresolved`.
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    pub message: String,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.file, self.line, self.column) {
            (Some(file), Some(line), Some(col)) => write!(f, "{file}:{line}:{col}: ")?,
            (Some(file), Some(line), None) => write!(f, "{file}:{line}: ")?,
            (Some(file), None, _) => write!(f, "{file}: ")?,
            _ => {}
        }
        write!(f, "{}: {}", self.code, self.message)
    }
}

/// A file that was read, with its digest (evidence of exactly what was judged).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Input {
    pub path: String,
    pub sha256: String,
}

impl Input {
    pub fn from_bytes(path: impl Into<String>, bytes: &[u8]) -> Self {
        use sha2::Digest;
        Self {
            path: path.into(),
            sha256: hex::encode(sha2::Sha256::digest(bytes)),
        }
    }
}

/// Everything the collectors produced for one run: normalized resources plus what was read
/// and what went wrong. Serializable, so a snapshot can be written and judged later.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub resources: Vec<Resource>,
    pub inputs: Vec<Input>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Snapshot {
    /// Appends another snapshot's content.
    pub fn extend(&mut self, other: Snapshot) {
        self.resources.extend(other.resources);
        self.inputs.extend(other.inputs);
        self.diagnostics.extend(other.diagnostics);
    }

    /// Sorts every list so that output never depends on discovery or thread order.
    pub fn sort(&mut self) {
        self.resources.sort_by(|a, b| {
            (&a.address, &a.kind, &a.location).cmp(&(&b.address, &b.kind, &b.location))
        });
        self.inputs.sort();
        self.inputs.dedup();
        self.diagnostics.sort();
        self.diagnostics.dedup();
    }

    /// True when any input could not be read or understood.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.level == DiagnosticLevel::Error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lookup_distinguishes_absent_from_unknown() {
        let v = json!({"a": {"b": 1}, "u": unknown("var.x has no value"), "l": [{"p": 22}]});
        assert_eq!(lookup(&v, "a.b"), Ok(Some(&json!(1))));
        assert_eq!(lookup(&v, "a.c"), Ok(None));
        assert_eq!(lookup(&v, "u.deep"), Err("var.x has no value"));
        assert_eq!(lookup(&v, "u"), Err("var.x has no value"));
        assert_eq!(lookup(&v, "l.0.p"), Ok(Some(&json!(22))));
        assert_eq!(first_unknown(&v), None.or(Some("var.x has no value")));
    }

    #[test]
    fn evidence_keeps_the_sources_of_the_attributes_a_rule_reads() {
        let source = |op: &str| AttributeSource {
            operation: op.to_owned(),
            ..Default::default()
        };
        let p = Provenance {
            parser: "aws-sdk-s3".into(),
            api_calls: vec!["s3:GetBucketVersioning".into()],
            attribute_sources: BTreeMap::from([
                ("versioning".to_owned(), source("s3:GetBucketVersioning")),
                ("tags".to_owned(), source("config:BatchGetResourceConfig")),
                ("acl".to_owned(), source("config:BatchGetResourceConfig")),
            ]),
            ..Default::default()
        };
        let e = p.for_paths(&["versioning.enabled", "versioning.mfa_delete", "tags"]);
        assert_eq!(
            e.attribute_sources.keys().collect::<Vec<_>>(),
            vec!["tags", "versioning"]
        );
        assert_eq!(e.api_calls, p.api_calls);
        assert_eq!(e.parser, p.parser);
    }
}
