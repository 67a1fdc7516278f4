//! Sessions: the list (keyset-paginated, newest first), one session, and its events.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use futures::{StreamExt, TryStreamExt};
use serde::{Deserialize, Serialize};
use serde_json::json;
use serde_json::value::RawValue;
use tapedeck_core::chunks;
use tapedeck_store::{BlobOwner, SessionQuery, SessionRecord};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::auth::session::AuthUser;
use crate::error::ApiError;
use crate::json_array::push_joined;
use crate::state::AppState;

const DEFAULT_PAGE: u32 = 50;
const MAX_PAGE: u32 = 200;
/// Largest decoded segment read back; segments are written far below this.
const MAX_SEGMENT_DECODED_BYTES: usize = 64 * 1024 * 1024;
/// How many segment blobs are fetched at once.
const SEGMENT_FETCH_CONCURRENCY: usize = 8;

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    limit: Option<u32>,
    cursor: Option<String>,
}

#[derive(Debug, Serialize)]
struct SessionsPage {
    sessions: Vec<serde_json::Value>,
    next_cursor: Option<String>,
}

pub async fn list_sessions(
    State(state): State<AppState>,
    auth: AuthUser,
    Query(query): Query<ListQuery>,
) -> Result<Response, ApiError> {
    let limit = query.limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(ApiError::InvalidQuery(format!(
            "`limit` must be from 1 to {MAX_PAGE}"
        )));
    }
    let after = query.cursor.as_deref().map(decode_cursor).transpose()?;
    let records = state
        .meta
        .list_sessions(&SessionQuery {
            organization_ids: auth.organization_ids(),
            after,
            limit: limit + 1,
        })
        .await?;
    let has_more = records.len() > limit as usize;
    let page: Vec<_> = records.into_iter().take(limit as usize).collect();
    let next_cursor = has_more
        .then(|| {
            page.last()
                .map(|s| format!("{}.{}", s.summary.started_at_ms, s.id))
        })
        .flatten();
    let sessions = page.iter().map(|s| session_json(s, None)).collect();
    Ok(Json(SessionsPage {
        sessions,
        next_cursor,
    })
    .into_response())
}

fn decode_cursor(cursor: &str) -> Result<(i64, String), ApiError> {
    let bad = || ApiError::InvalidQuery("`cursor` is not one this server gave out".into());
    let (started, id) = cursor.split_once('.').ok_or_else(bad)?;
    let started = started.parse::<i64>().map_err(|_| bad())?;
    if !tapedeck_core::ids::is_valid_client_id(id) {
        return Err(bad());
    }
    Ok((started, id.to_string()))
}

pub async fn get_session(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let session = readable_session(&state, &auth, &id).await?;
    let windows = window_ids(&state.meta.segments(&id).await?);
    Ok(Json(session_json(&session, Some(windows))))
}

#[derive(Debug, Deserialize)]
pub struct EventsQuery {
    window: Option<String>,
}

pub async fn session_events(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(id): Path<String>,
    Query(query): Query<EventsQuery>,
) -> Result<Response, ApiError> {
    let session = readable_session(&state, &auth, &id).await?;
    let owner = blob_owner(&state, &session).await?;
    let segments = state.meta.segments(&id).await?;
    let windows = window_ids(&segments);
    let window = match query.window {
        Some(w) if windows.contains(&w) => w,
        Some(_) => return Err(ApiError::NotFound),
        None => windows.first().cloned().ok_or(ApiError::NotFound)?,
    };
    let keys: Vec<String> = segments
        .into_iter()
        .filter(|s| s.window_id == window)
        .map(|s| s.blob_key)
        .collect();
    let recordings = &state.recordings;
    let owner = &owner;
    let arrays: Vec<Vec<u8>> = futures::stream::iter(keys)
        .map(|key: String| async move {
            let compressed = recordings.get_opened(owner, &key).await?;
            decode_segment(&compressed).map_err(|e| {
                tracing::error!(blob.key = %key, error = %e, "a stored segment does not decode");
                ApiError::Internal
            })
        })
        .buffered(SEGMENT_FETCH_CONCURRENCY)
        .try_collect()
        .await?;
    let head = json!({ "session_id": id, "window_id": window, "windows": windows });
    let body = events_body(&head, &arrays)?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// Builds `{…head, "events": [...]}` from the segments' JSON arrays. Segments are spliced as
/// bytes, without parsing the events again; only when the recorder had to split an event into
/// chunks are the events parsed, so the chunks can be joined back into that event.
fn events_body(head: &serde_json::Value, arrays: &[Vec<u8>]) -> Result<Vec<u8>, ApiError> {
    let mut body = serde_json::to_vec(head).map_err(|_| ApiError::Internal)?;
    body.pop(); // the closing brace
    body.extend_from_slice(b",\"events\":[");
    if arrays.iter().any(|a| chunks::may_contain_chunks(a)) {
        let mut events: Vec<Box<RawValue>> = Vec::new();
        for array in arrays {
            let parsed: Vec<Box<RawValue>> = serde_json::from_slice(array).map_err(|e| {
                tracing::error!(error = %e, "a stored segment is not a JSON array");
                ApiError::Internal
            })?;
            events.extend(parsed);
        }
        let (events, report) = chunks::reassemble(events);
        if report.incomplete > 0 {
            tracing::warn!(
                incomplete = report.incomplete,
                "chunked events with missing parts were left out"
            );
        }
        push_joined(&mut body, events.iter().map(|e| e.get().as_bytes()));
    } else {
        let inner = arrays
            .iter()
            .map(|a| {
                a.strip_prefix(b"[")
                    .and_then(|a| a.strip_suffix(b"]"))
                    .unwrap_or_default()
            })
            .filter(|inner| !inner.is_empty());
        push_joined(&mut body, inner);
    }
    body.extend_from_slice(b"]}");
    Ok(body)
}

fn decode_segment(compressed: &[u8]) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut out = Vec::new();
    zstd::stream::read::Decoder::new(compressed)?
        .take(MAX_SEGMENT_DECODED_BYTES as u64)
        .read_to_end(&mut out)?;
    Ok(out)
}

/// Loads a session the user may read; another organization's session is "not found", so ids
/// cannot be probed across tenants.
async fn readable_session(
    state: &AppState,
    auth: &AuthUser,
    id: &str,
) -> Result<SessionRecord, ApiError> {
    match state.meta.session(id).await? {
        Some(session) if auth.can_read_org(&session.organization_id) => Ok(session),
        _ => Err(ApiError::NotFound),
    }
}

/// Where a session's bytes live and which key opens them: its project's region and organization.
async fn blob_owner(state: &AppState, session: &SessionRecord) -> Result<BlobOwner, ApiError> {
    let project = state
        .meta
        .project_by_id(&session.project_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(BlobOwner::of(&project))
}

fn window_ids(segments: &[tapedeck_store::SegmentRecord]) -> Vec<String> {
    let mut windows: Vec<String> = Vec::new();
    for segment in segments {
        if windows.last() != Some(&segment.window_id) {
            windows.push(segment.window_id.clone());
        }
    }
    windows
}

fn rfc3339(ms: i64) -> Option<String> {
    OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000)
        .ok()?
        .format(&Rfc3339)
        .ok()
}

/// The JSON shape of a session (docs/API.md `Session`).
fn session_json(s: &SessionRecord, windows: Option<Vec<String>>) -> serde_json::Value {
    let summary = &s.summary;
    let urls: Vec<_> = summary
        .urls
        .iter()
        .map(|v| json!({ "url": v.url, "at": rfc3339(v.at_ms) }))
        .collect();
    let mut value = json!({
        "id": s.id,
        "project_id": s.project_id,
        "organization_id": s.organization_id,
        "user_id": summary.user_id,
        "user_email": summary.user_email,
        "user_name": summary.user_name,
        "started_at": rfc3339(summary.started_at_ms),
        "ended_at": rfc3339(summary.ended_at_ms),
        "duration": summary.duration_secs(),
        "event_count": summary.event_count,
        "page_views": summary.page_views(),
        "first_url": summary.first_url(),
        "urls": urls,
        "status": s.status,
        "tags": summary.tags,
        "browser": summary.browser.parsed.browser,
        "browser_version": summary.browser.parsed.browser_version,
        "os": summary.browser.parsed.os,
        "device_type": summary.browser.parsed.device_type,
        "viewport": summary.viewport,
        "user_agent": summary.browser.user_agent,
        "storage_size_bytes": s.storage_size_bytes,
        "metadata": s.metadata,
        "created_at": rfc3339(s.created_at_ms),
        "updated_at": rfc3339(s.updated_at_ms),
    });
    if let Some(windows) = windows {
        value["windows"] = json!(windows);
    }
    value
}
