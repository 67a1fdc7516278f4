//! The `GET /metrics` handler: the optional token check, the MetaStore gauges, the rendering.

use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};

use tapedeck_store::OperationalCounts;

use super::{process, registry};
use crate::auth::bearer::bearer_secret;
use crate::error::ApiError;
use crate::state::AppState;

/// How long a scrape waits for the MetaStore's figures before answering without them: a slow
/// database must not make the scrape itself time out (its other figures matter most then).
const STORE_GAUGES_TIMEOUT: Duration = Duration::from_secs(2);

pub async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = &state.config.metrics_token {
        let presented = bearer_secret(&headers).unwrap_or_default();
        if !token.matches(&presented) {
            let mut refused = ApiError::MetricsTokenRequired.into_response();
            refused.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"metrics\""),
            );
            return refused;
        }
    }
    let store = store_gauges(&state).await;
    let body = state.metrics.render(store, &process::read());
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static(registry::CONTENT_TYPE),
        )],
        body,
    )
        .into_response()
}

/// Reads the queue and live-session counts (one query); `None` when the store fails or is slow.
async fn store_gauges(state: &AppState) -> Option<OperationalCounts> {
    let counts = tokio::time::timeout(
        STORE_GAUGES_TIMEOUT,
        state.meta.operational_counts(state.now_ms()),
    )
    .await;
    match counts {
        Ok(Ok(counts)) => Some(counts),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "reading the metrics gauges failed");
            None
        }
        Err(_) => {
            tracing::warn!(
                timeout_ms = STORE_GAUGES_TIMEOUT.as_millis() as u64,
                "reading the metrics gauges timed out"
            );
            None
        }
    }
}
