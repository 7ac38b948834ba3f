//! From raw arguments to a validated scan plan: formats paired with their outputs, the
//! timestamp fixed, Terraform variables parsed. Every usage problem is caught here, before
//! any file is read.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};

use crate::cli::args::{FailOn, ScanArgs};
use crate::collect::terraform;
use crate::report::Format;
use crate::scan::ScanOptions;

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

/// A validated scan.
#[derive(Debug, Clone)]
pub struct ScanPlan {
    pub options: ScanOptions,
    pub outputs: Vec<Output>,
    pub fail_on: FailOn,
    pub fail_on_unknown: bool,
    pub policy_dirs: Vec<PathBuf>,
    pub timestamp: String,
    pub collect_only: bool,
}

impl ScanPlan {
    pub fn from_args(args: ScanArgs, matches: &clap::ArgMatches) -> Result<Self> {
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
        let vars = args
            .vars
            .iter()
            .map(|v| {
                v.split_once('=')
                    .map(|(k, v)| (k.trim().to_owned(), v.to_owned()))
                    .filter(|(k, _)| !k.is_empty())
                    .with_context(|| format!("--var `{v}`: expected NAME=VALUE"))
            })
            .collect::<Result<Vec<_>>>()?;
        for file in &args.var_files {
            if !file.is_file() {
                bail!("--var-file {}: no such file", file.display());
            }
        }
        for dir in &args.policies {
            if !dir.is_dir() {
                bail!("--policies {}: no such directory", dir.display());
            }
        }
        Ok(Self {
            options: ScanOptions {
                paths: args.paths,
                sources: args.sources,
                terraform: terraform::Options {
                    var_files: args.var_files,
                    vars,
                },
            },
            outputs,
            fail_on: args.fail_on,
            fail_on_unknown: args.fail_on_unknown,
            policy_dirs: args.policies,
            timestamp: timestamp(args.timestamp.as_deref())?,
            collect_only: args.collect_only,
        })
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
fn timestamp(given: Option<&str>) -> Result<String> {
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
