//! API keys through the real router: the lifecycle (create, shown once; use as Bearer; listed
//! with its last use; revoked; then 401), roles (only owners and admins manage keys, a key's role
//! never exceeds its creator's, a viewer key cannot write), tenancy (a key of one organization
//! does not see another's sessions), Bearer writes need no same-origin check, and exactly one
//! audit entry per creation and revocation.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};
use tapedeck_store::{AuditEntry, NewProject};
use tapedeck_testkit::{TestApp, TestResponse, batch};

const SESSION: &str = "s-keys";

async fn app_with_session() -> TestApp {
    let app = TestApp::new().await;
    let response = app
        .ingest(batch(SESSION, 0, 1_700_000_000_000, 3), &[])
        .await;
    assert_eq!(response.status, StatusCode::OK);
    app
}

/// A request with the login cookie, from the web app's own origin.
async fn with_cookie(
    app: &TestApp,
    method: Method,
    uri: &str,
    cookie: &str,
    body: Option<Value>,
) -> TestResponse {
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::COOKIE, cookie)
        .header(header::HOST, "tapedeck.test")
        .header(header::ORIGIN, "http://tapedeck.test")
        .header(header::CONTENT_TYPE, "application/json");
    let body = body.map_or(Body::empty(), |b| Body::from(b.to_string()));
    app.send(request.body(body).unwrap()).await
}

/// A request with `Authorization: Bearer`, from a foreign origin (no CSRF check applies).
async fn with_key(
    app: &TestApp,
    method: Method,
    uri: &str,
    secret: &str,
    body: Option<Value>,
) -> TestResponse {
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::AUTHORIZATION, format!("Bearer {secret}"))
        .header(header::HOST, "tapedeck.test")
        .header(header::ORIGIN, "https://integration.example")
        .header(header::CONTENT_TYPE, "application/json");
    let body = body.map_or(Body::empty(), |b| Body::from(b.to_string()));
    app.send(request.body(body).unwrap()).await
}

async fn create_key(app: &TestApp, cookie: &str, org: &str, role: &str) -> TestResponse {
    let body = json!({"organization_id": org, "name": format!("{role} key"), "role": role});
    with_cookie(app, Method::POST, "/api/v1/api-keys", cookie, Some(body)).await
}

async fn audit(app: &TestApp, org: &str) -> Vec<AuditEntry> {
    app.audit_log(org).await
}

#[tokio::test]
async fn a_key_is_shown_once_used_listed_with_its_last_use_and_revoked() {
    let app = app_with_session().await;
    let admin = app.login("admin@test.test", "admin").await;

    let created = create_key(&app, &admin, &app.org_id, "member").await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    let created = created.json();
    let secret = created["secret"].as_str().unwrap().to_string();
    let id = created["id"].as_str().unwrap().to_string();
    assert!(secret.starts_with("tdk_") && secret.len() == 68, "{secret}");
    assert_eq!(created["prefix"], secret[..12]);
    assert_eq!(created["role"], "member");
    assert_eq!(created["created_by"]["email"], "admin@test.test");
    assert_eq!(created["last_used_at"], Value::Null);

    let listed = with_cookie(&app, Method::GET, "/api/v1/api-keys", &admin, None).await;
    assert_eq!(listed.status, StatusCode::OK);
    assert!(
        !String::from_utf8_lossy(&listed.body).contains(&secret[12..]),
        "the secret is shown once"
    );

    let session = with_key(
        &app,
        Method::GET,
        &format!("/api/v1/sessions/{SESSION}"),
        &secret,
        None,
    )
    .await;
    assert_eq!(session.status, StatusCode::OK, "{:?}", session.body);
    assert_eq!(session.json()["id"], SESSION);

    let listed = with_cookie(&app, Method::GET, "/api/v1/api-keys", &admin, None).await;
    let keys = listed.json()["api_keys"].as_array().unwrap().clone();
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0]["id"], id.as_str());
    assert!(keys[0]["last_used_at"].is_string(), "{keys:?}");
    assert_eq!(keys[0]["revoked_at"], Value::Null);

    // A member key writes from any origin: Bearer requests carry no cookie to forge.
    let note = with_key(
        &app,
        Method::POST,
        &format!("/api/v1/sessions/{SESSION}/notes"),
        &secret,
        Some(json!({"at": 1, "text": "from CI"})),
    )
    .await;
    assert_eq!(note.status, StatusCode::CREATED, "{:?}", note.body);

    let revoked = with_cookie(
        &app,
        Method::DELETE,
        &format!("/api/v1/api-keys/{id}"),
        &admin,
        None,
    )
    .await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT);
    let again = with_cookie(
        &app,
        Method::DELETE,
        &format!("/api/v1/api-keys/{id}"),
        &admin,
        None,
    )
    .await;
    assert_eq!(
        again.status,
        StatusCode::NO_CONTENT,
        "revoking twice is harmless"
    );

    let refused = with_key(
        &app,
        Method::GET,
        &format!("/api/v1/sessions/{SESSION}"),
        &secret,
        None,
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert_eq!(refused.error_code(), "unauthenticated");
    assert!(refused.headers.contains_key(header::WWW_AUTHENTICATE));
    let listed = with_cookie(&app, Method::GET, "/api/v1/api-keys", &admin, None).await;
    assert!(listed.json()["api_keys"][0]["revoked_at"].is_string());

    let actions: Vec<(String, String, String)> = audit(&app, &app.org_id)
        .await
        .into_iter()
        .filter(|e| e.action.starts_with("api_key."))
        .map(|e| (e.action, e.actor, e.target))
        .collect();
    let admin_id = app
        .meta
        .user_credentials("admin@test.test")
        .await
        .unwrap()
        .unwrap()
        .user
        .id;
    assert_eq!(
        actions,
        [
            (
                "api_key.create".into(),
                format!("user:{admin_id}"),
                format!("api_key:{id}")
            ),
            (
                "api_key.revoke".into(),
                format!("user:{admin_id}"),
                format!("api_key:{id}")
            ),
        ],
        "exactly one entry per creation and revocation"
    );
}

#[tokio::test]
async fn unknown_and_malformed_keys_are_unauthenticated() {
    let app = app_with_session().await;
    let uri = format!("/api/v1/sessions/{SESSION}");
    for secret in [
        format!("tdk_{}", "0".repeat(64)),
        "tdk_short".into(),
        String::new(),
    ] {
        let response = with_key(&app, Method::GET, &uri, &secret, None).await;
        assert_eq!(response.status, StatusCode::UNAUTHORIZED, "{secret:?}");
        assert_eq!(response.error_code(), "unauthenticated");
    }
}

#[tokio::test]
async fn a_bad_key_does_not_fall_back_to_the_cookie() {
    let app = app_with_session().await;
    let admin = app.login("admin@test.test", "admin").await;
    let request = Request::builder()
        .uri(format!("/api/v1/sessions/{SESSION}"))
        .header(header::COOKIE, &admin)
        .header(
            header::AUTHORIZATION,
            format!("Bearer tdk_{}", "1".repeat(64)),
        )
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(request).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn only_owners_and_admins_manage_keys_and_a_key_role_stays_under_its_creator() {
    let app = app_with_session().await;
    let admin = app.login("admin@test.test", "admin").await;
    let member = app.login("member@test.test", "member").await;
    let viewer = app.login("viewer@test.test", "viewer").await;

    for cookie in [&member, &viewer] {
        let create = create_key(&app, cookie, &app.org_id, "viewer").await;
        assert_eq!(create.status, StatusCode::FORBIDDEN);
        let list = with_cookie(&app, Method::GET, "/api/v1/api-keys", cookie, None).await;
        assert_eq!(list.status, StatusCode::FORBIDDEN);
    }
    let owner_key = create_key(&app, &admin, &app.org_id, "owner").await;
    assert_eq!(
        owner_key.status,
        StatusCode::BAD_REQUEST,
        "above the creator's role"
    );
    assert_eq!(owner_key.error_code(), "invalid_request");

    let admin_key = create_key(&app, &admin, &app.org_id, "admin").await.json();
    let admin_secret = admin_key["secret"].as_str().unwrap();
    let id = admin_key["id"].as_str().unwrap();
    // A key cannot manage keys, whatever its role: a leaked key cannot mint or revoke others.
    let minted = with_key(
        &app,
        Method::POST,
        "/api/v1/api-keys",
        admin_secret,
        Some(json!({"organization_id": app.org_id, "name": "x", "role": "viewer"})),
    )
    .await;
    assert_eq!(minted.status, StatusCode::FORBIDDEN);
    let listed = with_key(&app, Method::GET, "/api/v1/api-keys", admin_secret, None).await;
    assert_eq!(listed.status, StatusCode::FORBIDDEN);
    let revoke = with_cookie(
        &app,
        Method::DELETE,
        &format!("/api/v1/api-keys/{id}"),
        &member,
        None,
    )
    .await;
    assert_eq!(revoke.status, StatusCode::FORBIDDEN);

    // Demoting the creator reaches their key at once.
    let admin_id = app
        .meta
        .user_credentials("admin@test.test")
        .await
        .unwrap()
        .unwrap()
        .user
        .id;
    app.meta
        .set_membership(&admin_id, &app.org_id, "viewer", 0)
        .await
        .unwrap();
    let me = with_key(&app, Method::GET, "/api/v1/me", admin_secret, None).await;
    assert_eq!(me.json()["organizations"][0]["role"], "viewer");
    let delete = with_key(
        &app,
        Method::DELETE,
        &format!("/api/v1/sessions/{SESSION}"),
        admin_secret,
        None,
    )
    .await;
    assert_eq!(delete.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_viewer_key_reads_but_cannot_write() {
    let app = app_with_session().await;
    let owner = app.login("owner@test.test", "owner").await;
    let key = create_key(&app, &owner, &app.org_id, "viewer").await.json();
    let secret = key["secret"].as_str().unwrap();

    let read = with_key(
        &app,
        Method::GET,
        &format!("/api/v1/sessions/{SESSION}/events"),
        secret,
        None,
    )
    .await;
    assert_eq!(read.status, StatusCode::OK);
    let note = with_key(
        &app,
        Method::POST,
        &format!("/api/v1/sessions/{SESSION}/notes"),
        secret,
        Some(json!({"at": 1, "text": "no"})),
    )
    .await;
    assert_eq!(note.status, StatusCode::FORBIDDEN);
    let tags = with_key(
        &app,
        Method::PUT,
        &format!("/api/v1/sessions/{SESSION}/tags"),
        secret,
        Some(json!({"add": {"vip": ""}})),
    )
    .await;
    assert_eq!(tags.status, StatusCode::FORBIDDEN);
    let delete = with_key(
        &app,
        Method::DELETE,
        &format!("/api/v1/sessions/{SESSION}"),
        secret,
        None,
    )
    .await;
    assert_eq!(delete.status, StatusCode::FORBIDDEN);
    assert!(app.meta.session(SESSION).await.unwrap().is_some());
}

#[tokio::test]
async fn a_key_of_one_organization_does_not_see_another() {
    let app = app_with_session().await;
    let other = app.meta.create_organization("Other", 0).await.unwrap();
    let project = NewProject {
        organization_id: other.id.clone(),
        name: "Theirs".into(),
        ingest_key: "tdp_other".into(),
        allowed_origins: vec![],
        region: tapedeck_store::DEFAULT_REGION.into(),
    };
    app.meta.create_project(&project, 0).await.unwrap();
    let ingest = batch("s-theirs", 0, 1_700_000_000_000, 1);
    let stored = app.ingest_with_key("tdp_other", ingest, &[]).await;
    assert_eq!(stored.status, StatusCode::OK);

    let owner_b = app.login_in(&other.id, "owner@other.test", "owner").await;
    let key_b = create_key(&app, &owner_b, &other.id, "owner").await.json();
    let secret_b = key_b["secret"].as_str().unwrap();
    let foreign = with_key(
        &app,
        Method::GET,
        &format!("/api/v1/sessions/{SESSION}"),
        secret_b,
        None,
    )
    .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    let own = with_key(
        &app,
        Method::GET,
        "/api/v1/sessions/s-theirs",
        secret_b,
        None,
    )
    .await;
    assert_eq!(own.status, StatusCode::OK);
    let list = with_key(&app, Method::GET, "/api/v1/sessions", secret_b, None).await;
    let list = list.json();
    let ids: Vec<&str> = list["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["s-theirs"]);

    // An admin of A neither sees nor revokes B's key, and cannot create keys in B.
    let admin_a = app.login("admin@test.test", "admin").await;
    let listed = with_cookie(&app, Method::GET, "/api/v1/api-keys", &admin_a, None).await;
    assert_eq!(listed.json()["api_keys"], json!([]));
    let revoke = with_cookie(
        &app,
        Method::DELETE,
        &format!("/api/v1/api-keys/{}", key_b["id"].as_str().unwrap()),
        &admin_a,
        None,
    )
    .await;
    assert_eq!(revoke.status, StatusCode::NOT_FOUND);
    let create = create_key(&app, &admin_a, &other.id, "viewer").await;
    assert_eq!(create.status, StatusCode::NOT_FOUND);
    assert!(
        audit(&app, &app.org_id)
            .await
            .iter()
            .all(|e| !e.action.starts_with("api_key."))
    );
}

#[tokio::test]
async fn cookie_writes_to_keys_keep_the_same_origin_check() {
    let app = app_with_session().await;
    let admin = app.login("admin@test.test", "admin").await;
    let request = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/api-keys")
        .header(header::COOKIE, &admin)
        .header(header::HOST, "tapedeck.test")
        .header(header::ORIGIN, "https://evil.test")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({"organization_id": app.org_id, "name": "x", "role": "viewer"}).to_string(),
        ))
        .unwrap();
    let response = app.send(request).await;
    assert_eq!(response.status, StatusCode::FORBIDDEN);
    assert_eq!(response.error_code(), "csrf_rejected");
    assert!(
        app.meta
            .api_keys(std::slice::from_ref(&app.org_id))
            .await
            .unwrap()
            .is_empty()
    );
}
