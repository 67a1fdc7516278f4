//! `POST /api/v1/ingest`: the recorder's way in (SPEC §3). The handler authenticates the project,
//! reads the body under a hard cap, decodes and validates it off the async runtime, writes the
//! events durably to the blob store, then commits the metadata. Only then does it answer 2xx.

pub mod cors;
mod decode;
pub mod rate_limit;

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use axum::response::Response;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde::Deserialize;
use std::borrow::Cow;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tapedeck_core::limits::{MAX_BATCH_COMPRESSED_BYTES, MAX_BATCH_DECODED_BYTES};

use tapedeck_core::scrub::{scrub_events, scrub_text};
use tapedeck_core::timeline::sealing::seal_entries;
use tapedeck_core::{BatchFacts, IngestBatch, extract_facts, parse_batch};
use tapedeck_store::{
    BlobOwner, JOB_COMPACT, LiveIngestKey, NewSegment, Project, SegmentOutcome, StoreError,
};

use crate::error::ApiError;
use crate::json_array::push_joined;
use crate::metrics::IngestOutcome;
use crate::state::AppState;
use cors::{origin_allowed, with_cors};
use decode::{DecodeError, decode_body};

/// Header carrying the project's ingest key.
pub const PROJECT_HEADER: &str = "x-tapedeck-project";
/// Level of the zstd compression of stored segments (fast; compaction recompresses harder).
const SEGMENT_ZSTD_LEVEL: i32 = 3;

#[derive(Debug, Deserialize)]
pub struct ProjectQuery {
    pub project: Option<String>,
}

/// Finds the live ingest key of a recorder request (header, or `?project=`) with its project.
/// A retired key is as unknown as one that never existed.
pub async fn project_of(
    state: &AppState,
    headers: &HeaderMap,
    query: &ProjectQuery,
) -> Result<LiveIngestKey, ApiError> {
    let key = headers
        .get(PROJECT_HEADER)
        .and_then(|v| v.to_str().ok())
        .or(query.project.as_deref())
        .filter(|k| !k.is_empty() && k.len() <= 128)
        .ok_or(ApiError::UnknownProject)?;
    state
        .meta
        .project_by_ingest_key(key, state.now_ms())
        .await?
        .ok_or(ApiError::UnknownProject)
}

pub async fn ingest(
    State(state): State<AppState>,
    Query(query): Query<ProjectQuery>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let started = std::time::Instant::now();
    // `/metrics` counts the body bytes actually read, as sent (a refused request may read none,
    // a chunked one has no length up front).
    let received = Arc::new(AtomicU64::new(0));
    let body = Body::new(body.map_frame({
        let received = received.clone();
        move |frame| {
            if let Some(data) = frame.data_ref() {
                received.fetch_add(data.len() as u64, Ordering::Relaxed);
            }
            frame
        }
    }));
    let outcome = ingest_batch(&state, &query, &headers, body).await;
    state.metrics.ingest.record(
        IngestOutcome::of(&outcome),
        received.load(Ordering::Relaxed),
        started.elapsed(),
    );
    with_cors(
        &headers,
        outcome.map(|status| Json(serde_json::json!({ "status": status }))),
    )
}

async fn ingest_batch(
    state: &AppState,
    query: &ProjectQuery,
    headers: &HeaderMap,
    body: Body,
) -> Result<&'static str, ApiError> {
    let LiveIngestKey { project, key } = project_of(state, headers, query).await?;
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    if !origin_allowed(&project, origin) {
        return Err(ApiError::OriginNotAllowed);
    }
    // Before the body is read: a refused batch costs the server next to nothing, and is not
    // acknowledged, so the recorder keeps it and sends it again after `Retry-After`.
    let limit = key
        .rate_limit_per_minute
        .unwrap_or(state.config.ingest_rate_limit_per_minute);
    state
        .ingest_limiter
        .check(&key.id, limit, state.now_ms())
        .map_err(|retry| ApiError::RateLimited {
            retry_after_secs: retry.whole_secs(),
        })?;
    let body = read_capped_body(headers, body).await?;
    let encoding = headers
        .get(header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let permit = state
        .decode_permits
        .clone()
        .acquire_owned()
        .await
        .map_err(|_| ApiError::Internal)?;
    let mut prepared = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        prepare(&body, encoding.as_deref())
    })
    .await
    .map_err(|_| ApiError::Internal)??;

    let meta = &state.meta;
    if meta
        .segment_exists(
            &prepared.batch.session_id,
            &prepared.batch.window_id,
            prepared.batch.seq,
        )
        .await?
    {
        return Ok("duplicate");
    }
    let blob_key = segment_blob_key(&project, &prepared.batch);
    let owner = BlobOwner::of(&project);
    seal_timeline(state, &owner, &mut prepared.facts).await?;
    let size_bytes = state
        .recordings
        .put_sealed(&owner, &blob_key, &prepared.stored)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, blob.key = %blob_key, "writing an ingest batch failed");
            ApiError::StorageUnavailable
        })? as i64;
    let segment = NewSegment {
        project,
        session_id: prepared.batch.session_id.clone(),
        window_id: prepared.batch.window_id.clone(),
        seq: prepared.batch.seq,
        blob_key,
        size_bytes,
        received_at_ms: state.now_ms(),
    };
    match meta
        .store_segment(&segment, &prepared.facts, &prepared.batch.meta)
        .await
    {
        Ok(SegmentOutcome::Stored) => {
            tracing::debug!(session.id = %segment.session_id, seq = segment.seq, size_bytes, "batch stored");
            if prepared.batch.meta.stopped {
                // Compact now rather than after the idle time. The batch is stored already, so
                // a failure here only delays compaction to the idle sweep.
                let now = state.now_ms();
                if let Err(e) = meta
                    .enqueue_job(JOB_COMPACT, &segment.session_id, now, now)
                    .await
                {
                    tracing::warn!(error = %e, session.id = %segment.session_id, "enqueueing compaction failed");
                }
            }
            Ok("stored")
        }
        Ok(SegmentOutcome::Duplicate) => Ok("duplicate"),
        Err(StoreError::Conflict(_)) => Err(ApiError::InvalidBatch(
            "field `session_id` belongs to a session of another project".into(),
        )),
        Err(e) => Err(e.into()),
    }
}

/// Reads the request body, refusing it as soon as it passes the compressed-size cap.
async fn read_capped_body(headers: &HeaderMap, body: Body) -> Result<Bytes, ApiError> {
    let too_large = || {
        ApiError::BatchTooLarge(format!(
            "the body is larger than {MAX_BATCH_COMPRESSED_BYTES} bytes as sent"
        ))
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    if declared.is_some_and(|len| len > MAX_BATCH_COMPRESSED_BYTES) {
        return Err(too_large());
    }
    match Limited::new(body, MAX_BATCH_COMPRESSED_BYTES)
        .collect()
        .await
    {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.is::<LengthLimitError>() => Err(too_large()),
        Err(_) => Err(ApiError::InvalidRequest(
            "the request body could not be read".into(),
        )),
    }
}

/// A batch ready to store: validated, its facts read, its events compressed for the blob store.
struct PreparedBatch {
    batch: IngestBatch,
    facts: BatchFacts,
    stored: Bytes,
}

fn prepare(body: &[u8], encoding: Option<&str>) -> Result<PreparedBatch, ApiError> {
    let decoded = decode_body(body, encoding, MAX_BATCH_DECODED_BYTES).map_err(|e| match e {
        DecodeError::TooLarge { limit_bytes } => {
            ApiError::BatchTooLarge(format!("the body decodes to more than {limit_bytes} bytes"))
        }
        DecodeError::Corrupt(why) => {
            ApiError::InvalidJson(format!("the compressed body does not decode: {why}"))
        }
        DecodeError::Unsupported(encoding) => ApiError::UnsupportedEncoding(encoding),
    })?;
    let mut batch = parse_batch(&decoded)?;
    scrub_batch(&mut batch);
    // After the scrub: the timeline entries in the facts hold nothing it masked.
    let facts = extract_facts(&batch);
    if facts.timeline.dropped > 0 {
        tracing::debug!(
            session.id = %batch.session_id,
            dropped = facts.timeline.dropped,
            "a batch had more timeline entries than are kept"
        );
    }
    let stored = compress_segment(&batch)?;
    Ok(PreparedBatch {
        batch,
        facts,
        stored: Bytes::from(stored),
    })
}

/// The server's second privacy layer: masks personal data in the events and page URLs before
/// anything is stored (SPEC §5), whatever the recorder already masked.
fn scrub_batch(batch: &mut IngestBatch) {
    let (events, report) = scrub_events(std::mem::take(&mut batch.events));
    batch.events = events;
    for url in [&mut batch.meta.url, &mut batch.meta.referrer]
        .into_iter()
        .flatten()
    {
        if let Cow::Owned(masked) = scrub_text(url) {
            *url = masked;
        }
    }
    if report.total() > 0 {
        tracing::debug!(
            masked = report.total(),
            events_changed = report.events_changed,
            "scrubbed personal data from a batch"
        );
    }
}

/// Where a batch's segment blob lives (docs/FORMAT.md); import stores under the same layout.
pub(crate) fn segment_blob_key(project: &Project, batch: &IngestBatch) -> String {
    format!(
        "recordings/{}/{}/{}/{:010}.json.zst",
        project.id, batch.session_id, batch.window_id, batch.seq
    )
}

/// The segment blob of a batch (before sealing): its events as one zstd-compressed JSON array.
pub(crate) fn compress_segment(batch: &IngestBatch) -> Result<Vec<u8>, ApiError> {
    zstd::encode_all(&events_json(batch)[..], SEGMENT_ZSTD_LEVEL).map_err(|e| {
        tracing::error!(error = %e, "compressing a batch failed");
        ApiError::Internal
    })
}

/// Seals the timeline details of a batch's facts before they are stored: they are recording
/// content, sealed like the blob (docs/SECURITY.md). Every path that stores facts calls this.
pub(crate) async fn seal_timeline(
    state: &AppState,
    owner: &BlobOwner,
    facts: &mut BatchFacts,
) -> Result<(), ApiError> {
    let sealer = state.recordings.sealer(owner).await.map_err(|e| {
        tracing::error!(error = %e, "the organization's data key is unavailable");
        ApiError::StorageUnavailable
    })?;
    seal_entries(&mut facts.timeline.entries, sealer.as_ref());
    Ok(())
}

/// The batch's events as one JSON array, each event's bytes as parsed (and scrubbed).
fn events_json(batch: &IngestBatch) -> Vec<u8> {
    let mut out = Vec::with_capacity(
        batch
            .events
            .iter()
            .map(|e| e.get().len() + 1)
            .sum::<usize>()
            + 2,
    );
    out.push(b'[');
    push_joined(&mut out, batch.events.iter().map(|e| e.get().as_bytes()));
    out.push(b']');
    out
}
