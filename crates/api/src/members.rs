//! Members of an organization (docs/API.md "Members"): `GET /api/v1/members` (with the pending
//! invitations), `PATCH` and `DELETE /api/v1/members/{user_id}`, and
//! `POST /api/v1/members/{user_id}/password-reset`. Who may do what is `core::policy`; that an
//! organization keeps an owner is the store's check, in the transaction of the change.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};
use tapedeck_core::accounts::{PASSWORD_RESET_TTL_MS, TOKEN_RANDOM_BYTES, may_reset_password};
use tapedeck_core::policy::{Action, Role, may_change_membership};
use tapedeck_store::{Member, MembershipChange};

use crate::audit::{self, AuditAction};
use crate::auth::session::{AuthUser, require_same_origin};
use crate::error::ApiError;
use crate::invitations::invitation_json;
use crate::json_body::JsonBody;
use crate::sessions::rfc3339;
use crate::state::AppState;
use crate::{hash_token, new_secret};

fn member_json(member: &Member, auth: &AuthUser) -> Value {
    json!({
        "user_id": member.user.id,
        "email": member.user.email,
        "role": member.role,
        "joined_at": rfc3339(member.joined_at_ms),
        "is_you": member.user.id == auth.user.id,
    })
}

/// The required `organization_id` of a query string.
pub(crate) fn organization_param(
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<String, ApiError> {
    let Query(pairs) =
        query.map_err(|_| ApiError::InvalidQuery("the query string does not parse".into()))?;
    pairs
        .into_iter()
        .find(|(name, _)| name == "organization_id")
        .map(|(_, value)| value)
        .filter(|value| !value.is_empty())
        .ok_or_else(|| ApiError::InvalidQuery("`organization_id` is required".into()))
}

/// A link into the web app (`/invite`, `/reset-password`) carrying a token in its fragment, so
/// it never reaches server logs or `Referer` headers.
pub(crate) fn app_link(state: &AppState, page: &str, token: &str) -> String {
    format!(
        "{}/{page}#{token}",
        state.config.public_url.trim_end_matches('/')
    )
}

/// The member `user_id` of the organization, with their role; `404` when they are not one.
async fn find_member(
    state: &AppState,
    organization_id: &str,
    user_id: &str,
) -> Result<(Member, Role), ApiError> {
    let member = state
        .meta
        .members(organization_id)
        .await?
        .into_iter()
        .find(|m| m.user.id == user_id)
        .ok_or(ApiError::NotFound)?;
    let role = Role::parse(&member.role).ok_or(ApiError::Internal)?;
    Ok((member, role))
}

fn change_result(change: MembershipChange) -> Result<(), ApiError> {
    match change {
        MembershipChange::Done => Ok(()),
        MembershipChange::NotMember => Err(ApiError::NotFound),
        MembershipChange::LastOwner => Err(ApiError::LastOwner),
        MembershipChange::RoleChanged => Err(ApiError::Conflict(
            "the member's role changed meanwhile; reload and try again".into(),
        )),
    }
}

pub async fn list_members(
    State(state): State<AppState>,
    auth: AuthUser,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let organization_id = organization_param(query)?;
    auth.require(&organization_id, Action::ViewMembers)?;
    let members = state.meta.members(&organization_id).await?;
    let invitations = state
        .meta
        .pending_invitations(&organization_id, state.now_ms())
        .await?;
    Ok(Json(json!({
        "members": members.iter().map(|m| member_json(m, &auth)).collect::<Vec<_>>(),
        "invitations": invitations.iter().map(invitation_json).collect::<Vec<_>>(),
    })))
}

#[derive(Debug, Deserialize)]
pub struct RoleChange {
    organization_id: String,
    role: String,
}

pub async fn change_role(
    State(state): State<AppState>,
    auth: AuthUser,
    headers: HeaderMap,
    Path(user_id): Path<String>,
    JsonBody(body): JsonBody<RoleChange>,
) -> Result<Json<Value>, ApiError> {
    require_same_origin(&headers)?;
    let organization_id = body.organization_id;
    let actor = auth.require(&organization_id, Action::ManageMembers)?;
    let to = Role::parse(&body.role).ok_or_else(|| {
        ApiError::InvalidRequest("`role` must be owner, admin, member or viewer".into())
    })?;
    let (mut member, from) = find_member(&state, &organization_id, &user_id).await?;
    if !may_change_membership(actor, Some(from), Some(to)) {
        return Err(ApiError::Forbidden);
    }
    if from == to {
        return Ok(Json(member_json(&member, &auth)));
    }
    let change = state
        .meta
        .change_member_role(&organization_id, &user_id, from.name(), to.name())
        .await?;
    change_result(change)?;
    audit::record(
        &state,
        &headers,
        AuditAction {
            organization_id: &organization_id,
            actor: auth.actor(),
            action: "member.role_change",
            target: format!("user:{user_id}"),
            details: json!({ "email": member.user.email, "from": from.name(), "to": to.name() }),
        },
    )
    .await?;
    member.role = to.name().to_string();
    Ok(Json(member_json(&member, &auth)))
}

pub async fn remove_member(
    State(state): State<AppState>,
    auth: AuthUser,
    headers: HeaderMap,
    Path(user_id): Path<String>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<StatusCode, ApiError> {
    require_same_origin(&headers)?;
    let organization_id = organization_param(query)?;
    // Anyone may leave; removing someone else takes the right to manage their role.
    let actor = auth.role(&organization_id).ok_or(ApiError::NotFound)?;
    let (member, role) = find_member(&state, &organization_id, &user_id).await?;
    if user_id != auth.user.id {
        auth.require(&organization_id, Action::ManageMembers)?;
        if !may_change_membership(actor, Some(role), None) {
            return Err(ApiError::Forbidden);
        }
    }
    let change = state
        .meta
        .remove_member(&organization_id, &user_id, role.name())
        .await?;
    change_result(change)?;
    audit::record(
        &state,
        &headers,
        AuditAction {
            organization_id: &organization_id,
            actor: auth.actor(),
            action: "member.remove",
            target: format!("user:{user_id}"),
            details: json!({ "email": member.user.email, "role": role.name() }),
        },
    )
    .await?;
    tracing::info!(user.id = %user_id, organization.id = %organization_id, "member removed");
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
pub struct ResetRequest {
    organization_id: String,
}

pub async fn create_password_reset(
    State(state): State<AppState>,
    auth: AuthUser,
    headers: HeaderMap,
    Path(user_id): Path<String>,
    JsonBody(body): JsonBody<ResetRequest>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    require_same_origin(&headers)?;
    let organization_id = body.organization_id;
    auth.require(&organization_id, Action::ManageMembers)?;
    // A reset link is an account takeover in the hands of whoever holds it: never for a key.
    if auth.api_key_id.is_some() {
        return Err(ApiError::Forbidden);
    }
    let (member, _) = find_member(&state, &organization_id, &user_id).await?;
    // The user's role in every organization they belong to: managing them here is not enough
    // when they are an owner (or any member) of an organization the actor does not manage.
    let target: Vec<(String, Role)> = state
        .meta
        .memberships(&user_id)
        .await?
        .into_iter()
        .filter_map(|m| Some((m.organization.id, Role::parse(&m.role)?)))
        .collect();
    if !may_reset_password(|org| auth.role(org), &target) {
        return Err(ApiError::Forbidden);
    }
    let token = new_secret(TOKEN_RANDOM_BYTES);
    let now = state.now_ms();
    let expires_at = now + PASSWORD_RESET_TTL_MS;
    state
        .meta
        .create_password_reset(
            &hash_token(&token),
            &user_id,
            &auth.user.id,
            now,
            expires_at,
        )
        .await?;
    audit::record(
        &state,
        &headers,
        AuditAction {
            organization_id: &organization_id,
            actor: auth.actor(),
            action: "user.password_reset",
            target: format!("user:{user_id}"),
            details: json!({ "email": member.user.email }),
        },
    )
    .await?;
    tracing::info!(user.id = %user_id, by.user.id = %auth.user.id, "password reset link created");
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "url": app_link(&state, "reset-password", &token),
            "expires_at": rfc3339(expires_at),
        })),
    ))
}
