//! Tags through the real router: members tag one session or many, the list filters by the new
//! tags, viewers and other origins cannot, other organizations' sessions are not found (alone)
//! or skipped (in bulk), bad changes change nothing, and every change is audited once.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};
use tapedeck_store::{AuditEntry, NewProject};
use tapedeck_testkit::{TestApp, TestResponse, batch};

async fn app_with_sessions(ids: &[&str]) -> TestApp {
    let app = TestApp::new().await;
    for (i, id) in ids.iter().enumerate() {
        let response = app
            .ingest(batch(id, 0, 1_700_000_000_000 + i as i64 * 1_000, 1), &[])
            .await;
        assert_eq!(response.status, StatusCode::OK);
    }
    app
}

async fn send(
    app: &TestApp,
    method: Method,
    uri: &str,
    cookie: &str,
    body: &Value,
    origin: Option<&str>,
) -> TestResponse {
    let mut request = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::COOKIE, cookie)
        .header(header::HOST, "tapedeck.test")
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(origin) = origin {
        request = request.header(header::ORIGIN, origin);
    }
    app.send(request.body(Body::from(body.to_string())).unwrap())
        .await
}

async fn put_tags(app: &TestApp, cookie: &str, id: &str, body: Value) -> TestResponse {
    let uri = format!("/api/v1/sessions/{id}/tags");
    send(
        app,
        Method::PUT,
        &uri,
        cookie,
        &body,
        Some("http://tapedeck.test"),
    )
    .await
}

async fn bulk(app: &TestApp, cookie: &str, body: Value) -> TestResponse {
    send(
        app,
        Method::POST,
        "/api/v1/sessions/tags",
        cookie,
        &body,
        None,
    )
    .await
}

async fn tags_of(app: &TestApp, id: &str) -> Value {
    let record = app.meta.session(id).await.unwrap().unwrap();
    serde_json::to_value(record.summary.tags).unwrap()
}

/// The organization's tag-change entries.
async fn audit(app: &TestApp, org: &str) -> Vec<AuditEntry> {
    let mut entries = app.audit_log(org).await;
    entries.retain(|e| e.action == "session.tag");
    entries
}

async fn listed(app: &TestApp, cookie: &str, query: &str) -> Vec<String> {
    let response = app.get(&format!("/api/v1/sessions?{query}"), cookie).await;
    assert_eq!(response.status, StatusCode::OK, "{:?}", response.body);
    response.json()["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect()
}

/// A session in a second organization, with its owner's login.
async fn foreign_session(app: &TestApp, id: &str) -> (String, String) {
    let other = app.meta.create_organization("Other", 0).await.unwrap();
    let project = NewProject {
        organization_id: other.id.clone(),
        name: "Theirs".into(),
        ingest_key: "tdp_other".into(),
        allowed_origins: vec![],
        region: tapedeck_store::DEFAULT_REGION.into(),
    };
    app.meta.create_project(&project, 0).await.unwrap();
    let stored = app
        .ingest_with_key("tdp_other", batch(id, 0, 1_700_000_000_000, 1), &[])
        .await;
    assert_eq!(stored.status, StatusCode::OK);
    let owner = app.login_in(&other.id, "owner@other.test", "owner").await;
    (other.id, owner)
}

#[tokio::test]
async fn members_tag_a_session_and_the_list_filters_by_its_tags() {
    let app = app_with_sessions(&["s-1", "s-2"]).await;
    let member = app.login("dev@test.test", "member").await;
    let viewer = app.login("viewer@test.test", "viewer").await;

    let response = put_tags(
        &app,
        &member,
        "s-1",
        json!({"add": {" vip ": "", "plan": " pro "}}),
    )
    .await;
    assert_eq!(response.status, StatusCode::OK, "{:?}", response.body);
    assert_eq!(response.json(), json!({"tags": {"plan": "pro", "vip": ""}}));
    let session = app.get("/api/v1/sessions/s-1", &viewer).await.json();
    assert_eq!(session["tags"], json!({"plan": "pro", "vip": ""}));
    assert_eq!(listed(&app, &viewer, "tag=vip").await, ["s-1"]);
    assert_eq!(listed(&app, &viewer, "tag=plan:pro").await, ["s-1"]);
    assert!(listed(&app, &viewer, "tag=plan:free").await.is_empty());

    let entries = audit(&app, &app.org_id).await;
    assert_eq!(entries.len(), 1, "one entry per request");
    assert_eq!(entries[0].target, "session:s-1");
    assert_eq!(entries[0].details["add"], json!({"plan": "pro", "vip": ""}));
    assert!(entries[0].actor.starts_with("user:"));

    let response = put_tags(
        &app,
        &member,
        "s-1",
        json!({"add": {"plan": "team"}, "remove": ["vip"]}),
    )
    .await;
    assert_eq!(response.json(), json!({"tags": {"plan": "team"}}));
    assert!(listed(&app, &viewer, "tag=vip").await.is_empty());
    assert_eq!(audit(&app, &app.org_id).await.len(), 2);
}

#[tokio::test]
async fn bad_tag_changes_viewers_other_origins_and_other_organizations_are_refused() {
    let app = app_with_sessions(&["s-1"]).await;
    let member = app.login("dev@test.test", "member").await;
    let viewer = app.login("viewer@test.test", "viewer").await;
    for (body, field) in [
        (json!({}), "`add`"),
        (json!({"add": {"a:b": ""}}), "`add.a:b`"),
        (json!({"add": {"k".repeat(65): ""}}), "`add.kkkk"),
        (json!({"add": {"a": "v".repeat(257)}}), "`add.a`"),
        (json!({"add": {"a": 1}}), "`add.a`"),
        (json!({"remove": "a"}), "`remove`"),
        (json!({"add": {"a": ""}, "remove": ["a"]}), "`remove`"),
    ] {
        let response = put_tags(&app, &member, "s-1", body.clone()).await;
        assert_eq!(
            (response.status, response.error_code().as_str()),
            (StatusCode::BAD_REQUEST, "invalid_request"),
            "{body}"
        );
        let message = response.json()["error"]["message"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(message.contains(field), "{body}: {message}");
    }
    // At most 50 tags: the 51st is refused and nothing changes.
    let fifty: serde_json::Map<String, Value> =
        (0..50).map(|i| (format!("k{i}"), json!(""))).collect();
    assert_eq!(
        put_tags(&app, &member, "s-1", json!({"add": fifty}))
            .await
            .status,
        StatusCode::OK
    );
    let over = put_tags(&app, &member, "s-1", json!({"add": {"one": "more"}})).await;
    assert_eq!(
        (over.status, over.error_code().as_str()),
        (StatusCode::BAD_REQUEST, "invalid_request")
    );
    assert_eq!(tags_of(&app, "s-1").await.as_object().unwrap().len(), 50);

    let ok = json!({"add": {"x": ""}});
    let denied = put_tags(&app, &viewer, "s-1", ok.clone()).await;
    assert_eq!(
        (denied.status, denied.error_code().as_str()),
        (StatusCode::FORBIDDEN, "forbidden")
    );
    let uri = "/api/v1/sessions/s-1/tags";
    let forged = send(
        &app,
        Method::PUT,
        uri,
        &member,
        &ok,
        Some("https://evil.test"),
    )
    .await;
    assert_eq!(
        (forged.status, forged.error_code().as_str()),
        (StatusCode::FORBIDDEN, "csrf_rejected")
    );
    assert_eq!(
        put_tags(&app, &member, "nope", ok.clone()).await.status,
        StatusCode::NOT_FOUND
    );
    let (_, outsider) = foreign_session(&app, "t-1").await;
    let foreign = put_tags(&app, &outsider, "s-1", ok.clone()).await;
    assert_eq!(
        (foreign.status, foreign.error_code().as_str()),
        (StatusCode::NOT_FOUND, "not_found")
    );
    assert!(tags_of(&app, "s-1").await.get("x").is_none());
    assert_eq!(
        audit(&app, &app.org_id).await.len(),
        1,
        "only the change that happened"
    );
}

#[tokio::test]
async fn bulk_tagging_changes_the_callers_sessions_and_skips_the_rest() {
    let app = app_with_sessions(&["s-1", "s-2", "s-3"]).await;
    let member = app.login("dev@test.test", "member").await;
    let viewer = app.login("viewer@test.test", "viewer").await;
    let (other_org, outsider) = foreign_session(&app, "t-1").await;

    let body = json!({"session_ids": ["s-1", "s-2", "t-1", "gone", "s-1"], "add": {"triaged": ""}});
    let response = bulk(&app, &member, body).await;
    assert_eq!(response.status, StatusCode::OK, "{:?}", response.body);
    assert_eq!(response.json(), json!({"updated": 2}));
    assert_eq!(tags_of(&app, "s-2").await, json!({"triaged": ""}));
    assert_eq!(tags_of(&app, "s-3").await, json!({}));
    assert_eq!(
        tags_of(&app, "t-1").await,
        json!({}),
        "another organization's session"
    );
    assert_eq!(listed(&app, &member, "tag=triaged").await, ["s-2", "s-1"]);
    let entries = audit(&app, &app.org_id).await;
    assert_eq!(entries.len(), 1, "one entry for the whole request");
    assert_eq!(entries[0].details["count"], 2);
    assert_eq!(entries[0].details["sessions"], json!(["s-1", "s-2"]));

    // The outsider reaches only their own organization's session.
    let theirs = bulk(
        &app,
        &outsider,
        json!({"session_ids": ["s-3", "t-1"], "remove": ["x"], "add": {"a": "b"}}),
    )
    .await;
    assert_eq!(theirs.json(), json!({"updated": 1}));
    assert_eq!(tags_of(&app, "s-3").await, json!({}));
    assert_eq!(audit(&app, &other_org).await.len(), 1);
    assert_eq!(audit(&app, &app.org_id).await.len(), 1);

    let denied = bulk(
        &app,
        &viewer,
        json!({"session_ids": ["s-1"], "add": {"a": ""}}),
    )
    .await;
    assert_eq!(
        (denied.status, denied.error_code().as_str()),
        (StatusCode::FORBIDDEN, "forbidden")
    );
    let too_many: Vec<String> = (0..501).map(|i| format!("s{i}")).collect();
    for body in [
        json!({"session_ids": too_many, "add": {"a": ""}}),
        json!({"session_ids": [], "add": {"a": ""}}),
        json!({"add": {"a": ""}}),
        json!({"session_ids": ["s-1"]}),
    ] {
        let response = bulk(&app, &member, body.clone()).await;
        assert_eq!(
            (response.status, response.error_code().as_str()),
            (StatusCode::BAD_REQUEST, "invalid_request"),
            "{body}"
        );
    }
    assert_eq!(audit(&app, &app.org_id).await.len(), 1);
}
