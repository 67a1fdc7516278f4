//! GDPR/CCPA export of one end user (`GET /api/v1/end-users/{user_id}/data`): every session of
//! that user in the organizations the caller manages — compacted or not — with every event, no
//! one else's, only for owners and admins, audited once per organization.

use axum::http::StatusCode;
use serde_json::{Value, json};
use tapedeck_core::recording::WriteOptions;
use tapedeck_store::AuditEntry;
use tapedeck_testkit::{TestApp, batch};
use tapedeck_worker::compact_session;

fn batch_of(session: &str, seq: u32, first_ts: i64, user: &str) -> String {
    let mut body: Value = serde_json::from_str(&batch(session, seq, first_ts, 3)).unwrap();
    body["meta"]["user"] = json!({ "id": user, "email": format!("{user}@shop.test") });
    body.to_string()
}

async fn ingest(app: &TestApp, body: String) {
    assert_eq!(app.ingest(body, &[]).await.status, StatusCode::OK);
}

async fn audit(app: &TestApp) -> Vec<AuditEntry> {
    app.audit_without_logins().await
}

/// Session id → its events' timestamps, window by window, from an export document.
fn sessions_in(doc: &Value) -> Vec<(String, Vec<Vec<i64>>)> {
    let mut out = Vec::new();
    for org in doc["organizations"].as_array().unwrap() {
        for s in org["sessions"].as_array().unwrap() {
            let windows = s["windows"]
                .as_array()
                .unwrap()
                .iter()
                .map(|w| {
                    w["events"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|e| e["timestamp"].as_i64().unwrap())
                        .collect()
                })
                .collect();
            out.push((s["session"]["id"].as_str().unwrap().to_string(), windows));
        }
    }
    out.sort();
    out
}

#[tokio::test]
async fn an_end_users_export_holds_all_their_sessions_compacted_or_not_and_nothing_else() {
    let app = TestApp::new().await;
    ingest(&app, batch_of("s-a1", 0, 1_000, "u-ada")).await;
    ingest(&app, batch_of("s-a1", 1, 9_000, "u-ada")).await;
    ingest(&app, batch_of("s-a2", 0, 50_000, "u-ada")).await;
    ingest(&app, batch_of("s-bob", 0, 2_000, "u-bob")).await;
    let report = compact_session(
        app.meta.as_ref(),
        &app.recordings,
        "s-a1",
        WriteOptions::default(),
        60_000,
    )
    .await
    .unwrap();
    assert!(
        report.is_some(),
        "s-a1 is read from its compacted recording"
    );

    let admin = app.login("admin@test.test", "admin").await;
    let response = app.get("/api/v1/end-users/u-ada/data", &admin).await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(
        response.headers["content-type"], "application/json",
        "a JSON document"
    );
    let disposition = response.headers["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment") && disposition.contains("u-ada"),
        "{disposition}"
    );
    let doc = response.json();
    assert_eq!(doc["format"], "tapedeck.end-user-data");
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["user_id"], "u-ada");
    let a1: Vec<i64> = [1_000, 1_001, 1_002, 1_003, 1_004]
        .into_iter()
        .chain([9_000, 9_001, 9_002, 9_003, 9_004])
        .collect();
    let a2 = vec![50_000, 50_001, 50_002, 50_003, 50_004];
    assert_eq!(
        sessions_in(&doc),
        [
            ("s-a1".to_string(), vec![a1]),
            ("s-a2".to_string(), vec![a2])
        ]
    );
    let first = &doc["organizations"][0]["sessions"][0]["session"];
    assert_eq!(first["user_id"], "u-ada", "with the session's metadata");
    assert!(
        !String::from_utf8_lossy(&response.body).contains("u-bob"),
        "nothing of another end user"
    );

    let entries = audit(&app).await;
    assert_eq!(entries.len(), 1, "one audit entry");
    assert_eq!(entries[0].action, "end_user.export");
    assert_eq!(entries[0].target, "end_user:u-ada");
    assert_eq!(entries[0].details["sessions"], json!(["s-a1", "s-a2"]));
}

#[tokio::test]
async fn only_owners_and_admins_export_and_only_their_organizations_data() {
    let app = TestApp::new().await;
    ingest(&app, batch_of("s-a1", 0, 1_000, "u-ada")).await;
    for role in ["member", "viewer"] {
        let cookie = app.login(&format!("{role}@test.test"), role).await;
        let refused = app.get("/api/v1/end-users/u-ada/data", &cookie).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{role}");
    }
    // An owner of another organization finds nothing of this one's end user.
    let other = app.meta.create_organization("Other", 0).await.unwrap();
    let foreign = app.login_in(&other.id, "owner@other.test", "owner").await;
    let response = app.get("/api/v1/end-users/u-ada/data", &foreign).await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(sessions_in(&response.json()), []);
    assert!(
        audit(&app).await.is_empty(),
        "nothing of this organization was read"
    );

    let owner = app.login("owner@test.test", "owner").await;
    let too_long = "x".repeat(300);
    let refused = app
        .get(&format!("/api/v1/end-users/{too_long}/data"), &owner)
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(refused.error_code(), "invalid_request");
}
