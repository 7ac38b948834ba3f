//! Canonical resource kinds and their JSON Schemas (the policy contract).
//!
//! A kind's schema lives in `schemas/<kind>.schema.json` and is embedded in the binary.
//! The list of kinds is derived from those files, so adding a kind means adding a schema.

use crate::embedded::SCHEMA_FILES;

/// Every canonical kind with a schema, sorted.
pub fn all() -> Vec<&'static str> {
    let mut kinds: Vec<&str> = SCHEMA_FILES
        .iter()
        .filter_map(|(p, _)| kind_of(p))
        .collect();
    kinds.sort_unstable();
    kinds
}

/// The JSON Schema text of one kind.
pub fn schema(kind: &str) -> Option<&'static str> {
    SCHEMA_FILES
        .iter()
        .find(|(p, _)| kind_of(p) == Some(kind))
        .map(|(_, text)| *text)
}

fn kind_of(path: &str) -> Option<&str> {
    path.rsplit('/').next()?.strip_suffix(".schema.json")
}
