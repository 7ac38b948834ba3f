//! The store's schema and its migrations, versioned with `PRAGMA user_version`.
//!
//! `MIGRATIONS[i]` takes a database from version `i` to `i + 1`; a fresh file starts at 0.
//! Each migration runs in its own transaction together with the `user_version` bump, so a
//! database is always at exactly one known version. Migrations are append-only: never edit
//! one that has shipped, add the next one (an old store may be opened by any later vouch).

use rusqlite::{Connection, TransactionBehavior};

use super::StoreError;

/// Version 1: runs, the (rule, resource) subjects they judged, outcome bodies stored once by
/// digest, one outcome row per (run, subject), and the lifecycle of every failing subject.
const V1: &str = "
CREATE TABLE runs (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at      TEXT    NOT NULL,   -- RFC 3339, UTC, second precision
    started_unix    INTEGER NOT NULL,
    source          TEXT    NOT NULL,   -- iac | aws
    scope           TEXT    NOT NULL,   -- digest of source, paths, accounts, regions
    tool_version    TEXT    NOT NULL,
    policy_digest   TEXT    NOT NULL,
    snapshot_digest TEXT,
    complete        INTEGER NOT NULL,
    meta            TEXT    NOT NULL    -- the full RunMeta as JSON
);
CREATE INDEX runs_by_time ON runs(started_unix, id);

CREATE TABLE subjects (
    fingerprint TEXT PRIMARY KEY,
    rule_id     TEXT NOT NULL,
    kind        TEXT NOT NULL,
    address     TEXT NOT NULL,
    arn         TEXT
) WITHOUT ROWID;

CREATE TABLE blobs (
    digest TEXT PRIMARY KEY,            -- SHA-256 of body
    body   TEXT NOT NULL                -- one Outcome as JSON (evidence, waiver, message)
) WITHOUT ROWID;

CREATE TABLE outcomes (
    run_id      INTEGER NOT NULL REFERENCES runs(id),
    fingerprint TEXT    NOT NULL REFERENCES subjects(fingerprint),
    status      TEXT    NOT NULL,
    severity    TEXT    NOT NULL,
    blob        TEXT    NOT NULL REFERENCES blobs(digest),
    PRIMARY KEY (run_id, fingerprint)
) WITHOUT ROWID;
CREATE INDEX outcomes_by_fingerprint ON outcomes(fingerprint, run_id);
CREATE INDEX outcomes_by_blob ON outcomes(blob);

CREATE TABLE findings (
    fingerprint TEXT PRIMARY KEY REFERENCES subjects(fingerprint),
    scope       TEXT NOT NULL,          -- scope of the last run that saw it failing
    first_seen  TEXT NOT NULL,
    last_seen   TEXT NOT NULL,
    resolved_at TEXT,                   -- NULL while open
    reopened    INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
";

/// Version 2: per-run outcome counts on the run row, so listing history does not scan every
/// outcome; backfilled from the outcomes already stored.
const V2: &str = "
ALTER TABLE runs ADD COLUMN pass    INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN fail    INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN unknown INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN error   INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN waived  INTEGER NOT NULL DEFAULT 0;
UPDATE runs SET
    pass    = (SELECT count(*) FROM outcomes o WHERE o.run_id = runs.id AND o.status = 'pass'),
    fail    = (SELECT count(*) FROM outcomes o WHERE o.run_id = runs.id AND o.status = 'fail'),
    unknown = (SELECT count(*) FROM outcomes o WHERE o.run_id = runs.id AND o.status = 'unknown'),
    error   = (SELECT count(*) FROM outcomes o WHERE o.run_id = runs.id AND o.status = 'error'),
    waived  = (SELECT count(*) FROM outcomes o WHERE o.run_id = runs.id AND o.status = 'waived');
";

/// Every migration, in order.
pub(crate) const MIGRATIONS: &[&str] = &[V1, V2];

/// The schema version this build writes.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// The database's `user_version`.
pub(crate) fn version(conn: &Connection) -> Result<u32, StoreError> {
    Ok(conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
}

/// Brings the database to `target` (at most [`SCHEMA_VERSION`]), one transaction per step.
/// A database newer than this build is refused rather than guessed at.
pub(crate) fn migrate_to(conn: &mut Connection, target: u32) -> Result<(), StoreError> {
    let current = version(conn)?;
    if current > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            found: current,
            supported: SCHEMA_VERSION,
        });
    }
    for (i, sql) in MIGRATIONS
        .iter()
        .enumerate()
        .skip(current as usize)
        .take(target.saturating_sub(current) as usize)
    {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Re-read inside the write lock: another process may have migrated meanwhile.
        if version(&tx)? as usize > i {
            continue;
        }
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as u32)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_version_1_store_migrates_with_its_counts_backfilled() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        {
            // What vouch with schema version 1 left behind: two runs, three outcomes.
            let mut conn = Connection::open(&path).unwrap();
            migrate_to(&mut conn, 1).unwrap();
            assert_eq!(version(&conn).unwrap(), 1);
            conn.execute_batch(
                "INSERT INTO runs VALUES (1, '2026-01-01T02:00:00Z', 1767232800, 'iac', 's', '0.1.0', 'p', NULL, 1, '{}');
                 INSERT INTO runs VALUES (2, '2026-01-02T02:00:00Z', 1767319200, 'iac', 's', '0.1.0', 'p', NULL, 1, '{}');
                 INSERT INTO subjects VALUES ('fa', 'R1', 'aws.s3.bucket', 'a', NULL);
                 INSERT INTO subjects VALUES ('fb', 'R1', 'aws.s3.bucket', 'b', NULL);
                 INSERT INTO blobs VALUES ('d', '{}');
                 INSERT INTO outcomes VALUES (1, 'fa', 'fail', 'high', 'd');
                 INSERT INTO outcomes VALUES (1, 'fb', 'pass', 'high', 'd');
                 INSERT INTO outcomes VALUES (2, 'fa', 'pass', 'high', 'd');",
            )
            .unwrap();
        }
        let mut conn = Connection::open(&path).unwrap();
        migrate_to(&mut conn, SCHEMA_VERSION).unwrap();
        assert_eq!(version(&conn).unwrap(), SCHEMA_VERSION);
        let counts: Vec<(i64, i64, i64)> = conn
            .prepare("SELECT id, pass, fail FROM runs ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(counts, vec![(1, 1, 1), (2, 1, 0)]);
        // Migrating again is a no-op.
        migrate_to(&mut conn, SCHEMA_VERSION).unwrap();
        assert_eq!(version(&conn).unwrap(), SCHEMA_VERSION);
    }

    #[test]
    fn a_store_from_a_newer_vouch_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        let err = migrate_to(&mut conn, SCHEMA_VERSION).unwrap_err();
        assert!(matches!(err, StoreError::TooNew { .. }), "{err}");
    }
}
