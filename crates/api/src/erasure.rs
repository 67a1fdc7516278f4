//! Deleting recordings: one session (`DELETE /api/v1/sessions/{id}`) and everything of one end
//! user (`DELETE /api/v1/end-users/{user_id}/data`, GDPR/CCPA erasure). Both need a role that
//! manages the organization, and both are audited.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use serde_json::json;
use tapedeck_core::policy::Action;
use tapedeck_store::erase::erase_session;

use crate::audit::{self, AuditAction};
use crate::auth::session::{AuthUser, require_same_origin};
use crate::error::ApiError;
use crate::sessions::readable_session;
use crate::state::AppState;

/// Longest end-user id accepted in a path (the SDK's `identify` caps ids shorter).
const MAX_END_USER_ID_CHARS: usize = 256;

pub async fn delete_session(
    State(state): State<AppState>,
    auth: AuthUser,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    require_same_origin(&headers)?;
    let session = readable_session(&state, &auth, &id).await?;
    auth.require(&session.organization_id, Action::DeleteRecording)?;
    let erased = erase_session(state.meta.as_ref(), &state.recordings, &session).await?;
    if erased.rows_deleted {
        let action = AuditAction {
            organization_id: &session.organization_id,
            actor: auth.actor(),
            action: "session.delete",
            target: format!("session:{}", session.id),
            details: json!({ "project_id": session.project_id, "blobs_deleted": erased.blobs_deleted }),
        };
        audit::record(&state, &headers, action).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Erases every session of one end user in each organization the caller manages.
pub async fn erase_end_user(
    State(state): State<AppState>,
    auth: AuthUser,
    headers: HeaderMap,
    Path(user_id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    require_same_origin(&headers)?;
    check_end_user_id(&user_id)?;
    let managed = managed_organizations(&auth)?;
    let (mut sessions_deleted, mut blobs_deleted) = (0, 0);
    for org in &managed {
        let sessions = state.meta.end_user_sessions(org, &user_id).await?;
        let mut ids = Vec::new();
        for session in &sessions {
            let erased = erase_session(state.meta.as_ref(), &state.recordings, session).await?;
            blobs_deleted += erased.blobs_deleted;
            if erased.rows_deleted {
                ids.push(session.id.clone());
            }
        }
        sessions_deleted += ids.len();
        let action = AuditAction {
            organization_id: org,
            actor: auth.actor(),
            action: "end_user.erase",
            target: format!("end_user:{user_id}"),
            details: json!({ "sessions": ids }),
        };
        audit::record(&state, &headers, action).await?;
    }
    Ok(Json(json!({
        "user_id": user_id,
        "sessions_deleted": sessions_deleted,
        "blobs_deleted": blobs_deleted,
    })))
}

/// The organizations whose end users' data the caller may erase or export (owner, admin);
/// `403 forbidden` when there is none.
pub fn managed_organizations(auth: &AuthUser) -> Result<Vec<String>, ApiError> {
    let managed = auth.organizations_allowing(Action::ManageEndUserData);
    if managed.is_empty() {
        return Err(ApiError::Forbidden);
    }
    Ok(managed)
}

pub fn check_end_user_id(user_id: &str) -> Result<(), ApiError> {
    if user_id.is_empty() || user_id.chars().count() > MAX_END_USER_ID_CHARS {
        return Err(ApiError::InvalidRequest(format!(
            "the end-user id must be 1 to {MAX_END_USER_ID_CHARS} characters"
        )));
    }
    Ok(())
}
