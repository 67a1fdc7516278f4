//! The login cookie and the `AuthUser` extractor every protected handler takes: a request with
//! `Authorization: Bearer` is authenticated by its API key (`bearer.rs`) and by nothing else,
//! any other by its login cookie.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use tapedeck_core::policy::{self, Action, Role};
use tapedeck_store::{Membership, User};

use crate::error::ApiError;
use crate::hash_token;
use crate::state::AppState;

pub const COOKIE_NAME: &str = "tapedeck_session";

/// The logged-in user of a request, with the organizations they belong to. For an API key: its
/// creator, with one membership (the key's organization, with the key's role capped by the
/// creator's current one).
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub user: User,
    pub memberships: Vec<Membership>,
    /// The id of the API key the request came with; `None` for a login.
    pub api_key_id: Option<String>,
}

impl AuthUser {
    /// Returns true when the user belongs to the organization (every role may view recordings).
    pub fn can_read_org(&self, organization_id: &str) -> bool {
        self.role(organization_id).is_some()
    }

    /// The user's role in the organization, if a member.
    pub fn role(&self, organization_id: &str) -> Option<Role> {
        self.memberships
            .iter()
            .find(|m| m.organization.id == organization_id)
            .and_then(|m| Role::parse(&m.role))
    }

    /// Returns true when the policy lets the caller do `action` in the organization.
    pub fn may(&self, organization_id: &str, action: Action) -> bool {
        self.require(organization_id, action).is_ok()
    }

    /// Checks the policy for `action` in the organization and returns the caller's role.
    /// Not a member: `404` (another organization's ids are not confirmed to exist). A member
    /// whose role (or whose API key) may not: `403`.
    pub fn require(&self, organization_id: &str, action: Action) -> Result<Role, ApiError> {
        let role = self.role(organization_id).ok_or(ApiError::NotFound)?;
        let by_key_refused = action.needs_login() && self.api_key_id.is_some();
        if policy::allows(role, action) && !by_key_refused {
            Ok(role)
        } else {
            Err(ApiError::Forbidden)
        }
    }

    /// The ids of the organizations where the caller may do `action`.
    pub fn organizations_allowing(&self, action: Action) -> Vec<String> {
        self.memberships
            .iter()
            .filter(|m| self.may(&m.organization.id, action))
            .map(|m| m.organization.id.clone())
            .collect()
    }

    /// A stable name of the actor for the audit log.
    pub fn actor(&self) -> String {
        match &self.api_key_id {
            Some(key) => format!("api_key:{key}"),
            None => format!("user:{}", self.user.id),
        }
    }

    pub fn organization_ids(&self) -> Vec<String> {
        self.memberships
            .iter()
            .map(|m| m.organization.id.clone())
            .collect()
    }
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(secret) = super::bearer::bearer_secret(&parts.headers) {
            return super::bearer::authenticate(state, &secret).await;
        }
        let token = login_token(&parts.headers).ok_or(ApiError::Unauthenticated)?;
        let user = state
            .meta
            .user_by_login(&hash_token(&token), state.now_ms())
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        let memberships = state.meta.memberships(&user.id).await?;
        Ok(AuthUser {
            user,
            memberships,
            api_key_id: None,
        })
    }
}

/// Returns the login token from the request's cookies.
pub fn login_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, value)| value.to_string())
}

/// Returns the `Set-Cookie` value that stores (or, with `max_age_secs` 0, clears) the login.
pub fn login_cookie(token: &str, max_age_secs: u64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let value = format!(
        "{COOKIE_NAME}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}"
    );
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static("invalid=1"))
}

/// Refuses a cookie-authenticated write whose `Origin` is not this server: a browser always
/// sends `Origin` on cross-site POSTs, so a forged form or fetch from another site stops here.
/// A request with a Bearer key is not cookie-authenticated (the extractor ignores its cookies),
/// and a forger cannot know the key, so it passes.
pub fn require_same_origin(headers: &HeaderMap) -> Result<(), ApiError> {
    if super::bearer::bearer_secret(headers).is_some() {
        return Ok(());
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return Ok(());
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let origin_host = origin
        .split_once("://")
        .map(|(_, rest)| rest)
        .unwrap_or(origin);
    if origin_host.eq_ignore_ascii_case(host) {
        Ok(())
    } else {
        Err(ApiError::CsrfRejected)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_login_among_other_cookies() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; tapedeck_session=abc; b=2"),
        );
        assert_eq!(login_token(&headers).as_deref(), Some("abc"));
    }

    #[test]
    fn cross_origin_writes_are_refused() {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_static("127.0.0.1:7070"));
        assert!(require_same_origin(&headers).is_ok());
        headers.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://127.0.0.1:7070"),
        );
        assert!(require_same_origin(&headers).is_ok());
        headers.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://evil.test"),
        );
        assert!(require_same_origin(&headers).is_err());
    }
}
