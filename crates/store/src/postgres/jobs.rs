//! The background job queue on PostgreSQL. A claim picks its row with `FOR UPDATE SKIP LOCKED`:
//! nodes claiming at once each get a different job (or none), never the same one, and never wait
//! on each other.

use sqlx::{PgConnection, PgPool, Row};

use crate::compaction_meta::Job;
use crate::meta::Result;

pub(super) async fn enqueue_job(
    pool: &PgPool,
    kind: &str,
    target: &str,
    run_after_ms: i64,
    now_ms: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO jobs (kind, target, run_after, created_at) VALUES ($1, $2, $3, $4)
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

/// Enqueues a `compact` job for every session `mark_idle_sessions` is about to mark ready (the
/// caller's transaction).
pub(super) async fn enqueue_idle_compactions(
    conn: &mut PgConnection,
    idle_before_ms: i64,
    now_ms: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO jobs (kind, target, run_after, created_at)
         SELECT $1, id, $2, $2 FROM sessions WHERE status = 'recording' AND last_ingest_at < $3
         ON CONFLICT DO NOTHING",
    )
    .bind(crate::JOB_COMPACT)
    .bind(now_ms)
    .bind(idle_before_ms)
    .execute(conn)
    .await?;
    Ok(())
}

pub(super) async fn claim_job(
    pool: &PgPool,
    kinds: &[&str],
    worker_id: &str,
    now_ms: i64,
    lease_ms: i64,
) -> Result<Option<Job>> {
    let kinds: Vec<String> = kinds.iter().map(|k| k.to_string()).collect();
    let row = sqlx::query(
        "UPDATE jobs SET claimed_by = $1, claim_expires_at = $2, attempts = attempts + 1
         WHERE id = (
           SELECT id FROM jobs
           WHERE done_at IS NULL AND run_after <= $3 AND kind = ANY($4)
             AND (claimed_by IS NULL OR claim_expires_at <= $3)
           ORDER BY run_after, id LIMIT 1
           FOR UPDATE SKIP LOCKED)
         RETURNING id, kind, target, attempts, last_error",
    )
    .bind(worker_id)
    .bind(now_ms + lease_ms)
    .bind(now_ms)
    .bind(&kinds)
    .fetch_optional(pool)
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
    pool: &PgPool,
    id: i64,
    worker_id: &str,
    now_ms: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE jobs SET done_at = $1 WHERE id = $2 AND claimed_by = $3 AND done_at IS NULL",
    )
    .bind(now_ms)
    .bind(id)
    .bind(worker_id)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// As on SQLite: a retried job stays claimed, its lease running until the retry time.
pub(super) async fn fail_job(
    pool: &PgPool,
    id: i64,
    worker_id: &str,
    error: &str,
    retry_at_ms: Option<i64>,
    now_ms: i64,
) -> Result<bool> {
    let done = match retry_at_ms {
        Some(retry_at) => sqlx::query(
            "UPDATE jobs SET last_error = $1, run_after = $2, claim_expires_at = $2
             WHERE id = $3 AND claimed_by = $4 AND done_at IS NULL",
        )
        .bind(super::text::pg_text(error).into_owned())
        .bind(retry_at),
        None => sqlx::query(
            "UPDATE jobs SET last_error = $1, done_at = $2
             WHERE id = $3 AND claimed_by = $4 AND done_at IS NULL",
        )
        .bind(super::text::pg_text(error).into_owned())
        .bind(now_ms),
    }
    .bind(id)
    .bind(worker_id)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub(super) async fn delete_done_jobs(pool: &PgPool, done_before_ms: i64) -> Result<u64> {
    let done = sqlx::query("DELETE FROM jobs WHERE done_at IS NOT NULL AND done_at < $1")
        .bind(done_before_ms)
        .execute(pool)
        .await?;
    Ok(done.rows_affected())
}

/// Counts the waiting and claimed jobs (the `jobs_due` partial index holds only jobs not done)
/// and the recording sessions (`sessions_status_ingest`), in one statement.
pub(super) async fn operational_counts(
    pool: &PgPool,
    now_ms: i64,
) -> Result<crate::compaction_meta::OperationalCounts> {
    let row = sqlx::query(
        "SELECT
           (SELECT count(*) FROM jobs WHERE done_at IS NULL
              AND (claimed_by IS NULL OR claim_expires_at <= $1)) AS queued,
           (SELECT count(*) FROM jobs WHERE done_at IS NULL
              AND claimed_by IS NOT NULL AND claim_expires_at > $1) AS claimed,
           (SELECT count(*) FROM sessions WHERE status = 'recording') AS recording",
    )
    .bind(now_ms)
    .fetch_one(pool)
    .await?;
    Ok(crate::compaction_meta::OperationalCounts::from_counts(
        row.get("queued"),
        row.get("claimed"),
        row.get("recording"),
    ))
}
