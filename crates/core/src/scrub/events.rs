//! Scrubbing of rrweb events. Every string value in an event is scrubbed — text nodes,
//! attribute values, mutation texts, input values, custom-event payloads (console, network),
//! meta-event URLs — except `data:` URIs (inline images and canvas frames, which the text
//! patterns would only corrupt). Object keys and numbers are structure and stay as they are.
//! Events with nothing to mask are kept byte-for-byte; in an event with a match only the masked
//! string literals are rewritten.
//!
//! An event is read as text, literal by literal (`json_strings`), never parsed into a tree: a
//! full snapshot is hundreds of KB, and building and dropping its `Value` was most of ingest's
//! CPU. A literal without escapes is its own text and is scrubbed where it lies; one with escapes
//! (`\n`, `\/`, `\u0040`) is decoded first, so no escape hides a match. Most strings hold no
//! needle of any pattern and cost a byte scan (`scrub_text_counting`).

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde_json::value::RawValue;

use super::json_strings::{Literal, decode, literals, push_literal};
use super::text::{PiiKind, scrub_text_counting};

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
        .map(|raw| match scrub_event(raw.get(), &mut report) {
            None => raw,
            Some(scrubbed) => {
                report.events_changed += 1;
                // Each masked literal was replaced by a well-formed one, so the text is still
                // valid JSON; failing here is a bug in this module, and failing closed (no
                // event kept unmasked) is the only safe way out.
                RawValue::from_string(scrubbed).expect("a scrubbed event stays valid JSON")
            }
        })
        .collect();
    (events, report)
}

/// Returns the event's text with its personal data masked, or `None` when it has none.
fn scrub_event(event: &str, report: &mut ScrubReport) -> Option<String> {
    let mut out: Option<String> = None;
    let mut copied_to = 0;
    for literal in literals(event).filter(|l| !l.is_key) {
        let Some(text) = text_to_scrub(event, &literal) else {
            continue;
        };
        let mut found = |kind| *report.masked.entry(kind).or_insert(0) += 1;
        if let Cow::Owned(masked) = scrub_text_counting(&text, &mut found) {
            let out = out.get_or_insert_with(|| String::with_capacity(event.len() + 16));
            out.push_str(&event[copied_to..literal.start]);
            push_literal(out, &masked);
            copied_to = literal.end;
        }
    }
    let mut out = out?;
    out.push_str(&event[copied_to..]);
    Some(out)
}

/// Returns the text of a value literal, `None` for a `data:` URI.
fn text_to_scrub<'a>(event: &'a str, literal: &Literal) -> Option<Cow<'a, str>> {
    let content = literal.content(event);
    // Checked before decoding too: an image's base64 may well be written with `\/`.
    if content.starts_with("data:") {
        return None;
    }
    let text = if literal.escaped {
        decode(content)
    } else {
        Cow::Borrowed(content)
    };
    (!text.starts_with("data:")).then_some(text)
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
    fn a_bearer_token_behind_an_escaped_newline_or_slash_is_masked() {
        // The old prefilter only decoded events holding `\u`: `\n` and `\/` hid these tokens.
        for text in [
            r#"Authorization: Bearer\nabcdef123456789"#,
            r#"Authorization: Bearer\tabcdef123456789"#,
            r#"Authorization: Bearer abc\/def123456789"#,
        ] {
            let event = RawValue::from_string(format!(
                r#"{{"type":5,"timestamp":1,"data":{{"tag":"net","payload":{{"headers":"{text}"}}}}}}"#
            ))
            .unwrap();
            let (out, report) = scrub_events(vec![event]);
            assert!(!out[0].get().contains("123456789"), "{}", out[0].get());
            assert_eq!(report.masked.get(&PiiKind::BearerToken), Some(&1));
        }
    }

    #[test]
    fn a_lone_surrogate_does_not_shield_its_event() {
        // serde_json's `Value` rejects `\ud800` (which `RawValue` accepts): the old scrub kept
        // such an event as it was, email and all.
        let event = RawValue::from_string(
            r#"{"type":3,"timestamp":1,"data":{"text":"ada@example.com","odd":"\ud800"}}"#
                .to_string(),
        )
        .unwrap();
        let (out, _) = scrub_events(vec![event]);
        assert_eq!(
            out[0].get(),
            r#"{"type":3,"timestamp":1,"data":{"text":"***@*******.***","odd":"\ud800"}}"#
        );
    }

    #[test]
    fn keys_and_structure_keep_their_bytes_around_a_masked_value() {
        let event = RawValue::from_string(
            "{ \"ada@example.com\" :\t[ \"mail ada@example.com\", 1732530000000 ],\n\"b\":\"x\\\"y\" }"
                .to_string(),
        )
        .unwrap();
        let (out, report) = scrub_events(vec![event]);
        assert_eq!(
            out[0].get(),
            "{ \"ada@example.com\" :\t[ \"mail ***@*******.***\", 1732530000000 ],\n\"b\":\"x\\\"y\" }"
        );
        assert_eq!(report.total(), 1);
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
