//! Scrubbing of rrweb events. Every string value in an event is scrubbed — text nodes,
//! attribute values, mutation texts, input values, custom-event payloads (console, network),
//! meta-event URLs — except `data:` URIs (inline images and canvas frames, which the text
//! patterns would only corrupt). Object keys and numbers are structure and stay as they are.
//! Events with nothing to mask are kept byte-for-byte; only events with a match are re-serialized.

use std::collections::BTreeMap;

use serde_json::Value;
use serde_json::value::RawValue;

use super::text::{PiiKind, may_contain_pii, scrub_text_counting};

/// What scrubbing masked in a batch, by kind.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ScrubReport {
    pub masked: BTreeMap<PiiKind, usize>,
    /// Events that were rewritten.
    pub events_changed: usize,
}

impl ScrubReport {
    pub fn total(&self) -> usize {
        self.masked.values().sum()
    }
}

/// Returns the events with personal data masked, and what was masked.
pub fn scrub_events(events: Vec<Box<RawValue>>) -> (Vec<Box<RawValue>>, ScrubReport) {
    let mut report = ScrubReport::default();
    let events = events
        .into_iter()
        .map(|raw| {
            // JSON escapes (`\u0040` for `@`) could hide a match from the fast check.
            if !raw.get().contains("\\u") && !may_contain_pii(raw.get()) {
                return raw;
            }
            let Ok(mut value) = serde_json::from_str::<Value>(raw.get()) else {
                return raw;
            };
            let before = report.total();
            scrub_value(&mut value, &mut report);
            if report.total() == before {
                return raw;
            }
            report.events_changed += 1;
            serde_json::value::to_raw_value(&value).unwrap_or(raw)
        })
        .collect();
    (events, report)
}

fn scrub_value(value: &mut Value, report: &mut ScrubReport) {
    match value {
        Value::String(s) if s.starts_with("data:") => {}
        Value::String(s) => {
            let mut found = |kind| *report.masked.entry(kind).or_insert(0) += 1;
            if let std::borrow::Cow::Owned(masked) = scrub_text_counting(s, &mut found) {
                *s = masked;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| scrub_value(item, report)),
        Value::Object(map) => map.values_mut().for_each(|item| scrub_value(item, report)),
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(value: serde_json::Value) -> Box<RawValue> {
        serde_json::value::to_raw_value(&value).unwrap()
    }

    #[test]
    fn snapshots_mutations_inputs_and_payloads_are_scrubbed() {
        let events = vec![
            raw(
                serde_json::json!({"type": 2, "timestamp": 1, "data": {"node": {"type": 0, "childNodes": [
                {"type": 2, "tagName": "p", "attributes": {"title": "ada@example.com", "src": "data:image/png;base64,4242424242424242"},
                 "childNodes": [{"type": 3, "textContent": "Card 4242 4242 4242 4242", "id": 3}], "id": 2}]}}}),
            ),
            raw(
                serde_json::json!({"type": 3, "timestamp": 2, "data": {"source": 0, "texts": [{"id": 3, "value": "call +1 415 555 0132"}],
                "attributes": [{"id": 2, "attributes": {"data-ssn": "123-45-6789"}}], "adds": [], "removes": []}}),
            ),
            raw(
                serde_json::json!({"type": 3, "timestamp": 3, "data": {"source": 5, "id": 9, "text": "4111 1111 1111 1111", "isChecked": false}}),
            ),
            raw(
                serde_json::json!({"type": 5, "timestamp": 4, "data": {"tag": "tapedeck.network", "payload": {
                "request_headers": {"authorization": "Bearer abcdef123456789"}, "response_body": "{\"iban\":\"DE89 3704 0044 0532 0130 00\"}"}}}),
            ),
            raw(
                serde_json::json!({"type": 3, "timestamp": 5, "data": {"source": 1, "positions": [{"x": 1, "y": 2, "id": 3, "timeOffset": 0}]}}),
            ),
        ];
        let untouched = events[4].get().to_string();
        let (out, report) = scrub_events(events);
        let all: String = out.iter().map(|e| e.get()).collect();
        for secret in [
            "ada@example.com",
            "4242 4242 4242 4242",
            "415 555 0132",
            "123-45-6789",
            "4111 1111 1111 1111",
            "abcdef123456789",
            "0532 0130",
        ] {
            assert!(!all.contains(secret), "{secret} leaked: {all}");
        }
        assert!(
            all.contains("data:image/png;base64,4242424242424242"),
            "data: URIs stay intact"
        );
        assert!(all.contains("\"tagName\":\"p\""));
        assert_eq!(
            out[4].get(),
            untouched,
            "events without personal data keep their bytes"
        );
        assert_eq!(report.events_changed, 4);
        assert_eq!(report.masked.get(&PiiKind::CardNumber), Some(&2));
        assert_eq!(report.total(), 7);
    }

    #[test]
    fn escaped_characters_do_not_hide_an_email() {
        let event = RawValue::from_string(
            r#"{"type":3,"timestamp":1,"data":{"source":5,"text":"ada\u0040example.com"}}"#
                .to_string(),
        )
        .unwrap();
        let (out, _) = scrub_events(vec![event]);
        assert!(!out[0].get().contains("example.com"), "{}", out[0].get());
    }
}
