//! Session search on SQLite: what a batch writes into the search columns and tables (the
//! caller's transaction), and the sessions list run from `session_search::build_list`.

use std::collections::BTreeMap;

use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection, SqlitePool};
use tapedeck_core::{BatchFacts, BatchMeta, PageVisit};

use super::sessions::{SESSION_COLUMNS, record_from_row};
use crate::meta::*;
use crate::session_search::{
    Bind, Change, DRIVE_MAX_ROWS, Dialect, LinkRef, Plan, SessionCounts, SessionListItem,
    StoredSearch, build_list, build_probe, lookup_count, plan_batch,
};

/// The search state `store_segment` reads with the session: its search columns, experiments
/// and its links' refs (joined by U+001F).
pub(super) const STORED_SEARCH_COLUMNS: &str = "search_text, search_console, search_labels, experiments,
    (SELECT group_concat(ref, char(31)) FROM session_links l WHERE l.session_id = sessions.id) AS link_refs";

pub(super) fn stored_search(row: &SqliteRow) -> Result<StoredSearch> {
    let refs: Option<String> = row.get("link_refs");
    Ok(StoredSearch {
        text: row.get("search_text"),
        console: row.get("search_console"),
        labels: row.get("search_labels"),
        experiments: serde_json::from_str(row.get("experiments"))?,
        link_refs: refs
            .map(|r| r.split('\u{1f}').map(str::to_string).collect())
            .unwrap_or_default(),
    })
}

/// Writes the batch's counters, search words, URLs, facets and SDK ticket link; the session row
/// exists already (written with the batch's summary).
pub(super) async fn index_batch(
    conn: &mut SqliteConnection,
    segment: &NewSegment,
    facts: &BatchFacts,
    meta: &BatchMeta,
    change: &Change<'_>,
    new_visits: &[&PageVisit],
) -> Result<()> {
    let session_id = &segment.session_id;
    let organization_id = &segment.project.organization_id;
    let write = plan_batch(change, facts, meta, new_visits);
    // The search columns are named only when they change, so the FTS trigger runs only then.
    let changed = write.text.is_some() || write.console.is_some() || write.labels.is_some();
    let search_columns = if changed {
        ", search_text = coalesce(?, search_text), search_console = coalesce(?, search_console),
            search_labels = coalesce(?, search_labels)"
    } else {
        ""
    };
    let sql = format!(
        "UPDATE sessions SET error_count = error_count + ?, console_error_count = console_error_count + ?,
            failed_request_count = failed_request_count + ?, rage_click_count = rage_click_count + ?,
            browser = ?, os = ?, device_type = ?, viewport_width = ?, experiments = ?{search_columns}
         WHERE id = ?"
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(write.counts.errors)
        .bind(write.counts.console_errors)
        .bind(write.counts.failed_requests)
        .bind(write.counts.rage_clicks)
        .bind(&write.browser)
        .bind(&write.os)
        .bind(&write.device_type)
        .bind(write.viewport_width)
        .bind(serde_json::to_string(&write.experiments)?);
    if changed {
        query = query
            .bind(&write.text)
            .bind(&write.console)
            .bind(&write.labels);
    }
    query.bind(session_id).execute(&mut *conn).await?;
    // Multi-row statements: a batch adds a few URLs and facets, bounded by the batch caps
    // (URL history 500, entries 1,000), far below SQLite's 32,766 parameters.
    if !write.new_urls.is_empty() {
        let values = vec!["(?, ?, ?)"; write.new_urls.len()].join(", ");
        let sql = format!(
            "INSERT INTO session_urls (session_id, organization_id, url) VALUES {values}
             ON CONFLICT DO NOTHING"
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for url in &write.new_urls {
            query = query.bind(session_id).bind(organization_id).bind(url);
        }
        query.execute(&mut *conn).await?;
    }
    if !write.replace_facets.is_empty() {
        let facets = vec!["?"; write.replace_facets.len()].join(", ");
        let sql =
            format!("DELETE FROM session_facets WHERE session_id = ? AND facet IN ({facets})");
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(session_id);
        for facet in &write.replace_facets {
            query = query.bind(*facet);
        }
        query.execute(&mut *conn).await?;
    }
    if !write.facets.is_empty() {
        let values = vec!["(?, ?, ?, ?)"; write.facets.len()].join(", ");
        let sql = format!(
            "INSERT INTO session_facets (session_id, organization_id, facet, value) VALUES {values}
             ON CONFLICT DO NOTHING"
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (facet, value) in &write.facets {
            query = query
                .bind(session_id)
                .bind(organization_id)
                .bind(*facet)
                .bind(value);
        }
        query.execute(&mut *conn).await?;
    }
    if let Some((reference, url)) = &write.ticket {
        // Idempotent per (session, kind, ref): every batch of the page repeats the ticket.
        sqlx::query(
            "INSERT INTO session_links (id, session_id, organization_id, kind, ref, url, created_by, created_at)
             VALUES (?, ?, ?, 'ticket', ?, ?, NULL, ?) ON CONFLICT DO NOTHING",
        )
        .bind(tapedeck_core::ids::new_id())
        .bind(session_id)
        .bind(organization_id)
        .bind(reference)
        .bind(url)
        .bind(segment.received_at_ms)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

const LIST_EXTRA_COLUMNS: &str =
    "error_count, console_error_count, failed_request_count, rage_click_count, experiments";

pub(super) async fn list_sessions(
    pool: &SqlitePool,
    query: &SessionQuery,
) -> Result<Vec<SessionListItem>> {
    let columns = format!("{SESSION_COLUMNS}, {LIST_EXTRA_COLUMNS}");
    let plan = choose_plan(pool, query).await?;
    let Some((sql, binds)) = build_list(query, &columns, Dialect::Sqlite, plan) else {
        return Ok(Vec::new());
    };
    let rows = bound(&sql, binds).fetch_all(pool).await?;
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
            experiments: serde_json::from_str(row.get("experiments"))?,
            links: Vec::new(),
        });
    }
    let mut links = links_of(pool, &items).await?;
    for item in &mut items {
        item.links = links.remove(&item.record.id).unwrap_or_default();
    }
    Ok(items)
}

fn bound(
    sql: &str,
    binds: Vec<Bind>,
) -> sqlx::query::Query<'_, sqlx::Sqlite, sqlx::sqlite::SqliteArguments> {
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for bind in binds {
        q = match bind {
            Bind::Text(v) => q.bind(v),
            Bind::Int(v) => q.bind(v),
            Bind::Real(v) => q.bind(v),
        };
    }
    q
}

/// SQLite plans without knowing how many sessions a filter's lookup matches: it would walk the
/// whole organization for a ticket that matches one. So each lookup is probed (counting at most
/// `DRIVE_MAX_ROWS`, an index range read) and the query starts from the smallest one when it
/// is small enough to sort; otherwise the page fills early walking the sort index.
async fn choose_plan(pool: &SqlitePool, query: &SessionQuery) -> Result<Plan> {
    let mut best: Option<(i64, usize)> = None;
    for n in 0..lookup_count(query, Dialect::Sqlite) {
        let Some((sql, binds)) = build_probe(query, Dialect::Sqlite, n) else {
            continue;
        };
        let count: i64 = bound(&sql, binds).fetch_one(pool).await?.get(0);
        if best.is_none_or(|(least, _)| count < least) {
            best = Some((count, n));
        }
    }
    Ok(match best {
        Some((count, n)) if count < DRIVE_MAX_ROWS => Plan::Drive(n),
        _ => Plan::Walk,
    })
}

/// The links of the listed sessions, oldest first.
async fn links_of(
    pool: &SqlitePool,
    items: &[SessionListItem],
) -> Result<BTreeMap<String, Vec<LinkRef>>> {
    let mut out: BTreeMap<String, Vec<LinkRef>> = BTreeMap::new();
    if items.is_empty() {
        return Ok(out);
    }
    let ids = vec!["?"; items.len()].join(", ");
    let sql = format!(
        "SELECT session_id, kind, ref, url FROM session_links WHERE session_id IN ({ids})
         ORDER BY created_at, id"
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for item in items {
        q = q.bind(&item.record.id);
    }
    for row in q.fetch_all(pool).await? {
        out.entry(row.get("session_id")).or_default().push(LinkRef {
            kind: row.get("kind"),
            reference: row.get("ref"),
            url: row.get("url"),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    //! Both plans give the same page: conformance data is small, so every lookup there is
    //! driven; here each query is run walked and driven from each of its lookups.

    use serde_json::json;
    use tapedeck_core::search::parse_list_query;
    use tapedeck_core::{extract_facts, parse_batch};

    use super::super::SqliteMetaStore;
    use super::*;
    use crate::meta::MetaStore;

    async fn store_session(store: &SqliteMetaStore, project: &Project, id: &str, n: i64) {
        let url = format!(
            "https://shop.test/{}/item-{n}",
            ["cart", "checkout"][(n % 2) as usize]
        );
        let events = json!([
            {"type": 4, "timestamp": 1_000 * n, "data": {"href": url, "width": 800, "height": 600}},
            {"type": 5, "timestamp": 1_000 * n + 1, "data": {"tag": "tapedeck.console", "payload": {"level": "error", "args": [format!("oops {n}")]}}},
            {"type": 5, "timestamp": 1_000 * n + 2, "data": {"tag": format!("event-{}", n % 3), "payload": {}}},
            {"type": 5, "timestamp": 1_000 * n + 3, "data": {"tag": "tapedeck.network", "payload": {"url": "https://shop.test/api", "status": 200 + 100 * (n % 4)}}},
        ]);
        let variant = ["a", "b"][(n % 2) as usize];
        let meta = json!({"user": {"id": format!("u-{}", n % 2)}, "tags": {"n": (n % 3).to_string()},
                          "experiments": {"exp": variant}, "ticket": format!("T-{}", n % 4)});
        let body =
            json!({"session_id": id, "window_id": "w", "seq": 0, "meta": meta, "events": events});
        let batch = parse_batch(body.to_string().as_bytes()).unwrap();
        let segment = NewSegment {
            project: project.clone(),
            session_id: id.into(),
            window_id: "w".into(),
            seq: 0,
            blob_key: format!("recordings/{}/{id}/w/0", project.id),
            size_bytes: 1,
            received_at_ms: 1,
        };
        store
            .store_segment(&segment, &extract_facts(&batch), &batch.meta)
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn walking_and_driving_list_the_same_sessions() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("m.db").display());
        let store = SqliteMetaStore::connect(&url).await.unwrap();
        store.migrate().await.unwrap();
        let org = store.create_organization("Org", 1).await.unwrap();
        let project = NewProject {
            organization_id: org.id.clone(),
            name: "p".into(),
            ingest_key: "k".into(),
            allowed_origins: vec![],
            region: crate::DEFAULT_REGION.into(),
        };
        let project = store.create_project(&project, 1).await.unwrap();
        for n in 1..=12 {
            store_session(&store, &project, &format!("s{n:02}"), n).await;
        }
        let cases: [&[(&str, &str)]; 10] = [
            &[("q", "checkout")],
            &[("console", "oops"), ("url", "cart")],
            &[("user", "u-1"), ("tag", "n:2")],
            &[("url", "ca"), ("event", "event-1")],
            &[
                ("url_exact", "https://shop.test/cart/item-4"),
                ("q", "item"),
            ],
            &[("status", "4xx"), ("experiment", "exp"), ("variant", "b")],
            &[
                ("ticket", "T-3"),
                ("has_errors", "true"),
                ("user_id", "u-1"),
            ],
            &[
                ("tag", "n"),
                ("tag", "n:1"),
                ("sort", "duration"),
                ("order", "asc"),
            ],
            &[
                ("q", "shop"),
                ("console", "oops"),
                ("status", "5xx"),
                ("sort", "errors"),
            ],
            &[("user", "u-"), ("url", "item"), ("limit", "3")],
        ];
        let mut nonempty = 0;
        for params in cases {
            let pairs: Vec<(String, String)> = params
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            let request = parse_list_query(&pairs).unwrap();
            let query = SessionQuery {
                organization_ids: vec![org.id.clone()],
                filter: request.filter,
                sort: request.sort,
                order: request.order,
                after: None,
                limit: request.limit,
            };
            let run = |plan: Plan| {
                let (sql, binds) = build_list(&query, "id", Dialect::Sqlite, plan).unwrap();
                let pool = store.pool.clone();
                async move {
                    let rows = bound(&sql, binds).fetch_all(&pool).await.unwrap();
                    rows.iter()
                        .map(|r| r.get::<String, _>("id"))
                        .collect::<Vec<_>>()
                }
            };
            let walked = run(Plan::Walk).await;
            let lookups = lookup_count(&query, Dialect::Sqlite);
            assert!(lookups > 0, "{params:?}");
            for n in 0..lookups {
                assert_eq!(
                    run(Plan::Drive(n)).await,
                    walked,
                    "{params:?} driven by lookup {n}"
                );
            }
            nonempty += usize::from(!walked.is_empty());
        }
        assert!(nonempty >= 8, "the cases must match something to compare");
    }
}
