//! `JsonBody<T>`: axum's `Json` extractor with our error policy, so a malformed request body gets
//! `{"error": {"code", "message"}}` like every other failure instead of axum's plain text.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};

use crate::error::ApiError;

/// A JSON request body; refusals are `invalid_json` (not JSON) or `invalid_request` (wrong shape,
/// wrong content type).
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    Json<T>: FromRequest<S, Rejection = JsonRejection>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(JsonBody(value)),
            Err(JsonRejection::JsonSyntaxError(e)) => Err(ApiError::InvalidJson(e.body_text())),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::InvalidRequest(
                "send the body as Content-Type: application/json".into(),
            )),
            Err(other) => Err(ApiError::InvalidRequest(other.body_text())),
        }
    }
}
