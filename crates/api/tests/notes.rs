//! Notes through the real router: members add notes at a moment of the replay, everyone who may
//! watch reads them (also as `note` entries of the timeline), authors and admins delete them,
//! viewers and other origins cannot write, other organizations see nothing, and notes go with
//! their session.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};
use tapedeck_testkit::{TestApp, TestResponse, batch};

const SESSION: &str = "s-notes";

async fn app_with_session() -> TestApp {
    let app = TestApp::new().await;
    let response = app
        .ingest(batch(SESSION, 0, 1_700_000_000_000, 3), &[])
        .await;
    assert_eq!(response.status, StatusCode::OK);
    app
}

async fn post(app: &TestApp, cookie: &str, body: &str, origin: Option<&str>) -> TestResponse {
    let mut request = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1/sessions/{SESSION}/notes"))
        .header(header::COOKIE, cookie)
        .header(header::HOST, "tapedeck.test")
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(origin) = origin {
        request = request.header(header::ORIGIN, origin);
    }
    app.send(request.body(Body::from(body.to_string())).unwrap())
        .await
}

async fn add(app: &TestApp, cookie: &str, at: i64, text: &str) -> Value {
    let body = json!({"at": at, "text": text}).to_string();
    let response = post(app, cookie, &body, Some("http://tapedeck.test")).await;
    assert_eq!(response.status, StatusCode::CREATED, "{:?}", response.body);
    response.json()
}

async fn list(app: &TestApp, cookie: &str) -> Vec<Value> {
    let response = app
        .get(&format!("/api/v1/sessions/{SESSION}/notes"), cookie)
        .await;
    assert_eq!(response.status, StatusCode::OK);
    response.json()["notes"].as_array().unwrap().clone()
}

fn texts(notes: &[Value]) -> Vec<&str> {
    notes.iter().map(|n| n["text"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn members_add_notes_that_list_by_time_and_show_in_the_timeline() {
    let app = app_with_session().await;
    let member = app.login("dev@test.test", "member").await;
    let viewer = app.login("viewer@test.test", "viewer").await;
    let note = add(&app, &member, 1_500, "  checkout button does nothing \n").await;
    assert_eq!(note["session_id"], SESSION);
    assert_eq!(note["at"], 1_500);
    assert_eq!(note["text"], "checkout button does nothing", "trimmed");
    assert_eq!(note["author"]["email"], "dev@test.test");
    assert!(note["author"]["id"].is_string() && note["id"].is_string());
    assert!(note["created_at"].as_str().unwrap().ends_with('Z'));
    add(&app, &member, 200, "page loaded").await;

    let notes = list(&app, &viewer).await;
    assert_eq!(
        texts(&notes),
        ["page loaded", "checkout button does nothing"]
    );
    assert_eq!(notes[1], note);

    let timeline = app
        .get(
            &format!("/api/v1/sessions/{SESSION}/timeline?window=w-1"),
            &viewer,
        )
        .await
        .json();
    let entry = timeline["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "note" && e["at"] == 1_500)
        .expect("the note is a timeline entry, whatever the window");
    assert_eq!(
        entry,
        &json!({
            "id": format!("n-{}", note["id"].as_str().unwrap()),
            "window_id": null, "at": 1_500, "kind": "note",
            "label": "checkout button does nothing",
            "data": {"note_id": note["id"], "author": "dev@test.test", "text": "checkout button does nothing"},
        })
    );
}

#[tokio::test]
async fn bad_notes_viewers_and_other_origins_are_refused() {
    let app = app_with_session().await;
    let member = app.login("dev@test.test", "member").await;
    let viewer = app.login("viewer@test.test", "viewer").await;
    let long = "x".repeat(2_001);
    for (body, field) in [
        (json!({"at": -1, "text": "x"}), "`at`"),
        (json!({"at": 1.5, "text": "x"}), "`at`"),
        (json!({"at": 1_099_511_627_777i64, "text": "x"}), "`at`"),
        (json!({"text": "x"}), "`at`"),
        (json!({"at": 0, "text": "   "}), "`text`"),
        (json!({"at": 0, "text": long}), "`text`"),
        (json!({"at": 0, "text": 5}), "`text`"),
    ] {
        let response = post(&app, &member, &body.to_string(), None).await;
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
    let ok = json!({"at": 0, "text": "x"}).to_string();
    let denied = post(&app, &viewer, &ok, None).await;
    assert_eq!(
        (denied.status, denied.error_code().as_str()),
        (StatusCode::FORBIDDEN, "forbidden")
    );
    let forged = post(&app, &member, &ok, Some("https://evil.test")).await;
    assert_eq!(
        (forged.status, forged.error_code().as_str()),
        (StatusCode::FORBIDDEN, "csrf_rejected")
    );
    let not_json = post(&app, &member, "at=0&text=x", None).await;
    assert_eq!(not_json.status, StatusCode::BAD_REQUEST);
    assert!(list(&app, &member).await.is_empty(), "nothing was stored");

    let other = app.meta.create_organization("Other", 0).await.unwrap();
    let outsider = app.login_in(&other.id, "owner@other.test", "owner").await;
    let foreign = post(&app, &outsider, &ok, None).await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    let foreign_list = app
        .get(&format!("/api/v1/sessions/{SESSION}/notes"), &outsider)
        .await;
    assert_eq!(foreign_list.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn authors_and_admins_delete_notes_others_cannot() {
    let app = app_with_session().await;
    let author = app.login("dev@test.test", "member").await;
    let colleague = app.login("other@test.test", "member").await;
    let admin = app.login("admin@test.test", "admin").await;
    let first = add(&app, &author, 10, "mine").await;
    let second = add(&app, &author, 20, "also mine").await;
    let uri = |note: &Value| {
        format!(
            "/api/v1/sessions/{SESSION}/notes/{}",
            note["id"].as_str().unwrap()
        )
    };

    let refused = app.delete(&uri(&first), &colleague).await;
    assert_eq!(
        (refused.status, refused.error_code().as_str()),
        (StatusCode::FORBIDDEN, "forbidden")
    );
    let forged = Request::builder()
        .method(Method::DELETE)
        .uri(uri(&first))
        .header(header::COOKIE, &author)
        .header(header::HOST, "tapedeck.test")
        .header(header::ORIGIN, "https://evil.test")
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(forged).await.error_code(), "csrf_rejected");
    assert_eq!(
        app.delete(&uri(&first), &author).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.delete(&uri(&first), &author).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.delete(&uri(&second), &admin).await.status,
        StatusCode::NO_CONTENT
    );
    assert!(list(&app, &author).await.is_empty());
}

#[tokio::test]
async fn notes_go_with_their_session() {
    let app = app_with_session().await;
    let owner = app.login("owner@test.test", "owner").await;
    add(&app, &owner, 10, "soon gone").await;
    assert_eq!(
        app.meta
            .timeline_entries(SESSION, None, 10)
            .await
            .unwrap()
            .len(),
        1,
        "its page load"
    );
    assert!(app.meta.activity(SESSION, None).await.unwrap().is_some());
    let deleted = app
        .delete(&format!("/api/v1/sessions/{SESSION}"), &owner)
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert!(app.meta.notes(SESSION).await.unwrap().is_empty());
    assert!(
        app.meta
            .timeline_entries(SESSION, None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(app.meta.activity(SESSION, None).await.unwrap(), None);
    let gone = app
        .get(&format!("/api/v1/sessions/{SESSION}/notes"), &owner)
        .await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
}
