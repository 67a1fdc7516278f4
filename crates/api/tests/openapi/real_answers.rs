//! Real answers through the router, checked against the document: each status is one the
//! operation lists and each body fits its schema (`answers.rs`).

use axum::body::Body;
use axum::http::{Method, header};
use serde_json::Value;
use tapedeck_testkit::TestApp;

use super::answers;
use super::document_json;

/// Sends a request with the login cookie, checks the status is documented for the operation
/// and the JSON body fits its schema, and returns the body.
async fn answer(
    app: &TestApp,
    doc: &Value,
    cookie: &str,
    (method, template): (Method, &str),
    uri: &str,
    body: Option<Value>,
) -> Value {
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
    json
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
    let cases: Vec<((Method, &str), String, Option<Value>)> = vec![
        (
            (get.clone(), "/api/v1/recorder-config"),
            "/api/v1/recorder-config?project=tdp_test".into(),
            None,
        ),
        ((get.clone(), "/api/v1/me"), "/api/v1/me".into(), None),
        (
            (get.clone(), "/api/v1/projects"),
            "/api/v1/projects".into(),
            None,
        ),
        (
            (get.clone(), "/api/v1/projects/{id}"),
            format!("/api/v1/projects/{project}"),
            None,
        ),
        (
            (get.clone(), "/api/v1/projects/{id}/ingest-keys"),
            format!("/api/v1/projects/{project}/ingest-keys"),
            None,
        ),
        (
            (get.clone(), "/api/v1/sessions"),
            "/api/v1/sessions".into(),
            None,
        ),
        (
            (get.clone(), "/api/v1/sessions"),
            "/api/v1/sessions?limit=0".into(),
            None,
        ),
        (
            (get.clone(), "/api/v1/sessions/{id}"),
            "/api/v1/sessions/s-1".into(),
            None,
        ),
        (
            (get.clone(), "/api/v1/sessions/{id}"),
            "/api/v1/sessions/nope".into(),
            None,
        ),
        (
            (get.clone(), "/api/v1/sessions/{id}/events"),
            "/api/v1/sessions/s-1/events?from=0&to=5".into(),
            None,
        ),
        (
            (get.clone(), "/api/v1/sessions/{id}/timeline"),
            "/api/v1/sessions/s-1/timeline".into(),
            None,
        ),
        (
            (post.clone(), "/api/v1/sessions/{id}/notes"),
            "/api/v1/sessions/s-1/notes".into(),
            Some(serde_json::json!({"at": 1, "text": "look"})),
        ),
        (
            (get.clone(), "/api/v1/sessions/{id}/notes"),
            "/api/v1/sessions/s-1/notes".into(),
            None,
        ),
        (
            (put, "/api/v1/sessions/{id}/tags"),
            "/api/v1/sessions/s-1/tags".into(),
            Some(serde_json::json!({"add": {"vip": ""}})),
        ),
        (
            (post.clone(), "/api/v1/sessions/{id}/links"),
            "/api/v1/sessions/s-1/links".into(),
            Some(serde_json::json!({"kind": "ticket", "ref": "ZD-1"})),
        ),
        (
            (get.clone(), "/api/v1/sessions/{id}/links"),
            "/api/v1/sessions/s-1/links".into(),
            None,
        ),
        (
            (post.clone(), "/api/v1/views"),
            "/api/v1/views".into(),
            Some(
                serde_json::json!({"name": "Mine", "organization_id": org, "filters": {"tag": ["vip"]}}),
            ),
        ),
        ((get.clone(), "/api/v1/views"), "/api/v1/views".into(), None),
        (
            (post.clone(), "/api/v1/api-keys"),
            "/api/v1/api-keys".into(),
            Some(serde_json::json!({"organization_id": org, "name": "CI", "role": "viewer"})),
        ),
        (
            (get.clone(), "/api/v1/api-keys"),
            "/api/v1/api-keys".into(),
            None,
        ),
        (
            (post.clone(), "/api/v1/invitations"),
            "/api/v1/invitations".into(),
            Some(
                serde_json::json!({"organization_id": org, "email": "bob@openapi.test", "role": "member"}),
            ),
        ),
        (
            (get.clone(), "/api/v1/members"),
            format!("/api/v1/members?organization_id={org}"),
            None,
        ),
        (
            (get.clone(), "/api/v1/audit"),
            format!("/api/v1/audit?organization_id={org}"),
            None,
        ),
        (
            (post, "/api/v1/projects/{id}/ingest-keys/rotate"),
            format!("/api/v1/projects/{project}/ingest-keys/rotate"),
            Some(serde_json::json!({"grace_hours": 1})),
        ),
        (
            (get, "/api/v1/end-users/{user_id}/data"),
            "/api/v1/end-users/u-42/data".into(),
            None,
        ),
    ];
    for (operation, uri, body) in cases {
        answer(&app, &doc, &cookie, operation, &uri, body).await;
    }
}
