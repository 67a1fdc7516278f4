//! Projects and their ingest keys on PostgreSQL (`project_ingest_keys`, migration 0012). A key is
//! the primary when `projects.ingest_key` holds its value; every change of the primary updates
//! both tables in one transaction, which first locks the project row, so concurrent rotations
//! and retirements of one project queue rather than interleave.

use sqlx::postgres::PgRow;
use sqlx::{PgConnection, Row};
use tapedeck_core::ids::new_id;

use super::projects::project_from_row;
use super::text::pg_json;
use crate::StoreError;
use crate::ingest_keys::{IngestKey, LiveIngestKey, NewIngestKey, RetireOutcome};
use crate::meta::*;

const KEY_COLUMNS: &str = "k.id AS key_id, k.project_id, k.key, k.created_at AS key_created_at,
    k.retires_at, k.rate_limit_per_minute, (k.key = p.ingest_key) AS is_primary";

fn key_from_row(row: &PgRow) -> Result<IngestKey> {
    let limit: Option<i32> = row.get("rate_limit_per_minute");
    Ok(IngestKey {
        id: row.get("key_id"),
        project_id: row.get("project_id"),
        key: row.get("key"),
        primary: row.get("is_primary"),
        created_at_ms: row.get("key_created_at"),
        retires_at_ms: row.get("retires_at"),
        rate_limit_per_minute: limit
            .map(u32::try_from)
            .transpose()
            .map_err(|e| StoreError::Corrupt(format!("rate_limit_per_minute: {e}")))?,
    })
}

/// Creates a project and its first (primary) ingest key.
pub(super) async fn create_project(
    conn: &mut PgConnection,
    project: &NewProject,
    now_ms: i64,
) -> Result<Project> {
    let created = Project {
        id: new_id(),
        organization_id: project.organization_id.clone(),
        name: project.name.clone(),
        ingest_key: project.ingest_key.clone(),
        allowed_origins: project.allowed_origins.clone(),
        region: project.region.clone(),
    };
    sqlx::query(
        "INSERT INTO projects (id, organization_id, name, ingest_key, allowed_origins, region, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&created.id)
    .bind(&created.organization_id)
    .bind(&created.name)
    .bind(&created.ingest_key)
    .bind(pg_json(&created.allowed_origins)?)
    .bind(&created.region)
    .bind(now_ms)
    .execute(&mut *conn)
    .await
    .map_err(name_taken)?;
    sqlx::query(
        "INSERT INTO project_ingest_keys (id, project_id, key, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(new_id())
    .bind(&created.id)
    .bind(&created.ingest_key)
    .bind(now_ms)
    .execute(&mut *conn)
    .await?;
    Ok(created)
}

/// Names the conflict a client can cause (the name; a random key never repeats) without the
/// database's wording.
fn name_taken(e: sqlx::Error) -> StoreError {
    match StoreError::from(e) {
        StoreError::Conflict(_) => {
            StoreError::Conflict("the organization has a project of that name".into())
        }
        other => other,
    }
}

/// The key whose value is `key` when it is live at `now_ms`, with its project.
pub(super) async fn live_key(
    conn: &mut PgConnection,
    key: &str,
    now_ms: i64,
) -> Result<Option<LiveIngestKey>> {
    let sql = format!(
        "SELECT p.id, p.organization_id, p.name, p.ingest_key, p.allowed_origins, p.region,
                p.settings, {KEY_COLUMNS}
         FROM project_ingest_keys k JOIN projects p ON p.id = k.project_id
         WHERE k.key = $1 AND (k.retires_at IS NULL OR k.retires_at > $2)"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(key)
        .bind(now_ms)
        .fetch_optional(conn)
        .await?;
    row.map(|row| {
        Ok(LiveIngestKey {
            project: project_from_row(&row)?.0,
            key: key_from_row(&row)?,
        })
    })
    .transpose()
}

/// A project's keys, newest first.
pub(super) async fn ingest_keys(
    conn: &mut PgConnection,
    project_id: &str,
) -> Result<Vec<IngestKey>> {
    let sql = format!(
        "SELECT {KEY_COLUMNS} FROM project_ingest_keys k JOIN projects p ON p.id = k.project_id
         WHERE k.project_id = $1 ORDER BY k.created_at DESC, k.id DESC"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(project_id)
        .fetch_all(conn)
        .await?;
    rows.iter().map(key_from_row).collect()
}

async fn key_of_project(
    conn: &mut PgConnection,
    project_id: &str,
    key_id: &str,
) -> Result<IngestKey> {
    let sql = format!(
        "SELECT {KEY_COLUMNS} FROM project_ingest_keys k JOIN projects p ON p.id = k.project_id
         WHERE k.project_id = $1 AND k.id = $2"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(project_id)
        .bind(key_id)
        .fetch_optional(conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    key_from_row(&row)
}

/// Makes `new` the primary key; the keys live until later than `retire_at_ms` now retire
/// then. The new key keeps the old primary's rate limit. Call inside a write transaction.
pub(super) async fn rotate(
    conn: &mut PgConnection,
    project_id: &str,
    new: &NewIngestKey,
    retire_at_ms: i64,
) -> Result<IngestKey> {
    let previous: Option<Option<i32>> = sqlx::query_scalar(
        "SELECT k.rate_limit_per_minute FROM projects p
         LEFT JOIN project_ingest_keys k ON k.key = p.ingest_key WHERE p.id = $1 FOR UPDATE OF p",
    )
    .bind(project_id)
    .fetch_optional(&mut *conn)
    .await?;
    let limit = previous.ok_or(StoreError::NotFound)?;
    // Only ever brings a retirement forward: a key already retiring sooner keeps its time.
    sqlx::query(
        "UPDATE project_ingest_keys SET retires_at = $1
         WHERE project_id = $2 AND (retires_at IS NULL OR retires_at > $3)",
    )
    .bind(retire_at_ms)
    .bind(project_id)
    .bind(retire_at_ms)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO project_ingest_keys (id, project_id, key, created_at, rate_limit_per_minute)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&new.id)
    .bind(project_id)
    .bind(&new.key)
    .bind(new.created_at_ms)
    .bind(limit)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE projects SET ingest_key = $1 WHERE id = $2")
        .bind(&new.key)
        .bind(project_id)
        .execute(&mut *conn)
        .await?;
    key_of_project(conn, project_id, &new.id).await
}

pub(super) async fn set_rate_limit(
    conn: &mut PgConnection,
    project_id: &str,
    key_id: &str,
    limit: Option<u32>,
) -> Result<IngestKey> {
    let done = sqlx::query(
        "UPDATE project_ingest_keys SET rate_limit_per_minute = $1 WHERE project_id = $2 AND id = $3",
    )
    .bind(limit.map(|l| l as i32))
    .bind(project_id)
    .bind(key_id)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    key_of_project(conn, project_id, key_id).await
}

/// Retires a key at `now_ms` unless it is the primary. Call inside a write transaction.
pub(super) async fn retire(
    conn: &mut PgConnection,
    project_id: &str,
    key_id: &str,
    now_ms: i64,
) -> Result<RetireOutcome> {
    sqlx::query("SELECT 1 FROM projects WHERE id = $1 FOR UPDATE")
        .bind(project_id)
        .execute(&mut *conn)
        .await?;
    let key = key_of_project(conn, project_id, key_id).await?;
    if key.primary {
        return Ok(RetireOutcome::Primary);
    }
    if key.retires_at_ms.is_some_and(|at| at <= now_ms) {
        return Ok(RetireOutcome::AlreadyRetired(key));
    }
    sqlx::query("UPDATE project_ingest_keys SET retires_at = $1 WHERE id = $2")
        .bind(now_ms)
        .bind(key_id)
        .execute(&mut *conn)
        .await?;
    Ok(RetireOutcome::Retired(IngestKey {
        retires_at_ms: Some(now_ms),
        ..key
    }))
}
