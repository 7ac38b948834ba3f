//! `vouch collect aws` and `vouch audit aws`: live collection into a snapshot, and collection
//! judged in one go. Read-only by construction: the collectors only call the operations in
//! `collect::aws::ops` (checked against `docs/iam/vouch-readonly.json` by a test).

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use clap::Args;

use crate::collect::aws::{self, AwsOptions, AwsSnapshot};

/// `--s3-source` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum S3SourceArg {
    Auto,
    Config,
    Api,
}

impl From<S3SourceArg> for aws::s3::S3Source {
    fn from(value: S3SourceArg) -> Self {
        match value {
            S3SourceArg::Auto => Self::Auto,
            S3SourceArg::Config => Self::Config,
            S3SourceArg::Api => Self::Api,
        }
    }
}

/// Where and how to collect.
#[derive(Debug, Args, Clone)]
pub struct AwsArgs {
    /// Named profile from the shared AWS config files (default: the standard chain).
    #[arg(long)]
    pub profile: Option<String>,
    /// Region to read (repeatable; default: the profile's region).
    #[arg(long = "region", value_name = "REGION")]
    pub regions: Vec<String>,
    /// Read every region enabled for the account (ec2:DescribeRegions; the regions enabled
    /// by default when that call fails, with a warning and an incomplete run).
    #[arg(long)]
    pub all_regions: bool,
    /// Role to assume, one collection per role and so per account (repeatable).
    #[arg(long = "assume-role", value_name = "ARN")]
    pub assume_roles: Vec<String>,
    /// External ID for --assume-role.
    #[arg(long)]
    pub external_id: Option<String>,
    /// Session name for --assume-role.
    #[arg(long, default_value = "vouch-collect")]
    pub session_name: String,
    /// Endpoint override (an AWS-compatible emulator); AWS_ENDPOINT_URL is honoured too.
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Limit for one API call, retries included (seconds).
    #[arg(long, default_value_t = 30, value_name = "SECS")]
    pub call_timeout: u64,
    /// Limit for the whole collection (seconds); calls not made by then are unknown.
    #[arg(long, default_value_t = 1800, value_name = "SECS")]
    pub deadline: u64,
    /// Concurrent calls per service and region.
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
    /// Attempts per call (adaptive retries with backoff).
    #[arg(long, default_value_t = 5)]
    pub max_attempts: u32,
    /// Also read this AWS Config organization aggregator (S3 bucket items are asked of it
    /// first, then of each region's own AWS Config).
    #[arg(long, value_name = "NAME")]
    pub config_aggregator: Option<String>,
    /// Where S3 bucket settings are read from. `auto`: AWS Config items in regions whose
    /// recorder records S3 buckets on every change, the S3 API elsewhere and for whatever an
    /// item does not state. `config`: items wherever they exist, even from a stopped, failing
    /// or daily recorder (possibly stale). `api`: the S3 API only, tags included (current
    /// state, about ten requests per bucket). In `auto` and `config`, tags an item does not
    /// state come from one Resource Groups Tagging API listing per region.
    #[arg(long, value_enum, default_value_t = S3SourceArg::Auto, value_name = "SOURCE")]
    pub s3_source: S3SourceArg,
    /// Leave a collector out (repeatable): its facts become "not collected" unknowns, so
    /// the rules that need them say `unknown`, never `pass`; the snapshot lists what was
    /// skipped. AWS Config, S3, KMS, GuardDuty, IAM and the region listing are always read.
    #[arg(long = "skip-service", value_enum, value_name = "SERVICE")]
    pub skip_services: Vec<aws::Service>,
    /// Collect only shard I of N of the --assume-role accounts (`I/N`, 1-based), so that
    /// independent jobs can split an organization; `vouch scan --snapshot` merges them.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
}

impl AwsArgs {
    /// The collector options, with the shard applied.
    pub fn options(&self, progress: bool) -> Result<AwsOptions> {
        let mut roles = self.assume_roles.clone();
        if let Some(shard) = &self.shard {
            let (i, n) = parse_shard(shard)?;
            if roles.is_empty() {
                bail!("--shard splits --assume-role accounts; give the accounts' roles");
            }
            roles = roles
                .into_iter()
                .enumerate()
                .filter(|(k, _)| k % n == i - 1)
                .map(|(_, r)| r)
                .collect();
        }
        Ok(AwsOptions {
            profile: self.profile.clone(),
            regions: self.regions.clone(),
            all_regions: self.all_regions,
            assume_roles: roles,
            external_id: self.external_id.clone(),
            session_name: self.session_name.clone(),
            endpoint_url: self.endpoint_url.clone(),
            call_timeout: Duration::from_secs(self.call_timeout.max(1)),
            deadline: Duration::from_secs(self.deadline.max(1)),
            concurrency: self.concurrency.max(1),
            max_attempts: self.max_attempts.max(1),
            config_aggregator: self.config_aggregator.clone(),
            s3_source: self.s3_source.into(),
            skip: self.skip_services.iter().copied().collect(),
            progress,
            ..AwsOptions::default()
        })
    }
}

/// Parses `I/N` with 1 ≤ I ≤ N.
pub fn parse_shard(s: &str) -> Result<(usize, usize)> {
    let (i, n) = s
        .split_once('/')
        .and_then(|(i, n)| Some((i.trim().parse().ok()?, n.trim().parse().ok()?)))
        .with_context(|| format!("--shard `{s}`: expected I/N, e.g. 2/4"))?;
    if i == 0 || n == 0 || i > n {
        bail!("--shard `{s}`: I must be between 1 and N");
    }
    Ok((i, n))
}

/// Runs a collection on a fresh runtime.
pub fn collect(args: &AwsArgs) -> Result<AwsSnapshot> {
    use std::io::IsTerminal;
    let options = args.options(std::io::stderr().is_terminal())?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    Ok(runtime.block_on(aws::collect(&options))?)
}

/// Prints a one-line summary of a collection and its failed calls to stderr.
pub fn report_collection(snapshot: &AwsSnapshot, written: Option<(&PathBuf, &str)>) {
    eprintln!(
        "collected {} resources from {} account(s) in {} region(s); {} failed call(s){}",
        snapshot.snapshot.resources.len(),
        snapshot.accounts.len(),
        snapshot.regions.len(),
        snapshot.failed_calls.len(),
        written
            .map(|(p, sha)| format!("; snapshot {} (sha256 {sha})", p.display()))
            .unwrap_or_default()
    );
    if !snapshot.fallback_calls.is_empty() {
        eprintln!(
            "note: {} call(s) failed and another source answered instead (fallback_calls in the snapshot)",
            snapshot.fallback_calls.len()
        );
    }
    let gaps: Vec<&aws::config::ConfigCoverage> = snapshot
        .config_coverage
        .iter()
        .filter(|c| {
            !matches!(
                c.status,
                aws::config::CoverageStatus::Read | aws::config::CoverageStatus::Elsewhere
            )
        })
        .collect();
    if !gaps.is_empty() {
        let regions: std::collections::BTreeSet<&str> =
            gaps.iter().map(|c| c.region.as_str()).collect();
        eprintln!(
            "note: the AWS Config inventory was not read for {} resource type(s) in {} region(s); their checks there are unknown (config_coverage in the snapshot)",
            gaps.len(),
            regions.len()
        );
    }
    for c in &snapshot.failed_calls {
        eprintln!(
            "warning: {}:{} in {}{}: {}: {}",
            c.service,
            c.operation,
            c.region,
            c.resource
                .as_deref()
                .map(|r| format!(" ({r})"))
                .unwrap_or_default(),
            c.error_code,
            c.message
        );
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn shards_are_one_based_and_bounded() {
        assert_eq!(parse_shard("2/4").unwrap(), (2, 4));
        assert!(parse_shard("0/4").is_err());
        assert!(parse_shard("5/4").is_err());
        assert!(parse_shard("two").is_err());
    }
}
