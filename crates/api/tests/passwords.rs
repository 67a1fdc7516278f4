//! Passwords through the real router: a change ends the user's other logins (not by an API key,
//! not with a wrong current password), an admin's reset link works once and ends every login, an
//! admin cannot take over an owner — of this organization or of another one the target belongs
//! to — and exactly one audit entry per change and per link.

#[path = "accounts_support/mod.rs"]
mod support;

use axum::http::{Method, StatusCode, header};
use serde_json::json;
use support::{audited, call, cookie_of, token_of, user_id};
use tapedeck_testkit::{TEST_PASSWORD, TestApp, TestResponse};

async fn change(app: &TestApp, cookie: &str, current: &str, new: &str) -> TestResponse {
    call(
        app,
        Method::POST,
        "/api/v1/me/password",
        Some(cookie),
        Some(json!({ "current_password": current, "new_password": new })),
    )
    .await
}

async fn reset_link(app: &TestApp, cookie: &str, user: &str, org: &str) -> TestResponse {
    call(
        app,
        Method::POST,
        &format!("/api/v1/members/{user}/password-reset"),
        Some(cookie),
        Some(json!({ "organization_id": org })),
    )
    .await
}

async fn redeem(app: &TestApp, token: &str, password: &str) -> TestResponse {
    call(
        app,
        Method::POST,
        "/api/v1/auth/reset-password",
        None,
        Some(json!({ "token": token, "password": password })),
    )
    .await
}

async fn status_of_me(app: &TestApp, cookie: &str) -> StatusCode {
    call(app, Method::GET, "/api/v1/me", Some(cookie), None)
        .await
        .status
}

#[tokio::test]
async fn a_password_change_ends_the_other_logins() {
    let app = TestApp::new().await;
    let org = app.org_id.clone();
    let here = app.login("ada@test.test", "member").await;
    let elsewhere =
        cookie_of(&support::login(&app, "ada@test.test", TEST_PASSWORD, "192.0.2.1").await);
    let bea = app.login("bea@test.test", "member").await;

    let wrong = change(&app, &here, "not my password", "a brand new one").await;
    assert_eq!(
        (wrong.status, wrong.error_code()),
        (StatusCode::UNAUTHORIZED, "invalid_credentials".into())
    );
    let weak = change(&app, &here, TEST_PASSWORD, "short").await;
    assert_eq!(
        (weak.status, weak.error_code()),
        (StatusCode::BAD_REQUEST, "invalid_password".into())
    );
    assert_eq!(
        status_of_me(&app, &elsewhere).await,
        StatusCode::OK,
        "refusals change nothing"
    );

    let changed = change(&app, &here, TEST_PASSWORD, "a brand new one").await;
    assert_eq!(changed.status, StatusCode::NO_CONTENT, "{:?}", changed.body);
    assert_eq!(
        status_of_me(&app, &here).await,
        StatusCode::OK,
        "this login stays"
    );
    assert_eq!(
        status_of_me(&app, &elsewhere).await,
        StatusCode::UNAUTHORIZED,
        "the other one ended"
    );
    assert_eq!(
        status_of_me(&app, &bea).await,
        StatusCode::OK,
        "other users untouched"
    );
    assert_eq!(
        support::login(&app, "ada@test.test", TEST_PASSWORD, "192.0.2.1")
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        support::login(&app, "ada@test.test", "a brand new one", "192.0.2.1")
            .await
            .status,
        StatusCode::OK
    );

    let changes = audited(&app, &org, "user.password_change").await;
    assert_eq!(changes.len(), 1);
    assert_eq!(
        changes[0].target,
        format!("user:{}", user_id(&app, &here).await)
    );
}

#[tokio::test]
async fn an_api_key_cannot_change_its_creators_password() {
    let app = TestApp::new().await;
    let admin = app.login("admin@test.test", "admin").await;
    let body = json!({ "organization_id": app.org_id, "name": "ci", "role": "admin" });
    let key = call(
        &app,
        Method::POST,
        "/api/v1/api-keys",
        Some(&admin),
        Some(body),
    )
    .await;
    assert_eq!(key.status, StatusCode::CREATED, "{:?}", key.body);
    let secret = key.json()["secret"].as_str().unwrap().to_string();
    let request = axum::http::Request::builder()
        .method(Method::POST)
        .uri("/api/v1/me/password")
        .header(header::AUTHORIZATION, format!("Bearer {secret}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(axum::body::Body::from(
            json!({ "current_password": TEST_PASSWORD, "new_password": "taken over!" }).to_string(),
        ))
        .unwrap();
    let response = app.send(request).await;
    assert_eq!(
        (response.status, response.error_code()),
        (StatusCode::FORBIDDEN, "forbidden".into())
    );
    assert_eq!(
        support::login(&app, "admin@test.test", TEST_PASSWORD, "192.0.2.1")
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn an_admins_reset_link_works_once_and_ends_every_login() {
    let app = TestApp::new().await;
    let org = app.org_id.clone();
    let admin = app.login("admin@test.test", "admin").await;
    let member = app.login("member@test.test", "member").await;
    let member_id = user_id(&app, &member).await;

    let viewer = app.login("viewer@test.test", "viewer").await;
    assert_eq!(
        reset_link(&app, &viewer, &member_id, &org).await.status,
        StatusCode::FORBIDDEN
    );

    let first = reset_link(&app, &admin, &member_id, &org).await;
    assert_eq!(first.status, StatusCode::CREATED, "{:?}", first.body);
    let first_token = token_of(first.json()["url"].as_str().unwrap());
    let created = reset_link(&app, &admin, &member_id, &org).await.json();
    let url = created["url"].as_str().unwrap();
    assert!(
        url.starts_with("http://127.0.0.1:7070/reset-password#"),
        "{url}"
    );
    assert!(created["expires_at"].is_string());
    let token = token_of(url);

    let weak = redeem(&app, &token, "short").await;
    assert_eq!(weak.error_code(), "invalid_password");
    let replaced = redeem(&app, &first_token, "the member's new one").await;
    assert_eq!(
        (replaced.status, replaced.error_code()),
        (StatusCode::NOT_FOUND, "invalid_reset_token".into())
    );

    let redeemed = redeem(&app, &token, "the member's new one").await;
    assert_eq!(redeemed.status, StatusCode::OK, "{:?}", redeemed.body);
    assert_eq!(redeemed.json()["user"]["id"], member_id.as_str());
    let fresh = cookie_of(&redeemed);
    assert_eq!(
        status_of_me(&app, &fresh).await,
        StatusCode::OK,
        "logged in"
    );
    assert_eq!(
        status_of_me(&app, &member).await,
        StatusCode::UNAUTHORIZED,
        "earlier logins ended"
    );
    assert_eq!(
        redeem(&app, &token, "yet another one").await.error_code(),
        "invalid_reset_token",
        "once"
    );
    assert_eq!(
        support::login(
            &app,
            "member@test.test",
            "the member's new one",
            "192.0.2.1"
        )
        .await
        .status,
        StatusCode::OK
    );

    let resets = audited(&app, &org, "user.password_reset").await;
    assert_eq!(resets.len(), 2, "one per link");
    assert_eq!(resets[0].target, format!("user:{member_id}"));
    assert_eq!(
        resets[0].actor,
        format!("user:{}", user_id(&app, &admin).await)
    );
}

#[tokio::test]
async fn an_admin_cannot_take_over_an_owner_here_or_of_another_organization() {
    let app = TestApp::new().await;
    let org = app.org_id.clone();
    let owner = app.login("owner@test.test", "owner").await;
    let admin = app.login("admin@test.test", "admin").await;
    let owner_id = user_id(&app, &owner).await;

    let here = reset_link(&app, &admin, &owner_id, &org).await;
    assert_eq!(
        (here.status, here.error_code()),
        (StatusCode::FORBIDDEN, "forbidden".into())
    );

    // Bea is a plain member here, and the owner of her own organization: resetting her password
    // from here would hand that organization to this admin.
    let bea_org = app
        .meta
        .create_organization("Bea's org", 0)
        .await
        .unwrap()
        .id;
    let bea = app.login_in(&bea_org, "bea@test.test", "owner").await;
    let bea_id = user_id(&app, &bea).await;
    app.meta
        .set_membership(&bea_id, &org, "member", 0)
        .await
        .unwrap();
    let takeover = reset_link(&app, &admin, &bea_id, &org).await;
    assert_eq!(
        (takeover.status, takeover.error_code()),
        (StatusCode::FORBIDDEN, "forbidden".into())
    );
    let by_owner = reset_link(&app, &owner, &bea_id, &org).await;
    assert_eq!(
        by_owner.status,
        StatusCode::FORBIDDEN,
        "an owner here is nobody in Bea's org"
    );

    let carl = app.login("carl@test.test", "member").await;
    let carl_id = user_id(&app, &carl).await;
    assert_eq!(
        reset_link(&app, &admin, &carl_id, &org).await.status,
        StatusCode::CREATED,
        "a plain member of this organization only"
    );
    let foreign = reset_link(&app, &admin, &carl_id, &bea_org).await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    assert_eq!(audited(&app, &org, "user.password_reset").await.len(), 1);
}
