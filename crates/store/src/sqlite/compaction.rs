//! Recordings (compacted windows) and the compaction swap on SQLite.

use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection, SqlitePool};

use crate::StoreError;
use crate::compaction_meta::{CompactionSwap, RecordingRecord};
use crate::meta::Result;

const RECORDING_COLUMNS: &str =
    "session_id, window_id, blob_key, format_version, generation, size_bytes,
    block_index, first_ts, last_ts, event_count, compacted_through_seq, created_at";

pub(super) async fn recordings(
    pool: &SqlitePool,
    session_id: &str,
) -> Result<Vec<RecordingRecord>> {
    let sql = format!("SELECT {RECORDING_COLUMNS} FROM recordings WHERE session_id = ?");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(session_id)
        .fetch_all(pool)
        .await?;
    rows.iter().map(recording_from_row).collect()
}

pub(super) async fn replace_segments_with_recording(
    conn: &mut SqliteConnection,
    swap: &CompactionSwap,
) -> Result<Vec<String>> {
    let session = sqlx::query("SELECT 1 FROM sessions WHERE id = ?")
        .bind(&swap.session_id)
        .fetch_optional(&mut *conn)
        .await?;
    if session.is_none() {
        return Err(StoreError::NotFound);
    }
    let mut unreferenced = Vec::new();
    for window in &swap.windows {
        let r = &window.recording;
        let current = sqlx::query(
            "SELECT generation, blob_key FROM recordings WHERE session_id = ? AND window_id = ?",
        )
        .bind(&swap.session_id)
        .bind(&r.window_id)
        .fetch_optional(&mut *conn)
        .await?;
        let current: Option<(i64, String)> =
            current.map(|row| (row.get("generation"), row.get("blob_key")));
        if current.as_ref().map(|c| c.0) != window.replaces_generation {
            return Err(StoreError::Conflict(format!(
                "window {} was compacted by another worker",
                r.window_id
            )));
        }
        if let Some((_, old_key)) = current.filter(|c| c.1 != r.blob_key) {
            unreferenced.push(old_key);
        }
        let sql = format!(
            "INSERT INTO recordings ({RECORDING_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (session_id, window_id) DO UPDATE SET blob_key = excluded.blob_key,
               format_version = excluded.format_version, generation = excluded.generation,
               size_bytes = excluded.size_bytes, block_index = excluded.block_index,
               first_ts = excluded.first_ts, last_ts = excluded.last_ts,
               event_count = excluded.event_count,
               compacted_through_seq = excluded.compacted_through_seq,
               created_at = excluded.created_at"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&swap.session_id)
            .bind(&r.window_id)
            .bind(&r.blob_key)
            .bind(r.format_version)
            .bind(r.generation)
            .bind(r.size_bytes)
            .bind(serde_json::to_string(&r.index)?)
            .bind(r.first_ts_ms)
            .bind(r.last_ts_ms)
            .bind(r.event_count)
            .bind(r.compacted_through_seq)
            .bind(r.created_at_ms)
            .execute(&mut *conn)
            .await?;
        let compacted = sqlx::query(
            "UPDATE segments SET compacted_at = ?
             WHERE session_id = ? AND window_id = ? AND compacted_at IS NULL
               AND seq IN (SELECT value FROM json_each(?))
             RETURNING blob_key",
        )
        .bind(swap.now_ms)
        .bind(&swap.session_id)
        .bind(&r.window_id)
        .bind(serde_json::to_string(&window.segment_seqs)?)
        .fetch_all(&mut *conn)
        .await?;
        unreferenced.extend(compacted.iter().map(|row| row.get::<String, _>("blob_key")));
    }
    sqlx::query(
        "UPDATE sessions SET storage_size_bytes =
           (SELECT COALESCE(SUM(size_bytes), 0) FROM recordings WHERE session_id = ?1)
           + (SELECT COALESCE(SUM(size_bytes), 0) FROM segments WHERE session_id = ?1 AND compacted_at IS NULL)
         WHERE id = ?1",
    )
    .bind(&swap.session_id)
    .execute(&mut *conn)
    .await?;
    Ok(unreferenced)
}

fn recording_from_row(row: &SqliteRow) -> Result<RecordingRecord> {
    Ok(RecordingRecord {
        session_id: row.get("session_id"),
        window_id: row.get("window_id"),
        blob_key: row.get("blob_key"),
        format_version: row.get("format_version"),
        generation: row.get("generation"),
        size_bytes: row.get("size_bytes"),
        index: serde_json::from_str(row.get("block_index"))?,
        first_ts_ms: row.get("first_ts"),
        last_ts_ms: row.get("last_ts"),
        event_count: row.get("event_count"),
        compacted_through_seq: row.get("compacted_through_seq"),
        created_at_ms: row.get("created_at"),
    })
}
