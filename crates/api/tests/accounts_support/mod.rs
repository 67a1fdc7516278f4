//! Helpers shared by the account tests (members, invitations, passwords, login throttling):
//! same-origin requests with a login cookie, logins from a given client address, and the audit
//! entries of an organization.
#![allow(dead_code)]

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, header};
use serde_json::{Value, json};
use tapedeck_store::AuditEntry;
use tapedeck_testkit::{TestApp, TestResponse};

pub const HOST: &str = "tapedeck.test";

/// A request from the web app's own origin, with the login cookie when given.
pub async fn call(
    app: &TestApp,
    method: Method,
    uri: &str,
    cookie: Option<&str>,
    body: Option<Value>,
) -> TestResponse {
    call_from(app, method, uri, cookie, body, "http://tapedeck.test", None).await
}

/// A request from `origin`, optionally from the client address `ip` (the TCP peer).
pub async fn call_from(
    app: &TestApp,
    method: Method,
    uri: &str,
    cookie: Option<&str>,
    body: Option<Value>,
    origin: &str,
    ip: Option<&str>,
) -> TestResponse {
    let mut request = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::HOST, HOST)
        .header(header::ORIGIN, origin)
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    let body = body.map_or(Body::empty(), |b| Body::from(b.to_string()));
    let mut request = request.body(body).unwrap();
    if let Some(ip) = ip {
        // What `tapedeck serve` attaches: the TCP peer's address.
        let peer = std::net::SocketAddr::new(ip.parse().unwrap(), 40_000);
        request.extensions_mut().insert(ConnectInfo(peer));
    }
    app.send(request).await
}

/// The `name=value` of a response's login cookie.
pub fn cookie_of(response: &TestResponse) -> String {
    response
        .headers
        .get(header::SET_COOKIE)
        .expect("a login cookie")
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string()
}

/// Logs in with a password, from client address `ip`.
pub async fn login(app: &TestApp, email: &str, password: &str, ip: &str) -> TestResponse {
    let body = json!({ "email": email, "password": password });
    call_from(
        app,
        Method::POST,
        "/api/v1/auth/login",
        None,
        Some(body),
        "http://tapedeck.test",
        Some(ip),
    )
    .await
}

/// The id of the logged-in user.
pub async fn user_id(app: &TestApp, cookie: &str) -> String {
    let me = call(app, Method::GET, "/api/v1/me", Some(cookie), None).await;
    me.json()["user"]["id"].as_str().unwrap().to_string()
}

/// The organization's audit entries, oldest first.
pub async fn audit(app: &TestApp, org: &str) -> Vec<AuditEntry> {
    app.audit_log(org).await
}

/// The organization's audit entries of one action.
pub async fn audited(app: &TestApp, org: &str, action: &str) -> Vec<AuditEntry> {
    audit(app, org)
        .await
        .into_iter()
        .filter(|e| e.action == action)
        .collect()
}

/// The token in a link's fragment (`…/invite#<token>`).
pub fn token_of(url: &str) -> String {
    url.split_once('#').expect("a fragment").1.to_string()
}
