//! Saved views of the sessions list (docs/API.md "Saved views"): `GET/POST /api/v1/views`,
//! `PATCH/DELETE /api/v1/views/{id}`. Everyone sees their own views and the shared ones of
//! their organizations; members, admins and owners save views; a view is changed by its author,
//! a shared one also by an owner or admin. Anyone else's private view is "not found".

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use serde_json::{Value, json};
use tapedeck_core::ids::new_id;
use tapedeck_core::policy::Action;
use tapedeck_core::saved_views::{can_change_view, check_new_view, check_view_patch};
use tapedeck_store::{NewSavedView, SavedView};

use crate::auth::session::{AuthUser, require_same_origin};
use crate::error::ApiError;
use crate::json_body::JsonBody;
use crate::sessions::rfc3339;
use crate::state::AppState;

/// The JSON shape of a view. Accounts have no display name yet: `author.name` is null.
fn view_json(view: &SavedView) -> Value {
    json!({
        "id": view.id,
        "name": view.name,
        "organization_id": view.organization_id,
        "filters": view.filters,
        "shared": view.shared,
        "author": view.author.as_ref().map(|a| json!({ "id": a.id, "email": a.email, "name": null })),
        "created_at": rfc3339(view.created_at_ms),
        "updated_at": rfc3339(view.updated_at_ms),
    })
}

pub async fn list_views(
    State(state): State<AppState>,
    auth: AuthUser,
) -> Result<Json<Value>, ApiError> {
    let views = state
        .meta
        .saved_views(&auth.user.id, &auth.organization_ids())
        .await?;
    Ok(Json(
        json!({ "views": views.iter().map(view_json).collect::<Vec<_>>() }),
    ))
}

pub async fn create_view(
    State(state): State<AppState>,
    auth: AuthUser,
    headers: HeaderMap,
    JsonBody(body): JsonBody<Value>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    require_same_origin(&headers)?;
    let input = check_new_view(&body).map_err(|e| ApiError::InvalidRequest(e.to_string()))?;
    // Another organization is "not found", as its sessions are.
    auth.require(&input.organization_id, Action::ViewRecordings)?;
    auth.require(&input.organization_id, Action::Annotate)?;
    let view = NewSavedView {
        id: new_id(),
        organization_id: input.organization_id,
        author_id: auth.user.id.clone(),
        name: input.name,
        filters: input.filters,
        shared: input.shared,
        created_at_ms: state.now_ms(),
    };
    let view = state.meta.create_saved_view(&view).await?;
    Ok((StatusCode::CREATED, Json(view_json(&view))))
}

pub async fn update_view(
    State(state): State<AppState>,
    auth: AuthUser,
    headers: HeaderMap,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<Value>,
) -> Result<Json<Value>, ApiError> {
    require_same_origin(&headers)?;
    changeable_view(&state, &auth, &id).await?;
    let patch = check_view_patch(&body).map_err(|e| ApiError::InvalidRequest(e.to_string()))?;
    let view = state
        .meta
        .update_saved_view(&id, &patch, state.now_ms())
        .await?;
    Ok(Json(view_json(&view)))
}

pub async fn delete_view(
    State(state): State<AppState>,
    auth: AuthUser,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    require_same_origin(&headers)?;
    changeable_view(&state, &auth, &id).await?;
    if !state.meta.delete_saved_view(&id).await? {
        return Err(ApiError::NotFound);
    }
    Ok(StatusCode::NO_CONTENT)
}

/// A view the caller sees (else 404) and may change (else 403).
async fn changeable_view(
    state: &AppState,
    auth: &AuthUser,
    id: &str,
) -> Result<SavedView, ApiError> {
    let view = state.meta.saved_view(id).await?.ok_or(ApiError::NotFound)?;
    let role = auth.require(&view.organization_id, Action::ViewRecordings)?;
    let is_author = view.author.as_ref().is_some_and(|a| a.id == auth.user.id);
    if !is_author && !view.shared {
        return Err(ApiError::NotFound);
    }
    if !can_change_view(role, is_author, view.shared) {
        return Err(ApiError::Forbidden);
    }
    Ok(view)
}
