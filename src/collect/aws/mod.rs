//! Live AWS collection: AWS Config, S3, KMS, GuardDuty (detectors and high findings), IAM,
//! CloudTrail trails (status, event selectors), CloudWatch Logs and alarms (with SNS), EC2
//! (regions, EBS encryption by default, EBS snapshots), IAM Access Analyzer, ElastiCache, WAF,
//! API Gateway, Security Hub, Inspector and Macie read through the AWS SDK into a versioned
//! [`AwsSnapshot`] of normalized resources.
//!
//! This module owns the run: options, credentials (profile, assumed roles), the region fan-out,
//! limits (per-service-and-region concurrency, per-call timeout, whole-run deadline, adaptive
//! retries) and the snapshot file format. The per-service collectors ([`s3`], [`kms`],
//! [`guardduty`], [`security`], [`config`], [`iam`], [`ec2`], [`access_analyzer`],
//! [`elasticache`], [`wafv2`], [`apigateway`], [`logs`], [`cloudtrail`], [`alarms`]) return
//! raw documents; shaping them into canonical kinds is [`crate::normalize::aws`]. Buckets' and keys' tags come
//! from one Resource Groups Tagging API listing per region where it can be read ([`tagging`]).
//! IAM is global: it is read once per account, and so are the account's enabled regions
//! (`ec2:DescribeRegions`, which also picks the regions of `--all-regions`). Every account and
//! region read also yields a [`raw::RawKind::RegionScope`] document, so that account- and
//! region-scope kinds exist in every live snapshot (as unknowns where vouch does not call the
//! service) and their rules never go silent. The recorder state of every region is read first:
//! it decides which AWS Config inventory types are read where ([`config::plan`]), and one
//! [`raw::RawKind::ConfigCoverage`] document per account records those decisions (kept in
//! [`AwsSnapshot::config_coverage`]).
//!
//! Invariant: a call that is denied, fails or times out never yields a value. Its attribute
//! becomes the unknown marker and the call is listed in [`AwsSnapshot::failed_calls`];
//! the snapshot is then not [`complete`](AwsSnapshot::complete). "Not configured" answers
//! (`NoSuchBucketPolicy`, ...) are facts (`null`). A failed call whose answer another source
//! then supplied (an AWS Config read covered by the S3 API) yields no unknown: it is listed in
//! [`AwsSnapshot::fallback_calls`] instead. No secret values are stored: key material is
//! never read, and policies are configuration, not secrets.

pub mod access_analyzer;
pub mod alarms;
pub mod apigateway;
pub mod call;
pub mod client;
pub mod cloudtrail;
pub mod config;
pub mod ec2;
pub mod elasticache;
pub mod guardduty;
pub mod iam;
pub mod kms;
pub mod logs;
pub mod ops;
pub mod raw;
pub mod s3;
pub mod security;
pub mod tagging;
pub mod wafv2;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use aws_config::SdkConfig;
use indicatif::{ProgressBar, ProgressStyle};
use serde::{Deserialize, Serialize};
use sha2::Digest;

pub use call::FailedCall;
use call::{Answer, Caller};
use raw::RawResource;

use crate::model::{Diagnostic, DiagnosticLevel, Snapshot};

/// A collector a run can leave out (`--skip-service`). What it would have read is then what a
/// snapshot written before vouch called the service holds: the stand-ins' unknowns ("not
/// collected"), so the rules that need it say `unknown`, never `pass`. AWS Config, S3, KMS,
/// GuardDuty, IAM and the account's regions are always read: the other collectors and the
/// account-scope kinds build on them.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, clap::ValueEnum,
)]
#[serde(rename_all = "kebab-case")]
pub enum Service {
    /// EBS encryption by default and EBS snapshots.
    Ec2,
    /// IAM Access Analyzer analyzers.
    AccessAnalyzer,
    /// ElastiCache replication groups.
    Elasticache,
    /// WAF logging configurations and public ALBs' web ACLs.
    Waf,
    /// API Gateway REST methods and HTTP/WebSocket routes.
    Apigateway,
    /// Security Hub, Inspector and Macie.
    SecurityServices,
    /// CloudWatch Logs log groups.
    CloudwatchLogs,
    /// CloudTrail trails' status and event selectors, and the CIS metric-filter alarms.
    Cloudtrail,
}

/// Version of the [`AwsSnapshot`] JSON layout; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// Regions enabled by default in the `aws` partition: what `all_regions` reads when
/// `ec2:DescribeRegions` does not answer (a fallback that misses the opt-in regions an
/// account enabled, e.g. `af-south-1`, so the run says so and is incomplete).
pub const DEFAULT_REGIONS: &[&str] = &[
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ca-central-1",
    "eu-central-1",
    "eu-north-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
];

/// What to collect and how.
#[derive(Debug, Clone)]
pub struct AwsOptions {
    /// Named profile from the shared config files; `None` uses the default chain.
    pub profile: Option<String>,
    /// Regions to read. Empty (and `all_regions` off) means the profile's region.
    pub regions: Vec<String>,
    /// Read every region enabled for the (first) account, as `ec2:DescribeRegions` lists them
    /// (plus any in `regions`); [`DEFAULT_REGIONS`] when that call fails.
    pub all_regions: bool,
    /// Roles to assume, one collection per role (an account each). Empty: the caller's identity.
    pub assume_roles: Vec<String>,
    pub external_id: Option<String>,
    pub session_name: String,
    /// Endpoint override (an emulator). `AWS_ENDPOINT_URL` is honoured when this is `None`.
    pub endpoint_url: Option<String>,
    /// Limit for one call, retries included.
    pub call_timeout: Duration,
    /// Limit for the whole run; calls not started by then are unknown.
    pub deadline: Duration,
    /// Concurrent calls per service and region.
    pub concurrency: usize,
    /// Attempts per call (adaptive retry mode), at least 1.
    pub max_attempts: u32,
    /// First retry backoff (exponential, jittered, after that).
    pub initial_backoff: Duration,
    /// AWS Config aggregator asked first for S3 bucket items (best effort). It does not feed
    /// the inventory: its items come from recorders this run did not judge.
    pub config_aggregator: Option<String>,
    /// How long to wait for IAM to finish building the credential report.
    pub credential_report_wait: Duration,
    /// Where S3 bucket settings are read from: AWS Config items or the S3 API.
    pub s3_source: s3::S3Source,
    /// Collectors left out (`--skip-service`).
    pub skip: std::collections::BTreeSet<Service>,
    /// Show a progress bar on stderr.
    pub progress: bool,
}

impl Default for AwsOptions {
    fn default() -> Self {
        Self {
            profile: None,
            regions: Vec::new(),
            all_regions: false,
            assume_roles: Vec::new(),
            external_id: None,
            session_name: "vouch-collect".to_owned(),
            endpoint_url: None,
            call_timeout: Duration::from_secs(30),
            deadline: Duration::from_secs(1800),
            concurrency: 8,
            max_attempts: 5,
            initial_backoff: Duration::from_millis(500),
            config_aggregator: None,
            credential_report_wait: Duration::from_secs(60),
            s3_source: s3::S3Source::Auto,
            skip: std::collections::BTreeSet::new(),
            progress: false,
        }
    }
}

/// Errors that stop a collection or a snapshot read/write. Failed AWS calls are not errors:
/// they are data ([`FailedCall`]) and unknowns.
#[derive(Debug, thiserror::Error)]
pub enum AwsError {
    #[error("no AWS region: pass --region or set one in the profile or AWS_REGION")]
    NoRegion,
    #[error("cannot read or write snapshot {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("snapshot {path} is not valid JSON: {source}")]
    Json {
        path: String,
        #[source]
        source: serde_json::Error,
    },
    #[error("snapshot {path} has schema_version {found}, this vouch reads {SCHEMA_VERSION}")]
    SchemaVersion { path: String, found: u32 },
}

/// One live collection: normalized resources plus what was asked and what failed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AwsSnapshot {
    pub schema_version: u32,
    pub tool: String,
    pub tool_version: String,
    /// RFC 3339 start of the run.
    pub collected_at: String,
    /// Accounts read (those whose identity could be determined), sorted.
    pub accounts: Vec<String>,
    /// Regions read, sorted.
    pub regions: Vec<String>,
    /// True only when every call answered (no failed calls, deadline not hit).
    pub complete: bool,
    /// Every call that was denied, failed or timed out, sorted.
    pub failed_calls: Vec<FailedCall>,
    /// Failed calls whose answer another source supplied (an AWS Config read the S3 API
    /// then answered), sorted: no attribute is unknown because of them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fallback_calls: Vec<FailedCall>,
    /// Counts of current GuardDuty findings by severity band, per detector: the kind schema
    /// `aws.guardduty.detector` has no place for them yet. `counts` is the unknown marker
    /// when `GetFindingsStatistics` did not answer.
    pub guardduty_findings: Vec<GuardDutyFindings>,
    /// What the AWS Config inventory covered, per account, region and resource type: read
    /// (and how many items), or not and why (no recorder, recorder stopped or failing, type
    /// not recorded, recorder state unknown, a failed read, recorded in another region).
    /// Sorted. Empty in snapshots written before vouch recorded it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub config_coverage: Vec<config::ConfigCoverage>,
    /// Collectors the run left out (`--skip-service`): their kinds hold "not collected"
    /// unknowns. Empty in snapshots written before the option existed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped_services: Vec<Service>,
    /// Normalized resources (source `aws`); one warning diagnostic per failed call.
    pub snapshot: Snapshot,
}

/// Finding counts of one detector (`{"critical": n, "high": n, "medium": n, "low": n}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GuardDutyFindings {
    pub account: Option<String>,
    pub region: Option<String>,
    pub detector_id: String,
    pub counts: serde_json::Value,
}

impl AwsSnapshot {
    /// The snapshot's JSON bytes (deterministic: every list is sorted).
    pub fn to_json(&self) -> Result<Vec<u8>, serde_json::Error> {
        let mut bytes = serde_json::to_vec_pretty(self)?;
        bytes.push(b'\n');
        Ok(bytes)
    }

    /// Writes the snapshot (zstd-compressed when `path` ends in `.zst`) and returns the
    /// SHA-256 (hex) of the bytes written.
    pub fn write(&self, path: &Path) -> Result<String, AwsError> {
        let shown = path.display().to_string();
        let json = self.to_json().map_err(|source| AwsError::Json {
            path: shown.clone(),
            source,
        })?;
        let bytes = if is_zst(path) {
            zstd::encode_all(json.as_slice(), 3).map_err(|source| AwsError::Io {
                path: shown.clone(),
                source,
            })?
        } else {
            json
        };
        std::fs::write(path, &bytes).map_err(|source| AwsError::Io {
            path: shown,
            source,
        })?;
        Ok(hex::encode(sha2::Sha256::digest(&bytes)))
    }

    /// Reads a snapshot written by [`AwsSnapshot::write`]; returns it with the SHA-256 of
    /// the file's bytes.
    pub fn read(path: &Path) -> Result<(Self, String), AwsError> {
        let shown = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|source| AwsError::Io {
            path: shown.clone(),
            source,
        })?;
        let digest = hex::encode(sha2::Sha256::digest(&bytes));
        let json = if is_zst(path) {
            zstd::decode_all(bytes.as_slice()).map_err(|source| AwsError::Io {
                path: shown.clone(),
                source,
            })?
        } else {
            bytes
        };
        let value: serde_json::Value =
            serde_json::from_slice(&json).map_err(|source| AwsError::Json {
                path: shown.clone(),
                source,
            })?;
        let found = value
            .get("schema_version")
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(0);
        if found != u64::from(SCHEMA_VERSION) {
            return Err(AwsError::SchemaVersion {
                path: shown,
                found: u32::try_from(found).unwrap_or(u32::MAX),
            });
        }
        let snapshot = serde_json::from_value(value).map_err(|source| AwsError::Json {
            path: shown,
            source,
        })?;
        Ok((snapshot, digest))
    }
}

impl From<AwsSnapshot> for Snapshot {
    fn from(value: AwsSnapshot) -> Self {
        value.snapshot
    }
}

fn is_zst(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "zst")
}

/// Shared per-account context handed to every collector.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub caller: Arc<Caller>,
    pub config: SdkConfig,
    pub account: Option<String>,
    pub concurrency: usize,
    pub collected_at: String,
    pub progress: ProgressBar,
    /// This account's tag listings, shared by the S3 and KMS collectors.
    pub tagging: Arc<tagging::Tagging>,
}

impl Ctx {
    /// A raw document with this context's provenance.
    pub fn raw(
        &self,
        kind: raw::RawKind,
        arn: String,
        region: Option<String>,
        mut api_calls: Vec<String>,
        data: serde_json::Value,
    ) -> RawResource {
        api_calls.sort();
        api_calls.dedup();
        self.progress.inc(1);
        RawResource {
            kind,
            arn,
            account: self.account.clone(),
            region,
            api_calls,
            collected_at: self.collected_at.clone(),
            data,
        }
    }

    /// The marker document saying this account and region were read (no API call of its own:
    /// the account comes from `sts:GetCallerIdentity`).
    pub fn region_scope(&self, region: &str) -> RawResource {
        RawResource {
            kind: raw::RawKind::RegionScope,
            arn: format!(
                "arn:{}::{region}:{}:region",
                client::partition(region),
                self.account_or_unknown()
            ),
            account: self.account.clone(),
            region: Some(region.to_owned()),
            api_calls: vec![ops::STS_GET_CALLER_IDENTITY.label()],
            collected_at: self.collected_at.clone(),
            data: serde_json::Value::Object(serde_json::Map::new()),
        }
    }

    /// The account for synthetic identifiers (`unknown` when STS did not answer).
    pub fn account_or_unknown(&self) -> &str {
        self.account.as_deref().unwrap_or("unknown")
    }
}

/// Collects every configured account and region into one snapshot.
///
/// Only configuration problems are errors; every AWS-side failure is recorded in the
/// snapshot (unknowns + failed calls), and the run always ends by the deadline.
pub async fn collect(options: &AwsOptions) -> Result<AwsSnapshot, AwsError> {
    let start = tokio::time::Instant::now();
    let caller = Arc::new(Caller::new(
        options.call_timeout,
        start + options.deadline,
        options.concurrency,
    ));
    let collected_at = now_rfc3339();
    let base = client::base_config(options).await;

    // The region asked before the run's regions are known (roles, `DescribeRegions`): the
    // first named region, else the profile's, else (for --all-regions alone) us-east-1.
    let probe = options
        .regions
        .iter()
        .min()
        .cloned()
        .or_else(|| base.region().map(|r| r.to_string()))
        .or_else(|| options.all_regions.then(|| "us-east-1".to_owned()));
    let Some(probe) = probe else {
        return Err(AwsError::NoRegion);
    };
    let base = client::in_region(&base, &probe);

    let progress = if options.progress {
        let bar = ProgressBar::new_spinner();
        if let Ok(style) = ProgressStyle::with_template(
            "{spinner} {pos} AWS resources collected {msg} [{elapsed}]",
        ) {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    } else {
        ProgressBar::hidden()
    };

    let mut targets = Vec::new();
    if options.assume_roles.is_empty() {
        targets.push(base.clone());
    } else {
        for role in &options.assume_roles {
            targets.push(client::assume_role(&base, role, options).await?);
        }
    }

    // --all-regions means the regions enabled for the account (the first one's, when several
    // are read); the static list only when DescribeRegions does not answer.
    let mut first_enabled: Option<Result<Vec<String>, String>> = None;
    if options.all_regions {
        if let Some(first) = targets.first() {
            first_enabled = Some(ec2::enabled_regions(&caller, first, &probe).await);
        }
    }
    let (regions, regions_fallback) =
        pick_regions(&options.regions, first_enabled.as_ref(), &probe);
    let Some(home) = regions.first().cloned() else {
        return Err(AwsError::NoRegion);
    };
    let targets: Vec<SdkConfig> = targets
        .iter()
        .map(|t| client::in_region(t, &home))
        .collect();

    // `--s3-source api` reads every bucket setting from S3 alone, tags included; keys' tags
    // are listed in every mode.
    let tag_types = if options.s3_source == s3::S3Source::Api {
        vec![tagging::KMS_KEY]
    } else {
        vec![tagging::S3, tagging::KMS_KEY]
    };
    let mut raws = Vec::new();
    let mut accounts = Vec::new();
    let mut config_coverage: Vec<config::ConfigCoverage> = Vec::new();
    for (index, target) in targets.into_iter().enumerate() {
        let sts = aws_sdk_sts::Client::new(&target);
        let account = match caller
            .call(
                &ops::STS_GET_CALLER_IDENTITY,
                &home,
                None,
                &[],
                sts.get_caller_identity().send(),
            )
            .await
        {
            Answer::Ok(out) => out.account().map(str::to_owned),
            _ => None,
        };
        if let Some(a) = &account {
            accounts.push(a.clone());
        }
        let ctx = Ctx {
            caller: caller.clone(),
            config: target,
            account,
            concurrency: options.concurrency.max(1),
            collected_at: collected_at.clone(),
            progress: progress.clone(),
            tagging: Arc::new(tagging::Tagging::new(&regions, tag_types.clone())),
        };
        // Every region's recorder state is read first: it decides which of the region's
        // AWS Config items are current (the inventory reads only those types) and, for S3,
        // whether bucket items can stand in for S3 calls. KMS, GuardDuty and IAM do not wait.
        let recorders = futures::FutureExt::shared(Box::pin(futures::future::join_all(
            regions.iter().map(|r| config::recorder(&ctx, r)),
        )));
        let on = |service: Service| !options.skip.contains(&service);
        let per_region = futures::future::join_all(regions.iter().map(|region| {
            let ctx = ctx.clone();
            let recorders = recorders.clone();
            async move {
                let inventory = async {
                    let plan = config::plan(&recorders.await);
                    let decisions = plan
                        .iter()
                        .find(|(r, _)| r == region)
                        .map(|(_, d)| d.as_slice())
                        .unwrap_or_default();
                    let (items, coverage) = config::collect(&ctx, region, decisions).await;
                    // WAF: logging configurations, and the web ACL of each public ALB the
                    // inventory holds.
                    let waf = if on(Service::Waf) {
                        wafv2::collect(&ctx, region, &items).await
                    } else {
                        Vec::new()
                    };
                    (items, waf, coverage)
                };
                let ec2 = async {
                    if on(Service::Ec2) {
                        ec2::collect(&ctx, region).await
                    } else {
                        Vec::new()
                    }
                };
                let analyzers = async {
                    if on(Service::AccessAnalyzer) {
                        vec![access_analyzer::collect(&ctx, region).await]
                    } else {
                        Vec::new()
                    }
                };
                let cache = async {
                    if on(Service::Elasticache) {
                        elasticache::collect(&ctx, region).await
                    } else {
                        Vec::new()
                    }
                };
                let apis = async {
                    if on(Service::Apigateway) {
                        apigateway::collect(&ctx, region).await
                    } else {
                        Vec::new()
                    }
                };
                let sec = async {
                    if on(Service::SecurityServices) {
                        security::collect(&ctx, region).await
                    } else {
                        Vec::new()
                    }
                };
                let logs = async {
                    if on(Service::CloudwatchLogs) {
                        logs::collect(&ctx, region).await
                    } else {
                        Vec::new()
                    }
                };
                let (mut a, b, (c, waf, coverage), d, e, cache, apis, sec, logs) = tokio::join!(
                    kms::collect(&ctx, region),
                    Box::pin(guardduty::collect(&ctx, region)),
                    Box::pin(inventory),
                    Box::pin(ec2),
                    Box::pin(analyzers),
                    Box::pin(cache),
                    Box::pin(apis),
                    Box::pin(sec),
                    Box::pin(logs),
                );
                a.extend(b);
                a.extend(c);
                a.extend(waf);
                a.extend(d);
                a.extend(e);
                a.extend(cache);
                a.extend(apis);
                a.extend(sec);
                a.extend(logs);
                a.push(ctx.region_scope(region));
                (a, coverage)
            }
        }));
        let storage = async {
            let recorders = recorders.clone().await;
            let recording: std::collections::BTreeMap<String, config::Recording> = recorders
                .iter()
                .filter_map(|raw| Some((raw.region.clone()?, config::s3_recording(&raw.data))))
                .collect();
            let buckets = s3::collect(
                &ctx,
                &home,
                &regions,
                &recording,
                options.s3_source,
                options.config_aggregator.as_deref(),
            )
            .await;
            (recorders, buckets)
        };
        // The account's enabled regions: the answer that picked the regions, for the first.
        let reuse = if index == 0 {
            first_enabled.take()
        } else {
            None
        };
        let enabled = async {
            let (answer, called_in) = match reuse {
                Some(answer) => (answer, probe.as_str()),
                None => (
                    ec2::enabled_regions(&ctx.caller, &ctx.config, &home).await,
                    home.as_str(),
                ),
            };
            ec2::regions_document(&ctx, called_in, &answer)
        };
        // Boxed: in debug builds the inline SDK futures would make the polling thread's
        // stack frames large enough to overflow a 2 MiB thread (a test thread, a worker).
        // The trails are listed once: their state documents, and the alarms built on them.
        let trails = async {
            if !on(Service::Cloudtrail) {
                return (Vec::new(), None);
            }
            let (trails, docs) = cloudtrail::collect(&ctx, &home).await;
            (docs, Some(alarms::collect(&ctx, &home, &trails).await))
        };
        let ((recorders, buckets), identity, regional, enabled, (trail_states, metric_alarms)) = tokio::join!(
            Box::pin(storage),
            Box::pin(iam::collect(&ctx, &home, options.credential_report_wait)),
            Box::pin(per_region),
            Box::pin(enabled),
            Box::pin(trails),
        );
        raws.extend(trail_states);
        raws.extend(recorders);
        raws.extend(buckets);
        raws.push(identity);
        raws.push(enabled);
        raws.extend(metric_alarms);
        let mut account_coverage = Vec::new();
        for (region_raws, coverage) in regional {
            raws.extend(region_raws);
            account_coverage.extend(coverage);
        }
        account_coverage.sort();
        raws.push(ctx.raw(
            raw::RawKind::ConfigCoverage,
            format!(
                "arn:aws:config::{}:inventory-coverage",
                ctx.account_or_unknown()
            ),
            None,
            vec![
                ops::CONFIG_DESCRIBE_RECORDERS.label(),
                ops::CONFIG_DESCRIBE_RECORDER_STATUS.label(),
            ],
            serde_json::json!({ "Coverage": account_coverage }),
        ));
        config_coverage.extend(account_coverage);
    }
    progress.finish_and_clear();

    let mut guardduty_findings: Vec<GuardDutyFindings> = raws
        .iter()
        .filter(|r| r.kind == raw::RawKind::GuardDutyDetector)
        .filter_map(|r| {
            let id = r.data.get("DetectorId")?.as_str()?.to_owned();
            Some(GuardDutyFindings {
                account: r.account.clone(),
                region: r.region.clone(),
                detector_id: id,
                counts: r
                    .data
                    .get("GetFindingsStatistics")
                    .cloned()
                    .unwrap_or(serde_json::Value::Null),
            })
        })
        .collect();
    guardduty_findings.sort_by(|a, b| {
        (&a.account, &a.region, &a.detector_id).cmp(&(&b.account, &b.region, &b.detector_id))
    });
    let failed_calls = caller.failed_calls();
    let fallback_calls = caller.fallback_calls();
    let complete = failed_calls.is_empty() && !caller.past_deadline();
    config_coverage.sort();
    config_coverage.dedup();
    let mut snapshot = Snapshot {
        resources: crate::normalize::aws::normalize(&raws),
        inputs: Vec::new(),
        diagnostics: failed_calls
            .iter()
            .map(diagnostic)
            .chain(fallback_calls.iter().map(fallback_diagnostic))
            .chain(coverage_diagnostics(&config_coverage))
            .collect(),
    };
    if let Some(reason) = &regions_fallback {
        snapshot.diagnostics.push(Diagnostic {
            level: DiagnosticLevel::Warning,
            code: "aws-regions-fallback".to_owned(),
            file: None,
            line: None,
            column: None,
            message: format!(
                "--all-regions: the account's enabled regions could not be listed ({reason}); read the {} regions enabled by default instead, so opt-in regions the account enabled are not read",
                DEFAULT_REGIONS.len()
            ),
        });
    }
    if caller.past_deadline() {
        snapshot.diagnostics.push(Diagnostic {
            level: DiagnosticLevel::Warning,
            code: "aws-deadline".to_owned(),
            file: None,
            line: None,
            column: None,
            message: format!(
                "whole-run deadline of {} s reached; later calls were not made",
                options.deadline.as_secs()
            ),
        });
    }
    snapshot.sort();
    accounts.sort();
    accounts.dedup();
    Ok(AwsSnapshot {
        schema_version: SCHEMA_VERSION,
        tool: env!("CARGO_PKG_NAME").to_owned(),
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        collected_at,
        accounts,
        regions,
        complete,
        failed_calls,
        fallback_calls,
        skipped_services: options.skip.iter().copied().collect(),
        guardduty_findings,
        config_coverage,
        snapshot,
    })
}

/// The regions a run reads, sorted: the named ones, plus the account's enabled regions when
/// `--all-regions` asked `DescribeRegions` (`enabled`), or [`DEFAULT_REGIONS`] when that call
/// failed (its reason is returned, for the warning); `probe` when nothing else is named.
fn pick_regions(
    named: &[String],
    enabled: Option<&Result<Vec<String>, String>>,
    probe: &str,
) -> (Vec<String>, Option<String>) {
    let mut regions: Vec<String> = named.to_vec();
    let mut fallback = None;
    match enabled {
        Some(Ok(names)) => regions.extend(names.iter().cloned()),
        Some(Err(reason)) => {
            regions.extend(DEFAULT_REGIONS.iter().map(|r| (*r).to_owned()));
            fallback = Some(reason.clone());
        }
        None => {}
    }
    if regions.is_empty() {
        regions.push(probe.to_owned());
    }
    regions.sort();
    regions.dedup();
    (regions, fallback)
}

/// One warning per account and region whose AWS Config inventory was not read (wholly or in
/// part) because its items would not be current: the kinds of those types are stand-ins
/// with unknown facts there. Failed reads are already `aws-call-failed` warnings, and a type
/// read in another region is no gap.
fn coverage_diagnostics(coverage: &[config::ConfigCoverage]) -> Vec<Diagnostic> {
    use config::CoverageStatus;
    type Gap<'a> = (Option<&'a str>, &'a str, CoverageStatus);
    let mut gaps: std::collections::BTreeMap<Gap<'_>, Vec<&config::ConfigCoverage>> =
        std::collections::BTreeMap::new();
    for c in coverage {
        if matches!(
            c.status,
            CoverageStatus::NotRecorded | CoverageStatus::Stale | CoverageStatus::RecorderUnknown
        ) {
            gaps.entry((c.account.as_deref(), c.region.as_str(), c.status))
                .or_default()
                .push(c);
        }
    }
    gaps.into_iter()
        .map(|((account, region, status), records)| {
            let what = match status {
                CoverageStatus::Stale => "recorded, but its items may be stale",
                CoverageStatus::RecorderUnknown => "its recorder state is unknown",
                _ => "not recorded",
            };
            let mut reasons: Vec<&str> = records.iter().filter_map(|c| c.reason.as_deref()).collect();
            reasons.sort_unstable();
            reasons.dedup();
            // One shared reason ("no configuration recorder") is worth repeating; per-type
            // reasons are in the snapshot's config_coverage.
            let why = match reasons.as_slice() {
                [one] => format!(" ({one})"),
                _ => String::new(),
            };
            let types: Vec<&str> = records.iter().map(|c| c.resource_type.as_str()).collect();
            // Types recorded in another region (global ones) are no gap of this one.
            let here = coverage
                .iter()
                .filter(|c| c.account.as_deref() == account && c.region == region)
                .filter(|c| c.status != CoverageStatus::Elsewhere)
                .count();
            let listed = if types.len() == here {
                format!("all {} resource types vouch reads from it", types.len())
            } else {
                format!("{} of the resource types vouch reads from it ({})", types.len(), types.join(", "))
            };
            Diagnostic {
                level: DiagnosticLevel::Warning,
                code: "aws-config-not-current".to_owned(),
                file: None,
                line: None,
                column: None,
                message: format!(
                    "AWS Config inventory of {region}{}: {listed} {} {what}{why}; their checks there are unknown (config_coverage in the snapshot)",
                    account.map(|a| format!(" in account {a}")).unwrap_or_default(),
                    if types.len() == 1 { "is" } else { "are" },
                ),
            }
        })
        .collect()
}

fn diagnostic(call: &FailedCall) -> Diagnostic {
    let about = call
        .resource
        .as_deref()
        .map(|r| format!(" for {r}"))
        .unwrap_or_default();
    Diagnostic {
        level: DiagnosticLevel::Warning,
        code: "aws-call-failed".to_owned(),
        file: None,
        line: None,
        column: None,
        message: format!(
            "{}:{} in {}{about}: {}: {}",
            call.service, call.operation, call.region, call.error_code, call.message
        ),
    }
}

fn fallback_diagnostic(call: &FailedCall) -> Diagnostic {
    let about = call
        .resource
        .as_deref()
        .map(|r| format!(" for {r}"))
        .unwrap_or_default();
    Diagnostic {
        level: DiagnosticLevel::Warning,
        code: "aws-call-fallback".to_owned(),
        file: None,
        line: None,
        column: None,
        message: format!(
            "{}:{} in {}{about}: {}: {}; another source answered (see the attributes' provenance)",
            call.service, call.operation, call.region, call.error_code, call.message
        ),
    }
}

/// Current UTC time, RFC 3339 (seconds precision).
pub fn now_rfc3339() -> String {
    let now = time::OffsetDateTime::now_utc();
    let now = now.replace_nanosecond(0).unwrap_or(now);
    now.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::{pick_regions, DEFAULT_REGIONS};

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|r| (*r).to_owned()).collect()
    }

    #[test]
    fn all_regions_are_the_enabled_regions_or_the_static_fallback() {
        let named = names(&["eu-west-1"]);
        // Without --all-regions: the named regions, else the probe region.
        assert_eq!(
            pick_regions(&named, None, "us-east-1"),
            (named.clone(), None)
        );
        assert_eq!(
            pick_regions(&[], None, "us-east-1"),
            (names(&["us-east-1"]), None)
        );
        // The enabled regions (an opt-in one included), merged with the named ones.
        let enabled = Ok(names(&["af-south-1", "us-east-1"]));
        assert_eq!(
            pick_regions(&named, Some(&enabled), "eu-west-1"),
            (names(&["af-south-1", "eu-west-1", "us-east-1"]), None)
        );
        // DescribeRegions failed: the static list, and the reason for the warning.
        let failed = Err("ec2:DescribeRegions denied: UnauthorizedOperation".to_owned());
        let (regions, fallback) = pick_regions(&[], Some(&failed), "us-east-1");
        assert_eq!(regions.len(), DEFAULT_REGIONS.len());
        assert!(!regions.contains(&"af-south-1".to_owned()));
        assert_eq!(
            fallback.as_deref(),
            Some("ec2:DescribeRegions denied: UnauthorizedOperation")
        );
    }
}
