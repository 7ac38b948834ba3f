//! `--format github`: GitHub Actions workflow commands, so findings show as annotations on
//! the pull request's changed lines. Failures are `error`, unknowns `warning`, expired
//! waivers and baseline failures `notice`.

use std::io::{self, Write};

use crate::engine::{Outcome, Status};
use crate::report::{Reporter, RunInfo};
use crate::scan::ScanResult;

pub struct GithubReporter;

/// Escapes a workflow-command message (`%`, CR, LF).
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow-command property (also `:` and `,`).
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn level(o: &Outcome) -> Option<&'static str> {
    match o.status {
        Status::Fail if o.in_baseline => Some("notice"),
        Status::Fail | Status::Error => Some("error"),
        Status::Unknown => Some("warning"),
        Status::Waived | Status::Pass => None,
    }
}

impl Reporter for GithubReporter {
    fn render(&self, result: &ScanResult, _run: &RunInfo, out: &mut dyn Write) -> io::Result<()> {
        for o in &result.outcomes {
            let Some(level) = level(o) else { continue };
            let mut props = Vec::new();
            if let Some(loc) = &o.location {
                props.push(format!("file={}", escape_property(&loc.file)));
                props.push(format!("line={}", loc.start_line));
                props.push(format!("endLine={}", loc.end_line));
            }
            props.push(format!(
                "title={}",
                escape_property(&format!("{} ({}, {})", o.rule_id, o.severity, o.status))
            ));
            let expired = o
                .waiver
                .as_ref()
                .filter(|w| w.expired)
                .map(|w| format!(" [waiver from {} expired]", w.source))
                .unwrap_or_default();
            writeln!(
                out,
                "::{level} {}::{}",
                props.join(","),
                escape_data(&format!("{}: {}{expired}", o.resource.address, o.message))
            )?;
        }
        for d in &result.diagnostics {
            let mut props = Vec::new();
            if let Some(file) = &d.file {
                props.push(format!("file={}", escape_property(file)));
            }
            if let Some(line) = d.line {
                props.push(format!("line={line}"));
            }
            if let Some(col) = d.column {
                props.push(format!("col={col}"));
            }
            props.push(format!("title={}", escape_property(&d.code)));
            let level = match d.level {
                crate::model::DiagnosticLevel::Error => "error",
                crate::model::DiagnosticLevel::Warning => "warning",
            };
            writeln!(
                out,
                "::{level} {}::{}",
                props.join(","),
                escape_data(&d.message)
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_and_properties_are_escaped() {
        assert_eq!(escape_data("50% done\nnext"), "50%25 done%0Anext");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
