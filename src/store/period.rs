//! `vouch report period`: SOC 2 Type II style period evidence from the store. For one
//! framework and a date range: per control, the runs that evaluated it, how many passed, the
//! intervals during which it failed and how long each took to remediate; and, for the whole
//! period, the gaps in which no run happened against the expected cadence. Gaps are shown,
//! never hidden: a missing night is a hole in the evidence an auditor must see.
//!
//! Rules of evidence: a control that "passes" on an incomplete run counts as unknown; unknown
//! runs neither open nor close a failing interval; a complete run in which the control judged
//! nothing (not applicable: the failing resources are gone) closes one. Every run in the store
//! within the period counts, so keep one store per estate.

use std::collections::BTreeSet;
use std::io::{self, Write};

use serde::Serialize;
use time::{Date, OffsetDateTime};

use super::history::{effective, OutcomeCache};
use super::{fmt_instant, parse_instant, RunRecord, Store, StoreError};
use crate::engine::Status;
use crate::rulesets::{ControlStatus, Coverage, Ruleset};

/// Version of the period report's JSON contract.
pub const PERIOD_SCHEMA_VERSION: u32 = 1;

/// Output formats of the period report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PeriodFormat {
    /// A self-contained HTML page.
    Html,
    /// One row per control, failing interval and gap (`record` column).
    Csv,
    Json,
}

/// What to report on.
#[derive(Debug, Clone)]
pub struct PeriodOptions {
    /// First day, from 00:00 UTC.
    pub from: Date,
    /// Last day, through 23:59:59 UTC.
    pub to: Date,
    /// The expected cadence of runs; a slot of this length with no run is a gap.
    pub expect_every: time::Duration,
}

/// A run in the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PeriodRun {
    pub id: i64,
    pub started_at: String,
    pub source: String,
    pub complete: bool,
}

/// Consecutive cadence slots without a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gap {
    pub from: String,
    pub to: String,
    /// How many expected runs are missing.
    pub missed: usize,
}

/// A control's status in one run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ControlRun {
    pub run_id: i64,
    pub started_at: String,
    pub status: ControlStatus,
}

/// A stretch of runs during which a control failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FailingInterval {
    /// The first failing run in the period.
    pub from: String,
    /// True when the last run before the period already failed: the failure began earlier.
    pub began_before_period: bool,
    /// The run that found it passing again; `None` while still failing at the period's end.
    pub to: Option<String>,
    /// Seconds from `from` to `to` (time to remediate, as observed).
    pub remediated_after_seconds: Option<i64>,
    pub failing_runs: usize,
    /// Resources that failed the control's rules during the interval.
    pub resources: Vec<String>,
}

/// One control over the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ControlPeriod {
    pub id: String,
    pub title: String,
    pub coverage: Coverage,
    /// Runs in which the control's rules judged something.
    pub runs_evaluated: usize,
    pub passed: usize,
    pub failed: usize,
    pub unknown: usize,
    /// Runs in which its rules judged nothing.
    pub not_applicable: usize,
    /// The status in the period's last run.
    pub status_at_end: Option<ControlStatus>,
    pub timeline: Vec<ControlRun>,
    pub failing_intervals: Vec<FailingInterval>,
}

/// The period report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PeriodReport {
    pub schema_version: u32,
    pub framework: String,
    pub title: String,
    pub version: String,
    /// First and last day of the period (UTC), as asked.
    pub first_day: String,
    pub last_day: String,
    /// Start of the period (inclusive).
    pub from: String,
    /// End of the period (exclusive).
    pub to: String,
    pub expect_every_seconds: i64,
    /// Cadence slots in the period, and how many had at least one run.
    pub expected_runs: usize,
    pub covered_slots: usize,
    pub runs: Vec<PeriodRun>,
    pub gaps: Vec<Gap>,
    pub controls: Vec<ControlPeriod>,
}

/// Builds the period report of one framework from the store.
pub fn period_report(
    store: &Store,
    ruleset: &Ruleset,
    options: &PeriodOptions,
) -> Result<PeriodReport, StoreError> {
    if options.to < options.from {
        return Err(StoreError::Time(format!(
            "the period ends ({}) before it starts ({})",
            options.to, options.from
        )));
    }
    if options.expect_every <= time::Duration::ZERO {
        return Err(StoreError::Time(
            "the expected cadence must be positive".into(),
        ));
    }
    let start = options.from.midnight().assume_utc();
    let end = options
        .to
        .next_day()
        .ok_or_else(|| StoreError::Time(format!("{} is out of range", options.to)))?
        .midnight()
        .assume_utc();
    let runs = store.runs_between(start, end)?;
    let mut cache = OutcomeCache::default();

    // The last run before the period tells whether a failure began earlier.
    let before = store
        .query_runs("started_unix < ?1", [start.unix_timestamp()])?
        .pop();
    let before_status = match &before {
        Some(run) => {
            let outcomes = cache.outcomes(store, run.id)?;
            ruleset
                .evaluate(&outcomes)
                .into_iter()
                .map(|c| (c.id, effective(c.status, run.meta.complete)))
                .collect()
        }
        None => std::collections::BTreeMap::new(),
    };

    let mut controls: Vec<ControlPeriod> = ruleset
        .controls
        .iter()
        .map(|c| ControlPeriod {
            id: c.id.clone(),
            title: c.title.clone(),
            coverage: c.coverage,
            runs_evaluated: 0,
            passed: 0,
            failed: 0,
            unknown: 0,
            not_applicable: 0,
            status_at_end: None,
            timeline: Vec::new(),
            failing_intervals: Vec::new(),
        })
        .collect();
    let mut open: Vec<Option<FailingInterval>> = vec![None; controls.len()];

    for run in &runs {
        let outcomes = cache.outcomes(store, run.id)?;
        let results = ruleset.evaluate(&outcomes);
        let at = parse_instant(&run.meta.started_at)?;
        for (i, result) in results.into_iter().enumerate() {
            let (Some(control), Some(def), Some(slot)) = (
                controls.get_mut(i),
                ruleset.controls.get(i),
                open.get_mut(i),
            ) else {
                continue;
            };
            let status = effective(result.status, run.meta.complete);
            control.timeline.push(ControlRun {
                run_id: run.id,
                started_at: run.meta.started_at.clone(),
                status,
            });
            control.status_at_end = Some(status);
            match status {
                ControlStatus::Pass => control.passed += 1,
                ControlStatus::Fail => control.failed += 1,
                ControlStatus::Unknown => control.unknown += 1,
                ControlStatus::NotApplicable => control.not_applicable += 1,
                ControlStatus::Manual => {}
            }
            if matches!(
                status,
                ControlStatus::Pass | ControlStatus::Fail | ControlStatus::Unknown
            ) {
                control.runs_evaluated += 1;
            }
            let closes = status == ControlStatus::Pass
                || (status == ControlStatus::NotApplicable && run.meta.complete);
            if status == ControlStatus::Fail {
                let interval = slot.get_or_insert_with(|| FailingInterval {
                    from: run.meta.started_at.clone(),
                    // Nothing in the period has closed a failure yet, and the run before
                    // the period failed too: this failure started before the period.
                    began_before_period: control.failing_intervals.is_empty()
                        && control.passed == 0
                        && control.not_applicable == 0
                        && before_status.get(&def.id) == Some(&ControlStatus::Fail),
                    to: None,
                    remediated_after_seconds: None,
                    failing_runs: 0,
                    resources: Vec::new(),
                });
                interval.failing_runs += 1;
                let mut resources: BTreeSet<String> = interval.resources.drain(..).collect();
                resources.extend(
                    outcomes
                        .iter()
                        .filter(|o| o.status == Status::Fail && def.rules.contains(&o.rule_id))
                        .map(|o| {
                            o.resource
                                .arn
                                .clone()
                                .unwrap_or_else(|| o.resource.address.clone())
                        }),
                );
                interval.resources = resources.into_iter().collect();
            } else if closes {
                if let Some(mut interval) = slot.take() {
                    let began = parse_instant(&interval.from)?;
                    interval.to = Some(run.meta.started_at.clone());
                    interval.remediated_after_seconds = Some((at - began).whole_seconds());
                    control.failing_intervals.push(interval);
                }
            }
        }
    }
    for (control, slot) in controls.iter_mut().zip(open) {
        control.failing_intervals.extend(slot);
    }

    let (expected_runs, covered_slots, gaps) = gaps(&runs, start, end, options.expect_every)?;
    Ok(PeriodReport {
        schema_version: PERIOD_SCHEMA_VERSION,
        framework: ruleset.framework.clone(),
        title: ruleset.title.clone(),
        version: ruleset.version.clone(),
        first_day: options.from.to_string(),
        last_day: options.to.to_string(),
        from: fmt_instant(start),
        to: fmt_instant(end),
        expect_every_seconds: options.expect_every.whole_seconds(),
        expected_runs,
        covered_slots,
        runs: runs
            .iter()
            .map(|r| PeriodRun {
                id: r.id,
                started_at: r.meta.started_at.clone(),
                source: r.meta.source.as_str().to_owned(),
                complete: r.meta.complete,
            })
            .collect(),
        gaps,
        controls,
    })
}

/// Cuts `[start, end)` into cadence slots and merges consecutive slots without a run.
fn gaps(
    runs: &[RunRecord],
    start: OffsetDateTime,
    end: OffsetDateTime,
    every: time::Duration,
) -> Result<(usize, usize, Vec<Gap>), StoreError> {
    let times = runs
        .iter()
        .map(|r| parse_instant(&r.meta.started_at))
        .collect::<Result<Vec<_>, _>>()?;
    let (mut slots, mut covered) = (0usize, 0usize);
    let mut gaps: Vec<Gap> = Vec::new();
    let mut slot_start = start;
    let mut previous_empty = false;
    while slot_start < end {
        let slot_end = (slot_start + every).min(end);
        slots += 1;
        if times.iter().any(|t| *t >= slot_start && *t < slot_end) {
            covered += 1;
            previous_empty = false;
        } else {
            match gaps.last_mut() {
                Some(g) if previous_empty => {
                    g.to = fmt_instant(slot_end);
                    g.missed += 1;
                }
                _ => gaps.push(Gap {
                    from: fmt_instant(slot_start),
                    to: fmt_instant(slot_end),
                    missed: 1,
                }),
            }
            previous_empty = true;
        }
        slot_start = slot_end;
    }
    Ok((slots, covered, gaps))
}

/// `1d 4h`, `3h 20m`, `45s`.
pub fn human_duration(seconds: i64) -> String {
    let (d, h, m, s) = (
        seconds / 86_400,
        seconds % 86_400 / 3_600,
        seconds % 3_600 / 60,
        seconds % 60,
    );
    let parts: Vec<String> = [(d, "d"), (h, "h"), (m, "m"), (s, "s")]
        .into_iter()
        .filter(|(n, _)| *n != 0)
        .map(|(n, u)| format!("{n}{u}"))
        .collect();
    if parts.is_empty() {
        "0s".to_owned()
    } else {
        parts.into_iter().take(2).collect::<Vec<_>>().join(" ")
    }
}

fn status_word(s: ControlStatus) -> &'static str {
    match s {
        ControlStatus::Pass => "pass",
        ControlStatus::Fail => "fail",
        ControlStatus::Unknown => "unknown",
        ControlStatus::Manual => "manual",
        ControlStatus::NotApplicable => "not_applicable",
    }
}

fn coverage_word(c: Coverage) -> &'static str {
    match c {
        Coverage::Full => "full",
        Coverage::Partial => "partial",
        Coverage::Manual => "manual",
    }
}

/// Renders the report in one format.
pub fn render(report: &PeriodReport, format: PeriodFormat, out: &mut dyn Write) -> io::Result<()> {
    match format {
        PeriodFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, report)?;
            writeln!(out)
        }
        PeriodFormat::Csv => render_csv(report, out),
        PeriodFormat::Html => render_html(report, out),
    }
}

/// One CSV field: quoted when needed; a leading `=`, `+`, `-` or `@` is prefixed with `'` so
/// a spreadsheet never runs a value as a formula.
fn csv_field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

fn render_csv(r: &PeriodReport, out: &mut dyn Write) -> io::Result<()> {
    let mut row = |fields: &[String]| -> io::Result<()> {
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        writeln!(out, "{}", line.join(","))
    };
    row(&[
        "record",
        "framework",
        "control",
        "title",
        "coverage",
        "runs_evaluated",
        "passed",
        "failed",
        "unknown",
        "not_applicable",
        "status_at_end",
        "from",
        "to",
        "seconds",
        "detail",
    ]
    .map(str::to_owned))?;
    for c in &r.controls {
        row(&[
            "control".into(),
            r.framework.clone(),
            c.id.clone(),
            c.title.clone(),
            coverage_word(c.coverage).into(),
            c.runs_evaluated.to_string(),
            c.passed.to_string(),
            c.failed.to_string(),
            c.unknown.to_string(),
            c.not_applicable.to_string(),
            c.status_at_end.map(status_word).unwrap_or("").into(),
            String::new(),
            String::new(),
            String::new(),
            format!("{} failing interval(s)", c.failing_intervals.len()),
        ])?;
        for i in &c.failing_intervals {
            row(&[
                "failing_interval".into(),
                r.framework.clone(),
                c.id.clone(),
                c.title.clone(),
                coverage_word(c.coverage).into(),
                String::new(),
                String::new(),
                i.failing_runs.to_string(),
                String::new(),
                String::new(),
                String::new(),
                i.from.clone(),
                i.to.clone().unwrap_or_default(),
                i.remediated_after_seconds
                    .map(|s| s.to_string())
                    .unwrap_or_default(),
                format!(
                    "{}{}",
                    if i.began_before_period {
                        "began before the period; "
                    } else {
                        ""
                    },
                    i.resources.join(" ")
                ),
            ])?;
        }
    }
    for g in &r.gaps {
        row(&[
            "gap".into(),
            r.framework.clone(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            g.from.clone(),
            g.to.clone(),
            String::new(),
            format!("{} expected run(s) missing", g.missed),
        ])?;
    }
    Ok(())
}

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => s.push_str("&amp;"),
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '"' => s.push_str("&quot;"),
            '\'' => s.push_str("&#39;"),
            c => s.push(c),
        }
    }
    s
}

const STYLE: &str = "
body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1d232b;margin:2rem auto;max-width:72rem;padding:0 1rem}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #d8dde3;padding-bottom:.3rem}
.sub{color:#5b6570;margin-top:0}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #e6e9ed;vertical-align:top}
th{background:#f4f6f8;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums}
.pass{background:#e3f4e8;color:#17642f}.fail{background:#fde5e3;color:#a1261b}.unknown{background:#fff2cc;color:#7a5a00}
.not_applicable,.manual{background:#eef0f3;color:#5b6570}
.strip span.pass{background:#2f9e55}.strip span.fail{background:#d64535}.strip span.unknown{background:#e0b000}
.strip span.not_applicable,.strip span.manual{background:#c9ced6}
.badge{display:inline-block;padding:0 .45rem;border-radius:.6rem;font-size:.85em}
.strip{display:flex;gap:2px;flex-wrap:wrap}.strip span{width:10px;height:16px;border-radius:2px;display:inline-block}
.gap{color:#a1261b;font-weight:600}.ok{color:#17642f}
code{font-size:.9em}ul{margin:.2rem 0;padding-left:1.2rem}
";

fn render_html(r: &PeriodReport, out: &mut dyn Write) -> io::Result<()> {
    let e = escape;
    writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
    )?;
    writeln!(
        out,
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{} — period report</title><style>{STYLE}</style></head><body>",
        e(&r.title)
    )?;
    writeln!(
        out,
        "<h1>{} {} — period report</h1><p class=\"sub\">{} to {} inclusive (UTC) · expected a run every {} · framework <code>{}</code></p>",
        e(&r.title),
        e(&r.version),
        e(&r.first_day),
        e(&r.last_day),
        e(&human_duration(r.expect_every_seconds)),
        e(&r.framework)
    )?;

    writeln!(out, "<h2>Coverage of the period</h2>")?;
    writeln!(
        out,
        "<p>{} run(s) recorded; {} of {} expected run slot(s) covered.</p>",
        r.runs.len(),
        r.covered_slots,
        r.expected_runs
    )?;
    if r.gaps.is_empty() {
        writeln!(
            out,
            "<p class=\"ok\">No gaps: every expected slot had a run.</p>"
        )?;
    } else {
        writeln!(
            out,
            "<p class=\"gap\">{} gap(s) without a run:</p><table><thead><tr><th>From</th><th>To</th><th>Missed runs</th></tr></thead><tbody>",
            r.gaps.len()
        )?;
        for g in &r.gaps {
            writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td></tr>",
                e(&g.from),
                e(&g.to),
                g.missed
            )?;
        }
        writeln!(out, "</tbody></table>")?;
    }
    let incomplete: Vec<&PeriodRun> = r.runs.iter().filter(|x| !x.complete).collect();
    if !incomplete.is_empty() {
        writeln!(
            out,
            "<p class=\"gap\">{} run(s) had incomplete evidence; their passes count as unknown: {}</p>",
            incomplete.len(),
            incomplete
                .iter()
                .map(|x| format!("#{} ({})", x.id, e(&x.started_at)))
                .collect::<Vec<_>>()
                .join(", ")
        )?;
    }

    writeln!(out, "<h2>Controls</h2>")?;
    writeln!(
        out,
        "<table><thead><tr><th>Control</th><th>Coverage</th><th>Runs evaluated</th><th>Passed</th><th>Failed</th><th>Unknown</th><th>At end</th><th>Runs</th></tr></thead><tbody>"
    )?;
    for c in &r.controls {
        let end = c.status_at_end.map(status_word).unwrap_or("");
        write!(
            out,
            "<tr><td><strong>{}</strong><br>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td><td><div class=\"strip\">",
            e(&c.id),
            e(&c.title),
            coverage_word(c.coverage),
            c.runs_evaluated,
            c.passed,
            c.failed,
            c.unknown,
            if end.is_empty() {
                "—".to_owned()
            } else {
                format!("<span class=\"badge {end}\">{end}</span>")
            }
        )?;
        for t in &c.timeline {
            let w = status_word(t.status);
            write!(
                out,
                "<span class=\"{w}\" title=\"run #{} {}: {w}\"></span>",
                t.run_id,
                e(&t.started_at)
            )?;
        }
        writeln!(out, "</div></td></tr>")?;
    }
    writeln!(out, "</tbody></table>")?;

    writeln!(out, "<h2>Failing intervals and time to remediate</h2>")?;
    let mut any = false;
    for c in &r.controls {
        for i in &c.failing_intervals {
            if !any {
                writeln!(
                    out,
                    "<table><thead><tr><th>Control</th><th>Failing from</th><th>Passing again</th><th>Time to remediate</th><th>Failing runs</th><th>Resources</th></tr></thead><tbody>"
                )?;
                any = true;
            }
            let from = if i.began_before_period {
                format!("{} (began before the period)", e(&i.from))
            } else {
                e(&i.from)
            };
            let (to, ttr) = match (&i.to, i.remediated_after_seconds) {
                (Some(to), Some(s)) => (e(to), e(&human_duration(s))),
                _ => (
                    "<span class=\"badge fail\">still failing</span>".to_owned(),
                    "—".to_owned(),
                ),
            };
            writeln!(
                out,
                "<tr><td>{}</td><td>{from}</td><td>{to}</td><td>{ttr}</td><td class=\"n\">{}</td><td><ul>{}</ul></td></tr>",
                e(&c.id),
                i.failing_runs,
                i.resources
                    .iter()
                    .map(|a| format!("<li><code>{}</code></li>", e(a)))
                    .collect::<String>()
            )?;
        }
    }
    if any {
        writeln!(out, "</tbody></table>")?;
    } else {
        writeln!(
            out,
            "<p class=\"ok\">No control failed during the period.</p>"
        )?;
    }

    writeln!(out, "<h2>Runs</h2><table><thead><tr><th>Run</th><th>Started</th><th>Source</th><th>Evidence</th></tr></thead><tbody>")?;
    for x in &r.runs {
        writeln!(
            out,
            "<tr><td>#{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            x.id,
            e(&x.started_at),
            e(&x.source),
            if x.complete { "complete" } else { "incomplete" }
        )?;
    }
    writeln!(
        out,
        "</tbody></table><p class=\"sub\">Generated by vouch {} from its run store. Manual controls need an assessor; a pass on incomplete evidence counts as unknown.</p></body></html>",
        env!("CARGO_PKG_VERSION")
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn html_and_csv_escape() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=cmd()"), "'=cmd()");
        assert_eq!(csv_field("plain"), "plain");
    }

    #[test]
    fn durations_read_as_people_write_them() {
        assert_eq!(human_duration(86_400 + 3_600 * 4 + 5), "1d 4h");
        assert_eq!(human_duration(45), "45s");
        assert_eq!(human_duration(0), "0s");
    }
}
