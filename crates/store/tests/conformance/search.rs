//! The sessions list's filters, sorts and keyset pagination, the same on every engine: each
//! filter alone and in combination (parsed by `core::search` from a query string, as the API
//! does), every sort in both orders paged with sessions inserted between pages, free text that
//! matches URL parts, ticket links from `meta.ticket`, and tags added by a later batch or
//! changed through the tags API, and links added through the links API.

use serde_json::{Value, json};
use tapedeck_core::search::{SessionCursor, parse_list_query};
use tapedeck_core::{extract_facts, parse_batch};

use super::*;

const CHROME: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";
const IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";
const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";

/// Facts and meta of a batch with this `meta` and these events after a page load at `start`.
fn batch(
    start: i64,
    url: &str,
    width: u32,
    meta: Value,
    events: &[Value],
) -> (BatchFacts, BatchMeta) {
    let mut all = vec![
        json!({"type": 4, "timestamp": start, "data": {"href": url, "width": width, "height": 700}}),
    ];
    all.extend_from_slice(events);
    let body = json!({"session_id": "s", "window_id": "w", "seq": 0, "meta": meta, "events": all});
    let parsed = parse_batch(body.to_string().as_bytes()).unwrap();
    (extract_facts(&parsed), parsed.meta)
}

fn custom(ts: i64, tag: &str, payload: Value) -> Value {
    json!({"type": 5, "timestamp": ts, "data": {"tag": tag, "payload": payload}})
}

fn click(ts: i64) -> Value {
    json!({"type": 3, "timestamp": ts, "data": {"source": 2, "type": 2, "id": 4, "x": 50, "y": 60}})
}

fn network(ts: i64, url: &str, status: Option<i64>) -> Value {
    custom(
        ts,
        "tapedeck.network",
        json!({"method": "GET", "url": url, "status": status}),
    )
}

async fn put(
    store: &dyn MetaStore,
    p: &Project,
    id: &str,
    seq: u32,
    received_at_ms: i64,
    (facts, meta): (BatchFacts, BatchMeta),
) {
    let mut seg = segment(p, id, "w", seq);
    seg.received_at_ms = received_at_ms;
    let outcome = store.store_segment(&seg, &facts, &meta).await.unwrap();
    assert_eq!(outcome, SegmentOutcome::Stored);
}

struct World {
    org: String,
    foreign_org: String,
    blog_project: String,
}

/// Three sessions in one organization (two projects) and one in another:
/// - `s-checkout`: Ada on Chrome/Windows 1280 px, 200 s from t=1,000,000, /checkout/step-2,
///   an error, a console error, a 500, event `signup`, tag plan=pro, experiment checkout=b,
///   ticket ZD-1234; still recording.
/// - `s-mobile`: Bob on an iPhone 390 px, 30 s from t=2,000,000, /home, a failed request, a
///   rage click, tag vip=""; still recording.
/// - `s-blog`: nobody on Firefox/Linux 1920 px, 5 s from t=3,000,000, another project, a 404;
///   no longer recording.
/// - `s-foreign`: like `s-checkout`, in another organization.
async fn world(store: &dyn MetaStore) -> World {
    let shop = project(store, "Org", "tdp_shop").await;
    let blog = project(store, "Org", "tdp_blog").await;
    let foreign = project(store, "Foreign", "tdp_f").await;
    let checkout_url = "https://shop.example.com/checkout/step-2?x=1";
    let ada = json!({
        "url": checkout_url, "user_agent": CHROME,
        "user": {"id": "u-ada", "email": "ada@example.com", "name": "Ada Lovelace"},
        "tags": {"plan": "pro"}, "experiments": {"checkout": "b"},
        "ticket": "ZD-1234", "ticket_url": "https://help.test/tickets/1234",
    });
    let ada_events = [
        custom(
            1_000_100,
            "tapedeck.error",
            json!({"kind": "error", "message": "TypeError: cart is undefined"}),
        ),
        custom(
            1_000_200,
            "tapedeck.console",
            json!({"level": "error", "args": ["Payment declined"]}),
        ),
        network(1_000_300, "https://shop.example.com/api/pay", Some(500)),
        custom(1_000_400, "signup", json!({"plan": "pro"})),
        json!({"type": 3, "timestamp": 1_200_000, "data": {"source": 1, "positions": []}}),
    ];
    for (p, id) in [(&shop, "s-checkout"), (&foreign, "s-foreign")] {
        put(
            store,
            p,
            id,
            0,
            10_000,
            batch(1_000_000, checkout_url, 1280, ada.clone(), &ada_events),
        )
        .await;
    }
    let bob =
        json!({"user_agent": IPHONE, "user": {"id": "u-bob", "name": "Bob"}, "tags": {"vip": ""}});
    put(
        store,
        &shop,
        "s-mobile",
        0,
        10_000,
        batch(
            2_000_000,
            "https://shop.example.com/home",
            390,
            bob,
            &[
                click(2_000_100),
                click(2_000_300),
                click(2_000_500),
                network(2_030_000, "https://shop.example.com/api/cart", None),
            ],
        ),
    )
    .await;
    put(
        store,
        &blog,
        "s-blog",
        0,
        5_000,
        batch(
            3_000_000,
            "https://blog.example.org/post",
            1920,
            json!({"user_agent": FIREFOX}),
            &[network(
                3_005_000,
                "https://blog.example.org/missing",
                Some(404),
            )],
        ),
    )
    .await;
    assert_eq!(
        store.mark_idle_sessions(6_000, 20_000).await.unwrap(),
        1,
        "s-blog goes idle"
    );
    World {
        org: shop.organization_id,
        foreign_org: foreign.organization_id,
        blog_project: blog.id,
    }
}

/// The ids a query string lists for the caller in `orgs`, in order.
async fn ids(store: &dyn MetaStore, orgs: &[&str], params: &[(&str, &str)]) -> Vec<String> {
    let pairs: Vec<(String, String)> = params
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let request = parse_list_query(&pairs).unwrap();
    let query = SessionQuery {
        organization_ids: orgs.iter().map(|o| o.to_string()).collect(),
        filter: request.filter,
        sort: request.sort,
        order: request.order,
        after: None,
        limit: request.limit,
    };
    let items = store.list_sessions(&query).await.unwrap();
    items.into_iter().map(|i| i.record.id).collect()
}

/// Query-string pairs.
type Params<'a> = Vec<(&'a str, &'a str)>;

pub(crate) async fn every_filter_alone_and_combined_lists_its_sessions(f: Fixture) {
    let store = f.store.as_ref();
    let w = world(store).await;
    let org = w.org.as_str();
    let all = ["s-blog", "s-mobile", "s-checkout"];
    let none: [&str; 0] = [];
    let cases: Vec<(Params, Vec<&str>)> = vec![
        (vec![], all.to_vec()),
        (vec![("q", "checkout")], vec!["s-checkout"]),
        (vec![("q", "step 2")], vec!["s-checkout"]),
        (vec![("q", "shop example")], vec!["s-mobile", "s-checkout"]),
        (vec![("q", "declined")], vec!["s-checkout"]),
        (vec![("q", "undefined cart")], vec!["s-checkout"]),
        (vec![("q", "zd-1234")], vec!["s-checkout"]),
        (vec![("q", "lovelace")], vec!["s-checkout"]),
        (vec![("q", "lovel")], none.to_vec()),
        (vec![("q", "vip")], vec!["s-mobile"]),
        (vec![("q", "missing")], vec!["s-blog"]),
        (vec![("q", "nowhere")], none.to_vec()),
        (vec![("user", "ADA@example.com")], vec!["s-checkout"]),
        (vec![("user", "bo")], vec!["s-mobile"]),
        (vec![("user", "u-")], vec!["s-mobile", "s-checkout"]),
        (vec![("user_id", "u-ada")], vec!["s-checkout"]),
        (vec![("user_id", "U-ADA")], none.to_vec()),
        (vec![("project_id", &w.blog_project)], vec!["s-blog"]),
        (vec![("organization_id", org)], all.to_vec()),
        (vec![("organization_id", &w.foreign_org)], none.to_vec()),
        (vec![("url", "checkout")], vec!["s-checkout"]),
        (
            vec![("url", "SHOP.example")],
            vec!["s-mobile", "s-checkout"],
        ),
        (vec![("url", "ho")], vec!["s-mobile", "s-checkout"]),
        (vec![("url", "step-2?x=1")], vec!["s-checkout"]),
        (vec![("url", "50%")], none.to_vec()),
        (
            vec![("url_exact", "https://blog.example.org/post")],
            vec!["s-blog"],
        ),
        (
            vec![("url_exact", "https://blog.example.org")],
            none.to_vec(),
        ),
        (vec![("from", "1500000")], vec!["s-blog", "s-mobile"]),
        (vec![("to", "1970-01-01T00:25:00Z")], vec!["s-checkout"]),
        (
            vec![("from", "2000000"), ("to", "3000000")],
            vec!["s-mobile"],
        ),
        (vec![("min_duration", "100")], vec!["s-checkout"]),
        (vec![("max_duration", "10")], vec!["s-blog"]),
        (vec![("browser", "firefox")], vec!["s-blog"]),
        (vec![("os", "ios")], vec!["s-mobile"]),
        (vec![("device", "desktop")], vec!["s-blog", "s-checkout"]),
        (vec![("min_width", "1000")], vec!["s-blog", "s-checkout"]),
        (vec![("max_width", "500")], vec!["s-mobile"]),
        (vec![("tag", "plan")], vec!["s-checkout"]),
        (vec![("tag", "plan:pro")], vec!["s-checkout"]),
        (vec![("tag", "plan:free")], none.to_vec()),
        (vec![("tag", "vip:")], vec!["s-mobile"]),
        (vec![("tag", "plan"), ("tag", "vip")], none.to_vec()),
        (vec![("has_errors", "true")], vec!["s-checkout"]),
        (vec![("has_errors", "false")], vec!["s-blog", "s-mobile"]),
        (vec![("has_rage_clicks", "true")], vec!["s-mobile"]),
        (vec![("event", "signup")], vec!["s-checkout"]),
        (vec![("event", "tapedeck.network")], none.to_vec()),
        (vec![("console", "payment")], vec!["s-checkout"]),
        (vec![("console", "checkout")], none.to_vec()),
        (vec![("status", "500")], vec!["s-checkout"]),
        (vec![("status", "5xx")], vec!["s-checkout"]),
        (vec![("status", "4xx")], vec!["s-blog"]),
        (vec![("status", "failed")], vec!["s-mobile"]),
        (vec![("ticket", "ZD-1234")], vec!["s-checkout"]),
        (vec![("ticket", "ZD-1")], none.to_vec()),
        (vec![("experiment", "checkout")], vec!["s-checkout"]),
        (
            vec![("experiment", "checkout"), ("variant", "b")],
            vec!["s-checkout"],
        ),
        (
            vec![("experiment", "checkout"), ("variant", "a")],
            none.to_vec(),
        ),
        (vec![("live", "true")], vec!["s-mobile", "s-checkout"]),
        (vec![("live", "false")], vec!["s-blog"]),
        (
            vec![("url", "shop"), ("has_errors", "false")],
            vec!["s-mobile"],
        ),
        (
            vec![("q", "shop"), ("min_width", "1000"), ("live", "true")],
            vec!["s-checkout"],
        ),
        (
            vec![("status", "4xx"), ("live", "false"), ("browser", "Firefox")],
            vec!["s-blog"],
        ),
        (
            vec![
                ("user", "ada"),
                ("tag", "plan:pro"),
                ("status", "5xx"),
                ("console", "declined"),
            ],
            vec!["s-checkout"],
        ),
    ];
    for (params, expected) in cases {
        assert_eq!(ids(store, &[org], &params).await, expected, "{params:?}");
    }
    // Another organization's caller sees only its own session, whatever the filter.
    assert_eq!(
        ids(store, &[&w.foreign_org], &[("q", "checkout")]).await,
        ["s-foreign"]
    );
    assert_eq!(
        ids(store, &[&w.foreign_org], &[("project_id", &w.blog_project)]).await,
        none
    );
    assert!(ids(store, &[], &[]).await.is_empty());

    // What the list shows beside the session.
    let query = SessionQuery {
        organization_ids: vec![w.org.clone()],
        limit: 10,
        ..SessionQuery::default()
    };
    let items = store.list_sessions(&query).await.unwrap();
    let checkout = items.iter().find(|i| i.record.id == "s-checkout").unwrap();
    assert_eq!(
        checkout.counts,
        SessionCounts {
            errors: 2,
            console_errors: 1,
            failed_requests: 1,
            rage_clicks: 0
        }
    );
    assert!(checkout.live());
    assert_eq!(
        checkout.experiments.get("checkout").map(String::as_str),
        Some("b")
    );
    assert_eq!(
        checkout.links,
        [LinkRef {
            kind: "ticket".into(),
            reference: "ZD-1234".into(),
            url: Some("https://help.test/tickets/1234".into()),
        }]
    );
    let mobile = items.iter().find(|i| i.record.id == "s-mobile").unwrap();
    assert_eq!(
        (mobile.counts.rage_clicks, mobile.counts.failed_requests),
        (1, 1)
    );
    assert!(
        !items
            .iter()
            .find(|i| i.record.id == "s-blog")
            .unwrap()
            .live()
    );
}

pub(crate) async fn later_batches_keep_the_search_current(f: Fixture) {
    let store = f.store.as_ref();
    let p = project(store, "Org", "tdp_1").await;
    let org = p.organization_id.clone();
    let meta = json!({"user_agent": CHROME, "ticket": "ZD-7"});
    put(
        store,
        &p,
        "s1",
        0,
        10_000,
        batch(1_000, "https://a.test/one", 800, meta.clone(), &[]),
    )
    .await;
    // The same ticket again, a tag, a new user and a new page, from a second batch.
    let later = json!({"user_agent": CHROME, "ticket": "ZD-7", "tags": {"beta": "yes"}, "user": {"id": "u-9"}});
    put(
        store,
        &p,
        "s1",
        1,
        11_000,
        batch(
            5_000,
            "https://a.test/two/checkout",
            800,
            later,
            &[custom(5_100, "tapedeck.error", json!({"message": "boom"}))],
        ),
    )
    .await;
    for params in [
        vec![("tag", "beta:yes")],
        vec![("q", "beta")],
        vec![("user_id", "u-9")],
        vec![("user", "u-9")],
        vec![("url", "/one")],
        vec![("url", "two/checkout")],
        vec![("q", "checkout")],
        vec![("q", "boom")],
        vec![("ticket", "ZD-7")],
        vec![("has_errors", "true")],
    ] {
        assert_eq!(ids(store, &[&org], &params).await, ["s1"], "{params:?}");
    }
    // A tag change through the tags API (update_session_tags) reaches the filters and free
    // text too: the index follows sessions.tags, whoever writes it.
    let change = tapedeck_core::session_tags::TagChange {
        add: [("escalated".to_string(), String::new())].into(),
        remove: ["beta".to_string()].into(),
    };
    store
        .update_session_tags(
            std::slice::from_ref(&org),
            &["s1".to_string()],
            &change,
            12_000,
        )
        .await
        .unwrap();
    assert_eq!(ids(store, &[&org], &[("tag", "escalated")]).await, ["s1"]);
    assert_eq!(ids(store, &[&org], &[("q", "escalated")]).await, ["s1"]);
    assert!(ids(store, &[&org], &[("tag", "beta")]).await.is_empty());
    assert!(ids(store, &[&org], &[("q", "beta")]).await.is_empty());
    // A link added through the links API is found by ref and by free text at once.
    let link = NewLink {
        id: "l-api".into(),
        session_id: "s1".into(),
        kind: "issue".into(),
        reference: "GH-4711".into(),
        url: None,
        created_by: None,
        created_at_ms: 12_000,
    };
    store.add_link(&link).await.unwrap();
    assert_eq!(ids(store, &[&org], &[("ticket", "GH-4711")]).await, ["s1"]);
    assert_eq!(ids(store, &[&org], &[("q", "gh-4711")]).await, ["s1"]);
    let query = SessionQuery {
        organization_ids: vec![org],
        limit: 10,
        ..SessionQuery::default()
    };
    let item = store.list_sessions(&query).await.unwrap().remove(0);
    assert_eq!(
        item.links.len(),
        2,
        "a repeated ticket is linked once, beside the API's link"
    );
    assert_eq!(item.counts.errors, 1);
    // Deleting the session takes its search rows along (no orphan matches a new session).
    assert!(store.delete_session("s1").await.unwrap());
    put(
        store,
        &p,
        "s2",
        0,
        12_000,
        batch(9_000, "https://a.test/", 800, json!({}), &[]),
    )
    .await;
    assert!(
        ids(store, &[&p.organization_id], &[("q", "checkout")])
            .await
            .is_empty()
    );
    assert!(
        ids(store, &[&p.organization_id], &[("ticket", "ZD-7")])
            .await
            .is_empty()
    );
}

/// Pages `sort`/`order` 2 at a time; before each next page a new session is stored. Returns the
/// ids listed, in order.
async fn page_through(
    store: &dyn MetaStore,
    p: &Project,
    sort: &str,
    order: &str,
    inserted: &mut u32,
) -> Vec<String> {
    let mut after: Option<(i64, String)> = None;
    let mut listed = Vec::new();
    loop {
        let mut pairs = vec![
            ("sort".to_string(), sort.to_string()),
            ("order".to_string(), order.to_string()),
        ];
        if let Some((key, id)) = &after {
            let request = parse_list_query(&pairs).unwrap();
            let cursor = SessionCursor {
                sort: request.sort,
                order: request.order,
                key: *key,
                id: id.clone(),
            };
            pairs.push(("cursor".into(), cursor.encode()));
        }
        let request = parse_list_query(&pairs).unwrap();
        let query = SessionQuery {
            organization_ids: vec![p.organization_id.clone()],
            filter: request.filter,
            sort: request.sort,
            order: request.order,
            after: request.cursor.map(|c| (c.key, c.id)),
            limit: 2,
        };
        let page = store.list_sessions(&query).await.unwrap();
        let Some(last) = page.last() else {
            break;
        };
        assert!(listed.len() < 200, "paging does not end: {listed:?}");
        after = Some((last.sort_key(request.sort), last.record.id.clone()));
        listed.extend(page.iter().map(|i| i.record.id.clone()));
        // A session arrives between the first pages, its keys at both ends and in the middle
        // (only a few: an arrival after the cursor is listed too, so endless arrivals would
        // make endless pages).
        if listed.len() > 6 {
            continue;
        }
        *inserted += 1;
        let n = i64::from(*inserted);
        let start = [10, 999_999, 5_000][(n % 3) as usize] + n;
        let errors: Vec<Value> = (0..n % 4)
            .map(|i| custom(start + i + 1, "tapedeck.error", json!({"message": "x"})))
            .collect();
        put(
            store,
            p,
            &format!("new-{n}"),
            0,
            10_000,
            batch(start, "https://a.test/", 800, json!({}), &errors),
        )
        .await;
    }
    listed
}

pub(crate) async fn every_sort_pages_by_keyset_in_both_orders_while_sessions_arrive(f: Fixture) {
    let store = f.store.as_ref();
    let p = project(store, "Org", "tdp_1").await;
    // (id, start, duration ms, extra events, errors): ties on every key, broken by id.
    let sessions = [
        ("a", 1_000, 500, 0, 0),
        ("b", 2_000, 9_000, 3, 2),
        ("c", 2_000, 500, 1, 1),
        ("d", 3_000, 70_000, 5, 0),
        ("e", 4_000, 9_000, 3, 2),
        ("f", 5_000, 100, 0, 5),
        ("g", 5_000, 70_000, 1, 0),
    ];
    for (id, start, duration, extra, errors) in sessions {
        let mut events: Vec<Value> = (0..errors)
            .map(|i| custom(start + 1 + i, "tapedeck.error", json!({"message": "x"})))
            .collect();
        events.extend(
            (0..extra)
                .map(|i| json!({"type": 3, "timestamp": start + 50 + i, "data": {"source": 0}})),
        );
        events.push(json!({"type": 3, "timestamp": start + duration, "data": {"source": 0}}));
        put(
            store,
            &p,
            id,
            0,
            10_000,
            batch(start, "https://a.test/", 800, json!({}), &events),
        )
        .await;
    }
    let key = |sort: &str, s: &(&str, i64, i64, i64, i64)| -> i64 {
        match sort {
            "started_at" => s.1,
            "duration" => s.2,
            // The page load, the errors, the extra events and the last one.
            "event_count" => 2 + s.3 + s.4,
            _ => s.4,
        }
    };
    let mut inserted = 0;
    for sort in ["started_at", "duration", "event_count", "errors"] {
        for order in ["desc", "asc"] {
            let listed = page_through(store, &p, sort, order, &mut inserted).await;
            let mut expected: Vec<_> = sessions.iter().collect();
            expected.sort_by_key(|s| (key(sort, s), s.0));
            if order == "desc" {
                expected.reverse();
            }
            let expected: Vec<&str> = expected.iter().map(|s| s.0).collect();
            let old: Vec<&str> = listed
                .iter()
                .map(String::as_str)
                .filter(|id| !id.starts_with("new-"))
                .collect();
            assert_eq!(
                old, expected,
                "{sort} {order}: every old session once, in order"
            );
            let mut seen = std::collections::HashSet::new();
            assert!(
                listed.iter().all(|id| seen.insert(id)),
                "{sort} {order}: no duplicates in {listed:?}"
            );
        }
    }
}
