//! What retention and end-user erasure need on PostgreSQL: finding the sessions to delete, and
//! deleting a session's rows (its segments, searchable and timeline events, notes and recordings go
//! with it by `ON DELETE CASCADE`).

use sqlx::{PgPool, Row};

use super::projects::{PROJECT_COLUMNS, project_from_row, settings_of};
use super::sessions::{SESSION_COLUMNS, record_from_row};
use crate::meta::*;

pub(super) async fn all_projects(pool: &PgPool) -> Result<Vec<ProjectWithSettings>> {
    let sql = format!("SELECT {PROJECT_COLUMNS} FROM projects ORDER BY organization_id, name, id");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|row| {
            let (project, stored) = project_from_row(row)?;
            let settings = settings_of(&project, &stored)?;
            Ok(ProjectWithSettings { project, settings })
        })
        .collect()
}

pub(super) async fn sessions_last_ingested_before(
    pool: &PgPool,
    project_id: &str,
    ingested_before_ms: i64,
    limit: u32,
) -> Result<Vec<String>> {
    let rows = sqlx::query(
        "SELECT id FROM sessions WHERE project_id = $1 AND last_ingest_at < $2 AND status != 'recording'
         ORDER BY last_ingest_at, id LIMIT $3",
    )
    .bind(project_id)
    .bind(ingested_before_ms)
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await?;
    Ok(rows.iter().map(|r| r.get("id")).collect())
}

pub(super) async fn end_user_sessions(
    pool: &PgPool,
    organization_id: &str,
    user_id: &str,
) -> Result<Vec<SessionRecord>> {
    let sql = format!(
        "SELECT {SESSION_COLUMNS} FROM sessions WHERE organization_id = $1 AND user_id = $2
         ORDER BY started_at, id"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(organization_id)
        .bind(user_id)
        .fetch_all(pool)
        .await?;
    rows.iter().map(record_from_row).collect()
}

pub(super) async fn delete_session(conn: &mut sqlx::PgConnection, id: &str) -> Result<bool> {
    let done = sqlx::query("DELETE FROM sessions WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() > 0)
}
