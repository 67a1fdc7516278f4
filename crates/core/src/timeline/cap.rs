//! The cap on one entry's `data`: at most `MAX_ENTRY_DATA_BYTES` of compact JSON. Data over it
//! keeps its shape with long strings cut (ending in `…`), collections shortened, and deep
//! nesting summarised, and says so with `"truncated": true`; data that still does not fit (many
//! small keys) becomes a cut preview of its JSON text. Recorded payloads are untrusted: any JSON
//! comes out within the cap.

use serde_json::{Map, Value};

use super::{MAX_ENTRY_DATA_BYTES, clip_chars};

/// Deepest nesting kept; deeper values become `"…"`.
const MAX_DEPTH: usize = 8;
/// Most items kept per array or object when data is over the cap.
const MAX_ITEMS: usize = 200;
/// Strings are never cut shorter than this; data that does not fit then becomes a preview.
const MIN_STRING_CHARS: usize = 16;
/// When data becomes a preview, its top-level scalars up to this size stay beside it …
const MAX_SCALAR_BYTES: usize = 256;
/// … the first this many of them.
const MAX_SCALARS_KEPT: usize = 16;
/// Fields kept beside a preview before any others.
const KEY_FIELDS: [&str; 10] = [
    "tag",
    "kind",
    "level",
    "method",
    "url",
    "status",
    "ok",
    "message",
    "error",
    "duration_ms",
];
/// Room left for the `"truncated":true` marker.
const MARKER_BYTES: usize = 20;

/// Returns `data` within `MAX_ENTRY_DATA_BYTES`, marked `"truncated": true` when it was cut.
/// `data` should be an object (entries' data always is); anything else is wrapped as `value`.
pub fn cap_data(data: Value) -> Value {
    cap_data_to(data, MAX_ENTRY_DATA_BYTES)
}

fn cap_data_to(data: Value, max_bytes: usize) -> Value {
    let data = match data {
        Value::Object(_) => data,
        other => {
            let mut map = Map::new();
            map.insert("value".into(), other);
            Value::Object(map)
        }
    };
    if json_len(&data) <= max_bytes {
        return data;
    }
    let budget = max_bytes.saturating_sub(MARKER_BYTES);
    let pruned = prune(&data, 0);
    let longest = longest_string(&pruned);
    // The longest string limit that fits: sizes only shrink as the limit does.
    let (mut low, mut high) = (MIN_STRING_CHARS, longest.max(MIN_STRING_CHARS));
    let mut best = None;
    while low <= high {
        let mid = low + (high - low) / 2;
        let cut = cut_strings(&pruned, mid);
        if json_len(&cut) <= budget {
            best = Some(cut);
            low = mid + 1;
        } else {
            high = mid - 1;
        }
    }
    let mut capped = match best {
        Some(Value::Object(map)) => map,
        _ => preview(&data, budget),
    };
    capped.insert("truncated".into(), Value::Bool(true));
    debug_assert!(json_len(&Value::Object(capped.clone())) <= max_bytes);
    Value::Object(capped)
}

/// Compact JSON length in bytes.
pub fn json_len(value: &Value) -> usize {
    serde_json::to_vec(value).map_or(usize::MAX, |v| v.len())
}

/// Limits depth and collection sizes.
fn prune(value: &Value, depth: usize) -> Value {
    match value {
        Value::Array(items) if depth >= MAX_DEPTH && !items.is_empty() => Value::from("…"),
        Value::Object(map) if depth >= MAX_DEPTH && !map.is_empty() => Value::from("…"),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .take(MAX_ITEMS)
                .map(|v| prune(v, depth + 1))
                .collect(),
        ),
        Value::Object(map) => Value::Object(
            map.iter()
                .take(MAX_ITEMS)
                .map(|(k, v)| (k.clone(), prune(v, depth + 1)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn longest_string(value: &Value) -> usize {
    match value {
        Value::String(s) => s.chars().count(),
        Value::Array(items) => items.iter().map(longest_string).max().unwrap_or(0),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| k.chars().count().max(longest_string(v)))
            .max()
            .unwrap_or(0),
        _ => 0,
    }
}

/// Cuts every string (and key) longer than `max` characters.
fn cut_strings(value: &Value, max: usize) -> Value {
    match value {
        Value::String(s) => Value::String(clip_chars(s, max)),
        Value::Array(items) => Value::Array(items.iter().map(|v| cut_strings(v, max)).collect()),
        Value::Object(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                // Two keys cut to the same text: the first stays.
                out.entry(clip_chars(k, max))
                    .or_insert_with(|| cut_strings(v, max));
            }
            Value::Object(out)
        }
        other => other.clone(),
    }
}

/// The data's short top-level scalars (a custom event's `tag`, a request's `method` and
/// `status`, …) and the start of its JSON text as `preview`.
fn preview(data: &Value, budget: usize) -> Map<String, Value> {
    let mut kept = Map::new();
    if let Value::Object(map) = data {
        let short = |key: &String, value: &Value| {
            key.len() <= MAX_SCALAR_BYTES
                && match value {
                    Value::String(s) => s.len() <= MAX_SCALAR_BYTES,
                    Value::Array(_) | Value::Object(_) => false,
                    _ => true,
                }
        };
        // The fields the timeline's labels and panels read first, then any others.
        let mut candidates: Vec<(&String, &Value)> =
            map.iter().filter(|(k, v)| short(k, v)).collect();
        candidates.sort_by_key(|(key, _)| !KEY_FIELDS.contains(&key.as_str()));
        for (key, value) in candidates.into_iter().take(MAX_SCALARS_KEPT) {
            kept.insert(key.clone(), value.clone());
        }
    }
    let text = serde_json::to_string(data).unwrap_or_default();
    // JSON escaping can grow a character up to 6 bytes (`\u001f`); halve until it fits.
    let room = budget.saturating_sub(json_len(&Value::Object(kept.clone())));
    let mut chars = room / 2;
    loop {
        let mut map = kept.clone();
        map.insert("preview".into(), Value::String(clip_chars(&text, chars)));
        if json_len(&Value::Object(map.clone())) <= budget {
            return map;
        }
        if chars == 0 {
            // Only a pathological object gets here (its short fields alone fill the budget).
            let mut map = Map::new();
            map.insert("preview".into(), Value::from("…"));
            return map;
        }
        chars /= 2;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn small_data_is_untouched() {
        let data = json!({"level": "log", "args": ["hi"]});
        assert_eq!(cap_data(data.clone()), data);
    }

    #[test]
    fn a_long_string_is_cut_and_marked() {
        let data = json!({"level": "log", "args": ["x".repeat(100_000), "short"]});
        let capped = cap_data(data);
        assert!(json_len(&capped) <= MAX_ENTRY_DATA_BYTES);
        assert_eq!(capped["truncated"], true);
        assert_eq!(capped["level"], "log");
        assert_eq!(capped["args"][1], "short");
        let cut = capped["args"][0].as_str().unwrap();
        assert!(cut.ends_with('…') && cut.len() > 10_000, "{}", cut.len());
    }

    #[test]
    fn many_small_keys_become_a_preview() {
        let map: Map<String, Value> = (0..5_000).map(|i| (format!("k{i}"), json!(i))).collect();
        let mut map = map;
        map.insert("tag".into(), json!("checkout.started"));
        let capped = cap_data_to(Value::Object(map), 1_000);
        assert!(json_len(&capped) <= 1_000);
        assert_eq!(capped["truncated"], true);
        assert_eq!(capped["tag"], "checkout.started", "short fields stay");
        assert!(capped["preview"].as_str().unwrap().starts_with("{\"k0\":0"));
    }

    #[test]
    fn escapes_and_deep_nesting_stay_within_the_cap() {
        let mut deep = json!("\u{1}".repeat(3_000));
        for _ in 0..50 {
            deep = json!([deep, "\u{1f}".repeat(100)]);
        }
        let capped = cap_data_to(json!({"payload": deep}), 2_000);
        assert!(json_len(&capped) <= 2_000, "{}", json_len(&capped));
        assert_eq!(capped["truncated"], true);
        let wrapped = cap_data_to(json!("y".repeat(5_000)), 1_000);
        assert!(wrapped["value"].as_str().unwrap().ends_with('…'));
    }
}
