//! One scan, end to end, as a library call: collect the sources under the given paths,
//! normalize them, evaluate the policies, and return everything a reporter needs.
//! No printing and no exit codes here: the CLI decides what to show and how to gate.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;

use crate::collect::terraform;
use crate::engine::{self, Outcome, PolicySet, Status};
use crate::model::{Diagnostic, Input, Snapshot};
use crate::normalize;

/// A kind of input a scan can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum Source {
    Terraform,
}

/// What to scan and how.
#[derive(Debug, Clone, Default)]
pub struct ScanOptions {
    pub paths: Vec<PathBuf>,
    /// Which kinds of input to read; empty means all.
    pub sources: Vec<Source>,
    pub terraform: terraform::Options,
}

impl ScanOptions {
    fn reads(&self, source: Source) -> bool {
        self.sources.is_empty() || self.sources.contains(&source)
    }
}

/// The result of one scan: inputs, diagnostics and one outcome per (rule, resource).
#[derive(Debug, Clone, Serialize)]
pub struct ScanResult {
    pub inputs: Vec<Input>,
    pub diagnostics: Vec<Diagnostic>,
    pub outcomes: Vec<Outcome>,
    /// Number of normalized resources judged.
    pub resource_count: usize,
}

impl ScanResult {
    /// True when some input could not be read or understood.
    pub fn incomplete(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.level == crate::model::DiagnosticLevel::Error)
    }

    /// Count of outcomes with this status.
    pub fn count(&self, status: Status) -> usize {
        self.outcomes.iter().filter(|o| o.status == status).count()
    }
}

/// Collects and normalizes every supported source under `options.paths`.
pub fn collect(options: &ScanOptions) -> Snapshot {
    let mut snapshot = Snapshot::default();
    if options.reads(Source::Terraform) {
        let tf = terraform::load(&options.paths, &options.terraform);
        snapshot.extend(Snapshot {
            resources: normalize::terraform::normalize(&tf.instances),
            inputs: tf.inputs,
            diagnostics: tf.diagnostics,
        });
    }
    snapshot.sort();
    snapshot
}

/// Judges a snapshot with a policy set.
pub fn judge(snapshot: &Snapshot, policies: &PolicySet) -> ScanResult {
    let digests: BTreeMap<String, String> = snapshot
        .inputs
        .iter()
        .map(|i| (i.path.clone(), i.sha256.clone()))
        .collect();
    ScanResult {
        inputs: snapshot.inputs.clone(),
        diagnostics: snapshot.diagnostics.clone(),
        outcomes: engine::evaluate(policies, &snapshot.resources, &digests),
        resource_count: snapshot.resources.len(),
    }
}

/// Collects, normalizes and judges in one go.
pub fn run(options: &ScanOptions, policies: &PolicySet) -> ScanResult {
    judge(&collect(options), policies)
}
