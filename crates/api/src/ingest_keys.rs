//! Projects' ingest keys (docs/API.md "Projects"): `GET /api/v1/projects/{id}/ingest-keys`,
//! `POST …/ingest-keys/rotate`, `PATCH` and `DELETE …/ingest-keys/{key_id}`. Members read;
//! rotating, limiting and retiring need `Action::ManageProjects` and are audited once each.
//! Ingest keys are public by nature (every recorded page carries one), so lists show them whole.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use serde_json::{Value, json};
use tapedeck_core::ids::new_id;
use tapedeck_core::ingest_keys::{KEY_PREFIX, KEY_RANDOM_BYTES, check_rate_limit, check_rotate};
use tapedeck_core::policy::Action;
use tapedeck_store::{IngestKey, NewIngestKey, Project, RetireOutcome};

use crate::audit::{self, AuditAction};
use crate::auth::session::{AuthUser, require_same_origin};
use crate::error::ApiError;
use crate::json_body::JsonBody;
use crate::new_secret;
use crate::projects::readable_project;
use crate::sessions::rfc3339;
use crate::state::AppState;

const HOUR_MS: i64 = 3_600_000;

/// The JSON shape of an ingest key.
fn key_json(key: &IngestKey) -> Value {
    json!({
        "id": key.id,
        "key": key.key,
        "primary": key.primary,
        "created_at": rfc3339(key.created_at_ms),
        "retires_at": key.retires_at_ms.and_then(rfc3339),
        "rate_limit_per_minute": key.rate_limit_per_minute,
    })
}

/// The project when the caller may manage it: `404` when they may not read it, `403` when they
/// may read but not manage.
async fn managed_project(state: &AppState, auth: &AuthUser, id: &str) -> Result<Project, ApiError> {
    let project = readable_project(state, auth, id).await?;
    auth.require(&project.organization_id, Action::ManageProjects)?;
    Ok(project)
}

fn audit_action<'a>(
    auth: &AuthUser,
    project: &'a Project,
    action: &'static str,
    key: &IngestKey,
    details: Value,
) -> AuditAction<'a> {
    let mut details = details;
    details["project_id"] = json!(project.id);
    details["key_id"] = json!(key.id);
    AuditAction {
        organization_id: &project.organization_id,
        actor: auth.actor(),
        action,
        target: format!("project:{}", project.id),
        details,
    }
}

pub async fn list_ingest_keys(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let project = readable_project(&state, &auth, &id).await?;
    auth.require(&project.organization_id, Action::ViewProjects)?;
    let keys = state.meta.ingest_keys(&project.id).await?;
    Ok(Json(
        json!({ "ingest_keys": keys.iter().map(key_json).collect::<Vec<_>>() }),
    ))
}

pub async fn rotate_ingest_key(
    State(state): State<AppState>,
    auth: AuthUser,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    require_same_origin(&headers)?;
    let project = managed_project(&state, &auth, &id).await?;
    // The body is optional: no body rotates with the default grace.
    let body: Value = if body.iter().all(u8::is_ascii_whitespace) {
        Value::Null
    } else {
        serde_json::from_slice(&body).map_err(|e| ApiError::InvalidJson(e.to_string()))?
    };
    let grace_hours = check_rotate(&body).map_err(|e| ApiError::InvalidRequest(e.to_string()))?;
    let now = state.now_ms();
    let new = NewIngestKey {
        id: new_id(),
        key: format!("{KEY_PREFIX}{}", new_secret(KEY_RANDOM_BYTES)),
        created_at_ms: now,
    };
    let retire_at = now + i64::from(grace_hours) * HOUR_MS;
    let key = state
        .meta
        .rotate_ingest_key(&project.id, &new, retire_at)
        .await?;
    let details = json!({ "grace_hours": grace_hours, "old_keys_retire_at": rfc3339(retire_at) });
    audit::record(
        &state,
        &headers,
        audit_action(&auth, &project, "project.key_rotate", &key, details),
    )
    .await?;
    tracing::info!(project.id = %project.id, user.id = %auth.user.id, grace_hours, "ingest key rotated");
    Ok((
        StatusCode::CREATED,
        Json(json!({ "ingest_key": key_json(&key) })),
    ))
}

pub async fn update_ingest_key(
    State(state): State<AppState>,
    auth: AuthUser,
    headers: HeaderMap,
    Path((id, key_id)): Path<(String, String)>,
    JsonBody(body): JsonBody<Value>,
) -> Result<Json<Value>, ApiError> {
    require_same_origin(&headers)?;
    let project = managed_project(&state, &auth, &id).await?;
    let limit = check_rate_limit(&body).map_err(|e| ApiError::InvalidRequest(e.to_string()))?;
    let key = state
        .meta
        .set_ingest_key_rate_limit(&project.id, &key_id, limit)
        .await?;
    let details = json!({ "rate_limit_per_minute": limit });
    audit::record(
        &state,
        &headers,
        audit_action(&auth, &project, "project.key_update", &key, details),
    )
    .await?;
    Ok(Json(key_json(&key)))
}

pub async fn retire_ingest_key(
    State(state): State<AppState>,
    auth: AuthUser,
    headers: HeaderMap,
    Path((id, key_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    require_same_origin(&headers)?;
    let project = managed_project(&state, &auth, &id).await?;
    match state
        .meta
        .retire_ingest_key(&project.id, &key_id, state.now_ms())
        .await?
    {
        RetireOutcome::Primary => return Err(ApiError::PrimaryKey),
        // Retiring a retired key changes nothing and is not audited again.
        RetireOutcome::AlreadyRetired(_) => {}
        RetireOutcome::Retired(key) => {
            audit::record(
                &state,
                &headers,
                audit_action(&auth, &project, "project.key_retire", &key, json!({})),
            )
            .await?;
            tracing::info!(project.id = %project.id, user.id = %auth.user.id, "ingest key retired");
        }
    }
    Ok(StatusCode::NO_CONTENT)
}
