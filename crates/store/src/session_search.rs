//! Session search, the same on every engine: what one batch writes into the search columns and
//! tables of migration 0008 (`plan_batch`), the sessions-list query (`SessionQuery` in meta.rs)
//! turned into SQL with bound parameters only (`build_list`), and the list's records.
//! `{sqlite,postgres}/search.rs` run both; the few fragments that differ (full text, URL
//! "contains") are chosen here by `Dialect`.

use std::collections::BTreeMap;

use tapedeck_core::limits::{MAX_EXPERIMENTS, MAX_SESSION_SEARCH_CHARS};
use tapedeck_core::search::{SessionSort, SortOrder, label_words, merge_words, url_words, words};
use tapedeck_core::{BatchFacts, BatchMeta, PageVisit, SessionSummary};

use crate::meta::{SessionQuery, SessionRecord};

/// Longest facet value stored (a custom event's name can be long; nobody filters on 10 KB).
const MAX_FACET_CHARS: usize = 200;

/// One session of the list, with what the list shows beyond the session record.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionListItem {
    pub record: SessionRecord,
    pub counts: SessionCounts,
    /// Experiments the session was in: name → variant.
    pub experiments: BTreeMap<String, String>,
    /// Its links, oldest first.
    pub links: Vec<LinkRef>,
}

impl SessionListItem {
    /// Still recording (no idle timeout or stop yet).
    pub fn live(&self) -> bool {
        self.record.status == "recording"
    }

    /// The item's key under `sort` (what a keyset cursor holds; duration in milliseconds).
    pub fn sort_key(&self, sort: SessionSort) -> i64 {
        let summary = &self.record.summary;
        match sort {
            SessionSort::StartedAt => summary.started_at_ms,
            SessionSort::Duration => (summary.ended_at_ms - summary.started_at_ms).max(0),
            SessionSort::EventCount => summary.event_count,
            SessionSort::Errors => self.counts.errors,
        }
    }
}

/// The counters ingest keeps per session.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SessionCounts {
    pub errors: i64,
    pub console_errors: i64,
    pub failed_requests: i64,
    pub rage_clicks: i64,
}

/// A link as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRef {
    pub kind: String,
    pub reference: String,
    pub url: Option<String>,
}

/// The search state of a session row before a batch.
#[derive(Debug, Clone, Default)]
pub(crate) struct StoredSearch {
    pub text: String,
    pub console: String,
    pub labels: String,
    pub experiments: BTreeMap<String, String>,
    /// Refs of the session's links (their words are searchable).
    pub link_refs: Vec<String>,
}

/// How a batch changes a session: the summary before (default for a new session) and after,
/// and the search state stored before.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Change<'a> {
    pub before: &'a SessionSummary,
    pub after: &'a SessionSummary,
    pub stored: &'a StoredSearch,
    pub is_new: bool,
}

/// What one batch writes besides the summary.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct SearchWrite {
    pub counts: SessionCounts,
    pub browser: String,
    pub os: String,
    pub device_type: String,
    pub viewport_width: Option<i64>,
    pub experiments: BTreeMap<String, String>,
    /// New values of the search columns, when they change (`None`: keep; no index churn).
    pub text: Option<String>,
    pub console: Option<String>,
    pub labels: Option<String>,
    pub new_urls: Vec<String>,
    /// Facets whose rows are replaced (deleted before `facets` are inserted).
    pub replace_facets: Vec<&'static str>,
    pub facets: Vec<(&'static str, String)>,
    /// A `ticket` link from the SDK: ref and url.
    pub ticket: Option<(String, Option<String>)>,
}

fn facet_value(text: &str) -> String {
    text.chars().take(MAX_FACET_CHARS).collect()
}

/// Decides what a batch writes into the search columns and tables.
pub(crate) fn plan_batch(
    change: &Change<'_>,
    facts: &BatchFacts,
    meta: &BatchMeta,
    new_visits: &[&PageVisit],
) -> SearchWrite {
    let Change {
        stored,
        before,
        after,
        is_new,
    } = *change;
    let search = &facts.timeline.search;
    let mut experiments = stored.experiments.clone();
    for (name, variant) in &meta.experiments {
        if experiments.len() < MAX_EXPERIMENTS || experiments.contains_key(name) {
            experiments.insert(name.clone(), variant.clone());
        }
    }
    let mut link_refs = stored.link_refs.clone();
    if let Some(ticket) = &meta.ticket {
        link_refs.push(ticket.clone());
    }
    let user = [
        after.user_id.as_deref(),
        after.user_email.as_deref(),
        after.user_name.as_deref(),
    ];
    let mut labels = label_words(user, &BTreeMap::new(), &experiments);
    for word in link_refs.iter().flat_map(|r| words(r)) {
        if !labels.split(' ').any(|w| w == word) {
            labels = if labels.is_empty() {
                word
            } else {
                format!("{labels} {word}")
            };
        }
    }
    let new_text = new_visits
        .iter()
        .flat_map(|v| url_words(&v.url))
        .chain(search.text.iter().cloned());
    let mut write = SearchWrite {
        counts: SessionCounts {
            errors: i64::from(search.errors),
            console_errors: i64::from(search.console_errors),
            failed_requests: i64::from(search.failed_requests),
            rage_clicks: i64::from(search.rage_clicks),
        },
        browser: after.browser.parsed.browser.clone(),
        os: after.browser.parsed.os.clone(),
        device_type: after.browser.parsed.device_type.clone(),
        viewport_width: after.viewport.map(|v| i64::from(v.width)),
        text: merge_words(&stored.text, new_text, MAX_SESSION_SEARCH_CHARS),
        console: merge_words(
            &stored.console,
            search.console.iter().cloned(),
            MAX_SESSION_SEARCH_CHARS,
        ),
        labels: (labels != stored.labels).then_some(labels),
        new_urls: new_visits.iter().map(|v| v.url.clone()).collect(),
        ticket: meta.ticket.clone().map(|t| (t, meta.ticket_url.clone())),
        ..SearchWrite::default()
    };
    let identity =
        |s: &SessionSummary| [s.user_id.clone(), s.user_email.clone(), s.user_name.clone()];
    if is_new || identity(before) != identity(after) {
        write.replace_facets.push("user");
        let mut values: Vec<String> = user
            .iter()
            .flatten()
            .map(|v| facet_value(&v.to_lowercase()))
            .collect();
        values.sort();
        values.dedup();
        write.facets.extend(values.into_iter().map(|v| ("user", v)));
    }
    if experiments != stored.experiments {
        write.replace_facets.extend(["experiment", "variant"]);
        for (name, variant) in &experiments {
            write.facets.push(("experiment", facet_value(name)));
            write
                .facets
                .push(("variant", facet_value(&format!("{name}={variant}"))));
        }
    }
    write.experiments = experiments;
    for name in &search.event_names {
        write.facets.push(("event", facet_value(name)));
    }
    for status in &search.statuses {
        write.facets.push(("status", status.to_string()));
    }
    write
}

/// A bound parameter.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Bind {
    Text(String),
    Int(i64),
    Real(f64),
}

/// The SQL flavour to build for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    Sqlite,
    Postgres,
}

/// How the list query finds its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Plan {
    /// Walk the (organization, sort key) index in order, testing every filter: fast when the
    /// filters match many sessions (the page fills early).
    Walk,
    /// Start from the rows of lookup `n` (few, by a probe) and sort them: fast when they are
    /// few. SQLite plans without knowing how many rows a lookup matches, so its store probes
    /// and chooses; PostgreSQL's planner has statistics and always gets `Walk`.
    Drive(usize),
}

/// Rows a lookup may match for `Drive` to beat `Walk` (a sort of this many rows is quick).
pub(crate) const DRIVE_MAX_ROWS: i64 = 5_000;

/// Where a parameter goes in fragment SQL; numbered for the dialect when assembled. The SQL
/// written here holds no `?` of its own: values are never in the text.
const MARK: char = '?';

/// A piece of SQL and the values of its marks, in order.
#[derive(Debug, Clone, Default)]
struct Frag {
    sql: String,
    binds: Vec<Bind>,
}

impl Frag {
    fn new(sql: impl Into<String>, binds: Vec<Bind>) -> Self {
        let frag = Frag {
            sql: sql.into(),
            binds,
        };
        debug_assert_eq!(frag.sql.matches(MARK).count(), frag.binds.len());
        frag
    }

    fn text(sql: impl Into<String>) -> Self {
        Frag::new(sql, Vec::new())
    }
}

fn text(value: &str) -> Bind {
    Bind::Text(value.to_string())
}

/// `?, ?, …` for these values.
fn marks(values: &[String]) -> (String, Vec<Bind>) {
    let sql = vec![MARK.to_string(); values.len()].join(", ");
    (sql, values.iter().map(|v| text(v)).collect())
}

/// A lookup: a query of `match_key` values — session ids, or session rowids for SQLite's FTS
/// table — of the sessions matching one filter.
#[derive(Debug, Clone)]
struct Lookup {
    frag: Frag,
    /// The `sessions` column `match_key` holds.
    key: &'static str,
    /// The same filter as a test of one `sessions` row, through an index keyed by the session:
    /// what SQLite runs for a lookup that does not drive the query (see `build_list`).
    check: Frag,
}

/// `(SELECT 1 FROM {from} WHERE {test} LIMIT 1) IS NOT NULL`: a per-row test SQLite runs as
/// written. (An `IN (lookup)` or an `EXISTS` it may turn into one would first collect every
/// matching row of the lookup: all the sessions that visited a "checkout" URL, say.)
fn row_check(from: &str, test: &str, binds: Vec<Bind>) -> Frag {
    Frag::new(
        format!("(SELECT 1 FROM {from} WHERE {test} LIMIT 1) IS NOT NULL"),
        binds,
    )
}

/// A list query taken apart: tests of `sessions` columns, lookups, order and limit.
struct Parts {
    conds: Vec<Frag>,
    lookups: Vec<Lookup>,
    order_by: String,
    limit: i64,
}

/// Joins fragments into SQL with numbered placeholders (`?N` or `$N`), and their values.
fn assemble(frags: &[Frag], dialect: Dialect) -> (String, Vec<Bind>) {
    let mut sql = String::new();
    let mut n = 0;
    for frag in frags {
        for c in frag.sql.chars() {
            if c == MARK {
                n += 1;
                match dialect {
                    Dialect::Sqlite => sql.push_str(&format!("?{n}")),
                    Dialect::Postgres => sql.push_str(&format!("${n}")),
                }
            } else {
                sql.push(c);
            }
        }
    }
    let binds = frags.iter().flat_map(|f| f.binds.iter().cloned()).collect();
    (sql, binds)
}

/// The sort column of each sort.
fn sort_column(sort: SessionSort) -> &'static str {
    match sort {
        SessionSort::StartedAt => "started_at",
        SessionSort::Duration => "duration",
        SessionSort::EventCount => "event_count",
        SessionSort::Errors => "error_count",
    }
}

/// The organizations a query may see: the caller's, narrowed by `organization_id`.
pub(crate) fn visible_organizations(query: &SessionQuery) -> Vec<String> {
    match &query.filter.organization_id {
        Some(org) if query.organization_ids.contains(org) => vec![org.clone()],
        Some(_) => Vec::new(),
        None => query.organization_ids.clone(),
    }
}

/// The FTS5 query of whole words that must all occur (in `column` when given). Words are
/// letters and digits only, quoted anyway. (No prefix match on the last word: PostgreSQL
/// cannot estimate how many rows a prefix matches and then walks a whole organization.)
fn fts5_query(words: &[String], column: Option<&str>) -> String {
    words
        .iter()
        .map(|w| match column {
            Some(c) => format!("{c} : \"{w}\""),
            None => format!("\"{w}\""),
        })
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// The tsquery of whole words that must all occur (with `weight` when given).
fn tsquery(words: &[String], weight: &str) -> String {
    words
        .iter()
        .map(|w| {
            if weight.is_empty() {
                format!("'{w}'")
            } else {
                format!("'{w}':{weight}")
            }
        })
        .collect::<Vec<_>>()
        .join(" & ")
}

/// `text` for a LIKE pattern: `%`, `_` and `\` escaped (PostgreSQL's default escape is `\`).
fn like_escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The sessions with rows in a side table within the visible organizations.
fn side(orgs: &[String], table: &str, test: &str, values: Vec<Bind>) -> Lookup {
    let (org_marks, mut binds) = marks(orgs);
    let check = row_check(
        table,
        &format!("{table}.session_id = sessions.id AND {test}"),
        values.clone(),
    );
    binds.extend(values);
    Lookup {
        check,
        frag: Frag::new(
            format!(
                "SELECT session_id AS match_key FROM {table} WHERE organization_id IN ({org_marks}) AND {test}"
            ),
            binds,
        ),
        key: "id",
    }
}

/// Sessions with a facet value from `low` through `high` (equal bounds: exactly that value).
fn facet(orgs: &[String], name: &str, low: &str, high: &str) -> Lookup {
    if low == high {
        side(
            orgs,
            "session_facets",
            "facet = ? AND value = ?",
            vec![text(name), text(low)],
        )
    } else {
        let values = vec![text(name), text(low), text(high)];
        side(
            orgs,
            "session_facets",
            "facet = ? AND value >= ? AND value <= ?",
            values,
        )
    }
}

/// Takes a query apart; `None` when nothing can match (no visible organization).
fn parts(query: &SessionQuery, dialect: Dialect) -> Option<Parts> {
    let orgs = visible_organizations(query);
    if orgs.is_empty() {
        return None;
    }
    let f = &query.filter;
    let (org_marks, org_binds) = marks(&orgs);
    let mut conds = vec![Frag::new(
        format!("organization_id IN ({org_marks})"),
        org_binds,
    )];
    let mut lookups: Vec<Lookup> = Vec::new();
    let mut cond = |sql: &str, bind: Bind| conds.push(Frag::new(sql, vec![bind]));
    if let Some(v) = &f.project_id {
        cond("project_id = ?", text(v));
    }
    if let Some(v) = f.from_ms {
        cond("started_at >= ?", Bind::Int(v));
    }
    if let Some(v) = f.to_ms {
        cond("started_at < ?", Bind::Int(v));
    }
    if let Some(v) = f.min_duration {
        cond("duration >= ?", Bind::Real(v));
    }
    if let Some(v) = f.max_duration {
        cond("duration <= ?", Bind::Real(v));
    }
    if let Some(v) = &f.browser {
        cond("lower(browser) = ?", text(v));
    }
    if let Some(v) = &f.os {
        cond("lower(os) = ?", text(v));
    }
    if let Some(v) = &f.device {
        cond("lower(device_type) = ?", text(v));
    }
    if let Some(v) = f.min_width {
        cond("viewport_width >= ?", Bind::Int(v.into()));
    }
    if let Some(v) = f.max_width {
        cond("viewport_width <= ?", Bind::Int(v.into()));
    }
    match f.has_errors {
        Some(true) => conds.push(Frag::text("error_count > 0")),
        Some(false) => conds.push(Frag::text("error_count = 0")),
        None => {}
    }
    if f.has_rage_clicks {
        conds.push(Frag::text("rage_click_count > 0"));
    }
    match f.live {
        Some(true) => conds.push(Frag::text("status = 'recording'")),
        Some(false) => conds.push(Frag::text("status <> 'recording'")),
        None => {}
    }
    // Lookups, the likely most selective first (the order only matters for reading).
    if let Some(v) = &f.user_id {
        // On sessions itself, by the (organization, user) index: a lookup, so SQLite may
        // start from one user's few sessions rather than walk the organization's.
        let (org_marks, mut binds) = marks(&orgs);
        binds.push(text(v));
        lookups.push(Lookup {
            check: Frag::new("sessions.user_id = ?", vec![text(v)]),
            frag: Frag::new(
                format!(
                    "SELECT id AS match_key FROM sessions WHERE organization_id IN ({org_marks}) AND user_id = ?"
                ),
                binds,
            ),
            key: "id",
        });
    }
    if let Some(v) = &f.ticket {
        lookups.push(side(&orgs, "session_links", "ref = ?", vec![text(v)]));
    }
    if let Some(v) = &f.url_exact {
        lookups.push(side(&orgs, "session_urls", "url = ?", vec![text(v)]));
    }
    if let Some(prefix) = &f.user {
        let upper = format!("{prefix}\u{10FFFF}");
        lookups.push(facet(&orgs, "user", prefix, &upper));
    }
    for tag in &f.tags {
        lookups.push(match &tag.value {
            Some(value) => side(
                &orgs,
                "session_tags",
                "key = ? AND value = ?",
                vec![text(&tag.key), text(value)],
            ),
            None => side(&orgs, "session_tags", "key = ?", vec![text(&tag.key)]),
        });
    }
    if let Some(v) = &f.event {
        lookups.push(facet(&orgs, "event", v, v));
    }
    if let Some(status) = f.status {
        let (low, high) = status.range();
        lookups.push(facet(&orgs, "status", &low.to_string(), &high.to_string()));
    }
    if let Some(name) = &f.experiment {
        lookups.push(match &f.variant {
            Some(variant) => {
                let value = format!("{name}={variant}");
                facet(&orgs, "variant", &value, &value)
            }
            None => facet(&orgs, "experiment", name, name),
        });
    }
    if let Some(v) = &f.url_contains {
        lookups.push(match dialect {
            // The trigram index finds a quoted phrase as a substring, case-insensitively; the
            // lookup starts from it (an organization test here would make SQLite walk the
            // organization's URLs instead), the outer query keeps to the tenant.
            Dialect::Sqlite if v.chars().count() >= 3 => Lookup {
                // A session's own few URLs, by the (session, url) key.
                check: row_check(
                    "session_urls",
                    "session_urls.session_id = sessions.id AND instr(lower(url), ?) > 0",
                    vec![text(&v.to_lowercase())],
                ),
                // A join, not `id IN (…)`: the probe's LIMIT then stops the trigram match
                // early instead of collecting every URL that contains a common word first.
                frag: Frag::new(
                    "SELECT session_urls.session_id AS match_key FROM session_urls_trigram \
                     CROSS JOIN session_urls ON session_urls.id = session_urls_trigram.rowid \
                     WHERE session_urls_trigram MATCH ?",
                    vec![text(&format!("\"{}\"", v.replace('"', "\"\"")))],
                ),
                key: "id",
            },
            // Under three characters no trigram exists: a scan of the visible URLs.
            Dialect::Sqlite => side(
                &orgs,
                "session_urls",
                "instr(lower(url), ?) > 0",
                vec![text(v)],
            ),
            Dialect::Postgres => {
                let pattern = format!("%{}%", like_escaped(v));
                side(
                    &orgs,
                    "session_urls",
                    "lower(url) LIKE ?",
                    vec![text(&pattern)],
                )
            }
        });
    }
    for (terms, column, weight) in [
        (&f.text, None, ""),
        (&f.console, Some("search_console"), "A"),
    ] {
        if terms.is_empty() {
            continue;
        }
        match dialect {
            Dialect::Sqlite => lookups.push(Lookup {
                // FTS5 seeks the row in the term's doclist.
                check: row_check(
                    "sessions_fts",
                    "sessions_fts MATCH ? AND sessions_fts.rowid = sessions.rowid",
                    vec![text(&fts5_query(terms, column))],
                ),
                frag: Frag::new(
                    "SELECT rowid AS match_key FROM sessions_fts WHERE sessions_fts MATCH ?",
                    vec![text(&fts5_query(terms, column))],
                ),
                key: "rowid",
            }),
            Dialect::Postgres => lookups.push(side(
                &orgs,
                "session_search",
                "tsv @@ to_tsquery('simple', ?)",
                vec![text(&tsquery(terms, weight))],
            )),
        }
    }
    let column = sort_column(query.sort);
    let (cmp, dir) = match query.order {
        SortOrder::Desc => ("<", "DESC"),
        SortOrder::Asc => (">", "ASC"),
    };
    if let Some((key, id)) = &query.after {
        let key = match query.sort {
            SessionSort::Duration => Bind::Real(*key as f64 / 1000.0),
            _ => Bind::Int(*key),
        };
        conds.push(Frag::new(
            format!("({column}, id) {cmp} (?, ?)"),
            vec![key, text(id)],
        ));
    }
    Some(Parts {
        conds,
        lookups,
        order_by: format!("{column} {dir}, id {dir}"),
        limit: query.limit.into(),
    })
}

/// How many lookups a query has (the plans `Drive(0..n)` exist for).
pub(crate) fn lookup_count(query: &SessionQuery, dialect: Dialect) -> usize {
    parts(query, dialect).map_or(0, |p| p.lookups.len())
}

/// `SELECT count(*)` of lookup `n`'s rows, counting no further than `DRIVE_MAX_ROWS`.
pub(crate) fn build_probe(
    query: &SessionQuery,
    dialect: Dialect,
    n: usize,
) -> Option<(String, Vec<Bind>)> {
    let parts = parts(query, dialect)?;
    let lookup = parts.lookups.get(n)?;
    Some(assemble(
        &[
            Frag::text("SELECT count(*) FROM ("),
            lookup.frag.clone(),
            Frag::new(" LIMIT ?)", vec![Bind::Int(DRIVE_MAX_ROWS)]),
        ],
        dialect,
    ))
}

/// Builds the list query: `SELECT {columns} …` with every filter, the keyset position, the
/// order and the limit, found by `plan`. `None` when nothing can match (no visible
/// organization). `columns` are of `sessions`, unqualified.
pub(crate) fn build_list(
    query: &SessionQuery,
    columns: &str,
    dialect: Dialect,
    plan: Plan,
) -> Option<(String, Vec<Bind>)> {
    let parts = parts(query, dialect)?;
    let mut frags = Vec::new();
    let driver = match plan {
        Plan::Drive(n) => parts.lookups.get(n).map(|l| (n, l)),
        Plan::Walk => None,
    };
    match driver {
        // CROSS JOIN keeps SQLite's join order: the lookup's rows first, then each session.
        Some((_, lookup)) => {
            frags.push(Frag::text(format!(
                "SELECT {columns} FROM (SELECT DISTINCT match_key FROM ("
            )));
            frags.push(lookup.frag.clone());
            frags.push(Frag::text(format!(
                ")) AS driver CROSS JOIN sessions ON sessions.{} = driver.match_key WHERE ",
                lookup.key
            )));
        }
        None => frags.push(Frag::text(format!("SELECT {columns} FROM sessions WHERE "))),
    }
    let mut first = true;
    let mut and = |frags: &mut Vec<Frag>| {
        if !first {
            frags.push(Frag::text(" AND "));
        }
        first = false;
    };
    for cond in &parts.conds {
        and(&mut frags);
        frags.push(cond.clone());
    }
    for (i, lookup) in parts.lookups.iter().enumerate() {
        if driver.is_some_and(|(n, _)| n == i) {
            continue;
        }
        and(&mut frags);
        match dialect {
            // Row by row as the walk (or the driver's rows) reach it; see `row_check`.
            Dialect::Sqlite => frags.push(lookup.check.clone()),
            // PostgreSQL plans a semi-join from its statistics.
            Dialect::Postgres => {
                frags.push(Frag::text(format!("sessions.{} IN (", lookup.key)));
                frags.push(lookup.frag.clone());
                frags.push(Frag::text(")"));
            }
        }
    }
    frags.push(Frag::new(
        format!(" ORDER BY {} LIMIT ?", parts.order_by),
        vec![Bind::Int(parts.limit)],
    ));
    Some(assemble(&frags, dialect))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tapedeck_core::search::parse_list_query;

    fn query(params: &[(&str, &str)]) -> SessionQuery {
        let pairs: Vec<(String, String)> = params
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let request = parse_list_query(&pairs).unwrap();
        SessionQuery {
            organization_ids: vec!["o1".into(), "o2".into()],
            filter: request.filter,
            sort: request.sort,
            order: request.order,
            after: None,
            limit: request.limit,
        }
    }

    #[test]
    fn values_are_bound_never_pasted() {
        let evil = "x') OR 1=1 --";
        let q = query(&[
            ("user", evil),
            ("url", evil),
            ("url_exact", evil),
            ("tag", evil),
            ("event", evil),
            ("ticket", evil),
            ("browser", evil),
            ("q", evil),
        ]);
        for dialect in [Dialect::Sqlite, Dialect::Postgres] {
            let (sql, binds) = build_list(&q, "id", dialect, Plan::Walk).unwrap();
            assert!(!sql.contains("1=1"), "{sql}");
            assert!(
                binds
                    .iter()
                    .any(|b| matches!(b, Bind::Text(t) if t.contains("1=1")))
            );
            let mark = match dialect {
                Dialect::Sqlite => '?',
                Dialect::Postgres => '$',
            };
            let placeholders = (1..=binds.len())
                .filter(|n| sql.contains(&format!("{mark}{n}")))
                .count();
            assert_eq!(placeholders, binds.len(), "{sql}");
        }
    }

    #[test]
    fn a_foreign_organization_matches_nothing() {
        let q = query(&[("organization_id", "o3")]);
        assert!(build_list(&q, "id", Dialect::Sqlite, Plan::Walk).is_none());
        let q = query(&[("organization_id", "o2")]);
        let (_, binds) = build_list(&q, "id", Dialect::Sqlite, Plan::Walk).unwrap();
        assert_eq!(binds[0], Bind::Text("o2".into()));
    }

    #[test]
    fn full_text_queries_quote_whole_words() {
        let words = vec!["checkout".to_string(), "step".to_string()];
        assert_eq!(fts5_query(&words, None), "\"checkout\" AND \"step\"");
        assert_eq!(
            fts5_query(&words, Some("search_console")),
            "search_console : \"checkout\" AND search_console : \"step\""
        );
        assert_eq!(tsquery(&words, ""), "'checkout' & 'step'");
        assert_eq!(tsquery(&words, "A"), "'checkout':A & 'step':A");
        assert_eq!(like_escaped("50%_a\\"), "50\\%\\_a\\\\");
    }
}
