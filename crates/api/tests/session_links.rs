//! Links through the real router: members link a session to tickets and issues (once per kind
//! and ref), the list finds it by `ticket=`, everyone who may read it sees the links, members
//! remove them, viewers and other origins cannot, other organizations see nothing, and each
//! change is audited once.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};
use tapedeck_store::AuditEntry;
use tapedeck_testkit::{TestApp, TestResponse, batch};

const SESSION: &str = "s-links";
const LINKS: &str = "/api/v1/sessions/s-links/links";

async fn app_with_session() -> TestApp {
    let app = TestApp::new().await;
    let response = app
        .ingest(batch(SESSION, 0, 1_700_000_000_000, 1), &[])
        .await;
    assert_eq!(response.status, StatusCode::OK);
    app
}

async fn post(app: &TestApp, cookie: &str, body: &Value, origin: Option<&str>) -> TestResponse {
    let mut request = Request::builder()
        .method(Method::POST)
        .uri(LINKS)
        .header(header::COOKIE, cookie)
        .header(header::HOST, "tapedeck.test")
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(origin) = origin {
        request = request.header(header::ORIGIN, origin);
    }
    app.send(request.body(Body::from(body.to_string())).unwrap())
        .await
}

async fn list(app: &TestApp, cookie: &str) -> Vec<Value> {
    let response = app.get(LINKS, cookie).await;
    assert_eq!(response.status, StatusCode::OK);
    response.json()["links"].as_array().unwrap().clone()
}

/// The organization's link and unlink entries.
async fn audit(app: &TestApp) -> Vec<AuditEntry> {
    let mut entries = app.audit_log(&app.org_id).await;
    entries.retain(|e| e.action.starts_with("session.") && e.action.contains("link"));
    entries
}

#[tokio::test]
async fn members_link_tickets_once_and_the_list_finds_them() {
    let app = app_with_session().await;
    let member = app.login("dev@test.test", "member").await;
    let viewer = app.login("viewer@test.test", "viewer").await;
    let body = json!({"kind": "ticket", "ref": " ZD-1234 "});
    let response = post(&app, &member, &body, Some("http://tapedeck.test")).await;
    assert_eq!(response.status, StatusCode::CREATED, "{:?}", response.body);
    let link = response.json();
    assert_eq!(
        (
            &link["session_id"],
            &link["kind"],
            &link["ref"],
            &link["url"]
        ),
        (
            &json!(SESSION),
            &json!("ticket"),
            &json!("ZD-1234"),
            &Value::Null
        )
    );
    assert!(link["id"].is_string() && link["created_by"].is_string());
    assert!(link["created_at"].as_str().unwrap().ends_with('Z'));

    // The same ticket again, now with its URL: the same link, with the URL.
    let url = "https://acme.zendesk.com/agent/tickets/1234";
    let again = post(
        &app,
        &member,
        &json!({"kind": "ticket", "ref": "ZD-1234", "url": url}),
        None,
    )
    .await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.json()["id"], link["id"]);
    assert_eq!(again.json()["url"], url);
    post(
        &app,
        &member,
        &json!({"kind": "issue", "ref": "acme/web#12"}),
        None,
    )
    .await;

    let links = list(&app, &viewer).await;
    let refs: Vec<_> = links.iter().map(|l| l["ref"].as_str().unwrap()).collect();
    assert_eq!(refs, ["ZD-1234", "acme/web#12"]);
    let found = app
        .get("/api/v1/sessions?ticket=ZD-1234", &viewer)
        .await
        .json();
    assert_eq!(found["sessions"][0]["id"], SESSION);
    assert_eq!(found["sessions"].as_array().unwrap().len(), 1);

    let entries = audit(&app).await;
    assert_eq!(entries.len(), 3, "one per request");
    assert!(
        entries
            .iter()
            .all(|e| e.action == "session.link" && e.target == format!("session:{SESSION}"))
    );
}

#[tokio::test]
async fn bad_links_viewers_other_origins_and_other_organizations_are_refused() {
    let app = app_with_session().await;
    let member = app.login("dev@test.test", "member").await;
    let viewer = app.login("viewer@test.test", "viewer").await;
    for (body, field) in [
        (json!({"kind": "bug", "ref": "x"}), "`kind`"),
        (json!({"kind": "ticket"}), "`ref`"),
        (json!({"kind": "ticket", "ref": "x".repeat(129)}), "`ref`"),
        (json!({"kind": "ticket", "ref": "a\u{7}b"}), "`ref`"),
        (
            json!({"kind": "ticket", "ref": "x", "url": "javascript:alert(1)"}),
            "`url`",
        ),
        (
            json!({"kind": "ticket", "ref": "x", "url": format!("https://a.test/{}", "p".repeat(2048))}),
            "`url`",
        ),
    ] {
        let response = post(&app, &member, &body, None).await;
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
    let ok = json!({"kind": "ticket", "ref": "ZD-1"});
    let denied = post(&app, &viewer, &ok, None).await;
    assert_eq!(
        (denied.status, denied.error_code().as_str()),
        (StatusCode::FORBIDDEN, "forbidden")
    );
    let forged = post(&app, &member, &ok, Some("https://evil.test")).await;
    assert_eq!(forged.error_code(), "csrf_rejected");
    let other = app.meta.create_organization("Other", 0).await.unwrap();
    let outsider = app.login_in(&other.id, "owner@other.test", "owner").await;
    assert_eq!(
        post(&app, &outsider, &ok, None).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(LINKS, &outsider).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(list(&app, &member).await.is_empty(), "nothing was stored");
    assert!(audit(&app).await.is_empty());
}

#[tokio::test]
async fn members_remove_links_viewers_and_outsiders_cannot() {
    let app = app_with_session().await;
    let member = app.login("dev@test.test", "member").await;
    let viewer = app.login("viewer@test.test", "viewer").await;
    let other = app.meta.create_organization("Other", 0).await.unwrap();
    let outsider = app.login_in(&other.id, "owner@other.test", "owner").await;
    let link = post(
        &app,
        &member,
        &json!({"kind": "issue", "ref": "GH-7"}),
        None,
    )
    .await
    .json();
    let uri = format!("{LINKS}/{}", link["id"].as_str().unwrap());

    let denied = app.delete(&uri, &viewer).await;
    assert_eq!(
        (denied.status, denied.error_code().as_str()),
        (StatusCode::FORBIDDEN, "forbidden")
    );
    assert_eq!(
        app.delete(&uri, &outsider).await.status,
        StatusCode::NOT_FOUND
    );
    let forged = Request::builder()
        .method(Method::DELETE)
        .uri(&uri)
        .header(header::COOKIE, &member)
        .header(header::HOST, "tapedeck.test")
        .header(header::ORIGIN, "https://evil.test")
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(forged).await.error_code(), "csrf_rejected");
    assert_eq!(list(&app, &viewer).await.len(), 1);

    assert_eq!(
        app.delete(&uri, &member).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.delete(&uri, &member).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(list(&app, &viewer).await.is_empty());
    let actions: Vec<_> = audit(&app).await.into_iter().map(|e| e.action).collect();
    assert_eq!(actions.iter().filter(|a| *a == "session.unlink").count(), 1);
    assert_eq!(actions.len(), 2, "{actions:?}");
}
