//! One scan, end to end, as a library call: collect the sources under the given paths,
//! normalize them, evaluate the policies, and return everything a reporter needs.
//! No printing and no exit codes here: the CLI decides what to show and how to gate.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde::Serialize;
use time::Date;

use crate::baseline::{self, Baseline};
use crate::collect::{aws, cloudformation, plan, terraform};
use crate::engine::policy::RuleStatus;
use crate::engine::{self, Outcome, PolicySet, Status};
use crate::model::{Diagnostic, DiagnosticLevel, Input, Snapshot};
use crate::normalize;
use crate::rulesets::{FrameworkResult, Ruleset};
use crate::waivers::{self, Waiver, WaiverReport};

/// A kind of input a scan can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum Source {
    /// Terraform HCL (`*.tf`, `*.tf.json`).
    Terraform,
    /// Terraform plan or state JSON (`terraform show -json`).
    Plan,
    /// CloudFormation and SAM templates (YAML or JSON).
    Cloudformation,
}

/// What to scan and how.
#[derive(Debug, Clone, Default)]
pub struct ScanOptions {
    pub paths: Vec<PathBuf>,
    /// Which kinds of input to read; empty means all.
    pub sources: Vec<Source>,
    pub terraform: terraform::Options,
    pub plan: plan::PlanOptions,
    pub cloudformation: cloudformation::CfnOptions,
    /// Live AWS snapshots (`vouch collect aws`) to judge alongside the paths.
    pub snapshots: Vec<PathBuf>,
    /// An incomplete live snapshot is a warning rather than an error (exit 2).
    pub allow_partial: bool,
    /// Waivers from configuration (inline ones are read from the scanned files).
    pub waivers: Vec<Waiver>,
    /// The run's date, against which waiver expiry is judged; `None` skips waivers.
    pub today: Option<Date>,
    /// Accepted failures that do not gate.
    pub baseline: Option<Baseline>,
    /// Frameworks whose control status is reported.
    pub frameworks: Vec<Ruleset>,
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
    /// Stale and expired waivers.
    pub waivers: WaiverReport,
    /// Baseline entries that no longer fail.
    pub baseline_fixed: Vec<baseline::Entry>,
    /// Rules that report but never gate (preview rules not enabled in configuration).
    pub non_gating: BTreeSet<String>,
    /// Control status per requested framework.
    pub frameworks: Vec<FrameworkResult>,
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

/// Collects and normalizes every supported source under `options.paths`, plus any live
/// snapshots. An unreadable snapshot is an error diagnostic, like any unreadable input.
pub fn collect(options: &ScanOptions) -> Snapshot {
    let mut snapshot = Snapshot::default();
    for path in &options.snapshots {
        match aws::AwsSnapshot::read(path) {
            Ok((live, sha256)) => {
                let display = path.display().to_string();
                snapshot.inputs.push(Input {
                    path: display.clone(),
                    sha256,
                });
                add_live(&mut snapshot, live, &display, options.allow_partial);
            }
            Err(e) => snapshot.diagnostics.push(Diagnostic {
                level: DiagnosticLevel::Error,
                code: "snapshot-unreadable".to_owned(),
                file: Some(path.display().to_string()),
                line: None,
                column: None,
                message: e.to_string(),
            }),
        }
    }
    if options.paths.is_empty() {
        snapshot.sort();
        return snapshot;
    }
    if options.reads(Source::Plan) {
        let out = plan::load(&options.paths, &options.plan);
        snapshot.extend(Snapshot {
            resources: normalize::terraform::normalize(&out.instances)
                .into_iter()
                .map(|mut r| {
                    // One adapter serves HCL and plans; the provenance says which it was.
                    r.source = crate::model::SourceKind::TerraformPlan;
                    r.provenance.parser = "terraform-plan-json".to_owned();
                    r
                })
                .collect(),
            inputs: out.inputs,
            diagnostics: out.diagnostics,
        });
    }
    if options.reads(Source::Cloudformation) {
        let out = cloudformation::load(&options.paths, &options.cloudformation);
        snapshot.extend(Snapshot {
            resources: normalize::cloudformation::normalize(&out.resources),
            inputs: out.inputs,
            diagnostics: out.diagnostics,
        });
    }
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

/// Adds a live snapshot; an incomplete collection is an input error unless partial evidence
/// is allowed (its failed calls are unknowns either way).
pub fn add_live(snapshot: &mut Snapshot, live: aws::AwsSnapshot, name: &str, allow_partial: bool) {
    if !live.complete {
        snapshot.diagnostics.push(Diagnostic {
            level: if allow_partial {
                DiagnosticLevel::Warning
            } else {
                DiagnosticLevel::Error
            },
            code: "snapshot-incomplete".to_owned(),
            file: Some(name.to_owned()),
            line: None,
            column: None,
            message: format!(
                "{} call(s) failed during collection; the checks that need their data are unknown{}",
                live.failed_calls.len(),
                if allow_partial { "" } else { " (--allow-partial accepts this)" }
            ),
        });
    }
    snapshot.extend(live.into());
}

/// Judges a snapshot with a policy set, then applies waivers and the baseline.
pub fn judge(snapshot: &Snapshot, policies: &PolicySet, options: &ScanOptions) -> ScanResult {
    let digests: BTreeMap<String, String> = snapshot
        .inputs
        .iter()
        .map(|i| (i.path.clone(), i.sha256.clone()))
        .collect();
    let mut outcomes = engine::evaluate(policies, &snapshot.resources, &digests);
    let mut diagnostics = snapshot.diagnostics.clone();
    let mut waiver_report = WaiverReport::default();
    if let Some(today) = options.today {
        let (mut waivers, problems) = waivers::inline_waivers(&snapshot.inputs);
        diagnostics.extend(problems);
        waivers.splice(0..0, options.waivers.iter().cloned());
        waiver_report = waivers::apply(&mut outcomes, &snapshot.resources, &waivers, today);
    }
    let baseline_fixed = options
        .baseline
        .as_ref()
        .map(|b| b.apply(&mut outcomes))
        .unwrap_or_default();
    diagnostics.sort();
    let frameworks = options
        .frameworks
        .iter()
        .map(|f| f.judge(&outcomes))
        .collect();
    ScanResult {
        inputs: snapshot.inputs.clone(),
        diagnostics,
        outcomes,
        resource_count: snapshot.resources.len(),
        waivers: waiver_report,
        baseline_fixed,
        non_gating: policies
            .rules
            .iter()
            .filter(|r| r.meta.status != RuleStatus::Stable)
            .map(|r| r.meta.id.clone())
            .collect(),
        frameworks,
    }
}

/// Collects, normalizes and judges in one go.
pub fn run(options: &ScanOptions, policies: &PolicySet) -> ScanResult {
    judge(&collect(options), policies, options)
}
