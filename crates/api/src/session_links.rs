//! Links from a session to tickets and issues (docs/API.md "Links"):
//! `GET/POST /api/v1/sessions/{id}/links`, `DELETE /api/v1/sessions/{id}/links/{link_id}`.
//! Anyone who may read the session reads its links; members, admins and owners add and remove
//! them, each change audited (`session.link`, `session.unlink`).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use serde_json::{Value, json};
use tapedeck_core::ids::new_id;
use tapedeck_core::policy::Action;
use tapedeck_core::session_links::check_link;
use tapedeck_store::{NewLink, SessionLink, SessionRecord};

use crate::audit::{self, AuditAction};
use crate::auth::session::{AuthUser, require_same_origin};
use crate::error::ApiError;
use crate::json_body::JsonBody;
use crate::sessions::{readable_session, rfc3339};
use crate::state::AppState;

/// The JSON shape of a link; `created_by` is null for links from the SDK.
fn link_json(link: &SessionLink) -> Value {
    json!({
        "id": link.id,
        "session_id": link.session_id,
        "kind": link.kind,
        "ref": link.reference,
        "url": link.url,
        "created_by": link.created_by,
        "created_at": rfc3339(link.created_at_ms),
    })
}

pub async fn list_links(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    readable_session(&state, &auth, &id).await?;
    let links = state.meta.list_links(&id).await?;
    Ok(Json(
        json!({ "links": links.iter().map(link_json).collect::<Vec<_>>() }),
    ))
}

/// Adds a link; the same (kind, ref) again answers the stored link (`200`, its url replaced
/// when one is given) instead of a second one (`201`).
pub async fn create_link(
    State(state): State<AppState>,
    auth: AuthUser,
    headers: HeaderMap,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<Value>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    require_same_origin(&headers)?;
    let session = writable_session(&state, &auth, &id).await?;
    let input = check_link(&body).map_err(|e| ApiError::InvalidRequest(e.to_string()))?;
    let link = NewLink {
        id: new_id(),
        session_id: session.id.clone(),
        kind: input.kind.as_str().to_string(),
        reference: input.reference,
        url: input.url,
        created_by: Some(auth.user.id.clone()),
        created_at_ms: state.now_ms(),
    };
    let (link, created) = state.meta.add_link(&link).await?;
    audit_link(&state, &auth, &headers, &session, "session.link", &link).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(link_json(&link))))
}

pub async fn delete_link(
    State(state): State<AppState>,
    auth: AuthUser,
    headers: HeaderMap,
    Path((id, link_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    require_same_origin(&headers)?;
    let session = writable_session(&state, &auth, &id).await?;
    let link = state
        .meta
        .delete_link(&id, &link_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    audit_link(&state, &auth, &headers, &session, "session.unlink", &link).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A session the caller may read (else 404) and link (else 403).
async fn writable_session(
    state: &AppState,
    auth: &AuthUser,
    id: &str,
) -> Result<SessionRecord, ApiError> {
    let session = readable_session(state, auth, id).await?;
    auth.require(&session.organization_id, Action::Annotate)?;
    Ok(session)
}

async fn audit_link(
    state: &AppState,
    auth: &AuthUser,
    headers: &HeaderMap,
    session: &SessionRecord,
    action: &'static str,
    link: &SessionLink,
) -> Result<(), ApiError> {
    let action = AuditAction {
        organization_id: &session.organization_id,
        actor: auth.actor(),
        action,
        target: format!("session:{}", session.id),
        details: json!({ "link_id": link.id, "kind": link.kind, "ref": link.reference, "url": link.url }),
    };
    audit::record(state, headers, action).await
}
