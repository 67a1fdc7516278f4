//! Reads a session's windows as stored: a compacted window's v1 recording (only the blocks a time
//! range needs, in one ranged read) plus the segments that are not compacted (all of a window
//! that was never compacted, or the late batches of one that was). The events API, compaction and
//! export all read through here, so they agree on what a window holds.

use std::collections::BTreeMap;

use futures::{StreamExt, TryStreamExt};
use serde_json::value::RawValue;
use tapedeck_core::batch::EventHead;
use tapedeck_core::chunks;
use tapedeck_core::recording::{
    self, FormatError, decode_planned, event_head, keyframe_starts, merge_by_time, plan_after,
    plan_range, select_after, select_range,
};

use crate::compaction_meta::RecordingRecord;
use crate::meta::{MetaStore, SegmentRecord};
use crate::{BlobOwner, RecordingStore, StoreError};

/// Largest decoded segment read back; segments are written far below this.
pub const MAX_SEGMENT_DECODED_BYTES: usize = 64 * 1024 * 1024;
/// How many segment blobs are fetched at once.
const SEGMENT_FETCH_CONCURRENCY: usize = 8;

/// One window of a session as stored.
#[derive(Debug, Clone)]
pub struct StoredWindow {
    pub window_id: String,
    pub recording: Option<RecordingRecord>,
    /// Live (not compacted) segments, by seq.
    pub segments: Vec<SegmentRecord>,
}

impl StoredWindow {
    fn start_ms(&self) -> i64 {
        let recorded = self.recording.as_ref().map(|r| r.first_ts_ms);
        let segments = self.segments.iter().map(|s| s.first_ts_ms).min();
        recorded
            .into_iter()
            .chain(segments)
            .min()
            .unwrap_or(i64::MAX)
    }
}

/// A session's windows, first recorded first.
pub async fn stored_windows(
    meta: &dyn MetaStore,
    session_id: &str,
) -> Result<Vec<StoredWindow>, StoreError> {
    let mut windows: BTreeMap<String, StoredWindow> = BTreeMap::new();
    let empty = |window_id: &str| StoredWindow {
        window_id: window_id.to_string(),
        recording: None,
        segments: Vec::new(),
    };
    for recording in meta.recordings(session_id).await? {
        let id = recording.window_id.clone();
        windows
            .entry(id.clone())
            .or_insert_with(|| empty(&id))
            .recording = Some(recording);
    }
    for segment in meta.segments(session_id).await? {
        let id = segment.window_id.clone();
        windows
            .entry(id.clone())
            .or_insert_with(|| empty(&id))
            .segments
            .push(segment);
    }
    let mut windows: Vec<StoredWindow> = windows.into_values().collect();
    windows.sort_by(|a, b| (a.start_ms(), &a.window_id).cmp(&(b.start_ms(), &b.window_id)));
    Ok(windows)
}

/// A time range in epoch milliseconds; `None` bounds are open. `after_ms` (never with
/// `from_ms`) asks for the events after a range already held, without the keyframe rewind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TimeRange {
    pub from_ms: Option<i64>,
    pub after_ms: Option<i64>,
    pub to_ms: Option<i64>,
}

impl TimeRange {
    /// Which of `events` (by their heads) the range picks.
    fn select(&self, heads: &[EventHead]) -> std::ops::Range<usize> {
        match self.after_ms {
            Some(after) => select_after(heads, after, self.to_ms),
            None => select_range(heads, self.from_ms, self.to_ms),
        }
    }
}

/// The events of a window a range needs (`recording::select_range`, `select_after`).
#[derive(Debug)]
pub struct WindowEvents {
    pub events: Vec<Box<RawValue>>,
    /// Whether the first event starts a keyframe (replay can start there).
    pub keyframe: bool,
    /// Whether the window holds events after the last one returned.
    pub has_more: bool,
}

/// Reads what the player needs to render `range` of a window: from the keyframe at or before
/// its start (or right after `after_ms`) through its end, chunked events joined back.
pub async fn read_window(
    recordings: &RecordingStore,
    owner: &BlobOwner,
    window: &StoredWindow,
    range: TimeRange,
) -> Result<WindowEvents, StoreError> {
    let (events, blocks_after) = fetch(recordings, owner, window, range).await?;
    let events = if events
        .iter()
        .any(|e| chunks::may_contain_chunks(e.get().as_bytes()))
    {
        let (events, report) = chunks::reassemble(events);
        if report.incomplete > 0 {
            tracing::warn!(
                window.id = %window.window_id,
                incomplete = report.incomplete,
                "chunked events with missing parts were left out"
            );
        }
        events
    } else {
        events
    };
    let heads = heads_of(&events);
    let selected = range.select(&heads);
    let keyframe = selected.start < heads.len() && keyframe_starts(&heads)[selected.start];
    let has_more = blocks_after || selected.end < events.len();
    let mut events = events;
    events.truncate(selected.end);
    events.drain(..selected.start);
    Ok(WindowEvents {
        events,
        keyframe,
        has_more,
    })
}

/// One window of a session, read for a range, and the ids of all its windows.
#[derive(Debug)]
pub struct SessionWindow {
    /// Every window of the session, first recorded first.
    pub windows: Vec<String>,
    pub window_id: String,
    pub events: WindowEvents,
}

/// Reads `range` of a session's window (its first when `window_id` is `None`); `None` when the
/// session has no such window. A compaction may swap the window's blobs between our look at the
/// rows and our read of the blobs: then the read finds a blob gone and starts over once.
pub async fn read_session_window(
    meta: &dyn MetaStore,
    recordings: &RecordingStore,
    owner: &BlobOwner,
    session_id: &str,
    window_id: Option<&str>,
    range: TimeRange,
) -> Result<Option<SessionWindow>, StoreError> {
    let mut attempts = 0;
    loop {
        attempts += 1;
        let windows = stored_windows(meta, session_id).await?;
        let found = match window_id {
            Some(id) => windows.iter().find(|w| w.window_id == id),
            None => windows.first(),
        };
        let Some(window) = found else {
            return Ok(None);
        };
        match read_window(recordings, owner, window, range).await {
            Err(StoreError::NotFound) if attempts < 2 => continue,
            Err(e) => return Err(e),
            Ok(events) => {
                return Ok(Some(SessionWindow {
                    window_id: window.window_id.clone(),
                    windows: windows.iter().map(|w| w.window_id.clone()).collect(),
                    events,
                }));
            }
        }
    }
}

/// Every stored event of a window in replay order, chunks as stored (compaction joins them).
pub async fn load_window(
    recordings: &RecordingStore,
    owner: &BlobOwner,
    window: &StoredWindow,
) -> Result<Vec<Box<RawValue>>, StoreError> {
    let (events, _) = fetch(recordings, owner, window, TimeRange::default()).await?;
    Ok(events)
}

/// The planned blocks of the recording merged with the live segments; also whether blocks after
/// the planned ones exist.
async fn fetch(
    recordings: &RecordingStore,
    owner: &BlobOwner,
    window: &StoredWindow,
    range: TimeRange,
) -> Result<(Vec<Box<RawValue>>, bool), StoreError> {
    let (recorded, blocks_after) = match &window.recording {
        Some(recording) => fetch_blocks(recordings, owner, recording, range).await?,
        None => (Vec::new(), false),
    };
    let late = fetch_segments(recordings, owner, &window.segments).await?;
    if recorded.is_empty() || late.is_empty() {
        let mut events = recorded;
        events.extend(late);
        return Ok((events, blocks_after));
    }
    let with_heads = |events: Vec<Box<RawValue>>| -> Vec<(EventHead, Box<RawValue>)> {
        heads_of(&events).into_iter().zip(events).collect()
    };
    let merged = merge_by_time(with_heads(recorded), with_heads(late));
    Ok((merged.into_iter().map(|(_, e)| e).collect(), blocks_after))
}

/// The blocks a range needs, in one ranged read.
async fn fetch_blocks(
    recordings: &RecordingStore,
    owner: &BlobOwner,
    recording: &RecordingRecord,
    range: TimeRange,
) -> Result<(Vec<Box<RawValue>>, bool), StoreError> {
    let key = &recording.blob_key;
    let corrupt = |e: FormatError| StoreError::Corrupt(format!("recording {key}: {e}"));
    if recording.format_version != i32::from(recording::FORMAT_VERSION) {
        return Err(corrupt(FormatError::UnsupportedVersion(
            u16::try_from(recording.format_version).unwrap_or(u16::MAX),
        )));
    }
    let sealer = recordings.sealer(owner).await?;
    let index = &recording.index;
    index.validate(sealer.overhead()).map_err(corrupt)?;
    let plan = match range.after_ms {
        Some(after) => plan_after(index, after, range.to_ms),
        None => plan_range(index, range.from_ms, range.to_ms),
    };
    let Some(plan) = plan else {
        return Ok((Vec::new(), false));
    };
    let fetched = recordings
        .blobs(owner)?
        .get_range(key, plan.bytes.clone())
        .await?;
    let sealer = sealer.clone();
    let index = index.clone();
    let blocks_after = plan.blocks.end < index.blocks.len();
    let events = tokio::task::spawn_blocking(move || {
        decode_planned(&index, &plan, &fetched, sealer.as_ref())
    })
    .await
    .map_err(|e| StoreError::Unavailable(format!("decoding a recording: {e}")))?
    .map_err(corrupt)?;
    Ok((events, blocks_after))
}

/// The segments' events, in seq order.
async fn fetch_segments(
    recordings: &RecordingStore,
    owner: &BlobOwner,
    segments: &[SegmentRecord],
) -> Result<Vec<Box<RawValue>>, StoreError> {
    // Owned values in the stream: borrowed ones make the handler future not provably `Send`.
    let keys: Vec<String> = segments.iter().map(|s| s.blob_key.clone()).collect();
    let (recordings, owner) = (recordings.clone(), owner.clone());
    let arrays: Vec<Vec<Box<RawValue>>> = futures::stream::iter(keys)
        .map(move |key| {
            let (recordings, owner) = (recordings.clone(), owner.clone());
            async move {
                let compressed = recordings.get_opened(&owner, &key).await?;
                recording::decode_segment(&compressed, MAX_SEGMENT_DECODED_BYTES)
                    .map_err(|e| StoreError::Corrupt(format!("segment {key}: {e}")))
            }
        })
        .buffered(SEGMENT_FETCH_CONCURRENCY)
        .try_collect()
        .await?;
    Ok(arrays.into_iter().flatten().collect())
}

/// Each event's head; one without (a joined chunk that is not an rrweb event) takes the
/// previous event's time, so it stays where it is.
pub fn heads_of(events: &[Box<RawValue>]) -> Vec<EventHead> {
    let mut last_ts = i64::MIN;
    events
        .iter()
        .map(|e| {
            let head = event_head(e).unwrap_or(EventHead {
                kind: -1,
                timestamp: last_ts,
            });
            last_ts = head.timestamp;
            head
        })
        .collect()
}
