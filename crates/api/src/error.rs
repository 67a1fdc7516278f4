//! The one error policy of the API. Every failure a client sees is an `ApiError`: a stable code,
//! an HTTP status and a sentence, as `{"error": {"code", "message"}}`. Storage and internal
//! failures are logged here, once, and reach the client only as `storage_unavailable` or
//! `internal` without details.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tapedeck_core::BatchError;
use tapedeck_core::project_settings::SettingsError;
use tapedeck_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    InvalidJson(String),
    #[error("{0}")]
    InvalidBatch(String),
    #[error("{0}")]
    InvalidQuery(String),
    /// A sessions-list parameter is not acceptable; the answer names it as `param`.
    #[error("{0}")]
    InvalidQueryParam(tapedeck_core::search::QueryError),
    #[error("{0}")]
    InvalidRequest(String),
    #[error("unknown or missing project ingest key")]
    UnknownProject,
    #[error("this origin may not send recordings to the project")]
    OriginNotAllowed,
    /// The ingest key sent more than its rate limit; `Retry-After` says when to send again.
    #[error("too many requests with this ingest key; retry in {retry_after_secs} seconds")]
    RateLimited { retry_after_secs: u64 },
    /// A project's primary ingest key cannot be retired: rotate first.
    #[error("the primary ingest key cannot be retired; rotate the key first")]
    PrimaryKey,
    #[error("{0}")]
    BatchTooLarge(String),
    #[error("unsupported content encoding {0:?}; use gzip, zstd or none")]
    UnsupportedEncoding(String),
    #[error("email or password is wrong")]
    InvalidCredentials,
    #[error("this setup link is unknown, used or expired")]
    InvalidSetupToken,
    #[error("{0}")]
    InvalidPassword(String),
    /// A project setting is not acceptable; the answer carries the field's name as `field`.
    #[error("{0}")]
    InvalidSettings(SettingsError),
    #[error("{0}")]
    Conflict(String),
    /// The change would leave the organization without an owner.
    #[error("the organization needs at least one owner; make someone else owner first")]
    LastOwner,
    /// An invitation token that is unknown, used, revoked or expired.
    #[error("this invitation is unknown, used or expired")]
    InvalidInvitation,
    /// A password reset token that is unknown, used or expired.
    #[error("this password reset link is unknown, used or expired")]
    InvalidResetToken,
    /// Too many failed logins for the email or from the client address; `Retry-After` says
    /// when a slot frees (seconds).
    #[error("too many failed attempts; try again in {0} seconds")]
    TooManyAttempts(u64),
    /// A session file to import is not acceptable (`core::export::ImportError`).
    #[error("{0}")]
    InvalidImport(String),
    #[error("{0}")]
    ImportTooLarge(String),
    #[error("log in first")]
    Unauthenticated,
    /// `/metrics` with a `metrics_token` configured, asked without it (or with another).
    #[error("this server's metrics need its metrics token as Authorization: Bearer")]
    MetricsTokenRequired,
    /// A Bearer secret that is malformed, unknown or revoked (or whose creator left).
    #[error("unknown or revoked API key")]
    InvalidApiKey,
    #[error("cross-origin request refused")]
    CsrfRejected,
    #[error("your role in this organization does not allow this")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("storage is unavailable, retry later")]
    StorageUnavailable,
    #[error("internal error")]
    Internal,
}

impl ApiError {
    /// The stable machine-readable code clients match on.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::InvalidJson(_) => "invalid_json",
            ApiError::InvalidBatch(_) => "invalid_batch",
            ApiError::InvalidQuery(_) | ApiError::InvalidQueryParam(_) => "invalid_query",
            ApiError::InvalidRequest(_) => "invalid_request",
            ApiError::UnknownProject => "unknown_project",
            ApiError::OriginNotAllowed => "origin_not_allowed",
            ApiError::RateLimited { .. } => "rate_limited",
            ApiError::PrimaryKey => "primary_key",
            ApiError::BatchTooLarge(_) => "batch_too_large",
            ApiError::UnsupportedEncoding(_) => "unsupported_encoding",
            ApiError::InvalidCredentials => "invalid_credentials",
            ApiError::InvalidSetupToken => "invalid_setup_token",
            ApiError::InvalidPassword(_) => "invalid_password",
            ApiError::InvalidSettings(_) => "invalid_settings",
            ApiError::Conflict(_) => "conflict",
            ApiError::LastOwner => "last_owner",
            ApiError::InvalidInvitation => "invalid_invitation",
            ApiError::InvalidResetToken => "invalid_reset_token",
            ApiError::TooManyAttempts(_) => "too_many_attempts",
            ApiError::InvalidImport(_) => "invalid_import",
            ApiError::ImportTooLarge(_) => "import_too_large",
            ApiError::Unauthenticated
            | ApiError::InvalidApiKey
            | ApiError::MetricsTokenRequired => "unauthenticated",
            ApiError::CsrfRejected => "csrf_rejected",
            ApiError::Forbidden => "forbidden",
            ApiError::NotFound => "not_found",
            ApiError::StorageUnavailable => "storage_unavailable",
            ApiError::Internal => "internal",
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::InvalidJson(_)
            | ApiError::InvalidBatch(_)
            | ApiError::InvalidQuery(_)
            | ApiError::InvalidQueryParam(_)
            | ApiError::InvalidRequest(_)
            | ApiError::InvalidSetupToken
            | ApiError::InvalidPassword(_)
            | ApiError::InvalidSettings(_)
            | ApiError::InvalidImport(_) => StatusCode::BAD_REQUEST,
            ApiError::UnknownProject
            | ApiError::InvalidCredentials
            | ApiError::Unauthenticated
            | ApiError::InvalidApiKey
            | ApiError::MetricsTokenRequired => StatusCode::UNAUTHORIZED,
            ApiError::OriginNotAllowed | ApiError::CsrfRejected | ApiError::Forbidden => {
                StatusCode::FORBIDDEN
            }
            ApiError::NotFound | ApiError::InvalidInvitation | ApiError::InvalidResetToken => {
                StatusCode::NOT_FOUND
            }
            ApiError::Conflict(_) | ApiError::LastOwner => StatusCode::CONFLICT,
            ApiError::TooManyAttempts(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::BatchTooLarge(_) | ApiError::ImportTooLarge(_) => {
                StatusCode::PAYLOAD_TOO_LARGE
            }
            ApiError::UnsupportedEncoding(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::StorageUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::PrimaryKey => StatusCode::CONFLICT,
            ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body =
            serde_json::json!({ "error": { "code": self.code(), "message": self.to_string() } });
        if let ApiError::InvalidSettings(e) = &self {
            body["error"]["field"] = serde_json::Value::String(e.field.clone());
        }
        if let ApiError::InvalidQueryParam(e) = &self {
            body["error"]["param"] = serde_json::Value::String(e.param.clone());
        }
        let mut response = (self.status(), Json(body)).into_response();
        if let ApiError::RateLimited { retry_after_secs } = &self {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
        }
        if matches!(self, ApiError::InvalidApiKey) {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer error=\"invalid_token\""),
            );
        }
        if let ApiError::TooManyAttempts(secs) = &self {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(*secs));
        }
        if matches!(self, ApiError::StorageUnavailable) {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        }
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ApiError::NotFound,
            StoreError::Conflict(message) => ApiError::Conflict(message),
            StoreError::Unavailable(_) | StoreError::Config(_) => {
                tracing::error!(error = %e, "storage failed");
                ApiError::StorageUnavailable
            }
            StoreError::Corrupt(_) => {
                tracing::error!(error = %e, "stored data is corrupt");
                ApiError::Internal
            }
        }
    }
}

impl From<BatchError> for ApiError {
    fn from(e: BatchError) -> Self {
        match e {
            BatchError::InvalidJson(_) => ApiError::InvalidJson(e.to_string()),
            BatchError::InvalidBatch { .. } => ApiError::InvalidBatch(e.to_string()),
        }
    }
}
