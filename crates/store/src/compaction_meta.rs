//! MetaStore records of compaction: the recording row of a compacted window, the swap that
//! commits a compaction, and the background jobs that run it.

use tapedeck_core::recording::RecordingIndex;

/// The job kind that compacts one session (target: the session id).
pub const JOB_COMPACT: &str = "compact";

/// A compacted window: its format v1 blob and that blob's index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordingRecord {
    pub session_id: String,
    pub window_id: String,
    pub blob_key: String,
    pub format_version: i32,
    /// 1 for the first compaction of the window, one more for each later one.
    pub generation: i64,
    pub size_bytes: i64,
    pub index: RecordingIndex,
    pub first_ts_ms: i64,
    pub last_ts_ms: i64,
    pub event_count: i64,
    /// The highest segment seq folded in (late batches may still bring lower ones).
    pub compacted_through_seq: i64,
    pub created_at_ms: i64,
}

/// One window's part of a compaction.
#[derive(Debug, Clone)]
pub struct CompactedWindow {
    /// The new recording (its blob is written already).
    pub recording: RecordingRecord,
    /// The generation the compaction read (`None`: the window had no recording). If another
    /// compaction committed since, the swap fails with `Conflict` and changes nothing.
    pub replaces_generation: Option<i64>,
    /// The seqs of the live segments folded in; they become compacted.
    pub segment_seqs: Vec<u32>,
}

/// A compaction of one session, committed in one transaction.
#[derive(Debug, Clone)]
pub struct CompactionSwap {
    pub session_id: String,
    pub windows: Vec<CompactedWindow>,
    pub now_ms: i64,
}

/// A background job as claimed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub target: String,
    /// Claims so far, this one included.
    pub attempts: i32,
    pub last_error: Option<String>,
}

/// What an operator's dashboard shows of the queue and of live sessions (`/metrics`), counted
/// in one query over partial and status indexes, cheap enough for every scrape.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OperationalCounts {
    /// Jobs not done and not held: waiting for a worker, or their lease expired.
    pub jobs_queued: u64,
    /// Jobs not done that a worker holds under a live lease (running, or waiting for a retry).
    pub jobs_claimed: u64,
    /// Sessions with status `recording`.
    pub sessions_recording: u64,
}

impl OperationalCounts {
    /// From the three `count(*)`s both engines' queries answer (SQL counts are signed).
    pub(crate) fn from_counts(queued: i64, claimed: i64, recording: i64) -> Self {
        let count = |n: i64| u64::try_from(n).unwrap_or(0);
        Self {
            jobs_queued: count(queued),
            jobs_claimed: count(claimed),
            sessions_recording: count(recording),
        }
    }
}
