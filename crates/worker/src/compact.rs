//! Compaction of one session: each window with live segments becomes a new format v1 recording
//! (its previous recording and those segments folded in), in three steps whose order makes a
//! crash at any point harmless:
//!
//! 1. [`prepare_compaction`] writes the new blobs under new keys. Nothing references them yet:
//!    a crash leaves the old state readable (and orphan blobs the session's deletion removes).
//! 2. [`commit_compaction`] swaps the rows in one transaction: the new recordings in, the folded
//!    segments marked compacted. Before it the old state is read, after it the new.
//! 3. [`delete_unreferenced`] deletes the old blobs. A crash before it leaves orphans only.
//!
//! A batch arriving meanwhile is not among the segments step 1 read, so it stays live and the
//! next compaction folds it in; two compactions of one window cannot both commit (generation).

use bytes::Bytes;
use serde_json::value::RawValue;
use tapedeck_core::chunks;
use tapedeck_core::recording::{
    FORMAT_VERSION, FormatError, WriteOptions, event_head, write_recording,
};
use tapedeck_store::{
    BlobOwner, CompactedWindow, CompactionSwap, MetaStore, RecordingRecord, RecordingStore,
    StoreError, StoredWindow, load_window, stored_windows,
};

/// Why a compaction did not happen.
#[derive(Debug, thiserror::Error)]
pub enum CompactError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("writing the recording: {0}")]
    Format(#[from] FormatError),
    #[error("another compaction of the session committed first")]
    Conflict,
    #[error("the session was deleted during the compaction")]
    SessionGone,
}

/// What a compaction did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CompactReport {
    pub windows: usize,
    pub segments: usize,
    pub events: u64,
    pub size_bytes: i64,
    /// Events left out: joined chunks that are not rrweb events.
    pub dropped_events: usize,
}

/// Step 1 done: the new blobs are written, the swap is ready to commit.
#[derive(Debug)]
pub struct PreparedCompaction {
    pub owner: BlobOwner,
    pub swap: CompactionSwap,
    pub report: CompactReport,
}

/// Compacts a session (all three steps). `None` when there was nothing to compact (no live
/// segments, or the session is gone).
pub async fn compact_session(
    meta: &dyn MetaStore,
    recordings: &RecordingStore,
    session_id: &str,
    options: WriteOptions,
    now_ms: i64,
) -> Result<Option<CompactReport>, CompactError> {
    let Some(prepared) = prepare_compaction(meta, recordings, session_id, options, now_ms).await?
    else {
        return Ok(None);
    };
    let report = prepared.report.clone();
    let owner = prepared.owner.clone();
    let unreferenced = commit_compaction(meta, recordings, prepared).await?;
    delete_unreferenced(recordings, &owner, &unreferenced).await;
    Ok(Some(report))
}

/// Step 1: reads every window that has live segments and writes its new recording blob.
pub async fn prepare_compaction(
    meta: &dyn MetaStore,
    recordings: &RecordingStore,
    session_id: &str,
    options: WriteOptions,
    now_ms: i64,
) -> Result<Option<PreparedCompaction>, CompactError> {
    let Some(session) = meta.session(session_id).await? else {
        return Ok(None);
    };
    let Some(project) = meta.project_by_id(&session.project_id).await? else {
        return Ok(None);
    };
    let run = WindowCompaction {
        recordings,
        owner: BlobOwner::of(&project),
        session_id,
        project_id: &project.id,
        options,
        now_ms,
    };
    let mut report = CompactReport::default();
    let mut windows = Vec::new();
    for window in stored_windows(meta, session_id).await? {
        if !window.segments.is_empty() {
            windows.push(run.window(&window, &mut report).await?);
        }
    }
    if windows.is_empty() {
        return Ok(None);
    }
    report.windows = windows.len();
    let swap = CompactionSwap {
        session_id: session_id.to_string(),
        windows,
        now_ms,
    };
    Ok(Some(PreparedCompaction {
        owner: run.owner,
        swap,
        report,
    }))
}

/// What every window of one compaction shares.
struct WindowCompaction<'a> {
    recordings: &'a RecordingStore,
    owner: BlobOwner,
    session_id: &'a str,
    project_id: &'a str,
    options: WriteOptions,
    now_ms: i64,
}

impl WindowCompaction<'_> {
    /// Reads the window (recording and live segments), writes its new blob, and returns its part
    /// of the swap.
    async fn window(
        &self,
        window: &StoredWindow,
        report: &mut CompactReport,
    ) -> Result<CompactedWindow, CompactError> {
        let events = load_window(self.recordings, &self.owner, window).await?;
        // Chunks of an event whose other parts have not arrived stay, so a late part completes it.
        let (events, _) = chunks::reassemble_keeping_partial(events);
        let before = events.len();
        let (events, heads): (Vec<Box<RawValue>>, Vec<_>) = events
            .into_iter()
            .filter_map(|e| event_head(&e).map(|h| (e, h)))
            .unzip();
        report.dropped_events += before - events.len();
        let sealer = self.recordings.sealer(&self.owner).await?;
        let (session_id, window_id) = (self.session_id.to_string(), window.window_id.clone());
        let options = self.options;
        let event_count = events.len();
        let written = tokio::task::spawn_blocking(move || {
            write_recording(
                &session_id,
                &window_id,
                &events,
                &heads,
                sealer.as_ref(),
                options,
            )
        })
        .await
        .map_err(|e| StoreError::Unavailable(format!("the compaction task failed: {e}")))??;

        let previous = window.recording.as_ref();
        let generation = previous.map_or(1, |r| r.generation + 1);
        // A new key every time: a losing concurrent compaction never overwrites the winner's.
        let blob_key = format!(
            "recordings/{}/{}/{}/rec-{generation:06}-{}.tdr",
            self.project_id,
            self.session_id,
            window.window_id,
            tapedeck_core::ids::new_id()
        );
        let size_bytes = written.bytes.len() as i64;
        self.recordings
            .blobs(&self.owner)?
            .put(&blob_key, Bytes::from(written.bytes))
            .await?;
        let (first_ts_ms, last_ts_ms) = written.index.time_span().unwrap_or((0, 0));
        let max_seq = window.segments.iter().map(|s| i64::from(s.seq)).max();
        let previous_seq = previous.map(|r| r.compacted_through_seq);
        report.segments += window.segments.len();
        report.events += event_count as u64;
        report.size_bytes += size_bytes;
        Ok(CompactedWindow {
            recording: RecordingRecord {
                session_id: self.session_id.to_string(),
                window_id: window.window_id.clone(),
                blob_key,
                format_version: i32::from(FORMAT_VERSION),
                generation,
                size_bytes,
                index: written.index,
                first_ts_ms,
                last_ts_ms,
                event_count: event_count as i64,
                compacted_through_seq: max_seq.max(previous_seq).unwrap_or(-1),
                created_at_ms: self.now_ms,
            },
            replaces_generation: previous.map(|r| r.generation),
            segment_seqs: window.segments.iter().map(|s| s.seq).collect(),
        })
    }
}

/// Step 2: commits the swap; returns the blob keys no longer referenced. When the swap surely
/// did not commit (another compaction won, or the session was deleted meanwhile), deletes this
/// compaction's new blobs: nothing will reference them. Other errors leave them (the commit may
/// have landed; an orphan goes with its session).
pub async fn commit_compaction(
    meta: &dyn MetaStore,
    recordings: &RecordingStore,
    prepared: PreparedCompaction,
) -> Result<Vec<String>, CompactError> {
    let refused = match meta.replace_segments_with_recording(&prepared.swap).await {
        Ok(unreferenced) => return Ok(unreferenced),
        Err(StoreError::Conflict(_)) => CompactError::Conflict,
        Err(StoreError::NotFound) => CompactError::SessionGone,
        Err(e) => return Err(e.into()),
    };
    let written: Vec<String> = prepared
        .swap
        .windows
        .iter()
        .map(|w| w.recording.blob_key.clone())
        .collect();
    delete_unreferenced(recordings, &prepared.owner, &written).await;
    Err(refused)
}

/// Step 3: deletes blobs nothing references any more. A failure is logged, not returned: the
/// compaction is committed, and the blob goes with its session at the latest.
pub async fn delete_unreferenced(recordings: &RecordingStore, owner: &BlobOwner, keys: &[String]) {
    for key in keys {
        if let Err(e) = recordings.delete(owner, key).await {
            tracing::warn!(blob.key = %key, error = %e, "deleting a compacted blob failed");
        }
    }
}
