//! Login throttling and login audit through the real router: the sixth attempt within the window
//! is refused with `Retry-After` even with the right password, other emails are unaffected, a
//! client address is refused past its own limit, a success clears its email's count, and logins,
//! failures and logouts are audited once per organization of the user.

#[path = "accounts_support/mod.rs"]
mod support;

use axum::http::{Method, StatusCode, header};
use support::{audited, call, cookie_of, login, user_id};
use tapedeck_testkit::{TEST_PASSWORD, TestApp};

#[tokio::test]
async fn the_sixth_attempt_is_refused_even_with_the_right_password() {
    let app = TestApp::new().await;
    app.login("ada@test.test", "member").await;
    app.login("bea@test.test", "member").await;

    for attempt in 0..5 {
        let wrong = login(&app, "ada@test.test", "guess", "192.0.2.1").await;
        assert_eq!(
            (wrong.status, wrong.error_code()),
            (StatusCode::UNAUTHORIZED, "invalid_credentials".into()),
            "attempt {attempt}"
        );
    }
    let refused = login(&app, "ADA@test.test", TEST_PASSWORD, "192.0.2.2").await;
    assert_eq!(
        (refused.status, refused.error_code()),
        (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts".into())
    );
    let retry_after: u64 = refused
        .headers
        .get(header::RETRY_AFTER)
        .expect("Retry-After")
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=15 * 60).contains(&retry_after), "{retry_after}");
    assert!(refused.headers.get(header::SET_COOKIE).is_none());

    let other = login(&app, "bea@test.test", TEST_PASSWORD, "192.0.2.1").await;
    assert_eq!(other.status, StatusCode::OK, "another email is unaffected");
}

#[tokio::test]
async fn a_success_clears_the_emails_count() {
    let app = TestApp::new().await;
    app.login("ada@test.test", "member").await;
    for _ in 0..2 {
        for _ in 0..4 {
            assert_eq!(
                login(&app, "ada@test.test", "guess", "192.0.2.1")
                    .await
                    .status,
                StatusCode::UNAUTHORIZED
            );
        }
        assert_eq!(
            login(&app, "ada@test.test", TEST_PASSWORD, "192.0.2.1")
                .await
                .status,
            StatusCode::OK
        );
    }
}

#[tokio::test]
async fn one_client_address_is_refused_past_its_own_limit() {
    let app = TestApp::new().await;
    app.login("ada@test.test", "member").await;
    for i in 0..30 {
        let email = format!("nobody{i}@test.test");
        assert_eq!(
            login(&app, &email, "guess", "203.0.113.9").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    let refused = login(&app, "ada@test.test", TEST_PASSWORD, "203.0.113.9").await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        login(&app, "ada@test.test", TEST_PASSWORD, "203.0.113.10")
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn logins_failures_and_logouts_are_audited_once_per_organization() {
    let app = TestApp::new().await;
    let org = app.org_id.clone();
    let other = app.meta.create_organization("Other", 0).await.unwrap().id;
    let first = app.login("ada@test.test", "member").await;
    let ada = user_id(&app, &first).await;
    app.meta
        .set_membership(&ada, &other, "viewer", 0)
        .await
        .unwrap();

    assert_eq!(
        login(&app, "ada@test.test", "guess", "192.0.2.1")
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        login(&app, "ghost@test.test", "guess", "192.0.2.1")
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let second = login(&app, "ada@test.test", TEST_PASSWORD, "192.0.2.1").await;
    assert_eq!(second.status, StatusCode::OK);
    let cookie = cookie_of(&second);
    let logout = call(
        &app,
        Method::POST,
        "/api/v1/auth/logout",
        Some(&cookie),
        None,
    )
    .await;
    assert_eq!(logout.status, StatusCode::NO_CONTENT);
    let again = call(
        &app,
        Method::POST,
        "/api/v1/auth/logout",
        Some(&cookie),
        None,
    )
    .await;
    assert_eq!(
        again.status,
        StatusCode::NO_CONTENT,
        "a stale cookie's logout ends nothing"
    );

    for organization in [&org, &other] {
        let logins = audited(&app, organization, "auth.login").await;
        // TestApp::login logged in before Ada joined `other`.
        let expected = if organization == &org { 2 } else { 1 };
        assert_eq!(logins.len(), expected, "{organization}");
        assert!(logins.iter().all(|e| e.actor == format!("user:{ada}")));
        let failures = audited(&app, organization, "auth.login_failed").await;
        assert_eq!(
            failures.len(),
            1,
            "the unknown email is in no organization's log"
        );
        assert_eq!(failures[0].target, format!("user:{ada}"));
        assert_eq!(failures[0].ip.as_deref(), Some("192.0.2.1"));
        assert_eq!(audited(&app, organization, "auth.logout").await.len(), 1);
    }
}
