//! `GET /api/v1/recorder-config?project=KEY`: the remote settings a recorder applies — the
//! project's stored privacy level, selectors, excluded URLs, sampling and capture switches
//! (`ProjectSettings`, whose JSON keys the SDK's `remote-config.ts` reads).

use axum::Json;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;

use crate::error::ApiError;
use crate::ingest::cors::{origin_allowed, with_cors};
use crate::ingest::{ProjectQuery, project_of};
use crate::state::AppState;

pub async fn recorder_config(
    State(state): State<AppState>,
    Query(query): Query<ProjectQuery>,
    headers: HeaderMap,
) -> Response {
    let answer = async {
        let project = project_of(&state, &headers, &query).await?.project;
        let origin = headers
            .get(axum::http::header::ORIGIN)
            .and_then(|v| v.to_str().ok());
        if !origin_allowed(&project, origin) {
            return Err(ApiError::OriginNotAllowed);
        }
        let settings = state
            .meta
            .project_settings(&project.id)
            .await?
            .ok_or(ApiError::UnknownProject)?;
        Ok(Json(settings))
    };
    with_cors(&headers, answer.await)
}
