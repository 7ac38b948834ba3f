//! The store's commands: recording a scan (`scan --store`), `history`, `history show`,
//! `history prune`, `diff --store --since` and `report period`. Printing lives here; the
//! queries live in [`crate::store`].

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use super::args::{HistoryArgs, HistoryCommand, ListFormat, PeriodArgs};
use super::Exit;
use crate::engine::{PolicySet, Status};
use crate::rulesets::{ControlStatus, Ruleset};
use crate::scan::ScanResult;
use crate::store::{self, period, RunMeta, Since, Store};

/// Records a finished scan or audit and applies retention; reports what changed on stderr.
pub(crate) fn record_scan(
    path: &Path,
    source: store::RunSource,
    keep_days: Option<u32>,
    timestamp: &str,
    paths: Vec<String>,
    policies: &PolicySet,
    result: &ScanResult,
) -> Result<()> {
    let mut db = Store::open(path).with_context(|| format!("store {}", path.display()))?;
    // Accounts and regions of a live audit come from the evidence; completeness from the
    // diagnostics.
    let mut meta = RunMeta::for_scan(timestamp, paths, policies, result);
    meta.source = source;
    // `--allow-partial` turns a partial collection into a warning for the gate; as evidence it
    // stays incomplete.
    if result
        .diagnostics
        .iter()
        .any(|d| d.code == "snapshot-incomplete")
    {
        meta.complete = false;
    }
    let rec = store::record_run(&mut db, &meta, result)
        .with_context(|| format!("cannot record the run in {}", path.display()))?;
    eprintln!(
        "stored: run #{} in {} ({} outcomes; {} new, {} re-opened, {} resolved findings)",
        rec.run_id,
        path.display(),
        rec.outcomes,
        rec.opened,
        rec.reopened,
        rec.resolved
    );
    if let Some(days) = keep_days {
        prune(&mut db, days, timestamp)?;
    }
    Ok(())
}

fn prune(db: &mut Store, days: u32, now: &str) -> Result<()> {
    if days == 0 {
        bail!("--keep-days must be at least 1");
    }
    let p = db.prune(days, now)?;
    eprintln!(
        "retention: kept {days} days; removed {} runs, {} outcomes, {} findings",
        p.runs, p.outcomes, p.findings
    );
    Ok(())
}

/// `vouch history [show FINGERPRINT | prune --keep-days N]`.
pub(crate) fn history(args: HistoryArgs) -> Result<Exit> {
    let mut db = Store::open_existing(&args.store)?;
    match args.command {
        None => list_runs(&db, args.format),
        Some(HistoryCommand::Show { fingerprint }) => {
            let fp = db.resolve_fingerprint(&fingerprint)?;
            show_timeline(&db.timeline(&fp)?, args.format)
        }
        Some(HistoryCommand::Prune {
            keep_days,
            timestamp,
        }) => {
            let now = super::plan::timestamp(timestamp.as_deref())?;
            prune(&mut db, keep_days, &now)?;
            Ok(Exit::Clean)
        }
    }
}

fn list_runs(db: &Store, format: ListFormat) -> Result<Exit> {
    let rulesets = Ruleset::builtin()?;
    let runs = store::history::history(db, &rulesets)?;
    let mut out = io::stdout().lock();
    match format {
        ListFormat::Json => {
            let doc = serde_json::json!({
                "schema_version": store::SCHEMA_VERSION,
                "runs": runs,
            });
            serde_json::to_writer_pretty(&mut out, &doc)?;
            writeln!(out)?;
        }
        ListFormat::Table => {
            let mut table = comfy_table::Table::new();
            table.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
            let mut header: Vec<String> = [
                "RUN", "STARTED", "SOURCE", "EVIDENCE", "PASS", "FAIL", "UNKNOWN", "ERROR",
                "WAIVED",
            ]
            .map(str::to_owned)
            .to_vec();
            header.extend(rulesets.iter().map(|r| r.framework.to_uppercase()));
            table.set_header(header);
            for s in &runs {
                let n = |st: Status| s.run.counts.get(&st).copied().unwrap_or(0).to_string();
                let mut row = vec![
                    format!("#{}", s.run.id),
                    s.run.meta.started_at.clone(),
                    s.run.meta.source.as_str().to_owned(),
                    if s.run.meta.complete {
                        "complete"
                    } else {
                        "incomplete"
                    }
                    .to_owned(),
                    n(Status::Pass),
                    n(Status::Fail),
                    n(Status::Unknown),
                    n(Status::Error),
                    n(Status::Waived),
                ];
                for set in &rulesets {
                    let c = s.frameworks.get(&set.framework);
                    let k = |st: ControlStatus| c.and_then(|m| m.get(&st)).copied().unwrap_or(0);
                    row.push(format!(
                        "{} pass / {} fail / {} unknown",
                        k(ControlStatus::Pass),
                        k(ControlStatus::Fail),
                        k(ControlStatus::Unknown)
                    ));
                }
                table.add_row(row);
            }
            writeln!(out, "{table}")?;
            writeln!(out, "{} runs in {}", runs.len(), db.path().display())?;
        }
    }
    Ok(Exit::Clean)
}

fn show_timeline(t: &store::Timeline, format: ListFormat) -> Result<Exit> {
    let mut out = io::stdout().lock();
    match format {
        ListFormat::Json => {
            serde_json::to_writer_pretty(&mut out, t)?;
            writeln!(out)?;
        }
        ListFormat::Table => {
            writeln!(out, "{} on {} ({})", t.rule_id, t.address, t.kind)?;
            writeln!(out, "fingerprint {}", t.fingerprint)?;
            match &t.finding {
                Some(f) => writeln!(
                    out,
                    "first seen failing {}, last seen failing {}, {}{}",
                    f.first_seen,
                    f.last_seen,
                    f.resolved_at
                        .as_ref()
                        .map_or("still open".to_owned(), |r| format!("resolved {r}")),
                    if f.reopened > 0 {
                        format!(", re-opened {} time(s)", f.reopened)
                    } else {
                        String::new()
                    }
                )?,
                None => writeln!(out, "never failed")?,
            }
            let mut table = comfy_table::Table::new();
            table.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
            table.set_header(["RUN", "STARTED", "STATUS"]);
            for e in &t.runs {
                table.add_row([
                    format!("#{}", e.run_id),
                    e.started_at.clone(),
                    e.status.map_or("absent".to_owned(), |s| s.to_string()),
                ]);
            }
            writeln!(out, "{table}")?;
        }
    }
    Ok(Exit::Clean)
}

/// `vouch diff`: two reports, or the store; exactly one of the two.
pub(crate) fn diff(
    old: Option<PathBuf>,
    new: Option<PathBuf>,
    store_path: Option<PathBuf>,
    since: Option<String>,
    format: ListFormat,
) -> Result<Exit> {
    let uses_store = store_path.is_some() || since.is_some();
    let d = match (old, new) {
        (Some(_), Some(_)) | (Some(_), None) if uses_store => {
            bail!("give either two reports (vouch diff OLD NEW) or --store/--since, not both")
        }
        (Some(old), Some(new)) => crate::diff::diff_files(&old, &new)?,
        (Some(_), None) => bail!("vouch diff needs two reports (OLD NEW), or --store/--since"),
        (None, _) => {
            if !uses_store {
                bail!("vouch diff needs two reports (OLD NEW), or --store FILE --since last|DATE");
            }
            let path = store_path.unwrap_or_else(|| PathBuf::from(store::DEFAULT_STORE));
            let since = Since::parse(since.as_deref().unwrap_or("last"))?;
            let db = Store::open_existing(&path)?;
            let sd = db.diff_since(&since)?;
            eprintln!(
                "comparing run #{} ({}) with run #{} ({})",
                sd.new_run.id,
                sd.new_run.meta.started_at,
                sd.old_run.id,
                sd.old_run.meta.started_at
            );
            sd.diff
        }
    };
    super::print_diff(&d, format)?;
    Ok(if d.new.is_empty() {
        Exit::Clean
    } else {
        Exit::Findings
    })
}

/// `vouch report period`.
pub(crate) fn period_report(args: PeriodArgs) -> Result<Exit> {
    let ruleset = match (&args.ruleset, &args.framework) {
        (Some(file), _) => {
            let text = std::fs::read_to_string(file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            yaml_serde::from_str::<Ruleset>(&text)
                .with_context(|| format!("{}: not a ruleset", file.display()))?
        }
        (None, Some(name)) => Ruleset::named(name)?,
        (None, None) => bail!("give --framework NAME or --ruleset FILE"),
    };
    let options = period::PeriodOptions {
        from: store::parse_date(&args.from).context("--from")?,
        to: store::parse_date(&args.to).context("--to")?,
        expect_every: store::parse_duration(&args.expect_every).context("--expect-every")?,
    };
    let db = Store::open_existing(&args.store)?;
    let report = period::period_report(&db, &ruleset, &options)?;
    match &args.output {
        Some(path) => {
            let mut buf = Vec::new();
            period::render(&report, args.format, &mut buf)?;
            std::fs::write(path, buf)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        None => {
            let mut out = io::stdout().lock();
            period::render(&report, args.format, &mut out)?;
            out.flush()?;
        }
    }
    if !report.gaps.is_empty() {
        eprintln!(
            "warning: {} gap(s) without a run in the period ({} of {} expected runs missing)",
            report.gaps.len(),
            report.expected_runs - report.covered_slots,
            report.expected_runs
        );
    }
    Ok(Exit::Clean)
}
