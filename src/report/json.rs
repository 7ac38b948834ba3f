//! `--format json`: the machine contract other tools read. Stable key order (structs and
//! BTreeMaps), stable result order (sorted by the engine), `schema_version` on top.

use std::io::{self, Write};

use serde::Serialize;

use crate::baseline::Entry;
use crate::engine::Outcome;
use crate::model::{Diagnostic, Input};
use crate::report::{Reporter, RunInfo, Summary, JSON_SCHEMA_VERSION};
use crate::rulesets::FrameworkResult;
use crate::scan::ScanResult;
use crate::waivers::WaiverReport;

pub struct JsonReporter;

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Document<'a> {
    schema_version: u32,
    tool: Tool,
    run: &'a RunInfo,
    inputs: &'a [Input],
    diagnostics: &'a [Diagnostic],
    summary: Summary,
    waivers: &'a WaiverReport,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    baseline_fixed: &'a [Entry],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    frameworks: &'a [FrameworkResult],
    results: &'a [Outcome],
}

impl Reporter for JsonReporter {
    fn render(&self, result: &ScanResult, run: &RunInfo, out: &mut dyn Write) -> io::Result<()> {
        let doc = Document {
            schema_version: JSON_SCHEMA_VERSION,
            tool: Tool {
                name: env!("CARGO_PKG_NAME"),
                version: env!("CARGO_PKG_VERSION"),
            },
            run,
            inputs: &result.inputs,
            diagnostics: &result.diagnostics,
            summary: Summary::of(result),
            waivers: &result.waivers,
            baseline_fixed: &result.baseline_fixed,
            frameworks: &result.frameworks,
            results: &result.outcomes,
        };
        serde_json::to_writer_pretty(&mut *out, &doc)?;
        writeln!(out)
    }
}
