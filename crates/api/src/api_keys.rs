//! API keys for integrations (docs/API.md "API keys"): `GET/POST /api/v1/api-keys`,
//! `DELETE /api/v1/api-keys/{id}`. Owners and admins manage their organizations' keys, with a
//! login (a key cannot manage keys, so a leaked key cannot mint or revoke others). The secret is
//! in the create answer only; the store keeps its SHA-256. Creation and revocation are audited.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use serde_json::{Value, json};
use tapedeck_core::api_keys::{
    KeyRequestError, SECRET_PREFIX, SECRET_RANDOM_BYTES, check_new_key, shown_prefix,
};
use tapedeck_core::ids::new_id;
use tapedeck_core::policy::Action;
use tapedeck_store::{ApiKey, NewApiKey};

use crate::audit::{self, AuditAction};
use crate::auth::session::{AuthUser, require_same_origin};
use crate::error::ApiError;
use crate::json_body::JsonBody;
use crate::sessions::rfc3339;
use crate::state::AppState;
use crate::{hash_token, new_secret};

/// The JSON shape of a key: never its secret or hash.
fn key_json(key: &ApiKey) -> Value {
    json!({
        "id": key.id,
        "organization_id": key.organization_id,
        "name": key.name,
        "role": key.role,
        "prefix": key.prefix,
        "created_by": key.created_by.as_ref().map(|u| json!({ "id": u.id, "email": u.email })),
        "created_at": rfc3339(key.created_at_ms),
        "last_used_at": key.last_used_at_ms.and_then(rfc3339),
        "revoked_at": key.revoked_at_ms.and_then(rfc3339),
    })
}

/// The organizations whose keys the caller manages: `403` for a key, or a login that manages
/// none.
fn managed_organizations(auth: &AuthUser) -> Result<Vec<String>, ApiError> {
    let managed = auth.organizations_allowing(Action::ManageApiKeys);
    if managed.is_empty() {
        return Err(ApiError::Forbidden);
    }
    Ok(managed)
}

pub async fn list_api_keys(
    State(state): State<AppState>,
    auth: AuthUser,
) -> Result<Json<Value>, ApiError> {
    let organizations = managed_organizations(&auth)?;
    let keys = state.meta.api_keys(&organizations).await?;
    Ok(Json(
        json!({ "api_keys": keys.iter().map(key_json).collect::<Vec<_>>() }),
    ))
}

pub async fn create_api_key(
    State(state): State<AppState>,
    auth: AuthUser,
    headers: HeaderMap,
    JsonBody(body): JsonBody<Value>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    require_same_origin(&headers)?;
    if auth.api_key_id.is_some() {
        return Err(ApiError::Forbidden);
    }
    let request = check_new_key(&body, |org| auth.role(org).map(|r| r.name().to_string()))
        .map_err(|e| match e {
            KeyRequestError::Field(e) => ApiError::InvalidRequest(e.to_string()),
            // Another organization is "not found", as its sessions are.
            KeyRequestError::UnknownOrganization => ApiError::NotFound,
            KeyRequestError::Forbidden => ApiError::Forbidden,
        })?;
    let secret = format!("{SECRET_PREFIX}{}", new_secret(SECRET_RANDOM_BYTES));
    let key = NewApiKey {
        id: new_id(),
        organization_id: request.organization_id,
        name: request.name,
        role: request.role,
        hash: hash_token(&secret),
        prefix: shown_prefix(&secret),
        created_by: auth.user.id.clone(),
        created_at_ms: state.now_ms(),
    };
    let key = state.meta.create_api_key(&key).await?;
    audit::record(
        &state,
        &headers,
        AuditAction {
            organization_id: &key.organization_id,
            actor: auth.actor(),
            action: "api_key.create",
            target: format!("api_key:{}", key.id),
            details: json!({ "name": key.name, "role": key.role, "prefix": key.prefix }),
        },
    )
    .await?;
    tracing::info!(api_key.id = %key.id, user.id = %auth.user.id, "api key created");
    let mut answer = key_json(&key);
    answer["secret"] = Value::String(secret);
    Ok((StatusCode::CREATED, Json(answer)))
}

pub async fn revoke_api_key(
    State(state): State<AppState>,
    auth: AuthUser,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    require_same_origin(&headers)?;
    let key = state.meta.api_key(&id).await?.ok_or(ApiError::NotFound)?;
    auth.require(&key.organization_id, Action::ManageApiKeys)?;
    // Revoking a revoked key changes nothing and is not audited again.
    if state.meta.revoke_api_key(&id, state.now_ms()).await? {
        audit::record(
            &state,
            &headers,
            AuditAction {
                organization_id: &key.organization_id,
                actor: auth.actor(),
                action: "api_key.revoke",
                target: format!("api_key:{}", key.id),
                details: json!({ "name": key.name, "role": key.role, "prefix": key.prefix }),
            },
        )
        .await?;
        tracing::info!(api_key.id = %key.id, user.id = %auth.user.id, "api key revoked");
    }
    Ok(StatusCode::NO_CONTENT)
}
