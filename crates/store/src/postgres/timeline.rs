//! The session timeline on PostgreSQL: a batch's `session_events` rows (inserted with its segment,
//! under the session row's lock, in one statement over arrays), entries and activity read back,
//! and notes.

use sqlx::postgres::PgRow;
use sqlx::types::Json;
use sqlx::{PgConnection, PgPool, Row};
use tapedeck_core::timeline::{ACTIVITY_EVENT_TYPE, ActiveSpan, StoredEntry};
use tapedeck_core::{BatchFacts, PageVisit};

use super::text::{pg_json, pg_text};
use crate::meta::*;
use crate::timeline_rows::{activity_of, batch_rows, entry_types, first_visit_ms, stored_entry};

/// Inserts the batch's searchable and timeline rows (the caller's transaction).
pub(super) async fn insert_batch_events(
    conn: &mut PgConnection,
    segment: &NewSegment,
    facts: &BatchFacts,
    new_visits: &[&PageVisit],
) -> Result<()> {
    let previous_url = match first_visit_ms(facts) {
        Some(at_ms) => previous_navigation(conn, segment, at_ms).await?,
        None => None,
    };
    let rows = batch_rows(facts, new_visits, previous_url.as_deref());
    let mut types = Vec::with_capacity(rows.len());
    let mut times = Vec::with_capacity(rows.len());
    let mut labels = Vec::with_capacity(rows.len());
    let mut data = Vec::with_capacity(rows.len());
    let mut search = Vec::with_capacity(rows.len());
    for row in &rows {
        types.push(row.event_type.to_string());
        times.push(row.timestamp);
        labels.push(pg_text(&row.label).into_owned());
        data.push(pg_json(&row.data)?.0.to_string());
        search.push(pg_text(&row.search).into_owned());
    }
    sqlx::query(
        "INSERT INTO session_events (session_id, window_id, event_type, timestamp, label, data, searchable_text)
         SELECT $1, $2, t.event_type, t.ts, t.label, t.data::jsonb, t.search
         FROM UNNEST($3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[])
              WITH ORDINALITY AS t(event_type, ts, label, data, search, n)
         ORDER BY t.n",
    )
    .bind(&segment.session_id)
    .bind(&segment.window_id)
    .bind(types)
    .bind(times)
    .bind(labels)
    .bind(data)
    .bind(search)
    .execute(conn)
    .await?;
    Ok(())
}

/// The URL of the window's last navigation at or before `at_ms`.
async fn previous_navigation(
    conn: &mut PgConnection,
    segment: &NewSegment,
    at_ms: i64,
) -> Result<Option<String>> {
    let row = sqlx::query(
        "SELECT searchable_text FROM session_events
         WHERE session_id = $1 AND window_id = $2 AND event_type = 'navigation' AND timestamp <= $3
         ORDER BY timestamp DESC, id DESC LIMIT 1",
    )
    .bind(&segment.session_id)
    .bind(&segment.window_id)
    .bind(at_ms)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| r.get("searchable_text")))
}

pub(super) async fn timeline_entries(
    pool: &PgPool,
    session_id: &str,
    window_id: Option<&str>,
    limit: u32,
) -> Result<Vec<StoredEntry>> {
    let types: Vec<String> = entry_types().iter().map(|t| t.to_string()).collect();
    let rows = sqlx::query(
        "SELECT id, window_id, event_type, timestamp, label, data FROM session_events
         WHERE session_id = $1 AND event_type = ANY($2) AND ($3::text IS NULL OR window_id = $3)
         ORDER BY timestamp, id LIMIT $4",
    )
    .bind(session_id)
    .bind(types)
    .bind(window_id)
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await?;
    let mut entries = Vec::with_capacity(rows.len());
    for row in rows {
        let Json(data): Json<serde_json::Value> = row.try_get("data")?;
        let entry = stored_entry(
            row.get("id"),
            row.get("window_id"),
            row.get::<&str, _>("event_type"),
            row.get("timestamp"),
            row.get("label"),
            data,
        );
        entries.extend(entry);
    }
    Ok(entries)
}

pub(super) async fn activity(
    pool: &PgPool,
    session_id: &str,
    window_id: Option<&str>,
) -> Result<Option<Vec<ActiveSpan>>> {
    let rows = sqlx::query(
        "SELECT data FROM session_events
         WHERE session_id = $1 AND event_type = $2 AND ($3::text IS NULL OR window_id = $3)",
    )
    .bind(session_id)
    .bind(ACTIVITY_EVENT_TYPE)
    .bind(window_id)
    .fetch_all(pool)
    .await?;
    if rows.is_empty() {
        return Ok(None);
    }
    let mut spans = Vec::new();
    for row in rows {
        let Json(data): Json<serde_json::Value> = row.try_get("data")?;
        spans.extend(activity_of(&data));
    }
    Ok(Some(spans))
}

const NOTE_COLUMNS: &str =
    "n.id, n.session_id, n.at_ms, n.text, n.created_at, n.author_id, u.email";

fn note_from_row(row: &PgRow) -> Note {
    let author_id: Option<String> = row.get("author_id");
    let email: Option<String> = row.get("email");
    Note {
        id: row.get("id"),
        session_id: row.get("session_id"),
        at_ms: row.get("at_ms"),
        text: row.get("text"),
        author: author_id.zip(email).map(|(id, email)| User { id, email }),
        created_at_ms: row.get("created_at"),
    }
}

pub(super) async fn create_note(conn: &mut PgConnection, note: &NewNote) -> Result<Note> {
    // `FOR SHARE` holds the session row until the note is in: a delete waits for us or we see it
    // gone, so the foreign key never fails half-way.
    let done = sqlx::query(
        "INSERT INTO notes (id, session_id, author_id, at_ms, text, created_at)
         SELECT $1, id, $2, $3, $4, $5 FROM sessions WHERE id = $6 FOR SHARE",
    )
    .bind(&note.id)
    .bind(&note.author_id)
    .bind(note.at_ms)
    .bind(pg_text(&note.text))
    .bind(note.created_at_ms)
    .bind(&note.session_id)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(crate::StoreError::NotFound);
    }
    let sql = format!(
        "SELECT {NOTE_COLUMNS} FROM notes n LEFT JOIN users u ON u.id = n.author_id WHERE n.id = $1"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(&note.id)
        .fetch_one(conn)
        .await?;
    Ok(note_from_row(&row))
}

pub(super) async fn notes(pool: &PgPool, session_id: &str) -> Result<Vec<Note>> {
    let sql = format!(
        "SELECT {NOTE_COLUMNS} FROM notes n LEFT JOIN users u ON u.id = n.author_id
         WHERE n.session_id = $1 ORDER BY n.at_ms, n.created_at, n.id"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(session_id)
        .fetch_all(pool)
        .await?;
    Ok(rows.iter().map(note_from_row).collect())
}

pub(super) async fn note(pool: &PgPool, session_id: &str, note_id: &str) -> Result<Option<Note>> {
    let sql = format!(
        "SELECT {NOTE_COLUMNS} FROM notes n LEFT JOIN users u ON u.id = n.author_id
         WHERE n.session_id = $1 AND n.id = $2"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(session_id)
        .bind(note_id)
        .fetch_optional(pool)
        .await?;
    Ok(row.as_ref().map(note_from_row))
}

pub(super) async fn delete_note(pool: &PgPool, session_id: &str, note_id: &str) -> Result<bool> {
    let done = sqlx::query("DELETE FROM notes WHERE session_id = $1 AND id = $2")
        .bind(session_id)
        .bind(note_id)
        .execute(pool)
        .await?;
    Ok(done.rows_affected() > 0)
}
