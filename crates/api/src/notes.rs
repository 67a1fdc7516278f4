//! Notes on a session at a moment of its replay: `GET/POST /api/v1/sessions/{id}/notes` and
//! `DELETE /api/v1/sessions/{id}/notes/{note_id}` (docs/API.md "Notes"). Anyone who may read the
//! session reads its notes; members, admins and owners write them; a note is deleted by its
//! author or an owner or admin.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use serde_json::{Value, json};
use tapedeck_core::notes::check_note;
use tapedeck_core::policy::Action;
use tapedeck_store::{NewNote, Note};

use crate::auth::session::{AuthUser, require_same_origin};
use crate::error::ApiError;
use crate::json_body::JsonBody;
use crate::sessions::{readable_session, rfc3339};
use crate::state::AppState;

/// The JSON shape of a note.
fn note_json(note: &Note) -> Value {
    json!({
        "id": note.id,
        "session_id": note.session_id,
        "at": note.at_ms,
        "text": note.text,
        "author": note.author.as_ref().map(|a| json!({ "id": a.id, "email": a.email })),
        "created_at": rfc3339(note.created_at_ms),
    })
}

pub async fn list_notes(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    readable_session(&state, &auth, &id).await?;
    let notes = state.meta.notes(&id).await?;
    Ok(Json(
        json!({ "notes": notes.iter().map(note_json).collect::<Vec<_>>() }),
    ))
}

pub async fn create_note(
    State(state): State<AppState>,
    auth: AuthUser,
    headers: HeaderMap,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<Value>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    require_same_origin(&headers)?;
    let session = readable_session(&state, &auth, &id).await?;
    auth.require(&session.organization_id, Action::Annotate)?;
    let at = body["at"].as_i64().ok_or_else(|| {
        ApiError::InvalidRequest("`at` must be an integer number of milliseconds".into())
    })?;
    let text = body["text"]
        .as_str()
        .ok_or_else(|| ApiError::InvalidRequest("`text` must be a string".into()))?;
    let input = check_note(at, text).map_err(|e| ApiError::InvalidRequest(e.to_string()))?;
    let note = NewNote {
        id: uuid::Uuid::now_v7().to_string(),
        session_id: session.id,
        author_id: auth.user.id.clone(),
        at_ms: input.at_ms,
        text: input.text,
        created_at_ms: state.now_ms(),
    };
    let note = state.meta.create_note(&note).await?;
    Ok((StatusCode::CREATED, Json(note_json(&note))))
}

pub async fn delete_note(
    State(state): State<AppState>,
    auth: AuthUser,
    headers: HeaderMap,
    Path((id, note_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    require_same_origin(&headers)?;
    let session = readable_session(&state, &auth, &id).await?;
    let note = state
        .meta
        .note(&id, &note_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let is_author = note.author.is_some_and(|a| a.id == auth.user.id);
    // Authors remove their own notes; removing someone else's is moderation.
    let needed = if is_author {
        Action::Annotate
    } else {
        Action::ModerateAnnotations
    };
    auth.require(&session.organization_id, needed)?;
    if !state.meta.delete_note(&id, &note_id).await? {
        return Err(ApiError::NotFound);
    }
    Ok(StatusCode::NO_CONTENT)
}
