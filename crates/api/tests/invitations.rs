//! Invitations through the real router: the whole flow for a new account and for an existing
//! one (password checked, throttled), the link shown once and redeemed once, replaced and revoked
//! links refused, the inviter's role capping the invitation's, members not invited twice, and
//! exactly one audit entry per invitation, revocation and join.

#[path = "accounts_support/mod.rs"]
mod support;

use axum::http::{Method, StatusCode, header};
use serde_json::{Value, json};
use support::{audited, call, call_from, cookie_of, token_of, user_id};
use tapedeck_testkit::{TEST_PASSWORD, TestApp, TestResponse};

async fn invite(app: &TestApp, cookie: &str, org: &str, email: &str, role: &str) -> TestResponse {
    call(
        app,
        Method::POST,
        "/api/v1/invitations",
        Some(cookie),
        Some(json!({ "organization_id": org, "email": email, "role": role })),
    )
    .await
}

async fn show(app: &TestApp, token: &str) -> TestResponse {
    call(
        app,
        Method::POST,
        "/api/v1/auth/invitation",
        None,
        Some(json!({ "token": token })),
    )
    .await
}

async fn accept(app: &TestApp, token: &str, password: &str) -> TestResponse {
    call(
        app,
        Method::POST,
        "/api/v1/auth/accept-invitation",
        None,
        Some(json!({ "token": token, "password": password })),
    )
    .await
}

fn url_token(created: &Value) -> String {
    token_of(created["url"].as_str().unwrap())
}

#[tokio::test]
async fn a_new_account_accepts_an_invitation_once_and_is_logged_in() {
    let app = TestApp::new().await;
    let org = app.org_id.clone();
    let admin = app.login("admin@test.test", "admin").await;

    let created = invite(&app, &admin, &org, "  New.Person@Test.TEST ", "member").await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    let created = created.json();
    let url = created["url"].as_str().unwrap();
    assert!(url.starts_with("http://127.0.0.1:7070/invite#"), "{url}");
    let token = url_token(&created);
    assert_eq!(token.len(), 64);
    let invitation = &created["invitation"];
    assert_eq!(invitation["email"], "new.person@test.test", "normalized");
    assert_eq!(invitation["role"], "member");
    assert_eq!(invitation["invited_by"]["email"], "admin@test.test");
    assert!(invitation["expires_at"].is_string());

    let listed = call(
        &app,
        Method::GET,
        &format!("/api/v1/members?organization_id={org}"),
        Some(&admin),
        None,
    )
    .await;
    let listed = listed.json();
    assert_eq!(listed["invitations"].as_array().unwrap().len(), 1);
    assert_eq!(listed["invitations"][0]["id"], invitation["id"]);
    assert!(
        !listed.to_string().contains(&token),
        "the token is shown once"
    );

    let shown = show(&app, &token).await;
    assert_eq!(shown.status, StatusCode::OK, "{:?}", shown.body);
    let shown = shown.json();
    assert_eq!(
        shown["organization"],
        json!({ "id": org, "name": "Test org" })
    );
    assert_eq!(shown["email"], "new.person@test.test");
    assert_eq!(shown["role"], "member");
    assert_eq!(shown["account_exists"], false);

    let too_short = accept(&app, &token, "short").await;
    assert_eq!(too_short.error_code(), "invalid_password");
    let accepted = accept(&app, &token, "a new password").await;
    assert_eq!(accepted.status, StatusCode::OK, "{:?}", accepted.body);
    assert_eq!(accepted.json()["user"]["email"], "new.person@test.test");
    let cookie = cookie_of(&accepted);
    let me = call(&app, Method::GET, "/api/v1/me", Some(&cookie), None)
        .await
        .json();
    assert_eq!(
        me["organizations"],
        json!([{ "id": org, "name": "Test org", "role": "member" }])
    );

    let again = accept(&app, &token, "a new password").await;
    assert_eq!(
        (again.status, again.error_code()),
        (StatusCode::NOT_FOUND, "invalid_invitation".into())
    );
    assert_eq!(show(&app, &token).await.error_code(), "invalid_invitation");
    assert_eq!(
        show(&app, "not-a-token").await.status,
        StatusCode::NOT_FOUND
    );
    let listed = call(
        &app,
        Method::GET,
        &format!("/api/v1/members?organization_id={org}"),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(listed.json()["invitations"], json!([]));
    assert_eq!(listed.json()["members"].as_array().unwrap().len(), 2);

    let new_id = user_id(&app, &cookie).await;
    assert_eq!(audited(&app, &org, "member.invite").await.len(), 1);
    let joins = audited(&app, &org, "member.join").await;
    assert_eq!(joins.len(), 1);
    assert_eq!(joins[0].actor, format!("user:{new_id}"));
    assert_eq!(joins[0].details["role"], "member");
}

#[tokio::test]
async fn an_existing_account_joins_with_its_own_password() {
    let app = TestApp::new().await;
    let org = app.org_id.clone();
    let owner = app.login("owner@test.test", "owner").await;
    let elsewhere = app
        .meta
        .create_organization("Elsewhere", 0)
        .await
        .unwrap()
        .id;
    let bea = app.login_in(&elsewhere, "bea@test.test", "owner").await;

    let created = invite(&app, &owner, &org, "BEA@test.test", "viewer")
        .await
        .json();
    let token = url_token(&created);
    assert_eq!(show(&app, &token).await.json()["account_exists"], true);

    let wrong = accept(&app, &token, "not her password").await;
    assert_eq!(
        (wrong.status, wrong.error_code()),
        (StatusCode::UNAUTHORIZED, "invalid_credentials".into())
    );
    assert_eq!(
        show(&app, &token).await.status,
        StatusCode::OK,
        "still pending"
    );

    let accepted = accept(&app, &token, TEST_PASSWORD).await;
    assert_eq!(accepted.status, StatusCode::OK, "{:?}", accepted.body);
    let cookie = cookie_of(&accepted);
    assert_eq!(
        user_id(&app, &cookie).await,
        user_id(&app, &bea).await,
        "the same account"
    );
    let me = call(&app, Method::GET, "/api/v1/me", Some(&cookie), None)
        .await
        .json();
    assert_eq!(me["organizations"].as_array().unwrap().len(), 2);
    assert_eq!(audited(&app, &org, "member.join").await.len(), 1);
    assert!(audited(&app, &elsewhere, "member.join").await.is_empty());
}

#[tokio::test]
async fn wrong_passwords_on_an_invitation_are_throttled_like_logins() {
    let app = TestApp::new().await;
    let org = app.org_id.clone();
    let owner = app.login("owner@test.test", "owner").await;
    let elsewhere = app
        .meta
        .create_organization("Elsewhere", 0)
        .await
        .unwrap()
        .id;
    app.login_in(&elsewhere, "bea@test.test", "viewer").await;
    let token = url_token(
        &invite(&app, &owner, &org, "bea@test.test", "viewer")
            .await
            .json(),
    );
    for _ in 0..5 {
        assert_eq!(
            accept(&app, &token, "guess").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    let throttled = accept(&app, &token, TEST_PASSWORD).await;
    assert_eq!(
        (throttled.status, throttled.error_code()),
        (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts".into())
    );
    assert!(throttled.headers.get(header::RETRY_AFTER).is_some());
    let login = support::login(&app, "bea@test.test", TEST_PASSWORD, "198.51.100.7").await;
    assert_eq!(
        login.status,
        StatusCode::TOO_MANY_REQUESTS,
        "the same email's budget"
    );
}

#[tokio::test]
async fn the_inviters_role_caps_the_invitation_and_members_are_not_invited_twice() {
    let app = TestApp::new().await;
    let org = app.org_id.clone();
    let owner = app.login("owner@test.test", "owner").await;
    let admin = app.login("admin@test.test", "admin").await;
    let viewer = app.login("viewer@test.test", "viewer").await;

    assert_eq!(
        invite(&app, &admin, &org, "x@test.test", "owner")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        invite(&app, &viewer, &org, "x@test.test", "viewer")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        invite(&app, &owner, &org, "x@test.test", "owner")
            .await
            .status,
        StatusCode::CREATED
    );
    let bad_email = invite(&app, &owner, &org, "not an email", "viewer").await;
    assert_eq!(
        (bad_email.status, bad_email.error_code()),
        (StatusCode::BAD_REQUEST, "invalid_request".into())
    );
    assert_eq!(
        invite(&app, &owner, &org, "x@test.test", "king")
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    let member = invite(&app, &owner, &org, "Viewer@Test.test", "admin").await;
    assert_eq!(
        (member.status, member.error_code()),
        (StatusCode::CONFLICT, "conflict".into())
    );
    let other = app.meta.create_organization("Other", 0).await.unwrap().id;
    assert_eq!(
        invite(&app, &owner, &other, "x@test.test", "viewer")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        audited(&app, &org, "member.invite").await.len(),
        1,
        "refusals are not audited"
    );
}

#[tokio::test]
async fn replaced_and_revoked_invitations_are_refused() {
    let app = TestApp::new().await;
    let org = app.org_id.clone();
    let admin = app.login("admin@test.test", "admin").await;
    let member = app.login("member@test.test", "member").await;

    let first = url_token(
        &invite(&app, &admin, &org, "new@test.test", "viewer")
            .await
            .json(),
    );
    let second = invite(&app, &admin, &org, "new@test.test", "member")
        .await
        .json();
    let second_token = url_token(&second);
    assert_eq!(
        show(&app, &first).await.error_code(),
        "invalid_invitation",
        "replaced"
    );
    assert_eq!(show(&app, &second_token).await.json()["role"], "member");

    let id = second["invitation"]["id"].as_str().unwrap();
    let uri = format!("/api/v1/invitations/{id}");
    assert_eq!(
        call(&app, Method::DELETE, &uri, Some(&member), None)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let foreign = call_from(
        &app,
        Method::DELETE,
        &uri,
        Some(&admin),
        None,
        "https://evil.test",
        None,
    )
    .await;
    assert_eq!(foreign.error_code(), "csrf_rejected");
    assert_eq!(
        call(&app, Method::DELETE, &uri, Some(&admin), None)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        call(&app, Method::DELETE, &uri, Some(&admin), None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        accept(&app, &second_token, "a new password")
            .await
            .error_code(),
        "invalid_invitation"
    );
    assert_eq!(audited(&app, &org, "member.invite").await.len(), 2);
    let revokes = audited(&app, &org, "member.invite_revoke").await;
    assert_eq!(revokes.len(), 1);
    assert_eq!(revokes[0].target, format!("invitation:{id}"));
}
