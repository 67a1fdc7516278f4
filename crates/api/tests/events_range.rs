//! The events API by time range (docs/API.md), on segments and on compacted recordings: a range
//! starts at the keyframe before it, a continuation (`after`) right after the range held,
//! compacted and uncompacted reads agree, late batches join, only the needed blocks are read, bad
//! parameters are refused, and answers are compressed.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};
use tapedeck_core::recording::WriteOptions;
use tapedeck_testkit::TestApp;
use tapedeck_worker::compact_session;

const SESSION: &str = "s-range";
const T0: i64 = 1_700_000_000_000;
/// Ranges (offsets from the session's first event) compared before and after compaction.
const RANGES: &[&str] = &[
    "",
    "from=15000&to=17000",
    "from=0&to=0",
    "from=31000",
    "to=9999",
    "from=25000&to=25000",
    "from=40000",
    "from=10000&to=10000",
    "after=15000&to=17000",
    "after=16990",
    "after=0&to=2500",
    "after=9999&to=10005",
    "after=39990",
    "after=50000",
];

fn event(kind: i64, ts: i64, data: Value) -> Value {
    json!({"type": kind, "timestamp": ts, "data": data})
}

/// Window `w-1`: a keyframe (meta + full snapshot) every 10 s from T0, an incremental event every
/// 500 ms; batches of 2.5 s. `skip` leaves one seq out (it arrives late).
async fn ingest_window(app: &TestApp, skip: Option<u32>) -> u32 {
    let mut seq = 0;
    for keyframe in 0..4 {
        let start = T0 + keyframe * 10_000;
        for part in 0..4 {
            let from = start + part * 2_500;
            let mut events = Vec::new();
            if part == 0 {
                events.push(event(4, from, json!({"href": format!("https://shop.test/{keyframe}"), "width": 800, "height": 600})));
                events.push(event(2, from + 5, json!({"node": {"type": 0, "id": keyframe, "childNodes": []}, "initialOffset": {"left": 0, "top": 0}})));
            }
            for i in 1..=5 {
                events.push(event(3, from + i * 500 - 10, json!({"source": 1, "positions": [{"x": i, "y": seq, "id": 1, "timeOffset": 0}]})));
            }
            if Some(seq) != skip {
                send(app, "w-1", seq, events).await;
            }
            seq += 1;
        }
    }
    seq
}

async fn send(app: &TestApp, window: &str, seq: u32, events: Vec<Value>) {
    let body = json!({"session_id": SESSION, "window_id": window, "seq": seq, "events": events});
    let response = app.ingest(body.to_string(), &[]).await;
    assert_eq!(response.status, StatusCode::OK, "{:?}", response.body);
}

async fn events(app: &TestApp, cookie: &str, query: &str) -> Value {
    let uri = format!("/api/v1/sessions/{SESSION}/events?window=w-1&{query}");
    let response = app.get(&uri, cookie).await;
    assert_eq!(
        response.status,
        StatusCode::OK,
        "{query}: {:?}",
        response.body
    );
    response.json()
}

async fn all_ranges(app: &TestApp, cookie: &str) -> Vec<Value> {
    let mut answers = Vec::new();
    for query in RANGES {
        answers.push(events(app, cookie, query).await);
    }
    answers
}

async fn compact(app: &TestApp) {
    let report = compact_session(
        app.meta.as_ref(),
        &app.recordings,
        SESSION,
        WriteOptions::default(),
        T0 + 3_600_000,
    )
    .await
    .unwrap();
    assert!(report.is_some(), "there were segments to compact");
    assert!(app.meta.segments(SESSION).await.unwrap().is_empty());
}

fn timestamps(answer: &Value) -> Vec<i64> {
    answer["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["timestamp"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn a_range_starts_at_the_keyframe_before_it_and_compaction_changes_no_answer() {
    let app = TestApp::new().await;
    ingest_window(&app, None).await;
    send(
        &app,
        "w-2",
        0,
        vec![
            event(4, T0 + 5_000, json!({})),
            event(2, T0 + 5_001, json!({})),
        ],
    )
    .await;
    let cookie = app.login("agent@test.test", "viewer").await;

    let range = events(&app, &cookie, "from=15000&to=17000").await;
    let ts = timestamps(&range);
    assert_eq!(
        ts.first(),
        Some(&(T0 + 10_000)),
        "starts at the keyframe at 10 s"
    );
    assert_eq!(range["events"][0]["type"], 4);
    assert_eq!(range["events"][1]["type"], 2);
    assert!(ts.iter().all(|&t| t <= T0 + 17_000), "ends at `to`");
    assert_eq!(
        range["range"],
        json!({"from": 15000, "to": 17000, "start_ms": 10000, "keyframe_ms": 10000, "end_ms": 16990, "has_more": true})
    );
    assert_eq!(range["windows"], json!(["w-1", "w-2"]));
    let everything = events(&app, &cookie, "").await;
    assert_eq!(everything["events"].as_array().unwrap().len(), 4 * (2 + 20));
    assert_eq!(everything["range"]["has_more"], false);
    assert_eq!(everything["range"]["keyframe_ms"], 0);

    let before = all_ranges(&app, &cookie).await;
    compact(&app).await;
    assert_eq!(
        all_ranges(&app, &cookie).await,
        before,
        "compacted reads answer the same"
    );
    let session = app
        .get(&format!("/api/v1/sessions/{SESSION}"), &cookie)
        .await
        .json();
    assert_eq!(session["windows"], json!(["w-1", "w-2"]));
}

#[tokio::test]
async fn a_continuation_picks_up_right_after_the_range_held_without_a_keyframe_rewind() {
    let app = TestApp::new().await;
    ingest_window(&app, None).await;
    let cookie = app.login("agent@test.test", "viewer").await;
    for compacted in [false, true] {
        if compacted {
            compact(&app).await;
        }
        let held = events(&app, &cookie, "from=15000&to=17000").await;
        let end_ms = held["range"]["end_ms"].as_i64().unwrap();
        let next = events(&app, &cookie, &format!("after={end_ms}&to=27000")).await;
        let ts = timestamps(&next);
        assert_eq!(
            ts.first(),
            Some(&(T0 + 17_490)),
            "the next event, no rewind"
        );
        assert_eq!(ts.last(), Some(&(T0 + 26_990)));
        assert_eq!(
            next["range"],
            json!({"from": null, "to": 27000, "start_ms": 17490, "keyframe_ms": null, "end_ms": 26990, "has_more": true})
        );
        // The keyframe at 20 s is inside the continuation: it is there, as recorded.
        assert!(
            next["events"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["type"] == 2)
        );
        let rest = events(&app, &cookie, "after=26990").await;
        assert_eq!(rest["range"]["has_more"], false);
        let starts_at_keyframe = events(&app, &cookie, "after=19999&to=20010").await;
        assert_eq!(
            starts_at_keyframe["range"]["keyframe_ms"], 20000,
            "compacted: {compacted}"
        );

        // Held range + continuations = the window from that keyframe on, each event once.
        let mut joined = timestamps(&held);
        joined.extend(ts);
        joined.extend(timestamps(&rest));
        assert_eq!(
            joined,
            timestamps(&events(&app, &cookie, "from=15000").await)
        );
    }
}

#[tokio::test]
async fn late_batches_after_compaction_are_read_and_folded_in_by_the_next() {
    let app = TestApp::new().await;
    let next_seq = ingest_window(&app, Some(5)).await;
    let cookie = app.login("agent@test.test", "viewer").await;
    compact(&app).await;

    // The batch left out (12.5–15 s) and one after the end arrive after the compaction.
    let missing: Vec<Value> = (1..=5)
        .map(|i| event(3, T0 + 12_500 + i * 500 - 10, json!({"late": i})))
        .collect();
    send(&app, "w-1", 5, missing).await;
    send(
        &app,
        "w-1",
        next_seq,
        vec![event(3, T0 + 41_000, json!({"late": "end"}))],
    )
    .await;

    let range = events(&app, &cookie, "from=12000&to=14000").await;
    let ts = timestamps(&range);
    assert_eq!(ts.first(), Some(&(T0 + 10_000)));
    assert!(
        ts.contains(&(T0 + 12_990)) && ts.contains(&(T0 + 13_990)),
        "{ts:?}"
    );
    assert!(ts.windows(2).all(|w| w[0] <= w[1]), "in time order: {ts:?}");
    let tail = events(&app, &cookie, "from=35000").await;
    assert_eq!(timestamps(&tail).last(), Some(&(T0 + 41_000)));

    let before = all_ranges(&app, &cookie).await;
    compact(&app).await;
    let recordings = app.meta.recordings(SESSION).await.unwrap();
    assert_eq!(recordings[0].generation, 2);
    assert_eq!(all_ranges(&app, &cookie).await, before);
}

#[tokio::test]
async fn a_range_read_opens_only_the_blocks_it_needs() {
    let app = TestApp::new().await;
    ingest_window(&app, None).await;
    let cookie = app.login("agent@test.test", "viewer").await;
    let expected = events(&app, &cookie, "from=15000&to=17000").await;
    compact(&app).await;

    // Damage every block but the one of the keyframe at 10 s: sealed blocks no longer open.
    let recording = app.meta.recordings(SESSION).await.unwrap().remove(0);
    assert_eq!(recording.index.blocks.len(), 4);
    let path = app.dir.path().join("blobs").join(&recording.blob_key);
    let mut bytes = std::fs::read(&path).unwrap();
    for (i, block) in recording.index.blocks.iter().enumerate() {
        if i != 1 {
            let middle = (block.offset + block.length / 2) as usize;
            bytes[middle] ^= 0xff;
        }
    }
    std::fs::write(&path, bytes).unwrap();

    assert_eq!(events(&app, &cookie, "from=15000&to=17000").await, expected);
    let whole = app
        .get(&format!("/api/v1/sessions/{SESSION}/events"), &cookie)
        .await;
    assert_eq!(
        whole.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "the damage is real"
    );
}

#[tokio::test]
async fn bad_range_parameters_are_refused() {
    let app = TestApp::new().await;
    ingest_window(&app, None).await;
    let cookie = app.login("agent@test.test", "viewer").await;
    for query in [
        "from=-1",
        "from=abc",
        "to=1.5",
        "from=10&to=5",
        "to=",
        "window=..%2Fx",
        "after=-1",
        "after=x",
        "after=10&to=5",
        "from=0&after=10",
    ] {
        let response = app
            .get(
                &format!("/api/v1/sessions/{SESSION}/events?{query}"),
                &cookie,
            )
            .await;
        assert_eq!(
            (response.status, response.error_code().as_str()),
            (StatusCode::BAD_REQUEST, "invalid_query"),
            "{query}"
        );
    }
    let unknown = app
        .get(
            &format!("/api/v1/sessions/{SESSION}/events?window=w-9"),
            &cookie,
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn events_are_compressed_on_the_wire() {
    let app = TestApp::new().await;
    ingest_window(&app, None).await;
    let cookie = app.login("agent@test.test", "viewer").await;
    let plain = events(&app, &cookie, "").await;
    for encoding in ["zstd", "gzip"] {
        let request = Request::builder()
            .uri(format!("/api/v1/sessions/{SESSION}/events?window=w-1"))
            .header(header::COOKIE, &cookie)
            .header(header::ACCEPT_ENCODING, encoding)
            .body(Body::empty())
            .unwrap();
        let response = app.send(request).await;
        assert_eq!(response.headers[header::CONTENT_ENCODING], encoding);
        let decoded = match encoding {
            "zstd" => zstd::decode_all(&response.body[..]).unwrap(),
            _ => {
                use std::io::Read;
                let mut out = Vec::new();
                flate2::read::GzDecoder::new(&response.body[..])
                    .read_to_end(&mut out)
                    .unwrap();
                out
            }
        };
        assert!(decoded.len() > response.body.len());
        assert_eq!(serde_json::from_slice::<Value>(&decoded).unwrap(), plain);
    }
}
