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

/// Decides what a batch writes into the search columns and tables. `before` is the summary
/// before the batch (default for a new session), `after` the one after it.
pub(crate) fn plan_batch(
    stored: &StoredSearch,
    before: &SessionSummary,
    after: &SessionSummary,
    facts: &BatchFacts,
    meta: &BatchMeta,
    new_visits: &[&PageVisit],
    is_new: bool,
) -> SearchWrite {
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

/// SQL text and its parameters, placeholders numbered for the dialect.
struct Sql {
    dialect: Dialect,
    binds: Vec<Bind>,
}

impl Sql {
    fn bind(&mut self, value: Bind) -> String {
        self.binds.push(value);
        // Numbered, so fragments may bind before the text around them is written.
        match self.dialect {
            Dialect::Sqlite => format!("?{}", self.binds.len()),
            Dialect::Postgres => format!("${}", self.binds.len()),
        }
    }

    fn text(&mut self, value: &str) -> String {
        self.bind(Bind::Text(value.to_string()))
    }

    fn list(&mut self, values: &[String]) -> String {
        values
            .iter()
            .map(|v| self.text(v))
            .collect::<Vec<_>>()
            .join(", ")
    }
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

/// The FTS5 query of words that must all occur (in `column` when given); the last word may be
/// a prefix, for search as you type. Words are letters and digits only, quoted anyway.
fn fts5_query(words: &[String], column: Option<&str>) -> String {
    let last = words.len().saturating_sub(1);
    words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let star = if i == last { "*" } else { "" };
            match column {
                Some(c) => format!("{c} : \"{w}\"{star}"),
                None => format!("\"{w}\"{star}"),
            }
        })
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// The tsquery of words that must all occur (with `weight` when given), the last as a prefix.
fn tsquery(words: &[String], weight: &str) -> String {
    let last = words.len().saturating_sub(1);
    words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let star = if i == last { "*" } else { "" };
            if star.is_empty() && weight.is_empty() {
                format!("'{w}'")
            } else {
                format!("'{w}':{star}{weight}")
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

/// `id IN (…)` over a side table's rows within the visible organizations.
fn lookup(b: &mut Sql, orgs: &[String], table: &str, rest: &str) -> String {
    let orgs = b.list(orgs);
    format!("id IN (SELECT session_id FROM {table} WHERE organization_id IN ({orgs}) AND {rest})")
}

/// Sessions with a facet value from `low` through `high` (equal bounds: exactly that value).
fn facet_range(b: &mut Sql, orgs: &[String], facet: &str, low: &str, high: &str) -> String {
    let facet = b.text(facet);
    let rest = if low == high {
        format!("facet = {facet} AND value = {}", b.text(low))
    } else {
        let low = b.text(low);
        format!(
            "facet = {facet} AND value >= {low} AND value <= {}",
            b.text(high)
        )
    };
    lookup(b, orgs, "session_facets", &rest)
}

/// Builds the list query: `SELECT {columns} FROM sessions …` with every filter, the keyset
/// position, the order and the limit. `None` when nothing can match (no visible organization).
pub(crate) fn build_list(
    query: &SessionQuery,
    columns: &str,
    dialect: Dialect,
) -> Option<(String, Vec<Bind>)> {
    let orgs = visible_organizations(query);
    if orgs.is_empty() {
        return None;
    }
    let f = &query.filter;
    let mut b = Sql {
        dialect,
        binds: Vec::new(),
    };
    let mut conds: Vec<String> = Vec::new();
    let org_list = b.list(&orgs);
    conds.push(format!("organization_id IN ({org_list})"));
    if let Some(v) = &f.project_id {
        conds.push(format!("project_id = {}", b.text(v)));
    }
    if let Some(v) = &f.user_id {
        conds.push(format!("user_id = {}", b.text(v)));
    }
    if let Some(prefix) = &f.user {
        let upper = format!("{prefix}\u{10FFFF}");
        conds.push(facet_range(&mut b, &orgs, "user", prefix, &upper));
    }
    if let Some(v) = f.from_ms {
        conds.push(format!("started_at >= {}", b.bind(Bind::Int(v))));
    }
    if let Some(v) = f.to_ms {
        conds.push(format!("started_at < {}", b.bind(Bind::Int(v))));
    }
    if let Some(v) = f.min_duration {
        conds.push(format!("duration >= {}", b.bind(Bind::Real(v))));
    }
    if let Some(v) = f.max_duration {
        conds.push(format!("duration <= {}", b.bind(Bind::Real(v))));
    }
    for (column, value) in [
        ("browser", &f.browser),
        ("os", &f.os),
        ("device_type", &f.device),
    ] {
        if let Some(v) = value {
            conds.push(format!("lower({column}) = {}", b.text(v)));
        }
    }
    if let Some(v) = f.min_width {
        conds.push(format!("viewport_width >= {}", b.bind(Bind::Int(v.into()))));
    }
    if let Some(v) = f.max_width {
        conds.push(format!("viewport_width <= {}", b.bind(Bind::Int(v.into()))));
    }
    for tag in &f.tags {
        let mut rest = format!("key = {}", b.text(&tag.key));
        if let Some(value) = &tag.value {
            rest.push_str(&format!(" AND value = {}", b.text(value)));
        }
        conds.push(lookup(&mut b, &orgs, "session_tags", &rest));
    }
    match f.has_errors {
        Some(true) => conds.push("error_count > 0".into()),
        Some(false) => conds.push("error_count = 0".into()),
        None => {}
    }
    if f.has_rage_clicks {
        conds.push("rage_click_count > 0".into());
    }
    if let Some(v) = &f.event {
        conds.push(facet_range(&mut b, &orgs, "event", v, v));
    }
    if let Some(status) = f.status {
        let (low, high) = status.range();
        let (low, high) = (low.to_string(), high.to_string());
        conds.push(facet_range(&mut b, &orgs, "status", &low, &high));
    }
    if let Some(v) = &f.ticket {
        let rest = format!("ref = {}", b.text(v));
        conds.push(lookup(&mut b, &orgs, "session_links", &rest));
    }
    if let Some(name) = &f.experiment {
        conds.push(match &f.variant {
            Some(variant) => {
                let value = format!("{name}={variant}");
                facet_range(&mut b, &orgs, "variant", &value, &value)
            }
            None => facet_range(&mut b, &orgs, "experiment", name, name),
        });
    }
    match f.live {
        Some(true) => conds.push("status = 'recording'".into()),
        Some(false) => conds.push("status <> 'recording'".into()),
        None => {}
    }
    if let Some(v) = &f.url_exact {
        let rest = format!("url = {}", b.text(v));
        conds.push(lookup(&mut b, &orgs, "session_urls", &rest));
    }
    if let Some(v) = &f.url_contains {
        conds.push(match dialect {
            Dialect::Sqlite if v.chars().count() >= 3 => {
                // The trigram index finds a quoted phrase as a substring, case-insensitively.
                // Driven from the trigram index (an organization test here would make SQLite
                // walk the organization's URLs instead); the outer query keeps to the tenant.
                let phrase = b.text(&format!("\"{}\"", v.replace('"', "\"\"")));
                format!(
                    "id IN (SELECT session_id FROM session_urls WHERE id IN \
                     (SELECT rowid FROM session_urls_trigram WHERE session_urls_trigram MATCH {phrase}))"
                )
            }
            // Under three characters no trigram exists: a scan of the visible URLs.
            Dialect::Sqlite => {
                let rest = format!("instr(lower(url), {}) > 0", b.text(v));
                lookup(&mut b, &orgs, "session_urls", &rest)
            }
            Dialect::Postgres => {
                let pattern = format!("%{}%", like_escaped(v));
                let rest = format!("lower(url) LIKE {}", b.text(&pattern));
                lookup(&mut b, &orgs, "session_urls", &rest)
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
        conds.push(match dialect {
            Dialect::Sqlite => format!(
                "rowid IN (SELECT rowid FROM sessions_fts WHERE sessions_fts MATCH {})",
                b.text(&fts5_query(terms, column))
            ),
            Dialect::Postgres => format!(
                "search_tsv @@ to_tsquery('simple', {})",
                b.text(&tsquery(terms, weight))
            ),
        });
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
        let key = b.bind(key);
        let id = b.text(id);
        conds.push(format!("({column}, id) {cmp} ({key}, {id})"));
    }
    let limit = b.bind(Bind::Int(query.limit.into()));
    let sql = format!(
        "SELECT {columns} FROM sessions WHERE {} ORDER BY {column} {dir}, id {dir} LIMIT {limit}",
        conds.join(" AND ")
    );
    Some((sql, b.binds))
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
            let (sql, binds) = build_list(&q, "id", dialect).unwrap();
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
        assert!(build_list(&q, "id", Dialect::Sqlite).is_none());
        let q = query(&[("organization_id", "o2")]);
        let (_, binds) = build_list(&q, "id", Dialect::Sqlite).unwrap();
        assert_eq!(binds[0], Bind::Text("o2".into()));
    }

    #[test]
    fn full_text_queries_quote_words_and_prefix_the_last() {
        let words = vec!["checkout".to_string(), "step".to_string()];
        assert_eq!(fts5_query(&words, None), "\"checkout\" AND \"step\"*");
        assert_eq!(
            fts5_query(&words, Some("search_console")),
            "search_console : \"checkout\" AND search_console : \"step\"*"
        );
        assert_eq!(tsquery(&words, ""), "'checkout' & 'step':*");
        assert_eq!(tsquery(&words, "A"), "'checkout':A & 'step':*A");
        assert_eq!(like_escaped("50%_a\\"), "50\\%\\_a\\\\");
    }
}
