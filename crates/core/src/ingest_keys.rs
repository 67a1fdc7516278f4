//! Projects' ingest keys (docs/SECURITY.md "Ingest keys"): what a key looks like, when one is
//! live, and the checked requests that create a project, rotate its key or set a key's rate
//! limit. Pure rules; the randomness is the API's, the records the store's.

use crate::field_error::{FieldError, has_control_chars};

/// Every ingest key starts with this (the recorder snippet shows it; scanners can find it).
pub const KEY_PREFIX: &str = "tdp_";
/// Random bytes of a key, hex-encoded after the prefix.
pub const KEY_RANDOM_BYTES: usize = 16;
/// Hours an old key keeps working after a rotation unless the request says otherwise: long
/// enough for pages open in browsers (and recorders retrying) to finish their sessions.
pub const DEFAULT_GRACE_HOURS: u32 = 24;
/// The longest grace a rotation may give (30 days).
pub const MAX_GRACE_HOURS: u32 = 720;
/// Bounds of a key's own rate limit, batches per minute.
pub const MIN_RATE_LIMIT_PER_MINUTE: u32 = 1;
pub const MAX_RATE_LIMIT_PER_MINUTE: u32 = 1_000_000;
/// The longest project name, in characters.
pub const MAX_PROJECT_NAME_CHARS: usize = 100;

/// Returns true when a key retiring at `retires_at_ms` (`None`: never) is accepted at `now_ms`.
pub fn is_live(retires_at_ms: Option<i64>, now_ms: i64) -> bool {
    retires_at_ms.is_none_or(|at| at > now_ms)
}

/// A checked request to create a project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewProjectRequest {
    pub organization_id: String,
    pub name: String,
    /// The storage region asked for (`None`: the default one). Whether the server has it is
    /// the caller's check.
    pub region: Option<String>,
}

/// Checks `{"organization_id", "name"}`: the name is trimmed, 1–100 characters, no control
/// characters.
pub fn check_new_project(body: &serde_json::Value) -> Result<NewProjectRequest, FieldError> {
    let text = |field: &str| {
        body.get(field)
            .and_then(|v| v.as_str())
            .map(|s| s.trim().to_string())
            .ok_or_else(|| FieldError::new(field, "must be a string"))
    };
    let organization_id = text("organization_id")?;
    let name = text("name")?;
    if name.is_empty() || name.chars().count() > MAX_PROJECT_NAME_CHARS {
        return Err(FieldError::new("name", "must be 1 to 100 characters"));
    }
    if has_control_chars(&name) {
        return Err(FieldError::new(
            "name",
            "must not contain control characters",
        ));
    }
    let region = match body.get("region") {
        None | Some(serde_json::Value::Null) => None,
        Some(value) => {
            let region = value.as_str().map(str::trim).unwrap_or_default();
            let plain = (1..=32).contains(&region.len())
                && region
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            if !plain {
                return Err(FieldError::new(
                    "region",
                    "must be a storage region's name (1 to 32 of a-z, 0-9, -)",
                ));
            }
            Some(region.to_string())
        }
    };
    Ok(NewProjectRequest {
        organization_id,
        name,
        region,
    })
}

/// Checks a rotate request: `{"grace_hours": 0..=720}`, the field optional (24). An empty body
/// (`null`) is the default too.
pub fn check_rotate(body: &serde_json::Value) -> Result<u32, FieldError> {
    let problem = || FieldError::new("grace_hours", "must be a whole number from 0 to 720");
    match body.get("grace_hours") {
        None | Some(serde_json::Value::Null) => Ok(DEFAULT_GRACE_HOURS),
        Some(value) => value
            .as_u64()
            .filter(|h| *h <= u64::from(MAX_GRACE_HOURS))
            .map(|h| h as u32)
            .ok_or_else(problem),
    }
}

/// Checks a key update: `{"rate_limit_per_minute": 1..=1_000_000 | null}` — the field is
/// required; `null` means the server's default.
pub fn check_rate_limit(body: &serde_json::Value) -> Result<Option<u32>, FieldError> {
    let problem = || {
        FieldError::new(
            "rate_limit_per_minute",
            "must be null or a whole number from 1 to 1000000",
        )
    };
    match body.get("rate_limit_per_minute") {
        None => Err(problem()),
        Some(serde_json::Value::Null) => Ok(None),
        Some(value) => value
            .as_u64()
            .filter(|n| {
                (u64::from(MIN_RATE_LIMIT_PER_MINUTE)..=u64::from(MAX_RATE_LIMIT_PER_MINUTE))
                    .contains(n)
            })
            .map(|n| Some(n as u32))
            .ok_or_else(problem),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_key_is_live_until_its_retirement() {
        assert!(is_live(None, i64::MAX));
        assert!(is_live(Some(10), 9));
        assert!(!is_live(Some(10), 10));
    }

    #[test]
    fn project_names_are_trimmed_and_bounded() {
        let ok = check_new_project(&json!({"organization_id": "o", "name": "  Shop "})).unwrap();
        assert_eq!(ok.name, "Shop");
        for name in [
            json!(""),
            json!("   "),
            json!("a".repeat(101)),
            json!("a\nb"),
            json!(3),
        ] {
            let err = check_new_project(&json!({"organization_id": "o", "name": name}));
            assert_eq!(err.unwrap_err().field, "name");
        }
        assert_eq!(ok.region, None);
        let eu = check_new_project(
            &json!({"organization_id": "o", "name": "EU shop", "region": "eu-1"}),
        );
        assert_eq!(eu.unwrap().region.as_deref(), Some("eu-1"));
        for region in [
            json!(""),
            json!("EU"),
            json!("eu 1"),
            json!(7),
            json!("a".repeat(33)),
        ] {
            let err =
                check_new_project(&json!({"organization_id": "o", "name": "x", "region": region}));
            assert_eq!(err.unwrap_err().field, "region");
        }
        assert_eq!(
            check_new_project(&json!({"name": "x"})).unwrap_err().field,
            "organization_id"
        );
        assert!(
            check_new_project(&json!({"organization_id": "o", "name": "é".repeat(100)})).is_ok()
        );
    }

    #[test]
    fn grace_defaults_to_a_day_and_is_bounded() {
        assert_eq!(check_rotate(&json!({})), Ok(24));
        assert_eq!(check_rotate(&json!(null)), Ok(24));
        assert_eq!(check_rotate(&json!({"grace_hours": 0})), Ok(0));
        assert_eq!(check_rotate(&json!({"grace_hours": 720})), Ok(720));
        for bad in [json!(721), json!(-1), json!(1.5), json!("2")] {
            assert!(check_rotate(&json!({ "grace_hours": bad })).is_err());
        }
    }

    #[test]
    fn rate_limits_are_null_or_in_range() {
        assert_eq!(
            check_rate_limit(&json!({"rate_limit_per_minute": null})),
            Ok(None)
        );
        assert_eq!(
            check_rate_limit(&json!({"rate_limit_per_minute": 1})),
            Ok(Some(1))
        );
        assert_eq!(
            check_rate_limit(&json!({"rate_limit_per_minute": 1_000_000})),
            Ok(Some(1_000_000))
        );
        for bad in [
            json!(0),
            json!(1_000_001),
            json!(2.5),
            json!("5"),
            json!(-3),
        ] {
            assert!(check_rate_limit(&json!({ "rate_limit_per_minute": bad })).is_err());
        }
        assert!(
            check_rate_limit(&json!({})).is_err(),
            "the field is required"
        );
    }
}
