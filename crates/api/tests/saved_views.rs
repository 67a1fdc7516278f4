//! Saved views through the real router: members save views of the list's filters, everyone sees
//! their own and the organization's shared ones, names are unique per author, bad filters are
//! refused naming the parameter, authors change and delete their views and owners and admins
//! the shared ones, viewers save nothing and other organizations see nothing.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};
use tapedeck_testkit::{TestApp, TestResponse};

async fn send(
    app: &TestApp,
    method: Method,
    uri: &str,
    cookie: &str,
    body: &Value,
) -> TestResponse {
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::COOKIE, cookie)
        .header(header::HOST, "tapedeck.test")
        .header(header::ORIGIN, "http://tapedeck.test")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    app.send(request).await
}

async fn create(app: &TestApp, cookie: &str, name: &str, shared: bool) -> Value {
    let body = json!({
        "name": name, "organization_id": app.org_id, "shared": shared,
        "filters": {"url": "/checkout", "has_errors": "true", "tag": ["vip", "plan:pro"]},
    });
    let response = send(app, Method::POST, "/api/v1/views", cookie, &body).await;
    assert_eq!(response.status, StatusCode::CREATED, "{:?}", response.body);
    response.json()
}

async fn names(app: &TestApp, cookie: &str) -> Vec<String> {
    let response = app.get("/api/v1/views", cookie).await;
    assert_eq!(response.status, StatusCode::OK);
    response.json()["views"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap().to_string())
        .collect()
}

fn uri(view: &Value) -> String {
    format!("/api/v1/views/{}", view["id"].as_str().unwrap())
}

#[tokio::test]
async fn members_save_views_and_see_their_own_and_the_shared_ones() {
    let app = TestApp::new().await;
    let ada = app.login("ada@test.test", "member").await;
    let bob = app.login("bob@test.test", "member").await;
    let viewer = app.login("viewer@test.test", "viewer").await;

    let view = create(&app, &ada, " Checkout errors ", true).await;
    assert_eq!(view["name"], "Checkout errors");
    assert_eq!(view["organization_id"], app.org_id.as_str());
    assert_eq!(view["shared"], true);
    assert_eq!(
        view["filters"],
        json!({"url": "/checkout", "has_errors": "true", "tag": ["vip", "plan:pro"]})
    );
    assert_eq!(view["author"]["email"], "ada@test.test");
    assert_eq!(view["author"]["name"], Value::Null);
    assert_eq!(view["created_at"], view["updated_at"]);
    create(&app, &ada, "Ada's own", false).await;
    create(&app, &bob, "Bob's own", false).await;

    assert_eq!(names(&app, &ada).await, ["Ada's own", "Checkout errors"]);
    assert_eq!(names(&app, &bob).await, ["Bob's own", "Checkout errors"]);
    assert_eq!(
        names(&app, &viewer).await,
        ["Checkout errors"],
        "viewers read shared views"
    );
    let listed = app.get("/api/v1/views", &bob).await.json();
    assert_eq!(listed["views"][1], view);

    let taken = send(
        &app,
        Method::POST,
        "/api/v1/views",
        &ada,
        &json!({"name": "Ada's own", "organization_id": app.org_id}),
    )
    .await;
    assert_eq!(
        (taken.status, taken.error_code().as_str()),
        (StatusCode::CONFLICT, "conflict")
    );
    create(&app, &bob, "Ada's own", false).await;
}

#[tokio::test]
async fn bad_views_viewers_and_other_organizations_are_refused() {
    let app = TestApp::new().await;
    let ada = app.login("ada@test.test", "member").await;
    let viewer = app.login("viewer@test.test", "viewer").await;
    let org = app.org_id.clone();
    for (body, field) in [
        (json!({"organization_id": org}), "`name`"),
        (
            json!({"name": "x".repeat(101), "organization_id": org}),
            "`name`",
        ),
        (json!({"name": "v"}), "`organization_id`"),
        (
            json!({"name": "v", "organization_id": org, "filters": ["url"]}),
            "`filters`",
        ),
        (
            json!({"name": "v", "organization_id": org, "filters": {"colour": "red"}}),
            "`filters.colour`",
        ),
        (
            json!({"name": "v", "organization_id": org, "filters": {"cursor": "1.a"}}),
            "`filters.cursor`",
        ),
        (
            json!({"name": "v", "organization_id": org, "filters": {"min_duration": 5}}),
            "`filters.min_duration`",
        ),
        (
            json!({"name": "v", "organization_id": org, "filters": {"min_duration": "soon"}}),
            "`filters.min_duration`",
        ),
        (
            json!({"name": "v", "organization_id": org, "filters": {"q": "x".repeat(9_000)}}),
            "`filters`",
        ),
        (
            json!({"name": "v", "organization_id": org, "shared": "yes"}),
            "`shared`",
        ),
    ] {
        let response = send(&app, Method::POST, "/api/v1/views", &ada, &body).await;
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
    let ok = json!({"name": "v", "organization_id": org});
    let denied = send(&app, Method::POST, "/api/v1/views", &viewer, &ok).await;
    assert_eq!(
        (denied.status, denied.error_code().as_str()),
        (StatusCode::FORBIDDEN, "forbidden")
    );

    let other = app.meta.create_organization("Other", 0).await.unwrap();
    let outsider = app.login_in(&other.id, "owner@other.test", "owner").await;
    let foreign = send(&app, Method::POST, "/api/v1/views", &outsider, &ok).await;
    assert_eq!(
        foreign.status,
        StatusCode::NOT_FOUND,
        "another organization is not found"
    );
    let shared = create(&app, &ada, "Shared", true).await;
    assert!(names(&app, &outsider).await.is_empty());
    let patch = send(
        &app,
        Method::PATCH,
        &uri(&shared),
        &outsider,
        &json!({"name": "Mine now"}),
    )
    .await;
    assert_eq!(patch.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.delete(&uri(&shared), &outsider).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(names(&app, &ada).await, ["Shared"]);
}

#[tokio::test]
async fn authors_change_their_views_and_admins_the_shared_ones() {
    let app = TestApp::new().await;
    let ada = app.login("ada@test.test", "member").await;
    let bob = app.login("bob@test.test", "member").await;
    let admin = app.login("admin@test.test", "admin").await;
    let private = create(&app, &ada, "Private", false).await;
    let shared = create(&app, &ada, "Shared", true).await;

    let renamed = send(
        &app,
        Method::PATCH,
        &uri(&private),
        &ada,
        &json!({"name": "Slow ones", "filters": {"min_duration": "120"}}),
    )
    .await;
    assert_eq!(renamed.status, StatusCode::OK, "{:?}", renamed.body);
    let renamed = renamed.json();
    assert_eq!(
        (&renamed["name"], &renamed["filters"]),
        (&json!("Slow ones"), &json!({"min_duration": "120"}))
    );
    assert_eq!(renamed["shared"], false, "unnamed fields stay");
    let clash = send(
        &app,
        Method::PATCH,
        &uri(&private),
        &ada,
        &json!({"name": "Shared"}),
    )
    .await;
    assert_eq!(clash.status, StatusCode::CONFLICT);
    let bad = send(
        &app,
        Method::PATCH,
        &uri(&private),
        &ada,
        &json!({"organization_id": "x"}),
    )
    .await;
    assert_eq!(bad.error_code(), "invalid_request");

    // Someone else's private view is not found; a shared one is a member's to use, not change.
    let hidden = send(
        &app,
        Method::PATCH,
        &uri(&private),
        &admin,
        &json!({"shared": true}),
    )
    .await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.delete(&uri(&private), &admin).await.status,
        StatusCode::NOT_FOUND
    );
    let refused = send(
        &app,
        Method::PATCH,
        &uri(&shared),
        &bob,
        &json!({"name": "Bob's"}),
    )
    .await;
    assert_eq!(
        (refused.status, refused.error_code().as_str()),
        (StatusCode::FORBIDDEN, "forbidden")
    );
    assert_eq!(
        app.delete(&uri(&shared), &bob).await.status,
        StatusCode::FORBIDDEN
    );

    let unshared = send(
        &app,
        Method::PATCH,
        &uri(&shared),
        &admin,
        &json!({"shared": false}),
    )
    .await;
    assert_eq!(unshared.json()["shared"], false);
    assert_eq!(names(&app, &bob).await, Vec::<String>::new());
    send(
        &app,
        Method::PATCH,
        &uri(&shared),
        &ada,
        &json!({"shared": true}),
    )
    .await;
    assert_eq!(
        app.delete(&uri(&shared), &admin).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.delete(&uri(&private), &ada).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.delete(&uri(&private), &ada).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(names(&app, &ada).await.is_empty());
}
