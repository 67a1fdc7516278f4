//! Session tags on SQLite: changes over many sessions in one `BEGIN IMMEDIATE` transaction, so
//! no batch lands between the read and the write.

use std::collections::BTreeMap;

use sqlx::{Row, SqliteConnection};
use tapedeck_core::session_tags::TagChange;

use crate::annotations::{TagUpdate, TaggedSession};
use crate::meta::Result;

/// Writes a session's whole tag map to `sessions.tags`. Migration 0008's triggers keep the
/// filter table `session_tags` and the free-text index in step with that column, whoever writes
/// it (ingest's `write_session` too).
/// Runs in the caller's transaction.
pub(super) async fn write_session_tags(
    conn: &mut SqliteConnection,
    session_id: &str,
    tags: &BTreeMap<String, String>,
) -> Result<()> {
    sqlx::query("UPDATE sessions SET tags = ? WHERE id = ?")
        .bind(serde_json::to_string(tags)?)
        .bind(session_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Applies `change` to the sessions of `session_ids` within `organization_ids` (the caller's
/// `BEGIN IMMEDIATE` transaction, so no batch lands between the read and the write).
pub(super) async fn update_session_tags(
    conn: &mut SqliteConnection,
    organization_ids: &[String],
    session_ids: &[String],
    change: &TagChange,
    now_ms: i64,
) -> Result<TagUpdate> {
    if organization_ids.is_empty() || session_ids.is_empty() {
        return Ok(TagUpdate::Updated(Vec::new()));
    }
    let ids = vec!["?"; session_ids.len()].join(", ");
    let orgs = vec!["?"; organization_ids.len()].join(", ");
    let sql = format!(
        "SELECT id, organization_id, tags FROM sessions
         WHERE id IN ({ids}) AND organization_id IN ({orgs})"
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for id in session_ids.iter().chain(organization_ids) {
        query = query.bind(id);
    }
    let mut found = BTreeMap::new();
    for row in query.fetch_all(&mut *conn).await? {
        let tags: BTreeMap<String, String> = serde_json::from_str(row.get("tags"))?;
        found.insert(
            row.get::<String, _>("id"),
            (row.get("organization_id"), tags),
        );
    }
    let mut updated = Vec::with_capacity(found.len());
    for id in session_ids {
        let Some((organization_id, before)) = found.remove(id) else {
            continue;
        };
        let Some(tags) = change.apply(&before) else {
            return Ok(TagUpdate::TooManyTags {
                session_id: id.clone(),
            });
        };
        updated.push(TaggedSession {
            id: id.clone(),
            organization_id,
            tags,
        });
    }
    for session in &updated {
        write_session_tags(conn, &session.id, &session.tags).await?;
        sqlx::query("UPDATE sessions SET updated_at = ? WHERE id = ?")
            .bind(now_ms)
            .bind(&session.id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(TagUpdate::Updated(updated))
}
