//! An import is stored the way ingest stores a recording: as batches (segments) folded one by one
//! into the session summary, so an imported session lists, replays, compacts and expires like any
//! other. This cuts an imported file into those batches and gives each the recorder facts it
//! would have carried: identity, browser and tags on the first, the page the user was on at its
//! end (so single-page-app navigations, which have no meta event, come back at their time), the
//! viewport on the last. Events pass the server's privacy layer again (`scrub`), as on ingest.

use std::borrow::Cow;
use std::collections::BTreeSet;

use serde_json::value::RawValue;

use super::{ImportedMetadata, ImportedWindow};
use crate::batch::{BatchMeta, EventHead, IngestBatch};
use crate::scrub::{scrub_events, scrub_text};

/// Most events in one imported batch.
pub const IMPORT_BATCH_MAX_EVENTS: usize = 10_000;
/// An imported batch is closed once its events reach this many bytes (a larger single event
/// makes a batch of its own).
pub const IMPORT_BATCH_TARGET_BYTES: usize = 2 * 1024 * 1024;

/// Returns the batches to store for an import into session `session_id`, window by window,
/// `seq` counting from 0 in each window. Every batch holds at least one event.
pub fn import_batches(
    windows: Vec<ImportedWindow>,
    meta: &ImportedMetadata,
    session_id: &str,
) -> Vec<IngestBatch> {
    let visit_times: BTreeSet<i64> = meta.urls.iter().map(|v| v.at_ms).collect();
    let mut batches: Vec<IngestBatch> = Vec::new();
    for window in windows {
        let mut events: Vec<Box<RawValue>> = Vec::new();
        let mut heads: Vec<EventHead> = Vec::new();
        let mut bytes = 0usize;
        let mut seq = 0u32;
        let all_heads = window.heads.clone();
        for (i, (event, head)) in window.events.into_iter().zip(window.heads).enumerate() {
            bytes += event.get().len();
            events.push(event);
            heads.push(head);
            let next = all_heads.get(i + 1);
            if next.is_none()
                || events.len() >= IMPORT_BATCH_MAX_EVENTS
                || bytes >= IMPORT_BATCH_TARGET_BYTES
                || ends_visit(&visit_times, head, next)
            {
                batches.push(IngestBatch {
                    session_id: session_id.to_string(),
                    window_id: window.window_id.clone(),
                    seq,
                    meta: BatchMeta::default(),
                    events: std::mem::take(&mut events),
                    heads: std::mem::take(&mut heads),
                });
                seq += 1;
                bytes = 0;
            }
        }
    }
    let last = batches.len().saturating_sub(1);
    for (i, batch) in batches.iter_mut().enumerate() {
        let (events, _) = scrub_events(std::mem::take(&mut batch.events));
        batch.events = events;
        batch.meta = batch_meta(meta, batch, i == 0, i == last);
    }
    batches
}

/// Whether a batch should end after this event: it is the last event at the time of a page
/// visit, so the batch's end time is that visit's time.
fn ends_visit(visit_times: &BTreeSet<i64>, head: EventHead, next: Option<&EventHead>) -> bool {
    visit_times.contains(&head.timestamp) && next.is_none_or(|n| n.timestamp != head.timestamp)
}

fn batch_meta(meta: &ImportedMetadata, batch: &IngestBatch, first: bool, last: bool) -> BatchMeta {
    let last_ts = batch.heads.iter().map(|h| h.timestamp).max().unwrap_or(0);
    let url = meta
        .urls
        .iter()
        .rev()
        .find(|v| v.at_ms <= last_ts)
        .map(|v| scrubbed(&v.url));
    let mut out = BatchMeta {
        url,
        viewport: if last { meta.viewport } else { None },
        ..BatchMeta::default()
    };
    if first {
        out.user_id.clone_from(&meta.user_id);
        out.user_email.clone_from(&meta.user_email);
        out.user_name.clone_from(&meta.user_name);
        out.user_agent.clone_from(&meta.user_agent);
        out.sdk.clone_from(&meta.sdk);
        out.referrer = meta.referrer.as_deref().map(scrubbed);
        out.previous_session_id
            .clone_from(&meta.previous_session_id);
        out.tags.clone_from(&meta.tags);
        out.dropped_batches = meta.dropped_batches;
    }
    out
}

fn scrubbed(text: &str) -> String {
    match scrub_text(text) {
        Cow::Borrowed(same) => same.to_string(),
        Cow::Owned(masked) => masked,
    }
}
