//! A real recording (fixtures/recorded-form-session.json: batches the SDK sent from Chromium,
//! two page loads in one tab) goes through ingest; the session's metadata is what it showed.

use axum::http::StatusCode;
use serde_json::{Value, json};
use tapedeck_testkit::{TestApp, fixture_path, gzip};

fn fixture_batches() -> Vec<Value> {
    let text =
        std::fs::read_to_string(fixture_path("recorded-form-session.json")).expect("fixture");
    let fixture: Value = serde_json::from_str(&text).expect("fixture JSON");
    fixture["batches"].as_array().expect("batches").clone()
}

#[tokio::test]
async fn metadata_is_extracted_from_a_real_recording() {
    let app = TestApp::new().await;
    let batches = fixture_batches();
    assert_eq!(
        batches.len(),
        2,
        "the fixture holds one batch per page load"
    );
    // Out of order, compressed and not, as retries and beacons deliver them.
    for (i, batch) in batches.iter().enumerate().rev() {
        let body = batch.to_string().into_bytes();
        let body = if i == 0 { gzip(&body) } else { body };
        assert_eq!(app.ingest(body, &[]).await.status, StatusCode::OK);
    }
    let all_events: Vec<&Value> = batches
        .iter()
        .flat_map(|b| b["events"].as_array().unwrap())
        .collect();
    let first_ts = all_events
        .iter()
        .map(|e| e["timestamp"].as_i64().unwrap())
        .min()
        .unwrap();
    let last_ts = all_events
        .iter()
        .map(|e| e["timestamp"].as_i64().unwrap())
        .max()
        .unwrap();
    let site = batches[0]["meta"]["url"].as_str().unwrap().to_string();

    let cookie = app.login("agent@test.test", "viewer").await;
    let id = batches[0]["session_id"].as_str().unwrap();
    let session = app
        .get(&format!("/api/v1/sessions/{id}"), &cookie)
        .await
        .json();
    assert_eq!(session["event_count"], all_events.len());
    assert_eq!(
        session["duration"].as_f64().unwrap(),
        (last_ts - first_ts) as f64 / 1000.0
    );
    assert_eq!(session["page_views"], 2);
    assert_eq!(session["first_url"], site.as_str());
    let urls: Vec<&str> = session["urls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["url"].as_str().unwrap())
        .collect();
    assert_eq!(urls, [site.clone(), format!("{site}?step=2")]);
    assert_eq!(
        (
            &session["user_id"],
            &session["user_email"],
            &session["user_name"]
        ),
        (
            &json!("u-fixture"),
            &json!("ada@fixture.test"),
            &json!("Ada Fixture")
        )
    );
    assert_eq!(
        (&session["browser"], &session["browser_version"]),
        (&json!("Chrome Headless"), &json!("156.0"))
    );
    assert_eq!(
        (&session["os"], &session["device_type"]),
        (&json!("Linux"), &json!("desktop"))
    );
    assert_eq!(session["viewport"], json!({ "width": 1000, "height": 640 }));

    // The events come back in recorded order, byte-for-byte what the SDK sent.
    let events = app
        .get(&format!("/api/v1/sessions/{id}/events"), &cookie)
        .await
        .json();
    let returned: Vec<&Value> = events["events"].as_array().unwrap().iter().collect();
    assert_eq!(returned, all_events);
}
