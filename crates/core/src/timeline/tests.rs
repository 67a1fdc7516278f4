//! Extraction from whole batches: each entry kind exactly, the caps, and arbitrary JSON events
//! (property tests: never a panic, every cap holds).

use proptest::prelude::*;
use serde_json::{Value, json};

use super::cap::json_len;
use super::*;
use crate::batch::parse_batch;

fn timeline_of(events: Value) -> BatchTimeline {
    let body = json!({"session_id": "s", "window_id": "w", "seq": 0, "events": events});
    extract_timeline(&parse_batch(body.to_string().as_bytes()).unwrap())
}

fn custom(ts: i64, tag: &str, payload: Value) -> Value {
    json!({"type": 5, "timestamp": ts, "data": {"tag": tag, "payload": payload}})
}

fn summary(t: &BatchTimeline) -> Vec<(&'static str, i64, &str)> {
    t.entries
        .iter()
        .map(|e| (e.kind.as_str(), e.at_ms, e.label.as_str()))
        .collect()
}

#[test]
fn clicks_and_captures_become_entries_in_event_order() {
    let t = timeline_of(json!([
        {"type": 3, "timestamp": 10, "data": {"source": 2, "type": 1, "id": 7, "x": 5, "y": 6}},
        {"type": 3, "timestamp": 11, "data": {"source": 2, "type": 2, "id": 7, "x": 5, "y": 6, "pointerType": 0}},
        custom(20, "checkout.started", json!({"cart": 3})),
        custom(30, "tapedeck.console", json!({"level": "warn", "args": ["low stock", "{\"n\":1}"], "stack": "at x"})),
        custom(40, "tapedeck.console", json!({"level": "error", "args": ["boom", "42"]})),
        custom(50, "tapedeck.error", json!({"kind": "unhandledrejection", "message": "TypeError: x is undefined", "stack": "at y", "source": "app.js", "line": 3, "column": 9})),
        custom(60, "tapedeck.network", json!({"kind": "fetch", "method": "post", "url": "https://shop.test/api/cart?id=1", "status": 500, "ok": false, "start": 55, "duration_ms": 5})),
        custom(70, "tapedeck.network", json!({"kind": "xhr", "method": "GET", "url": "https://shop.test", "status": 0, "ok": false, "error": "offline"})),
        custom(80, "tapedeck.paused", json!({})),
        custom(81, "tapedeck.chunk", json!({"id": "c", "index": 0, "count": 2, "type": 2, "data": "{"})),
        custom(82, "tapedeck.privacy", json!({"level": "strict"})),
        custom(83, "tapedeck.capture_dropped", json!({"count": 3})),
    ]));
    assert_eq!(
        summary(&t),
        [
            ("click", 11, "Click"),
            ("custom", 20, "checkout.started"),
            ("console", 30, "low stock {\"n\":1}"),
            ("console", 40, "boom 42"),
            ("error", 40, "boom 42"),
            ("error", 50, "TypeError: x is undefined"),
            ("network", 60, "POST /api/cart?id=1 → 500"),
            ("network", 70, "GET / → failed"),
            ("custom", 80, "tapedeck.paused"),
        ]
    );
    let data: Vec<&Value> = t.entries.iter().map(|e| &e.data).collect();
    assert_eq!(data[0], &json!({"x": 5, "y": 6, "node_id": 7}));
    assert_eq!(
        data[1],
        &json!({"tag": "checkout.started", "payload": {"cart": 3}})
    );
    assert_eq!(
        data[2],
        &json!({"level": "warn", "args": ["low stock", "{\"n\":1}"], "stack": "at x"})
    );
    assert_eq!(
        data[4],
        &json!({"kind": "console", "message": "boom 42", "stack": ""})
    );
    assert_eq!(
        data[5],
        &json!({"kind": "unhandledrejection", "message": "TypeError: x is undefined", "stack": "at y", "source": "app.js", "line": 3, "column": 9})
    );
    assert_eq!(
        data[6]["url"], "https://shop.test/api/cart?id=1",
        "the payload as sent"
    );
    assert_eq!(data[6]["method"], "post");
    assert_eq!(
        t.entries[6].search,
        "POST https://shop.test/api/cart?id=1 500"
    );
    assert_eq!(t.dropped, 0);
}

#[test]
fn user_interactions_make_activity_and_mutations_do_not() {
    let t = timeline_of(json!([
        {"type": 3, "timestamp": 1_000, "data": {"source": 1, "positions": []}},
        {"type": 3, "timestamp": 2_000, "data": {"source": 0, "adds": []}},
        {"type": 3, "timestamp": 3_000, "data": {"source": 3, "id": 1, "x": 0, "y": 10}},
        {"type": 3, "timestamp": 20_000, "data": {"source": 0, "adds": []}},
        {"type": 3, "timestamp": 30_000, "data": {"source": 5, "text": "***", "id": 3}},
        {"type": 3, "timestamp": 31_000, "data": {"source": 12, "positions": []}},
    ]));
    assert_eq!(
        t.activity,
        vec![
            ActiveSpan {
                from_ms: 1_000,
                to_ms: 3_000
            },
            ActiveSpan {
                from_ms: 30_000,
                to_ms: 31_000
            },
        ]
    );
    assert!(t.entries.is_empty(), "inputs and scrolls are not entries");
}

#[test]
fn a_batch_adds_at_most_its_cap_of_entries() {
    let events: Vec<Value> = (0..MAX_ENTRIES_PER_BATCH as i64 + 5)
        .map(|i| json!({"type": 3, "timestamp": i, "data": {"source": 2, "type": 2, "id": 1, "x": 1, "y": 1}}))
        .collect();
    let t = timeline_of(Value::Array(events));
    assert_eq!(t.entries.len(), MAX_ENTRIES_PER_BATCH);
    assert_eq!(t.dropped, 5);
    assert_eq!(
        t.entries.last().unwrap().at_ms,
        MAX_ENTRIES_PER_BATCH as i64 - 1
    );
}

#[test]
fn huge_payloads_are_cut_to_the_data_cap() {
    let t = timeline_of(json!([
        custom(
            1,
            "tapedeck.console",
            json!({"level": "log", "args": ["x".repeat(100_000)]})
        ),
        custom(
            2,
            "tapedeck.network",
            json!({"method": "GET", "url": "https://a.test/", "status": 200, "response_body": "y".repeat(300_000)})
        ),
        custom(3, "big", json!({"list": vec!["z".repeat(100); 10_000]})),
    ]));
    assert_eq!(t.entries.len(), 3);
    for entry in &t.entries {
        assert!(
            json_len(&entry.data) <= MAX_ENTRY_DATA_BYTES,
            "{}",
            entry.kind.as_str()
        );
        assert_eq!(entry.data["truncated"], true);
        assert!(entry.label.chars().count() <= MAX_LABEL_CHARS);
    }
    assert_eq!(t.entries[1].data["status"], 200, "small fields stay whole");
}

#[test]
fn navigations_drop_repeats_of_the_current_page() {
    let visit = |url: &str, at_ms: i64| crate::PageVisit {
        url: url.into(),
        at_ms,
    };
    let visits = [
        visit("https://a.test/", 1),
        visit("https://a.test/b", 2),
        visit("https://a.test/b", 3),
    ];
    let kept = drop_repeated_navigations(Some("https://a.test/"), &visits);
    assert_eq!(kept, vec![visit("https://a.test/b", 2)]);
    assert_eq!(drop_repeated_navigations(None, &visits[..1]).len(), 1);
    let entry = navigation_entry(&visit("https://a.test/checkout?step=2#top", 5));
    assert_eq!(entry.label, "/checkout?step=2#top");
    assert_eq!(
        entry.data,
        json!({"url": "https://a.test/checkout?step=2#top"})
    );
    assert_eq!(navigation_entry(&visit("https://a.test", 5)).label, "/");
}

#[test]
fn the_answer_sorts_adds_rage_clicks_and_notes_and_caps() {
    let t0 = 1_000_000;
    let click = |id: i64, at: i64| StoredEntry {
        id,
        window_id: Some("w".into()),
        kind: EntryKind::Click,
        at_ms: t0 + at,
        label: "Click".into(),
        data: json!({"x": 10.0, "y": 10.0, "node_id": 4}),
    };
    let input = TimelineInput {
        session_id: "s".into(),
        start_ms: t0,
        end_ms: t0 + 60_000,
        entries: vec![click(3, 500), click(1, 100), click(2, 300)],
        more_entries: false,
        notes: vec![NoteEntry {
            id: "n1".into(),
            at: 200,
            text: "look  here\nnow".into(),
            author_email: Some("ada@test".into()),
        }],
        activity: Some(vec![ActiveSpan {
            from_ms: t0 + 100,
            to_ms: t0 + 500,
        }]),
    };
    let answer = build_timeline(input.clone());
    let ids: Vec<&str> = answer.entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "e-000000000001",
            "r-000000000001",
            "n-n1",
            "e-000000000002",
            "e-000000000003"
        ]
    );
    let rage = &answer.entries[1];
    assert_eq!(
        (rage.kind, rage.label.as_str(), rage.at),
        ("rage_click", "Rage click (3×)", 100)
    );
    assert_eq!(
        rage.data,
        json!({"x": 10, "y": 10, "count": 3, "until": 500, "node_id": 4})
    );
    assert_eq!(answer.entries[2].label, "look here now");
    assert_eq!(
        answer.entries[2].data,
        json!({"note_id": "n1", "author": "ada@test", "text": "look  here\nnow"})
    );
    assert_eq!(answer.duration_ms, 60_000);
    assert_eq!(
        answer.inactive,
        vec![InactiveSpan {
            from: 500,
            to: 60_000
        }]
    );
    assert!(!answer.truncated);

    let many = TimelineInput {
        entries: (0..MAX_ENTRIES_PER_ANSWER as i64)
            .map(|i| StoredEntry {
                kind: EntryKind::Console,
                data: json!({}),
                ..click(i + 10, 1_000 + i)
            })
            .collect(),
        activity: None,
        ..input
    };
    let answer = build_timeline(many);
    assert_eq!(answer.entries.len(), MAX_ENTRIES_PER_ANSWER);
    assert!(answer.truncated, "the note made it one too many");
    assert_eq!(answer.entries[0].kind, "note", "the earliest are kept");
    assert!(
        answer.inactive.is_empty(),
        "no activity rows: nothing called inactive"
    );
}

/// Arbitrary JSON, a few levels deep.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,40}".prop_map(Value::from),
        (0usize..40_000).prop_map(|n| Value::from("\u{7}é".repeat(n))),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::btree_map(".{0,12}", inner, 0..8)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// An rrweb-shaped event with arbitrary parts, often one extraction looks at.
fn event() -> impl Strategy<Value = Value> {
    let tag = prop_oneof![
        Just("tapedeck.console".to_string()),
        Just("tapedeck.error".to_string()),
        Just("tapedeck.network".to_string()),
        Just("tapedeck.paused".to_string()),
        ".{0,20}",
    ];
    let source = prop_oneof![(0i64..20).prop_map(Value::from), json_value()];
    prop_oneof![
        (tag, json_value(), any::<i64>()).prop_map(|(tag, payload, ts)| {
            json!({"type": 5, "timestamp": ts, "data": {"tag": tag, "payload": payload}})
        }),
        (source, json_value(), json_value(), any::<i64>()).prop_map(|(source, x, extra, ts)| {
            json!({"type": 3, "timestamp": ts, "data": {"source": source, "type": 2, "x": x, "y": 1, "id": extra}})
        }),
        (any::<i64>(), json_value(), any::<i64>())
            .prop_map(|(kind, data, ts)| json!({"type": kind, "timestamp": ts, "data": data})),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn arbitrary_events_never_panic_and_caps_hold(events in prop::collection::vec(event(), 1..12)) {
        let t = timeline_of(Value::Array(events.clone()));
        prop_assert!(t.entries.len() <= MAX_ENTRIES_PER_BATCH);
        prop_assert!(t.activity.len() <= MAX_ACTIVITY_SPANS_PER_BATCH);
        for entry in &t.entries {
            prop_assert!(json_len(&entry.data) <= MAX_ENTRY_DATA_BYTES);
            prop_assert!(entry.data.is_object());
            prop_assert!(entry.label.chars().count() <= MAX_LABEL_CHARS);
            prop_assert!(entry.search.chars().count() <= MAX_SEARCH_CHARS);
        }
        for span in &t.activity {
            prop_assert!(span.from_ms <= span.to_ms);
        }
        let stored: Vec<StoredEntry> = t.entries.iter().enumerate().map(|(i, e)| StoredEntry {
            id: i as i64, window_id: Some("w".into()), kind: e.kind, at_ms: e.at_ms,
            label: e.label.clone(), data: e.data.clone(),
        }).collect();
        let answer = build_timeline(TimelineInput {
            session_id: "s".into(),
            start_ms: i64::MIN,
            end_ms: i64::MAX,
            entries: stored,
            activity: Some(t.activity.clone()),
            ..Default::default()
        });
        prop_assert!(answer.entries.windows(2).all(|w| (w[0].at, &w[0].id) <= (w[1].at, &w[1].id)));
        prop_assert!(answer.inactive.iter().all(|s| s.from <= s.to));
    }
}
