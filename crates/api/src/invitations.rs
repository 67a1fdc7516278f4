//! Invitations (docs/API.md "Invitations"): owners and admins invite by email
//! (`POST /api/v1/invitations`, a link shown once, `DELETE /api/v1/invitations/{id}`); the
//! invitee opens the link without a login (`POST /api/v1/auth/invitation`) and accepts it
//! (`POST /api/v1/auth/accept-invitation`): with a new password when the email has no account,
//! else with that account's password (throttled like a login). The store keeps the token's
//! SHA-256 and redeems it once, in one transaction with the membership.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};
use tapedeck_core::accounts::{
    INVITATION_TTL_MS, InvitationError, MAX_TOKEN_CHARS, TOKEN_RANDOM_BYTES, check_invitation_role,
    normalize_email,
};
use tapedeck_core::ids::new_id;
use tapedeck_core::policy::Action;
use tapedeck_store::{Invitation, InvitationDetails, Invitee, NewInvitation, StoreError};

use crate::audit::{self, AuditAction};
use crate::auth::password::{
    hash_password_off_runtime, password_problem, verify_password_off_runtime,
};
use crate::auth::session::{AuthUser, require_same_origin};
use crate::auth::start_login;
use crate::auth::throttle::Attempt;
use crate::error::ApiError;
use crate::json_body::JsonBody;
use crate::members::app_link;
use crate::sessions::rfc3339;
use crate::state::AppState;
use crate::{hash_token, new_secret};

/// The JSON shape of an invitation: never its token.
pub(crate) fn invitation_json(invitation: &Invitation) -> Value {
    json!({
        "id": invitation.id,
        "email": invitation.email,
        "role": invitation.role,
        "created_at": rfc3339(invitation.created_at_ms),
        "expires_at": rfc3339(invitation.expires_at_ms),
        "invited_by": invitation.invited_by.as_ref().map(|u| json!({ "id": u.id, "email": u.email })),
    })
}

#[derive(Debug, Deserialize)]
pub struct InvitationRequest {
    organization_id: String,
    email: String,
    role: String,
}

pub async fn create_invitation(
    State(state): State<AppState>,
    auth: AuthUser,
    headers: HeaderMap,
    JsonBody(body): JsonBody<InvitationRequest>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    require_same_origin(&headers)?;
    let actor = auth.require(&body.organization_id, Action::ManageMembers)?;
    let email =
        normalize_email(&body.email).map_err(|e| ApiError::InvalidRequest(e.to_string()))?;
    let role = check_invitation_role(actor, &body.role).map_err(|e| match e {
        InvitationError::Field(e) => ApiError::InvalidRequest(e.to_string()),
        InvitationError::Forbidden => ApiError::Forbidden,
    })?;
    let token = new_secret(TOKEN_RANDOM_BYTES);
    let now = state.now_ms();
    let new = NewInvitation {
        id: new_id(),
        organization_id: body.organization_id,
        email,
        role: role.name().to_string(),
        token_hash: hash_token(&token),
        invited_by: auth.user.id.clone(),
        created_at_ms: now,
        expires_at_ms: now + INVITATION_TTL_MS,
    };
    let invitation = state.meta.create_invitation(&new).await?;
    audit::record(
        &state,
        &headers,
        AuditAction {
            organization_id: &invitation.organization_id,
            actor: auth.actor(),
            action: "member.invite",
            target: format!("invitation:{}", invitation.id),
            details: json!({ "email": invitation.email, "role": invitation.role }),
        },
    )
    .await?;
    tracing::info!(invitation.id = %invitation.id, user.id = %auth.user.id, "member invited");
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "invitation": invitation_json(&invitation),
            "url": app_link(&state, "invite", &token),
        })),
    ))
}

pub async fn revoke_invitation(
    State(state): State<AppState>,
    auth: AuthUser,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    require_same_origin(&headers)?;
    let invitation = state
        .meta
        .pending_invitation(&id, state.now_ms())
        .await?
        .ok_or(ApiError::NotFound)?;
    auth.require(&invitation.organization_id, Action::ManageMembers)?;
    // Revoked meanwhile by someone else: done once, audited once.
    if state.meta.revoke_invitation(&id, state.now_ms()).await? {
        audit::record(
            &state,
            &headers,
            AuditAction {
                organization_id: &invitation.organization_id,
                actor: auth.actor(),
                action: "member.invite_revoke",
                target: format!("invitation:{}", invitation.id),
                details: json!({ "email": invitation.email, "role": invitation.role }),
            },
        )
        .await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
pub struct TokenRequest {
    token: String,
}

/// The pending invitation a token opens; `404 invalid_invitation` otherwise.
async fn pending_by_token(state: &AppState, token: &str) -> Result<InvitationDetails, ApiError> {
    if token.len() > MAX_TOKEN_CHARS {
        return Err(ApiError::InvalidInvitation);
    }
    state
        .meta
        .invitation_by_token(&hash_token(token), state.now_ms())
        .await?
        .ok_or(ApiError::InvalidInvitation)
}

pub async fn show_invitation(
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<TokenRequest>,
) -> Result<Json<Value>, ApiError> {
    require_same_origin(&headers)?;
    let details = pending_by_token(&state, &body.token).await?;
    Ok(Json(json!({
        "organization": { "id": details.organization.id, "name": details.organization.name },
        "email": details.invitation.email,
        "role": details.invitation.role,
        "expires_at": rfc3339(details.invitation.expires_at_ms),
        "account_exists": details.account_exists,
    })))
}

#[derive(Debug, Deserialize)]
pub struct AcceptRequest {
    token: String,
    password: String,
}

pub async fn accept_invitation(
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<AcceptRequest>,
) -> Result<Response, ApiError> {
    require_same_origin(&headers)?;
    let details = pending_by_token(&state, &body.token).await?;
    let email = &details.invitation.email;
    let attempt = Attempt::new(email, &headers);
    let invitee = if details.account_exists {
        // Joining with an existing account proves it is theirs: its password, throttled.
        attempt.check(&state).await?;
        let credentials = state
            .meta
            .user_credentials(email)
            .await?
            .ok_or(ApiError::InvalidCredentials)?;
        if !verify_password_off_runtime(&body.password, &credentials.password_hash).await? {
            attempt.failed(&state).await?;
            return Err(ApiError::InvalidCredentials);
        }
        Invitee::Existing {
            user_id: credentials.user.id,
        }
    } else {
        if let Some(problem) = password_problem(&body.password) {
            return Err(ApiError::InvalidPassword(problem));
        }
        Invitee::NewAccount {
            password_hash: hash_password_off_runtime(&body.password).await?,
        }
    };
    let accepted = match state
        .meta
        .redeem_invitation(&hash_token(&body.token), &invitee, state.now_ms())
        .await
    {
        Ok(Some(accepted)) => accepted,
        Ok(None) => return Err(ApiError::InvalidInvitation),
        // The email got an account between the look-up and now: the invitee reloads and
        // accepts with that account's password.
        Err(StoreError::Conflict(_)) => {
            return Err(ApiError::Conflict(format!(
                "an account with email {email} exists now; accept with its password"
            )));
        }
        Err(e) => return Err(e.into()),
    };
    attempt.succeeded(&state).await?;
    let user = accepted.user;
    let response = start_login(&state, user.clone()).await?;
    audit::record(
        &state,
        &headers,
        AuditAction {
            organization_id: &accepted.organization_id,
            actor: format!("user:{}", user.id),
            action: "member.join",
            target: format!("user:{}", user.id),
            details: json!({
                "email": user.email,
                "role": accepted.role,
                "invitation_id": details.invitation.id,
            }),
        },
    )
    .await?;
    tracing::info!(user.id = %user.id, organization.id = %accepted.organization_id, "invitation accepted");
    Ok(response)
}
