//! Ingest through the real router on the embedded default (SQLite file + local blob directory).

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::json;
use tapedeck_testkit::{TestApp, batch, gzip};

fn stored_segment_files(app: &TestApp) -> usize {
    fn walk(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .flatten()
                    .map(|e| {
                        if e.path().is_dir() {
                            walk(&e.path())
                        } else {
                            usize::from(e.path().to_string_lossy().ends_with(".json.zst"))
                        }
                    })
                    .sum()
            })
            .unwrap_or(0)
    }
    walk(&app.dir.path().join("blobs"))
}

#[tokio::test]
async fn a_batch_is_stored_and_read_back() {
    let app = TestApp::new().await;
    let body = batch("s-1", 0, 1_700_000_000_000, 3);
    let response = app.ingest(body.clone(), &[]).await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.json(), json!({ "status": "stored" }));

    let cookie = app.login("owner@test.test", "owner").await;
    let events = app.get("/api/v1/sessions/s-1/events", &cookie).await;
    assert_eq!(events.status, StatusCode::OK);
    let sent: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        events.json(),
        json!({ "session_id": "s-1", "window_id": "w-1", "windows": ["w-1"], "events": sent["events"],
                "range": {"from": null, "to": null, "start_ms": 0, "keyframe_ms": 0, "end_ms": 4, "has_more": false} })
    );
}

#[tokio::test]
async fn the_same_batch_twice_is_stored_once() {
    let app = TestApp::new().await;
    let body = batch("s-dup", 0, 1_700_000_000_000, 5);
    assert_eq!(
        app.ingest(body.clone(), &[]).await.json(),
        json!({ "status": "stored" })
    );
    assert_eq!(
        app.ingest(body.clone(), &[]).await.json(),
        json!({ "status": "duplicate" })
    );
    let session = app.meta.session("s-dup").await.unwrap().unwrap();
    assert_eq!(session.summary.event_count, 7);
    assert_eq!(app.meta.segments("s-dup").await.unwrap().len(), 1);
    assert_eq!(stored_segment_files(&app), 1);
}

#[tokio::test]
async fn compressed_bodies_are_accepted_by_header_and_by_magic_bytes() {
    let app = TestApp::new().await;
    let gz = gzip(batch("s-gz", 0, 1000, 1).as_bytes());
    assert_eq!(
        app.ingest(gz.clone(), &[("content-encoding", "gzip")])
            .await
            .status,
        StatusCode::OK
    );
    let gz = gzip(batch("s-gz", 1, 2000, 1).as_bytes());
    assert_eq!(
        app.ingest(gz, &[]).await.status,
        StatusCode::OK,
        "gzip found by magic bytes (sendBeacon)"
    );
    let zs = zstd::encode_all(batch("s-gz", 2, 3000, 1).as_bytes(), 3).unwrap();
    assert_eq!(
        app.ingest(zs.clone(), &[("content-encoding", "zstd")])
            .await
            .status,
        StatusCode::OK
    );
    let zs = zstd::encode_all(batch("s-gz", 3, 4000, 1).as_bytes(), 3).unwrap();
    assert_eq!(app.ingest(zs, &[]).await.status, StatusCode::OK);
    assert_eq!(app.meta.segments("s-gz").await.unwrap().len(), 4);
}

#[tokio::test]
async fn the_project_key_may_come_in_the_query_for_beacons() {
    let app = TestApp::new().await;
    let request = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1/ingest?project={}", app.project.ingest_key))
        .header(header::CONTENT_TYPE, "text/plain;charset=UTF-8")
        .body(Body::from(gzip(batch("s-beacon", 0, 1000, 0).as_bytes())))
        .unwrap();
    assert_eq!(app.send(request).await.status, StatusCode::OK);
}

/// Asserts an error answer: status, code, and that the message names `mentions`.
async fn assert_refused(
    app: &TestApp,
    body: Vec<u8>,
    headers: &[(&str, &str)],
    status: StatusCode,
    code: &str,
    mentions: &str,
) {
    let response = app.ingest(body, headers).await;
    assert_eq!(
        (response.status, response.error_code().as_str()),
        (status, code),
        "{:?}",
        response.body
    );
    let message = response.json()["error"]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        message.contains(mentions),
        "message {message:?} should mention {mentions:?}"
    );
}

#[tokio::test]
async fn each_error_has_its_stable_code() {
    let app = TestApp::with_origins(&["https://shop.test"]).await;
    let ok = batch("s-err", 0, 1000, 0);
    assert_refused(
        &app,
        b"{not json".to_vec(),
        &[],
        StatusCode::BAD_REQUEST,
        "invalid_json",
        "JSON",
    )
    .await;
    let bad_seq = ok.replace("\"seq\":0", "\"seq\":\"zero\"");
    assert_refused(
        &app,
        bad_seq.into_bytes(),
        &[],
        StatusCode::BAD_REQUEST,
        "invalid_batch",
        "`seq`",
    )
    .await;
    let bad_id = ok.replace("\"session_id\":\"s-err\"", "\"session_id\":\"../../etc\"");
    assert_refused(
        &app,
        bad_id.into_bytes(),
        &[],
        StatusCode::BAD_REQUEST,
        "invalid_batch",
        "`session_id`",
    )
    .await;
    assert_refused(
        &app,
        ok.clone().into_bytes(),
        &[("origin", "https://evil.test")],
        StatusCode::FORBIDDEN,
        "origin_not_allowed",
        "origin",
    )
    .await;
    assert_refused(
        &app,
        vec![b' '; 1024 * 1024 + 1],
        &[],
        StatusCode::PAYLOAD_TOO_LARGE,
        "batch_too_large",
        "as sent",
    )
    .await;
    let bomb = gzip(&vec![b' '; 17 * 1024 * 1024]);
    assert!(
        bomb.len() < 1024 * 1024,
        "the bomb itself passes the compressed cap"
    );
    assert_refused(
        &app,
        bomb,
        &[],
        StatusCode::PAYLOAD_TOO_LARGE,
        "batch_too_large",
        "decodes",
    )
    .await;
    assert_refused(
        &app,
        ok.clone().into_bytes(),
        &[("content-encoding", "br")],
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_encoding",
        "br",
    )
    .await;
    assert_refused(
        &app,
        b"\x1f\x8b\x08garbage".to_vec(),
        &[],
        StatusCode::BAD_REQUEST,
        "invalid_json",
        "decode",
    )
    .await;

    let response = app.ingest_with_key("tdp_nope", ok.clone(), &[]).await;
    assert_eq!(
        (response.status, response.error_code().as_str()),
        (StatusCode::UNAUTHORIZED, "unknown_project")
    );

    // Nothing of the refused batches was stored; an allowed origin still gets in.
    assert!(app.meta.session("s-err").await.unwrap().is_none());
    assert_eq!(stored_segment_files(&app), 0);
    let allowed = app
        .ingest(ok.into_bytes(), &[("origin", "https://shop.test")])
        .await;
    assert_eq!(allowed.status, StatusCode::OK);
    assert_eq!(
        allowed
            .headers
            .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
            .unwrap(),
        "https://shop.test"
    );
}

#[tokio::test]
async fn a_session_id_of_another_project_is_refused() {
    let app = TestApp::new().await;
    assert_eq!(
        app.ingest(batch("s-owned", 0, 1000, 0), &[]).await.status,
        StatusCode::OK
    );
    let other = tapedeck_store::NewProject {
        organization_id: app.org_id.clone(),
        name: "other".into(),
        ingest_key: "tdp_other".into(),
        allowed_origins: vec![],
        region: tapedeck_store::DEFAULT_REGION.into(),
    };
    app.meta.create_project(&other, 0).await.unwrap();
    let response = app
        .ingest_with_key("tdp_other", batch("s-owned", 1, 2000, 0), &[])
        .await;
    assert_eq!(
        (response.status, response.error_code().as_str()),
        (StatusCode::BAD_REQUEST, "invalid_batch")
    );
    assert_eq!(app.meta.segments("s-owned").await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_failing_blob_store_answers_503_and_stores_nothing() {
    let app = TestApp::new().await;
    // A file where the recordings directory should be makes every blob write fail.
    std::fs::create_dir_all(app.dir.path().join("blobs")).unwrap();
    std::fs::write(app.dir.path().join("blobs/recordings"), b"in the way").unwrap();
    let response = app.ingest(batch("s-503", 0, 1000, 0), &[]).await;
    assert_eq!(
        (response.status, response.error_code().as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, "storage_unavailable")
    );
    assert!(response.headers.get(header::RETRY_AFTER).is_some());
    assert!(app.meta.session("s-503").await.unwrap().is_none());
    // Once storage is back, the retried batch is stored.
    std::fs::remove_file(app.dir.path().join("blobs/recordings")).unwrap();
    assert_eq!(
        app.ingest(batch("s-503", 0, 1000, 0), &[]).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn an_unreachable_bucket_answers_503_and_stores_nothing() {
    let closed_port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let credentials = tapedeck_store::S3Credentials {
        access_key_id: "test".into(),
        secret_access_key: "test-secret".into(),
        session_token: None,
    };
    let url = format!(
        "s3://recordings?endpoint=http://127.0.0.1:{closed_port}&region=us-east-1&path_style=true"
    );
    let bucket = tapedeck_store::open_blob_store_with(&url, Some(&credentials)).unwrap();
    let app = TestApp::with_blob_store(bucket).await;
    let response = app.ingest(batch("s-s3-down", 0, 1000, 0), &[]).await;
    assert_eq!(
        (response.status, response.error_code().as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, "storage_unavailable")
    );
    assert!(app.meta.session("s-s3-down").await.unwrap().is_none());
}

#[tokio::test]
async fn preflight_is_answered_for_the_recorder() {
    let app = TestApp::new().await;
    let request = Request::builder()
        .method(Method::OPTIONS)
        .uri("/api/v1/ingest")
        .header(header::ORIGIN, "https://shop.test")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "content-type,content-encoding,x-tapedeck-project",
        )
        .body(Body::empty())
        .unwrap();
    let response = app.send(request).await;
    assert_eq!(response.status, StatusCode::NO_CONTENT);
    assert_eq!(
        response
            .headers
            .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
            .unwrap(),
        "https://shop.test"
    );
    let allowed = response
        .headers
        .get(header::ACCESS_CONTROL_ALLOW_HEADERS)
        .unwrap()
        .to_str()
        .unwrap()
        .to_lowercase();
    assert!(allowed.contains("x-tapedeck-project") && allowed.contains("content-encoding"));
}

#[tokio::test]
async fn recorder_config_is_public_per_project() {
    let app = TestApp::new().await;
    let response = app
        .send(
            Request::builder()
                .uri("/api/v1/recorder-config?project=tdp_test")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.json()["privacy"], "balanced");
    let response = app
        .send(
            Request::builder()
                .uri("/api/v1/recorder-config?project=nope")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(response.error_code(), "unknown_project");
}

#[tokio::test]
async fn many_bombs_at_once_all_get_413_while_decoding_is_bounded() {
    let app = TestApp::new().await;
    let bomb = gzip(&vec![b'{'; 20 * 1024 * 1024]);
    let concurrent = tapedeck_api::MAX_CONCURRENT_DECODES * 4;
    let answers =
        futures::future::join_all((0..concurrent).map(|_| app.ingest(bomb.clone(), &[]))).await;
    for answer in answers {
        assert_eq!(
            (answer.status, answer.error_code().as_str()),
            (StatusCode::PAYLOAD_TOO_LARGE, "batch_too_large")
        );
    }
    // The server still takes a good batch afterwards.
    assert_eq!(
        app.ingest(batch("s-after-bombs", 0, 1000, 0), &[])
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn an_event_sent_in_chunks_is_read_back_whole() {
    let app = TestApp::new().await;
    // A full snapshot far over the 1 MiB batch cap, as the SDK splits it: one chunk per batch.
    let text: String = (0..300_000)
        .map(|i| char::from(b'a' + (i % 26) as u8))
        .collect::<String>()
        + "ünïcödé ✓";
    let snapshot = json!({"type": 2, "timestamp": 1001, "data": {"node": {"type": 0, "text": text.repeat(4)}}}).to_string();
    assert!(snapshot.len() > 1024 * 1024);
    let meta_event = json!({"type": 4, "timestamp": 1000, "data": {"href": "https://big.test/", "width": 800, "height": 600}});
    let first =
        json!({"session_id": "s-chunks", "window_id": "w-1", "seq": 0, "events": [meta_event]});
    assert_eq!(
        app.ingest(first.to_string(), &[]).await.status,
        StatusCode::OK
    );
    let pieces: Vec<String> = snapshot
        .chars()
        .collect::<Vec<_>>()
        .chunks(512 * 1024)
        .map(|c| c.iter().collect())
        .collect();
    for (i, piece) in pieces.iter().enumerate() {
        let payload =
            json!({"id": "chunk-1", "index": i, "count": pieces.len(), "type": 2, "data": piece});
        let chunk = json!({"type": 5, "timestamp": 1001, "data": {"tag": "tapedeck.chunk", "payload": payload}});
        let body =
            json!({"session_id": "s-chunks", "window_id": "w-1", "seq": i + 1, "events": [chunk]})
                .to_string();
        let response = app.ingest(gzip(body.as_bytes()), &[]).await;
        assert_eq!(
            response.status,
            StatusCode::OK,
            "chunk {i}: {:?}",
            response.body
        );
    }
    let tail = json!({"session_id": "s-chunks", "window_id": "w-1", "seq": pieces.len() + 1, "events": [{"type": 3, "timestamp": 1002, "data": {}}]});
    assert_eq!(
        app.ingest(tail.to_string(), &[]).await.status,
        StatusCode::OK
    );

    let cookie = app.login("owner@test.test", "owner").await;
    let events = app
        .get("/api/v1/sessions/s-chunks/events", &cookie)
        .await
        .json();
    let expected: serde_json::Value = serde_json::from_str(&snapshot).unwrap();
    assert_eq!(
        events["events"],
        json!([meta_event, expected, {"type": 3, "timestamp": 1002, "data": {}}])
    );
}

/// Every stored segment of the app, opened and decompressed, as one string.
async fn stored_plaintext(app: &TestApp) -> String {
    let owner = tapedeck_store::BlobOwner::of(&app.project);
    let mut out = String::new();
    for key in app.blobs.list_prefix("recordings").await.unwrap() {
        let opened = app.recordings.get_opened(&owner, &key).await.unwrap();
        out.push_str(&String::from_utf8(zstd::decode_all(&opened[..]).unwrap()).unwrap());
    }
    out
}

#[tokio::test]
async fn a_raw_batch_with_personal_data_is_stored_scrubbed() {
    let app = TestApp::new().await;
    // What any rrweb recorder that masks nothing would send.
    let body = json!({
        "session_id": "s-pii", "window_id": "w-1", "seq": 0,
        "meta": {"url": "https://shop.test/account?email=grace@navy.test"},
        "events": [
            {"type": 4, "timestamp": 1000, "data": {"href": "https://shop.test/account?email=grace@navy.test", "width": 800, "height": 600}},
            {"type": 2, "timestamp": 1001, "data": {"node": {"type": 0, "id": 1, "childNodes": [
                {"type": 2, "tagName": "p", "id": 2, "attributes": {"data-phone": "+1 415 555 0132"}, "childNodes": [
                    {"type": 3, "id": 3, "textContent": "Contact grace@navy.test, card 4242 4242 4242 4242, SSN 123-45-6789"}]}]}}},
            {"type": 3, "timestamp": 1002, "data": {"source": 5, "id": 7, "text": "5555555555554444", "isChecked": false}},
            {"type": 3, "timestamp": 1003, "data": {"source": 0, "texts": [{"id": 3, "value": "IBAN GB82 WEST 1234 5698 7654 32"}], "attributes": [], "adds": [], "removes": []}},
            {"type": 5, "timestamp": 1004, "data": {"tag": "tapedeck.console", "payload": {"level": "error", "args": ["token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"]}}},
            {"type": 5, "timestamp": 1005, "data": {"tag": "tapedeck.network", "payload": {"request_headers": {"x-debug": "Bearer sk_live_abcdef123456"}}}}
        ]
    });
    assert_eq!(
        app.ingest(body.to_string(), &[]).await.status,
        StatusCode::OK
    );
    let secrets = [
        "grace@navy.test",
        "4242 4242 4242 4242",
        "123-45-6789",
        "415 555 0132",
        "5555555555554444",
        "GB82 WEST",
        "eyJhbGciOiJIUzI1NiJ9",
        "sk_live_abcdef123456",
    ];
    let on_disk = stored_plaintext(&app).await;
    let cookie = app.login("owner@test.test", "owner").await;
    let through_api = String::from_utf8(
        app.get("/api/v1/sessions/s-pii/events", &cookie)
            .await
            .body
            .to_vec(),
    )
    .unwrap();
    let session = String::from_utf8(
        app.get("/api/v1/sessions/s-pii", &cookie)
            .await
            .body
            .to_vec(),
    )
    .unwrap();
    for secret in secrets {
        assert!(!on_disk.contains(secret), "{secret} is on disk: {on_disk}");
        assert!(
            !through_api.contains(secret),
            "{secret} came back from the API"
        );
        assert!(
            !session.contains(secret),
            "{secret} is in the session metadata"
        );
    }
    // The shape survives: masked text keeps its length, structure is untouched.
    assert!(
        on_disk.contains("Contact *****@****.****, card **** **** **** ****, SSN ***-**-****"),
        "{on_disk}"
    );
    assert!(on_disk.contains("\"tagName\":\"p\""));
}
