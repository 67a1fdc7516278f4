//! Login, logout, first-owner setup and `me`. Passwords are argon2id; the cookie holds a random
//! token whose SHA-256 is what the database keeps.

pub mod account_audit;
pub mod bearer;
pub mod password;
pub mod password_change;
pub mod session;
pub mod throttle;

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
use account_audit::{AccountEvent, organizations_of};
use password::{password_problem, verify_password_off_runtime};
use session::{AuthUser, login_cookie, login_token, require_same_origin};
use throttle::Attempt;

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
    let email = body.email.trim();
    if email.chars().count() > tapedeck_core::accounts::MAX_EMAIL_CHARS {
        return Err(ApiError::InvalidCredentials);
    }
    // Throttled before the password is checked: while throttled, a right guess is refused too.
    let attempt = Attempt::new(email, &headers);
    attempt.check(&state).await?;
    let credentials = state.meta.user_credentials(email).await?;
    let hash = credentials
        .as_ref()
        .map_or(DUMMY_HASH.clone(), |c| c.password_hash.clone());
    let matches = verify_password_off_runtime(&body.password, &hash).await?;
    match credentials {
        Some(credentials) if matches => {
            attempt.succeeded(&state).await?;
            let user = credentials.user;
            let response = start_login(&state, user.clone()).await?;
            account_audit::record(
                &state,
                &headers,
                AccountEvent {
                    organization_ids: &organizations_of(&state, &user.id).await?,
                    actor: format!("user:{}", user.id),
                    action: "auth.login",
                    target: format!("user:{}", user.id),
                    details: json!({}),
                },
            )
            .await?;
            Ok(response)
        }
        credentials => {
            attempt.failed(&state).await?;
            tracing::info!(email = %email, "login refused");
            let (organization_ids, target) = match &credentials {
                Some(c) => (
                    organizations_of(&state, &c.user.id).await?,
                    format!("user:{}", c.user.id),
                ),
                None => (Vec::new(), format!("email:{}", email.to_ascii_lowercase())),
            };
            account_audit::record(
                &state,
                &headers,
                AccountEvent {
                    organization_ids: &organization_ids,
                    actor: "anonymous".into(),
                    action: "auth.login_failed",
                    target,
                    details: json!({ "email": email.to_ascii_lowercase() }),
                },
            )
            .await?;
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
    // The same rules (and lowercasing) as invitations, so the owner logs in like everyone else.
    let email = tapedeck_core::accounts::normalize_email(&body.email)
        .map_err(|e| ApiError::InvalidRequest(e.to_string()))?;
    let email = email.as_str();
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

/// Creates a login for the user and answers `{"user": {id, email}}` with its cookie.
pub(crate) async fn start_login(state: &AppState, user: User) -> Result<Response, ApiError> {
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
    state.config.users_reach_https()
}

pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    require_same_origin(&headers)?;
    if let Some(token) = login_token(&headers) {
        let hash = hash_token(&token);
        // Only a live login is audited: a stale cookie's logout ends nothing.
        if let Some(user) = state.meta.user_by_login(&hash, state.now_ms()).await? {
            state.meta.delete_login(&hash).await?;
            account_audit::record(
                &state,
                &headers,
                AccountEvent {
                    organization_ids: &organizations_of(&state, &user.id).await?,
                    actor: format!("user:{}", user.id),
                    action: "auth.logout",
                    target: format!("user:{}", user.id),
                    details: json!({}),
                },
            )
            .await?;
        } else {
            state.meta.delete_login(&hash).await?;
        }
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
