//! Saved views of the sessions list on SQLite (`saved_views`, migration 0009).

use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection, SqlitePool};
use tapedeck_core::saved_views::ViewPatch;

use crate::StoreError;
use crate::annotations::{NewSavedView, SavedView};
use crate::meta::{Result, User};

const VIEW_COLUMNS: &str =
    "v.id, v.organization_id, v.author_id, u.email, v.name, v.filters, v.shared,
    v.created_at, v.updated_at";

fn view_from_row(row: &SqliteRow) -> Result<SavedView> {
    let author_id: Option<String> = row.get("author_id");
    let email: Option<String> = row.get("email");
    Ok(SavedView {
        id: row.get("id"),
        organization_id: row.get("organization_id"),
        author: author_id.zip(email).map(|(id, email)| User { id, email }),
        name: row.get("name"),
        filters: serde_json::from_str(row.get("filters"))?,
        shared: row.get("shared"),
        created_at_ms: row.get("created_at"),
        updated_at_ms: row.get("updated_at"),
    })
}

pub(super) async fn saved_views(
    pool: &SqlitePool,
    user_id: &str,
    organization_ids: &[String],
) -> Result<Vec<SavedView>> {
    if organization_ids.is_empty() {
        return Ok(Vec::new());
    }
    let orgs = vec!["?"; organization_ids.len()].join(", ");
    let sql = format!(
        "SELECT {VIEW_COLUMNS} FROM saved_views v LEFT JOIN users u ON u.id = v.author_id
         WHERE v.organization_id IN ({orgs}) AND (v.author_id = ? OR v.shared)
         ORDER BY v.name, v.id"
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for org in organization_ids {
        query = query.bind(org);
    }
    let rows = query.bind(user_id).fetch_all(pool).await?;
    rows.iter().map(view_from_row).collect()
}

pub(super) async fn saved_view(conn: &mut SqliteConnection, id: &str) -> Result<Option<SavedView>> {
    let sql = format!(
        "SELECT {VIEW_COLUMNS} FROM saved_views v LEFT JOIN users u ON u.id = v.author_id
         WHERE v.id = ?"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(view_from_row).transpose()
}

pub(super) async fn create_saved_view(
    conn: &mut SqliteConnection,
    view: &NewSavedView,
) -> Result<SavedView> {
    sqlx::query(
        "INSERT INTO saved_views (id, organization_id, author_id, name, filters, shared, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&view.id)
    .bind(&view.organization_id)
    .bind(&view.author_id)
    .bind(&view.name)
    .bind(serde_json::to_string(&view.filters)?)
    .bind(view.shared)
    .bind(view.created_at_ms)
    .bind(view.created_at_ms)
    .execute(&mut *conn)
    .await
    .map_err(name_taken)?;
    saved_view(conn, &view.id)
        .await?
        .ok_or(StoreError::NotFound)
}

pub(super) async fn update_saved_view(
    conn: &mut SqliteConnection,
    id: &str,
    patch: &ViewPatch,
    now_ms: i64,
) -> Result<SavedView> {
    let filters = patch
        .filters
        .as_ref()
        .map(serde_json::to_string)
        .transpose()?;
    let done = sqlx::query(
        "UPDATE saved_views SET name = COALESCE(?, name), filters = COALESCE(?, filters),
            shared = COALESCE(?, shared), updated_at = ?
         WHERE id = ?",
    )
    .bind(&patch.name)
    .bind(filters)
    .bind(patch.shared)
    .bind(now_ms)
    .bind(id)
    .execute(&mut *conn)
    .await
    .map_err(name_taken)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    saved_view(conn, id).await?.ok_or(StoreError::NotFound)
}

pub(super) async fn delete_saved_view(pool: &SqlitePool, id: &str) -> Result<bool> {
    let done = sqlx::query("DELETE FROM saved_views WHERE id = ?")
        .bind(id)
        .execute(pool)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// A unique violation here means the author has a view of that name in the organization.
fn name_taken(e: sqlx::Error) -> StoreError {
    match StoreError::from(e) {
        StoreError::Conflict(_) => {
            StoreError::Conflict("you have a view of that name in this organization".into())
        }
        other => other,
    }
}
