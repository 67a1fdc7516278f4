//! `GET /api/v1/sessions/{id}/timeline` through the real router: entries extracted on ingest from
//! the real recorded fixture and from hand-built batches (console, errors, network, custom
//! events, clicks), rage clicks, inactive spans, the window filter, caps, tenancy and privacy.

use axum::http::StatusCode;
use serde_json::{Value, json};
use tapedeck_core::timeline::{
    MAX_ENTRIES_PER_ANSWER, MAX_ENTRIES_PER_BATCH, MAX_ENTRY_DATA_BYTES,
};
use tapedeck_testkit::{TestApp, fixture_path};

const SESSION: &str = "s-timeline";
const T0: i64 = 1_700_000_000_000;

fn event(kind: i64, at: i64, data: Value) -> Value {
    json!({"type": kind, "timestamp": T0 + at, "data": data})
}

fn click(at: i64, x: i64, y: i64) -> Value {
    event(
        3,
        at,
        json!({"source": 2, "type": 2, "id": 42, "x": x, "y": y}),
    )
}

fn custom(at: i64, tag: &str, payload: Value) -> Value {
    event(5, at, json!({"tag": tag, "payload": payload}))
}

fn mouse_move(at: i64) -> Value {
    event(
        3,
        at,
        json!({"source": 1, "positions": [{"x": 1, "y": 2, "id": 4, "timeOffset": 0}]}),
    )
}

async fn send(app: &TestApp, window: &str, seq: u32, url: &str, events: Vec<Value>) {
    let body = json!({"session_id": SESSION, "window_id": window, "seq": seq, "meta": {"url": url}, "events": events});
    let response = app.ingest(body.to_string(), &[]).await;
    assert_eq!(response.status, StatusCode::OK, "{:?}", response.body);
}

async fn timeline(app: &TestApp, cookie: &str, session: &str, query: &str) -> Value {
    let response = app
        .get(
            &format!("/api/v1/sessions/{session}/timeline{query}"),
            cookie,
        )
        .await;
    assert_eq!(response.status, StatusCode::OK, "{:?}", response.body);
    response.json()
}

/// `(kind, at, label, window)` of each entry.
fn outline(answer: &Value) -> Vec<(String, i64, String, Value)> {
    answer["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap().to_string(),
                e["at"].as_i64().unwrap(),
                e["label"].as_str().unwrap().to_string(),
                e["window_id"].clone(),
            )
        })
        .collect()
}

fn row(kind: &str, at: i64, label: &str, window: Value) -> (String, i64, String, Value) {
    (kind.to_string(), at, label.to_string(), window)
}

fn entry<'a>(answer: &'a Value, kind: &str, at: i64) -> &'a Value {
    answer["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == kind && e["at"] == at)
        .unwrap_or_else(|| panic!("no {kind} at {at}"))
}

#[tokio::test]
async fn the_recorded_fixture_shows_its_page_loads_and_clicks() {
    let app = TestApp::new().await;
    let text = std::fs::read_to_string(fixture_path("recorded-form-session.json")).unwrap();
    let fixture: Value = serde_json::from_str(&text).unwrap();
    let batches = fixture["batches"].as_array().unwrap();
    for batch in batches {
        assert_eq!(
            app.ingest(batch.to_string(), &[]).await.status,
            StatusCode::OK
        );
    }
    let events: Vec<&Value> = batches
        .iter()
        .flat_map(|b| b["events"].as_array().unwrap())
        .collect();
    let start = events
        .iter()
        .map(|e| e["timestamp"].as_i64().unwrap())
        .min()
        .unwrap();
    let end = events
        .iter()
        .map(|e| e["timestamp"].as_i64().unwrap())
        .max()
        .unwrap();
    let at = |predicate: &dyn Fn(&Value) -> bool| -> Vec<i64> {
        events
            .iter()
            .filter(|e| predicate(e))
            .map(|e| e["timestamp"].as_i64().unwrap() - start)
            .collect()
    };
    let loads = at(&|e| e["type"] == 4);
    let clicks = at(&|e| e["type"] == 3 && e["data"]["source"] == 2 && e["data"]["type"] == 2);
    assert_eq!(
        (loads.len(), clicks.len()),
        (2, 2),
        "the fixture: two page loads, a click on each"
    );

    let id = batches[0]["session_id"].as_str().unwrap();
    let window = batches[0]["window_id"].clone();
    let cookie = app.login("agent@test.test", "viewer").await;
    let answer = timeline(&app, &cookie, id, "").await;
    assert_eq!(
        outline(&answer),
        [
            row("navigation", loads[0], "/", window.clone()),
            row("click", clicks[0], "Click", window.clone()),
            row("navigation", loads[1], "/?step=2", window.clone()),
            row("click", clicks[1], "Click", window.clone()),
        ]
    );
    let site = fixture["site"].as_str().unwrap();
    assert_eq!(
        answer["entries"][2]["data"],
        json!({"url": format!("{site}/?step=2")})
    );
    assert_eq!(
        answer["entries"][1]["data"],
        json!({"x": 434, "y": 249, "node_id": 51})
    );
    assert_eq!(answer["session_id"], id);
    assert_eq!(answer["duration_ms"], end - start);
    assert_eq!(
        answer["inactive"],
        json!([]),
        "the user was busy the whole half second"
    );
    assert_eq!(answer["truncated"], false);
    let ids: Vec<&str> = answer["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert!(ids.iter().all(|id| id.starts_with("e-")), "{ids:?}");
}

/// Window w-1: a page load, console and network captures, an error, a custom event, a burst of
/// clicks, then no interaction from 21 s to 60 s and after 61 s (the session ends at 90 s);
/// window w-2 (another tab): one click at 30 s.
async fn ingest_captures(app: &TestApp) {
    send(app, "w-1", 0, "https://shop.test/cart", vec![
        event(4, 0, json!({"href": "https://shop.test/cart", "width": 1000, "height": 700})),
        event(2, 1, json!({"node": {"type": 0, "id": 1, "childNodes": []}, "initialOffset": {"left": 0, "top": 0}})),
        mouse_move(500),
        custom(1_000, "tapedeck.console", json!({"level": "info", "args": ["cart loaded", "{\"items\":2}"]})),
        custom(2_000, "tapedeck.console", json!({"level": "error", "args": ["payment failed"], "stack": "Error: payment failed\n    at pay (app.js:3:9)"})),
        custom(3_000, "tapedeck.error", json!({"kind": "error", "message": "TypeError: x is undefined", "stack": "TypeError: x is undefined\n    at app.js:7:1", "source": "https://shop.test/app.js", "line": 7, "column": 1})),
        custom(4_000, "tapedeck.network", json!({"kind": "fetch", "method": "POST", "url": "https://shop.test/api/pay?attempt=1", "status": 500, "ok": false, "start": T0 + 3_900, "duration_ms": 100, "request_size": 12, "response_size": 30, "response_headers": {"content-type": "application/json"}, "response_body": "{\"error\":\"declined\"}"})),
        custom(5_000, "tapedeck.network", json!({"kind": "xhr", "method": "GET", "url": "https://cdn.test/x.js", "status": 0, "ok": false, "error": "network error", "start": T0 + 4_990, "duration_ms": 10})),
        custom(6_000, "checkout.started", json!({"cart_id": "c-1", "total": 42.5})),
        custom(6_500, "tapedeck.privacy", json!({"level": "strict"})),
    ]).await;
    send(
        app,
        "w-1",
        1,
        "https://shop.test/cart",
        vec![
            click(20_000, 100, 100),
            click(20_200, 105, 100),
            click(20_400, 100, 110),
            click(20_600, 110, 105),
            click(21_000, 400, 400),
        ],
    )
    .await;
    send(
        app,
        "w-1",
        2,
        "https://shop.test/pay",
        vec![mouse_move(60_000), mouse_move(61_000)],
    )
    .await;
    send(
        app,
        "w-1",
        3,
        "https://shop.test/pay",
        vec![event(
            3,
            90_000,
            json!({"source": 0, "adds": [], "removes": [], "texts": [], "attributes": []}),
        )],
    )
    .await;
    send(
        app,
        "w-2",
        0,
        "https://shop.test/help",
        vec![
            event(
                4,
                29_000,
                json!({"href": "https://shop.test/help", "width": 800, "height": 600}),
            ),
            click(30_000, 5, 5),
        ],
    )
    .await;
}

#[tokio::test]
async fn captures_clicks_rage_clicks_and_inactivity_come_back_sorted() {
    let app = TestApp::new().await;
    ingest_captures(&app).await;
    let cookie = app.login("agent@test.test", "viewer").await;
    let answer = timeline(&app, &cookie, SESSION, "").await;
    let (w1, w2) = (json!("w-1"), json!("w-2"));
    assert_eq!(
        outline(&answer),
        [
            row("navigation", 0, "/cart", w1.clone()),
            row("console", 1_000, "cart loaded {\"items\":2}", w1.clone()),
            row("console", 2_000, "payment failed", w1.clone()),
            row("error", 2_000, "payment failed", w1.clone()),
            row("error", 3_000, "TypeError: x is undefined", w1.clone()),
            row(
                "network",
                4_000,
                "POST /api/pay?attempt=1 → 500",
                w1.clone()
            ),
            row("network", 5_000, "GET /x.js → failed", w1.clone()),
            row("custom", 6_000, "checkout.started", w1.clone()),
            row("click", 20_000, "Click", w1.clone()),
            row("rage_click", 20_000, "Rage click (4×)", w1.clone()),
            row("click", 20_200, "Click", w1.clone()),
            row("click", 20_400, "Click", w1.clone()),
            row("click", 20_600, "Click", w1.clone()),
            row("click", 21_000, "Click", w1.clone()),
            row("navigation", 29_000, "/help", w2.clone()),
            row("click", 30_000, "Click", w2.clone()),
            row("navigation", 61_000, "/pay", w1.clone()),
        ]
    );
    assert_eq!(
        entry(&answer, "console", 2_000)["data"],
        json!({"level": "error", "args": ["payment failed"], "stack": "Error: payment failed\n    at pay (app.js:3:9)"})
    );
    assert_eq!(
        entry(&answer, "error", 2_000)["data"],
        json!({"kind": "console", "message": "payment failed", "stack": "Error: payment failed\n    at pay (app.js:3:9)"})
    );
    assert_eq!(
        entry(&answer, "error", 3_000)["data"],
        json!({"kind": "error", "message": "TypeError: x is undefined", "stack": "TypeError: x is undefined\n    at app.js:7:1", "source": "https://shop.test/app.js", "line": 7, "column": 1})
    );
    assert_eq!(
        entry(&answer, "network", 4_000)["data"],
        json!({"kind": "fetch", "method": "POST", "url": "https://shop.test/api/pay?attempt=1", "status": 500, "ok": false, "start": T0 + 3_900, "duration_ms": 100, "request_size": 12, "response_size": 30, "response_headers": {"content-type": "application/json"}, "response_body": "{\"error\":\"declined\"}"})
    );
    assert_eq!(
        entry(&answer, "network", 5_000)["data"]["error"],
        "network error"
    );
    assert_eq!(
        entry(&answer, "custom", 6_000)["data"],
        json!({"tag": "checkout.started", "payload": {"cart_id": "c-1", "total": 42.5}})
    );
    let rage = entry(&answer, "rage_click", 20_000);
    assert_eq!(
        rage["data"],
        json!({"x": 100, "y": 100, "count": 4, "until": 20_600, "node_id": 42})
    );
    let first_click = entry(&answer, "click", 20_000)["id"].as_str().unwrap();
    assert_eq!(rage["id"], first_click.replace("e-", "r-"));
    assert_eq!(answer["duration_ms"], 90_000);
    // Interactions at 0.5 s, 20–21 s, 30 s (w-2), 60–61 s; the end at 90 s.
    assert_eq!(
        answer["inactive"],
        json!([{"from": 500, "to": 20_000}, {"from": 21_000, "to": 30_000}, {"from": 30_000, "to": 60_000}, {"from": 61_000, "to": 90_000}])
    );
    assert_eq!(answer["truncated"], false);

    let only_w1 = timeline(&app, &cookie, SESSION, "?window=w-1").await;
    assert!(outline(&only_w1).iter().all(|r| r.3 == w1));
    assert_eq!(outline(&only_w1).len(), outline(&answer).len() - 2);
    assert_eq!(
        only_w1["inactive"],
        json!([{"from": 500, "to": 20_000}, {"from": 21_000, "to": 60_000}, {"from": 61_000, "to": 90_000}]),
        "the other tab's click does not count in this one"
    );
    let only_w2 = timeline(&app, &cookie, SESSION, "?window=w-2").await;
    assert_eq!(
        outline(&only_w2),
        [
            row("navigation", 29_000, "/help", w2.clone()),
            row("click", 30_000, "Click", w2)
        ]
    );
}

#[tokio::test]
async fn a_duplicate_batch_adds_no_entries() {
    let app = TestApp::new().await;
    ingest_captures(&app).await;
    let cookie = app.login("agent@test.test", "viewer").await;
    let before = timeline(&app, &cookie, SESSION, "").await;
    let body = json!({"session_id": SESSION, "window_id": "w-1", "seq": 1, "events": [click(20_000, 100, 100), click(25_000, 1, 1)]});
    let response = app.ingest(body.to_string(), &[]).await;
    assert_eq!(response.json()["status"], "duplicate");
    assert_eq!(timeline(&app, &cookie, SESSION, "").await, before);
}

#[tokio::test]
async fn data_and_entry_counts_are_capped() {
    let app = TestApp::new().await;
    send(
        &app,
        "w-1",
        0,
        "https://shop.test/",
        vec![custom(
            0,
            "tapedeck.console",
            json!({"level": "log", "args": ["x".repeat(200_000)]}),
        )],
    )
    .await;
    // 21 batches of `MAX_ENTRIES_PER_BATCH` clicks, each 100 px from the last: no rage.
    let batches = MAX_ENTRIES_PER_ANSWER / MAX_ENTRIES_PER_BATCH + 1;
    for seq in 0..batches {
        let clicks = (0..MAX_ENTRIES_PER_BATCH)
            .map(|i| {
                let n = (seq * MAX_ENTRIES_PER_BATCH + i) as i64;
                click(10 + n, (n % 50) * 100, (n / 50 % 50) * 100)
            })
            .collect();
        send(&app, "w-1", seq as u32 + 1, "https://shop.test/", clicks).await;
    }
    let cookie = app.login("agent@test.test", "viewer").await;
    let answer = timeline(&app, &cookie, SESSION, "").await;
    let entries = answer["entries"].as_array().unwrap();
    assert_eq!(entries.len(), MAX_ENTRIES_PER_ANSWER);
    assert_eq!(answer["truncated"], true);
    assert_eq!(entries[0]["kind"], "navigation");
    let console = &entries[1];
    assert_eq!(console["kind"], "console");
    assert_eq!(console["data"]["truncated"], true);
    assert!(serde_json::to_vec(&console["data"]).unwrap().len() <= MAX_ENTRY_DATA_BYTES);
    assert!(console["data"]["args"][0].as_str().unwrap().ends_with('…'));
    assert_eq!(
        entries.last().unwrap()["at"],
        10 + (MAX_ENTRIES_PER_ANSWER as i64 - 3),
        "the earliest are kept"
    );
    assert!(entries.iter().all(|e| e["kind"] != "rage_click"));
}

#[tokio::test]
async fn masked_and_scrubbed_values_never_reach_the_timeline() {
    let app = TestApp::new().await;
    let email = "ada.lovelace@private.test";
    let card = "4111 1111 1111 1111";
    let typed = "typed-secret-hunter2";
    send(&app, "w-1", 0, &format!("https://shop.test/account?email={email}"), vec![
        event(4, 0, json!({"href": format!("https://shop.test/account?email={email}"), "width": 800, "height": 600})),
        event(3, 100, json!({"source": 5, "text": typed, "isChecked": false, "id": 7})),
        custom(200, "tapedeck.console", json!({"level": "error", "args": [format!("charge {card} for {email}")]})),
        custom(300, "tapedeck.network", json!({"method": "GET", "url": format!("https://shop.test/api/user?email={email}"), "status": 200, "ok": true, "response_body": format!("{{\"email\":\"{email}\"}}")})),
        custom(400, "profile.saved", json!({"contact": email, "card": card})),
        custom(500, "tapedeck.error", json!({"kind": "error", "message": format!("no user {email}"), "stack": ""})),
    ]).await;
    let cookie = app.login("agent@test.test", "viewer").await;
    let response = app
        .get(&format!("/api/v1/sessions/{SESSION}/timeline"), &cookie)
        .await;
    let text = String::from_utf8_lossy(&response.body).to_string();
    let answer = response.json();
    assert_eq!(answer["entries"].as_array().unwrap().len(), 6, "{text}");
    for secret in [email, card, typed, "4111"] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
    assert!(
        text.contains("***.********@*******.****"),
        "masked in place: {text}"
    );
}

#[tokio::test]
async fn tenancy_and_bad_queries() {
    let app = TestApp::new().await;
    ingest_captures(&app).await;
    let other = app.meta.create_organization("Other", 0).await.unwrap();
    let outsider = app.login_in(&other.id, "owner@other.test", "owner").await;
    let response = app
        .get(&format!("/api/v1/sessions/{SESSION}/timeline"), &outsider)
        .await;
    assert_eq!(
        (response.status, response.error_code().as_str()),
        (StatusCode::NOT_FOUND, "not_found")
    );

    let cookie = app.login("agent@test.test", "viewer").await;
    for (query, status, code) in [
        ("?window=..%2Fx", StatusCode::BAD_REQUEST, "invalid_query"),
        ("?window=w-9", StatusCode::NOT_FOUND, "not_found"),
    ] {
        let response = app
            .get(
                &format!("/api/v1/sessions/{SESSION}/timeline{query}"),
                &cookie,
            )
            .await;
        assert_eq!(
            (response.status, response.error_code().as_str()),
            (status, code),
            "{query}"
        );
    }
    let unknown = app.get("/api/v1/sessions/s-nope/timeline", &cookie).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let anonymous = app
        .get(&format!("/api/v1/sessions/{SESSION}/timeline"), "")
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
}
