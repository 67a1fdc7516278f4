//! Project settings through the real router: reading, partial updates, validation, roles,
//! tenancy, CSRF, and delivery to recorders through `recorder-config`; creating projects; one
//! audit entry per creation and per settings change.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};
use tapedeck_testkit::{TestApp, TestResponse};

/// PATCHes a project's settings as a same-origin browser would.
async fn patch_settings(app: &TestApp, id: &str, cookie: &str, body: Value) -> TestResponse {
    patch_from(app, id, cookie, body, "http://127.0.0.1:7070").await
}

async fn patch_from(
    app: &TestApp,
    id: &str,
    cookie: &str,
    body: Value,
    origin: &str,
) -> TestResponse {
    let request = Request::builder()
        .method(Method::PATCH)
        .uri(format!("/api/v1/projects/{id}/settings"))
        .header(header::HOST, "127.0.0.1:7070")
        .header(header::ORIGIN, origin)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    app.send(request).await
}

async fn recorder_config(app: &TestApp, origin: Option<&str>) -> TestResponse {
    let mut request = Request::builder().uri(format!(
        "/api/v1/recorder-config?project={}",
        app.project.ingest_key
    ));
    if let Some(origin) = origin {
        request = request.header(header::ORIGIN, origin);
    }
    app.send(request.body(Body::empty()).unwrap()).await
}

fn default_settings() -> Value {
    json!({"privacy": "balanced", "mask_selectors": [], "block_selectors": [],
           "ignore_selectors": [], "exclude_urls": [], "sample_rate": 1.0,
           "capture_network": false, "capture_console": false, "retention_days": 30})
}

#[tokio::test]
async fn members_list_their_projects_with_default_settings() {
    let app = TestApp::new().await;
    let cookie = app.login("owner@test.test", "owner").await;
    let response = app.get("/api/v1/projects", &cookie).await;
    assert_eq!(response.status, StatusCode::OK);
    let p = &app.project;
    let expected = json!({
        "id": p.id, "organization_id": p.organization_id, "name": "Test project",
        "ingest_key": "tdp_test", "region": "default", "allowed_origins": [],
        "settings": default_settings(),
        "can_manage": true,
    });
    assert_eq!(
        response.json(),
        json!({ "projects": [expected.clone()], "regions": ["default"] })
    );
    let one = app
        .get(&format!("/api/v1/projects/{}", p.id), &cookie)
        .await;
    assert_eq!((one.status, one.json()), (StatusCode::OK, expected));
    assert_eq!(recorder_config(&app, None).await.json(), default_settings());
}

#[tokio::test]
async fn settings_round_trip_partially_and_reach_recorders() {
    let app = TestApp::new().await;
    let cookie = app.login("admin@test.test", "admin").await;
    let id = app.project.id.clone();
    let first = patch_settings(
        &app,
        &id,
        &cookie,
        json!({"privacy": "strict", "mask_selectors": [" .card ", "#ssn"],
               "exclude_urls": ["https://shop.test/admin/*"], "capture_console": true}),
    )
    .await;
    assert_eq!(first.status, StatusCode::OK, "{:?}", first.body);
    assert_eq!(
        first.json()["settings"]["mask_selectors"],
        json!([".card", "#ssn"])
    );

    let second = patch_settings(&app, &id, &cookie, json!({"sample_rate": 0.25})).await;
    assert_eq!(second.status, StatusCode::OK);
    let expected = json!({"privacy": "strict", "mask_selectors": [".card", "#ssn"],
        "block_selectors": [], "ignore_selectors": [], "exclude_urls": ["https://shop.test/admin/*"],
        "sample_rate": 0.25, "capture_network": false, "capture_console": true,
        "retention_days": 30});
    assert_eq!(
        second.json()["settings"],
        expected,
        "the first patch's fields stayed"
    );
    let read = app.get(&format!("/api/v1/projects/{id}"), &cookie).await;
    assert_eq!(read.json()["settings"], expected);

    let config = recorder_config(&app, Some("https://anywhere.test")).await;
    assert_eq!((config.status, config.json()), (StatusCode::OK, expected));
}

#[tokio::test]
async fn allowed_origins_are_saved_normalized_and_enforced() {
    let app = TestApp::new().await;
    let cookie = app.login("owner@test.test", "owner").await;
    let response = patch_settings(
        &app,
        &app.project.id,
        &cookie,
        json!({"allowed_origins": ["HTTPS://Shop.Test/"]}),
    )
    .await;
    assert_eq!(
        response.json()["allowed_origins"],
        json!(["https://shop.test"])
    );
    assert_eq!(
        recorder_config(&app, Some("https://shop.test"))
            .await
            .status,
        StatusCode::OK
    );
    let refused = recorder_config(&app, Some("https://evil.test")).await;
    assert_eq!(
        (refused.status, refused.error_code().as_str()),
        (StatusCode::FORBIDDEN, "origin_not_allowed")
    );
    let ingest = app
        .ingest(
            tapedeck_testkit::batch("s1", 0, 1_000, 0),
            &[("origin", "https://evil.test")],
        )
        .await;
    assert_eq!(
        ingest.error_code(),
        "origin_not_allowed",
        "ingest reads the same list"
    );
}

#[tokio::test]
async fn invalid_settings_name_the_field_and_change_nothing() {
    let app = TestApp::new().await;
    let cookie = app.login("owner@test.test", "owner").await;
    let cases = [
        (json!({"privacy": "loose"}), "privacy"),
        (json!({"sample_rate": 2}), "sample_rate"),
        (
            json!({"mask_selectors": ["a{color:red}"]}),
            "mask_selectors",
        ),
        (json!({"block_selectors": [""]}), "block_selectors"),
        (json!({"ignore_selectors": "input"}), "ignore_selectors"),
        (
            json!({"allowed_origins": ["https://shop.test/path"]}),
            "allowed_origins",
        ),
        (json!({"exclude_urls": ["has space"]}), "exclude_urls"),
        (json!({"capture_network": "yes"}), "capture_network"),
        (json!({"retention": 3}), "retention"),
        // A valid field before an invalid one must not be saved either.
        (
            json!({"privacy": "strict", "sample_rate": -1}),
            "sample_rate",
        ),
    ];
    for (body, field) in cases {
        let response = patch_settings(&app, &app.project.id, &cookie, body.clone()).await;
        assert_eq!(response.status, StatusCode::BAD_REQUEST, "{body}");
        let error = &response.json()["error"];
        assert_eq!(error["code"], "invalid_settings", "{body}");
        assert_eq!(error["field"], field, "{body}");
        let message = error["message"].as_str().unwrap();
        assert!(message.starts_with(&format!("{field}: ")), "{message}");
    }
    assert_eq!(recorder_config(&app, None).await.json(), default_settings());

    let not_json = Request::builder()
        .method(Method::PATCH)
        .uri(format!("/api/v1/projects/{}/settings", app.project.id))
        .header(header::COOKIE, &cookie)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{nope"))
        .unwrap();
    assert_eq!(app.send(not_json).await.error_code(), "invalid_json");
    let form = Request::builder()
        .method(Method::PATCH)
        .uri(format!("/api/v1/projects/{}/settings", app.project.id))
        .header(header::COOKIE, &cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("privacy=minimal"))
        .unwrap();
    assert_eq!(app.send(form).await.error_code(), "invalid_request");
}

#[tokio::test]
async fn members_and_viewers_read_but_may_not_change_settings() {
    let app = TestApp::new().await;
    for (email, role) in [("m@test.test", "member"), ("v@test.test", "viewer")] {
        let cookie = app.login(email, role).await;
        let list = app.get("/api/v1/projects", &cookie).await.json();
        assert_eq!(list["projects"][0]["can_manage"], false, "{role}");
        let response = patch_settings(
            &app,
            &app.project.id,
            &cookie,
            json!({"privacy": "minimal"}),
        )
        .await;
        assert_eq!(
            (response.status, response.error_code().as_str()),
            (StatusCode::FORBIDDEN, "forbidden"),
            "{role}"
        );
    }
    assert_eq!(
        recorder_config(&app, None).await.json()["privacy"],
        "balanced"
    );
}

#[tokio::test]
async fn another_organizations_project_is_not_found() {
    let app = TestApp::new().await;
    let other = app.meta.create_organization("Other org", 0).await.unwrap();
    let outsider = app.login_in(&other.id, "owner@other.test", "owner").await;
    let list = app.get("/api/v1/projects", &outsider).await.json();
    assert_eq!(list["projects"], json!([]));
    let id = &app.project.id;
    let read = app.get(&format!("/api/v1/projects/{id}"), &outsider).await;
    assert_eq!(
        (read.status, read.error_code().as_str()),
        (StatusCode::NOT_FOUND, "not_found")
    );
    let write = patch_settings(&app, id, &outsider, json!({"privacy": "minimal"})).await;
    assert_eq!(
        (write.status, write.error_code().as_str()),
        (StatusCode::NOT_FOUND, "not_found")
    );
    assert_eq!(
        recorder_config(&app, None).await.json()["privacy"],
        "balanced"
    );
}

#[tokio::test]
async fn cross_origin_patch_is_refused() {
    let app = TestApp::new().await;
    let cookie = app.login("owner@test.test", "owner").await;
    let response = patch_from(
        &app,
        &app.project.id,
        &cookie,
        json!({"privacy": "minimal"}),
        "https://evil.test",
    )
    .await;
    assert_eq!(
        (response.status, response.error_code().as_str()),
        (StatusCode::FORBIDDEN, "csrf_rejected")
    );
    assert_eq!(
        recorder_config(&app, None).await.json()["privacy"],
        "balanced"
    );
}

#[tokio::test]
async fn projects_need_a_login() {
    let app = TestApp::new().await;
    for (method, uri) in [
        (Method::GET, "/api/v1/projects".to_string()),
        (Method::GET, format!("/api/v1/projects/{}", app.project.id)),
        (
            Method::PATCH,
            format!("/api/v1/projects/{}/settings", app.project.id),
        ),
    ] {
        let request = Request::builder()
            .method(method)
            .uri(&uri)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{}"))
            .unwrap();
        assert_eq!(
            app.send(request).await.error_code(),
            "unauthenticated",
            "{uri}"
        );
    }
}

/// POSTs a new project as a same-origin browser (or from `origin`).
async fn create_project(app: &TestApp, cookie: &str, body: Value, origin: &str) -> TestResponse {
    let request = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/projects")
        .header(header::HOST, "127.0.0.1:7070")
        .header(header::ORIGIN, origin)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    app.send(request).await
}

/// The organization's audit entries of `action`, oldest first.
async fn audited(app: &TestApp, action: &str) -> Vec<tapedeck_store::AuditEntry> {
    let mut entries = app.audit_log(&app.org_id).await;
    entries.retain(|e| e.action == action);
    entries
}

#[tokio::test]
async fn admins_create_projects_that_record_at_once() {
    let app = TestApp::new().await;
    let cookie = app.login("admin@test.test", "admin").await;
    let body = json!({"organization_id": app.org_id, "name": "  Checkout "});
    let created = create_project(&app, &cookie, body, "http://127.0.0.1:7070").await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    let project = created.json();
    let id = project["id"].as_str().unwrap();
    let key = project["ingest_key"].as_str().unwrap();
    assert!(key.starts_with("tdp_") && key.len() == 36, "{key}");
    let expected = json!({
        "id": id, "organization_id": app.org_id, "name": "Checkout", "ingest_key": key,
        "region": "default", "allowed_origins": [], "settings": default_settings(), "can_manage": true,
    });
    assert_eq!(project, expected);
    let read = app.get(&format!("/api/v1/projects/{id}"), &cookie).await;
    assert_eq!(
        read.json(),
        expected,
        "the answer is the project as GET shows it"
    );

    let batch = tapedeck_testkit::batch("0193a1b2-7c3d-7e4f-8a9b-0c1d2e3f4a5c", 0, 1_000, 1);
    let stored = app.ingest_with_key(key, batch, &[]).await;
    assert_eq!(stored.json(), json!({"status": "stored"}));

    let again = json!({"organization_id": app.org_id, "name": "Checkout"});
    let duplicate = create_project(&app, &cookie, again, "http://127.0.0.1:7070").await;
    assert_eq!(
        (duplicate.status, duplicate.error_code().as_str()),
        (StatusCode::CONFLICT, "conflict")
    );
    let unnamed = json!({"organization_id": app.org_id, "name": " "});
    let invalid = create_project(&app, &cookie, unnamed, "http://127.0.0.1:7070").await;
    assert_eq!(
        (invalid.status, invalid.error_code().as_str()),
        (StatusCode::BAD_REQUEST, "invalid_request")
    );
    let entries = audited(&app, "project.create").await;
    assert_eq!(entries.len(), 1, "one entry, none for the refusals");
    assert_eq!(entries[0].target, format!("project:{id}"));
    assert_eq!(entries[0].details["name"], "Checkout");
}

#[tokio::test]
async fn a_new_project_is_pinned_to_a_configured_region() {
    let mut app = TestApp::new().await;
    let eu = app.add_region("eu").await;
    let cookie = app.login("admin@test.test", "admin").await;
    let origin = "http://127.0.0.1:7070";
    let listed = app.get("/api/v1/projects", &cookie).await.json();
    assert_eq!(
        listed["regions"],
        json!(["default", "eu"]),
        "the regions to choose from"
    );
    let body = json!({"organization_id": app.org_id, "name": "EU shop", "region": "eu"});
    let created = create_project(&app, &cookie, body, origin).await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    let project = created.json();
    assert_eq!(project["region"], "eu");
    let key = project["ingest_key"].as_str().unwrap();
    let batch = tapedeck_testkit::batch("0193a1b2-7c3d-7e4f-8a9b-0c1d2e3f4a5d", 0, 1_000, 1);
    assert_eq!(
        app.ingest_with_key(key, batch, &[]).await.status,
        StatusCode::OK
    );
    assert!(
        !eu.list_prefix("").await.unwrap().is_empty(),
        "the batch is stored in the project's region"
    );

    for region in ["us", "EU"] {
        let body = json!({"organization_id": app.org_id, "name": format!("shop {region}"), "region": region});
        let refused = create_project(&app, &cookie, body, origin).await;
        assert_eq!(
            (refused.status, refused.error_code().as_str()),
            (StatusCode::BAD_REQUEST, "invalid_request"),
            "{region}"
        );
    }
    let default = json!({"organization_id": app.org_id, "name": "Default shop"});
    let created = create_project(&app, &cookie, default, origin).await;
    assert_eq!(created.json()["region"], "default");
}

#[tokio::test]
async fn creating_a_project_needs_the_right_role_in_that_organization() {
    let app = TestApp::new().await;
    let body = json!({"organization_id": app.org_id, "name": "New"});
    for (email, role) in [("m@test.test", "member"), ("v@test.test", "viewer")] {
        let cookie = app.login(email, role).await;
        let refused = create_project(&app, &cookie, body.clone(), "http://127.0.0.1:7070").await;
        assert_eq!(
            (refused.status, refused.error_code().as_str()),
            (StatusCode::FORBIDDEN, "forbidden"),
            "{role}"
        );
    }
    let other = app.meta.create_organization("Other org", 0).await.unwrap();
    let outsider = app.login_in(&other.id, "owner@other.test", "owner").await;
    let foreign = create_project(&app, &outsider, body.clone(), "http://127.0.0.1:7070").await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    let owner = app.login("owner@test.test", "owner").await;
    let forged = create_project(&app, &owner, body, "https://evil.test").await;
    assert_eq!(forged.error_code(), "csrf_rejected");
    let listed = app.get("/api/v1/projects", &owner).await.json();
    assert_eq!(
        listed["projects"].as_array().unwrap().len(),
        1,
        "none created"
    );
    assert!(audited(&app, "project.create").await.is_empty());
}

#[tokio::test]
async fn settings_changes_are_audited_once_with_their_fields() {
    let app = TestApp::new().await;
    let cookie = app.login("admin@test.test", "admin").await;
    let id = app.project.id.clone();
    let changed = patch_settings(
        &app,
        &id,
        &cookie,
        json!({"privacy": "strict", "sample_rate": 0.5}),
    )
    .await;
    assert_eq!(changed.status, StatusCode::OK);
    let refused = patch_settings(&app, &id, &cookie, json!({"sample_rate": 2})).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    let entries = audited(&app, "project.settings").await;
    assert_eq!(entries.len(), 1, "the refused patch is not audited");
    assert_eq!(entries[0].target, format!("project:{id}"));
    let mut fields: Vec<_> = entries[0].details["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    fields.sort_unstable();
    assert_eq!(fields, ["privacy", "sample_rate"]);
    assert!(entries[0].actor.starts_with("user:"));
}
