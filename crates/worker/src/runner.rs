//! The worker loop: claims due jobs from the MetaStore queue with a lease under a unique worker
//! id, runs them, and records the outcome. Every server node runs one; the claim (SQLite's
//! `BEGIN IMMEDIATE`, PostgreSQL's `FOR UPDATE SKIP LOCKED`) gives each job to one of them.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tapedeck_core::recording::WriteOptions;
use tapedeck_store::{JOB_COMPACT, Job, MetaStore, RecordingStore, StoreError};

use crate::compact::{CompactError, compact_session};
use crate::retention::{JOB_RETENTION, run_retention, schedule_retention};

/// The job kinds this worker runs.
const KINDS: &[&str] = &[JOB_COMPACT, JOB_RETENTION];

/// Why a job failed.
#[derive(Debug, thiserror::Error)]
enum JobError {
    #[error(transparent)]
    Compact(#[from] CompactError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("unknown job kind {0:?}")]
    UnknownKind(String),
}

/// How the worker paces itself.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// How long to wait before looking again when no job is due.
    pub poll_interval: Duration,
    /// How long a claimed job is this worker's; past it another node may take it over.
    pub lease: Duration,
    /// After this many failed attempts a job is given up (kept, with its last error).
    pub max_attempts: i32,
    /// Delay before the first retry; doubled for each further one, up to an hour.
    pub retry_after: Duration,
    /// How compaction writes recordings.
    pub write: WriteOptions,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        Self {
            poll_interval: Duration::from_secs(2),
            lease: Duration::from_secs(10 * 60),
            max_attempts: 8,
            retry_after: Duration::from_secs(30),
            write: WriteOptions::default(),
        }
    }
}

const MAX_RETRY_DELAY: Duration = Duration::from_secs(3600);

/// What became of a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobOutcome {
    Done,
    /// It failed and runs again later.
    Retrying,
    /// It failed too often and was given up.
    GaveUp,
}

/// Runs background jobs.
pub struct Worker {
    meta: Arc<dyn MetaStore>,
    recordings: RecordingStore,
    id: String,
    config: WorkerConfig,
}

impl Worker {
    /// A worker with a fresh unique id (one per process start).
    pub fn new(meta: Arc<dyn MetaStore>, recordings: RecordingStore, config: WorkerConfig) -> Self {
        Self {
            meta,
            recordings,
            id: format!("worker-{}", tapedeck_core::ids::new_id()),
            config,
        }
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// Runs jobs until `shutdown` resolves. A job cut short by shutdown is released at once, so
    /// another node takes it over without waiting for the lease; its half-done work is harmless
    /// (see `compact`).
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send) {
        tracing::info!(worker.id = %self.id, "background worker started");
        if let Err(e) = self.schedule_recurring(now_ms()).await {
            // The queue is down; the next node start (or this one's retry below) queues it.
            tracing::warn!(error = %e, "scheduling the retention sweep failed");
        }
        tokio::pin!(shutdown);
        loop {
            let mut current: Option<Job> = None;
            let step = self.step(&mut current);
            tokio::select! {
                () = &mut shutdown => {
                    if let Some(job) = current {
                        self.release(&job).await;
                    }
                    break;
                }
                idle = step => {
                    if idle {
                        tokio::select! {
                            () = &mut shutdown => break,
                            () = tokio::time::sleep(self.config.poll_interval) => {}
                        }
                    }
                }
            }
        }
        tracing::info!(worker.id = %self.id, "background worker stopped");
    }

    /// Claims and runs one job; true when none was due (or the queue did not answer).
    async fn step(&self, current: &mut Option<Job>) -> bool {
        match self.claim_and_run(None, current).await {
            Ok(Some(_)) => false,
            Ok(None) => true,
            Err(e) => {
                tracing::warn!(error = %e, "the job queue is unavailable");
                true
            }
        }
    }

    /// Queues the recurring jobs (the retention sweep) unless they are waiting already.
    pub async fn schedule_recurring(&self, now_ms: i64) -> Result<(), StoreError> {
        schedule_retention(self.meta.as_ref(), now_ms).await?;
        Ok(())
    }

    /// Claims one due job at `now_ms`, runs it and records the outcome; `None` when no job was
    /// due.
    pub async fn run_once(&self, now_ms: i64) -> Result<Option<JobOutcome>, StoreError> {
        self.claim_and_run(Some(now_ms), &mut None).await
    }

    /// `run_once`, with `current` holding the job while it runs. The job starts and finishes
    /// at `fixed_now` when given (a test's clock), else at the system time of each moment.
    async fn claim_and_run(
        &self,
        fixed_now: Option<i64>,
        current: &mut Option<Job>,
    ) -> Result<Option<JobOutcome>, StoreError> {
        let started_ms = fixed_now.unwrap_or_else(now_ms);
        let lease_ms = self.config.lease.as_millis() as i64;
        let Some(job) = self
            .meta
            .claim_job(KINDS, &self.id, started_ms, lease_ms)
            .await?
        else {
            return Ok(None);
        };
        *current = Some(job.clone());
        let result = self.execute(&job, started_ms).await;
        let finished_ms = fixed_now.unwrap_or_else(now_ms);
        let outcome = self.record(&job, result, finished_ms).await?;
        *current = None;
        Ok(Some(outcome))
    }

    async fn execute(&self, job: &Job, now_ms: i64) -> Result<(), JobError> {
        match job.kind.as_str() {
            JOB_COMPACT => self.compact(&job.target, now_ms).await,
            JOB_RETENTION => self.retention(now_ms).await,
            other => Err(JobError::UnknownKind(other.to_owned())),
        }
    }

    async fn compact(&self, session_id: &str, now_ms: i64) -> Result<(), JobError> {
        let write = self.config.write;
        let compacted = compact_session(
            self.meta.as_ref(),
            &self.recordings,
            session_id,
            write,
            now_ms,
        )
        .await;
        // A session deleted meanwhile (retention, erasure) needs no compaction any more.
        let compacted = match compacted {
            Err(CompactError::SessionGone) => Ok(None),
            other => other,
        };
        match compacted? {
            Some(report) => tracing::info!(
                session.id = %session_id,
                windows = report.windows,
                segments = report.segments,
                events = report.events,
                size_bytes = report.size_bytes,
                dropped_events = report.dropped_events,
                "session compacted"
            ),
            None => tracing::debug!(session.id = %session_id, "nothing to compact"),
        }
        Ok(())
    }

    async fn retention(&self, now_ms: i64) -> Result<(), JobError> {
        let run = run_retention(self.meta.as_ref(), &self.recordings, now_ms).await?;
        tracing::info!(
            sessions_deleted = run.sweep.sessions_deleted,
            blobs_deleted = run.sweep.blobs_deleted,
            jobs_pruned = run.jobs_pruned,
            "retention sweep done"
        );
        Ok(())
    }

    async fn record(
        &self,
        job: &Job,
        result: Result<(), JobError>,
        now: i64,
    ) -> Result<JobOutcome, StoreError> {
        let error = match result {
            Ok(()) => {
                self.meta.complete_job(job.id, &self.id, now).await?;
                return Ok(JobOutcome::Done);
            }
            Err(e) => e.to_string(),
        };
        if job.attempts >= self.config.max_attempts {
            tracing::error!(job.id = job.id, job.kind = %job.kind, job.target = %job.target, attempts = job.attempts, error = %error, "a job failed for good");
            self.meta
                .fail_job(job.id, &self.id, &error, None, now)
                .await?;
            return Ok(JobOutcome::GaveUp);
        }
        let retry_at = now + self.retry_delay(job.attempts).as_millis() as i64;
        tracing::warn!(job.id = job.id, job.kind = %job.kind, job.target = %job.target, attempts = job.attempts, error = %error, "a job failed; it will be retried");
        self.meta
            .fail_job(job.id, &self.id, &error, Some(retry_at), now)
            .await?;
        Ok(JobOutcome::Retrying)
    }

    fn retry_delay(&self, attempts: i32) -> Duration {
        let doublings = attempts.saturating_sub(1).clamp(0, 16) as u32;
        self.config
            .retry_after
            .saturating_mul(1 << doublings)
            .min(MAX_RETRY_DELAY)
    }

    /// Gives a job back at once (shutdown), without counting it as a failure of the work.
    async fn release(&self, job: &Job) {
        let now = now_ms();
        let released = self
            .meta
            .fail_job(job.id, &self.id, "interrupted by shutdown", Some(now), now)
            .await;
        if let Err(e) = released {
            tracing::warn!(job.id = job.id, error = %e, "releasing a job at shutdown failed");
        }
    }
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
