//! The timeline answer (docs/API.md "Timeline"): the stored entries, rage clicks found among
//! their clicks, notes, and the inactive spans, on the player clock, sorted by time then id, at
//! most `MAX_ENTRIES_PER_ANSWER`.

use serde::Serialize;
use serde_json::{Value, json};

use super::inactivity::{ActiveSpan, InactiveSpan, inactive_spans};
use super::rage::{Click, rage_clicks};
use super::{EntryKind, MAX_ENTRIES_PER_ANSWER, label_of};

/// A stored timeline row (`session_events`) as the store reads it back.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEntry {
    pub id: i64,
    /// `None` for rows stored before windows were recorded with entries.
    pub window_id: Option<String>,
    pub kind: EntryKind,
    /// Epoch milliseconds.
    pub at_ms: i64,
    pub label: String,
    pub data: Value,
}

/// A note as the timeline shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct NoteEntry {
    pub id: String,
    /// Player clock.
    pub at: i64,
    pub text: String,
    pub author_email: Option<String>,
}

/// Everything the answer is computed from.
#[derive(Debug, Clone, Default)]
pub struct TimelineInput {
    pub session_id: String,
    /// The session's first and last event, epoch milliseconds.
    pub start_ms: i64,
    pub end_ms: i64,
    /// The earliest stored entries, by time then id.
    pub entries: Vec<StoredEntry>,
    /// Whether more entries are stored than `entries` holds.
    pub more_entries: bool,
    pub notes: Vec<NoteEntry>,
    /// The activity spans; `None` when the session has no activity rows (recorded before they
    /// were extracted): then nothing is called inactive.
    pub activity: Option<Vec<ActiveSpan>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimelineEntry {
    pub id: String,
    pub window_id: Option<String>,
    pub at: i64,
    pub kind: &'static str,
    pub label: String,
    pub data: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Timeline {
    pub session_id: String,
    pub duration_ms: i64,
    pub entries: Vec<TimelineEntry>,
    pub inactive: Vec<InactiveSpan>,
    pub truncated: bool,
}

/// The id of a stored entry: fixed width, so ids of equal times sort in storage order.
pub fn entry_id(row_id: i64) -> String {
    format!("e-{row_id:012}")
}

/// A coordinate as recorded: whole pixels stay integers.
fn number(value: f64) -> Value {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        json!(value as i64)
    } else {
        json!(value)
    }
}

/// Builds the answer.
pub fn build_timeline(input: TimelineInput) -> Timeline {
    let start = input.start_ms;
    let offset = |at_ms: i64| at_ms.saturating_sub(start).max(0);
    let mut clicks = Vec::new();
    let mut entries: Vec<TimelineEntry> = Vec::with_capacity(input.entries.len());
    for row in input.entries {
        let id = entry_id(row.id);
        let at = offset(row.at_ms);
        if row.kind == EntryKind::Click
            && let (Some(x), Some(y)) = (row.data["x"].as_f64(), row.data["y"].as_f64())
        {
            clicks.push(Click {
                id: id.clone(),
                window_id: row.window_id.clone(),
                at,
                x,
                y,
                node_id: row.data["node_id"].as_i64(),
            });
        }
        entries.push(TimelineEntry {
            id,
            window_id: row.window_id,
            at,
            kind: row.kind.as_str(),
            label: row.label,
            data: row.data,
        });
    }
    for rage in rage_clicks(&clicks) {
        let mut data = json!({
            "x": number(rage.first.x), "y": number(rage.first.y),
            "count": rage.count, "until": rage.until,
        });
        if let Some(node_id) = rage.first.node_id {
            data["node_id"] = json!(node_id);
        }
        entries.push(TimelineEntry {
            id: format!("r-{}", rage.first.id.trim_start_matches("e-")),
            window_id: rage.first.window_id,
            at: rage.first.at,
            kind: "rage_click",
            label: format!("Rage click ({}×)", rage.count),
            data,
        });
    }
    for note in input.notes {
        entries.push(TimelineEntry {
            id: format!("n-{}", note.id),
            window_id: None,
            at: note.at,
            kind: "note",
            label: label_of(&note.text),
            data: json!({ "note_id": note.id, "author": note.author_email, "text": note.text }),
        });
    }
    entries.sort_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)));
    let truncated = input.more_entries || entries.len() > MAX_ENTRIES_PER_ANSWER;
    entries.truncate(MAX_ENTRIES_PER_ANSWER);
    let inactive = match input.activity {
        Some(activity) => inactive_spans(activity, start, input.end_ms),
        None => Vec::new(),
    };
    Timeline {
        session_id: input.session_id,
        duration_ms: input.end_ms.saturating_sub(start).max(0),
        entries,
        inactive,
        truncated,
    }
}
