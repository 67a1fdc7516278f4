//! Tags on sessions (docs/API.md "Tags"): `PUT /api/v1/sessions/{id}/tags` changes one
//! session's tags, `POST /api/v1/sessions/tags` many sessions' at once. Members, admins and
//! owners tag; every request that changed something is audited once per organization
//! (`session.tag`).

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use serde_json::{Value, json};
use tapedeck_core::limits::MAX_TAGS;
use tapedeck_core::policy::Action;
use tapedeck_core::session_tags::{TagChange, check_bulk_tag_change, check_tag_change};
use tapedeck_store::{TagUpdate, TaggedSession};

use crate::audit::{self, AuditAction};
use crate::auth::session::{AuthUser, require_same_origin};
use crate::error::ApiError;
use crate::json_body::JsonBody;
use crate::sessions::readable_session;
use crate::state::AppState;

pub async fn update_tags(
    State(state): State<AppState>,
    auth: AuthUser,
    headers: HeaderMap,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<Value>,
) -> Result<Json<Value>, ApiError> {
    require_same_origin(&headers)?;
    let session = readable_session(&state, &auth, &id).await?;
    let org = session.organization_id;
    auth.require(&org, Action::Annotate)?;
    let change = check_tag_change(&body).map_err(|e| ApiError::InvalidRequest(e.to_string()))?;
    let update = state
        .meta
        .update_session_tags(std::slice::from_ref(&org), &[id], &change, state.now_ms())
        .await?;
    let tagged = updated_sessions(update)?;
    let session = tagged.first().ok_or(ApiError::NotFound)?;
    audit_change(&state, &auth, &headers, &change, &tagged).await?;
    Ok(Json(json!({ "tags": session.tags })))
}

/// Tags many sessions: those of the ids found in organizations where the caller may tag; the
/// others are skipped, so `updated` may be less than the ids sent.
pub async fn bulk_update_tags(
    State(state): State<AppState>,
    auth: AuthUser,
    headers: HeaderMap,
    JsonBody(body): JsonBody<Value>,
) -> Result<Json<Value>, ApiError> {
    require_same_origin(&headers)?;
    let (session_ids, change) =
        check_bulk_tag_change(&body).map_err(|e| ApiError::InvalidRequest(e.to_string()))?;
    let writable = auth.organizations_allowing(Action::Annotate);
    if writable.is_empty() {
        return Err(ApiError::Forbidden);
    }
    let update = state
        .meta
        .update_session_tags(&writable, &session_ids, &change, state.now_ms())
        .await?;
    let tagged = updated_sessions(update)?;
    audit_change(&state, &auth, &headers, &change, &tagged).await?;
    Ok(Json(json!({ "updated": tagged.len() })))
}

fn updated_sessions(update: TagUpdate) -> Result<Vec<TaggedSession>, ApiError> {
    match update {
        TagUpdate::Updated(sessions) => Ok(sessions),
        TagUpdate::TooManyTags { session_id } => Err(ApiError::InvalidRequest(format!(
            "`add` would give session {session_id} more than {MAX_TAGS} tags; nothing was changed"
        ))),
    }
}

/// One `session.tag` entry per organization whose sessions changed (one in all but a bulk
/// change across organizations: each organization's log names only its own sessions).
async fn audit_change(
    state: &AppState,
    auth: &AuthUser,
    headers: &HeaderMap,
    change: &TagChange,
    tagged: &[TaggedSession],
) -> Result<(), ApiError> {
    let mut by_org: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for session in tagged {
        by_org
            .entry(&session.organization_id)
            .or_default()
            .push(&session.id);
    }
    for (org, ids) in by_org {
        let target = match ids.as_slice() {
            [one] => format!("session:{one}"),
            _ => "sessions".to_string(),
        };
        let action = AuditAction {
            organization_id: org,
            actor: auth.actor(),
            action: "session.tag",
            target,
            details: json!({
                "count": ids.len(),
                "sessions": ids,
                "add": change.add,
                "remove": change.remove,
            }),
        };
        audit::record(state, headers, action).await?;
    }
    Ok(())
}
