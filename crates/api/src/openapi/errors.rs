//! The API errors the document names, as `ApiError` values (so their codes and statuses are the
//! ones `error.rs` really answers), and what each code means in one phrase (docs/API.md "Error
//! codes").

use crate::error::ApiError;

pub fn invalid_json() -> ApiError {
    ApiError::InvalidJson(String::new())
}
pub fn invalid_batch() -> ApiError {
    ApiError::InvalidBatch(String::new())
}
pub fn invalid_query() -> ApiError {
    ApiError::InvalidQuery(String::new())
}
pub fn invalid_request() -> ApiError {
    ApiError::InvalidRequest(String::new())
}
pub fn invalid_password() -> ApiError {
    ApiError::InvalidPassword(String::new())
}
pub fn batch_too_large() -> ApiError {
    ApiError::BatchTooLarge(String::new())
}
pub fn unsupported_encoding() -> ApiError {
    ApiError::UnsupportedEncoding(String::new())
}
pub fn conflict() -> ApiError {
    ApiError::Conflict(String::new())
}
pub fn invalid_import() -> ApiError {
    ApiError::InvalidImport(String::new())
}
pub fn import_too_large() -> ApiError {
    ApiError::ImportTooLarge(String::new())
}
pub fn invalid_settings() -> ApiError {
    ApiError::InvalidSettings(tapedeck_core::project_settings::SettingsError {
        field: String::new(),
        message: String::new(),
    })
}

pub fn rate_limited() -> ApiError {
    ApiError::RateLimited {
        retry_after_secs: 1,
    }
}

/// Returns what an error code means, for the response descriptions.
pub fn meaning(code: &str) -> &'static str {
    match code {
        "invalid_json" => "the body is not JSON (or a compressed body does not decode)",
        "invalid_batch" => "a field of the batch is missing or wrong; the message names it",
        "invalid_query" => {
            "a query parameter is missing or wrong; the message (and `error.param` on the sessions list) names it"
        }
        "invalid_request" => {
            "the body breaks a rule, or is not `application/json`; the message names the field"
        }
        "unknown_project" => "no or unknown ingest key",
        "origin_not_allowed" => "the `Origin` is not one of the project's allowed origins",
        "batch_too_large" => "the body is over 1 MiB as sent or 16 MiB decoded",
        "unsupported_encoding" => "a `Content-Encoding` other than gzip, zstd or identity",
        "rate_limited" => {
            "the ingest key's rate limit is exceeded; retry after `Retry-After` seconds"
        }
        "primary_key" => "the primary ingest key cannot be retired; rotate first",
        "last_owner" => "the change would leave the organization without an owner",
        "invalid_invitation" => "the invitation is unknown, used or expired",
        "invalid_reset_token" => "the password reset link is unknown, used or expired",
        "too_many_attempts" => {
            "too many failed logins for this email or address; retry after `Retry-After` seconds"
        }
        "invalid_credentials" => "wrong email or password",
        "invalid_setup_token" => "the setup link is unknown, used or expired",
        "invalid_password" => "the password is too short",
        "invalid_settings" => "a project setting is not acceptable; `error.field` names it",
        "conflict" => "the change collides with existing data (a name or email in use)",
        "invalid_import" => "not a valid `.tapedeck` file; the message says why",
        "import_too_large" => "the file is over one of the import caps",
        "unauthenticated" => "no valid login cookie, or a malformed, unknown or revoked API key",
        "csrf_rejected" => "a cookie-authenticated write from another origin",
        "forbidden" => "the caller's role in the organization does not allow this",
        "not_found" => "no such resource, or one of an organization the caller is not in",
        "storage_unavailable" => "storage failed; retry later",
        "internal" => "a bug; details are in the server log only",
        _ => "see docs/API.md",
    }
}

/// Returns true when answers with this code carry `Retry-After`.
pub fn has_retry_after(code: &str) -> bool {
    matches!(
        code,
        "storage_unavailable" | "too_many_attempts" | "rate_limited"
    )
}

pub fn too_many_attempts() -> ApiError {
    ApiError::TooManyAttempts(1)
}
