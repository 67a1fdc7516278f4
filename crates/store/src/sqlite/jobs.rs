//! The background job queue on SQLite. Writers queue on `BEGIN IMMEDIATE`, so a claim's select
//! and update run alone: two workers (or two processes) never claim the same job.

use sqlx::{Row, SqliteConnection, SqlitePool};

use crate::compaction_meta::Job;
use crate::meta::Result;

pub(super) async fn enqueue_job(
    pool: &SqlitePool,
    kind: &str,
    target: &str,
    run_after_ms: i64,
    now_ms: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO jobs (kind, target, run_after, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT DO NOTHING",
    )
    .bind(kind)
    .bind(target)
    .bind(run_after_ms)
    .bind(now_ms)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub(super) async fn claim_job(
    conn: &mut SqliteConnection,
    kinds: &[&str],
    worker_id: &str,
    now_ms: i64,
    lease_ms: i64,
) -> Result<Option<Job>> {
    let row = sqlx::query(
        "UPDATE jobs SET claimed_by = ?, claim_expires_at = ?, attempts = attempts + 1
         WHERE id = (
           SELECT id FROM jobs
           WHERE done_at IS NULL AND run_after <= ? AND kind IN (SELECT value FROM json_each(?))
             AND (claimed_by IS NULL OR claim_expires_at <= ?)
           ORDER BY run_after, id LIMIT 1)
         RETURNING id, kind, target, attempts, last_error",
    )
    .bind(worker_id)
    .bind(now_ms + lease_ms)
    .bind(now_ms)
    .bind(serde_json::to_string(kinds)?)
    .bind(now_ms)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| Job {
        id: r.get("id"),
        kind: r.get("kind"),
        target: r.get("target"),
        attempts: r.get("attempts"),
        last_error: r.get("last_error"),
    }))
}

pub(super) async fn complete_job(
    pool: &SqlitePool,
    id: i64,
    worker_id: &str,
    now_ms: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE jobs SET done_at = ? WHERE id = ? AND claimed_by = ? AND done_at IS NULL",
    )
    .bind(now_ms)
    .bind(id)
    .bind(worker_id)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A retried job stays claimed by this worker, with its lease running until the retry time: it
/// is not waiting (so enqueueing the same work again adds a job), and any worker may take it
/// once the retry time has come.
pub(super) async fn fail_job(
    pool: &SqlitePool,
    id: i64,
    worker_id: &str,
    error: &str,
    retry_at_ms: Option<i64>,
    now_ms: i64,
) -> Result<bool> {
    let done = match retry_at_ms {
        Some(retry_at) => sqlx::query(
            "UPDATE jobs SET last_error = ?, run_after = ?, claim_expires_at = ?
             WHERE id = ? AND claimed_by = ? AND done_at IS NULL",
        )
        .bind(error)
        .bind(retry_at)
        .bind(retry_at),
        None => sqlx::query(
            "UPDATE jobs SET last_error = ?, done_at = ? WHERE id = ? AND claimed_by = ? AND done_at IS NULL",
        )
        .bind(error)
        .bind(now_ms),
    }
    .bind(id)
    .bind(worker_id)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub(super) async fn delete_done_jobs(pool: &SqlitePool, done_before_ms: i64) -> Result<u64> {
    let done = sqlx::query("DELETE FROM jobs WHERE done_at IS NOT NULL AND done_at < ?")
        .bind(done_before_ms)
        .execute(pool)
        .await?;
    Ok(done.rows_affected())
}

/// Counts the waiting and claimed jobs (the `jobs_due` partial index holds only jobs not done)
/// and the recording sessions (`sessions_status_ingest`), in one statement.
pub(super) async fn operational_counts(
    pool: &SqlitePool,
    now_ms: i64,
) -> Result<crate::compaction_meta::OperationalCounts> {
    let row = sqlx::query(
        "SELECT
           (SELECT count(*) FROM jobs WHERE done_at IS NULL
              AND (claimed_by IS NULL OR claim_expires_at <= ?)) AS queued,
           (SELECT count(*) FROM jobs WHERE done_at IS NULL
              AND claimed_by IS NOT NULL AND claim_expires_at > ?) AS claimed,
           (SELECT count(*) FROM sessions WHERE status = 'recording') AS recording",
    )
    .bind(now_ms)
    .bind(now_ms)
    .fetch_one(pool)
    .await?;
    Ok(crate::compaction_meta::OperationalCounts::from_counts(
        row.get("queued"),
        row.get("claimed"),
        row.get("recording"),
    ))
}
