//! Project settings on SQLite: the `projects.settings` JSON column (privacy and recording
//! settings) and the `allowed_origins` column, read together as one `ProjectSettings`.

use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection, SqlitePool};
use tapedeck_core::project_settings::{ProjectSettings, ProjectSettingsPatch};

use crate::StoreError;
use crate::meta::*;

pub(super) const PROJECT_COLUMNS: &str =
    "id, organization_id, name, ingest_key, allowed_origins, region, settings";

type JsonObject = serde_json::Map<String, serde_json::Value>;

pub(super) fn project_from_row(row: &SqliteRow) -> Result<(Project, JsonObject)> {
    let project = Project {
        id: row.get("id"),
        organization_id: row.get("organization_id"),
        name: row.get("name"),
        ingest_key: row.get("ingest_key"),
        allowed_origins: serde_json::from_str(row.get("allowed_origins"))?,
        region: row.get("region"),
    };
    let stored: JsonObject = serde_json::from_str(row.get("settings"))?;
    Ok((project, stored))
}

pub(super) fn settings_of(project: &Project, stored: &JsonObject) -> Result<ProjectSettings> {
    let mut settings: ProjectSettings =
        serde_json::from_value(serde_json::Value::Object(stored.clone()))?;
    settings.allowed_origins = project.allowed_origins.clone();
    Ok(settings)
}

pub(super) async fn list_projects(
    pool: &SqlitePool,
    organization_ids: &[String],
) -> Result<Vec<ProjectWithSettings>> {
    if organization_ids.is_empty() {
        return Ok(Vec::new());
    }
    let orgs = vec!["?"; organization_ids.len()].join(", ");
    let sql = format!(
        "SELECT {PROJECT_COLUMNS} FROM projects WHERE organization_id IN ({orgs})
         ORDER BY organization_id, name, id"
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for org in organization_ids {
        query = query.bind(org);
    }
    let rows = query.fetch_all(pool).await?;
    rows.iter()
        .map(|row| {
            let (project, stored) = project_from_row(row)?;
            let settings = settings_of(&project, &stored)?;
            Ok(ProjectWithSettings { project, settings })
        })
        .collect()
}

async fn project_row(
    conn: &mut SqliteConnection,
    project_id: &str,
) -> Result<Option<(Project, JsonObject)>> {
    let sql = format!("SELECT {PROJECT_COLUMNS} FROM projects WHERE id = ?");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(project_id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(project_from_row).transpose()
}

pub(super) async fn project_settings(
    conn: &mut SqliteConnection,
    project_id: &str,
) -> Result<Option<ProjectSettings>> {
    project_row(conn, project_id)
        .await?
        .map(|(project, stored)| settings_of(&project, &stored))
        .transpose()
}

pub(super) async fn update_project_settings(
    conn: &mut SqliteConnection,
    project_id: &str,
    patch: &ProjectSettingsPatch,
) -> Result<ProjectSettings> {
    let (project, mut stored) = project_row(conn, project_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    let mut settings = settings_of(&project, &stored)?;
    settings.apply(patch);
    // Merge into the stored object rather than replace it, so keys written by a newer
    // version (or another feature) survive an update from this one.
    let serde_json::Value::Object(known) = serde_json::to_value(&settings)? else {
        return Err(StoreError::Corrupt("settings are not a JSON object".into()));
    };
    stored.extend(known);
    sqlx::query("UPDATE projects SET settings = ?, allowed_origins = ? WHERE id = ?")
        .bind(serde_json::Value::Object(stored).to_string())
        .bind(serde_json::to_string(&settings.allowed_origins)?)
        .bind(project_id)
        .execute(conn)
        .await?;
    Ok(settings)
}
