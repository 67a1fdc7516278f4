//! The `session_events` rows one batch adds, the same on every engine: page views (the session's
//! URL history, for search), the timeline entries (`core::timeline`: navigations that change the
//! window's page, clicks, custom events, console, errors, network) and one `activity` row with
//! the batch's spans of user interaction. Also how stored rows read back as entries.

use serde_json::{Value, json};
use tapedeck_core::timeline::{
    ACTIVITY_EVENT_TYPE, ActiveSpan, EntryKind, StoredEntry, drop_repeated_navigations,
    navigation_entry,
};
use tapedeck_core::{BatchFacts, PageVisit};

/// One row to insert (the session and window are the batch's).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct EventRow {
    pub event_type: &'static str,
    pub timestamp: i64,
    pub label: String,
    pub data: Value,
    pub search: String,
}

/// The event types of timeline entries, as stored.
pub(crate) fn entry_types() -> [&'static str; 6] {
    EntryKind::ALL.map(EntryKind::as_str)
}

/// The rows of one batch: `new_visits` are the visits this batch added to the session's URL
/// history; `previous_url` is the window's page before the batch (its last navigation).
pub(crate) fn batch_rows(
    facts: &BatchFacts,
    new_visits: &[&PageVisit],
    previous_url: Option<&str>,
) -> Vec<EventRow> {
    let mut rows: Vec<EventRow> = new_visits
        .iter()
        .map(|visit| EventRow {
            event_type: "page_view",
            timestamp: visit.at_ms,
            label: String::new(),
            data: json!({ "url": visit.url }),
            search: visit.url.clone(),
        })
        .collect();
    let navigations = drop_repeated_navigations(previous_url, &facts.visits);
    let entries = navigations
        .iter()
        .map(navigation_entry)
        .chain(facts.timeline.entries.iter().cloned());
    rows.extend(entries.map(|fact| EventRow {
        event_type: fact.kind.as_str(),
        timestamp: fact.at_ms,
        label: fact.label,
        data: fact.data,
        search: fact.search,
    }));
    rows.push(EventRow {
        event_type: ACTIVITY_EVENT_TYPE,
        timestamp: facts.first_ts_ms,
        label: String::new(),
        data: json!({ "spans": facts.timeline.activity }),
        search: String::new(),
    });
    rows
}

/// The first visit's time: the window's page before the batch is its last navigation at or
/// before it.
pub(crate) fn first_visit_ms(facts: &BatchFacts) -> Option<i64> {
    facts.visits.first().map(|v| v.at_ms)
}

/// A stored row as an entry; `None` for a kind this build does not know.
pub(crate) fn stored_entry(
    id: i64,
    window_id: Option<String>,
    event_type: &str,
    timestamp: i64,
    label: String,
    data: Value,
) -> Option<StoredEntry> {
    Some(StoredEntry {
        id,
        window_id,
        kind: EntryKind::parse(event_type)?,
        at_ms: timestamp,
        label,
        data,
    })
}

/// The spans of one stored activity row; a row that does not parse adds none.
pub(crate) fn activity_of(data: &Value) -> Vec<ActiveSpan> {
    serde_json::from_value(data["spans"].clone()).unwrap_or_default()
}
