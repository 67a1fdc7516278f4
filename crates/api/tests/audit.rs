//! The audit log through the real router (docs/API.md "Audit log"): every filter alone and
//! combined, keyset pages without gaps or repeats, who may read it, the CSV and NDJSON exports
//! (the same entries as the list, and exactly one `audit.export` entry each), `session.view` once
//! per GET of a session (not per events range), and the client address: the TCP peer, or
//! `X-Forwarded-For` only from a trusted proxy.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tapedeck_store::{AuditEntry, AuditQuery, NewApiKey};
use tapedeck_testkit::{TestApp, TestResponse, batch};
use tower::ServiceExt;

/// Seeded entries are in 1970 (`at` below `SEED_END_MS`); logins and views of the test are now.
const SEED_END_MS: i64 = 100_000;

fn seed_id(n: u32) -> String {
    format!("00000000-0000-7000-8000-{n:012}")
}

fn entry(n: u32, actor: &str, action: &str, target: &str, org: &str) -> AuditEntry {
    AuditEntry {
        id: seed_id(n),
        organization_id: Some(org.to_string()),
        at_ms: i64::from(n) * 1_000,
        actor: actor.into(),
        action: action.into(),
        target: target.into(),
        ip: Some("198.51.100.7".into()),
        details: json!({ "n": n }),
    }
}

async fn user_id(app: &TestApp, cookie: &str) -> String {
    let me = app.get("/api/v1/me", cookie).await.json();
    me["user"]["id"].as_str().unwrap().to_string()
}

/// An admin's cookie and id, and seeded entries: users, an API key, the system, the CLI.
async fn seeded() -> (TestApp, String, String, String) {
    let app = TestApp::new().await;
    let cookie = app.login("admin@test.test", "admin").await;
    let admin = user_id(&app, &cookie).await;
    let key = app
        .meta
        .create_api_key(&NewApiKey {
            id: "k1".into(),
            organization_id: app.org_id.clone(),
            name: "CI export".into(),
            role: "viewer".into(),
            hash: "ab".repeat(32),
            prefix: "tdk_abababab".into(),
            created_by: admin.clone(),
            created_at_ms: 0,
        })
        .await
        .unwrap();
    let org = app.org_id.clone();
    let user = format!("user:{admin}");
    let key_actor = format!("api_key:{}", key.id);
    for e in [
        entry(1, &user, "session.view", "session:s1", &org),
        entry(2, &key_actor, "session.export", "session:s1", &org),
        entry(3, &user, "session.delete", "session:s2", &org),
        entry(4, "system:retention", "session.delete", "session:s3", &org),
        entry(5, "cli", "end_user.erase", "end_user:p/u-42", &org),
        entry(6, &user, "session.view", "session:s2", &org),
        entry(
            7,
            &user,
            "sessions.other",
            "=HYPERLINK(\"http://evil.test\")",
            &org,
        ),
        entry(8, &user, "session.view", "session:s1", "another-org"),
    ] {
        app.meta.append_audit(&e).await.unwrap();
    }
    (app, cookie, admin, org)
}

fn ids(response: &TestResponse) -> Vec<String> {
    assert_eq!(response.status, StatusCode::OK, "{:?}", response.body);
    response.json()["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect()
}

fn seeds(ns: &[u32]) -> Vec<String> {
    ns.iter().map(|n| seed_id(*n)).collect()
}

#[tokio::test]
async fn every_filter_alone_and_combined_lists_its_entries() {
    let (app, cookie, admin, org) = seeded().await;
    // Only the seeded entries: those before SEED_END_MS, unless a case sets its own `to`.
    let list = |query: String| {
        let to = if query.contains("&to=") {
            String::new()
        } else {
            format!("&to={SEED_END_MS}")
        };
        let uri = format!("/api/v1/audit?organization_id={org}{to}{query}");
        let cookie = cookie.clone();
        let app = &app;
        async move { app.get(&uri, &cookie).await }
    };
    let cases: Vec<(String, Vec<u32>)> = vec![
        (String::new(), vec![7, 6, 5, 4, 3, 2, 1]),
        (format!("&actor=user:{admin}"), vec![7, 6, 3, 1]),
        ("&actor=api_key:k1".into(), vec![2]),
        ("&actor=system:retention".into(), vec![4]),
        ("&actor=cli".into(), vec![5]),
        ("&action=session.view".into(), vec![6, 1]),
        ("&action=session.*".into(), vec![6, 4, 3, 2, 1]),
        ("&action=end_user.*".into(), vec![5]),
        ("&target=session:s1".into(), vec![2, 1]),
        ("&from=3000".into(), vec![7, 6, 5, 4, 3]),
        (
            "&from=1970-01-01T00:00:02Z&to=1970-01-01T00:00:05Z".into(),
            vec![4, 3, 2],
        ),
        (
            format!("&actor=user:{admin}&action=session.*&target=session:s2"),
            vec![6, 3],
        ),
        (
            format!("&actor=user:{admin}&action=session.delete&from=4000"),
            vec![],
        ),
        (
            "&action=session.delete&target=session:s3&from=4000".into(),
            vec![4],
        ),
    ];
    for (query, expected) in cases {
        assert_eq!(ids(&list(query.clone()).await), seeds(&expected), "{query}");
    }

    // Each entry as documented, actors named: users by email, API keys by name.
    let page = list("&action=session.*&from=1000&to=2001".into())
        .await
        .json();
    assert_eq!(
        page,
        json!({
            "entries": [
                {"id": seed_id(2), "at": "1970-01-01T00:00:02Z", "actor": "api_key:k1",
                 "actor_email": null, "actor_name": "CI export", "action": "session.export",
                 "target": "session:s1", "ip": "198.51.100.7", "details": {"n": 2}},
                {"id": seed_id(1), "at": "1970-01-01T00:00:01Z", "actor": format!("user:{admin}"),
                 "actor_email": "admin@test.test", "actor_name": null, "action": "session.view",
                 "target": "session:s1", "ip": "198.51.100.7", "details": {"n": 1}},
            ],
            "next_cursor": null,
        })
    );
}

#[tokio::test]
async fn bad_values_are_refused_naming_their_parameter() {
    let (app, cookie, _, org) = seeded().await;
    for (query, param) in [
        (String::new(), "organization_id"),
        (format!("organization_id={org}&action=Session"), "action"),
        (
            format!("organization_id={org}&actor=admin@test.test"),
            "actor",
        ),
        (format!("organization_id={org}&from=soon"), "from"),
        (format!("organization_id={org}&from=5&to=4"), "to"),
        (format!("organization_id={org}&limit=501"), "limit"),
        (format!("organization_id={org}&cursor=%2E%2E%2F"), "cursor"),
        (format!("organization_id={org}&sort=at"), "sort"),
    ] {
        let response = app.get(&format!("/api/v1/audit?{query}"), &cookie).await;
        assert_eq!(response.status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(response.error_code(), "invalid_query");
        assert_eq!(response.json()["error"]["param"], param, "{query}");
    }
    let response = app
        .get(
            &format!("/api/v1/audit/export?organization_id={org}&format=xml"),
            &cookie,
        )
        .await;
    assert_eq!(response.json()["error"]["param"], "format");
}

#[tokio::test]
async fn the_cursor_pages_through_without_gaps_or_repeats() {
    let app = TestApp::new().await;
    let cookie = app.login("owner@test.test", "owner").await;
    let org = app.org_id.clone();
    for n in 1..=23 {
        let action = if n % 3 == 0 {
            "session.delete"
        } else {
            "session.view"
        };
        app.meta
            .append_audit(&entry(n, "cli", action, "session:s", &org))
            .await
            .unwrap();
    }
    for (filter, expected) in [
        ("", (1..=23).rev().collect::<Vec<u32>>()),
        (
            "&action=session.view",
            (1..=23).rev().filter(|n| n % 3 != 0).collect(),
        ),
    ] {
        let mut seen = Vec::new();
        let mut cursor = String::new();
        let mut pages = 0;
        loop {
            let uri = format!(
                "/api/v1/audit?organization_id={org}&to={SEED_END_MS}&limit=5{filter}&cursor={cursor}"
            );
            let response = app.get(&uri, &cookie).await;
            let page = ids(&response);
            assert!(page.len() <= 5);
            seen.extend(page);
            pages += 1;
            match response.json()["next_cursor"].as_str() {
                Some(next) => cursor = next.to_string(),
                None => break,
            }
        }
        assert_eq!(seen, seeds(&expected), "{filter}");
        assert_eq!(
            pages,
            expected.len().div_ceil(5),
            "{filter}: no empty last page"
        );
    }
}

#[tokio::test]
async fn owners_and_admins_read_the_log_others_do_not() {
    let (app, _, _, org) = seeded().await;
    let uri = format!("/api/v1/audit?organization_id={org}");
    let export = format!("/api/v1/audit/export?organization_id={org}");
    for (email, role, status) in [
        ("o@test.test", "owner", StatusCode::OK),
        ("a@test.test", "admin", StatusCode::OK),
        ("m@test.test", "member", StatusCode::FORBIDDEN),
        ("v@test.test", "viewer", StatusCode::FORBIDDEN),
    ] {
        let cookie = app.login(email, role).await;
        assert_eq!(app.get(&uri, &cookie).await.status, status, "{role}");
        assert_eq!(
            app.get(&export, &cookie).await.status,
            status,
            "{role} export"
        );
    }
    // An admin of another organization: this one's log does not exist for them.
    let other = app.meta.create_organization("Other", 0).await.unwrap();
    let stranger = app.login_in(&other.id, "x@test.test", "admin").await;
    let response = app.get(&uri, &stranger).await;
    assert_eq!(response.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.get(&export, &stranger).await.status,
        StatusCode::NOT_FOUND
    );
    // Their own log does not show this organization's entries.
    let own = app
        .get(
            &format!(
                "/api/v1/audit?organization_id={}&to={SEED_END_MS}",
                other.id
            ),
            &stranger,
        )
        .await;
    assert_eq!(ids(&own), Vec::<String>::new());
    // Without a login: 401.
    let anonymous = app
        .send(Request::builder().uri(&uri).body(Body::empty()).unwrap())
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    // Refused exports wrote nothing.
    assert_eq!(
        exports(&app).await.len(),
        2,
        "only the owner's and the admin's"
    );
}

async fn exports(app: &TestApp) -> Vec<AuditEntry> {
    app.meta
        .audit_entries(&AuditQuery {
            organization_ids: vec![app.org_id.clone()],
            action: Some("audit.export".into()),
            limit: 100,
            ..AuditQuery::default()
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn exports_hold_the_listed_entries_and_are_audited_once() {
    let (app, cookie, admin, org) = seeded().await;
    let filters = format!("organization_id={org}&action=session.*&to={SEED_END_MS}");
    let listed = app
        .get(&format!("/api/v1/audit?{filters}"), &cookie)
        .await
        .json();
    let listed = listed["entries"].as_array().unwrap().clone();
    assert_eq!(listed.len(), 5);

    let ndjson = app
        .get(
            &format!("/api/v1/audit/export?{filters}&format=ndjson"),
            &cookie,
        )
        .await;
    assert_eq!(ndjson.status, StatusCode::OK);
    assert_eq!(ndjson.headers[header::CONTENT_TYPE], "application/x-ndjson");
    assert_eq!(
        ndjson.headers[header::CONTENT_DISPOSITION],
        format!("attachment; filename=\"tapedeck-audit-{org}.ndjson\"")
    );
    let text = std::str::from_utf8(&ndjson.body).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines, listed, "the NDJSON lines are the list's entries");
    assert!(text.ends_with('\n'));

    let csv = app
        .get(
            &format!("/api/v1/audit/export?{filters}&format=csv"),
            &cookie,
        )
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    let text = std::str::from_utf8(&csv.body).unwrap();
    let rows: Vec<&str> = text.split_terminator("\r\n").collect();
    assert_eq!(
        rows[0],
        "id,at,actor,actor_email,actor_name,action,target,ip,details"
    );
    let csv_ids: Vec<&str> = rows[1..]
        .iter()
        .map(|r| r.split(',').next().unwrap())
        .collect();
    let list_ids: Vec<&str> = listed.iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(csv_ids, list_ids);
    assert_eq!(
        rows[5],
        format!(
            "{},1970-01-01T00:00:01Z,user:{admin},admin@test.test,,session.view,session:s1,198.51.100.7,\"{{\"\"n\"\":1}}\"",
            seed_id(1)
        )
    );

    // Two exports, two entries: each names its filters and format.
    let audited = exports(&app).await;
    assert_eq!(audited.len(), 2);
    let formats: Vec<&Value> = audited.iter().map(|e| &e.details["format"]).collect();
    assert_eq!(formats, [&json!("csv"), &json!("ndjson")]);
    assert_eq!(
        audited[0].details["filters"],
        json!({"organization_id": org, "action": "session.*", "to": "1970-01-01T00:01:40Z"})
    );
    assert_eq!(audited[0].actor, format!("user:{admin}"));
    assert_eq!(audited[0].target, format!("organization:{org}"));
}

#[tokio::test]
async fn an_export_is_the_log_up_to_its_own_entry_and_defuses_formulas() {
    let (app, cookie, _, org) = seeded().await;
    // More entries than one page of the export, to read it in several.
    for n in 100..1_150 {
        app.meta
            .append_audit(&entry(n, "cli", "session.view", "session:s9", &org))
            .await
            .unwrap();
    }
    let listed_before = app
        .meta
        .audit_entries(&AuditQuery {
            organization_ids: vec![org.clone()],
            limit: 10_000,
            ..AuditQuery::default()
        })
        .await
        .unwrap();
    let response = app
        .get(
            &format!("/api/v1/audit/export?organization_id={org}"),
            &cookie,
        )
        .await;
    assert_eq!(response.status, StatusCode::OK);
    let text = std::str::from_utf8(&response.body).unwrap();
    let rows: Vec<&str> = text.split_terminator("\r\n").collect();
    let exported: Vec<&str> = rows[1..]
        .iter()
        .map(|r| r.split(',').next().unwrap())
        .collect();
    let expected: Vec<&str> = listed_before.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(
        exported, expected,
        "everything before the export, nothing after, in order"
    );
    assert!(
        text.contains(",\"'=HYPERLINK(\"\"http://evil.test\"\")\","),
        "a formula in a cell is shown as text"
    );
    assert_eq!(exports(&app).await.len(), 1);
}

/// Regression: with `Accept-Encoding: gzip` the compression layer polled the export's stream
/// after its end, which panicked and cut the download.
#[tokio::test]
async fn a_compressed_export_arrives_whole() {
    let (app, cookie, _, org) = seeded().await;
    for (format, lines) in [("csv", 8), ("ndjson", 7)] {
        let request = Request::builder()
            .uri(format!(
                "/api/v1/audit/export?organization_id={org}&to={SEED_END_MS}&format={format}"
            ))
            .header(header::COOKIE, &cookie)
            .header(header::ACCEPT_ENCODING, "gzip")
            .body(Body::empty())
            .unwrap();
        let response = app.send(request).await;
        assert_eq!(response.status, StatusCode::OK);
        assert_eq!(response.headers[header::CONTENT_ENCODING], "gzip");
        let mut text = String::new();
        std::io::Read::read_to_string(
            &mut flate2::read::GzDecoder::new(&response.body[..]),
            &mut text,
        )
        .unwrap();
        assert_eq!(text.lines().count(), lines, "{format}: {text}");
    }
}

#[tokio::test]
async fn opening_a_session_is_audited_once_per_get_and_ranges_are_not() {
    let app = TestApp::new().await;
    assert_eq!(
        app.ingest(batch("s-view", 0, 1_700_000_000_000, 3), &[])
            .await
            .status,
        StatusCode::OK
    );
    let cookie = app.login("viewer@test.test", "viewer").await;
    let viewer = user_id(&app, &cookie).await;
    for _ in 0..2 {
        let response = app.get("/api/v1/sessions/s-view", &cookie).await;
        assert_eq!(response.status, StatusCode::OK);
        let events = app
            .get("/api/v1/sessions/s-view/events?from=0&to=1000", &cookie)
            .await;
        assert_eq!(events.status, StatusCode::OK);
    }
    assert_eq!(
        app.get("/api/v1/sessions/nope", &cookie).await.status,
        StatusCode::NOT_FOUND
    );
    let views = views(&app).await;
    assert_eq!(views.len(), 2, "one per GET of the session");
    for view in &views {
        assert_eq!(view.actor, format!("user:{viewer}"));
        assert_eq!(view.target, "session:s-view");
        assert_eq!(view.ip, None, "no peer without a socket");
    }
}

async fn views(app: &TestApp) -> Vec<AuditEntry> {
    app.meta
        .audit_entries(&AuditQuery {
            organization_ids: vec![app.org_id.clone()],
            action: Some("session.view".into()),
            limit: 100,
            ..AuditQuery::default()
        })
        .await
        .unwrap()
}

/// Opens the session through the router as if from `peer` (None: no socket, as `oneshot`).
async fn view_from(
    app: &TestApp,
    cookie: &str,
    peer: Option<&str>,
    headers: &[(&str, &str)],
) -> Option<String> {
    let mut request = Request::builder()
        .uri("/api/v1/sessions/s-ip")
        .header(header::COOKIE, cookie);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let request = request.body(Body::empty()).unwrap();
    let router = app.router.clone();
    let response = match peer {
        Some(peer) => {
            let peer: SocketAddr = peer.parse().unwrap();
            router.layer(MockConnectInfo(peer)).oneshot(request).await
        }
        None => router.oneshot(request).await,
    }
    .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    eprintln!("{}", String::from_utf8_lossy(&body[..body.len().min(30)]));
    eprintln!(
        "{:?}",
        app.meta
            .audit_entries(&AuditQuery {
                organization_ids: vec![app.org_id.clone()],
                limit: 100,
                ..AuditQuery::default()
            })
            .await
            .unwrap()
    );
    views(app).await.first().unwrap().ip.clone()
}

#[tokio::test]
async fn forwarded_for_counts_only_from_a_trusted_peer() {
    let app = TestApp::new().await;
    app.ingest(batch("s-ip", 0, 1_700_000_000_000, 1), &[])
        .await;
    let cookie = app.login("viewer@test.test", "viewer").await;
    let xff = [("x-forwarded-for", "203.0.113.9")];
    // A proxy on this machine (the default trusted_proxies) reports the client.
    assert_eq!(
        view_from(&app, &cookie, Some("127.0.0.1:50000"), &xff)
            .await
            .as_deref(),
        Some("203.0.113.9")
    );
    assert_eq!(
        view_from(&app, &cookie, Some("[::1]:50000"), &xff)
            .await
            .as_deref(),
        Some("203.0.113.9")
    );
    // A client that reaches the server directly cannot choose its address.
    assert_eq!(
        view_from(&app, &cookie, Some("198.51.100.4:50000"), &xff)
            .await
            .as_deref(),
        Some("198.51.100.4")
    );
    // Nor through the header the layer uses internally.
    let forged = [("x-tapedeck-client-ip", "192.0.2.66")];
    assert_eq!(
        view_from(&app, &cookie, Some("198.51.100.4:50000"), &forged)
            .await
            .as_deref(),
        Some("198.51.100.4")
    );
    assert_eq!(view_from(&app, &cookie, None, &forged).await, None);
    // No socket: the peer is unknown, so nothing is trusted.
    assert_eq!(view_from(&app, &cookie, None, &xff).await, None);
    // A forged first hop before the address the proxy saw is skipped.
    let chain = [("x-forwarded-for", "192.0.2.66, 203.0.113.10")];
    assert_eq!(
        view_from(&app, &cookie, Some("127.0.0.1:50000"), &chain)
            .await
            .as_deref(),
        Some("203.0.113.10")
    );
}

/// The real thing: a TCP listener served with ConnectInfo, as `tapedeck serve` does, records
/// the peer's address.
#[tokio::test]
async fn a_served_request_records_its_tcp_peer() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let app = TestApp::new().await;
    app.ingest(batch("s-tcp", 0, 1_700_000_000_000, 1), &[])
        .await;
    let cookie = app.login("viewer@test.test", "viewer").await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let service = app
        .router
        .clone()
        .into_make_service_with_connect_info::<SocketAddr>();
    let server = tokio::spawn(async move { axum::serve(listener, service).await });

    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let request = format!(
        "GET /api/v1/sessions/s-tcp HTTP/1.1\r\nHost: {address}\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    server.abort();

    let views = views(&app).await;
    assert_eq!(views.len(), 1);
    assert_eq!(views[0].ip.as_deref(), Some("127.0.0.1"));
}
