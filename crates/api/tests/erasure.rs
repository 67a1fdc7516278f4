//! Deleting recordings: one session, everything of one end user (GDPR), and retention with a
//! chosen "now". Each leaves no blob and no row behind, and exactly one audit entry.

use axum::http::StatusCode;
use serde_json::json;
use tapedeck_store::AuditEntry;
use tapedeck_store::erase::sweep_retention;
use tapedeck_testkit::{TestApp, batch};

const DAY_MS: i64 = 86_400_000;

async fn audit(app: &TestApp) -> Vec<AuditEntry> {
    app.audit_without_logins().await
}

async fn blob_count(app: &TestApp, session: &str) -> usize {
    let prefix = format!("recordings/{}/{session}", app.project.id);
    app.blobs.list_prefix(&prefix).await.unwrap().len()
}

fn batch_of_user(session: &str, user: &str) -> String {
    let mut body: serde_json::Value = serde_json::from_str(&batch(session, 0, 1_000, 2)).unwrap();
    body["meta"]["user"] = json!({ "id": user });
    body.to_string()
}

#[tokio::test]
async fn deleting_a_session_needs_a_managing_role_and_removes_everything_once() {
    let app = TestApp::new().await;
    assert_eq!(
        app.ingest(batch("s-del", 0, 1_000, 2), &[]).await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.ingest(batch("s-del", 1, 5_000, 2), &[]).await.status,
        StatusCode::OK
    );
    assert_eq!(blob_count(&app, "s-del").await, 2);

    let member = app.login("member@test.test", "member").await;
    let refused = app.delete("/api/v1/sessions/s-del", &member).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(
        blob_count(&app, "s-del").await,
        2,
        "a refused delete changes nothing"
    );

    let admin = app.login("admin@test.test", "admin").await;
    let done = app.delete("/api/v1/sessions/s-del", &admin).await;
    assert_eq!(done.status, StatusCode::NO_CONTENT);
    assert_eq!(blob_count(&app, "s-del").await, 0);
    assert!(app.meta.session("s-del").await.unwrap().is_none());
    assert!(app.meta.segments("s-del").await.unwrap().is_empty());
    let again = app.delete("/api/v1/sessions/s-del", &admin).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);

    let entries = audit(&app).await;
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0].action, "session.delete");
    assert_eq!(entries[0].target, "session:s-del");
    assert!(entries[0].actor.starts_with("user:"));
}

#[tokio::test]
async fn another_organizations_session_cannot_be_deleted() {
    let app = TestApp::new().await;
    assert_eq!(
        app.ingest(batch("s-mine", 0, 1_000, 1), &[]).await.status,
        StatusCode::OK
    );
    let other = app.meta.create_organization("Other", 0).await.unwrap();
    let outsider = app.login_in(&other.id, "owner@other.test", "owner").await;
    let response = app.delete("/api/v1/sessions/s-mine", &outsider).await;
    assert_eq!(response.status, StatusCode::NOT_FOUND);
    assert_eq!(blob_count(&app, "s-mine").await, 1);
}

#[tokio::test]
async fn erasing_an_end_user_removes_only_their_sessions() {
    let app = TestApp::new().await;
    for (session, user) in [("s-a1", "u-ada"), ("s-a2", "u-ada"), ("s-b1", "u-bob")] {
        let response = app.ingest(batch_of_user(session, user), &[]).await;
        assert_eq!(response.status, StatusCode::OK);
    }
    let viewer = app.login("viewer@test.test", "viewer").await;
    let refused = app.delete("/api/v1/end-users/u-ada/data", &viewer).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let owner = app.login("owner@test.test", "owner").await;
    let response = app.delete("/api/v1/end-users/u-ada/data", &owner).await;
    assert_eq!(response.status, StatusCode::OK, "{:?}", response.body);
    assert_eq!(response.json()["sessions_deleted"], 2);
    for session in ["s-a1", "s-a2"] {
        assert!(app.meta.session(session).await.unwrap().is_none());
        assert_eq!(blob_count(&app, session).await, 0);
    }
    assert!(app.meta.session("s-b1").await.unwrap().is_some());
    assert_eq!(blob_count(&app, "s-b1").await, 1);

    let entries = audit(&app).await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].action, "end_user.erase");
    assert_eq!(entries[0].details["sessions"], json!(["s-a1", "s-a2"]));
}

#[tokio::test]
async fn retention_deletes_sessions_past_their_projects_days_exactly_once() {
    let app = TestApp::new().await;
    assert_eq!(
        app.ingest(batch("s-old", 0, 1_000, 1), &[]).await.status,
        StatusCode::OK
    );
    let ingested_at = app
        .meta
        .session("s-old")
        .await
        .unwrap()
        .unwrap()
        .updated_at_ms;
    // Still recording: retention never takes a live session.
    let far_future = ingested_at + 365 * DAY_MS;
    let report = sweep_retention(app.meta.as_ref(), &app.recordings, far_future)
        .await
        .unwrap();
    assert_eq!(report.sessions_deleted, 0);
    app.meta
        .mark_idle_sessions(i64::MAX, ingested_at)
        .await
        .unwrap();

    let day_29 = ingested_at + 29 * DAY_MS;
    let report = sweep_retention(app.meta.as_ref(), &app.recordings, day_29)
        .await
        .unwrap();
    assert_eq!(report.sessions_deleted, 0, "the default keeps 30 days");

    let day_31 = ingested_at + 31 * DAY_MS;
    let report = sweep_retention(app.meta.as_ref(), &app.recordings, day_31)
        .await
        .unwrap();
    assert_eq!((report.sessions_deleted, report.blobs_deleted), (1, 1));
    assert!(app.meta.session("s-old").await.unwrap().is_none());
    assert_eq!(blob_count(&app, "s-old").await, 0);
    let again = sweep_retention(app.meta.as_ref(), &app.recordings, day_31)
        .await
        .unwrap();
    assert_eq!(again.sessions_deleted, 0);

    let entries = audit(&app).await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].actor, "system:retention");
    assert_eq!(entries[0].details["retention_days"], 30);
}

#[tokio::test]
async fn a_project_with_shorter_retention_loses_sessions_sooner() {
    let app = TestApp::new().await;
    let patch = tapedeck_core::project_settings::ProjectSettingsPatch {
        retention_days: Some(1),
        ..Default::default()
    };
    app.meta
        .update_project_settings(&app.project.id, &patch)
        .await
        .unwrap();
    assert_eq!(
        app.ingest(batch("s-short", 0, 1_000, 1), &[]).await.status,
        StatusCode::OK
    );
    let ingested_at = app
        .meta
        .session("s-short")
        .await
        .unwrap()
        .unwrap()
        .updated_at_ms;
    app.meta
        .mark_idle_sessions(i64::MAX, ingested_at)
        .await
        .unwrap();
    let day_2 = ingested_at + 2 * DAY_MS;
    let report = sweep_retention(app.meta.as_ref(), &app.recordings, day_2)
        .await
        .unwrap();
    assert_eq!(report.sessions_deleted, 1);
}
