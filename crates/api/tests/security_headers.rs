//! Security headers through the real router: every response (web app, API, errors, SDK) says
//! `nosniff` and `Referrer-Policy: same-origin`; web app pages carry the CSP with
//! `frame-ancestors 'self'`, and `?embed=1` pages the configured `embed_frame_ancestors`.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use tapedeck_api::{ApiConfig, AppState};
use tapedeck_testkit::{TestApp, TestResponse};
use tower::ServiceExt;

async fn get(router: &axum::Router, uri: &str) -> TestResponse {
    let response = router
        .clone()
        .oneshot(Request::builder().uri(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let (parts, body) = response.into_parts();
    let body = http_body_util::BodyExt::collect(body)
        .await
        .unwrap()
        .to_bytes();
    TestResponse {
        status: parts.status,
        headers: parts.headers,
        body,
    }
}

fn header(response: &TestResponse, name: header::HeaderName) -> &str {
    response
        .headers
        .get(&name)
        .unwrap_or_else(|| panic!("no {name} header"))
        .to_str()
        .unwrap()
}

fn directive<'a>(csp: &'a str, name: &str) -> &'a str {
    csp.split(';')
        .map(str::trim)
        .find(|d| d.split_whitespace().next() == Some(name))
        .unwrap_or_else(|| panic!("no {name} in {csp}"))
}

#[tokio::test]
async fn every_response_says_nosniff_and_same_origin_referrer() {
    let app = TestApp::new().await;
    for uri in [
        "/",
        "/sessions/x",
        "/api/v1/me",
        "/api/v1/sessions/x",
        "/healthz",
        "/sdk/nope.js",
    ] {
        let response = get(&app.router, uri).await;
        assert_eq!(
            header(&response, header::X_CONTENT_TYPE_OPTIONS),
            "nosniff",
            "{uri}"
        );
        assert_eq!(
            header(&response, header::REFERRER_POLICY),
            "same-origin",
            "{uri}"
        );
    }
    let api = get(&app.router, "/api/v1/me").await;
    assert_eq!(api.status, StatusCode::UNAUTHORIZED);
    assert!(
        !api.headers.contains_key(header::CONTENT_SECURITY_POLICY),
        "JSON answers are not pages"
    );
}

#[tokio::test]
async fn web_app_pages_allow_only_their_own_scripts_and_framing_by_themselves() {
    let app = TestApp::new().await;
    for uri in ["/", "/login", "/sessions/s-1?t=5"] {
        let response = get(&app.router, uri).await;
        assert_eq!(response.status, StatusCode::OK);
        let csp = header(&response, header::CONTENT_SECURITY_POLICY);
        assert_eq!(directive(csp, "script-src"), "script-src 'self'", "{uri}");
        assert_eq!(directive(csp, "default-src"), "default-src 'self'");
        assert_eq!(directive(csp, "object-src"), "object-src 'none'");
        assert_eq!(directive(csp, "frame-ancestors"), "frame-ancestors 'self'");
    }
    let embed = get(&app.router, "/sessions/s-1?embed=1").await;
    assert_eq!(
        directive(
            header(&embed, header::CONTENT_SECURITY_POLICY),
            "frame-ancestors"
        ),
        "frame-ancestors 'self'",
        "by default only this server frames the embed page"
    );
}

#[tokio::test]
async fn embed_pages_may_be_framed_by_the_configured_ancestors_only() {
    let app = TestApp::new().await;
    let config = ApiConfig {
        embed_frame_ancestors: tapedeck_api::check_frame_ancestors(
            "'self' https://support.example.com",
        )
        .unwrap(),
        ..ApiConfig::default()
    };
    let router = tapedeck_api::router(AppState::new(
        app.meta.clone(),
        app.recordings.clone(),
        config,
    ));
    let embed = get(&router, "/sessions/s-1?t=0&embed=1").await;
    assert_eq!(
        directive(
            header(&embed, header::CONTENT_SECURITY_POLICY),
            "frame-ancestors"
        ),
        "frame-ancestors 'self' https://support.example.com"
    );
    let page = get(&router, "/sessions/s-1?t=0").await;
    assert_eq!(
        directive(
            header(&page, header::CONTENT_SECURITY_POLICY),
            "frame-ancestors"
        ),
        "frame-ancestors 'self'",
        "the rest of the app stays unframeable elsewhere"
    );
}

#[tokio::test]
async fn login_cookies_are_secure_only_when_served_over_tls() {
    let app = TestApp::new().await;
    let hash = tapedeck_api::hash_password(tapedeck_testkit::TEST_PASSWORD).unwrap();
    let user = app
        .meta
        .create_user("ada@test.test", &hash, 0)
        .await
        .unwrap();
    app.meta
        .set_membership(&user.id, &app.org_id, "owner", 0)
        .await
        .unwrap();
    for served_over_tls in [false, true] {
        let config = ApiConfig {
            served_over_tls,
            ..ApiConfig::default()
        };
        let router = tapedeck_api::router(AppState::new(
            app.meta.clone(),
            app.recordings.clone(),
            config,
        ));
        let body = serde_json::json!({"email": "ada@test.test", "password": tapedeck_testkit::TEST_PASSWORD});
        let request = tapedeck_testkit::json_request(
            axum::http::Method::POST,
            "/api/v1/auth/login",
            &body.to_string(),
        );
        let response = router.oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let cookie = response.headers()[header::SET_COOKIE].to_str().unwrap();
        assert_eq!(cookie.ends_with("; Secure"), served_over_tls, "{cookie}");
        assert!(cookie.contains("HttpOnly"));
        assert_eq!(
            response
                .headers()
                .get(header::STRICT_TRANSPORT_SECURITY)
                .map(|v| v.to_str().unwrap()),
            served_over_tls.then_some("max-age=31536000"),
            "HSTS only when users reach the server over HTTPS"
        );
    }
}

#[tokio::test]
async fn hsts_follows_an_https_public_url_behind_a_proxy() {
    let app = TestApp::new().await;
    for (public_url, hsts) in [
        ("https://replay.example.com", true),
        ("http://127.0.0.1:7070", false),
    ] {
        let config = ApiConfig {
            public_url: public_url.into(),
            ..ApiConfig::default()
        };
        let router = tapedeck_api::router(AppState::new(
            app.meta.clone(),
            app.recordings.clone(),
            config,
        ));
        let request = axum::http::Request::builder()
            .uri("/healthz")
            .body(axum::body::Body::empty())
            .unwrap();
        let response = router.oneshot(request).await.unwrap();
        assert_eq!(
            response
                .headers()
                .contains_key(header::STRICT_TRANSPORT_SECURITY),
            hsts,
            "{public_url}"
        );
    }
}
