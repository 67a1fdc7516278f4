//! The session timeline and notes, the same on every engine: a batch's entries and activity are
//! stored with it (a duplicate adds none), read back by time with a window filter and a limit;
//! navigations repeat only when the window's page changes; notes; a deleted session takes its
//! timeline rows and notes along.

use serde_json::{Value, json};
use tapedeck_core::timeline::{ActiveSpan, EntryKind};
use tapedeck_core::{extract_facts, parse_batch};

use super::*;

/// Facts of a batch with these rrweb events, as ingest reads them.
fn facts_of(window: &str, url: &str, events: Value) -> BatchFacts {
    let body = json!({"session_id": "s", "window_id": window, "seq": 0, "meta": {"url": url}, "events": events});
    extract_facts(&parse_batch(body.to_string().as_bytes()).unwrap())
}

fn click(ts: i64, x: i64) -> Value {
    json!({"type": 3, "timestamp": ts, "data": {"source": 2, "type": 2, "id": 9, "x": x, "y": 5}})
}

fn console(ts: i64, text: &str) -> Value {
    json!({"type": 5, "timestamp": ts, "data": {"tag": "tapedeck.console", "payload": {"level": "error", "args": [text]}}})
}

async fn store(
    store: &dyn MetaStore,
    p: &Project,
    session: &str,
    window: &str,
    seq: u32,
    facts: &BatchFacts,
) -> SegmentOutcome {
    store
        .store_segment(
            &segment(p, session, window, seq),
            facts,
            &BatchMeta::default(),
        )
        .await
        .unwrap()
}

fn kinds_and_times(entries: &[tapedeck_core::timeline::StoredEntry]) -> Vec<(&'static str, i64)> {
    entries.iter().map(|e| (e.kind.as_str(), e.at_ms)).collect()
}

pub(crate) async fn timeline_entries_and_activity_are_stored_with_their_batch(f: Fixture) {
    let s = f.store.as_ref();
    let p = project(s, "Org", "tdp_t").await;
    let home = "https://a.test/";
    let first = facts_of(
        "w1",
        home,
        json!([
            {"type": 4, "timestamp": 1_000, "data": {"href": home, "width": 800, "height": 600}},
            click(1_200, 10),
            console(1_300, "bad \u{0} thing"),
        ]),
    );
    assert_eq!(
        store(s, &p, "s1", "w1", 0, &first).await,
        SegmentOutcome::Stored
    );
    assert_eq!(
        store(s, &p, "s1", "w1", 0, &first).await,
        SegmentOutcome::Duplicate
    );
    // The next batch names the same page (a checkout's meta event, `meta.url`), then a new one.
    let second = facts_of(
        "w1",
        "https://a.test/cart",
        json!([
            {"type": 4, "timestamp": 10_000, "data": {"href": home, "width": 800, "height": 600}},
            click(10_100, 12),
            {"type": 4, "timestamp": 12_000, "data": {"href": "https://a.test/cart", "width": 800, "height": 600}},
        ]),
    );
    store(s, &p, "s1", "w1", 1, &second).await;
    let other_window = facts_of("w2", home, json!([click(5_000, 1)]));
    store(s, &p, "s1", "w2", 0, &other_window).await;

    let all = s.timeline_entries("s1", None, 100).await.unwrap();
    assert_eq!(
        kinds_and_times(&all),
        [
            ("navigation", 1_000),
            ("click", 1_200),
            ("console", 1_300),
            ("error", 1_300),
            ("navigation", 5_000),
            ("click", 5_000),
            ("click", 10_100),
            ("navigation", 12_000),
        ],
        "a duplicate batch added nothing; a repeated page is no navigation"
    );
    assert_eq!(all[1].data, json!({"x": 10, "y": 5, "node_id": 9}));
    assert_eq!(all[1].window_id.as_deref(), Some("w1"));
    assert_eq!(all[0].label, "/");
    assert_eq!(all[7].data, json!({"url": "https://a.test/cart"}));
    // PostgreSQL keeps no NUL in text: the one place the engines may differ.
    let args = all[2].data["args"][0].as_str().unwrap();
    assert!(
        args == "bad \u{0} thing" || args == "bad \u{FFFD} thing",
        "{args}"
    );
    assert!(
        all.windows(2)
            .all(|w| (w[0].at_ms, w[0].id) < (w[1].at_ms, w[1].id))
    );

    let w2 = s.timeline_entries("s1", Some("w2"), 100).await.unwrap();
    assert_eq!(
        kinds_and_times(&w2),
        [("navigation", 5_000), ("click", 5_000)]
    );
    let first_three = s.timeline_entries("s1", None, 3).await.unwrap();
    assert_eq!(
        first_three,
        all[..3].to_vec(),
        "the earliest, by time then id"
    );
    assert!(
        s.timeline_entries("s1", Some("w9"), 100)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(all.iter().all(|e| e.kind != EntryKind::Custom));

    let mut activity = s
        .activity("s1", None)
        .await
        .unwrap()
        .expect("activity rows");
    activity.sort();
    assert_eq!(
        activity,
        [
            ActiveSpan {
                from_ms: 1_200,
                to_ms: 1_200
            },
            ActiveSpan {
                from_ms: 5_000,
                to_ms: 5_000
            },
            ActiveSpan {
                from_ms: 10_100,
                to_ms: 10_100
            },
        ]
    );
    assert_eq!(
        s.activity("s1", Some("w2")).await.unwrap(),
        Some(vec![ActiveSpan {
            from_ms: 5_000,
            to_ms: 5_000
        }])
    );
    assert_eq!(s.activity("s-none", None).await.unwrap(), None);
    // A batch without interaction still says so: its window is known and inactive.
    store(
        s,
        &p,
        "s1",
        "w3",
        0,
        &facts_of(
            "w3",
            home,
            json!([{"type": 3, "timestamp": 7_000, "data": {"source": 0}}]),
        ),
    )
    .await;
    assert_eq!(s.activity("s1", Some("w3")).await.unwrap(), Some(vec![]));
}

async fn user(s: &dyn MetaStore, email: &str) -> User {
    s.create_user(email, "hash", 1).await.unwrap()
}

pub(crate) async fn notes_are_added_listed_and_deleted(f: Fixture) {
    let s = f.store.as_ref();
    let p = project(s, "Org", "tdp_n").await;
    store(
        s,
        &p,
        "s1",
        "w1",
        0,
        &facts(1_000, 2_000, "https://a.test/"),
    )
    .await;
    store(
        s,
        &p,
        "s2",
        "w1",
        0,
        &facts(1_000, 2_000, "https://a.test/"),
    )
    .await;
    let ada = user(s, "ada@test.test").await;
    let note = |id: &str, session: &str, at_ms: i64, created: i64| NewNote {
        id: id.into(),
        session_id: session.into(),
        author_id: ada.id.clone(),
        at_ms,
        text: format!("note {id}"),
        created_at_ms: created,
    };
    let made = s.create_note(&note("n2", "s1", 500, 10)).await.unwrap();
    assert_eq!(
        made,
        Note {
            id: "n2".into(),
            session_id: "s1".into(),
            at_ms: 500,
            text: "note n2".into(),
            author: Some(ada.clone()),
            created_at_ms: 10,
        }
    );
    s.create_note(&note("n1", "s1", 500, 5)).await.unwrap();
    s.create_note(&note("n0", "s1", 900, 1)).await.unwrap();
    s.create_note(&note("n9", "s2", 0, 1)).await.unwrap();
    let ids: Vec<String> = s
        .notes("s1")
        .await
        .unwrap()
        .into_iter()
        .map(|n| n.id)
        .collect();
    assert_eq!(ids, ["n1", "n2", "n0"], "by time, then creation");
    assert!(matches!(
        s.create_note(&note("n5", "s-gone", 0, 1)).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        s.create_note(&note("n2", "s1", 0, 1)).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(s.note("s1", "n2").await.unwrap(), Some(made));
    assert_eq!(
        s.note("s2", "n2").await.unwrap(),
        None,
        "another session's note"
    );
    assert!(!s.delete_note("s2", "n2").await.unwrap());
    assert!(s.delete_note("s1", "n2").await.unwrap());
    assert!(!s.delete_note("s1", "n2").await.unwrap());
    assert_eq!(s.notes("s1").await.unwrap().len(), 2);
    assert_eq!(s.notes("s2").await.unwrap().len(), 1);
}

pub(crate) async fn deleting_a_session_takes_its_timeline_and_notes(f: Fixture) {
    let s = f.store.as_ref();
    let p = project(s, "Org", "tdp_d").await;
    let batch = facts_of(
        "w1",
        "https://a.test/",
        json!([click(1_000, 1), console(1_100, "x")]),
    );
    for session in ["s-gone", "s-kept"] {
        store(s, &p, session, "w1", 0, &batch).await;
    }
    let ada = user(s, "ada@test.test").await;
    for (id, session) in [("n1", "s-gone"), ("n2", "s-kept")] {
        let new = NewNote {
            id: id.into(),
            session_id: session.into(),
            author_id: ada.id.clone(),
            at_ms: 0,
            text: "x".into(),
            created_at_ms: 1,
        };
        s.create_note(&new).await.unwrap();
    }
    assert!(s.delete_session("s-gone").await.unwrap());
    assert!(
        s.timeline_entries("s-gone", None, 100)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(s.activity("s-gone", None).await.unwrap(), None);
    assert!(s.notes("s-gone").await.unwrap().is_empty());
    assert_eq!(s.note("s-gone", "n1").await.unwrap(), None);
    assert_eq!(
        s.timeline_entries("s-kept", None, 100).await.unwrap().len(),
        4
    );
    assert_eq!(s.notes("s-kept").await.unwrap().len(), 1);
}
