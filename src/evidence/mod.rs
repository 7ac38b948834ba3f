//! Evidence bundles: one zip an auditor can keep, re-check and trust.
//!
//! A bundle holds the HTML and JSON reports, the snapshot of normalized resources, the exact
//! policies (rule sources and helper modules) and rulesets used, and `manifest.json`: tool
//! version, every input and its SHA-256, the policy-set digest, times, counts, and the SHA-256
//! and size of every other file in the bundle. With a key, `manifest.sig` holds an Ed25519
//! signature over the exact bytes of `manifest.json` (64 bytes, hex, newline).
//!
//! Invariants: the same result, run info, policies and key give byte-identical bundles
//! (entries in a fixed order — sorted paths, then `manifest.json`, then `manifest.sig` —
//! with the run's timestamp as every entry's time, mode 0644, deflate, no extra fields or
//! comments). [`verify::verify`] relies on that to also check the zip container byte for
//! byte, so that any changed byte is caught and attributed to an entry.

pub mod keys;
pub mod verify;

use std::collections::BTreeMap;
use std::io::{Cursor, Write};

use ed25519_dalek::{Signer, SigningKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::embedded::{POLICY_FILES, RULESET_FILES};
use crate::engine::PolicySet;
use crate::model::Input;
use crate::report::{HtmlReporter, JsonReporter, Reporter, RunInfo, Summary};
use crate::scan::ScanResult;

/// Version of the bundle layout and manifest; bump on any breaking change.
pub const BUNDLE_FORMAT: u32 = 1;
pub const MANIFEST: &str = "manifest.json";
pub const SIGNATURE: &str = "manifest.sig";

#[derive(Debug, Error)]
pub enum EvidenceError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot write the bundle: {0}")]
    Write(String),
    #[error("{0}")]
    Key(String),
    #[error("not a readable zip archive: {0}")]
    NotAZip(String),
}

/// A file listed in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileDigest {
    pub path: String,
    pub sha256: String,
    pub size: u64,
}

/// The policy set used: its digest and every module in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicySetDigest {
    /// SHA-256 over `path NUL sha256 LF` of every policy module, sorted by bundle path.
    pub digest: String,
    /// Rule IDs, sorted.
    pub rules: Vec<String>,
    /// Every policy module (rules and helpers) with the bundle path it is stored under.
    pub modules: Vec<FileDigest>,
}

/// Times the evidence rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Times {
    /// The run's timestamp (RFC 3339, pinned with `--timestamp`).
    pub scan: String,
    /// Earliest and latest collection time of live resources, when there are any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collected_earliest: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collected_latest: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolInfo {
    pub name: String,
    pub version: String,
}

/// How the manifest is signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignatureInfo {
    pub algorithm: String,
    /// The Ed25519 public key, hex. Only `verify --pubkey` makes it trusted.
    pub public_key: String,
    pub file: String,
}

/// `manifest.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub bundle_format: u32,
    pub tool: ToolInfo,
    pub run: serde_json::Value,
    pub times: Times,
    pub inputs: Vec<Input>,
    pub policy_set: PolicySetDigest,
    pub rulesets: Vec<FileDigest>,
    pub counts: serde_json::Value,
    /// Every file in the bundle except the manifest and its signature, sorted by path.
    pub files: Vec<FileDigest>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<SignatureInfo>,
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn digest_of(path: &str, bytes: &[u8]) -> FileDigest {
    FileDigest {
        path: path.to_owned(),
        sha256: sha256_hex(bytes),
        size: bytes.len() as u64,
    }
}

/// A safe, relative in-zip path for a custom policy file given by the user (which may be
/// absolute or contain `..`): only normal components survive.
fn custom_policy_path(path: &str) -> String {
    let parts: Vec<String> = path
        .replace('\\', "/")
        .split('/')
        .filter(|c| !c.is_empty() && *c != "." && *c != ".." && !c.contains(':'))
        .map(str::to_owned)
        .collect();
    format!("policies/custom/{}", parts.join("/"))
}

/// The policy modules of a set, as (bundle path, text): every rule's source, plus the
/// built-in helper modules (`policies/lib/…`) the engine always loads.
fn policy_modules(policies: &PolicySet) -> BTreeMap<String, String> {
    let mut modules = BTreeMap::new();
    for rule in &policies.rules {
        let path = if rule.builtin {
            rule.path.clone()
        } else {
            custom_policy_path(&rule.path)
        };
        modules.insert(path, rule.source.clone());
    }
    for (path, text) in POLICY_FILES {
        // Helper packages (`vouch.lib`, …) are loaded into every engine; built-in rule
        // files the set left out (`retain`) were not used and are not bundled.
        if path.ends_with(".rego") && !text.contains("package vouch.rules.") {
            modules.insert((*path).to_owned(), (*text).to_owned());
        }
    }
    modules
}

/// The zip time of every entry: the run's timestamp, clamped to the DOS range (1980–2107).
fn zip_time(rfc3339: &str) -> zip::DateTime {
    let t =
        time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339).ok();
    t.and_then(|t| {
        let year = u16::try_from(t.year()).ok()?.clamp(1980, 2107);
        zip::DateTime::from_date_and_time(
            year,
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second(),
        )
        .ok()
    })
    .unwrap_or_default()
}

/// Writes entries, in the given order, the one canonical way (see the module doc).
pub(crate) fn write_zip(
    entries: &[(String, Vec<u8>)],
    time: zip::DateTime,
) -> Result<Vec<u8>, EvidenceError> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(6))
        .last_modified_time(time)
        .unix_permissions(0o644)
        .large_file(false);
    for (name, bytes) in entries {
        zip.start_file(name.as_str(), options)
            .map_err(|e| EvidenceError::Write(format!("{name}: {e}")))?;
        zip.write_all(bytes)
            .map_err(|e| EvidenceError::Write(format!("{name}: {e}")))?;
    }
    let cursor = zip
        .finish()
        .map_err(|e| EvidenceError::Write(e.to_string()))?;
    Ok(cursor.into_inner())
}

/// Builds a bundle in memory. `signing_key` adds `manifest.sig`.
pub fn build(
    result: &ScanResult,
    run: &RunInfo,
    policies: &PolicySet,
    signing_key: Option<&SigningKey>,
) -> Result<Vec<u8>, EvidenceError> {
    let render = |r: &dyn Reporter| -> Result<Vec<u8>, EvidenceError> {
        let mut buf = Vec::new();
        r.render(result, run, &mut buf)
            .map_err(|e| EvidenceError::Write(format!("rendering a report: {e}")))?;
        Ok(buf)
    };
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    files.insert("report.html".into(), render(&HtmlReporter::default())?);
    files.insert("report.json".into(), render(&JsonReporter)?);
    let mut snapshot = serde_json::to_vec_pretty(&result.snapshot())
        .map_err(|e| EvidenceError::Write(format!("snapshot: {e}")))?;
    snapshot.push(b'\n');
    files.insert("snapshot.json".into(), snapshot);

    let modules = policy_modules(policies);
    let mut module_digests = Vec::new();
    let mut set_digest = Sha256::new();
    for (path, text) in &modules {
        let d = digest_of(path, text.as_bytes());
        set_digest.update(path.as_bytes());
        set_digest.update([0]);
        set_digest.update(d.sha256.as_bytes());
        set_digest.update([b'\n']);
        module_digests.push(d);
        files.insert(path.clone(), text.as_bytes().to_vec());
    }
    let mut ruleset_digests = Vec::new();
    for (path, text) in RULESET_FILES {
        ruleset_digests.push(digest_of(path, text.as_bytes()));
        files.insert((*path).to_owned(), text.as_bytes().to_vec());
    }

    let collected: Vec<&str> = result
        .resources
        .iter()
        .filter_map(|r| r.provenance.collected_at.as_deref())
        .collect();
    let manifest = Manifest {
        bundle_format: BUNDLE_FORMAT,
        tool: ToolInfo {
            name: env!("CARGO_PKG_NAME").to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
        },
        run: serde_json::to_value(run).map_err(|e| EvidenceError::Write(e.to_string()))?,
        times: Times {
            scan: run.timestamp.clone(),
            collected_earliest: collected.iter().min().map(|s| (*s).to_owned()),
            collected_latest: collected.iter().max().map(|s| (*s).to_owned()),
        },
        inputs: result.inputs.clone(),
        policy_set: PolicySetDigest {
            digest: hex::encode(set_digest.finalize()),
            rules: policies.rules.iter().map(|r| r.meta.id.clone()).collect(),
            modules: module_digests,
        },
        rulesets: ruleset_digests,
        counts: serde_json::to_value(Summary::of(result))
            .map_err(|e| EvidenceError::Write(e.to_string()))?,
        files: files.iter().map(|(p, b)| digest_of(p, b)).collect(),
        signature: signing_key.map(|k| SignatureInfo {
            algorithm: "ed25519".to_owned(),
            public_key: hex::encode(k.verifying_key().to_bytes()),
            file: SIGNATURE.to_owned(),
        }),
    };
    let mut manifest_bytes = serde_json::to_vec_pretty(&manifest)
        .map_err(|e| EvidenceError::Write(format!("manifest: {e}")))?;
    manifest_bytes.push(b'\n');

    let mut entries: Vec<(String, Vec<u8>)> = files.into_iter().collect();
    if let Some(key) = signing_key {
        let signature = key.sign(&manifest_bytes);
        entries.push((MANIFEST.to_owned(), manifest_bytes));
        entries.push((
            SIGNATURE.to_owned(),
            format!("{}\n", hex::encode(signature.to_bytes())).into_bytes(),
        ));
    } else {
        entries.push((MANIFEST.to_owned(), manifest_bytes));
    }
    write_zip(&entries, zip_time(&run.timestamp))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn custom_paths_stay_inside_the_bundle() {
        assert_eq!(
            custom_policy_path("/home/me/../pol/x.rego"),
            "policies/custom/home/me/pol/x.rego"
        );
        assert_eq!(
            custom_policy_path("C:\\p\\y.rego"),
            "policies/custom/p/y.rego"
        );
    }

    #[test]
    fn zip_time_is_clamped_to_the_dos_range() {
        assert_eq!(zip_time("1970-01-01T00:00:00Z").year(), 1980);
        assert_eq!(zip_time("2026-03-04T05:06:08Z").month(), 3);
    }
}
