//! Sessions, segments and searchable session events on SQLite (the timeline rows of a batch:
//! `timeline.rs`; its search index writes and the sessions list: `search.rs`).

use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection, SqlitePool};
use tapedeck_core::session_metadata::merge_metadata;
use tapedeck_core::{BatchFacts, BatchMeta, BrowserInfo, SessionSummary, Viewport};

use super::search::{STORED_SEARCH_COLUMNS, stored_search};
use crate::StoreError;
use crate::meta::*;
use crate::session_search::{Change, StoredSearch};

pub(super) const SESSION_COLUMNS: &str = "id, project_id, organization_id, user_id, user_email, user_name, started_at, ended_at,
    browser_info, viewport_size, urls, event_count, storage_url, storage_size_bytes, tags, metadata, status,
    created_at, updated_at";

pub(super) async fn store_segment(
    conn: &mut SqliteConnection,
    segment: &NewSegment,
    facts: &BatchFacts,
    meta: &BatchMeta,
) -> Result<SegmentOutcome> {
    if segment_exists(conn, &segment.session_id, &segment.window_id, segment.seq).await? {
        return Ok(SegmentOutcome::Duplicate);
    }
    // The session with its search state (`search.rs`), in one read.
    let sql =
        format!("SELECT {SESSION_COLUMNS}, {STORED_SEARCH_COLUMNS} FROM sessions WHERE id = ?");
    let existing = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(&segment.session_id)
        .fetch_optional(&mut *conn)
        .await?;
    let existing = existing
        .map(|row| Ok::<_, StoreError>((record_from_row(&row)?, stored_search(&row)?)))
        .transpose()?;
    match existing {
        Some((record, _)) if record.project_id != segment.project.id => Err(StoreError::Conflict(
            "the session id belongs to another project".into(),
        )),
        Some((record, stored)) => {
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
            Ok(SegmentOutcome::Stored)
        }
        None => {
            let summary = SessionSummary::from_first_batch(facts, meta);
            let metadata = merge_metadata(&serde_json::Value::Null, meta);
            write_session(conn, segment, &summary, &metadata, true).await?;
            let change = Change {
                before: &SessionSummary::default(),
                after: &summary,
                stored: &StoredSearch::default(),
                is_new: true,
            };
            insert_segment_rows(conn, segment, facts, meta, change).await?;
            Ok(SegmentOutcome::Stored)
        }
    }
}

pub(super) async fn segment_exists(
    conn: &mut SqliteConnection,
    session_id: &str,
    window_id: &str,
    seq: u32,
) -> Result<bool> {
    let row =
        sqlx::query("SELECT 1 FROM segments WHERE session_id = ? AND window_id = ? AND seq = ?")
            .bind(session_id)
            .bind(window_id)
            .bind(seq)
            .fetch_optional(conn)
            .await?;
    Ok(row.is_some())
}

async fn write_session(
    conn: &mut SqliteConnection,
    segment: &NewSegment,
    summary: &SessionSummary,
    metadata: &serde_json::Value,
    is_new: bool,
) -> Result<()> {
    let sql = if is_new {
        "INSERT INTO sessions (user_id, user_email, user_name, started_at, ended_at, duration, browser_info,
            viewport_size, page_views, first_url, urls, event_count, tags, storage_size_bytes, last_ingest_at,
            updated_at, metadata, status, id, project_id, organization_id, storage_url, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'recording', ?, ?, ?, ?, ?)"
    } else {
        "UPDATE sessions SET user_id = ?, user_email = ?, user_name = ?, started_at = ?, ended_at = ?, duration = ?,
            browser_info = ?, viewport_size = ?, page_views = ?, first_url = ?, urls = ?, event_count = ?, tags = ?,
            storage_size_bytes = storage_size_bytes + ?, last_ingest_at = ?, updated_at = ?,
            metadata = ?, status = 'recording'
         WHERE id = ?"
    };
    let query = sqlx::query(sql)
        .bind(&summary.user_id)
        .bind(&summary.user_email)
        .bind(&summary.user_name)
        .bind(summary.started_at_ms)
        .bind(summary.ended_at_ms)
        .bind(summary.duration_secs())
        .bind(serde_json::to_string(&summary.browser)?)
        .bind(
            summary
                .viewport
                .map(|v| serde_json::to_string(&v))
                .transpose()?,
        )
        .bind(summary.page_views())
        .bind(summary.first_url())
        .bind(serde_json::to_string(&summary.urls)?)
        .bind(summary.event_count)
        .bind(serde_json::to_string(&summary.tags)?)
        .bind(segment.size_bytes)
        .bind(segment.received_at_ms)
        .bind(segment.received_at_ms)
        .bind(metadata.to_string())
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
    query.execute(conn).await?;
    Ok(())
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
    conn: &mut SqliteConnection,
    segment: &NewSegment,
    facts: &BatchFacts,
    meta: &BatchMeta,
    change: Change<'_>,
) -> Result<()> {
    let (before, after) = (change.before, change.after);
    sqlx::query(
        "INSERT INTO segments (session_id, window_id, seq, blob_key, size_bytes, first_ts, last_ts, event_count, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&segment.session_id)
    .bind(&segment.window_id)
    .bind(segment.seq)
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

pub(super) async fn session(pool: &SqlitePool, id: &str) -> Result<Option<SessionRecord>> {
    let sql = format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE id = ?");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(pool)
        .await?;
    row.map(|r| record_from_row(&r)).transpose()
}

pub(super) async fn segments(pool: &SqlitePool, session_id: &str) -> Result<Vec<SegmentRecord>> {
    let rows = sqlx::query(
        "SELECT s.window_id, s.seq, s.blob_key, s.size_bytes, s.first_ts, s.last_ts FROM segments s
         JOIN (SELECT window_id, MIN(first_ts) AS window_start FROM segments
               WHERE session_id = ? AND compacted_at IS NULL GROUP BY window_id) w
           ON w.window_id = s.window_id
         WHERE s.session_id = ? AND s.compacted_at IS NULL ORDER BY w.window_start, s.window_id, s.seq",
    )
    .bind(session_id)
    .bind(session_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| SegmentRecord {
            window_id: r.get("window_id"),
            seq: r.get("seq"),
            blob_key: r.get("blob_key"),
            size_bytes: r.get("size_bytes"),
            first_ts_ms: r.get("first_ts"),
            last_ts_ms: r.get("last_ts"),
        })
        .collect())
}

/// Marks idle sessions ready and enqueues their compaction (the caller's transaction).
pub(super) async fn mark_idle_sessions(
    conn: &mut SqliteConnection,
    idle_before_ms: i64,
    now_ms: i64,
) -> Result<u64> {
    sqlx::query(
        "INSERT INTO jobs (kind, target, run_after, created_at)
         SELECT ?, id, ?, ? FROM sessions WHERE status = 'recording' AND last_ingest_at < ?
         ON CONFLICT DO NOTHING",
    )
    .bind(crate::JOB_COMPACT)
    .bind(now_ms)
    .bind(now_ms)
    .bind(idle_before_ms)
    .execute(&mut *conn)
    .await?;
    let done = sqlx::query(
        "UPDATE sessions SET status = 'ready', updated_at = ? WHERE status = 'recording' AND last_ingest_at < ?",
    )
    .bind(now_ms)
    .bind(idle_before_ms)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected())
}

pub(super) fn record_from_row(row: &SqliteRow) -> Result<SessionRecord> {
    let viewport: Option<String> = row.get("viewport_size");
    let summary = SessionSummary {
        started_at_ms: row.get("started_at"),
        ended_at_ms: row.get("ended_at"),
        event_count: row.get("event_count"),
        urls: serde_json::from_str(row.get("urls"))?,
        viewport: viewport
            .map(|v| serde_json::from_str::<Viewport>(&v))
            .transpose()?,
        browser: serde_json::from_str::<BrowserInfo>(row.get("browser_info"))?,
        user_id: row.get("user_id"),
        user_email: row.get("user_email"),
        user_name: row.get("user_name"),
        tags: serde_json::from_str(row.get("tags"))?,
    };
    Ok(SessionRecord {
        id: row.get("id"),
        project_id: row.get("project_id"),
        organization_id: row.get("organization_id"),
        summary,
        status: row.get("status"),
        storage_url: row.get("storage_url"),
        storage_size_bytes: row.get("storage_size_bytes"),
        metadata: serde_json::from_str(row.get("metadata"))?,
        created_at_ms: row.get("created_at"),
        updated_at_ms: row.get("updated_at"),
    })
}
