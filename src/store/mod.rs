//! The run store: an embedded SQLite database (`vouch.db`) that remembers every recorded run,
//! every outcome with its fingerprint, and the lifecycle of every finding (first seen, last
//! seen, resolved, re-opened). It answers "what changed since last night" ([`Store::diff_since`]),
//! "what happened to this finding" ([`Store::timeline`]) and the period evidence an auditor
//! asks for ([`period`]).
//!
//! Invariants:
//! - One transaction per recorded run ([`record_run`]): a run killed mid-write leaves the store
//!   exactly as it was before that run.
//! - WAL journal: readers never block the writer and never see a half-written run.
//! - The schema is versioned with `PRAGMA user_version` and migrated on open ([`schema`]).
//! - Unknown is never pass: a finding is resolved only by a run that judged its subject
//!   `pass` or `waived`, or by a *complete* run of the same scope in which the subject no
//!   longer exists. `unknown` and `error` outcomes leave a finding open.
//! - Runs are ordered by their start time, then by the order they were recorded; finding
//!   lifecycles follow the order in which runs are recorded.

pub mod history;
pub mod period;
pub mod schema;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{params, Connection, OpenFlags, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use thiserror::Error;
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime, UtcOffset};

use crate::diff::{self, Diff};
use crate::engine::{Outcome, PolicySet, Status};
use crate::scan::ScanResult;

pub use schema::SCHEMA_VERSION;

/// The default store file, in the working directory.
pub const DEFAULT_STORE: &str = "vouch.db";

/// How long a writer waits for another writer's lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("store database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("store data: {0}")]
    Json(#[from] serde_json::Error),
    #[error("no store at {0} (record a run first with `vouch scan --store`)")]
    Missing(PathBuf),
    #[error("the store has schema version {found}, newer than this vouch supports ({supported}); upgrade vouch")]
    TooNew { found: u32, supported: u32 },
    #[error("{0}")]
    Time(String),
    #[error("the store holds no runs")]
    NoRuns,
    #[error("no earlier run to compare with: {0}")]
    NoBaseline(String),
    #[error("no finding with fingerprint `{0}` in the store")]
    UnknownFingerprint(String),
    #[error("fingerprint prefix `{0}` matches {1} findings; give more characters")]
    AmbiguousFingerprint(String, usize),
    #[error("store is inconsistent: {0}")]
    Corrupt(String),
}

/// What a run read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RunSource {
    /// Infrastructure as code (`vouch scan`).
    Iac,
    /// A live AWS estate (`vouch audit aws`).
    Aws,
}

impl RunSource {
    pub fn as_str(self) -> &'static str {
        match self {
            RunSource::Iac => "iac",
            RunSource::Aws => "aws",
        }
    }
}

/// Metadata of one run: everything needed to tell later what was judged, with what, and how
/// completely.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunMeta {
    /// RFC 3339; normalized to UTC, second precision, when stored.
    pub started_at: String,
    pub source: RunSource,
    /// Scanned paths as given (IaC).
    #[serde(default)]
    pub paths: Vec<String>,
    /// AWS accounts audited (live) or named by evidence.
    #[serde(default)]
    pub accounts: Vec<String>,
    #[serde(default)]
    pub regions: Vec<String>,
    pub tool_version: String,
    /// Digest of the rules judged with (see [`policy_digest`]).
    pub policy_digest: String,
    /// Digest of what was read: the AWS snapshot file, or the inputs of an IaC scan.
    #[serde(default)]
    pub snapshot_digest: Option<String>,
    /// False when some input could not be read or some collector call failed.
    pub complete: bool,
}

impl RunMeta {
    /// The metadata of an IaC scan: accounts and regions are taken from the evidence, the
    /// snapshot digest is taken over the inputs' digests.
    pub fn for_scan(
        started_at: impl Into<String>,
        paths: Vec<String>,
        policies: &PolicySet,
        result: &ScanResult,
    ) -> Self {
        let mut meta = Self {
            started_at: started_at.into(),
            source: RunSource::Iac,
            paths,
            accounts: Vec::new(),
            regions: Vec::new(),
            tool_version: env!("CARGO_PKG_VERSION").to_owned(),
            policy_digest: policy_digest(policies),
            snapshot_digest: Some(inputs_digest(result)),
            complete: !result.incomplete(),
        };
        meta.fill_scope_from(result);
        meta
    }

    /// The metadata of a live AWS audit: accounts, regions, collection time and completeness
    /// come from the snapshot; `snapshot_digest` is what [`AwsSnapshot::write`] or
    /// [`AwsSnapshot::read`] returned (the digest of the snapshot file), when there is one.
    /// Wiring `vouch audit aws --store` is then `record_run(&mut store, &meta, &result)`.
    ///
    /// [`AwsSnapshot::write`]: crate::collect::aws::AwsSnapshot::write
    /// [`AwsSnapshot::read`]: crate::collect::aws::AwsSnapshot::read
    pub fn for_audit(
        snapshot: &crate::collect::aws::AwsSnapshot,
        snapshot_digest: Option<String>,
        policies: &PolicySet,
        result: &ScanResult,
    ) -> Self {
        let mut meta = Self {
            started_at: snapshot.collected_at.clone(),
            source: RunSource::Aws,
            paths: Vec::new(),
            accounts: snapshot.accounts.clone(),
            regions: snapshot.regions.clone(),
            tool_version: env!("CARGO_PKG_VERSION").to_owned(),
            policy_digest: policy_digest(policies),
            snapshot_digest,
            complete: snapshot.complete && !result.incomplete(),
        };
        meta.fill_scope_from(result);
        meta
    }

    /// Adds the accounts and regions that the outcomes' evidence names.
    pub fn fill_scope_from(&mut self, result: &ScanResult) {
        let mut accounts: BTreeSet<String> = self.accounts.drain(..).collect();
        let mut regions: BTreeSet<String> = self.regions.drain(..).collect();
        for o in &result.outcomes {
            accounts.extend(o.evidence.account.iter().cloned());
            regions.extend(o.evidence.region.iter().cloned());
        }
        self.accounts = accounts.into_iter().collect();
        self.regions = regions.into_iter().collect();
    }

    /// Runs of the same scope (source, paths, accounts, regions) judge the same estate, so a
    /// finding missing from one of them is gone rather than out of view.
    pub fn scope(&self) -> String {
        let sorted = |v: &[String]| v.iter().cloned().collect::<BTreeSet<_>>();
        let key = serde_json::json!([
            self.source,
            sorted(&self.paths),
            sorted(&self.accounts),
            sorted(&self.regions)
        ]);
        short_digest(key.to_string().as_bytes())
    }
}

/// A digest of a policy set: every rule's ID, severity, lifecycle, parameters and source,
/// in ID order. Two runs with the same digest judged with the same rules.
pub fn policy_digest(policies: &PolicySet) -> String {
    let mut rules: Vec<_> = policies.rules.iter().collect();
    rules.sort_by(|a, b| a.meta.id.cmp(&b.meta.id));
    let mut h = Sha256::new();
    for r in rules {
        let meta = serde_json::to_string(&r.meta).unwrap_or_default();
        for part in [meta.as_bytes(), r.source.as_bytes()] {
            h.update((part.len() as u64).to_le_bytes());
            h.update(part);
        }
    }
    hex::encode(h.finalize())
}

fn inputs_digest(result: &ScanResult) -> String {
    let mut h = Sha256::new();
    for i in &result.inputs {
        h.update(i.path.as_bytes());
        h.update([0]);
        h.update(i.sha256.as_bytes());
        h.update([0]);
    }
    hex::encode(h.finalize())
}

fn short_digest(bytes: &[u8]) -> String {
    hex::encode(&Sha256::digest(bytes)[..16])
}

/// A stored run, as read back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunRecord {
    pub id: i64,
    pub scope: String,
    #[serde(flatten)]
    pub meta: RunMeta,
    /// Outcome counts per status (every status listed).
    pub counts: BTreeMap<Status, usize>,
}

/// What recording a run changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Recorded {
    pub run_id: i64,
    pub outcomes: usize,
    /// Findings failing for the first time.
    pub opened: usize,
    /// Findings resolved earlier that fail again.
    pub reopened: usize,
    /// Open findings this run resolved.
    pub resolved: usize,
}

/// The lifecycle of one failing (rule, resource) pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FindingRecord {
    pub fingerprint: String,
    pub rule_id: String,
    pub kind: String,
    pub address: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    pub first_seen: String,
    pub last_seen: String,
    /// `None` while the finding is open.
    pub resolved_at: Option<String>,
    /// How many times it failed again after being resolved.
    pub reopened: u32,
}

/// One run's verdict on one subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimelineEntry {
    pub run_id: i64,
    pub started_at: String,
    /// `None`: the run (of a scope that judged this subject) did not judge it.
    pub status: Option<Status>,
}

/// A finding's history across runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Timeline {
    pub fingerprint: String,
    pub rule_id: String,
    pub kind: String,
    pub address: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    /// Present when the subject ever failed.
    pub finding: Option<FindingRecord>,
    pub runs: Vec<TimelineEntry>,
}

/// Which earlier run `vouch diff --store` compares the latest run with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Since {
    /// The run before the latest one (same scope).
    Last,
    /// The last run (same scope) at or before this instant.
    At(OffsetDateTime),
}

impl Since {
    /// `last`, a date (`2026-01-31`: the last run on or before that day) or an RFC 3339 time.
    pub fn parse(text: &str) -> Result<Self, StoreError> {
        if text == "last" {
            return Ok(Since::Last);
        }
        if let Ok(t) = parse_instant(text) {
            return Ok(Since::At(t));
        }
        let day = parse_date(text).map_err(|_| {
            StoreError::Time(format!(
                "--since `{text}`: expected `last`, a date (YYYY-MM-DD) or an RFC 3339 time"
            ))
        })?;
        // Through the end of that day.
        Ok(Since::At(
            day.next_day()
                .unwrap_or(day)
                .midnight()
                .assume_utc()
                .saturating_sub(time::Duration::seconds(1)),
        ))
    }
}

/// A diff between two stored runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoreDiff {
    pub old_run: RunRecord,
    pub new_run: RunRecord,
    pub diff: Diff,
}

/// What retention removed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Pruned {
    pub runs: usize,
    pub outcomes: usize,
    pub blobs: usize,
    pub subjects: usize,
    pub findings: usize,
}

/// An open store.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

impl Store {
    /// Opens the store, creating and migrating it as needed.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let conn = Connection::open(path)?;
        Self::setup(conn, path)
    }

    /// Opens an existing store for reading and querying; a missing file is an error rather
    /// than an empty store (a typo in `--store` should not read as "no history").
    pub fn open_existing(path: &Path) -> Result<Self, StoreError> {
        if !path.is_file() {
            return Err(StoreError::Missing(path.to_owned()));
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        Self::setup(conn, path)
    }

    fn setup(mut conn: Connection, path: &Path) -> Result<Self, StoreError> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // WAL: readers see the last committed run while a writer appends the next one.
        let mode: String =
            conn.pragma_update_and_check(None, "journal_mode", "wal", |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Corrupt(format!(
                "cannot switch {} to WAL (journal mode {mode})",
                path.display()
            )));
        }
        // Evidence: a committed run survives power loss, not only a killed process.
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        schema::migrate_to(&mut conn, SCHEMA_VERSION)?;
        Ok(Self {
            conn,
            path: path.to_owned(),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every run, oldest first.
    pub fn runs(&self) -> Result<Vec<RunRecord>, StoreError> {
        self.query_runs("1 = 1", [])
    }

    /// Runs that started within `[from, to)`, oldest first.
    pub fn runs_between(
        &self,
        from: OffsetDateTime,
        to: OffsetDateTime,
    ) -> Result<Vec<RunRecord>, StoreError> {
        self.query_runs(
            "started_unix >= ?1 AND started_unix < ?2",
            [from.unix_timestamp(), to.unix_timestamp()],
        )
    }

    /// The run with this ID.
    pub fn run(&self, id: i64) -> Result<Option<RunRecord>, StoreError> {
        Ok(self.query_runs("id = ?1", [id])?.into_iter().next())
    }

    fn query_runs<P: rusqlite::Params>(
        &self,
        filter: &str,
        params: P,
    ) -> Result<Vec<RunRecord>, StoreError> {
        let sql = format!(
            "SELECT id, scope, meta, pass, fail, unknown, error, waived FROM runs
             WHERE {filter} ORDER BY started_unix, id"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(params, |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                [
                    (Status::Pass, r.get::<_, i64>(3)?),
                    (Status::Fail, r.get::<_, i64>(4)?),
                    (Status::Unknown, r.get::<_, i64>(5)?),
                    (Status::Error, r.get::<_, i64>(6)?),
                    (Status::Waived, r.get::<_, i64>(7)?),
                ],
            ))
        })?;
        let mut runs = Vec::new();
        for row in rows {
            let (id, scope, meta, counts) = row?;
            runs.push(RunRecord {
                id,
                scope,
                meta: serde_json::from_str(&meta)?,
                counts: counts
                    .into_iter()
                    .map(|(s, n)| (s, usize::try_from(n).unwrap_or(0)))
                    .collect(),
            });
        }
        Ok(runs)
    }

    /// Every outcome of a run, in output order.
    pub fn outcomes(&self, run_id: i64) -> Result<Vec<Outcome>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT b.body FROM outcomes o JOIN blobs b ON b.digest = o.blob WHERE o.run_id = ?1",
        )?;
        let mut outcomes = stmt
            .query_map([run_id], |r| r.get::<_, String>(0))?
            .map(|body| Ok(serde_json::from_str::<Outcome>(&body?)?))
            .collect::<Result<Vec<_>, StoreError>>()?;
        outcomes.sort_by(Outcome::output_order);
        Ok(outcomes)
    }

    /// A finding's lifecycle, when its subject ever failed.
    pub fn finding(&self, fingerprint: &str) -> Result<Option<FindingRecord>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT f.fingerprint, s.rule_id, s.kind, s.address, s.arn,
                        f.first_seen, f.last_seen, f.resolved_at, f.reopened
                 FROM findings f JOIN subjects s ON s.fingerprint = f.fingerprint
                 WHERE f.fingerprint = ?1",
                [fingerprint],
                finding_row,
            )
            .optional()?)
    }

    /// Every finding, open ones first, then by first seen.
    pub fn findings(&self) -> Result<Vec<FindingRecord>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT f.fingerprint, s.rule_id, s.kind, s.address, s.arn,
                    f.first_seen, f.last_seen, f.resolved_at, f.reopened
             FROM findings f JOIN subjects s ON s.fingerprint = f.fingerprint
             ORDER BY f.resolved_at IS NOT NULL, f.first_seen, f.fingerprint",
        )?;
        let rows = stmt.query_map([], finding_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The full fingerprint for an exact fingerprint or a unique prefix of one.
    pub fn resolve_fingerprint(&self, prefix: &str) -> Result<String, StoreError> {
        let escaped: String = prefix
            .chars()
            .filter(|c| c.is_ascii_hexdigit())
            .collect::<String>()
            .to_ascii_lowercase();
        if escaped.is_empty() || escaped.len() != prefix.len() {
            return Err(StoreError::UnknownFingerprint(prefix.to_owned()));
        }
        let mut stmt = self.conn.prepare(
            "SELECT fingerprint FROM subjects WHERE fingerprint >= ?1 AND fingerprint < ?1 || 'g' LIMIT 2",
        )?;
        let found: Vec<String> = stmt
            .query_map([&escaped], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        match found.as_slice() {
            [one] => Ok(one.clone()),
            [] => Err(StoreError::UnknownFingerprint(prefix.to_owned())),
            _ => {
                let n: i64 = self.conn.query_row(
                    "SELECT count(*) FROM subjects WHERE fingerprint >= ?1 AND fingerprint < ?1 || 'g'",
                    [&escaped],
                    |r| r.get(0),
                )?;
                Err(StoreError::AmbiguousFingerprint(
                    prefix.to_owned(),
                    usize::try_from(n).unwrap_or(0),
                ))
            }
        }
    }

    /// A subject's status in every run of the scopes that ever judged it.
    pub fn timeline(&self, fingerprint: &str) -> Result<Timeline, StoreError> {
        let (rule_id, kind, address, arn) = self
            .conn
            .query_row(
                "SELECT rule_id, kind, address, arn FROM subjects WHERE fingerprint = ?1",
                [fingerprint],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?
            .ok_or_else(|| StoreError::UnknownFingerprint(fingerprint.to_owned()))?;
        let mut stmt = self.conn.prepare(
            "SELECT r.id, r.started_at, o.status FROM runs r
             LEFT JOIN outcomes o ON o.run_id = r.id AND o.fingerprint = ?1
             WHERE r.scope IN (SELECT DISTINCT r2.scope FROM outcomes o2
                               JOIN runs r2 ON r2.id = o2.run_id WHERE o2.fingerprint = ?1)
             ORDER BY r.started_unix, r.id",
        )?;
        let runs = stmt
            .query_map([fingerprint], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                ))
            })?
            .map(|row| {
                let (run_id, started_at, status) = row?;
                Ok(TimelineEntry {
                    run_id,
                    started_at,
                    status: status.as_deref().map(parse_status).transpose()?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(Timeline {
            fingerprint: fingerprint.to_owned(),
            rule_id,
            kind,
            address,
            arn,
            finding: self.finding(fingerprint)?,
            runs,
        })
    }

    /// Compares the latest run with an earlier run of the same scope, as `vouch diff OLD NEW`
    /// compares two reports.
    pub fn diff_since(&self, since: &Since) -> Result<StoreDiff, StoreError> {
        let runs = self.runs()?;
        let new_run = runs.last().cloned().ok_or(StoreError::NoRuns)?;
        let mut earlier = runs
            .iter()
            .rev()
            .skip(1)
            .filter(|r| r.scope == new_run.scope);
        let old_run = match since {
            Since::Last => earlier.next().cloned().ok_or_else(|| {
                StoreError::NoBaseline(format!("run #{} is the only run of its scope", new_run.id))
            })?,
            Since::At(t) => {
                let limit = t.unix_timestamp();
                let mut found = None;
                for r in earlier {
                    if instant_unix(&r.meta.started_at)? <= limit {
                        found = Some(r.clone());
                        break;
                    }
                }
                found.ok_or_else(|| {
                    StoreError::NoBaseline(format!(
                        "no run of the latest run's scope at or before {}",
                        fmt_instant(*t)
                    ))
                })?
            }
        };
        let by_fp = |outcomes: Vec<Outcome>| -> BTreeMap<String, Outcome> {
            outcomes
                .into_iter()
                .map(|o| (o.fingerprint.clone(), o))
                .collect()
        };
        let old = by_fp(self.outcomes(old_run.id)?);
        let new = by_fp(self.outcomes(new_run.id)?);
        Ok(StoreDiff {
            diff: diff::diff(&old, &new),
            old_run,
            new_run,
        })
    }

    /// Deletes runs that started more than `keep_days` days before `now`, then every outcome
    /// body, subject and finding no remaining run refers to, in one transaction.
    pub fn prune(&mut self, keep_days: u32, now: &str) -> Result<Pruned, StoreError> {
        let cutoff = instant_unix(now)? - i64::from(keep_days) * 86_400;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let outcomes = tx.execute(
            "DELETE FROM outcomes WHERE run_id IN (SELECT id FROM runs WHERE started_unix < ?1)",
            [cutoff],
        )?;
        let runs = tx.execute("DELETE FROM runs WHERE started_unix < ?1", [cutoff])?;
        let findings = tx.execute(
            "DELETE FROM findings WHERE fingerprint NOT IN (SELECT fingerprint FROM outcomes)",
            [],
        )?;
        let subjects = tx.execute(
            "DELETE FROM subjects WHERE fingerprint NOT IN (SELECT fingerprint FROM outcomes)",
            [],
        )?;
        let blobs = tx.execute(
            "DELETE FROM blobs WHERE digest NOT IN (SELECT blob FROM outcomes)",
            [],
        )?;
        tx.commit()?;
        Ok(Pruned {
            runs,
            outcomes,
            blobs,
            subjects,
            findings,
        })
    }
}

fn finding_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<FindingRecord> {
    Ok(FindingRecord {
        fingerprint: r.get(0)?,
        rule_id: r.get(1)?,
        kind: r.get(2)?,
        address: r.get(3)?,
        arn: r.get(4)?,
        first_seen: r.get(5)?,
        last_seen: r.get(6)?,
        resolved_at: r.get(7)?,
        reopened: r.get(8)?,
    })
}

/// Records one run: its metadata, every outcome, and the findings' lifecycle, in one
/// transaction. This is the one call a command makes after judging (`vouch scan`,
/// `vouch audit aws`).
pub fn record_run(
    store: &mut Store,
    meta: &RunMeta,
    result: &ScanResult,
) -> Result<Recorded, StoreError> {
    record_run_with_progress(store, meta, result, &mut |_| {})
}

/// [`record_run`], calling `progress` with the number of outcome rows written so far after
/// each one (for progress display; tests use it to stop a writer mid-transaction).
pub fn record_run_with_progress(
    store: &mut Store,
    meta: &RunMeta,
    result: &ScanResult,
    progress: &mut dyn FnMut(usize),
) -> Result<Recorded, StoreError> {
    let started = parse_instant(&meta.started_at)?;
    let mut meta = meta.clone();
    meta.started_at = fmt_instant(started);
    let scope = meta.scope();

    // One row per fingerprint: when two outcomes share one (the same address in two scanned
    // roots), the worst status stands for the pair, as it would gate.
    let mut by_fp: BTreeMap<&str, &Outcome> = BTreeMap::new();
    for o in &result.outcomes {
        by_fp
            .entry(o.fingerprint.as_str())
            .and_modify(|kept| {
                if o.status < kept.status {
                    *kept = o;
                }
            })
            .or_insert(o);
    }
    let mut counts: BTreeMap<Status, i64> = Status::ALL.iter().map(|s| (*s, 0)).collect();
    for o in by_fp.values() {
        *counts.entry(o.status).or_default() += 1;
    }
    let count = |s: Status| counts.get(&s).copied().unwrap_or(0);

    let tx = store
        .conn
        .transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute(
        "INSERT INTO runs (started_at, started_unix, source, scope, tool_version, policy_digest,
                           snapshot_digest, complete, meta, pass, fail, unknown, error, waived)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        params![
            meta.started_at,
            started.unix_timestamp(),
            meta.source.as_str(),
            scope,
            meta.tool_version,
            meta.policy_digest,
            meta.snapshot_digest,
            meta.complete,
            serde_json::to_string(&meta)?,
            count(Status::Pass),
            count(Status::Fail),
            count(Status::Unknown),
            count(Status::Error),
            count(Status::Waived),
        ],
    )?;
    let run_id = tx.last_insert_rowid();
    {
        let mut subject = tx.prepare_cached(
            "INSERT OR IGNORE INTO subjects (fingerprint, rule_id, kind, address, arn)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        let mut blob =
            tx.prepare_cached("INSERT OR IGNORE INTO blobs (digest, body) VALUES (?1, ?2)")?;
        let mut outcome = tx.prepare_cached(
            "INSERT INTO outcomes (run_id, fingerprint, status, severity, blob)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for (written, (fp, o)) in by_fp.iter().enumerate() {
            subject.execute(params![
                fp,
                o.rule_id,
                o.resource.kind,
                o.resource.address,
                o.resource.arn
            ])?;
            let body = serde_json::to_string(o)?;
            let digest = hex::encode(Sha256::digest(body.as_bytes()));
            blob.execute(params![digest, body])?;
            outcome.execute(params![
                run_id,
                fp,
                o.status.as_str(),
                o.severity.as_str(),
                digest
            ])?;
            progress(written + 1);
        }
    }

    // Findings: open, keep open, re-open, resolve.
    let at = meta.started_at.as_str();
    let opened = tx.query_row(
        "SELECT count(*) FROM outcomes o WHERE o.run_id = ?1 AND o.status = 'fail'
         AND NOT EXISTS (SELECT 1 FROM findings f WHERE f.fingerprint = o.fingerprint)",
        [run_id],
        |r| r.get::<_, i64>(0),
    )?;
    let reopened = tx.query_row(
        "SELECT count(*) FROM outcomes o JOIN findings f ON f.fingerprint = o.fingerprint
         WHERE o.run_id = ?1 AND o.status = 'fail' AND f.resolved_at IS NOT NULL",
        [run_id],
        |r| r.get::<_, i64>(0),
    )?;
    tx.execute(
        "INSERT INTO findings (fingerprint, scope, first_seen, last_seen, resolved_at, reopened)
         SELECT fingerprint, ?2, ?3, ?3, NULL, 0 FROM outcomes
         WHERE run_id = ?1 AND status = 'fail'
         ON CONFLICT (fingerprint) DO UPDATE SET
             scope = excluded.scope,
             last_seen = excluded.last_seen,
             reopened = reopened + (resolved_at IS NOT NULL),
             resolved_at = NULL",
        params![run_id, scope, at],
    )?;
    let mut resolved = tx.execute(
        "UPDATE findings SET resolved_at = ?2
         WHERE resolved_at IS NULL AND fingerprint IN
             (SELECT fingerprint FROM outcomes WHERE run_id = ?1 AND status IN ('pass', 'waived'))",
        params![run_id, at],
    )?;
    if meta.complete {
        // Gone from a complete run of the same scope: the resource (or the rule's reach) no
        // longer exists, which resolves the finding. An incomplete run proves nothing.
        resolved += tx.execute(
            "UPDATE findings SET resolved_at = ?3
             WHERE resolved_at IS NULL AND scope = ?2 AND fingerprint NOT IN
                 (SELECT fingerprint FROM outcomes WHERE run_id = ?1)",
            params![run_id, scope, at],
        )?;
    }
    tx.commit()?;
    Ok(Recorded {
        run_id,
        outcomes: by_fp.len(),
        opened: usize::try_from(opened).unwrap_or(0),
        reopened: usize::try_from(reopened).unwrap_or(0),
        resolved,
    })
}

/// Parses a stored status.
pub(crate) fn parse_status(text: &str) -> Result<Status, StoreError> {
    Status::ALL
        .into_iter()
        .find(|s| s.as_str() == text)
        .ok_or_else(|| StoreError::Corrupt(format!("unknown status `{text}`")))
}

/// Parses an RFC 3339 time.
pub fn parse_instant(text: &str) -> Result<OffsetDateTime, StoreError> {
    OffsetDateTime::parse(text, &Rfc3339)
        .map_err(|e| StoreError::Time(format!("`{text}` is not an RFC 3339 time: {e}")))
}

/// Formats a time as stored: RFC 3339, UTC, second precision.
pub fn fmt_instant(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    let t = t.replace_nanosecond(0).unwrap_or(t);
    t.format(&Rfc3339)
        .unwrap_or_else(|_| t.unix_timestamp().to_string())
}

fn instant_unix(text: &str) -> Result<i64, StoreError> {
    Ok(parse_instant(text)?.unix_timestamp())
}

/// Parses `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Result<Date, StoreError> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text, &format)
        .map_err(|e| StoreError::Time(format!("`{text}` is not a date (YYYY-MM-DD): {e}")))
}

/// Parses a duration such as `24h`, `1d`, `90m`, `1h30m`, `1w`.
pub fn parse_duration(text: &str) -> Result<time::Duration, StoreError> {
    let bad = || {
        StoreError::Time(format!(
            "`{text}` is not a duration (e.g. 24h, 1d, 12h, 90m, 1w)"
        ))
    };
    let mut total: i64 = 0;
    let mut number = String::new();
    for c in text.trim().chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let n: i64 = number.parse().map_err(|_| bad())?;
        number.clear();
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3_600,
            'd' => 86_400,
            'w' => 604_800,
            _ => return Err(bad()),
        };
        total = n
            .checked_mul(unit)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(bad)?;
    }
    if !number.is_empty() || total <= 0 {
        return Err(bad());
    }
    Ok(time::Duration::seconds(total))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse() {
        assert_eq!(parse_duration("24h").unwrap(), time::Duration::hours(24));
        assert_eq!(parse_duration("1d").unwrap(), time::Duration::days(1));
        assert_eq!(
            parse_duration("1h30m").unwrap(),
            time::Duration::minutes(90)
        );
        for bad in ["", "24", "h", "0h", "3x", "-1h"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn since_parses_last_dates_and_times() {
        assert_eq!(Since::parse("last").unwrap(), Since::Last);
        let Since::At(t) = Since::parse("2026-01-31").unwrap() else {
            unreachable!()
        };
        assert_eq!(fmt_instant(t), "2026-01-31T23:59:59Z");
        let Since::At(t) = Since::parse("2026-01-31T10:00:00+02:00").unwrap() else {
            unreachable!()
        };
        assert_eq!(fmt_instant(t), "2026-01-31T08:00:00Z");
        assert!(Since::parse("yesterday").is_err());
    }
}
