//! Group commit of ingest batches. SQLite has one writer and, with `synchronous=FULL`, each
//! commit waits for an fsync of the WAL: one transaction per batch made ingest a queue of
//! fsyncs. Here one task owns the writing of segments: it takes every batch that arrived while
//! the previous group was committing and commits them together, with one sync; a batch that
//! fails changes nothing and fails alone (the group then runs again with a savepoint per batch).
//! Each caller is answered only after that commit: an acknowledged batch is still a durable one.
//!
//! With no concurrent batches a group is one batch, so a lone request waits no longer than it
//! did before; under load the groups grow by themselves, up to [`MAX_GROUP`].

use sqlx::SqlitePool;
use tapedeck_core::{BatchFacts, BatchMeta};
use tokio::sync::{mpsc, oneshot};

use super::sessions;
use crate::meta::{NewSegment, SegmentOutcome};
use crate::{Result, StoreError};

/// Batches per transaction at most: the write lock is held for the whole group, so this bounds
/// how long another writer (an API write, the worker) can wait behind ingest.
const MAX_GROUP: usize = 64;
/// Batches waiting for the committer before callers wait for room (back-pressure, not memory).
const QUEUE: usize = 1024;

/// One batch to store, and where its outcome goes.
struct Pending {
    segment: NewSegment,
    facts: BatchFacts,
    meta: BatchMeta,
    reply: oneshot::Sender<Result<SegmentOutcome>>,
}

/// The handle callers use; the committer task ends when the last handle is dropped.
pub(super) struct GroupCommitter {
    queue: mpsc::Sender<Pending>,
}

impl GroupCommitter {
    /// Starts the committer task on the current Tokio runtime.
    pub(super) fn start(pool: SqlitePool) -> Self {
        let (queue, incoming) = mpsc::channel(QUEUE);
        tokio::spawn(run(pool, incoming));
        Self { queue }
    }

    /// Stores one segment in the next group; returns once that group is committed (or failed).
    pub(super) async fn store(
        &self,
        segment: &NewSegment,
        facts: &BatchFacts,
        meta: &BatchMeta,
    ) -> Result<SegmentOutcome> {
        let (reply, answer) = oneshot::channel();
        let pending = Pending {
            segment: segment.clone(),
            facts: facts.clone(),
            meta: meta.clone(),
            reply,
        };
        self.queue.send(pending).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

fn stopped() -> StoreError {
    StoreError::Unavailable("the ingest committer has stopped".into())
}

async fn run(pool: SqlitePool, mut incoming: mpsc::Receiver<Pending>) {
    let mut group = Vec::with_capacity(MAX_GROUP);
    while incoming.recv_many(&mut group, MAX_GROUP).await > 0 {
        commit_group(&pool, std::mem::take(&mut group)).await;
    }
}

/// Stores a group in one transaction and answers every caller in it.
async fn commit_group(pool: &SqlitePool, group: Vec<Pending>) {
    // Savepoints cost two statements per batch, and batches almost never fail; so a group first
    // runs without them, and only when one of its batches fails is it run again with each batch
    // under its own savepoint (the failed run is rolled back whole, nothing of it stays).
    let run = match store_group(pool, &group, Isolation::Shared).await {
        Ok(GroupRun::BatchFailed) => store_group(pool, &group, Isolation::PerBatch).await,
        other => other,
    };
    match run {
        Ok(GroupRun::Committed(outcomes)) => {
            for (pending, outcome) in group.into_iter().zip(outcomes) {
                let _ = pending.reply.send(outcome);
            }
        }
        failed => {
            // Nothing of the group is stored: every caller gets the error and may retry. (A run
            // per batch never ends in `BatchFailed`; it is an error of the group if it did.)
            let message = match failed {
                Err(e) => e.to_string(),
                _ => "a batch failed in a group run without savepoints".to_string(),
            };
            tracing::warn!(error = %message, batches = group.len(), "committing a group of ingest batches failed");
            for pending in group {
                let _ = pending
                    .reply
                    .send(Err(StoreError::Unavailable(message.clone())));
            }
        }
    }
}

/// How a group's batches are kept apart inside its transaction.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Isolation {
    /// No savepoints: the first failing batch abandons the whole run.
    Shared,
    /// Each batch under its own savepoint: a failing batch is rolled back alone.
    PerBatch,
}

enum GroupRun {
    /// Committed; the outcome of each batch, in order (errors only with `Isolation::PerBatch`).
    Committed(Vec<Result<SegmentOutcome>>),
    /// A batch failed in a `Shared` run; the transaction was rolled back, nothing is stored.
    BatchFailed,
}

/// Runs the group in one transaction. An error of the transaction itself (begin, savepoint,
/// commit) is everyone's.
async fn store_group(
    pool: &SqlitePool,
    group: &[Pending],
    isolation: Isolation,
) -> Result<GroupRun> {
    let per_batch = isolation == Isolation::PerBatch;
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let mut outcomes = Vec::with_capacity(group.len());
    for pending in group {
        if per_batch {
            sqlx::query("SAVEPOINT batch").execute(&mut *tx).await?;
        }
        let outcome =
            sessions::store_segment(&mut tx, &pending.segment, &pending.facts, &pending.meta).await;
        if outcome.is_err() {
            if !per_batch {
                // Dropping the transaction rolls it back.
                return Ok(GroupRun::BatchFailed);
            }
            sqlx::query("ROLLBACK TO batch").execute(&mut *tx).await?;
        }
        if per_batch {
            sqlx::query("RELEASE batch").execute(&mut *tx).await?;
        }
        outcomes.push(outcome);
    }
    tx.commit().await?;
    Ok(GroupRun::Committed(outcomes))
}
