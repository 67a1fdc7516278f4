//! `GET /api/v1/sessions` through the real router: every bad parameter answers 400
//! `invalid_query` naming it, a list item has the documented shape (counters read before the
//! timeline details are sealed, links, experiments, live), filters reach the store, and only
//! the caller's organizations are listed.

use axum::http::StatusCode;
use serde_json::{Value, json};
use tapedeck_store::NewProject;
use tapedeck_testkit::TestApp;

fn checkout_batch(session_id: &str) -> String {
    json!({
        "session_id": session_id, "window_id": "w-1", "seq": 0,
        "meta": {
            "url": "https://shop.test/checkout/step-2",
            "user": {"id": "u-ada", "email": "ada@shop.test", "name": "Ada"},
            "tags": {"plan": "pro"}, "experiments": {"checkout": "b"},
            "ticket": "ZD-1234", "ticket_url": "https://help.test/t/1234",
        },
        "events": [
            {"type": 4, "timestamp": 1_700_000_000_000i64, "data": {"href": "https://shop.test/checkout/step-2", "width": 1280, "height": 800}},
            {"type": 5, "timestamp": 1_700_000_001_000i64, "data": {"tag": "tapedeck.console", "payload": {"level": "error", "args": ["Payment declined"]}}},
            {"type": 5, "timestamp": 1_700_000_002_000i64, "data": {"tag": "tapedeck.network", "payload": {"method": "POST", "url": "https://shop.test/api/pay", "status": 502}}},
        ],
    })
    .to_string()
}

fn ids(page: &Value) -> Vec<String> {
    page["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn every_bad_parameter_answers_invalid_query_naming_it() {
    let app = TestApp::new().await;
    let cookie = app.login("ada@test.test", "viewer").await;
    for (query, param) in [
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("cursor=garbage", "cursor"),
        ("from=yesterday", "from"),
        ("to=2026-13-01", "to"),
        ("min_duration=-5", "min_duration"),
        ("max_duration=soon", "max_duration"),
        ("min_width=1e3", "min_width"),
        ("has_errors=1", "has_errors"),
        ("has_rage_clicks=false", "has_rage_clicks"),
        ("live=maybe", "live"),
        ("status=5%25", "status"),
        ("sort=name", "sort"),
        ("order=sideways", "order"),
        ("variant=b", "variant"),
        ("tag=%3Apro", "tag"),
        ("user=a&user=b", "user"),
        ("colour=red", "colour"),
        ("sort=duration&cursor=started_at.desc.1.s-1", "cursor"),
    ] {
        let response = app.get(&format!("/api/v1/sessions?{query}"), &cookie).await;
        assert_eq!(response.status, StatusCode::BAD_REQUEST, "{query}");
        let body = response.json();
        assert_eq!(body["error"]["code"], "invalid_query", "{query}");
        assert_eq!(body["error"]["param"], param, "{query}");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(
            message.contains(&format!("`{param}`")),
            "{query}: {message}"
        );
    }
}

#[tokio::test]
async fn a_list_item_is_the_session_with_its_counters_links_and_experiments() {
    let app = TestApp::new().await;
    assert_eq!(
        app.ingest(checkout_batch("s-checkout"), &[]).await.status,
        StatusCode::OK
    );
    let cookie = app.login("ada@test.test", "viewer").await;
    let page = app.get("/api/v1/sessions", &cookie).await.json();
    assert!(page["next_cursor"].is_null());
    let item = &page["sessions"][0];
    assert_eq!(item["id"], "s-checkout");
    assert_eq!(item["user_email"], "ada@shop.test");
    assert_eq!(item["first_url"], "https://shop.test/checkout/step-2");
    assert_eq!(item["tags"], json!({"plan": "pro"}));
    assert_eq!(item["error_count"], 1, "the console error");
    assert_eq!(item["console_error_count"], 1);
    assert_eq!(item["failed_request_count"], 1);
    assert_eq!(item["rage_click_count"], 0);
    assert_eq!(item["live"], true);
    assert_eq!(item["status"], "recording");
    assert_eq!(
        item["links"],
        json!([{"kind": "ticket", "ref": "ZD-1234", "url": "https://help.test/t/1234"}])
    );
    assert_eq!(item["experiments"], json!({"checkout": "b"}));
    assert!(item["started_at"].is_string() && item["duration"].is_number());

    for query in [
        "q=checkout+step",
        "q=declined",
        "url=checkout",
        "ticket=ZD-1234",
        "status=5xx",
        "console=payment",
        "user=ada",
        "tag=plan:pro",
        "experiment=checkout&variant=b",
        "has_errors=true&live=true&sort=errors&order=asc",
    ] {
        let page = app
            .get(&format!("/api/v1/sessions?{query}"), &cookie)
            .await
            .json();
        assert_eq!(ids(&page), ["s-checkout"], "{query}");
    }
    for query in ["q=nothing", "status=4xx", "has_errors=false", "ticket=ZD-9"] {
        let page = app
            .get(&format!("/api/v1/sessions?{query}"), &cookie)
            .await
            .json();
        assert!(ids(&page).is_empty(), "{query}");
    }
}

#[tokio::test]
async fn only_the_callers_organizations_are_listed() {
    let app = TestApp::new().await;
    let other_org = app.meta.create_organization("Other", 0).await.unwrap();
    let other = NewProject {
        organization_id: other_org.id.clone(),
        name: "Other".into(),
        ingest_key: "tdp_other".into(),
        allowed_origins: vec![],
        region: tapedeck_store::DEFAULT_REGION.into(),
    };
    let other = app.meta.create_project(&other, 0).await.unwrap();
    app.ingest(checkout_batch("s-mine"), &[]).await;
    let theirs = checkout_batch("s-theirs");
    let stored = app.ingest_with_key(&other.ingest_key, theirs, &[]).await;
    assert_eq!(stored.status, StatusCode::OK);
    let cookie = app.login("ada@test.test", "viewer").await;
    let listed = |query: String| {
        let app = &app;
        let cookie = &cookie;
        async move {
            ids(&app
                .get(&format!("/api/v1/sessions?{query}"), cookie)
                .await
                .json())
        }
    };
    assert_eq!(listed(String::new()).await, ["s-mine"]);
    assert_eq!(listed("q=checkout".into()).await, ["s-mine"]);
    // A foreign organization or project narrows to nothing rather than answering 403.
    assert!(
        listed(format!("organization_id={}", other_org.id))
            .await
            .is_empty()
    );
    assert!(listed(format!("project_id={}", other.id)).await.is_empty());
    assert_eq!(
        listed(format!("organization_id={}", app.org_id)).await,
        ["s-mine"]
    );
}
