//! Reporters: one module per output format behind the [`Reporter`] trait, all rendering the
//! same in-memory [`ScanResult`] to a `&mut dyn Write`. Reporters never decide the exit code
//! and never read the clock: run metadata (time included) arrives in [`RunInfo`].

mod csv;
mod excerpt;
mod github;
mod html;
mod json;
mod junit;
mod ocsf;
mod sarif;
mod table;

use std::io::{self, Write};

use serde::Serialize;

use crate::engine::{Severity, Status};
use crate::scan::ScanResult;

pub use csv::CsvReporter;
pub use excerpt::{read_excerpt, Excerpt};
pub use github::GithubReporter;
pub use html::HtmlReporter;
pub use json::JsonReporter;
pub use junit::JunitReporter;
pub use ocsf::OcsfReporter;
pub use sarif::SarifReporter;
pub use table::TableReporter;

/// Version of the JSON output contract; bump on any breaking change.
pub const JSON_SCHEMA_VERSION: u32 = 1;

/// Facts about the run that are not outcomes: the only place wall time appears.
#[derive(Debug, Clone, Serialize)]
pub struct RunInfo {
    /// RFC 3339; pinned with `--timestamp` or `SOURCE_DATE_EPOCH` for reproducible output.
    pub timestamp: String,
    /// The scanned paths as given.
    pub paths: Vec<String>,
    /// The gate threshold (`none` when nothing gates).
    pub fail_on: String,
    pub fail_on_unknown: bool,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    /// SARIF 2.1.0 (GitHub code scanning and other SARIF consumers).
    Sarif,
    /// JUnit XML: a test suite per rule, a test case per resource.
    Junit,
    /// CSV (RFC 4180), one row per outcome.
    Csv,
    /// One self-contained HTML file for auditors.
    Html,
    /// OCSF 1.1 Compliance Finding (class 2003) events, as a JSON array.
    Ocsf,
    /// GitHub Actions workflow annotations.
    Github,
}

/// Renders a scan result in one format.
pub trait Reporter {
    fn render(&self, result: &ScanResult, run: &RunInfo, out: &mut dyn Write) -> io::Result<()>;
}

/// The reporter for a format. `color` applies to terminal formats only.
pub fn reporter(format: Format, color: bool) -> Box<dyn Reporter> {
    match format {
        Format::Table => Box::new(TableReporter { color }),
        Format::Json => Box::new(JsonReporter),
        Format::Github => Box::new(GithubReporter),
        Format::Sarif => Box::new(SarifReporter),
        Format::Junit => Box::new(JunitReporter),
        Format::Csv => Box::new(CsvReporter),
        Format::Html => Box::new(HtmlReporter::default()),
        Format::Ocsf => Box::new(OcsfReporter::default()),
    }
}

/// The framework roll-ups a reporter shows: the given rulesets when a caller (a test) passes
/// some; else the frameworks the scan was asked for (`--framework`); else every built-in
/// ruleset. Built-in rulesets are embedded and checked by tests, so a load failure is a
/// build defect; it still surfaces as an I/O error rather than a silently empty roll-up.
pub(crate) fn frameworks_for(
    given: &Option<Vec<crate::rulesets::Ruleset>>,
    result: &ScanResult,
) -> io::Result<Vec<crate::rulesets::FrameworkResult>> {
    let judge = |sets: &[crate::rulesets::Ruleset]| {
        sets.iter().map(|s| s.judge(&result.outcomes)).collect()
    };
    match given {
        Some(sets) => Ok(judge(sets)),
        None if !result.frameworks.is_empty() => Ok(result.frameworks.clone()),
        None => crate::rulesets::Ruleset::builtin()
            .map(|sets| judge(&sets))
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string())),
    }
}

/// Outcome counts, shared by every format's summary.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub resources: usize,
    pub outcomes: usize,
    pub pass: usize,
    pub fail: usize,
    pub unknown: usize,
    pub error: usize,
    pub waived: usize,
    /// Failing outcomes per severity (all severities listed, zeros included).
    pub fail_by_severity: std::collections::BTreeMap<Severity, usize>,
    pub diagnostics: usize,
}

impl Summary {
    pub fn of(result: &ScanResult) -> Self {
        let mut fail_by_severity: std::collections::BTreeMap<Severity, usize> =
            Severity::ALL.iter().map(|s| (*s, 0)).collect();
        for o in result.outcomes.iter().filter(|o| o.status == Status::Fail) {
            *fail_by_severity.entry(o.severity).or_default() += 1;
        }
        Self {
            resources: result.resource_count,
            outcomes: result.outcomes.len(),
            pass: result.count(Status::Pass),
            fail: result.count(Status::Fail),
            unknown: result.count(Status::Unknown),
            error: result.count(Status::Error),
            waived: result.count(Status::Waived),
            fail_by_severity,
            diagnostics: result.diagnostics.len(),
        }
    }
}
