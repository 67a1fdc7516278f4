//! Login, setup and the sessions API through the real router.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::json;
use tapedeck_api::hash_token;
use tapedeck_testkit::{TestApp, batch, json_request};

#[tokio::test]
async fn the_api_needs_a_login() {
    let app = TestApp::new().await;
    for uri in [
        "/api/v1/sessions",
        "/api/v1/sessions/x",
        "/api/v1/sessions/x/events",
        "/api/v1/me",
    ] {
        let response = app
            .send(Request::builder().uri(uri).body(Body::empty()).unwrap())
            .await;
        assert_eq!(
            (response.status, response.error_code().as_str()),
            (StatusCode::UNAUTHORIZED, "unauthenticated"),
            "{uri}"
        );
    }
}

#[tokio::test]
async fn login_logout_and_wrong_passwords() {
    let app = TestApp::new().await;
    let cookie = app.login("ada@test.test", "owner").await;
    let me = app.get("/api/v1/me", &cookie).await.json();
    assert_eq!(me["user"]["email"], "ada@test.test");
    assert_eq!(me["organizations"][0]["role"], "owner");

    let wrong = json_request(
        Method::POST,
        "/api/v1/auth/login",
        r#"{"email":"ada@test.test","password":"nope nope"}"#,
    );
    assert_eq!(app.send(wrong).await.error_code(), "invalid_credentials");
    let unknown = json_request(
        Method::POST,
        "/api/v1/auth/login",
        r#"{"email":"who@test.test","password":"nope nope"}"#,
    );
    assert_eq!(app.send(unknown).await.error_code(), "invalid_credentials");

    let logout = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/auth/logout")
        .header(header::COOKIE, &cookie)
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(logout).await.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.get("/api/v1/me", &cookie).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn the_login_cookie_is_http_only() {
    let app = TestApp::new().await;
    app.login("ada@test.test", "owner").await;
    let body = json!({ "email": "ada@test.test", "password": tapedeck_testkit::TEST_PASSWORD })
        .to_string();
    let response = app
        .send(json_request(Method::POST, "/api/v1/auth/login", &body))
        .await;
    let cookie = response
        .headers
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
}

#[tokio::test]
async fn a_cross_origin_login_is_refused() {
    let app = TestApp::new().await;
    let mut request = json_request(
        Method::POST,
        "/api/v1/auth/login",
        r#"{"email":"a@b.c","password":"whatever1"}"#,
    );
    request
        .headers_mut()
        .insert(header::ORIGIN, "https://evil.test".parse().unwrap());
    request
        .headers_mut()
        .insert(header::HOST, "127.0.0.1:7070".parse().unwrap());
    let response = app.send(request).await;
    assert_eq!(
        (response.status, response.error_code().as_str()),
        (StatusCode::FORBIDDEN, "csrf_rejected")
    );
}

#[tokio::test]
async fn a_setup_link_creates_the_first_owner_once() {
    let app = TestApp::new().await;
    app.meta
        .create_setup_token(&hash_token("setup-secret"), &app.org_id, "owner", i64::MAX)
        .await
        .unwrap();
    let short = json_request(
        Method::POST,
        "/api/v1/auth/setup",
        r#"{"token":"setup-secret","email":"o@t.test","password":"short"}"#,
    );
    assert_eq!(app.send(short).await.error_code(), "invalid_password");
    let not_an_email = json_request(
        Method::POST,
        "/api/v1/auth/setup",
        r#"{"token":"setup-secret","email":"o @t","password":"long enough"}"#,
    );
    assert_eq!(app.send(not_an_email).await.error_code(), "invalid_request");
    let body = r#"{"token":"setup-secret","email":" O@T.test ","password":"long enough"}"#;
    let response = app
        .send(json_request(Method::POST, "/api/v1/auth/setup", body))
        .await;
    assert_eq!(response.status, StatusCode::OK, "{:?}", response.body);
    assert!(response.headers.get(header::SET_COOKIE).is_some());
    let again = app
        .send(json_request(
            Method::POST,
            "/api/v1/auth/setup",
            &body.replace("O@T", "P@T"),
        ))
        .await;
    assert_eq!(again.error_code(), "invalid_setup_token");
    assert_eq!(app.meta.count_users().await.unwrap(), 1);
    let stored = app.meta.user_credentials("o@t.test").await.unwrap();
    assert_eq!(
        stored.map(|c| c.user.email).as_deref(),
        Some("o@t.test"),
        "stored trimmed and lowercase, as invitations store theirs"
    );
}

#[tokio::test]
async fn the_list_is_newest_first_with_keyset_pages() {
    let app = TestApp::new().await;
    for (i, id) in ["s-a", "s-b", "s-c", "s-d", "s-e"].iter().enumerate() {
        let response = app
            .ingest(batch(id, 0, 1_700_000_000_000 + i as i64 * 60_000, 2), &[])
            .await;
        assert_eq!(response.status, StatusCode::OK);
    }
    let cookie = app.login("ada@test.test", "viewer").await;
    let first = app.get("/api/v1/sessions?limit=2", &cookie).await.json();
    let ids = |page: &serde_json::Value| {
        page["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&first), ["s-e", "s-d"]);
    let cursor = first["next_cursor"].as_str().unwrap();
    // A session arriving between pages does not shift the next page.
    app.ingest(batch("s-new", 0, 1_800_000_000_000, 0), &[])
        .await;
    let second = app
        .get(
            &format!("/api/v1/sessions?limit=2&cursor={cursor}"),
            &cookie,
        )
        .await
        .json();
    assert_eq!(ids(&second), ["s-c", "s-b"]);
    let third = app
        .get(
            &format!(
                "/api/v1/sessions?limit=2&cursor={}",
                second["next_cursor"].as_str().unwrap()
            ),
            &cookie,
        )
        .await
        .json();
    assert_eq!(ids(&third), ["s-a"]);
    assert!(third["next_cursor"].is_null());

    assert_eq!(
        app.get("/api/v1/sessions?limit=0", &cookie)
            .await
            .error_code(),
        "invalid_query"
    );
    assert_eq!(
        app.get("/api/v1/sessions?cursor=garbage", &cookie)
            .await
            .error_code(),
        "invalid_query"
    );
}

#[tokio::test]
async fn a_session_carries_its_metadata() {
    let app = TestApp::new().await;
    app.ingest(batch("s-meta", 0, 1_700_000_000_000, 2), &[])
        .await;
    let cookie = app.login("ada@test.test", "member").await;
    let session = app.get("/api/v1/sessions/s-meta", &cookie).await.json();
    assert_eq!(session["started_at"], "2023-11-14T22:13:20Z");
    assert_eq!(session["duration"], 0.003);
    assert_eq!(session["event_count"], 4);
    assert_eq!(session["page_views"], 1);
    assert_eq!(session["first_url"], "https://shop.test/");
    assert_eq!(session["user_id"], "u-42");
    assert_eq!(session["user_email"], "ada@shop.test");
    assert_eq!(session["browser"], "Chrome");
    assert_eq!(session["os"], "Linux");
    assert_eq!(session["device_type"], "desktop");
    assert_eq!(session["viewport"], json!({ "width": 1280, "height": 800 }));
    assert_eq!(session["status"], "recording");
    assert_eq!(session["windows"], json!(["w-1"]));
}

#[tokio::test]
async fn another_organizations_sessions_are_invisible() {
    let app = TestApp::new().await;
    app.ingest(batch("s-private", 0, 1000, 0), &[]).await;
    let other = app.meta.create_organization("Other org", 0).await.unwrap();
    let cookie = app.login_in(&other.id, "eve@other.test", "owner").await;
    assert_eq!(
        app.get("/api/v1/sessions", &cookie).await.json()["sessions"],
        json!([])
    );
    assert_eq!(
        app.get("/api/v1/sessions/s-private", &cookie).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/api/v1/sessions/s-private/events", &cookie)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_continuation_links_to_its_previous_session_and_loss_is_counted() {
    let app = TestApp::new().await;
    let mut body: serde_json::Value = serde_json::from_str(&batch("s-next", 0, 1000, 0)).unwrap();
    body["meta"]["previous_session_id"] = json!("s-before");
    body["meta"]["dropped_batches"] = json!(2);
    body["meta"]["sdk"] = json!("tapedeck-js/0.1.0");
    assert_eq!(
        app.ingest(body.to_string(), &[]).await.status,
        StatusCode::OK
    );
    body["seq"] = json!(1);
    body["meta"]["dropped_batches"] = json!(1);
    body["meta"]
        .as_object_mut()
        .unwrap()
        .remove("previous_session_id");
    assert_eq!(
        app.ingest(body.to_string(), &[]).await.status,
        StatusCode::OK
    );
    let cookie = app.login("ada@test.test", "member").await;
    let session = app.get("/api/v1/sessions/s-next", &cookie).await.json();
    assert_eq!(
        session["metadata"],
        json!({ "sdk": "tapedeck-js/0.1.0", "previous_session_id": "s-before", "dropped_batches": 3 })
    );
}

#[tokio::test]
async fn malformed_login_bodies_get_the_json_error_shape() {
    let app = TestApp::new().await;
    let not_json = app
        .send(json_request(Method::POST, "/api/v1/auth/login", "{nope"))
        .await;
    assert_eq!(
        (not_json.status, not_json.error_code().as_str()),
        (StatusCode::BAD_REQUEST, "invalid_json")
    );
    let wrong_shape = app
        .send(json_request(
            Method::POST,
            "/api/v1/auth/login",
            r#"{"email": 5}"#,
        ))
        .await;
    assert_eq!(
        (wrong_shape.status, wrong_shape.error_code().as_str()),
        (StatusCode::BAD_REQUEST, "invalid_request")
    );
    let no_type = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/auth/login")
        .body(Body::from(r#"{"email":"a@b.c","password":"x"}"#))
        .unwrap();
    assert_eq!(app.send(no_type).await.error_code(), "invalid_request");
}
