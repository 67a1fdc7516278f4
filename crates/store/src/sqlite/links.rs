//! Links from sessions to tickets and issues on SQLite (`session_links`, migration 0008).

use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection, SqlitePool};

use crate::StoreError;
use crate::annotations::{NewLink, SessionLink};
use crate::meta::Result;

const LINK_COLUMNS: &str =
    "id, session_id, organization_id, kind, ref, url, created_by, created_at";

fn link_from_row(row: &SqliteRow) -> SessionLink {
    SessionLink {
        id: row.get("id"),
        session_id: row.get("session_id"),
        organization_id: row.get("organization_id"),
        kind: row.get("kind"),
        reference: row.get("ref"),
        url: row.get("url"),
        created_by: row.get("created_by"),
        created_at_ms: row.get("created_at"),
    }
}

pub(super) async fn list_links(pool: &SqlitePool, session_id: &str) -> Result<Vec<SessionLink>> {
    let sql = format!(
        "SELECT {LINK_COLUMNS} FROM session_links WHERE session_id = ? ORDER BY created_at, id"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(session_id)
        .fetch_all(pool)
        .await?;
    Ok(rows.iter().map(link_from_row).collect())
}

/// Adds the link or finds the one with its (session, kind, ref), in the caller's transaction.
pub(super) async fn add_link(
    conn: &mut SqliteConnection,
    link: &NewLink,
) -> Result<(SessionLink, bool)> {
    let inserted = sqlx::query(
        "INSERT INTO session_links (id, session_id, organization_id, kind, ref, url, created_by, created_at)
         SELECT ?, id, organization_id, ?, ?, ?, ?, ? FROM sessions WHERE id = ?
         ON CONFLICT (session_id, kind, ref) DO NOTHING",
    )
    .bind(&link.id)
    .bind(&link.kind)
    .bind(&link.reference)
    .bind(&link.url)
    .bind(&link.created_by)
    .bind(link.created_at_ms)
    .bind(&link.session_id)
    .execute(&mut *conn)
    .await?
    .rows_affected()
        > 0;
    if !inserted && link.url.is_some() {
        sqlx::query(
            "UPDATE session_links SET url = ? WHERE session_id = ? AND kind = ? AND ref = ?",
        )
        .bind(&link.url)
        .bind(&link.session_id)
        .bind(&link.kind)
        .bind(&link.reference)
        .execute(&mut *conn)
        .await?;
    }
    let sql = format!(
        "SELECT {LINK_COLUMNS} FROM session_links WHERE session_id = ? AND kind = ? AND ref = ?"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(&link.session_id)
        .bind(&link.kind)
        .bind(&link.reference)
        .fetch_optional(conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((link_from_row(&row), inserted))
}

pub(super) async fn delete_link(
    pool: &SqlitePool,
    session_id: &str,
    link_id: &str,
) -> Result<Option<SessionLink>> {
    let sql = format!(
        "DELETE FROM session_links WHERE session_id = ? AND id = ? RETURNING {LINK_COLUMNS}"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(session_id)
        .bind(link_id)
        .fetch_optional(pool)
        .await?;
    Ok(row.as_ref().map(link_from_row))
}
