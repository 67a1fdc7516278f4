//! Projects of the user's organizations and their privacy and recording settings:
//! `GET /api/v1/projects`, `POST /api/v1/projects`, `GET /api/v1/projects/{id}`,
//! `PATCH /api/v1/projects/{id}/settings`. Any member reads; creating a project and changing
//! settings need `Action::ManageProjects` and are audited (`project.create`,
//! `project.settings`). A project of another organization answers 404, as if it did not exist.
//! Its ingest keys are `ingest_keys.rs`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use serde_json::{Value, json};
use tapedeck_core::ingest_keys::{KEY_PREFIX, KEY_RANDOM_BYTES, check_new_project};
use tapedeck_core::policy::Action;
use tapedeck_core::project_settings::{ProjectSettings, ProjectSettingsPatch};
use tapedeck_store::{DEFAULT_REGION, NewProject, Project};

use crate::audit::{self, AuditAction};
use crate::auth::session::{AuthUser, require_same_origin};
use crate::error::ApiError;
use crate::json_body::JsonBody;
use crate::new_secret;
use crate::state::AppState;

/// A project as the API answers it: `settings` holds what recorders receive, `can_manage`
/// tells the web app whether to offer editing.
fn project_json(auth: &AuthUser, project: &Project, settings: &ProjectSettings) -> Value {
    json!({
        "id": project.id,
        "organization_id": project.organization_id,
        "name": project.name,
        "ingest_key": project.ingest_key,
        "region": project.region,
        "allowed_origins": settings.allowed_origins,
        "settings": settings,
        "can_manage": auth.may(&project.organization_id, Action::ManageProjects),
    })
}

/// Returns the project when the user may read it; 404 otherwise.
pub(crate) async fn readable_project(
    state: &AppState,
    auth: &AuthUser,
    id: &str,
) -> Result<Project, ApiError> {
    state
        .meta
        .project_by_id(id)
        .await?
        .filter(|p| auth.can_read_org(&p.organization_id))
        .ok_or(ApiError::NotFound)
}

pub async fn list_projects(
    State(state): State<AppState>,
    auth: AuthUser,
) -> Result<Json<Value>, ApiError> {
    let projects = state.meta.list_projects(&auth.organization_ids()).await?;
    let projects: Vec<Value> = projects
        .iter()
        .map(|p| project_json(&auth, &p.project, &p.settings))
        .collect();
    // The storage regions a new project may be pinned to (names only: the stores are the
    // operator's configuration).
    let regions = state.recordings.region_names();
    Ok(Json(json!({ "projects": projects, "regions": regions })))
}

/// Creates a project in the storage region asked for (the default one unless given), accepting
/// every origin, with default settings and a new primary ingest key.
pub async fn create_project(
    State(state): State<AppState>,
    auth: AuthUser,
    headers: HeaderMap,
    JsonBody(body): JsonBody<Value>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    require_same_origin(&headers)?;
    let request = check_new_project(&body).map_err(|e| ApiError::InvalidRequest(e.to_string()))?;
    auth.require(&request.organization_id, Action::ManageProjects)?;
    let region = request.region.unwrap_or_else(|| DEFAULT_REGION.into());
    // Data residency: a project is pinned to its region for good, so only a configured one.
    if !state.recordings.has_region(&region) {
        return Err(ApiError::InvalidRequest(format!(
            "`region` {region:?} is not a storage region of this server"
        )));
    }
    let new = NewProject {
        organization_id: request.organization_id,
        name: request.name,
        ingest_key: format!("{KEY_PREFIX}{}", new_secret(KEY_RANDOM_BYTES)),
        allowed_origins: Vec::new(),
        region,
    };
    let project = state.meta.create_project(&new, state.now_ms()).await?;
    audit::record(
        &state,
        &headers,
        AuditAction {
            organization_id: &project.organization_id,
            actor: auth.actor(),
            action: "project.create",
            target: format!("project:{}", project.id),
            details: json!({ "name": project.name, "region": project.region }),
        },
    )
    .await?;
    tracing::info!(project.id = %project.id, user.id = %auth.user.id, "project created");
    let settings = state
        .meta
        .project_settings(&project.id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok((
        StatusCode::CREATED,
        Json(project_json(&auth, &project, &settings)),
    ))
}

pub async fn get_project(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let project = readable_project(&state, &auth, &id).await?;
    let settings = state
        .meta
        .project_settings(&project.id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(project_json(&auth, &project, &settings)))
}

pub async fn update_project_settings(
    State(state): State<AppState>,
    auth: AuthUser,
    headers: HeaderMap,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<Value>,
) -> Result<Json<Value>, ApiError> {
    require_same_origin(&headers)?;
    let project = readable_project(&state, &auth, &id).await?;
    auth.require(&project.organization_id, Action::ManageProjects)?;
    let patch = ProjectSettingsPatch::from_json(&body).map_err(ApiError::InvalidSettings)?;
    let settings = state
        .meta
        .update_project_settings(&project.id, &patch)
        .await?;
    // The names of the changed fields, not their values: enough to tell who changed what
    // (values such as selectors can be long; the settings themselves show the current state).
    let fields: Vec<&str> = body
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    audit::record(
        &state,
        &headers,
        AuditAction {
            organization_id: &project.organization_id,
            actor: auth.actor(),
            action: "project.settings",
            target: format!("project:{}", project.id),
            details: json!({ "fields": fields }),
        },
    )
    .await?;
    tracing::info!(
        project.id = %project.id,
        user.id = %auth.user.id,
        fields = ?fields,
        "project settings changed"
    );
    let project = Project {
        allowed_origins: settings.allowed_origins.clone(),
        ..project
    };
    Ok(Json(project_json(&auth, &project, &settings)))
}
