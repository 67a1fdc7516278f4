//! Real answers through the router, checked against the document: each status is one the
//! operation lists and each body fits its schema (`answers.rs`).

use axum::body::Body;
use axum::http::{Method, header};
use serde_json::Value;
use tapedeck_testkit::TestApp;

use super::answers;
use super::document_json;

/// The status expected, the operation (method, path template), the URI and the JSON body.
type Case<'a> = (u16, (Method, &'a str), String, Option<Value>);

/// Sends a request with the login cookie, checks the status is documented for the operation
/// and the JSON body fits its schema, and returns the status and body.
async fn answer(
    app: &TestApp,
    doc: &Value,
    cookie: &str,
    (method, template): (Method, &str),
    uri: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let request = axum::http::Request::builder()
        .method(method.clone())
        .uri(uri)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/json")
        .body(body.map_or(Body::empty(), |b| Body::from(b.to_string())))
        .unwrap();
    let response = app.send(request).await;
    let schema = answers::response_schema(doc, method.as_str(), template, response.status.as_u16());
    let json = response.json();
    let problems = answers::violations(doc, schema, &json);
    assert!(
        problems.is_empty(),
        "{method} {uri}: {problems:#?}\n{json:#}"
    );
    (response.status.as_u16(), json)
}

#[tokio::test]
async fn real_answers_fit_the_documented_schemas() {
    let app = TestApp::new().await;
    let doc = document_json();
    let cookie = app.login("owner@openapi.test", "owner").await;
    let org = app.org_id.clone();
    let project = app.project.id.clone();
    let ingested = app
        .ingest(tapedeck_testkit::batch("s-1", 0, 1_764_000_000_000, 3), &[])
        .await;
    let schema = answers::response_schema(&doc, "POST", "/api/v1/ingest", 200);
    assert_eq!(
        answers::violations(&doc, schema, &ingested.json()),
        Vec::<String>::new()
    );

    let (get, post, put) = (Method::GET, Method::POST, Method::PUT);
    let cases: Vec<Case> = vec![
        (
            200,
            (get.clone(), "/api/v1/recorder-config"),
            "/api/v1/recorder-config?project=tdp_test".into(),
            None,
        ),
        (200, (get.clone(), "/api/v1/me"), "/api/v1/me".into(), None),
        (
            200,
            (get.clone(), "/api/v1/projects"),
            "/api/v1/projects".into(),
            None,
        ),
        (
            200,
            (get.clone(), "/api/v1/projects/{id}"),
            format!("/api/v1/projects/{project}"),
            None,
        ),
        (
            200,
            (get.clone(), "/api/v1/projects/{id}/ingest-keys"),
            format!("/api/v1/projects/{project}/ingest-keys"),
            None,
        ),
        (
            200,
            (get.clone(), "/api/v1/sessions"),
            "/api/v1/sessions".into(),
            None,
        ),
        (
            400,
            (get.clone(), "/api/v1/sessions"),
            "/api/v1/sessions?limit=0".into(),
            None,
        ),
        (
            200,
            (get.clone(), "/api/v1/sessions/{id}"),
            "/api/v1/sessions/s-1".into(),
            None,
        ),
        (
            404,
            (get.clone(), "/api/v1/sessions/{id}"),
            "/api/v1/sessions/nope".into(),
            None,
        ),
        (
            200,
            (get.clone(), "/api/v1/sessions/{id}/events"),
            "/api/v1/sessions/s-1/events?from=0&to=5".into(),
            None,
        ),
        (
            200,
            (get.clone(), "/api/v1/sessions/{id}/timeline"),
            "/api/v1/sessions/s-1/timeline".into(),
            None,
        ),
        (
            201,
            (post.clone(), "/api/v1/sessions/{id}/notes"),
            "/api/v1/sessions/s-1/notes".into(),
            Some(serde_json::json!({"at": 1, "text": "look"})),
        ),
        (
            200,
            (get.clone(), "/api/v1/sessions/{id}/notes"),
            "/api/v1/sessions/s-1/notes".into(),
            None,
        ),
        (
            200,
            (put, "/api/v1/sessions/{id}/tags"),
            "/api/v1/sessions/s-1/tags".into(),
            Some(serde_json::json!({"add": {"vip": ""}})),
        ),
        (
            201,
            (post.clone(), "/api/v1/sessions/{id}/links"),
            "/api/v1/sessions/s-1/links".into(),
            Some(serde_json::json!({"kind": "ticket", "ref": "ZD-1"})),
        ),
        (
            200,
            (get.clone(), "/api/v1/sessions/{id}/links"),
            "/api/v1/sessions/s-1/links".into(),
            None,
        ),
        (
            201,
            (post.clone(), "/api/v1/views"),
            "/api/v1/views".into(),
            Some(
                serde_json::json!({"name": "Mine", "organization_id": org, "filters": {"tag": ["vip"]}}),
            ),
        ),
        (
            200,
            (get.clone(), "/api/v1/views"),
            "/api/v1/views".into(),
            None,
        ),
        (
            201,
            (post.clone(), "/api/v1/api-keys"),
            "/api/v1/api-keys".into(),
            Some(serde_json::json!({"organization_id": org, "name": "CI", "role": "viewer"})),
        ),
        (
            200,
            (get.clone(), "/api/v1/api-keys"),
            "/api/v1/api-keys".into(),
            None,
        ),
        (
            201,
            (post.clone(), "/api/v1/invitations"),
            "/api/v1/invitations".into(),
            Some(
                serde_json::json!({"organization_id": org, "email": "bob@openapi.test", "role": "member"}),
            ),
        ),
        (
            200,
            (get.clone(), "/api/v1/members"),
            format!("/api/v1/members?organization_id={org}"),
            None,
        ),
        (
            200,
            (get.clone(), "/api/v1/audit"),
            format!("/api/v1/audit?organization_id={org}"),
            None,
        ),
        (
            201,
            (post, "/api/v1/projects/{id}/ingest-keys/rotate"),
            format!("/api/v1/projects/{project}/ingest-keys/rotate"),
            Some(serde_json::json!({"grace_hours": 1})),
        ),
        (
            200,
            (get, "/api/v1/end-users/{user_id}/data"),
            "/api/v1/end-users/u-42/data".into(),
            None,
        ),
    ];
    for (expected, operation, uri, body) in cases {
        let (status, _) = answer(&app, &doc, &cookie, operation, &uri, body).await;
        assert_eq!(status, expected, "{uri}");
    }
}

#[tokio::test]
async fn answers_to_changes_fit_the_documented_schemas() {
    let app = TestApp::new().await;
    let doc = document_json();
    let cookie = app.login("owner@openapi.test", "owner").await;
    app.login("member@openapi.test", "member").await;
    let org = app.org_id.clone();
    let project = app.project.id.clone();
    app.ingest(tapedeck_testkit::batch("s-1", 0, 1_764_000_000_000, 3), &[])
        .await;
    let (get, post, patch) = (Method::GET, Method::POST, Method::PATCH);
    let json = |v: Value| Some(v);

    let view = answer(
        &app,
        &doc,
        &cookie,
        (post.clone(), "/api/v1/views"),
        "/api/v1/views",
        json(serde_json::json!({"name": "Errors", "organization_id": org})),
    )
    .await
    .1;
    let keys = answer(
        &app,
        &doc,
        &cookie,
        (get, "/api/v1/projects/{id}/ingest-keys"),
        &format!("/api/v1/projects/{project}/ingest-keys"),
        None,
    )
    .await
    .1;
    let members = answer(
        &app,
        &doc,
        &cookie,
        (Method::GET, "/api/v1/members"),
        &format!("/api/v1/members?organization_id={org}"),
        None,
    )
    .await
    .1;
    let member = members["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == "member@openapi.test")
        .unwrap()["user_id"]
        .as_str()
        .unwrap()
        .to_string();
    let invited = answer(
        &app,
        &doc,
        &cookie,
        (post.clone(), "/api/v1/invitations"),
        "/api/v1/invitations",
        json(serde_json::json!({"organization_id": org, "email": "eve@openapi.test", "role": "viewer"})),
    )
    .await
    .1;
    let token = invited["url"]
        .as_str()
        .unwrap()
        .rsplit('#')
        .next()
        .unwrap()
        .to_string();

    let cases: Vec<Case> = vec![
        (
            200,
            (post.clone(), "/api/v1/auth/login"),
            "/api/v1/auth/login".into(),
            json(
                serde_json::json!({"email": "owner@openapi.test", "password": tapedeck_testkit::TEST_PASSWORD}),
            ),
        ),
        (
            401,
            (post.clone(), "/api/v1/auth/login"),
            "/api/v1/auth/login".into(),
            json(serde_json::json!({"email": "owner@openapi.test", "password": "wrong password"})),
        ),
        (
            201,
            (post.clone(), "/api/v1/projects"),
            "/api/v1/projects".into(),
            json(serde_json::json!({"organization_id": org, "name": "Second"})),
        ),
        (
            200,
            (patch.clone(), "/api/v1/projects/{id}/settings"),
            format!("/api/v1/projects/{project}/settings"),
            json(serde_json::json!({"sample_rate": 0.5, "retention_days": 7})),
        ),
        (
            400,
            (patch.clone(), "/api/v1/projects/{id}/settings"),
            format!("/api/v1/projects/{project}/settings"),
            json(serde_json::json!({"privacy": "loose"})),
        ),
        (
            200,
            (patch.clone(), "/api/v1/projects/{id}/ingest-keys/{key_id}"),
            format!(
                "/api/v1/projects/{project}/ingest-keys/{}",
                keys["ingest_keys"][0]["id"].as_str().unwrap()
            ),
            json(serde_json::json!({"rate_limit_per_minute": 600})),
        ),
        (
            200,
            (patch.clone(), "/api/v1/views/{id}"),
            format!("/api/v1/views/{}", view["id"].as_str().unwrap()),
            json(serde_json::json!({"shared": true})),
        ),
        (
            200,
            (post.clone(), "/api/v1/sessions/tags"),
            "/api/v1/sessions/tags".into(),
            json(serde_json::json!({"session_ids": ["s-1"], "add": {"plan": "pro"}})),
        ),
        (
            200,
            (patch, "/api/v1/members/{user_id}"),
            format!("/api/v1/members/{member}"),
            json(serde_json::json!({"organization_id": org, "role": "viewer"})),
        ),
        (
            201,
            (post.clone(), "/api/v1/members/{user_id}/password-reset"),
            format!("/api/v1/members/{member}/password-reset"),
            json(serde_json::json!({"organization_id": org})),
        ),
        (
            200,
            (post.clone(), "/api/v1/auth/invitation"),
            "/api/v1/auth/invitation".into(),
            json(serde_json::json!({"token": token})),
        ),
        (
            404,
            (post, "/api/v1/auth/invitation"),
            "/api/v1/auth/invitation".into(),
            json(serde_json::json!({"token": "nope"})),
        ),
    ];
    for (expected, operation, uri, body) in cases {
        let (status, _) = answer(&app, &doc, &cookie, operation, &uri, body).await;
        assert_eq!(status, expected, "{uri}");
    }
}
