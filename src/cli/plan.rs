//! From raw arguments to a validated scan plan: formats paired with their outputs, the
//! timestamp fixed, Terraform variables parsed. Every usage problem is caught here, before
//! any file is read.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::baseline::Baseline;
use crate::cli::args::{InputArgs, ReportArgs, ScanArgs};
use crate::collect::cloudformation::CfnOptions;
use crate::collect::plan::PlanOptions;
use crate::collect::terraform;
use crate::config::Config;
use crate::engine::{PolicySet, Severity};
use crate::report::Format;
use crate::rulesets::Ruleset;
use crate::scan::ScanOptions;
use crate::waivers::{run_date, Waiver};

/// Where one rendered format goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    Stdout,
    File(PathBuf),
}

#[derive(Debug, Clone)]
pub struct Output {
    pub format: Format,
    pub destination: Destination,
    pub color: bool,
}

/// What every reading command needs: the inputs, the configuration and the policies' tuning.
#[derive(Debug, Clone)]
pub struct InputPlan {
    pub options: ScanOptions,
    pub config: Config,
    pub policy_dirs: Vec<PathBuf>,
    pub timestamp: String,
}

impl InputPlan {
    /// `scan_cwd`: with no path and no snapshot, scan the current directory (`vouch scan`);
    /// `audit aws` judges live data only and passes false.
    pub fn from_args(mut args: InputArgs, scan_cwd: bool) -> Result<Self> {
        if scan_cwd && args.paths.is_empty() && args.snapshot.is_empty() {
            args.paths.push(PathBuf::from("."));
        }
        let config_path = match (&args.config, args.no_config) {
            (Some(path), _) => Some(path.clone()),
            (None, true) => None,
            (None, false) => {
                Config::discover(args.paths.first().map_or(Path::new("."), PathBuf::as_path))
            }
        };
        let config = match &config_path {
            Some(path) => Config::load(path)?,
            None => Config::default(),
        };
        let base = config.base_dir();
        let mut vars: Vec<(String, String)> = config
            .terraform
            .vars
            .iter()
            .map(|(k, v)| (k.clone(), toml_to_hcl(v)))
            .collect();
        for v in &args.vars {
            vars.push(name_value("--var", v)?);
        }
        let cfn_params = args
            .cfn_params
            .iter()
            .map(|v| name_value("--cfn-param", v))
            .collect::<Result<Vec<_>>>()?;
        let var_files: Vec<PathBuf> = config
            .terraform
            .var_files
            .iter()
            .map(|f| base.join(f))
            .chain(args.var_files)
            .collect();
        for file in var_files
            .iter()
            .chain(&args.cfn_param_files)
            .chain(&args.snapshot)
        {
            if !file.is_file() {
                bail!("{}: no such file", file.display());
            }
        }
        let policy_dirs: Vec<PathBuf> = config
            .policies
            .iter()
            .map(|d| base.join(d))
            .chain(args.policies)
            .collect();
        for dir in &policy_dirs {
            if !dir.is_dir() {
                bail!("policies {}: no such directory", dir.display());
            }
        }
        let names = if args.frameworks.is_empty() {
            config.frameworks.clone()
        } else {
            args.frameworks
        };
        let frameworks = names
            .iter()
            .map(|n| Ruleset::named(n))
            .collect::<Result<Vec<_>, _>>()?;
        let timestamp = timestamp(args.timestamp.as_deref())?;
        let today = run_date(&timestamp).context("internal: timestamp without a date")?;
        let mut waivers = Vec::new();
        for (i, w) in config.waivers.iter().enumerate() {
            let source = match (&config.path, config.waiver_line(i)) {
                (Some(p), Some(line)) => format!("{}:{line}", p.display()),
                (Some(p), None) => p.display().to_string(),
                _ => "vouch.toml".to_owned(),
            };
            waivers.push(Waiver::from_config(w, source).map_err(anyhow::Error::msg)?);
        }
        Ok(Self {
            options: ScanOptions {
                paths: args.paths,
                sources: args.sources,
                terraform: terraform::Options { var_files, vars },
                plan: PlanOptions {
                    tf_root: args.tf_root,
                    include_prior_state: false,
                },
                cloudformation: CfnOptions {
                    cfn_params,
                    param_files: args.cfn_param_files,
                    pseudo_params: Vec::new(),
                },
                snapshots: args.snapshot,
                allow_partial: args.allow_partial,
                waivers,
                today: Some(today),
                baseline: None,
                frameworks,
            },
            config,
            policy_dirs,
            timestamp,
        })
    }

    /// Loads the policies with the configuration's parameters, disabled rules and
    /// severity overrides applied. A rule ID the configuration names must exist.
    pub fn policies(&self) -> Result<PolicySet> {
        let rules = &self.config.rules;
        let mut set = PolicySet::load(&self.policy_dirs, &rules.parameters)?;
        let named = rules
            .disable
            .iter()
            .chain(&rules.enable)
            .chain(rules.severity.keys())
            .chain(rules.parameters.keys());
        let unknown: Vec<&String> = named.filter(|id| set.rule(id).is_none()).collect();
        if !unknown.is_empty() {
            bail!(
                "{}: unknown rule id(s): {}",
                self.config
                    .path
                    .as_ref()
                    .map_or("configuration".to_owned(), |p| p.display().to_string()),
                unknown
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        set.retain(|r| !rules.disable.contains(&r.meta.id));
        if !self.options.frameworks.is_empty() {
            let mapped: std::collections::BTreeSet<&str> = self
                .options
                .frameworks
                .iter()
                .flat_map(|f| f.mapped_rules())
                .collect();
            set.retain(|r| mapped.contains(r.meta.id.as_str()));
        }
        set.tune(&rules.severity, &rules.enable);
        Ok(set)
    }
}

/// A validated scan.
#[derive(Debug, Clone)]
pub struct ScanPlan {
    pub input: InputPlan,
    pub outputs: Vec<Output>,
    pub fail_on: Option<Severity>,
    pub fail_on_label: String,
    pub fail_on_unknown: bool,
    pub collect_only: bool,
    /// Record the run in this history store.
    pub store: Option<PathBuf>,
    /// After recording, keep only this many days of runs.
    pub keep_days: Option<u32>,
}

impl ScanPlan {
    /// `matches` are the subcommand's own, used to pair each --output with its --format.
    pub fn from_args(args: ScanArgs, matches: &clap::ArgMatches) -> Result<Self> {
        Self::new(
            InputPlan::from_args(args.input, true)?,
            args.report,
            matches,
        )
    }

    pub fn new(mut input: InputPlan, args: ReportArgs, matches: &clap::ArgMatches) -> Result<Self> {
        let format_idx: Vec<usize> = matches
            .indices_of("format")
            .map(|i| i.collect())
            .unwrap_or_default();
        let output_idx: Vec<usize> = matches
            .indices_of("output")
            .map(|i| i.collect())
            .unwrap_or_default();
        let outputs = pair_outputs(&args.format, &format_idx, &args.output, &output_idx)?
            .into_iter()
            .map(|(format, destination)| Output {
                format,
                color: destination == Destination::Stdout && super::use_color(args.color),
                destination,
            })
            .collect();
        if args.keep_days == Some(0) {
            bail!("--keep-days must be at least 1");
        }
        if args.collect_only && args.store.is_some() {
            bail!("--collect-only judges nothing, so there is nothing to --store");
        }
        input.options.baseline = args.baseline.as_deref().map(Baseline::load).transpose()?;
        let (fail_on, fail_on_label) = match (args.fail_on, input.config.fail_on_severity()) {
            (Some(f), _) => (f.threshold(), f.as_str().to_owned()),
            (None, Some(t)) => (t, input.config.fail_on.clone().unwrap_or_default()),
            (None, None) => (Some(Severity::High), "high".to_owned()),
        };
        Ok(Self {
            fail_on_unknown: args.fail_on_unknown || input.config.fail_on_unknown.unwrap_or(false),
            input,
            outputs,
            fail_on,
            fail_on_label,
            collect_only: args.collect_only,
            store: args.store,
            keep_days: args.keep_days,
        })
    }
}

/// Splits `NAME=VALUE` (the value may contain `=`).
fn name_value(flag: &str, v: &str) -> Result<(String, String)> {
    v.split_once('=')
        .map(|(k, v)| (k.trim().to_owned(), v.to_owned()))
        .filter(|(k, _)| !k.is_empty())
        .with_context(|| format!("{flag} `{v}`: expected NAME=VALUE"))
}

/// Renders a TOML value as an HCL expression for `--var`-style parsing.
fn toml_to_hcl(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => serde_json::Value::String(s.clone()).to_string(),
        toml::Value::Array(items) => {
            format!(
                "[{}]",
                items.iter().map(toml_to_hcl).collect::<Vec<_>>().join(", ")
            )
        }
        toml::Value::Table(t) => format!(
            "{{{}}}",
            t.iter()
                .map(|(k, v)| format!(
                    "{} = {}",
                    serde_json::Value::String(k.clone()),
                    toml_to_hcl(v)
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => other.to_string(),
    }
}

/// Pairs each `--output` with the nearest `--format` before it on the command line.
fn pair_outputs(
    formats: &[Format],
    format_idx: &[usize],
    outputs: &[PathBuf],
    output_idx: &[usize],
) -> Result<Vec<(Format, Destination)>> {
    if formats.is_empty() {
        return match outputs {
            [] => Ok(vec![(Format::Table, Destination::Stdout)]),
            [one] => Ok(vec![(Format::Table, Destination::File(one.clone()))]),
            _ => bail!("several --output given but no --format"),
        };
    }
    let mut pairs: Vec<(Format, Destination)> =
        formats.iter().map(|f| (*f, Destination::Stdout)).collect();
    for (path, idx) in outputs.iter().zip(output_idx) {
        let Some(slot) = format_idx.iter().rposition(|f| f < idx) else {
            bail!("--output {} comes before any --format", path.display());
        };
        if pairs[slot].1 != Destination::Stdout {
            bail!(
                "--output {}: its --format already has an --output",
                path.display()
            );
        }
        pairs[slot].1 = Destination::File(path.clone());
    }
    if pairs
        .iter()
        .filter(|(_, d)| *d == Destination::Stdout)
        .count()
        > 1
    {
        bail!("only one --format can go to standard output; give the others an --output");
    }
    Ok(pairs)
}

/// The run's timestamp: `--timestamp`, else `SOURCE_DATE_EPOCH`, else now (RFC 3339, UTC).
pub(crate) fn timestamp(given: Option<&str>) -> Result<String> {
    use time::format_description::well_known::Rfc3339;
    use time::OffsetDateTime;
    let t = match given {
        Some(s) => OffsetDateTime::parse(s, &Rfc3339).with_context(|| {
            format!("--timestamp `{s}` is not RFC 3339 (e.g. 2026-01-31T00:00:00Z)")
        })?,
        None => match std::env::var("SOURCE_DATE_EPOCH") {
            Ok(epoch) => {
                let secs: i64 = epoch
                    .trim()
                    .parse()
                    .with_context(|| format!("SOURCE_DATE_EPOCH `{epoch}` is not a number"))?;
                OffsetDateTime::from_unix_timestamp(secs)
                    .context("SOURCE_DATE_EPOCH is out of range")?
            }
            Err(_) => OffsetDateTime::now_utc(),
        },
    };
    Ok(t.to_offset(time::UtcOffset::UTC)
        .replace_nanosecond(0)
        .unwrap_or(t)
        .format(&Rfc3339)?)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn outputs_pair_with_the_preceding_format() {
        let pairs = pair_outputs(
            &[Format::Json, Format::Table],
            &[2, 6],
            &[PathBuf::from("a.json")],
            &[4],
        )
        .unwrap();
        assert_eq!(
            pairs,
            vec![
                (Format::Json, Destination::File("a.json".into())),
                (Format::Table, Destination::Stdout)
            ]
        );
        assert!(pair_outputs(&[Format::Json, Format::Table], &[2, 4], &[], &[]).is_err());
        assert!(pair_outputs(&[Format::Json], &[4], &[PathBuf::from("x")], &[2]).is_err());
    }

    #[test]
    fn timestamp_is_normalized_to_utc() {
        assert_eq!(
            timestamp(Some("2026-01-31T10:00:00+02:00")).unwrap(),
            "2026-01-31T08:00:00Z"
        );
        assert!(timestamp(Some("yesterday")).is_err());
    }
}
