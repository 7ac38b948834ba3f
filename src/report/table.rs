//! `--format table`: what a person reads in a terminal or a CI log. Lists every outcome that
//! is not a pass (passes are counted in the summary), colour only when asked (on a TTY).

use std::io::{self, Write};

use comfy_table::{presets, Attribute, Cell, Color, ContentArrangement, Table};

use crate::engine::{Severity, Status};
use crate::report::{Reporter, RunInfo, Summary};
use crate::rulesets::{ControlStatus, FrameworkResult};
use crate::scan::ScanResult;

pub struct TableReporter {
    pub color: bool,
}

impl TableReporter {
    fn cell(&self, text: impl ToString, color: Option<Color>) -> Cell {
        let cell = Cell::new(text);
        match (self.color, color) {
            (true, Some(c)) => cell.fg(c),
            _ => cell,
        }
    }
}

fn severity_color(s: Severity) -> Option<Color> {
    match s {
        Severity::Critical => Some(Color::Magenta),
        Severity::High => Some(Color::Red),
        Severity::Medium => Some(Color::Yellow),
        Severity::Low | Severity::Info => None,
    }
}

fn status_color(s: Status) -> Option<Color> {
    match s {
        Status::Fail | Status::Error => Some(Color::Red),
        Status::Unknown => Some(Color::Yellow),
        Status::Pass => Some(Color::Green),
        Status::Waived => Some(Color::Cyan),
    }
}

impl Reporter for TableReporter {
    fn render(&self, result: &ScanResult, _run: &RunInfo, out: &mut dyn Write) -> io::Result<()> {
        let shown: Vec<_> = result
            .outcomes
            .iter()
            .filter(|o| o.status != Status::Pass)
            .collect();
        if !shown.is_empty() {
            let mut table = Table::new();
            table.load_preset(presets::UTF8_FULL_CONDENSED);
            table.set_content_arrangement(ContentArrangement::Dynamic);
            if self.color {
                table.enforce_styling();
            } else {
                table.force_no_tty();
            }
            let header = [
                "SEVERITY", "STATUS", "RULE", "RESOURCE", "LOCATION", "MESSAGE",
            ];
            table.set_header(header.iter().map(|h| {
                let c = Cell::new(h);
                if self.color {
                    c.add_attribute(Attribute::Bold)
                } else {
                    c
                }
            }));
            for o in shown {
                let location = o
                    .location
                    .as_ref()
                    .map(|l| format!("{}:{}", l.file, l.start_line))
                    .or_else(|| o.resource.arn.clone())
                    .unwrap_or_default();
                table.add_row(vec![
                    self.cell(o.severity, severity_color(o.severity)),
                    self.cell(
                        if o.in_baseline {
                            format!("{} (baseline)", o.status)
                        } else {
                            o.status.to_string()
                        },
                        status_color(o.status),
                    ),
                    Cell::new(&o.rule_id),
                    Cell::new(&o.resource.address),
                    Cell::new(location),
                    Cell::new(&o.message),
                ]);
            }
            writeln!(out, "{table}")?;
        }
        for f in &result.frameworks {
            writeln!(out, "{}", framework_summary(f))?;
            for c in f
                .controls
                .iter()
                .filter(|c| matches!(c.status, ControlStatus::Fail | ControlStatus::Unknown))
            {
                writeln!(out, "  {:<8} {:<14} {}", c.status_label(), c.id, c.title)?;
            }
        }
        let s = Summary::of(result);
        let by_sev: Vec<String> = Severity::ALL
            .iter()
            .filter_map(|sev| {
                let n = s.fail_by_severity.get(sev).copied().unwrap_or(0);
                (n > 0).then(|| format!("{n} {sev}"))
            })
            .collect();
        writeln!(
            out,
            "{} resources, {} checks: {} passed, {} failed{}, {} unknown, {} errors, {} waived",
            s.resources,
            s.outcomes,
            s.pass,
            s.fail,
            if by_sev.is_empty() {
                String::new()
            } else {
                format!(" ({})", by_sev.join(", "))
            },
            s.unknown,
            s.error,
            s.waived
        )?;
        if s.diagnostics > 0 {
            writeln!(
                out,
                "{} input problems (listed on stderr); results may be incomplete",
                s.diagnostics
            )?;
        }
        Ok(())
    }
}

/// One line per framework: `pci-dss-4.0.1 (PCI DSS 4.0.1): 3 fail, 1 unknown, 12 pass, ...`.
pub(crate) fn framework_summary(f: &FrameworkResult) -> String {
    let parts: Vec<String> = f
        .counts
        .iter()
        .map(|(status, n)| format!("{n} {}", status.label()))
        .collect();
    format!(
        "{} ({} {}): controls {}",
        f.framework,
        f.title,
        f.version,
        parts.join(", ")
    )
}
