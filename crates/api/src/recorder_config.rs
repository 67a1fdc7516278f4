//! `GET /api/v1/recorder-config?project=KEY`: the remote settings a recorder applies. Until
//! per-project privacy settings land (issue 4), every project gets the defaults of SPEC §5.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Serialize;

use crate::error::ApiError;
use crate::ingest::cors::{origin_allowed, with_cors};
use crate::ingest::{ProjectQuery, project_of};
use crate::state::AppState;

#[derive(Debug, Serialize)]
pub struct RecorderConfig {
    privacy: &'static str,
    mask_selectors: Vec<String>,
    block_selectors: Vec<String>,
    ignore_selectors: Vec<String>,
    exclude_urls: Vec<String>,
    sample_rate: f64,
    capture_network: bool,
    capture_console: bool,
}

pub async fn recorder_config(
    State(state): State<AppState>,
    Query(query): Query<ProjectQuery>,
    headers: HeaderMap,
) -> Response {
    let answer = async {
        let project = project_of(&state, &headers, &query).await?;
        let origin = headers
            .get(axum::http::header::ORIGIN)
            .and_then(|v| v.to_str().ok());
        if !origin_allowed(&project, origin) {
            return Err(ApiError::OriginNotAllowed);
        }
        Ok(Json(RecorderConfig {
            privacy: "balanced",
            mask_selectors: Vec::new(),
            block_selectors: Vec::new(),
            ignore_selectors: Vec::new(),
            exclude_urls: Vec::new(),
            sample_rate: 1.0,
            capture_network: false,
            capture_console: false,
        }))
    };
    with_cors(&headers, answer.await)
}
