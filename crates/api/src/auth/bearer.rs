//! `Authorization: Bearer <secret>`: API keys for integrations (docs/SECURITY.md "API keys").
//! A key acts in its one organization as its creator, with the weaker of its own role and the
//! creator's current one, so demoting or removing a person reaches their keys at once.

use axum::http::{HeaderMap, header};
use tapedeck_core::api_keys::{LAST_USE_RESOLUTION_MS, is_secret_shaped, weaker_role};
use tapedeck_store::{ApiKey, Membership, User};

use super::session::AuthUser;
use crate::error::ApiError;
use crate::hash_token;
use crate::state::AppState;

/// Returns the secret of an `Authorization: Bearer` header (scheme case-insensitive), if any.
pub fn bearer_secret(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, secret) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| secret.trim().to_string())
}

/// Authenticates a request by its API key: unknown, revoked, malformed, or a key whose creator
/// left the organization is `401`. Records the use (at most once per resolution).
pub async fn authenticate(state: &AppState, secret: &str) -> Result<AuthUser, ApiError> {
    if !is_secret_shaped(secret) {
        return Err(ApiError::InvalidApiKey);
    }
    let key = state
        .meta
        .live_api_key_by_hash(&hash_token(secret))
        .await?
        .ok_or(ApiError::InvalidApiKey)?;
    let (user, membership) = acting_membership(state, &key)
        .await?
        .ok_or(ApiError::InvalidApiKey)?;
    state
        .meta
        .record_api_key_use(&key.id, state.now_ms(), LAST_USE_RESOLUTION_MS)
        .await?;
    Ok(AuthUser {
        user,
        memberships: vec![membership],
        api_key_id: Some(key.id),
    })
}

/// The creator a key acts as and its membership with the key's effective role; `None` when the
/// creator is gone or no longer in the key's organization.
async fn acting_membership(
    state: &AppState,
    key: &ApiKey,
) -> Result<Option<(User, Membership)>, ApiError> {
    let Some(creator) = &key.created_by else {
        return Ok(None);
    };
    let memberships = state.meta.memberships(&creator.id).await?;
    let Some(membership) = memberships
        .into_iter()
        .find(|m| m.organization.id == key.organization_id)
    else {
        return Ok(None);
    };
    let Some(role) = weaker_role(&key.role, &membership.role) else {
        return Ok(None);
    };
    let membership = Membership {
        role: role.to_string(),
        organization: membership.organization,
    };
    Ok(Some((creator.clone(), membership)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn finds_the_bearer_secret() {
        let mut headers = HeaderMap::new();
        assert_eq!(bearer_secret(&headers), None);
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("bearer tdk_1"),
        );
        assert_eq!(bearer_secret(&headers).as_deref(), Some("tdk_1"));
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Basic YTpi"),
        );
        assert_eq!(bearer_secret(&headers), None);
    }
}
