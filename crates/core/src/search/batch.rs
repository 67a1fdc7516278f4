//! What one batch adds to its session's search columns and counters, read from its timeline
//! entries before their details are sealed (`timeline::sealing`): after sealing, a console
//! call's level and a request's status are no longer readable.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::{url_words, words};
use crate::timeline::rage::{Click, rage_clicks};
use crate::timeline::{EntryKind, TimelineFact};

/// The search facts of one batch.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BatchSearch {
    /// Error entries: thrown errors, unhandled rejections and `console.error` calls.
    pub errors: u32,
    pub console_errors: u32,
    /// Requests answered with status ≥ 400 or failed without an answer (status 0).
    pub failed_requests: u32,
    /// Rage clicks among the batch's own clicks (a burst split across two batches is missed:
    /// batches are cut every few seconds, a burst lasts one).
    pub rage_clicks: u32,
    /// Names of custom events (the recorder's own `tapedeck.*` markers left out).
    pub event_names: BTreeSet<String>,
    /// Every network status seen; 0 stands for a request that failed without an answer.
    pub statuses: BTreeSet<u16>,
    /// Words of custom event names and properties, error messages and failed request URLs.
    pub text: Vec<String>,
    /// Words of console messages (any level).
    pub console: Vec<String>,
}

/// Reads the search facts of a batch's (unsealed) timeline entries.
pub fn batch_search(entries: &[TimelineFact]) -> BatchSearch {
    let mut out = BatchSearch::default();
    let mut clicks = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        match entry.kind {
            EntryKind::Click => {
                let coord = |k: &str| entry.data[k].as_f64();
                if let (Some(x), Some(y)) = (coord("x"), coord("y")) {
                    clicks.push(Click {
                        id: i.to_string(),
                        window_id: None,
                        at: entry.at_ms,
                        x,
                        y,
                        node_id: entry.data["node_id"].as_i64(),
                    });
                }
            }
            EntryKind::Error => {
                out.errors += 1;
                out.text.extend(words(&entry.search));
            }
            EntryKind::Console => {
                if entry.data["level"] == "error" {
                    out.console_errors += 1;
                }
                out.console.extend(words(&entry.search));
            }
            EntryKind::Network => {
                let status = match entry.data["status"].as_i64() {
                    Some(s) if (1..=999).contains(&s) => s as u16,
                    _ => 0,
                };
                out.statuses.insert(status);
                if status == 0 || status >= 400 {
                    out.failed_requests += 1;
                    if let Some(url) = entry.data["url"].as_str() {
                        out.text.extend(url_words(url));
                    }
                }
            }
            EntryKind::Custom => {
                let tag = entry.data["tag"].as_str().unwrap_or(&entry.label);
                if !tag.starts_with("tapedeck.") {
                    out.event_names.insert(tag.to_string());
                    out.text.extend(words(tag));
                    if let Value::Object(props) = &entry.data["payload"] {
                        for (key, value) in props {
                            out.text.extend(words(key));
                            if let Some(text) = scalar_text(value) {
                                out.text.extend(words(&text));
                            }
                        }
                    }
                }
            }
            EntryKind::Navigation => {}
        }
    }
    out.rage_clicks = rage_clicks(&clicks).len() as u32;
    out
}

fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The words a session's labels add: its end user, tags and experiments. Rewritten whole when
/// any of them changes (a removed tag stops matching).
pub fn label_words(
    user: [Option<&str>; 3],
    tags: &BTreeMap<String, String>,
    experiments: &BTreeMap<String, String>,
) -> String {
    let texts = user
        .into_iter()
        .flatten()
        .chain(tags.iter().flat_map(|(k, v)| [k.as_str(), v.as_str()]))
        .chain(
            experiments
                .iter()
                .flat_map(|(k, v)| [k.as_str(), v.as_str()]),
        );
    let mut seen = BTreeSet::new();
    let mut out: Vec<String> = Vec::new();
    for word in texts.flat_map(words) {
        if seen.insert(word.clone()) {
            out.push(word);
        }
    }
    out.join(" ")
}
