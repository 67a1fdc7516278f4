use proptest::prelude::*;
use serde_json::json;

use super::*;
use crate::timeline::{EntryKind, TimelineFact};

fn pairs(query: &[(&str, &str)]) -> Vec<(String, String)> {
    query
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn param_of(query: &[(&str, &str)]) -> String {
    parse_list_query(&pairs(query)).unwrap_err().param
}

#[test]
fn urls_become_words_without_their_scheme() {
    assert_eq!(
        url_words("https://shop.example.com/checkout/step-2?x=1").join(" "),
        "shop example com checkout step 2 x 1"
    );
    assert_eq!(url_words("/Cart#Top").join(" "), "cart top");
    assert_eq!(
        words("Ünïcode_Straße").collect::<Vec<_>>(),
        ["ünïcode", "straße"]
    );
}

#[test]
fn merging_adds_only_new_words_within_the_cap() {
    let words = |s: &str| s.split(' ').map(str::to_string).collect::<Vec<_>>();
    assert_eq!(
        merge_words("a b", words("b c"), 100).as_deref(),
        Some("a b c")
    );
    assert_eq!(merge_words("a b", words("a b"), 100), None);
    assert_eq!(merge_words("", words("abc de"), 5).as_deref(), Some("abc"));
    assert_eq!(merge_words("abc", words("zzzz"), 5), None);
}

fn fact(kind: EntryKind, data: serde_json::Value, search: &str) -> TimelineFact {
    TimelineFact {
        kind,
        at_ms: 1_000,
        label: String::new(),
        data,
        search: search.into(),
    }
}

#[test]
fn a_batch_counts_errors_console_errors_failed_requests_and_rage_clicks() {
    let click = |at: i64| TimelineFact {
        at_ms: at,
        ..fact(EntryKind::Click, json!({"x": 10, "y": 10}), "")
    };
    let entries = vec![
        fact(
            EntryKind::Console,
            json!({"level": "error"}),
            "Payment declined",
        ),
        fact(
            EntryKind::Error,
            json!({"kind": "console"}),
            "Payment declined",
        ),
        fact(EntryKind::Console, json!({"level": "log"}), "hello"),
        fact(
            EntryKind::Network,
            json!({"url": "https://api.test/pay", "status": 502}),
            "",
        ),
        fact(
            EntryKind::Network,
            json!({"url": "https://api.test/ok", "status": 200}),
            "",
        ),
        fact(EntryKind::Network, json!({"url": "https://api.test/x"}), ""),
        fact(
            EntryKind::Custom,
            json!({"tag": "signup", "payload": {"plan": "Pro"}}),
            "signup",
        ),
        fact(EntryKind::Custom, json!({"tag": "tapedeck.paused"}), ""),
        click(1_000),
        click(1_100),
        click(1_200),
    ];
    let s = batch_search(&entries);
    assert_eq!(
        (s.errors, s.console_errors, s.failed_requests, s.rage_clicks),
        (1, 1, 2, 1)
    );
    assert_eq!(s.statuses.into_iter().collect::<Vec<_>>(), [0, 200, 502]);
    assert_eq!(s.event_names.into_iter().collect::<Vec<_>>(), ["signup"]);
    for word in ["payment", "declined", "pay", "signup", "plan", "pro"] {
        assert!(s.text.contains(&word.to_string()), "{word} in {:?}", s.text);
    }
    assert!(
        !s.text.iter().any(|w| w == "ok"),
        "a good request is not text"
    );
    assert_eq!(s.console, ["payment", "declined", "hello"]);
}

#[test]
fn the_default_query_is_newest_first_fifty() {
    let request = parse_list_query(&[]).unwrap();
    assert_eq!(request.sort, SessionSort::StartedAt);
    assert_eq!(request.order, SortOrder::Desc);
    assert_eq!(request.limit, 50);
    assert_eq!(request.filter, SessionFilter::default());
}

#[test]
fn every_parameter_is_read() {
    let request = parse_list_query(&pairs(&[
        ("q", "Checkout step-2"),
        ("user", "Ada@Example.com"),
        ("url", "/Checkout"),
        ("from", "2026-01-02T00:00:00Z"),
        ("to", "1767400000000"),
        ("min_duration", "120"),
        ("max_width", "800"),
        ("tag", "plan:pro"),
        ("tag", "vip"),
        ("has_errors", "true"),
        ("status", "5xx"),
        ("experiment", "checkout"),
        ("variant", "b"),
        ("sort", "duration"),
        ("order", "asc"),
        ("limit", "10"),
    ]))
    .unwrap();
    let f = &request.filter;
    assert_eq!(f.text, ["checkout", "step", "2"]);
    assert_eq!(f.user.as_deref(), Some("ada@example.com"));
    assert_eq!(f.url_contains.as_deref(), Some("/checkout"));
    assert_eq!(f.from_ms, Some(1_767_312_000_000));
    assert_eq!(f.to_ms, Some(1_767_400_000_000));
    assert_eq!(f.min_duration, Some(120.0));
    assert_eq!(
        f.tags,
        [
            TagFilter {
                key: "plan".into(),
                value: Some("pro".into())
            },
            TagFilter {
                key: "vip".into(),
                value: None
            }
        ]
    );
    assert_eq!(f.status.map(StatusFilter::range), Some((500, 599)));
    assert_eq!(
        (request.sort, request.order, request.limit),
        (SessionSort::Duration, SortOrder::Asc, 10)
    );
}

#[test]
fn bad_values_name_their_parameter() {
    for (query, param) in [
        (&[("limit", "0")][..], "limit"),
        (&[("limit", "201")], "limit"),
        (&[("from", "yesterday")], "from"),
        (&[("min_duration", "-1")], "min_duration"),
        (&[("min_duration", "NaN")], "min_duration"),
        (&[("min_width", "wide")], "min_width"),
        (&[("has_errors", "yes")], "has_errors"),
        (&[("has_rage_clicks", "false")], "has_rage_clicks"),
        (&[("status", "5x")], "status"),
        (&[("status", "99")], "status"),
        (&[("sort", "name")], "sort"),
        (&[("order", "up")], "order"),
        (&[("cursor", "nonsense")], "cursor"),
        (&[("variant", "b")], "variant"),
        (&[("tag", ":v")], "tag"),
        (
            &[("min_duration", "10"), ("max_duration", "5")],
            "max_duration",
        ),
        (&[("user", "a"), ("user", "b")], "user"),
        (&[("colour", "red")], "colour"),
    ] {
        assert_eq!(param_of(query), param, "{query:?}");
    }
}

#[test]
fn a_cursor_round_trips_and_is_refused_under_another_sort() {
    let cursor = SessionCursor {
        sort: SessionSort::Duration,
        order: SortOrder::Desc,
        key: 12_345,
        id: "s-1".into(),
    };
    let text = cursor.encode();
    let request = parse_list_query(&pairs(&[("sort", "duration"), ("cursor", &text)])).unwrap();
    assert_eq!(request.cursor, Some(cursor));
    assert_eq!(param_of(&[("cursor", &text)]), "cursor");
    assert_eq!(
        param_of(&[("sort", "duration"), ("order", "asc"), ("cursor", &text)]),
        "cursor"
    );
}

proptest! {
    #[test]
    fn arbitrary_query_strings_never_panic(
        query in proptest::collection::vec(("[a-z_]{1,16}", "\\PC{0,40}"), 0..6),
        known in proptest::sample::select(vec![
            "q", "user", "from", "to", "min_duration", "max_width", "tag", "status",
            "sort", "order", "cursor", "limit", "has_errors", "live", "variant",
        ]),
        value in "\\PC{0,60}",
    ) {
        let mut pairs = query;
        pairs.push((known.to_string(), value));
        match parse_list_query(&pairs) {
            Ok(request) => prop_assert!((1..=200).contains(&request.limit)),
            Err(e) => prop_assert!(pairs.iter().any(|(k, _)| *k == e.param) || e.param == "variant" || e.param == "cursor" || e.param == "to" || e.param == "max_duration" || e.param == "max_width"),
        }
    }

    #[test]
    fn url_words_are_lowercase_alphanumeric(url in "\\PC{0,80}") {
        for word in url_words(&url) {
            prop_assert!(!word.is_empty());
            prop_assert!(word.chars().all(char::is_alphanumeric));
            prop_assert_eq!(word.to_lowercase(), word.clone());
        }
    }

    #[test]
    fn merged_words_stay_within_the_cap(
        existing in "[a-z ]{0,30}",
        new in proptest::collection::vec("[a-z]{1,8}", 0..20),
        cap in 0usize..60,
    ) {
        let existing = existing.split_whitespace().collect::<Vec<_>>().join(" ");
        if existing.len() <= cap
            && let Some(out) = merge_words(&existing, new, cap)
        {
            prop_assert!(out.len() <= cap);
            prop_assert!(out.starts_with(&existing));
        }
    }
}
