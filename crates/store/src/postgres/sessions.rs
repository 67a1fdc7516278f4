//! Sessions, segments and searchable session events on PostgreSQL (a batch's search index
//! writes and the sessions list: `search.rs`).
//!
//! Batches of one session may reach several nodes at once. `store_segment` therefore works under
//! the session row's lock: it locks the row (`FOR UPDATE`), or creates it with
//! `ON CONFLICT DO NOTHING` and, when another node won that race, locks the row that node made.
//! Every writer of a session queues on that lock, so the summary is read, folded and written back
//! without losing anyone's batch, and the duplicate check under the lock is exact.

use sqlx::postgres::PgRow;
use sqlx::types::Json;
use sqlx::{PgConnection, PgPool, Row};
use tapedeck_core::session_metadata::merge_metadata;
use tapedeck_core::{BatchFacts, BatchMeta, SessionSummary, Viewport};

use super::search::{STORED_SEARCH_COLUMNS, stored_search};
use super::text::{json_column, pg_json, pg_opt_text, pg_text};
use crate::StoreError;
use crate::meta::*;
use crate::session_search::{Change, StoredSearch};

pub(super) const SESSION_COLUMNS: &str = "id, project_id, organization_id, user_id, user_email, user_name, started_at, ended_at,
    browser_info, viewport_size, urls, event_count, storage_url, storage_size_bytes, tags, metadata, status,
    created_at, updated_at";

pub(super) async fn store_segment(
    conn: &mut PgConnection,
    segment: &NewSegment,
    facts: &BatchFacts,
    meta: &BatchMeta,
) -> Result<SegmentOutcome> {
    // Twice at most: if another node creates the session between our look and our insert, the
    // insert waits for it, does nothing, and the second look locks that node's row.
    for _ in 0..2 {
        if let Some((record, stored)) = locked_session(conn, &segment.session_id).await? {
            if segment_exists(conn, &segment.session_id, &segment.window_id, segment.seq).await? {
                return Ok(SegmentOutcome::Duplicate);
            }
            if record.project_id != segment.project.id {
                return Err(StoreError::Conflict(
                    "the session id belongs to another project".into(),
                ));
            }
            let mut summary = record.summary.clone();
            summary.absorb(facts, meta);
            let metadata = merge_metadata(&record.metadata, meta);
            write_session(conn, segment, &summary, &metadata, false).await?;
            let change = Change {
                before: &record.summary,
                after: &summary,
                stored: &stored,
                is_new: false,
            };
            insert_segment_rows(conn, segment, facts, meta, change).await?;
            return Ok(SegmentOutcome::Stored);
        }
        let summary = SessionSummary::from_first_batch(facts, meta);
        let metadata = merge_metadata(&serde_json::Value::Null, meta);
        if write_session(conn, segment, &summary, &metadata, true).await? {
            let change = Change {
                before: &SessionSummary::default(),
                after: &summary,
                stored: &StoredSearch::default(),
                is_new: true,
            };
            insert_segment_rows(conn, segment, facts, meta, change).await?;
            return Ok(SegmentOutcome::Stored);
        }
    }
    Err(StoreError::Unavailable(
        "the session was deleted while a batch was being stored".into(),
    ))
}

/// The session, locked, with its search state (`search.rs`), in one read.
async fn locked_session(
    conn: &mut PgConnection,
    id: &str,
) -> Result<Option<(SessionRecord, StoredSearch)>> {
    let sql = format!(
        "SELECT {SESSION_COLUMNS}, {STORED_SEARCH_COLUMNS} FROM sessions WHERE id = $1 FOR UPDATE"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.as_ref()
        .map(|row| Ok((record_from_row(row)?, stored_search(row)?)))
        .transpose()
}

pub(super) async fn segment_exists(
    conn: &mut PgConnection,
    session_id: &str,
    window_id: &str,
    seq: u32,
) -> Result<bool> {
    let row =
        sqlx::query("SELECT 1 FROM segments WHERE session_id = $1 AND window_id = $2 AND seq = $3")
            .bind(session_id)
            .bind(window_id)
            .bind(i64::from(seq))
            .fetch_optional(conn)
            .await?;
    Ok(row.is_some())
}

/// Inserts (`is_new`) or updates the session row; returns false when the insert found the row
/// already there (another node created it first).
async fn write_session(
    conn: &mut PgConnection,
    segment: &NewSegment,
    summary: &SessionSummary,
    metadata: &serde_json::Value,
    is_new: bool,
) -> Result<bool> {
    let sql = if is_new {
        "INSERT INTO sessions (user_id, user_email, user_name, started_at, ended_at, duration, browser_info,
            viewport_size, page_views, first_url, urls, event_count, tags, storage_size_bytes, last_ingest_at,
            updated_at, metadata, status, id, project_id, organization_id, storage_url, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, 'recording',
            $18, $19, $20, $21, $22)
         ON CONFLICT (id) DO NOTHING"
    } else {
        "UPDATE sessions SET user_id = $1, user_email = $2, user_name = $3, started_at = $4, ended_at = $5,
            duration = $6, browser_info = $7, viewport_size = $8, page_views = $9, first_url = $10, urls = $11,
            event_count = $12, tags = $13, storage_size_bytes = storage_size_bytes + $14, last_ingest_at = $15,
            updated_at = $16, metadata = $17, status = 'recording'
         WHERE id = $18"
    };
    let viewport = summary.viewport.as_ref().map(pg_json).transpose()?;
    let query = sqlx::query(sql)
        .bind(pg_opt_text(&summary.user_id))
        .bind(pg_opt_text(&summary.user_email))
        .bind(pg_opt_text(&summary.user_name))
        .bind(summary.started_at_ms)
        .bind(summary.ended_at_ms)
        .bind(summary.duration_secs())
        .bind(pg_json(&summary.browser)?)
        .bind(viewport)
        .bind(summary.page_views())
        .bind(summary.first_url().map(pg_text))
        .bind(pg_json(&summary.urls)?)
        .bind(summary.event_count)
        .bind(pg_json(&summary.tags)?)
        .bind(segment.size_bytes)
        .bind(segment.received_at_ms)
        .bind(segment.received_at_ms)
        .bind(pg_json(metadata)?)
        .bind(&segment.session_id);
    let query = if is_new {
        query
            .bind(&segment.project.id)
            .bind(&segment.project.organization_id)
            .bind(session_storage_url(segment))
            .bind(segment.received_at_ms)
    } else {
        query
    };
    Ok(query.execute(conn).await?.rows_affected() == 1)
}

/// The blob prefix under which all of a session's segments live.
fn session_storage_url(segment: &NewSegment) -> String {
    segment
        .blob_key
        .rsplitn(3, '/')
        .nth(2)
        .unwrap_or(&segment.blob_key)
        .to_string()
}

/// The segment row, the batch's `session_events` rows and its search index writes.
async fn insert_segment_rows(
    conn: &mut PgConnection,
    segment: &NewSegment,
    facts: &BatchFacts,
    meta: &BatchMeta,
    change: Change<'_>,
) -> Result<()> {
    let (before, after) = (change.before, change.after);
    sqlx::query(
        "INSERT INTO segments (session_id, window_id, seq, blob_key, size_bytes, first_ts, last_ts, event_count, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&segment.session_id)
    .bind(&segment.window_id)
    .bind(i64::from(segment.seq))
    .bind(&segment.blob_key)
    .bind(segment.size_bytes)
    .bind(facts.first_ts_ms)
    .bind(facts.last_ts_ms)
    .bind(facts.event_count as i64)
    .bind(segment.received_at_ms)
    .execute(&mut *conn)
    .await?;
    // Only visits this batch added become searchable page-view events, so repeats of the
    // current URL in later batches do not pile up.
    let new_visits: Vec<_> = after
        .urls
        .iter()
        .filter(|v| !before.urls.contains(v))
        .collect();
    super::timeline::insert_batch_events(conn, segment, facts, &new_visits).await?;
    super::search::index_batch(conn, segment, facts, meta, &change, &new_visits).await
}

pub(super) async fn session(pool: &PgPool, id: &str) -> Result<Option<SessionRecord>> {
    let sql = format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(pool)
        .await?;
    row.as_ref().map(record_from_row).transpose()
}

pub(super) async fn segments(pool: &PgPool, session_id: &str) -> Result<Vec<SegmentRecord>> {
    let rows = sqlx::query(
        "SELECT s.window_id, s.seq, s.blob_key, s.size_bytes, s.first_ts, s.last_ts FROM segments s
         JOIN (SELECT window_id, MIN(first_ts) AS window_start FROM segments
               WHERE session_id = $1 AND compacted_at IS NULL GROUP BY window_id) w
           ON w.window_id = s.window_id
         WHERE s.session_id = $1 AND s.compacted_at IS NULL ORDER BY w.window_start, s.window_id, s.seq",
    )
    .bind(session_id)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(SegmentRecord {
                window_id: r.get("window_id"),
                seq: u32::try_from(r.get::<i64, _>("seq"))
                    .map_err(|_| StoreError::Corrupt("segment seq out of range".into()))?,
                blob_key: r.get("blob_key"),
                size_bytes: r.get("size_bytes"),
                first_ts_ms: r.get("first_ts"),
                last_ts_ms: r.get("last_ts"),
            })
        })
        .collect()
}

pub(super) async fn mark_idle_sessions(
    conn: &mut PgConnection,
    idle_before_ms: i64,
    now_ms: i64,
) -> Result<u64> {
    let done = sqlx::query(
        "UPDATE sessions SET status = 'ready', updated_at = $1 WHERE status = 'recording' AND last_ingest_at < $2",
    )
    .bind(now_ms)
    .bind(idle_before_ms)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

pub(super) fn record_from_row(row: &PgRow) -> Result<SessionRecord> {
    let viewport = row
        .try_get::<Option<Json<Viewport>>, _>("viewport_size")
        .map_err(|e| StoreError::Corrupt(format!("column viewport_size: {e}")))?;
    let summary = SessionSummary {
        started_at_ms: row.get("started_at"),
        ended_at_ms: row.get("ended_at"),
        event_count: row.get("event_count"),
        urls: json_column(row, "urls")?,
        viewport: viewport.map(|Json(v)| v),
        browser: json_column(row, "browser_info")?,
        user_id: row.get("user_id"),
        user_email: row.get("user_email"),
        user_name: row.get("user_name"),
        tags: json_column(row, "tags")?,
    };
    Ok(SessionRecord {
        id: row.get("id"),
        project_id: row.get("project_id"),
        organization_id: row.get("organization_id"),
        summary,
        status: row.get("status"),
        storage_url: row.get("storage_url"),
        storage_size_bytes: row.get("storage_size_bytes"),
        metadata: json_column(row, "metadata")?,
        created_at_ms: row.get("created_at"),
        updated_at_ms: row.get("updated_at"),
    })
}
