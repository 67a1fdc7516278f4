//! `GET /api/v1/sessions/{id}/timeline[?window=W]`: the session's timeline entries (extracted on
//! ingest), rage clicks, notes and inactive spans, on the player clock (docs/API.md "Timeline").
//! The answer is computed in `core::timeline::build_timeline`.

use axum::Json;
use axum::extract::{Path, Query, State};
use serde::Deserialize;
use tapedeck_core::timeline::sealing::open_data;
use tapedeck_core::timeline::{
    MAX_ENTRIES_PER_ANSWER, NoteEntry, Timeline, TimelineInput, build_timeline,
};
use tapedeck_store::stored_windows;

use crate::auth::session::AuthUser;
use crate::error::ApiError;
use crate::sessions::{blob_owner, readable_session};
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct TimelineQuery {
    window: Option<String>,
}

pub async fn session_timeline(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(id): Path<String>,
    Query(query): Query<TimelineQuery>,
) -> Result<Json<Timeline>, ApiError> {
    let window = query.window.as_deref();
    if let Some(window) = window
        && !tapedeck_core::ids::is_valid_client_id(window)
    {
        return Err(ApiError::InvalidQuery("`window` is not a window id".into()));
    }
    let session = readable_session(&state, &auth, &id).await?;
    if let Some(window) = window {
        let windows = stored_windows(state.meta.as_ref(), &id).await?;
        if !windows.iter().any(|w| w.window_id == window) {
            return Err(ApiError::NotFound);
        }
    }
    let meta = state.meta.as_ref();
    // One more than the cap says whether there are more.
    let limit = MAX_ENTRIES_PER_ANSWER as u32 + 1;
    let mut entries = meta.timeline_entries(&id, window, limit).await?;
    let more_entries = entries.len() > MAX_ENTRIES_PER_ANSWER;
    entries.truncate(MAX_ENTRIES_PER_ANSWER);
    let sealer = state
        .recordings
        .sealer(&blob_owner(&state, &session).await?)
        .await?;
    for entry in &mut entries {
        let data = std::mem::take(&mut entry.data);
        entry.data = open_data(data, sealer.as_ref()).map_err(|e| {
            tracing::error!(session.id = %id, error = %e, "a timeline entry does not open");
            ApiError::Internal
        })?;
    }
    let activity = meta.activity(&id, window).await?;
    let notes = meta
        .notes(&id)
        .await?
        .into_iter()
        .map(|note| NoteEntry {
            id: note.id,
            at: note.at_ms,
            text: note.text,
            author_email: note.author.map(|a| a.email),
        })
        .collect();
    Ok(Json(build_timeline(TimelineInput {
        session_id: session.id,
        start_ms: session.summary.started_at_ms,
        end_ms: session.summary.ended_at_ms,
        entries,
        more_entries,
        notes,
        activity,
    })))
}
