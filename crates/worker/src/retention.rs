//! The recurring `retention` job: deletes the sessions past their project's retention
//! (`tapedeck_store::erase::sweep_retention`, audited) and prunes finished jobs. One job exists
//! for the whole deployment; each run queues the next, so every node may run it but only one
//! does at a time (the queue's claim), and a node starting up only queues it when none waits.

use std::time::Duration;

use tapedeck_store::erase::{RetentionReport, sweep_retention};
use tapedeck_store::{MetaStore, RecordingStore, StoreError};

/// The job kind of the retention sweep.
pub const JOB_RETENTION: &str = "retention";
/// Its only target: the sweep covers every project.
pub const RETENTION_TARGET: &str = "all";
/// How often the sweep runs. Retention is counted in days; an hour late is fine.
pub const RETENTION_EVERY: Duration = Duration::from_secs(3600);
/// How long finished jobs are kept (for looking into failures) before the sweep deletes them.
pub const KEEP_DONE_JOBS: Duration = Duration::from_secs(7 * 24 * 3600);

/// What one run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RetentionRun {
    pub sweep: RetentionReport,
    pub jobs_pruned: u64,
}

/// Queues the sweep to run at `now_ms` unless a run is already waiting (node start-up).
pub async fn schedule_retention(meta: &dyn MetaStore, now_ms: i64) -> Result<bool, StoreError> {
    meta.enqueue_job(JOB_RETENTION, RETENTION_TARGET, now_ms, now_ms)
        .await
}

/// Runs the sweep at `now_ms`. The next run is queued first, so a failing sweep (retried by
/// the worker, maybe given up) never ends the schedule.
pub async fn run_retention(
    meta: &dyn MetaStore,
    recordings: &RecordingStore,
    now_ms: i64,
) -> Result<RetentionRun, StoreError> {
    let next = now_ms + RETENTION_EVERY.as_millis() as i64;
    meta.enqueue_job(JOB_RETENTION, RETENTION_TARGET, next, now_ms)
        .await?;
    let sweep = sweep_retention(meta, recordings, now_ms).await?;
    let jobs_pruned = meta
        .delete_done_jobs(now_ms - KEEP_DONE_JOBS.as_millis() as i64)
        .await?;
    Ok(RetentionRun { sweep, jobs_pruned })
}
