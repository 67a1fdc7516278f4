//! Session tags on PostgreSQL: changes over many sessions under their rows' locks.

use std::collections::BTreeMap;

use sqlx::{PgConnection, Row};
use tapedeck_core::session_tags::TagChange;

use super::text::{json_column, pg_json};
use crate::annotations::{TagUpdate, TaggedSession};
use crate::meta::Result;

/// Writes a session's whole tag map to `sessions.tags`. Migration 0008's triggers keep the
/// filter table `session_tags` and the free-text index in step with that column, whoever writes
/// it (ingest's `write_session` too).
/// Runs in the caller's transaction, which holds the session row's lock.
pub(super) async fn write_session_tags(
    conn: &mut PgConnection,
    session_id: &str,
    tags: &BTreeMap<String, String>,
) -> Result<()> {
    sqlx::query("UPDATE sessions SET tags = $1 WHERE id = $2")
        .bind(pg_json(tags)?)
        .bind(session_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Applies `change` to the sessions of `session_ids` within `organization_ids` (the caller's
/// transaction). The rows are locked in id order, as ingest locks a session's row before
/// folding a batch in, so neither loses the other's tags and two bulk changes cannot deadlock.
pub(super) async fn update_session_tags(
    conn: &mut PgConnection,
    organization_ids: &[String],
    session_ids: &[String],
    change: &TagChange,
    now_ms: i64,
) -> Result<TagUpdate> {
    let rows = sqlx::query(
        "SELECT id, organization_id, tags FROM sessions
         WHERE id = ANY($1) AND organization_id = ANY($2)
         ORDER BY id FOR UPDATE",
    )
    .bind(session_ids)
    .bind(organization_ids)
    .fetch_all(&mut *conn)
    .await?;
    let mut found = BTreeMap::new();
    for row in &rows {
        let tags: BTreeMap<String, String> = json_column(row, "tags")?;
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
        sqlx::query("UPDATE sessions SET updated_at = $1 WHERE id = $2")
            .bind(now_ms)
            .bind(&session.id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(TagUpdate::Updated(updated))
}
