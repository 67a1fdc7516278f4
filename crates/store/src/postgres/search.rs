//! Session search on PostgreSQL: what a batch writes into the search columns and tables (the
//! caller's transaction, under the session row's lock), and the sessions list run from
//! `session_search::build_list`.

use std::collections::BTreeMap;

use sqlx::postgres::PgRow;
use sqlx::{PgConnection, PgPool, Row};
use tapedeck_core::{BatchFacts, BatchMeta, PageVisit};

use super::sessions::{SESSION_COLUMNS, record_from_row};
use super::text::{json_column, pg_json, pg_text};
use crate::meta::*;
use crate::session_search::{
    Bind, Change, Dialect, LinkRef, Plan, SessionCounts, SessionListItem, StoredSearch, build_list,
    plan_batch,
};

/// The search state `store_segment` reads with the session: its search columns, experiments
/// and its links' refs (joined by U+001F).
pub(super) const STORED_SEARCH_COLUMNS: &str = "search_text, search_console, search_labels, experiments,
    (SELECT string_agg(ref, chr(31)) FROM session_links l WHERE l.session_id = sessions.id) AS link_refs";

pub(super) fn stored_search(row: &PgRow) -> Result<StoredSearch> {
    let refs: Option<String> = row.get("link_refs");
    Ok(StoredSearch {
        text: row.get("search_text"),
        console: row.get("search_console"),
        labels: row.get("search_labels"),
        experiments: json_column(row, "experiments")?,
        link_refs: refs
            .map(|r| r.split('\u{1f}').map(str::to_string).collect())
            .unwrap_or_default(),
    })
}

/// Writes the batch's counters, search words, URLs, facets and SDK ticket link; the session row
/// exists already (written with the batch's summary) and is locked by this transaction.
pub(super) async fn index_batch(
    conn: &mut PgConnection,
    segment: &NewSegment,
    facts: &BatchFacts,
    meta: &BatchMeta,
    change: &Change<'_>,
    new_visits: &[&PageVisit],
) -> Result<()> {
    let session_id = &segment.session_id;
    let organization_id = &segment.project.organization_id;
    let write = plan_batch(change, facts, meta, new_visits);
    sqlx::query(
        "UPDATE sessions SET error_count = error_count + $1, console_error_count = console_error_count + $2,
            failed_request_count = failed_request_count + $3, rage_click_count = rage_click_count + $4,
            browser = $5, os = $6, device_type = $7, viewport_width = $8, experiments = $9,
            search_text = coalesce($10, search_text), search_console = coalesce($11, search_console),
            search_labels = coalesce($12, search_labels)
         WHERE id = $13",
    )
    .bind(write.counts.errors)
    .bind(write.counts.console_errors)
    .bind(write.counts.failed_requests)
    .bind(write.counts.rage_clicks)
    .bind(pg_text(&write.browser))
    .bind(pg_text(&write.os))
    .bind(pg_text(&write.device_type))
    .bind(write.viewport_width)
    .bind(pg_json(&write.experiments)?)
    .bind(&write.text)
    .bind(&write.console)
    .bind(&write.labels)
    .bind(session_id)
    .execute(&mut *conn)
    .await?;
    if !write.new_urls.is_empty() {
        // No unique index (URLs may outgrow a btree entry): the row lock makes this check exact.
        let urls: Vec<String> = write
            .new_urls
            .iter()
            .map(|u| pg_text(u).into_owned())
            .collect();
        sqlx::query(
            "INSERT INTO session_urls (session_id, organization_id, url)
             SELECT $1, $2, u FROM (SELECT DISTINCT unnest($3::text[]) AS u) n
             WHERE NOT EXISTS (SELECT 1 FROM session_urls WHERE session_id = $1 AND url = n.u)",
        )
        .bind(session_id)
        .bind(organization_id)
        .bind(&urls)
        .execute(&mut *conn)
        .await?;
    }
    if !write.replace_facets.is_empty() {
        let facets: Vec<&str> = write.replace_facets.to_vec();
        sqlx::query("DELETE FROM session_facets WHERE session_id = $1 AND facet = ANY($2)")
            .bind(session_id)
            .bind(&facets)
            .execute(&mut *conn)
            .await?;
    }
    if !write.facets.is_empty() {
        let names: Vec<&str> = write.facets.iter().map(|(f, _)| *f).collect();
        let values: Vec<String> = write
            .facets
            .iter()
            .map(|(_, v)| pg_text(v).into_owned())
            .collect();
        sqlx::query(
            "INSERT INTO session_facets (session_id, organization_id, facet, value)
             SELECT $1, $2, f, v FROM unnest($3::text[], $4::text[]) AS t(f, v)
             ON CONFLICT DO NOTHING",
        )
        .bind(session_id)
        .bind(organization_id)
        .bind(&names)
        .bind(&values)
        .execute(&mut *conn)
        .await?;
    }
    if let Some((reference, url)) = &write.ticket {
        // Idempotent per (session, kind, ref): every batch of the page repeats the ticket.
        sqlx::query(
            "INSERT INTO session_links (id, session_id, organization_id, kind, ref, url, created_by, created_at)
             VALUES ($1, $2, $3, 'ticket', $4, $5, NULL, $6) ON CONFLICT DO NOTHING",
        )
        .bind(tapedeck_core::ids::new_id())
        .bind(session_id)
        .bind(organization_id)
        .bind(pg_text(reference))
        .bind(url.as_deref().map(pg_text))
        .bind(segment.received_at_ms)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

const LIST_EXTRA_COLUMNS: &str =
    "error_count, console_error_count, failed_request_count, rage_click_count, experiments";

pub(super) async fn list_sessions(
    pool: &PgPool,
    query: &SessionQuery,
) -> Result<Vec<SessionListItem>> {
    let columns = format!("{SESSION_COLUMNS}, {LIST_EXTRA_COLUMNS}");
    let Some((sql, binds)) = build_list(query, &columns, Dialect::Postgres, Plan::Walk) else {
        return Ok(Vec::new());
    };
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for bind in binds {
        q = match bind {
            Bind::Text(v) => q.bind(pg_text(&v).into_owned()),
            Bind::Int(v) => q.bind(v),
            Bind::Real(v) => q.bind(v),
        };
    }
    let rows = q.fetch_all(pool).await?;
    let mut items = Vec::with_capacity(rows.len());
    for row in &rows {
        items.push(SessionListItem {
            record: record_from_row(row)?,
            counts: SessionCounts {
                errors: row.get("error_count"),
                console_errors: row.get("console_error_count"),
                failed_requests: row.get("failed_request_count"),
                rage_clicks: row.get("rage_click_count"),
            },
            experiments: json_column(row, "experiments")?,
            links: Vec::new(),
        });
    }
    let mut links = links_of(pool, &items).await?;
    for item in &mut items {
        item.links = links.remove(&item.record.id).unwrap_or_default();
    }
    Ok(items)
}

/// The links of the listed sessions, oldest first.
async fn links_of(
    pool: &PgPool,
    items: &[SessionListItem],
) -> Result<BTreeMap<String, Vec<LinkRef>>> {
    let mut out: BTreeMap<String, Vec<LinkRef>> = BTreeMap::new();
    if items.is_empty() {
        return Ok(out);
    }
    let ids: Vec<&str> = items.iter().map(|i| i.record.id.as_str()).collect();
    let rows = sqlx::query(
        "SELECT session_id, kind, ref, url FROM session_links WHERE session_id = ANY($1)
         ORDER BY created_at, id",
    )
    .bind(&ids)
    .fetch_all(pool)
    .await?;
    for row in rows {
        out.entry(row.get("session_id")).or_default().push(LinkRef {
            kind: row.get("kind"),
            reference: row.get("ref"),
            url: row.get("url"),
        });
    }
    Ok(out)
}
