//! Projects' ingest keys through the real router, on a pinned clock: rotation keeps in-flight
//! sessions whole through the grace and not after, retirement, the primary key's protection,
//! per-key rate limits (429 + Retry-After, and the retry stored), roles, tenancy, CSRF, and one
//! audit entry per action.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};
use tapedeck_api::{ApiConfig, AppState, Clock};
use tapedeck_testkit::{TestApp, TestResponse, batch};

const HOUR_MS: i64 = 3_600_000;
/// 2026-01-01T00:00:00Z.
const START_MS: i64 = 1_767_225_600_000;

/// A clock the test moves by hand.
struct ManualClock(AtomicI64);

impl Clock for ManualClock {
    fn now_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// A test app whose handlers read time from the returned clock.
async fn app_with_clock(config: ApiConfig) -> (TestApp, Arc<ManualClock>) {
    let mut app = TestApp::new().await;
    let clock = Arc::new(ManualClock(AtomicI64::new(START_MS)));
    let mut state = AppState::new(app.meta.clone(), app.recordings.clone(), config);
    state.clock = clock.clone();
    app.router = tapedeck_api::router(state);
    (app, clock)
}

fn advance(clock: &ManualClock, ms: i64) {
    clock.0.fetch_add(ms, Ordering::SeqCst);
}

/// A cookie request from the web app's own origin (or `origin`).
async fn send(
    app: &TestApp,
    method: Method,
    uri: &str,
    cookie: &str,
    body: Option<Value>,
    origin: &str,
) -> TestResponse {
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::HOST, "127.0.0.1:7070")
        .header(header::ORIGIN, origin)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/json")
        .body(body.map_or_else(Body::empty, |b| Body::from(b.to_string())))
        .unwrap();
    app.send(request).await
}

const SAME: &str = "http://127.0.0.1:7070";

fn keys_uri(app: &TestApp) -> String {
    format!("/api/v1/projects/{}/ingest-keys", app.project.id)
}

async fn rotate(app: &TestApp, cookie: &str, body: Option<Value>) -> TestResponse {
    let uri = format!("{}/rotate", keys_uri(app));
    send(app, Method::POST, &uri, cookie, body, SAME).await
}

async fn audit_actions(app: &TestApp) -> Vec<String> {
    let mut actions: Vec<String> = app
        .audit_log(&app.org_id)
        .await
        .into_iter()
        .map(|e| e.action)
        .filter(|a| a.starts_with("project."))
        .collect();
    actions.sort();
    actions
}

const SESSION: &str = "0193a1b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b";

#[tokio::test]
async fn rotation_keeps_an_in_flight_session_whole_until_the_grace_ends() {
    let (app, clock) = app_with_clock(ApiConfig::default()).await;
    let cookie = app.login("admin@test.test", "admin").await;
    let listed = app.get(&keys_uri(&app), &cookie).await;
    assert_eq!(listed.status, StatusCode::OK);
    let keys = listed.json()["ingest_keys"].clone();
    assert_eq!(keys.as_array().unwrap().len(), 1);
    assert_eq!(keys[0]["key"], "tdp_test");
    assert_eq!(keys[0]["primary"], true);
    assert_eq!(keys[0]["retires_at"], Value::Null);
    assert_eq!(keys[0]["rate_limit_per_minute"], Value::Null);

    let first = app
        .ingest_with_key("tdp_test", batch(SESSION, 0, 1_000, 1), &[])
        .await;
    assert_eq!(first.status, StatusCode::OK, "{:?}", first.body);

    let rotated = rotate(&app, &cookie, Some(json!({"grace_hours": 24}))).await;
    assert_eq!(rotated.status, StatusCode::CREATED, "{:?}", rotated.body);
    let new = rotated.json()["ingest_key"].clone();
    let new_key = new["key"].as_str().unwrap().to_string();
    assert!(
        new_key.starts_with("tdp_") && new_key.len() == 36,
        "{new_key}"
    );
    assert_eq!(new["primary"], true);
    assert_eq!(new["retires_at"], Value::Null);
    assert_eq!(new["created_at"], "2026-01-01T00:00:00Z");

    let keys = app.get(&keys_uri(&app), &cookie).await.json()["ingest_keys"].clone();
    assert_eq!(keys[0]["key"], new_key.as_str(), "newest first");
    assert_eq!(keys[1]["key"], "tdp_test");
    assert_eq!(keys[1]["primary"], false);
    assert_eq!(keys[1]["retires_at"], "2026-01-02T00:00:00Z");
    let project = app
        .get(&format!("/api/v1/projects/{}", app.project.id), &cookie)
        .await
        .json();
    assert_eq!(
        project["ingest_key"],
        new_key.as_str(),
        "the project shows the primary"
    );

    // The page recording with the old key goes on, and so does a page with the new one.
    advance(&clock, 23 * HOUR_MS);
    let second = app
        .ingest_with_key("tdp_test", batch(SESSION, 1, 2_000, 1), &[])
        .await;
    assert_eq!(second.json(), json!({"status": "stored"}));
    let third = app
        .ingest_with_key(&new_key, batch(SESSION, 2, 3_000, 1), &[])
        .await;
    assert_eq!(third.json(), json!({"status": "stored"}));
    let segments = app.meta.segments(SESSION).await.unwrap();
    assert_eq!(segments.len(), 3, "all three batches in the one session");
    let session = app.meta.session(SESSION).await.unwrap().unwrap();
    assert_eq!(session.project_id, app.project.id);

    // After the grace the old key is unknown, to ingest and to recorder-config alike.
    advance(&clock, HOUR_MS);
    let late = app
        .ingest_with_key("tdp_test", batch(SESSION, 3, 4_000, 1), &[])
        .await;
    assert_eq!(
        (late.status, late.error_code().as_str()),
        (StatusCode::UNAUTHORIZED, "unknown_project")
    );
    let config = app
        .send(
            Request::builder()
                .uri("/api/v1/recorder-config?project=tdp_test")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(config.status, StatusCode::UNAUTHORIZED);
    let on_time = app
        .ingest_with_key(&new_key, batch(SESSION, 3, 4_000, 1), &[])
        .await;
    assert_eq!(on_time.json(), json!({"status": "stored"}));
    assert_eq!(audit_actions(&app).await, ["project.key_rotate"]);
}

#[tokio::test]
async fn rotation_grace_defaults_to_a_day_and_zero_cuts_off_at_once() {
    let (app, _clock) = app_with_clock(ApiConfig::default()).await;
    let cookie = app.login("owner@test.test", "owner").await;
    let rotated = rotate(&app, &cookie, None).await;
    assert_eq!(rotated.status, StatusCode::CREATED, "{:?}", rotated.body);
    let keys = app.get(&keys_uri(&app), &cookie).await.json()["ingest_keys"].clone();
    assert_eq!(keys[1]["retires_at"], "2026-01-02T00:00:00Z");

    let bad = rotate(&app, &cookie, Some(json!({"grace_hours": 721}))).await;
    assert_eq!(
        (bad.status, bad.error_code().as_str()),
        (StatusCode::BAD_REQUEST, "invalid_request")
    );
    let cut = rotate(&app, &cookie, Some(json!({"grace_hours": 0}))).await;
    assert_eq!(cut.status, StatusCode::CREATED);
    let middle = keys[0]["key"].as_str().unwrap();
    let refused = app
        .ingest_with_key(middle, batch(SESSION, 0, 1_000, 1), &[])
        .await;
    assert_eq!(refused.error_code(), "unknown_project");
    assert_eq!(
        audit_actions(&app).await,
        ["project.key_rotate", "project.key_rotate"],
        "one entry per rotation, none for the refused one"
    );
}

#[tokio::test]
async fn retiring_stops_a_key_at_once_but_never_the_primary() {
    let (app, _clock) = app_with_clock(ApiConfig::default()).await;
    let cookie = app.login("admin@test.test", "admin").await;
    let new = rotate(&app, &cookie, None).await.json()["ingest_key"].clone();
    let keys = app.get(&keys_uri(&app), &cookie).await.json()["ingest_keys"].clone();
    let old_id = keys[1]["id"].as_str().unwrap().to_string();
    let old_uri = format!("{}/{old_id}", keys_uri(&app));
    let new_uri = format!("{}/{}", keys_uri(&app), new["id"].as_str().unwrap());

    let primary = send(&app, Method::DELETE, &new_uri, &cookie, None, SAME).await;
    assert_eq!(
        (primary.status, primary.error_code().as_str()),
        (StatusCode::CONFLICT, "primary_key")
    );
    assert_eq!(
        app.ingest_with_key("tdp_test", batch(SESSION, 0, 1_000, 1), &[])
            .await
            .status,
        StatusCode::OK,
        "in its grace"
    );
    let retired = send(&app, Method::DELETE, &old_uri, &cookie, None, SAME).await;
    assert_eq!(retired.status, StatusCode::NO_CONTENT);
    let refused = app
        .ingest_with_key("tdp_test", batch(SESSION, 1, 2_000, 1), &[])
        .await;
    assert_eq!(
        (refused.status, refused.error_code().as_str()),
        (StatusCode::UNAUTHORIZED, "unknown_project")
    );
    let keys = app.get(&keys_uri(&app), &cookie).await.json()["ingest_keys"].clone();
    assert_eq!(keys[1]["retires_at"], "2026-01-01T00:00:00Z");
    let again = send(&app, Method::DELETE, &old_uri, &cookie, None, SAME).await;
    assert_eq!(
        again.status,
        StatusCode::NO_CONTENT,
        "retiring twice is fine"
    );
    let unknown = format!("{}/no-such-key", keys_uri(&app));
    let missing = send(&app, Method::DELETE, &unknown, &cookie, None, SAME).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(
        audit_actions(&app).await,
        ["project.key_retire", "project.key_rotate"],
        "one retirement audited, not the repeat or the refusals"
    );
}

#[tokio::test]
async fn a_rate_limited_batch_is_not_acknowledged_and_its_retry_is_stored() {
    let (app, clock) = app_with_clock(ApiConfig::default()).await;
    let cookie = app.login("admin@test.test", "admin").await;
    let keys = app.get(&keys_uri(&app), &cookie).await.json()["ingest_keys"].clone();
    let key_uri = format!("{}/{}", keys_uri(&app), keys[0]["id"].as_str().unwrap());
    for bad in [json!({"rate_limit_per_minute": 0}), json!({})] {
        let refused = send(&app, Method::PATCH, &key_uri, &cookie, Some(bad), SAME).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    }
    let limited = send(
        &app,
        Method::PATCH,
        &key_uri,
        &cookie,
        Some(json!({"rate_limit_per_minute": 2})),
        SAME,
    )
    .await;
    assert_eq!(limited.status, StatusCode::OK, "{:?}", limited.body);
    assert_eq!(limited.json()["rate_limit_per_minute"], 2);
    assert_eq!(limited.json()["primary"], true);

    for seq in 0..2 {
        let ok = app
            .ingest_with_key("tdp_test", batch(SESSION, seq, 1_000, 1), &[])
            .await;
        assert_eq!(ok.status, StatusCode::OK);
    }
    let refused = app
        .ingest_with_key("tdp_test", batch(SESSION, 2, 3_000, 1), &[])
        .await;
    assert_eq!(
        (refused.status, refused.error_code().as_str()),
        (StatusCode::TOO_MANY_REQUESTS, "rate_limited")
    );
    let retry_after: i64 = refused.headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(retry_after, 30, "2 a minute: a token every 30 s");
    assert!(
        !app.meta.segment_exists(SESSION, "w-1", 2).await.unwrap(),
        "nothing of the refused batch is stored"
    );

    advance(&clock, retry_after * 1_000 - 1);
    let early = app
        .ingest_with_key("tdp_test", batch(SESSION, 2, 3_000, 1), &[])
        .await;
    assert_eq!(early.status, StatusCode::TOO_MANY_REQUESTS);
    advance(&clock, 1);
    let retried = app
        .ingest_with_key("tdp_test", batch(SESSION, 2, 3_000, 1), &[])
        .await;
    assert_eq!(retried.json(), json!({"status": "stored"}));
    assert_eq!(app.meta.segments(SESSION).await.unwrap().len(), 3);

    let cleared = send(
        &app,
        Method::PATCH,
        &key_uri,
        &cookie,
        Some(json!({"rate_limit_per_minute": null})),
        SAME,
    )
    .await;
    assert_eq!(cleared.json()["rate_limit_per_minute"], Value::Null);
    let free = app
        .ingest_with_key("tdp_test", batch(SESSION, 3, 4_000, 1), &[])
        .await;
    assert_eq!(
        free.status,
        StatusCode::OK,
        "the generous default applies again"
    );
    assert_eq!(
        audit_actions(&app).await,
        ["project.key_update", "project.key_update"]
    );
}

#[tokio::test]
async fn the_configured_default_limits_keys_without_their_own() {
    let config = ApiConfig {
        ingest_rate_limit_per_minute: 1,
        ..ApiConfig::default()
    };
    let (app, _clock) = app_with_clock(config).await;
    assert_eq!(
        app.ingest_with_key("tdp_test", batch(SESSION, 0, 1_000, 1), &[])
            .await
            .status,
        StatusCode::OK
    );
    let refused = app
        .ingest_with_key("tdp_test", batch(SESSION, 1, 2_000, 1), &[])
        .await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(refused.headers[header::RETRY_AFTER], "60");
    let unknown = app
        .ingest_with_key("tdp_nope", batch(SESSION, 1, 2_000, 1), &[])
        .await;
    assert_eq!(
        unknown.error_code(),
        "unknown_project",
        "unknown keys are not counted"
    );
}

#[tokio::test]
async fn viewers_and_members_read_keys_but_only_admins_change_them() {
    let (app, _clock) = app_with_clock(ApiConfig::default()).await;
    let admin = app.login("admin@test.test", "admin").await;
    let key_id = app.get(&keys_uri(&app), &admin).await.json()["ingest_keys"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let key_uri = format!("{}/{key_id}", keys_uri(&app));
    for (email, role) in [
        ("viewer@test.test", "viewer"),
        ("member@test.test", "member"),
    ] {
        let cookie = app.login(email, role).await;
        assert_eq!(
            app.get(&keys_uri(&app), &cookie).await.status,
            StatusCode::OK
        );
        let rotate = rotate(&app, &cookie, None).await;
        let limit = json!({"rate_limit_per_minute": 5});
        let patch = send(&app, Method::PATCH, &key_uri, &cookie, Some(limit), SAME).await;
        let delete = send(&app, Method::DELETE, &key_uri, &cookie, None, SAME).await;
        for answer in [rotate, patch, delete] {
            assert_eq!(
                (answer.status, answer.error_code().as_str()),
                (StatusCode::FORBIDDEN, "forbidden"),
                "{role}"
            );
        }
    }
    let keys = app.get(&keys_uri(&app), &admin).await.json()["ingest_keys"].clone();
    assert_eq!(keys.as_array().unwrap().len(), 1, "nothing changed");
    assert!(audit_actions(&app).await.is_empty());
}

#[tokio::test]
async fn another_organizations_project_keys_are_not_found() {
    let (app, _clock) = app_with_clock(ApiConfig::default()).await;
    let other = app.meta.create_organization("Other org", 0).await.unwrap();
    let outsider = app.login_in(&other.id, "outsider@test.test", "owner").await;
    let key_uri = format!("{}/any", keys_uri(&app));
    let answers = [
        app.get(&keys_uri(&app), &outsider).await,
        rotate(&app, &outsider, None).await,
        send(
            &app,
            Method::PATCH,
            &key_uri,
            &outsider,
            Some(json!({"rate_limit_per_minute": 5})),
            SAME,
        )
        .await,
        send(&app, Method::DELETE, &key_uri, &outsider, None, SAME).await,
    ];
    for answer in answers {
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{:?}", answer.body);
    }
    let none = app.get(&keys_uri(&app), "tapedeck_session=nope").await;
    assert_eq!(none.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn cookie_writes_to_keys_need_the_same_origin() {
    let (app, _clock) = app_with_clock(ApiConfig::default()).await;
    let cookie = app.login("admin@test.test", "admin").await;
    let key_uri = format!("{}/any", keys_uri(&app));
    let evil = "https://evil.test";
    let rotate_uri = format!("{}/rotate", keys_uri(&app));
    let answers = [
        send(&app, Method::POST, &rotate_uri, &cookie, None, evil).await,
        send(
            &app,
            Method::PATCH,
            &key_uri,
            &cookie,
            Some(json!({"rate_limit_per_minute": 5})),
            evil,
        )
        .await,
        send(&app, Method::DELETE, &key_uri, &cookie, None, evil).await,
    ];
    for answer in answers {
        assert_eq!(
            (answer.status, answer.error_code().as_str()),
            (StatusCode::FORBIDDEN, "csrf_rejected")
        );
    }
    let keys = app.get(&keys_uri(&app), &cookie).await.json()["ingest_keys"].clone();
    assert_eq!(keys.as_array().unwrap().len(), 1);
}
