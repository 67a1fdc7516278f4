//! The session timeline on SQLite: a batch's `session_events` rows (inserted with its segment,
//! in one multi-row statement per few hundred rows), entries and activity read back, and notes.

use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection, SqlitePool};
use tapedeck_core::timeline::{ACTIVITY_EVENT_TYPE, ActiveSpan, StoredEntry};
use tapedeck_core::{BatchFacts, PageVisit};

use crate::meta::*;
use crate::timeline_rows::{activity_of, batch_rows, entry_types, first_visit_ms, stored_entry};

/// Rows per INSERT: 7 parameters each, far below SQLite's 32,766.
const ROWS_PER_INSERT: usize = 400;

/// Inserts the batch's searchable and timeline rows (the caller's transaction).
pub(super) async fn insert_batch_events(
    conn: &mut SqliteConnection,
    segment: &NewSegment,
    facts: &BatchFacts,
    new_visits: &[&PageVisit],
) -> Result<()> {
    let previous_url = match first_visit_ms(facts) {
        Some(at_ms) => previous_navigation(conn, segment, at_ms).await?,
        None => None,
    };
    let rows = batch_rows(facts, new_visits, previous_url.as_deref());
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let values = vec!["(?, ?, ?, ?, ?, ?, ?)"; chunk.len()].join(", ");
        let sql = format!(
            "INSERT INTO session_events (session_id, window_id, event_type, timestamp, label, data, searchable_text)
             VALUES {values}"
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for row in chunk {
            query = query
                .bind(&segment.session_id)
                .bind(&segment.window_id)
                .bind(row.event_type)
                .bind(row.timestamp)
                .bind(&row.label)
                .bind(row.data.to_string())
                .bind(&row.search);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// The URL of the window's last navigation at or before `at_ms`.
async fn previous_navigation(
    conn: &mut SqliteConnection,
    segment: &NewSegment,
    at_ms: i64,
) -> Result<Option<String>> {
    let row = sqlx::query(
        "SELECT searchable_text FROM session_events
         WHERE session_id = ? AND window_id = ? AND event_type = 'navigation' AND timestamp <= ?
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
    pool: &SqlitePool,
    session_id: &str,
    window_id: Option<&str>,
    limit: u32,
) -> Result<Vec<StoredEntry>> {
    let types = entry_types();
    let placeholders = vec!["?"; types.len()].join(", ");
    let window = if window_id.is_some() {
        "AND window_id = ?"
    } else {
        ""
    };
    let sql = format!(
        "SELECT id, window_id, event_type, timestamp, label, data FROM session_events
         WHERE session_id = ? AND event_type IN ({placeholders}) {window}
         ORDER BY timestamp, id LIMIT ?"
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(session_id);
    for t in types {
        query = query.bind(t);
    }
    if let Some(window_id) = window_id {
        query = query.bind(window_id);
    }
    let rows = query.bind(limit).fetch_all(pool).await?;
    let mut entries = Vec::with_capacity(rows.len());
    for row in rows {
        let data: String = row.get("data");
        let entry = stored_entry(
            row.get("id"),
            row.get("window_id"),
            row.get::<&str, _>("event_type"),
            row.get("timestamp"),
            row.get("label"),
            serde_json::from_str(&data)?,
        );
        entries.extend(entry);
    }
    Ok(entries)
}

pub(super) async fn activity(
    pool: &SqlitePool,
    session_id: &str,
    window_id: Option<&str>,
) -> Result<Option<Vec<ActiveSpan>>> {
    let window = if window_id.is_some() {
        "AND window_id = ?"
    } else {
        ""
    };
    let sql =
        format!("SELECT data FROM session_events WHERE session_id = ? AND event_type = ? {window}");
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(session_id)
        .bind(ACTIVITY_EVENT_TYPE);
    if let Some(window_id) = window_id {
        query = query.bind(window_id);
    }
    let rows = query.fetch_all(pool).await?;
    if rows.is_empty() {
        return Ok(None);
    }
    let mut spans = Vec::new();
    for row in rows {
        let data: String = row.get("data");
        spans.extend(activity_of(&serde_json::from_str(&data)?));
    }
    Ok(Some(spans))
}

const NOTE_COLUMNS: &str =
    "n.id, n.session_id, n.at_ms, n.text, n.created_at, n.author_id, u.email";

fn note_from_row(row: &SqliteRow) -> Note {
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

pub(super) async fn create_note(conn: &mut SqliteConnection, note: &NewNote) -> Result<Note> {
    let done = sqlx::query(
        "INSERT INTO notes (id, session_id, author_id, at_ms, text, created_at)
         SELECT ?, id, ?, ?, ?, ? FROM sessions WHERE id = ?",
    )
    .bind(&note.id)
    .bind(&note.author_id)
    .bind(note.at_ms)
    .bind(&note.text)
    .bind(note.created_at_ms)
    .bind(&note.session_id)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(crate::StoreError::NotFound);
    }
    let sql = format!(
        "SELECT {NOTE_COLUMNS} FROM notes n LEFT JOIN users u ON u.id = n.author_id WHERE n.id = ?"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(&note.id)
        .fetch_one(conn)
        .await?;
    Ok(note_from_row(&row))
}

pub(super) async fn notes(pool: &SqlitePool, session_id: &str) -> Result<Vec<Note>> {
    let sql = format!(
        "SELECT {NOTE_COLUMNS} FROM notes n LEFT JOIN users u ON u.id = n.author_id
         WHERE n.session_id = ? ORDER BY n.at_ms, n.created_at, n.id"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(session_id)
        .fetch_all(pool)
        .await?;
    Ok(rows.iter().map(note_from_row).collect())
}

pub(super) async fn note(
    pool: &SqlitePool,
    session_id: &str,
    note_id: &str,
) -> Result<Option<Note>> {
    let sql = format!(
        "SELECT {NOTE_COLUMNS} FROM notes n LEFT JOIN users u ON u.id = n.author_id
         WHERE n.session_id = ? AND n.id = ?"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(session_id)
        .bind(note_id)
        .fetch_optional(pool)
        .await?;
    Ok(row.as_ref().map(note_from_row))
}

pub(super) async fn delete_note(
    pool: &SqlitePool,
    session_id: &str,
    note_id: &str,
) -> Result<bool> {
    let done = sqlx::query("DELETE FROM notes WHERE session_id = ? AND id = ?")
        .bind(session_id)
        .bind(note_id)
        .execute(pool)
        .await?;
    Ok(done.rows_affected() > 0)
}
