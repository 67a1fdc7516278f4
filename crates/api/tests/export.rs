//! Export and import of one session through the real router (docs/API.md "Export and import"):
//! a `.tapedeck` file round-trips event for event (from segments and from a compacted
//! recording), the HTML export is self-contained, and every bad import gets its code and
//! changes nothing.

use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_trait::async_trait;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::Value;
use tapedeck_core::recording::WriteOptions;
use tapedeck_store::{BlobStore, NewProject, StoreError, open_blob_store};
use tapedeck_testkit::{TestApp, TestResponse, fixture_path};
use tapedeck_worker::compact_session;
use tower::ServiceExt;

/// The fixture's batches, plus a second tab (window) so exports hold more than one window.
fn recorded_batches() -> Vec<Value> {
    let text = std::fs::read_to_string(fixture_path("recorded-form-session.json")).unwrap();
    let fixture: Value = serde_json::from_str(&text).unwrap();
    let mut batches = fixture["batches"].as_array().unwrap().clone();
    let mut second_tab = batches[0].clone();
    second_tab["window_id"] = "w-second-tab".into();
    second_tab["seq"] = 0.into();
    batches.push(second_tab);
    batches
}

async fn ingest_fixture(app: &TestApp) -> String {
    let batches = recorded_batches();
    for batch in &batches {
        let response = app.ingest(batch.to_string(), &[]).await;
        assert_eq!(response.status, StatusCode::OK, "{:?}", response.body);
    }
    batches[0]["session_id"].as_str().unwrap().to_string()
}

async fn import(app: &TestApp, cookie: &str, project_id: &str, body: Vec<u8>) -> TestResponse {
    let request = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1/sessions/import?project_id={project_id}"))
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .body(Body::from(body))
        .unwrap();
    app.send(request).await
}

/// Every window's events as the events API answers them, and the session's listed facts.
async fn replay_view(app: &TestApp, cookie: &str, id: &str) -> (Vec<Value>, Value) {
    let session = app
        .get(&format!("/api/v1/sessions/{id}"), cookie)
        .await
        .json();
    let mut events = Vec::new();
    for window in session["windows"].as_array().unwrap() {
        let uri = format!(
            "/api/v1/sessions/{id}/events?window={}",
            window.as_str().unwrap()
        );
        events.push(app.get(&uri, cookie).await.json()["events"].clone());
    }
    let facts = [
        "user_id",
        "user_email",
        "user_name",
        "started_at",
        "ended_at",
        "duration",
        "page_views",
        "first_url",
        "urls",
        "browser",
        "os",
        "viewport",
        "tags",
        "windows",
    ];
    let listed = facts
        .iter()
        .map(|k| (k.to_string(), session[*k].clone()))
        .collect();
    (events, Value::Object(listed))
}

async fn export(app: &TestApp, cookie: &str, id: &str, format: &str) -> TestResponse {
    app.get(
        &format!("/api/v1/sessions/{id}/export?format={format}"),
        cookie,
    )
    .await
}

async fn audit_actions(app: &TestApp) -> Vec<String> {
    // Session views are audited too; these tests count what the exports and imports did.
    let entries = app.audit_without_logins().await;
    entries
        .into_iter()
        .map(|e| e.action)
        .filter(|a| a != "session.view")
        .collect()
}

#[tokio::test]
async fn an_exported_session_imports_with_the_same_events_and_facts() {
    let app = TestApp::new().await;
    let id = ingest_fixture(&app).await;
    let cookie = app.login("owner@test.test", "owner").await;
    let original = replay_view(&app, &cookie, &id).await;
    assert_eq!(original.0.len(), 2, "two windows");

    let file = export(&app, &cookie, &id, "tapedeck").await;
    assert_eq!(file.status, StatusCode::OK);
    assert!(file.body.starts_with(b"TAPEDECK-SESSION 1\n"));
    assert_eq!(
        file.headers[header::CONTENT_DISPOSITION],
        format!("attachment; filename=\"tapedeck-{id}.tapedeck\"").as_str()
    );
    assert!(
        file.headers.get(header::CONTENT_LENGTH).is_none(),
        "the file streams as it is written"
    );

    // The id is taken on this server, so the copy gets a new one.
    let answer = import(&app, &cookie, &app.project.id, file.body.to_vec()).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
    let answer = answer.json();
    assert_eq!(answer["id_kept"], false);
    assert_eq!(answer["original_session_id"], id.as_str());
    let copy = answer["session_id"].as_str().unwrap();
    assert_ne!(copy, id);
    assert_eq!(replay_view(&app, &cookie, copy).await, original);

    // On another server the id is free and kept.
    let other = TestApp::new().await;
    let other_cookie = other.login("admin@other.test", "admin").await;
    let answer = import(&other, &other_cookie, &other.project.id, file.body.to_vec()).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
    assert_eq!(answer.json()["session_id"], id.as_str());
    assert_eq!(replay_view(&other, &other_cookie, &id).await, original);
    let listed = other.get("/api/v1/sessions", &other_cookie).await.json();
    assert_eq!(listed["sessions"].as_array().unwrap().len(), 1);

    let actions = audit_actions(&app).await;
    let count = |action: &str| actions.iter().filter(|a| *a == action).count();
    assert_eq!(
        count("session.export"),
        1,
        "one entry per export: {actions:?}"
    );
    assert_eq!(count("session.import"), 1, "{actions:?}");
    assert_eq!(
        audit_actions(&other).await,
        ["session.import"],
        "the other server audited its import"
    );
}

#[tokio::test]
async fn a_compacted_session_exports_the_same_events() {
    let app = TestApp::new().await;
    let id = ingest_fixture(&app).await;
    let cookie = app.login("owner@test.test", "owner").await;
    let before = replay_view(&app, &cookie, &id).await;
    let report = compact_session(
        app.meta.as_ref(),
        &app.recordings,
        &id,
        WriteOptions::default(),
        0,
    )
    .await
    .unwrap();
    assert!(report.is_some(), "there were segments to compact");
    assert!(
        app.meta.segments(&id).await.unwrap().is_empty(),
        "every window is a v1 recording now"
    );
    let file = export(&app, &cookie, &id, "tapedeck").await;
    assert_eq!(file.status, StatusCode::OK);
    let other = TestApp::new().await;
    let other_cookie = other.login("owner@other.test", "owner").await;
    let answer = import(&other, &other_cookie, &other.project.id, file.body.to_vec()).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
    assert_eq!(replay_view(&other, &other_cookie, &id).await.0, before.0);
    let events = |view: &(Vec<Value>, Value)| -> usize {
        view.0.iter().map(|w| w.as_array().unwrap().len()).sum()
    };
    assert_eq!(answer.json()["events"], events(&before));
}

#[tokio::test]
async fn an_import_is_sealed_into_the_target_projects_region() {
    let source = TestApp::new().await;
    let id = ingest_fixture(&source).await;
    let source_cookie = source.login("owner@test.test", "owner").await;
    let file = export(&source, &source_cookie, &id, "tapedeck").await;
    let original = replay_view(&source, &source_cookie, &id).await;

    // A server with a second storage region, and a project pinned to it.
    let mut target = TestApp::new().await;
    let eu = target.add_region("eu").await;
    let project = NewProject {
        organization_id: target.org_id.clone(),
        name: "EU shop".into(),
        ingest_key: "tdp_eu".into(),
        allowed_origins: Vec::new(),
        region: "eu".into(),
    };
    let project = target.meta.create_project(&project, 0).await.unwrap();
    let cookie = target.login("owner@test.test", "owner").await;

    let answer = import(&target, &cookie, &project.id, file.body.to_vec()).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
    assert!(
        target
            .blobs
            .list_prefix("recordings/")
            .await
            .unwrap()
            .is_empty()
    );
    let stored = eu.list_prefix("recordings/").await.unwrap();
    assert!(!stored.is_empty());
    for key in &stored {
        assert!(
            key.starts_with(&format!("recordings/{}/", project.id)),
            "{key}"
        );
        let raw = eu.get(key).await.unwrap();
        assert_eq!(&raw[..4], b"TDS1", "{key} is sealed");
        assert!(!raw.windows(19).any(|w| w == b"Acme Support Portal"));
    }
    assert_eq!(replay_view(&target, &cookie, &id).await, original);
}

#[tokio::test]
async fn a_failure_part_way_aborts_the_download_instead_of_ending_it_short() {
    let app = TestApp::new().await;
    let id = ingest_fixture(&app).await;
    let cookie = app.login("owner@test.test", "owner").await;
    for key in app.blobs.list_prefix("recordings/").await.unwrap() {
        app.blobs.delete(&key).await.unwrap();
    }
    let request = Request::builder()
        .uri(format!("/api/v1/sessions/{id}/export"))
        .header(header::COOKIE, &cookie)
        .body(Body::empty())
        .unwrap();
    let response = app.router.clone().oneshot(request).await.unwrap();
    // The answer started before the blobs were read: the body breaks off with an error.
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.into_body().collect().await.is_err());
    assert_eq!(audit_actions(&app).await, ["session.export"]);
}

#[tokio::test]
async fn the_html_export_is_one_self_contained_page() {
    let app = TestApp::new().await;
    let id = ingest_fixture(&app).await;
    let cookie = app.login("viewer@test.test", "viewer").await;
    let page = export(&app, &cookie, &id, "html").await;
    assert_eq!(
        page.status,
        StatusCode::OK,
        "is the player built? {:?}",
        page.body
    );
    assert_eq!(
        page.headers[header::CONTENT_TYPE],
        "text/html; charset=utf-8"
    );
    assert_eq!(page.headers[header::CONTENT_SECURITY_POLICY], "sandbox");
    let html = std::str::from_utf8(&page.body).unwrap();
    assert!(html.contains("id=\"tapedeck-events\" data-encoding=\"gzip+base64\""));
    assert!(html.contains("TapedeckPlayer"), "the player is inlined");
    assert!(html.contains("Ada Fixture"), "the header names the user");
    assert!(
        !html.contains("<script src") && !html.contains("<link"),
        "nothing is fetched"
    );
    assert_eq!(audit_actions(&app).await, ["session.export"]);
}

#[tokio::test]
async fn exports_are_refused_for_unknown_sessions_formats_and_other_organizations() {
    let app = TestApp::new().await;
    let id = ingest_fixture(&app).await;
    let cookie = app.login("owner@test.test", "owner").await;
    assert_eq!(
        export(&app, &cookie, "nope", "tapedeck").await.status,
        StatusCode::NOT_FOUND
    );
    let bad = export(&app, &cookie, &id, "pdf").await;
    assert_eq!(
        (bad.status, bad.error_code().as_str()),
        (StatusCode::BAD_REQUEST, "invalid_query")
    );
    let org = app.meta.create_organization("Other org", 0).await.unwrap();
    let stranger = app.login_in(&org.id, "stranger@test.test", "owner").await;
    assert_eq!(
        export(&app, &stranger, &id, "tapedeck").await.status,
        StatusCode::NOT_FOUND
    );
    let unauthenticated = app.get(&format!("/api/v1/sessions/{id}/export"), "").await;
    assert_eq!(unauthenticated.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn bad_imports_get_their_codes_and_change_nothing() {
    let app = TestApp::new().await;
    let id = ingest_fixture(&app).await;
    let owner = app.login("owner@test.test", "owner").await;
    let good = export(&app, &owner, &id, "tapedeck").await.body.to_vec();
    let blobs_before = app.blobs.list_prefix("recordings/").await.unwrap().len();
    let project = app.project.id.clone();

    let not_ours = import(&app, &owner, &project, b"<html>hello</html>".to_vec()).await;
    assert_eq!(
        (not_ours.status, not_ours.error_code().as_str()),
        (StatusCode::BAD_REQUEST, "invalid_import")
    );
    let truncated = import(&app, &owner, &project, good[..good.len() / 2].to_vec()).await;
    assert_eq!(
        (truncated.status, truncated.error_code().as_str()),
        (StatusCode::BAD_REQUEST, "invalid_import")
    );
    let mut flipped = good.clone();
    let last = flipped.len() - 3;
    flipped[last] ^= 0x55;
    assert_eq!(
        import(&app, &owner, &project, flipped).await.error_code(),
        "invalid_import"
    );

    let request = |content_type: &str, origin: Option<&str>, length: Option<&str>| {
        let mut builder = Request::builder()
            .method(Method::POST)
            .uri(format!("/api/v1/sessions/import?project_id={project}"))
            .header(header::COOKIE, &owner)
            .header(header::HOST, "tapedeck.test")
            .header(header::CONTENT_TYPE, content_type);
        if let Some(origin) = origin {
            builder = builder.header(header::ORIGIN, origin);
        }
        if let Some(length) = length {
            builder = builder.header(header::CONTENT_LENGTH, length);
        }
        builder.body(Body::from(good.clone())).unwrap()
    };
    let form = app
        .send(request("multipart/form-data; boundary=x", None, None))
        .await;
    assert_eq!(
        (form.status, form.error_code().as_str()),
        (StatusCode::BAD_REQUEST, "invalid_request")
    );
    let cross_site = app
        .send(request(
            "application/octet-stream",
            Some("https://evil.test"),
            None,
        ))
        .await;
    assert_eq!(
        (cross_site.status, cross_site.error_code().as_str()),
        (StatusCode::FORBIDDEN, "csrf_rejected")
    );
    let huge = app
        .send(request("application/octet-stream", None, Some("999999999")))
        .await;
    assert_eq!(
        (huge.status, huge.error_code().as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, "import_too_large")
    );

    let no_project = app
        .send(
            Request::builder()
                .method(Method::POST)
                .uri("/api/v1/sessions/import")
                .header(header::COOKIE, &owner)
                .header(header::CONTENT_TYPE, "application/octet-stream")
                .body(Body::from(good.clone()))
                .unwrap(),
        )
        .await;
    assert_eq!(no_project.error_code(), "invalid_query");
    let viewer = app.login("viewer@test.test", "viewer").await;
    let refused = import(&app, &viewer, &project, good.clone()).await;
    assert_eq!(
        (refused.status, refused.error_code().as_str()),
        (StatusCode::FORBIDDEN, "forbidden")
    );
    let org = app.meta.create_organization("Other org", 0).await.unwrap();
    let stranger = app.login_in(&org.id, "stranger@test.test", "owner").await;
    assert_eq!(
        import(&app, &stranger, &project, good.clone()).await.status,
        StatusCode::NOT_FOUND
    );

    let listed = app.get("/api/v1/sessions", &owner).await.json();
    assert_eq!(
        listed["sessions"].as_array().unwrap().len(),
        1,
        "no session was added"
    );
    assert_eq!(
        app.blobs.list_prefix("recordings/").await.unwrap().len(),
        blobs_before
    );
    assert!(
        !audit_actions(&app)
            .await
            .contains(&"session.import".to_string())
    );
}

/// A blob store whose writes fail once `puts_left` writes went through (storage going down
/// in the middle of an import).
struct FailingAfter {
    inner: Arc<dyn BlobStore>,
    puts_left: AtomicUsize,
}

#[async_trait]
impl BlobStore for FailingAfter {
    async fn put(&self, key: &str, bytes: axum::body::Bytes) -> Result<(), StoreError> {
        let allowed = self
            .puts_left
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
        if !allowed {
            return Err(StoreError::Unavailable("the test took storage down".into()));
        }
        self.inner.put(key, bytes).await
    }
    async fn get(&self, key: &str) -> Result<axum::body::Bytes, StoreError> {
        self.inner.get(key).await
    }
    async fn get_range(
        &self,
        key: &str,
        range: Range<u64>,
    ) -> Result<axum::body::Bytes, StoreError> {
        self.inner.get_range(key, range).await
    }
    async fn list_prefix(&self, prefix: &str) -> Result<Vec<String>, StoreError> {
        self.inner.list_prefix(prefix).await
    }
    async fn delete(&self, key: &str) -> Result<(), StoreError> {
        self.inner.delete(key).await
    }
    fn describe(&self) -> String {
        "failing after some writes".into()
    }
}

#[tokio::test]
async fn an_import_that_fails_half_way_leaves_no_session_behind() {
    let source = TestApp::new().await;
    let id = ingest_fixture(&source).await;
    let source_cookie = source.login("owner@test.test", "owner").await;
    let file = export(&source, &source_cookie, &id, "tapedeck").await;

    // Two windows make at least two batches: the first is stored, the second fails.
    let blobs = Arc::new(FailingAfter {
        inner: open_blob_store("memory://").unwrap(),
        puts_left: AtomicUsize::new(1),
    });
    let target = TestApp::with_blob_store(blobs.clone()).await;
    let cookie = target.login("owner@test.test", "owner").await;
    let answer = import(&target, &cookie, &target.project.id, file.body.to_vec()).await;
    assert_eq!(
        (answer.status, answer.error_code().as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, "storage_unavailable")
    );
    assert_eq!(
        blobs.puts_left.load(Ordering::SeqCst),
        0,
        "one batch was stored"
    );
    assert!(target.meta.session(&id).await.unwrap().is_none());
    let listed = target.get("/api/v1/sessions", &cookie).await.json();
    assert_eq!(listed["sessions"], serde_json::json!([]));
    assert!(
        target
            .blobs
            .list_prefix("recordings/")
            .await
            .unwrap()
            .is_empty()
    );
    assert!(audit_actions(&target).await.is_empty());
}

/// Whether any file under `dir` contains `needle`.
fn any_file_contains(dir: &std::path::Path, needle: &[u8]) -> bool {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            stack.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        } else if std::fs::read(&path)
            .unwrap()
            .windows(needle.len())
            .any(|w| w == needle)
        {
            return true;
        }
    }
    false
}

#[tokio::test]
async fn an_imported_sessions_timeline_details_are_sealed_like_ingested_ones() {
    const STACK: &str = "at importedLedger4417 (app.js:3:4)";
    let source = TestApp::new().await;
    let batch = serde_json::json!({
        "session_id": "s-imported-console", "window_id": "w-1", "seq": 0,
        "meta": {"url": "https://shop.test/"},
        "events": [
            {"type": 4, "timestamp": 1_000, "data": {"href": "https://shop.test/", "width": 800, "height": 600}},
            {"type": 2, "timestamp": 1_001, "data": {"node": {"type": 0, "childNodes": [], "id": 1}, "initialOffset": {"left": 0, "top": 0}}},
            {"type": 5, "timestamp": 1_002, "data": {"tag": "tapedeck.console", "payload": {"level": "log", "args": ["first"], "stack": STACK}}}
        ]
    });
    let response = source.ingest(batch.to_string(), &[]).await;
    assert_eq!(response.status, StatusCode::OK, "{:?}", response.body);
    let source_cookie = source.login("owner@test.test", "owner").await;
    let file = export(&source, &source_cookie, "s-imported-console", "tapedeck").await;
    assert_eq!(file.status, StatusCode::OK);

    let target = TestApp::new().await;
    let cookie = target.login("owner@test.test", "owner").await;
    let answer = import(&target, &cookie, &target.project.id, file.body.to_vec()).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
    assert!(
        !any_file_contains(target.dir.path(), STACK.as_bytes()),
        "the stack is readable on disk"
    );
    let timeline = target
        .get("/api/v1/sessions/s-imported-console/timeline", &cookie)
        .await;
    assert_eq!(timeline.status, StatusCode::OK);
    assert!(String::from_utf8_lossy(&timeline.body).contains(STACK));
}
