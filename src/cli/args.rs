//! Raw command-line arguments, exactly as clap parses them. Validation and defaults that
//! need more than clap (format/output pairing, timestamps) happen in [`super::plan`].

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::engine::Severity;
use crate::report::Format;

const EXIT_CODES: &str = "\
Exit status:
  0  no failing outcome at or above --fail-on (and no unknown one with --fail-on-unknown)
  1  failing outcomes at or above the threshold
  2  usage error, unreadable or malformed input, or a policy error";

#[derive(Debug, Parser)]
#[command(
    name = "vouch",
    version,
    about = "Compliance and security policy scanner for Terraform, CloudFormation and live AWS",
    after_help = EXIT_CODES
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
#[expect(
    clippy::large_enum_variant,
    reason = "parsed once per process; boxing would only obscure the arguments"
)]
pub enum Command {
    /// Scan infrastructure as code and judge it with the policies.
    #[command(after_help = EXIT_CODES)]
    Scan(ScanArgs),
    /// List the rules.
    Rules(RulesArgs),
    /// A framework's coverage: which controls rules evidence fully, partly, or not (manual).
    Controls {
        #[arg(long, value_name = "F")]
        framework: String,
        #[arg(long, value_enum, default_value = "table")]
        format: ListFormat,
    },
    /// Print the JSON Schema of a normalized resource kind, or list the kinds.
    Schema {
        /// A kind such as `aws.s3.bucket`; without it, the kinds are listed.
        kind: Option<String>,
    },
    /// Work with policies (test cases, custom rules).
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Record or inspect accepted failures.
    #[command(subcommand)]
    Baseline(BaselineCommand),
    /// Show what changed between two JSON reports, or since an earlier run in the store:
    /// new, fixed, still failing, newly unknown.
    #[command(
        after_help = "Either two reports (vouch diff OLD.json NEW.json) or the store \
(vouch diff --store vouch.db --since last|DATE): the store's latest run compared with the \
previous run of the same scope, or with the last one on or before DATE.\n\n\
Exit status: 0 no new failure, 1 new failures, 2 error"
    )]
    Diff {
        /// The earlier JSON report.
        old: Option<PathBuf>,
        /// The later JSON report.
        new: Option<PathBuf>,
        /// Compare runs recorded in this store instead of two reports [default: vouch.db].
        #[arg(long, value_name = "FILE")]
        store: Option<PathBuf>,
        /// With the store: `last` (the run before the latest), a date (YYYY-MM-DD) or an
        /// RFC 3339 time [default: last].
        #[arg(long, value_name = "last|DATE")]
        since: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: ListFormat,
    },
    /// List the runs recorded in a store, or show one finding's timeline.
    History(HistoryArgs),
    /// Reports over the store's history.
    #[command(subcommand)]
    Report(ReportCommand),
    /// Work with vouch.toml.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Snapshot live configuration without judging it.
    #[command(subcommand)]
    Collect(CollectCommand),
    /// Collect live configuration and judge it in one go (or judge collected snapshots).
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Print a shell completion script.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    Man,
    /// Evidence bundles: make a signing key, verify a bundle.
    #[command(subcommand)]
    Evidence(EvidenceCommand),
}

#[derive(Debug, Subcommand)]
pub enum CollectCommand {
    /// Snapshot AWS accounts and regions (read-only) into a versioned JSON file.
    #[command(
        after_help = "Exit status: 0 complete, 2 error or incomplete evidence (unless --allow-partial)"
    )]
    Aws {
        #[command(flatten)]
        aws: crate::cli::aws::AwsArgs,
        /// Where to write the snapshot (`.zst` compresses it).
        #[arg(long, short = 'o', value_name = "SNAPSHOT")]
        output: PathBuf,
        /// Exit 0 even when some calls failed (the snapshot lists them as unknowns).
        #[arg(long)]
        allow_partial: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Collect AWS accounts and judge them with the same rules and outputs as a scan.
    #[command(after_help = EXIT_CODES)]
    Aws {
        #[command(flatten)]
        aws: crate::cli::aws::AwsArgs,
        #[command(flatten)]
        input: InputArgs,
        #[command(flatten)]
        report: ReportArgs,
        /// Also write the collected snapshot here.
        #[arg(long, value_name = "FILE")]
        snapshot_output: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum BaselineCommand {
    /// Scan and record every current failure as accepted.
    Create {
        #[command(flatten)]
        input: InputArgs,
        /// Where to write the baseline (JSON).
        #[arg(long, short = 'o')]
        output: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Validate a vouch.toml (default: the one found from the current directory).
    Check { file: Option<PathBuf> },
}

/// The gate threshold: fail on outcomes at or above this severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Critical,
    High,
    Medium,
    Low,
    /// Never fail on findings (errors still exit 2).
    None,
}

impl FailOn {
    /// The lowest severity that gates, or `None` when nothing does.
    pub fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Critical => Some(Severity::Critical),
            FailOn::High => Some(Severity::High),
            FailOn::Medium => Some(Severity::Medium),
            FailOn::Low => Some(Severity::Low),
            FailOn::None => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            FailOn::Critical => "critical",
            FailOn::High => "high",
            FailOn::Medium => "medium",
            FailOn::Low => "low",
            FailOn::None => "none",
        }
    }
}

/// What to read: shared by `scan` and `baseline create`.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Files or directories to scan [default: `.`, unless --snapshot is given].
    pub paths: Vec<PathBuf>,

    /// Read only these kinds of input (repeatable); default: all.
    #[arg(long = "source", value_enum)]
    pub sources: Vec<crate::scan::Source>,

    /// Configuration file (default: vouch.toml in the first path or a parent directory).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Evaluate only the rules this framework maps, and report its controls' status
    /// (repeatable): pci-dss-4.0.1, soc2, zero-trust, nist-800-53-r5, cis-aws-3.0.
    #[arg(long = "framework", value_name = "F")]
    pub frameworks: Vec<String>,

    /// Ignore any vouch.toml.
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,

    /// Also load custom policies from this directory (repeatable).
    #[arg(long = "policies", value_name = "DIR")]
    pub policies: Vec<PathBuf>,

    /// Set a Terraform variable (`NAME=VALUE`; repeatable, highest precedence).
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,

    /// Read Terraform variables from this file (repeatable, after *.auto.tfvars).
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<PathBuf>,

    /// Terraform configuration directory of a plan JSON, to point findings at HCL lines
    /// (default: the plan's own directory when it holds .tf files).
    #[arg(long, value_name = "DIR")]
    pub tf_root: Option<PathBuf>,

    /// Set a CloudFormation parameter (`NAME=VALUE`; repeatable, highest precedence).
    #[arg(long = "cfn-param", value_name = "NAME=VALUE")]
    pub cfn_params: Vec<String>,

    /// CloudFormation parameter file (`[{"ParameterKey",...}]` or `{"Parameters": {...}}`).
    #[arg(long = "cfn-param-file", value_name = "FILE")]
    pub cfn_param_files: Vec<PathBuf>,

    /// A live AWS snapshot written by `vouch collect aws` to judge (repeatable; shards merge).
    #[arg(long, value_name = "FILE")]
    pub snapshot: Vec<PathBuf>,

    /// Judge a snapshot whose collection was incomplete without exiting 2 (its failed
    /// calls still make the affected checks unknown).
    #[arg(long)]
    pub allow_partial: bool,

    /// Time recorded in the report's run metadata (RFC 3339), for reproducible output; its
    /// date is also "today" for waiver expiry. Defaults to SOURCE_DATE_EPOCH, else now.
    #[arg(long)]
    pub timestamp: Option<String>,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub report: ReportArgs,
}

/// How to report and gate: shared by `scan` and `audit aws`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Output format; repeat it, each followed by its own --output, to write several.
    #[arg(long, short = 'f', value_enum)]
    pub format: Vec<Format>,

    /// Write the preceding --format to this file instead of standard output.
    #[arg(long, short = 'o')]
    pub output: Vec<PathBuf>,

    /// Fail (exit 1) on failing outcomes at or above this severity [default: high, or
    /// `fail_on` from vouch.toml].
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,

    /// Make unknown outcomes at or above the threshold fail the run too.
    #[arg(long)]
    pub fail_on_unknown: bool,

    /// Fail only on failures that are not in this baseline (see `vouch baseline create`).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Collect and normalize only, print counts, judge nothing (for benchmarks).
    #[arg(long, hide = true)]
    pub collect_only: bool,

    /// Record this run in a history store (SQLite; `--store` alone means vouch.db).
    #[arg(long, value_name = "FILE", num_args = 0..=1, default_missing_value = crate::store::DEFAULT_STORE)]
    pub store: Option<PathBuf>,

    /// With --store: delete runs older than N days (and data only they used) after recording.
    #[arg(long, value_name = "N", requires = "store")]
    pub keep_days: Option<u32>,

    /// Colour in terminal output: auto (on a TTY, unless NO_COLOR), always or never.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,

    /// Write an evidence bundle (zip: reports, snapshot, policies, rulesets, manifest).
    #[arg(long, value_name = "FILE.zip")]
    pub bundle: Option<PathBuf>,

    /// Sign the bundle's manifest with this Ed25519 secret key (see `vouch evidence keygen`).
    #[arg(long, value_name = "KEY", requires = "bundle")]
    pub sign_key: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct RulesArgs {
    #[command(subcommand)]
    pub show: Option<RulesCommand>,
    /// Only the rules this framework maps.
    #[arg(long, value_name = "F")]
    pub framework: Option<String>,
    /// table or json.
    #[arg(long, value_enum, default_value = "table")]
    pub format: ListFormat,
    /// Also load custom policies from this directory (repeatable).
    #[arg(long = "policies", value_name = "DIR")]
    pub policies: Vec<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// What a rule checks, why, examples, and the controls it evidences.
    Show {
        id: String,
        /// Also load custom policies from this directory (repeatable).
        #[arg(long = "policies", value_name = "DIR")]
        policies: Vec<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Run the test cases of the built-in policies, or of the custom policies in DIR.
    Test {
        /// A directory of custom policies (`*.rego` + `*.test.yaml`).
        dir: Option<PathBuf>,
        /// Print each rule's line coverage and the lines no case reaches.
        #[arg(long)]
        coverage: bool,
        /// Fail (exit 1) when a rule's line coverage is below PCT percent; implies --coverage.
        #[arg(long, value_name = "PCT")]
        min_coverage: Option<f64>,
    },
    /// Scaffold a custom rule and its test cases: DIR/DOMAIN/NAME.rego and NAME.test.yaml.
    New {
        /// Folder the rule belongs to (`storage`, `network`, ...): lowercase letters and digits.
        domain: String,
        /// The rule ID, kebab-case (`s3-bucket-tagged-owner`); the file name uses underscores.
        name: String,
        /// The canonical kind the rule judges (see `vouch schema`).
        #[arg(long, default_value = "aws.s3.bucket")]
        kind: String,
        /// Policies directory to write into.
        #[arg(long, default_value = "policies")]
        dir: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum EvidenceCommand {
    /// Make an Ed25519 key pair: KEY (secret seed, hex) and KEY.pub (public key, hex).
    Keygen {
        /// Where to write the secret key; the public key goes to the same path plus `.pub`.
        #[arg(long, short = 'o', value_name = "KEY")]
        output: PathBuf,
    },
    /// Check every file hash and the signature of a bundle; exit 1 on any mismatch.
    Verify {
        /// The bundle (`vouch scan --bundle FILE.zip`).
        bundle: PathBuf,
        /// The public key the manifest must be signed with (KEY.pub).
        #[arg(long, value_name = "PUB")]
        pubkey: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    #[command(subcommand)]
    pub command: Option<HistoryCommand>,
    /// The history store.
    #[arg(long, value_name = "FILE", global = true, default_value = crate::store::DEFAULT_STORE)]
    pub store: PathBuf,
    /// table or json.
    #[arg(long, value_enum, global = true, default_value = "table")]
    pub format: ListFormat,
}

#[derive(Debug, Subcommand)]
pub enum HistoryCommand {
    /// A finding's timeline: its status in every run (a unique prefix of the fingerprint will do).
    Show { fingerprint: String },
    /// Delete runs older than N days, and the outcomes, subjects and findings only they used.
    Prune {
        #[arg(long, value_name = "N")]
        keep_days: u32,
        /// "Now" for the cut-off (RFC 3339) [default: SOURCE_DATE_EPOCH, else now].
        #[arg(long)]
        timestamp: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Period evidence for one framework (SOC 2 Type II style): per control, the runs that
    /// evaluated it, passes, failing intervals with time to remediate, and gaps without a run.
    Period(PeriodArgs),
}

#[derive(Debug, Args)]
pub struct PeriodArgs {
    /// The history store.
    #[arg(long, value_name = "FILE", default_value = crate::store::DEFAULT_STORE)]
    pub store: PathBuf,
    /// A built-in framework (see rulesets/).
    #[arg(long, required_unless_present = "ruleset")]
    pub framework: Option<String>,
    /// A ruleset YAML file instead of a built-in framework.
    #[arg(long, value_name = "FILE", conflicts_with = "framework")]
    pub ruleset: Option<PathBuf>,
    /// First day of the period (YYYY-MM-DD, UTC).
    #[arg(long, value_name = "DATE")]
    pub from: String,
    /// Last day of the period, included (YYYY-MM-DD, UTC).
    #[arg(long, value_name = "DATE")]
    pub to: String,
    /// The expected cadence: a stretch this long without a run is a gap (e.g. 24h, 12h, 7d).
    #[arg(long, value_name = "DURATION", default_value = "24h")]
    pub expect_every: String,
    #[arg(long, short = 'f', value_enum, default_value = "html")]
    pub format: crate::store::period::PeriodFormat,
    /// Write to this file instead of standard output.
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
}
