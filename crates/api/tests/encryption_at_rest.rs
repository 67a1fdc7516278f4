//! Encryption at rest: after a batch with known page text is stored, no file under the data
//! directory (blobs, SQLite database and WAL) and no object in the S3 bucket contains that
//! text, yet the events API returns it. Timeline details (a console call's stack, a request's
//! headers and body) are sealed the same way; only an entry's short label and search text (a
//! console message, a request's method, URL and status) stay in clear, for search.

use axum::http::StatusCode;
use tapedeck_testkit::TestApp;

const PAGE_TEXT: &str = "Quarterly lighthouse inventory for Marguerite";

fn batch_with_text(session: &str) -> String {
    serde_json::json!({
        "session_id": session, "window_id": "w-1", "seq": 0,
        "meta": {"url": "https://shop.test/"},
        "events": [
            {"type": 4, "timestamp": 1_000, "data": {"href": "https://shop.test/", "width": 800, "height": 600}},
            {"type": 2, "timestamp": 1_001, "data": {"node": {"type": 0, "childNodes": [
                {"type": 3, "textContent": PAGE_TEXT, "id": 2}
            ], "id": 1}, "initialOffset": {"left": 0, "top": 0}}}
        ]
    })
    .to_string()
}

fn files_containing(dir: &std::path::Path, needle: &[u8]) -> Vec<String> {
    let mut hits = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            for entry in std::fs::read_dir(&path).unwrap() {
                stack.push(entry.unwrap().path());
            }
        } else {
            let bytes = std::fs::read(&path).unwrap();
            if bytes.windows(needle.len()).any(|w| w == needle) {
                hits.push(path.display().to_string());
            }
        }
    }
    hits
}

#[tokio::test]
async fn no_file_holds_page_text_but_the_api_returns_it() {
    let app = TestApp::new().await;
    let response = app.ingest(batch_with_text("s-secret"), &[]).await;
    assert_eq!(response.status, StatusCode::OK, "{:?}", response.body);

    let blob_files = app.blobs.list_prefix("recordings").await.unwrap();
    assert_eq!(blob_files.len(), 1, "the batch is stored as one blob");
    let raw = app.blobs.get(&blob_files[0]).await.unwrap();
    assert_eq!(&raw[..4], b"TDS1", "the blob is sealed");

    // Every piece of the page text (a zstd window could keep a fragment literal).
    for needle in [PAGE_TEXT, "lighthouse", "Marguerite"] {
        let hits = files_containing(app.dir.path(), needle.as_bytes());
        assert!(hits.is_empty(), "{needle:?} is readable in {hits:?}");
    }

    let cookie = app.login("ada@example.test", "member").await;
    let events = app.get("/api/v1/sessions/s-secret/events", &cookie).await;
    assert_eq!(events.status, StatusCode::OK);
    assert!(String::from_utf8_lossy(&events.body).contains(PAGE_TEXT));
}

#[tokio::test]
async fn no_object_in_the_bucket_holds_page_text() {
    let Some(bucket) = tapedeck_testkit::s3::test_blob_store() else {
        return;
    };
    let app = TestApp::with_blob_store(bucket).await;
    let response = app.ingest(batch_with_text("s-bucket"), &[]).await;
    assert_eq!(response.status, StatusCode::OK, "{:?}", response.body);
    let keys = app.blobs.list_prefix("recordings").await.unwrap();
    assert_eq!(keys.len(), 1);
    for key in &keys {
        // The object exactly as the S3 server stores and serves it.
        let raw = app.blobs.get(key).await.unwrap();
        assert_eq!(&raw[..4], b"TDS1");
        for needle in [PAGE_TEXT, "lighthouse", "Marguerite"] {
            assert!(
                !raw.windows(needle.len()).any(|w| w == needle.as_bytes()),
                "{needle:?} is readable in object {key}"
            );
        }
    }
    let cookie = app.login("ada@example.test", "member").await;
    let events = app.get("/api/v1/sessions/s-bucket/events", &cookie).await;
    assert!(String::from_utf8_lossy(&events.body).contains(PAGE_TEXT));
}

#[tokio::test]
async fn a_tampered_blob_is_an_error_not_garbage() {
    let app = TestApp::new().await;
    assert_eq!(
        app.ingest(batch_with_text("s-tamper"), &[]).await.status,
        StatusCode::OK
    );
    let key = app.blobs.list_prefix("recordings").await.unwrap().remove(0);
    let mut raw = app.blobs.get(&key).await.unwrap().to_vec();
    let middle = raw.len() / 2;
    raw[middle] ^= 0x40;
    app.blobs.put(&key, raw.into()).await.unwrap();

    let cookie = app.login("ada@example.test", "member").await;
    let events = app.get("/api/v1/sessions/s-tamper/events", &cookie).await;
    assert_eq!(events.status, StatusCode::INTERNAL_SERVER_ERROR);
}

#[tokio::test]
async fn timeline_details_are_sealed_in_the_database_and_open_in_the_api() {
    const STACK: &str = "at ledgerOfMarguerite7731 (app.js:1:2)";
    const BODY: &str = "response-body-Quillfeather-5520";
    let app = TestApp::new().await;
    let batch = serde_json::json!({
        "session_id": "s-console", "window_id": "w-1", "seq": 0,
        "meta": {"url": "https://shop.test/"},
        "events": [
            {"type": 4, "timestamp": 1_000, "data": {"href": "https://shop.test/", "width": 800, "height": 600}},
            {"type": 5, "timestamp": 1_002, "data": {"tag": "tapedeck.console", "payload": {"level": "log", "args": ["first"], "stack": STACK}}},
            {"type": 5, "timestamp": 1_003, "data": {"tag": "tapedeck.network", "payload": {
                "kind": "fetch", "method": "GET", "url": "https://shop.test/api/x", "status": 200, "ok": true,
                "start": 1_003, "duration_ms": 5, "response_body": BODY}}}
        ]
    });
    let response = app.ingest(batch.to_string(), &[]).await;
    assert_eq!(response.status, StatusCode::OK, "{:?}", response.body);
    for needle in [STACK, BODY] {
        let hits = files_containing(app.dir.path(), needle.as_bytes());
        assert!(hits.is_empty(), "{needle:?} is readable in {hits:?}");
    }
    let cookie = app.login("ada@example.test", "member").await;
    let timeline = app
        .get("/api/v1/sessions/s-console/timeline", &cookie)
        .await;
    assert_eq!(timeline.status, StatusCode::OK);
    let text = String::from_utf8_lossy(&timeline.body);
    assert!(text.contains(STACK) && text.contains(BODY), "{text}");
}
