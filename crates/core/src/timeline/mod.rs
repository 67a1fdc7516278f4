//! The session timeline (docs/API.md "Timeline"): what ingest extracts from each batch's rrweb
//! events into searchable rows (`extract`: clicks, navigations, custom events, console calls,
//! errors, network requests, and the spans of user activity), the caps every stored entry obeys
//! (`cap`), and what the timeline API computes on read (`rage`: rage clicks, `inactivity`:
//! inactive spans, `answer`: the sorted, capped answer), and the sealing of entry details at rest
//! (`sealing`). Pure: events in, values out.
//!
//! Times stored are epoch milliseconds; the answer speaks the player clock (milliseconds since
//! the session's first event).

pub mod answer;
pub mod cap;
mod extract;
pub mod inactivity;
pub mod rage;
pub mod sealing;

#[cfg(test)]
mod tests;

use serde_json::Value;

pub use answer::{NoteEntry, StoredEntry, Timeline, TimelineEntry, TimelineInput, build_timeline};
pub use extract::{drop_repeated_navigations, extract_timeline, navigation_entry};
pub use inactivity::{ActiveSpan, InactiveSpan, activity_spans, inactive_spans};

/// Largest `data` of one entry, as compact JSON; bigger data is cut (`cap::cap_data`).
pub const MAX_ENTRY_DATA_BYTES: usize = 16 * 1024;
/// Most entries in one timeline answer; past it the earliest are kept.
pub const MAX_ENTRIES_PER_ANSWER: usize = 20_000;
/// Most entries one batch adds (its earliest); a recorder sends far fewer (capture is capped at
/// 100 events per second and batches are cut every 3 s).
pub const MAX_ENTRIES_PER_BATCH: usize = 1_000;
/// Longest entry label, in characters.
pub const MAX_LABEL_CHARS: usize = 200;
/// Longest searchable text kept per entry, in characters.
pub const MAX_SEARCH_CHARS: usize = 2_048;
/// Most activity spans kept per batch; the last one is stretched over any beyond.
pub const MAX_ACTIVITY_SPANS_PER_BATCH: usize = 256;
/// Shortest stretch without user interaction that counts as inactive.
pub const INACTIVE_MIN_MS: i64 = 5_000;
/// Fewest clicks that make a rage click.
pub const RAGE_CLICK_MIN_CLICKS: usize = 3;
/// Rage clicks follow the first within this time …
pub const RAGE_CLICK_WITHIN_MS: i64 = 1_000;
/// … and this distance (CSS pixels) of it.
pub const RAGE_CLICK_RADIUS_PX: f64 = 30.0;

/// The kinds of entries ingest stores (rage clicks and notes are added on read).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntryKind {
    Click,
    Navigation,
    Custom,
    Console,
    Error,
    Network,
}

impl EntryKind {
    pub const ALL: [EntryKind; 6] = [
        EntryKind::Click,
        EntryKind::Navigation,
        EntryKind::Custom,
        EntryKind::Console,
        EntryKind::Error,
        EntryKind::Network,
    ];

    /// The name stored in `session_events.event_type` and answered as `kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Click => "click",
            EntryKind::Navigation => "navigation",
            EntryKind::Custom => "custom",
            EntryKind::Console => "console",
            EntryKind::Error => "error",
            EntryKind::Network => "network",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

/// The `session_events.event_type` of a batch's activity row (not a timeline entry).
pub const ACTIVITY_EVENT_TYPE: &str = "activity";

/// One entry extracted from a batch, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineFact {
    pub kind: EntryKind,
    /// Epoch milliseconds.
    pub at_ms: i64,
    pub label: String,
    /// At most `MAX_ENTRY_DATA_BYTES` as compact JSON.
    pub data: Value,
    /// Text a search may match (`session_events.searchable_text`).
    pub search: String,
}

/// What one batch adds to its session's timeline.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BatchTimeline {
    /// In event order, at most `MAX_ENTRIES_PER_BATCH`. Navigations are not here: they come
    /// from the batch's page visits (`BatchFacts::visits`), minus repeats of the window's
    /// current page (`drop_repeated_navigations`).
    pub entries: Vec<TimelineFact>,
    /// Entries left out past `MAX_ENTRIES_PER_BATCH`.
    pub dropped: usize,
    /// When the user interacted, as spans in epoch milliseconds (`inactivity::activity_spans`).
    pub activity: Vec<ActiveSpan>,
    /// Counters and words for session search, read before the entries' details are sealed.
    pub search: crate::search::BatchSearch,
}

/// `text` cut to `max` characters, ending in `…` when cut.
pub fn clip_chars(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_string(),
        Some(_) => {
            let keep: String = text.chars().take(max.saturating_sub(1)).collect();
            keep + "…"
        }
    }
}

/// A label: one line, at most `MAX_LABEL_CHARS` characters.
pub fn label_of(text: &str) -> String {
    // Only the start can show: fold whitespace in a bounded prefix, not in a megabyte.
    let head: String = text.chars().take(MAX_LABEL_CHARS * 4).collect();
    let line = head.split_whitespace().collect::<Vec<_>>().join(" ");
    clip_chars(&line, MAX_LABEL_CHARS)
}
