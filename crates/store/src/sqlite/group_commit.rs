//! Group commit of ingest batches. SQLite has one writer and, with `synchronous=FULL`, each
//! commit waits for an fsync of the WAL: one transaction per batch made ingest a queue of
//! fsyncs. Here one task owns the writing of segments: it takes every batch that arrived while
//! the previous group was committing, stores each under its own savepoint (a batch that fails
//! changes nothing and fails alone) and commits them together, with one sync. Each caller is
//! answered only after that commit: an acknowledged batch is still a durable one.
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
    match store_group(pool, &group).await {
        Ok(outcomes) => {
            for (pending, outcome) in group.into_iter().zip(outcomes) {
                let _ = pending.reply.send(outcome);
            }
        }
        Err(e) => {
            // Nothing of the group is stored: every caller gets the error and may retry.
            let message = e.to_string();
            tracing::warn!(error = %message, batches = group.len(), "committing a group of ingest batches failed");
            for pending in group {
                let _ = pending
                    .reply
                    .send(Err(StoreError::Unavailable(message.clone())));
            }
        }
    }
}

/// The outcome of each batch of the group, once the group is committed. An error of one batch
/// is its own outcome (rolled back to its savepoint); an error of the transaction is everyone's.
async fn store_group(pool: &SqlitePool, group: &[Pending]) -> Result<Vec<Result<SegmentOutcome>>> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let mut outcomes = Vec::with_capacity(group.len());
    for pending in group {
        sqlx::query("SAVEPOINT batch").execute(&mut *tx).await?;
        let outcome =
            sessions::store_segment(&mut tx, &pending.segment, &pending.facts, &pending.meta).await;
        if outcome.is_err() {
            sqlx::query("ROLLBACK TO batch").execute(&mut *tx).await?;
        }
        sqlx::query("RELEASE batch").execute(&mut *tx).await?;
        outcomes.push(outcome);
    }
    tx.commit().await?;
    Ok(outcomes)
}
