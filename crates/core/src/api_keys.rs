//! API keys for integrations (docs/SECURITY.md "API keys"): what a key's secret looks like, which
//! roles may manage keys and which role a key may get. Pure rules; the secret's randomness and
//! hashing are the API's, the records the store's.

use crate::field_error::{FieldError, has_control_chars};
use crate::policy::{Action, Role, allows};

/// Every secret starts with this, so leaked keys are easy to recognise (secret scanners, logs).
pub const SECRET_PREFIX: &str = "tdk_";
/// Random bytes in a secret; hex-encoded after the prefix (64 characters).
pub const SECRET_RANDOM_BYTES: usize = 32;
/// Characters of the random part kept in clear (with the prefix) to tell keys apart in lists.
pub const SHOWN_RANDOM_CHARS: usize = 8;
/// The longest key name, in characters.
pub const MAX_NAME_CHARS: usize = 100;
/// A key's `last_used_at` is written at most this often, so a busy integration does not turn
/// every read into a database write.
pub const LAST_USE_RESOLUTION_MS: i64 = 60_000;

/// Returns the weaker of two stored role names (a key acts with at most its creator's current
/// role); `None` when either is unknown.
pub fn weaker_role(a: &str, b: &str) -> Option<Role> {
    Some(Role::parse(a)?.min(Role::parse(b)?))
}

/// Returns true when a secret is shaped like one this server hands out: the prefix, then
/// lowercase hex of the right length. Anything else is refused before a database lookup.
pub fn is_secret_shaped(secret: &str) -> bool {
    secret.strip_prefix(SECRET_PREFIX).is_some_and(|random| {
        random.len() == SECRET_RANDOM_BYTES * 2
            && random
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// Returns the part of a secret shown in lists: the prefix and the first random characters.
pub fn shown_prefix(secret: &str) -> String {
    secret
        .chars()
        .take(SECRET_PREFIX.len() + SHOWN_RANDOM_CHARS)
        .collect()
}

/// A checked request to create a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewKeyRequest {
    pub organization_id: String,
    pub name: String,
    pub role: String,
}

/// Checks a create request's JSON: `organization_id`, `name` (trimmed, 1–100 characters, no
/// control characters) and `role`, which must be a role no stronger than `creator_role` (the
/// creator's role in that organization, looked up by the caller).
pub fn check_new_key(
    body: &serde_json::Value,
    creator_role: impl Fn(&str) -> Option<String>,
) -> Result<NewKeyRequest, KeyRequestError> {
    let text = |field: &str| -> Result<String, KeyRequestError> {
        body.get(field)
            .and_then(|v| v.as_str())
            .map(|s| s.trim().to_string())
            .ok_or_else(|| FieldError::new(field, "must be a string").into())
    };
    let organization_id = text("organization_id")?;
    let name = text("name")?;
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(FieldError::new("name", "must be 1 to 100 characters").into());
    }
    if has_control_chars(&name) {
        return Err(FieldError::new("name", "must not contain control characters").into());
    }
    let role = text("role")?;
    let Some(wanted) = Role::parse(&role) else {
        return Err(FieldError::new("role", "must be owner, admin, member or viewer").into());
    };
    let creator = creator_role(&organization_id).ok_or(KeyRequestError::UnknownOrganization)?;
    let creator_role = Role::parse(&creator);
    if !creator_role.is_some_and(|r| allows(r, Action::ManageApiKeys)) {
        return Err(KeyRequestError::Forbidden);
    }
    if creator_role.is_none_or(|creator| wanted > creator) {
        return Err(
            FieldError::new("role", format!("must not exceed your role ({creator})")).into(),
        );
    }
    Ok(NewKeyRequest {
        organization_id,
        name,
        role,
    })
}

/// Why a create request was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyRequestError {
    #[error(transparent)]
    Field(#[from] FieldError),
    /// The creator is not a member of the organization (answered like any foreign resource).
    #[error("no such organization")]
    UnknownOrganization,
    /// The creator's role may not manage keys.
    #[error("your role may not manage API keys")]
    Forbidden,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn admin_of_org(org: &str) -> Option<String> {
        (org == "org").then(|| "admin".to_string())
    }

    #[test]
    fn secrets_have_one_shape() {
        let secret = format!("tdk_{}", "ab12".repeat(16));
        assert!(is_secret_shaped(&secret));
        assert_eq!(shown_prefix(&secret), "tdk_ab12ab12");
        assert!(!is_secret_shaped(&secret[..secret.len() - 1]), "too short");
        assert!(!is_secret_shaped(&format!("{secret}0")), "too long");
        assert!(!is_secret_shaped(&secret.to_uppercase()));
        assert!(!is_secret_shaped(&secret.replace("tdk_", "tdp_")));
        assert!(!is_secret_shaped(&format!("tdk_{}", "zz".repeat(32))));
    }

    #[test]
    fn the_weaker_role_wins() {
        assert_eq!(weaker_role("admin", "member"), Some(Role::Member));
        assert_eq!(weaker_role("viewer", "owner"), Some(Role::Viewer));
        assert_eq!(weaker_role("viewer", "nobody"), None);
    }

    #[test]
    fn members_may_not_create_keys() {
        let member = |_: &str| Some("member".to_string());
        let request = json!({"organization_id": "org", "name": "x", "role": "viewer"});
        assert!(matches!(
            check_new_key(&request, member),
            Err(KeyRequestError::Forbidden)
        ));
    }

    #[test]
    fn a_key_role_may_not_exceed_its_creator() {
        let ok = check_new_key(
            &json!({"organization_id": "org", "name": " CI export ", "role": "admin"}),
            admin_of_org,
        )
        .unwrap();
        assert_eq!(ok.name, "CI export");
        assert_eq!(ok.role, "admin");
        let owner = check_new_key(
            &json!({"organization_id": "org", "name": "x", "role": "owner"}),
            admin_of_org,
        );
        assert!(matches!(owner, Err(KeyRequestError::Field(e)) if e.field == "role"));
    }

    #[test]
    fn bad_requests_name_their_field() {
        let field = |body: serde_json::Value| match check_new_key(&body, admin_of_org) {
            Err(KeyRequestError::Field(e)) => e.field,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            field(json!({"name": "x", "role": "viewer"})),
            "organization_id"
        );
        assert_eq!(
            field(json!({"organization_id": "org", "name": "", "role": "viewer"})),
            "name"
        );
        let long = "n".repeat(101);
        assert_eq!(
            field(json!({"organization_id": "org", "name": long, "role": "viewer"})),
            "name"
        );
        assert_eq!(
            field(json!({"organization_id": "org", "name": "a\nb", "role": "viewer"})),
            "name"
        );
        assert_eq!(
            field(json!({"organization_id": "org", "name": "x", "role": "root"})),
            "role"
        );
    }

    #[test]
    fn members_and_strangers_are_refused() {
        let member = |_: &str| Some("member".to_string());
        let body = json!({"organization_id": "other", "name": "x", "role": "viewer"});
        assert_eq!(
            check_new_key(&body, member),
            Err(KeyRequestError::Forbidden)
        );
        assert_eq!(
            check_new_key(&body, admin_of_org),
            Err(KeyRequestError::UnknownOrganization)
        );
    }
}
