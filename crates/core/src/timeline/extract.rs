//! Reads a batch's timeline entries and activity from its (already scrubbed) rrweb events.
//!
//! rrweb events: type 3 is an incremental snapshot whose `data.source` says what happened
//! (1 mouse move, 2 mouse interaction — `data.type` 2 is a click —, 3 scroll, 5 input, 6 touch
//! move, 7 media, 12 drag); type 5 is a custom event `{tag, payload}`. The recorder's own tags
//! start with `tapedeck.`: `tapedeck.console`, `tapedeck.error` and `tapedeck.network` are its
//! captures (packages/recorder/README.md "Network and console capture"); its pause/resume
//! markers are shown as custom entries; its other tags (chunks, privacy level, dropped-capture
//! counts) are plumbing and stay out.

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value, json};

use super::cap::cap_data;
use super::inactivity::activity_spans;
use super::{
    BatchTimeline, EntryKind, MAX_ENTRIES_PER_BATCH, MAX_SEARCH_CHARS, TimelineFact, clip_chars,
    label_of,
};
use crate::batch::IngestBatch;
use crate::facts::PageVisit;

const INCREMENTAL_EVENT: i64 = 3;
const CUSTOM_EVENT: i64 = 5;
const SOURCE_MOUSE_INTERACTION: i64 = 2;
const MOUSE_CLICK: i64 = 2;
/// Incremental sources that are the user doing something (skip-inactivity's notion of activity).
const INTERACTION_SOURCES: [i64; 7] = [1, 2, 3, 5, 6, 7, 12];

const TAG_CONSOLE: &str = "tapedeck.console";
const TAG_ERROR: &str = "tapedeck.error";
const TAG_NETWORK: &str = "tapedeck.network";
/// The recorder's markers (packages/recorder/src/recorder.ts `MARKER_*`) worth a timeline entry.
const MARKER_TAGS: [&str; 5] = [
    "tapedeck.paused",
    "tapedeck.resumed",
    "tapedeck.excluded",
    "tapedeck.budget_paused",
    "tapedeck.budget_resumed",
];
const CONSOLE_LEVELS: [&str; 5] = ["log", "info", "warn", "error", "debug"];

#[derive(Deserialize)]
struct Incremental {
    data: IncrementalData,
}

#[derive(Deserialize)]
struct IncrementalData {
    source: Option<i64>,
    #[serde(rename = "type")]
    kind: Option<i64>,
    id: Option<i64>,
    x: Option<serde_json::Number>,
    y: Option<serde_json::Number>,
}

#[derive(Deserialize)]
struct Custom {
    data: CustomData,
}

#[derive(Deserialize)]
struct CustomData {
    tag: String,
    payload: Option<Box<RawValue>>,
}

/// Extracts the timeline entries and the activity of a validated, scrubbed batch.
pub fn extract_timeline(batch: &IngestBatch) -> BatchTimeline {
    let mut entries = Vec::new();
    let mut dropped = 0;
    let mut interactions = Vec::new();
    for (head, raw) in batch.heads.iter().zip(&batch.events) {
        let at_ms = head.timestamp;
        // Past the cap, events are only counted: no payload is parsed or cut for nothing.
        let full = entries.len() >= MAX_ENTRIES_PER_BATCH;
        match head.kind {
            INCREMENTAL_EVENT => {
                // A malformed event is stored as sent; it just adds nothing here.
                let Ok(event) = serde_json::from_str::<Incremental>(raw.get()) else {
                    continue;
                };
                let data = event.data;
                if data
                    .source
                    .is_some_and(|s| INTERACTION_SOURCES.contains(&s))
                {
                    interactions.push(at_ms);
                }
                if data.source == Some(SOURCE_MOUSE_INTERACTION) && data.kind == Some(MOUSE_CLICK) {
                    if full {
                        dropped += 1;
                    } else {
                        entries.push(click(at_ms, &data));
                    }
                }
            }
            CUSTOM_EVENT => {
                let Ok(event) = serde_json::from_str::<Custom>(raw.get()) else {
                    continue;
                };
                let tag = event.data.tag.as_str();
                if !is_timeline_tag(tag) {
                    continue;
                }
                if full {
                    dropped += 1;
                    continue;
                }
                let payload = event
                    .data
                    .payload
                    .and_then(|p| serde_json::from_str::<Value>(p.get()).ok())
                    .unwrap_or(Value::Null);
                entries.extend(custom(at_ms, tag, payload));
            }
            _ => {}
        }
    }
    // A console error near the cap adds two entries; the cap holds all the same.
    dropped += entries.len().saturating_sub(MAX_ENTRIES_PER_BATCH);
    entries.truncate(MAX_ENTRIES_PER_BATCH);
    BatchTimeline {
        search: crate::search::batch_search(&entries),
        entries,
        dropped,
        activity: activity_spans(interactions),
    }
}

/// Whether a custom event's tag makes timeline entries.
fn is_timeline_tag(tag: &str) -> bool {
    !tag.starts_with("tapedeck.")
        || [TAG_CONSOLE, TAG_ERROR, TAG_NETWORK].contains(&tag)
        || MARKER_TAGS.contains(&tag)
}

fn fact(kind: EntryKind, at_ms: i64, label: &str, data: Value, search: &str) -> TimelineFact {
    TimelineFact {
        kind,
        at_ms,
        label: label_of(label),
        data: cap_data(data),
        search: clip_chars(search, MAX_SEARCH_CHARS),
    }
}

fn click(at_ms: i64, data: &IncrementalData) -> TimelineFact {
    let mut out = Map::new();
    for (key, value) in [("x", &data.x), ("y", &data.y)] {
        if let Some(v) = value {
            out.insert(key.into(), Value::Number(v.clone()));
        }
    }
    if let Some(id) = data.id {
        out.insert("node_id".into(), json!(id));
    }
    fact(EntryKind::Click, at_ms, "Click", Value::Object(out), "")
}

/// The entries of one custom event with a timeline tag: two for a console error.
fn custom(at_ms: i64, tag: &str, payload: Value) -> Vec<TimelineFact> {
    match tag {
        TAG_CONSOLE => console(at_ms, &payload),
        TAG_ERROR => vec![error(at_ms, &payload)],
        TAG_NETWORK => network(at_ms, payload).into_iter().collect(),
        _ => {
            let data = json!({ "tag": tag, "payload": payload });
            vec![fact(EntryKind::Custom, at_ms, tag, data, tag)]
        }
    }
}

fn text_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn console(at_ms: i64, payload: &Value) -> Vec<TimelineFact> {
    let level = payload["level"]
        .as_str()
        .filter(|l| CONSOLE_LEVELS.contains(l))
        .unwrap_or("log");
    let args: Vec<String> = match &payload["args"] {
        Value::Array(items) => items.iter().map(text_of).collect(),
        Value::Null => Vec::new(),
        other => vec![text_of(other)],
    };
    let message = args.join(" ");
    let stack = payload["stack"].as_str();
    let mut data = json!({ "level": level, "args": args });
    if let Some(stack) = stack {
        data["stack"] = json!(stack);
    }
    let label = if message.trim().is_empty() {
        format!("console.{level}()")
    } else {
        message.clone()
    };
    let mut out = vec![fact(EntryKind::Console, at_ms, &label, data, &message)];
    if level == "error" {
        let data = json!({ "kind": "console", "message": message, "stack": stack.unwrap_or("") });
        out.push(fact(EntryKind::Error, at_ms, &label, data, &message));
    }
    out
}

fn error(at_ms: i64, payload: &Value) -> TimelineFact {
    let kind = payload["kind"]
        .as_str()
        .filter(|k| ["error", "unhandledrejection"].contains(k))
        .unwrap_or("error");
    let message = text_of(&payload["message"]);
    let mut data = json!({
        "kind": kind,
        "message": message,
        "stack": payload["stack"].as_str().unwrap_or(""),
    });
    if let Some(source) = payload["source"].as_str() {
        data["source"] = json!(source);
    }
    for key in ["line", "column"] {
        if let Some(n) = payload[key].as_i64() {
            data[key] = json!(n);
        }
    }
    let label = if message.trim().is_empty() {
        kind.to_string()
    } else {
        message.clone()
    };
    fact(EntryKind::Error, at_ms, &label, data, &message)
}

fn network(at_ms: i64, payload: Value) -> Option<TimelineFact> {
    // The payload is stored as the recorder sent it (and the server scrubbed it).
    if !payload.is_object() {
        return None;
    }
    let method = payload["method"].as_str().unwrap_or("GET").to_uppercase();
    let url = payload["url"].as_str().unwrap_or("");
    let outcome = match payload["status"].as_i64() {
        Some(status) if status > 0 => status.to_string(),
        _ => "failed".to_string(),
    };
    let label = format!("{method} {} → {outcome}", path_of(url));
    let search = format!("{method} {url} {outcome}");
    Some(fact(EntryKind::Network, at_ms, &label, payload, &search))
}

/// A URL without its scheme and host (`https://a.test/x?y` → `/x?y`); other text as it is.
fn path_of(url: &str) -> &str {
    let Some((_, rest)) = url.split_once("://") else {
        return url;
    };
    match rest.find(['/', '?', '#']) {
        Some(i) => &rest[i..],
        None => "/",
    }
}

/// The navigation entry of a page visit (`BatchFacts::visits`).
pub fn navigation_entry(visit: &PageVisit) -> TimelineFact {
    let data = json!({ "url": visit.url });
    fact(
        EntryKind::Navigation,
        visit.at_ms,
        path_of(&visit.url),
        data,
        &visit.url,
    )
}

/// Drops the visits that only repeat the page the window was on: `previous` is the window's
/// last navigation before these (`None` for a new window). A checkout's meta event and every
/// batch's `meta.url` name the current page again; only changes are navigations.
pub fn drop_repeated_navigations(previous: Option<&str>, visits: &[PageVisit]) -> Vec<PageVisit> {
    let mut current = previous.map(str::to_string);
    let mut out = Vec::new();
    for visit in visits {
        if current.as_deref() != Some(visit.url.as_str()) {
            current = Some(visit.url.clone());
            out.push(visit.clone());
        }
    }
    out
}
