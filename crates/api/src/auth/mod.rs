//! Login, logout, first-owner setup and `me`. Passwords are argon2id; the cookie holds a random
//! token whose SHA-256 is what the database keeps.

pub mod bearer;
pub mod password;
pub mod session;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use tapedeck_store::{StoreError, User};

use crate::error::ApiError;
use crate::json_body::JsonBody;
use crate::state::AppState;
use crate::{hash_token, new_secret};
use password::{password_problem, verify_password};
use session::{AuthUser, login_cookie, login_token, require_same_origin};

/// A hash verified when the email is unknown, so both paths cost one argon2 verification and
/// response times do not tell which emails have accounts.
static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| password::hash_password("not a real password").unwrap_or_default());

#[derive(Debug, Deserialize)]
pub struct LoginRequest {
    email: String,
    password: String,
}

#[derive(Debug, Deserialize)]
pub struct SetupRequest {
    token: String,
    email: String,
    password: String,
}

pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<LoginRequest>,
) -> Result<Response, ApiError> {
    require_same_origin(&headers)?;
    let credentials = state.meta.user_credentials(body.email.trim()).await?;
    let hash = credentials
        .as_ref()
        .map_or(DUMMY_HASH.clone(), |c| c.password_hash.clone());
    let password = body.password.clone();
    let matches = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(|_| ApiError::Internal)?;
    match credentials {
        Some(credentials) if matches => start_login(&state, credentials.user).await,
        _ => {
            tracing::info!(email = %body.email, "login refused");
            Err(ApiError::InvalidCredentials)
        }
    }
}

pub async fn setup(
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<SetupRequest>,
) -> Result<Response, ApiError> {
    require_same_origin(&headers)?;
    let email = body.email.trim();
    if !email.contains('@') || email.len() > 254 {
        return Err(ApiError::InvalidRequest(
            "enter a valid email address".into(),
        ));
    }
    if let Some(problem) = password_problem(&body.password) {
        return Err(ApiError::InvalidPassword(problem));
    }
    let password = body.password.clone();
    let hash = tokio::task::spawn_blocking(move || password::hash_password(&password))
        .await
        .map_err(|_| ApiError::Internal)?
        .map_err(|_| ApiError::Internal)?;
    match state
        .meta
        .redeem_setup_token(&hash_token(&body.token), email, &hash, state.now_ms())
        .await
    {
        Ok(Some(user)) => start_login(&state, user).await,
        Ok(None) => Err(ApiError::InvalidSetupToken),
        Err(StoreError::Conflict(_)) => Err(ApiError::Conflict(format!(
            "a user with email {email} exists already"
        ))),
        Err(e) => Err(e.into()),
    }
}

async fn start_login(state: &AppState, user: User) -> Result<Response, ApiError> {
    let token = new_secret(32);
    let now = state.now_ms();
    let ttl = state.config.login_ttl;
    state
        .meta
        .create_login(
            &hash_token(&token),
            &user.id,
            now,
            now + ttl.as_millis() as i64,
        )
        .await?;
    tracing::info!(user.id = %user.id, "user logged in");
    let secure = cookies_are_secure(state);
    let mut response =
        Json(json!({ "user": { "id": user.id, "email": user.email } })).into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        login_cookie(&token, ttl.as_secs(), secure),
    );
    Ok(response)
}

/// Returns true when login cookies get `Secure`: the server speaks TLS itself, or users reach
/// it over https (a TLS-terminating proxy).
fn cookies_are_secure(state: &AppState) -> bool {
    state.config.served_over_tls || state.config.public_url.starts_with("https://")
}

pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    require_same_origin(&headers)?;
    if let Some(token) = login_token(&headers) {
        state.meta.delete_login(&hash_token(&token)).await?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        login_cookie("", 0, cookies_are_secure(&state)),
    );
    Ok(response)
}

pub async fn me(auth: AuthUser) -> Json<serde_json::Value> {
    let organizations: Vec<_> = auth
        .memberships
        .iter()
        .map(|m| json!({ "id": m.organization.id, "name": m.organization.name, "role": m.role }))
        .collect();
    Json(json!({
        "user": { "id": auth.user.id, "email": auth.user.email },
        "organizations": organizations,
        "api_key_id": auth.api_key_id,
    }))
}
