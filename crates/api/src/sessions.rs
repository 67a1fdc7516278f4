//! Sessions: one session and its events (the list: `session_list.rs`).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use serde_json::value::RawValue;
use tapedeck_core::recording::{event_head, parse_range_query};
use tapedeck_store::{BlobOwner, SessionRecord, TimeRange, read_session_window, stored_windows};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::audit::{self, AuditAction};
use crate::auth::session::AuthUser;
use crate::error::ApiError;
use crate::json_array::push_joined;
use crate::state::AppState;

/// `GET /api/v1/sessions/{id}`: the session's metadata. The player asks once per opening, so
/// this is where a view is audited (`session.view`); the range reads of its events are not.
pub async fn get_session(
    State(state): State<AppState>,
    auth: AuthUser,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let session = readable_session(&state, &auth, &id).await?;
    let view = AuditAction {
        organization_id: &session.organization_id,
        actor: auth.actor(),
        action: "session.view",
        target: format!("session:{id}"),
        details: json!({}),
    };
    audit::record(&state, &headers, view).await?;
    let windows = stored_windows(state.meta.as_ref(), &id).await?;
    let windows = windows.into_iter().map(|w| w.window_id).collect();
    Ok(Json(session_json(&session, Some(windows))))
}

/// `?window=W&from=MS&after=MS&to=MS`, read as text so every bad value answers `invalid_query`.
#[derive(Debug, Deserialize)]
pub struct EventsQuery {
    window: Option<String>,
    from: Option<String>,
    after: Option<String>,
    to: Option<String>,
}

/// `GET /api/v1/sessions/{id}/events`: the events of one window the player needs to render
/// `[from, to]` (docs/API.md): from the keyframe at or before `from` through `to`; or, with
/// `after`, the events after a range already held through `to`.
pub async fn session_events(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(id): Path<String>,
    Query(query): Query<EventsQuery>,
) -> Result<Response, ApiError> {
    let range = parse_range_query(
        query.from.as_deref(),
        query.after.as_deref(),
        query.to.as_deref(),
    )
    .map_err(ApiError::InvalidQuery)?;
    if let Some(window) = &query.window
        && !tapedeck_core::ids::is_valid_client_id(window)
    {
        return Err(ApiError::InvalidQuery("`window` is not a window id".into()));
    }
    let session = readable_session(&state, &auth, &id).await?;
    let owner = blob_owner(&state, &session).await?;
    let start_ms = session.summary.started_at_ms;
    let (from_ms, to_ms) = range.absolute(start_ms);
    let read = read_session_window(
        state.meta.as_ref(),
        &state.recordings,
        &owner,
        &id,
        query.window.as_deref(),
        TimeRange {
            from_ms,
            after_ms: range.absolute_after(start_ms),
            to_ms,
        },
    )
    .await?
    .ok_or(ApiError::NotFound)?;
    let events = &read.events;
    let offset = |e: Option<&Box<RawValue>>| {
        e.and_then(|e| event_head(e))
            .map(|h| h.timestamp - start_ms)
    };
    let first_ms = offset(events.events.first());
    let head = json!({
        "session_id": id,
        "window_id": read.window_id,
        "windows": read.windows,
        "range": {
            "from": range.from_ms,
            "to": range.to_ms,
            "start_ms": first_ms,
            "keyframe_ms": first_ms.filter(|_| events.keyframe),
            "end_ms": offset(events.events.last()),
            "has_more": events.has_more,
        },
    });
    let mut body = serde_json::to_vec(&head).map_err(|_| ApiError::Internal)?;
    body.pop(); // the closing brace
    body.extend_from_slice(b",\"events\":[");
    push_joined(&mut body, events.events.iter().map(|e| e.get().as_bytes()));
    body.extend_from_slice(b"]}");
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// Loads a session the user may read; another organization's session is "not found", so ids
/// cannot be probed across tenants.
pub(crate) async fn readable_session(
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
pub(crate) async fn blob_owner(
    state: &AppState,
    session: &SessionRecord,
) -> Result<BlobOwner, ApiError> {
    let project = state
        .meta
        .project_by_id(&session.project_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(BlobOwner::of(&project))
}

pub(crate) fn rfc3339(ms: i64) -> Option<String> {
    OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000)
        .ok()?
        .format(&Rfc3339)
        .ok()
}

/// The JSON shape of a session (docs/API.md `Session`).
pub(crate) fn session_json(s: &SessionRecord, windows: Option<Vec<String>>) -> serde_json::Value {
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
