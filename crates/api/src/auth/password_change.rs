//! Changing one's password (`POST /api/v1/me/password`, with a login) and redeeming a reset link
//! an admin handed out (`POST /api/v1/auth/reset-password`). Both end the user's other logins;
//! a wrong current password counts toward login throttling.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;
use tapedeck_core::accounts::MAX_TOKEN_CHARS;

use super::account_audit::{self, AccountEvent, organizations_of};
use super::password::{hash_password_off_runtime, password_problem, verify_password_off_runtime};
use super::session::{AuthUser, login_token, require_same_origin};
use super::start_login;
use super::throttle::Attempt;
use crate::error::ApiError;
use crate::hash_token;
use crate::json_body::JsonBody;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct PasswordChangeRequest {
    current_password: String,
    new_password: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    auth: AuthUser,
    headers: HeaderMap,
    JsonBody(body): JsonBody<PasswordChangeRequest>,
) -> Result<StatusCode, ApiError> {
    require_same_origin(&headers)?;
    // A key acts for its creator but is not them: it must not take over their account.
    if auth.api_key_id.is_some() {
        return Err(ApiError::Forbidden);
    }
    if let Some(problem) = password_problem(&body.new_password) {
        return Err(ApiError::InvalidPassword(problem));
    }
    let attempt = Attempt::new(&auth.user.email, &headers);
    attempt.check(&state).await?;
    let credentials = state
        .meta
        .user_credentials(&auth.user.email)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    if !verify_password_off_runtime(&body.current_password, &credentials.password_hash).await? {
        attempt.failed(&state).await?;
        return Err(ApiError::InvalidCredentials);
    }
    attempt.succeeded(&state).await?;
    let hash = hash_password_off_runtime(&body.new_password).await?;
    let this_login = login_token(&headers).map(|token| hash_token(&token));
    state
        .meta
        .set_password(&auth.user.id, &hash, this_login.as_deref())
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    account_audit::record(
        &state,
        &headers,
        AccountEvent {
            organization_ids: &auth.organization_ids(),
            actor: auth.actor(),
            action: "user.password_change",
            target: format!("user:{}", auth.user.id),
            details: json!({}),
        },
    )
    .await?;
    tracing::info!(user.id = %auth.user.id, "password changed; other logins ended");
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
pub struct ResetPasswordRequest {
    token: String,
    password: String,
}

pub async fn reset_password(
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<ResetPasswordRequest>,
) -> Result<Response, ApiError> {
    require_same_origin(&headers)?;
    if body.token.len() > MAX_TOKEN_CHARS {
        return Err(ApiError::InvalidResetToken);
    }
    if let Some(problem) = password_problem(&body.password) {
        return Err(ApiError::InvalidPassword(problem));
    }
    let hash = hash_password_off_runtime(&body.password).await?;
    let user = state
        .meta
        .redeem_password_reset(&hash_token(&body.token), &hash, state.now_ms())
        .await?
        .ok_or(ApiError::InvalidResetToken)?;
    // The owner of the mailbox is back in: earlier failed guesses no longer count against them.
    Attempt::new(&user.email, &headers)
        .succeeded(&state)
        .await?;
    let response = start_login(&state, user.clone()).await?;
    account_audit::record(
        &state,
        &headers,
        AccountEvent {
            organization_ids: &organizations_of(&state, &user.id).await?,
            actor: format!("user:{}", user.id),
            action: "auth.login",
            target: format!("user:{}", user.id),
            details: json!({ "via": "password_reset" }),
        },
    )
    .await?;
    tracing::info!(user.id = %user.id, "password reset; every earlier login ended");
    Ok(response)
}
