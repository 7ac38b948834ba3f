//! The command line: parse ([`args`]) → validated plan ([`plan`]) → run → exit status.
//! This is the only place that prints, and the only place that turns results into exit codes.

pub mod args;
pub mod aws;
mod bundle;
mod history;
pub mod plan;
pub mod rules;

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{CommandFactory, FromArgMatches};

use crate::baseline::Baseline;
use crate::config::Config;
use crate::diff;
use crate::engine::{testing, PolicySet, Severity, Status};
use crate::model::kinds;
use crate::model::Snapshot;
use crate::report::{self, RunInfo};
use crate::scan::{self, ScanResult};
use args::{
    AuditCommand, BaselineCommand, Cli, CollectCommand, Command, ConfigCommand, ListFormat,
    PolicyCommand, ReportCommand,
};
use plan::{Destination, InputPlan, ScanPlan};

/// The documented exit statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Clean = 0,
    Findings = 1,
    Error = 2,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        ExitCode::from(e as u8)
    }
}

/// Entry point for the binary.
pub fn main() -> ExitCode {
    let matches = match Cli::command().try_get_matches() {
        Ok(m) => m,
        Err(e) => {
            let code = if e.use_stderr() {
                Exit::Error
            } else {
                Exit::Clean
            };
            let _ = e.print();
            return code.into();
        }
    };
    let result = Cli::from_arg_matches(&matches)
        .map_err(anyhow::Error::from)
        .and_then(|cli| dispatch(cli, &matches));
    match result {
        Ok(exit) => exit.into(),
        Err(e) if is_broken_pipe(&e) => Exit::Clean.into(),
        Err(e) => {
            eprintln!("error: {e:#}");
            Exit::Error.into()
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}

fn dispatch(cli: Cli, matches: &clap::ArgMatches) -> Result<Exit> {
    match cli.command {
        Command::Scan(args) => {
            let sub = matches
                .subcommand_matches("scan")
                .context("internal: scan arguments missing")?;
            let plan = ScanPlan::from_args(args, sub)?;
            run_scan(&plan)
        }
        Command::Rules(args) => rules::run(args),
        Command::Controls { framework, format } => rules::controls(&framework, format),
        Command::Schema { kind } => print_schema(kind.as_deref()),
        Command::Policy(PolicyCommand::Test {
            dir,
            coverage,
            min_coverage,
        }) => policy_test(dir, coverage || min_coverage.is_some(), min_coverage),
        Command::Policy(PolicyCommand::New {
            domain,
            name,
            kind,
            dir,
        }) => policy_new(&domain, &name, &kind, &dir),
        Command::Baseline(BaselineCommand::Create { input, output }) => {
            let plan = InputPlan::from_args(input, true)?;
            let result = scan::run(&plan.options, &plan.policies()?);
            print_problems(&result);
            let baseline = Baseline::from_outcomes(&result.outcomes, plan.timestamp.clone());
            let mut text = serde_json::to_string_pretty(&baseline)?;
            text.push('\n');
            std::fs::write(&output, text)
                .with_context(|| format!("cannot write {}", output.display()))?;
            eprintln!(
                "baseline: {} failing outcomes recorded in {}",
                baseline.entries.len(),
                output.display()
            );
            Ok(if result.incomplete() {
                Exit::Error
            } else {
                Exit::Clean
            })
        }
        Command::Diff {
            old,
            new,
            store,
            since,
            format,
        } => history::diff(old, new, store, since, format),
        Command::History(args) => history::history(args),
        Command::Report(ReportCommand::Period(args)) => history::period_report(args),
        Command::Config(ConfigCommand::Check { file }) => {
            let path = match file {
                Some(f) => f,
                None => Config::discover(std::path::Path::new("."))
                    .context("no vouch.toml found in this directory or its parents")?,
            };
            Config::load(&path)?;
            println!("{}: ok", path.display());
            Ok(Exit::Clean)
        }
        Command::Collect(CollectCommand::Aws {
            aws,
            output,
            allow_partial,
        }) => {
            let snapshot = aws::collect(&aws)?;
            let sha = snapshot.write(&output)?;
            aws::report_collection(&snapshot, Some((&output, &sha)));
            Ok(if snapshot.complete || allow_partial {
                Exit::Clean
            } else {
                Exit::Error
            })
        }
        Command::Audit(AuditCommand::Aws {
            aws,
            input,
            report,
            snapshot_output,
        }) => {
            let sub = matches
                .subcommand_matches("audit")
                .and_then(|m| m.subcommand_matches("aws"))
                .context("internal: audit arguments missing")?;
            if !input.paths.is_empty() {
                bail!("`audit aws` judges live accounts; scan IaC paths with `vouch scan`");
            }
            let plan = ScanPlan::new(InputPlan::from_args(input, false)?, report, sub)?;
            // Judge the given snapshots (shards merge into one run), or collect now.
            let mut snapshot = Snapshot::default();
            if plan.input.options.snapshots.is_empty() {
                let live = aws::collect(&aws)?;
                // The digest identifies exactly what was judged, written to a file or not.
                let (name, sha) = match &snapshot_output {
                    Some(path) => (path.display().to_string(), live.write(path)?),
                    None => {
                        use sha2::Digest;
                        let bytes = live.to_json()?;
                        (
                            "live collection".to_owned(),
                            hex::encode(sha2::Sha256::digest(bytes)),
                        )
                    }
                };
                aws::report_collection(&live, snapshot_output.as_ref().map(|p| (p, sha.as_str())));
                snapshot.inputs.push(crate::model::Input {
                    path: name.clone(),
                    sha256: sha,
                });
                scan::add_live(&mut snapshot, live, &name, plan.input.options.allow_partial);
            } else {
                snapshot = scan::collect(&plan.input.options);
            }
            snapshot.sort();
            judge_and_report(&plan, &snapshot, crate::store::RunSource::Aws)
        }
        Command::Completions { shell } => {
            let mut cmd = Cli::command();
            clap_complete::generate(shell, &mut cmd, "vouch", &mut io::stdout().lock());
            Ok(Exit::Clean)
        }
        Command::Man => {
            clap_mangen::Man::new(Cli::command()).render(&mut io::stdout().lock())?;
            Ok(Exit::Clean)
        }
        Command::Evidence(cmd) => bundle::run(cmd),
    }
}

/// Input problems and waiver housekeeping go to stderr, whatever the output format.
fn print_problems(result: &ScanResult) {
    for d in &result.diagnostics {
        eprintln!("{}: {d}", level_word(d.level));
    }
    for w in &result.waivers.expired {
        eprintln!(
            "warning: {}: waiver for `{}` expired on {}; the finding counts again",
            w.source,
            w.rule,
            w.expires.as_deref().unwrap_or("?")
        );
    }
    for w in &result.waivers.unmatched {
        eprintln!(
            "warning: {}: waiver for `{}` matches nothing",
            w.source, w.rule
        );
    }
    for e in &result.baseline_fixed {
        eprintln!(
            "fixed: {} on {} (in the baseline, no longer failing)",
            e.rule_id, e.address
        );
    }
}

fn print_diff(d: &diff::Diff, format: ListFormat) -> Result<()> {
    let mut out = io::stdout().lock();
    match format {
        ListFormat::Json => {
            serde_json::to_writer_pretty(&mut out, d)?;
            writeln!(out)?;
        }
        ListFormat::Table => {
            let mut table = comfy_table::Table::new();
            table.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
            table.set_header(["CHANGE", "RULE", "RESOURCE", "BEFORE", "AFTER", "MESSAGE"]);
            let groups = [
                ("new", &d.new),
                ("fixed", &d.fixed),
                ("still failing", &d.still_failing),
                ("newly unknown", &d.newly_unknown),
            ];
            let status = |s: Option<Status>| s.map_or("-".to_owned(), |s| s.to_string());
            for (label, changes) in groups {
                for c in changes {
                    table.add_row([
                        label.to_owned(),
                        c.rule_id.clone(),
                        c.address.clone(),
                        status(c.before),
                        status(c.after),
                        c.message.clone(),
                    ]);
                }
            }
            writeln!(out, "{table}")?;
            writeln!(
                out,
                "{} new, {} fixed, {} still failing, {} newly unknown",
                d.new.len(),
                d.fixed.len(),
                d.still_failing.len(),
                d.newly_unknown.len()
            )?;
        }
    }
    Ok(())
}

fn run_scan(plan: &ScanPlan) -> Result<Exit> {
    if plan.collect_only {
        let snapshot = scan::collect(&plan.input.options);
        println!(
            "{} resources from {} files, {} diagnostics",
            snapshot.resources.len(),
            snapshot.inputs.len(),
            snapshot.diagnostics.len()
        );
        return Ok(if snapshot.has_errors() {
            Exit::Error
        } else {
            Exit::Clean
        });
    }
    judge_and_report(
        plan,
        &scan::collect(&plan.input.options),
        crate::store::RunSource::Iac,
    )
}

/// Judges a snapshot, writes every requested report, and gates.
fn judge_and_report(
    plan: &ScanPlan,
    snapshot: &Snapshot,
    source: crate::store::RunSource,
) -> Result<Exit> {
    let policies = plan.input.policies()?;
    let result = scan::judge(snapshot, &policies, &plan.input.options);
    print_problems(&result);
    let run = RunInfo {
        timestamp: plan.input.timestamp.clone(),
        paths: plan
            .input
            .options
            .paths
            .iter()
            .map(|p| p.display().to_string())
            .collect(),
        fail_on: plan.fail_on_label.clone(),
        fail_on_unknown: plan.fail_on_unknown,
    };
    for output in &plan.outputs {
        let reporter = report::reporter(output.format, output.color);
        match &output.destination {
            Destination::Stdout => {
                let stdout = io::stdout();
                let mut lock = stdout.lock();
                reporter.render(&result, &run, &mut lock)?;
                lock.flush()?;
            }
            Destination::File(path) => {
                // Streamed rather than rendered into memory first: a JSON report of a large
                // scan is several MiB, and holding it at once was the peak of a scan's heap.
                let cannot_write = || format!("cannot write {}", path.display());
                let file = std::fs::File::create(path).with_context(cannot_write)?;
                let mut out = io::BufWriter::new(file);
                reporter
                    .render(&result, &run, &mut out)
                    .and_then(|()| out.flush())
                    .with_context(cannot_write)?;
            }
        }
    }
    if let Some(path) = &plan.bundle {
        bundle::write(path, plan.sign_key.as_deref(), &result, &run, &policies)?;
    }
    if let Some(store) = &plan.store {
        history::record_scan(
            store,
            source,
            plan.keep_days,
            &plan.input.timestamp,
            run.paths.clone(),
            &policies,
            &result,
        )?;
    }
    Ok(gate(&result, plan.fail_on, plan.fail_on_unknown))
}

fn level_word(level: crate::model::DiagnosticLevel) -> &'static str {
    match level {
        crate::model::DiagnosticLevel::Error => "error",
        crate::model::DiagnosticLevel::Warning => "warning",
    }
}

/// The gate: 2 when evidence is incomplete or a policy failed, else 1 when an outcome at or
/// above the threshold fails (or is unknown, when asked), else 0.
pub fn gate(result: &ScanResult, threshold: Option<Severity>, fail_on_unknown: bool) -> Exit {
    if result.incomplete() || result.count(Status::Error) > 0 {
        return Exit::Error;
    }
    let Some(threshold) = threshold else {
        return Exit::Clean;
    };
    // Baseline failures and preview rules report but never gate.
    let gates = |o: &crate::engine::Outcome| {
        let status_gates =
            o.status == Status::Fail || (fail_on_unknown && o.status == Status::Unknown);
        status_gates
            && o.severity >= threshold
            && !o.in_baseline
            && !result.non_gating.contains(&o.rule_id)
    };
    if result.outcomes.iter().any(gates) {
        Exit::Findings
    } else {
        Exit::Clean
    }
}

fn print_schema(kind: Option<&str>) -> Result<Exit> {
    let mut out = io::stdout().lock();
    match kind {
        None => {
            for k in kinds::all() {
                writeln!(out, "{k}")?;
            }
            Ok(Exit::Clean)
        }
        Some(k) => match kinds::schema(k) {
            Some(text) => {
                out.write_all(text.as_bytes())?;
                Ok(Exit::Clean)
            }
            None => {
                eprintln!(
                    "error: unknown kind `{k}`; known kinds: {}",
                    kinds::all().join(", ")
                );
                Ok(Exit::Error)
            }
        },
    }
}

fn policy_test(
    dir: Option<std::path::PathBuf>,
    coverage: bool,
    min_coverage: Option<f64>,
) -> Result<Exit> {
    let dirs: Vec<_> = dir.into_iter().collect();
    let policies = PolicySet::load(&dirs, &Default::default())?;
    let reports = testing::run(&policies);
    let custom_only = !dirs.is_empty();
    let mut out = io::stdout().lock();
    let (mut passed, mut failed, mut below) = (0usize, 0usize, 0usize);
    let (mut covered, mut countable) = (0usize, 0usize);
    for rep in reports
        .iter()
        .filter(|r| !custom_only || policies.rule(&r.rule_id).is_some_and(|rule| !rule.builtin))
    {
        if let Some(problem) = &rep.problem {
            failed += 1;
            writeln!(out, "FAIL {}: {problem}", rep.rule_id)?;
        }
        for case in &rep.cases {
            match &case.failure {
                None => passed += 1,
                Some(why) => {
                    failed += 1;
                    writeln!(out, "FAIL {} / {}: {why}", case.rule_id, case.case)?;
                }
            }
        }
        if coverage {
            let cov = &rep.coverage;
            covered += cov.covered.len();
            countable += cov.covered.len() + cov.not_covered.len();
            let low = min_coverage.is_some_and(|min| cov.percent() < min);
            below += usize::from(low);
            let lines: Vec<String> = cov.not_covered.iter().map(u32::to_string).collect();
            writeln!(
                out,
                "{} {} {:.1}% of {} lines{}",
                if low { "LOW " } else { "COVER" },
                rep.path,
                cov.percent(),
                cov.covered.len() + cov.not_covered.len(),
                if lines.is_empty() {
                    String::new()
                } else {
                    format!(", not reached: {}", lines.join(", "))
                }
            )?;
        }
    }
    writeln!(out, "{passed} passed, {failed} failed")?;
    if coverage {
        writeln!(
            out,
            "coverage {:.1}% ({covered} of {countable} lines){}",
            testing::percent(covered, countable),
            match min_coverage {
                Some(min) if below > 0 => format!(", {below} rule file(s) below {min}%"),
                _ => String::new(),
            }
        )?;
    }
    Ok(if failed == 0 && below == 0 {
        Exit::Clean
    } else {
        Exit::Findings
    })
}

fn policy_new(domain: &str, name: &str, kind: &str, dir: &std::path::Path) -> Result<Exit> {
    let files = crate::engine::scaffold::scaffold(domain, name, kind)?;
    let targets = [
        (dir.join(&files.policy_path), &files.policy),
        (dir.join(&files.tests_path), &files.tests),
    ];
    if let Some((existing, _)) = targets.iter().find(|(path, _)| path.exists()) {
        bail!("{} already exists; not overwriting it", existing.display());
    }
    for (path, text) in &targets {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
        println!("created {}", path.display());
    }
    println!(
        "next: edit the TODOs, then `vouch policy test {}` and `vouch scan --policies {} ...`",
        dir.display(),
        dir.display()
    );
    Ok(Exit::Clean)
}

/// Whether to colour terminal output.
pub(crate) fn use_color(choice: args::ColorChoice) -> bool {
    match choice {
        args::ColorChoice::Always => true,
        args::ColorChoice::Never => false,
        args::ColorChoice::Auto => {
            io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    }
}
