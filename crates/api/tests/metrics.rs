//! `GET /metrics` through the real router: ingest outcomes counted exactly, requests counted
//! under their route template (never a raw path with an id), the optional token, and the whole
//! answer read back by a checker of the Prometheus text format.

use std::collections::{BTreeMap, BTreeSet};

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use tapedeck_api::{ApiConfig, AppState, MetricsToken};
use tapedeck_testkit::{TestApp, TestResponse, batch};

const SESSION: &str = "0193f0a2-7c1e-7d4b-9a35-5be2c8e1f7aa";
const TOKEN: &str = "scrape-token-0123456789abcdef";

/// One sample line: its name, its labels and its value.
#[derive(Debug, Clone, PartialEq)]
struct Sample {
    name: String,
    labels: BTreeMap<String, String>,
    value: f64,
}

/// Reads the Prometheus text format strictly, panicking on the first thing a scraper would
/// reject: a sample line that is not `name{labels} value`, a label value badly quoted, a family
/// without `# HELP` and `# TYPE` (before its samples), a sample of no declared family, a
/// histogram whose buckets are not cumulative or do not end with `le="+Inf"` equal to `_count`.
fn parse_exposition(text: &str) -> Vec<Sample> {
    let mut helped = BTreeSet::new();
    let mut types: BTreeMap<String, String> = BTreeMap::new();
    let mut samples = Vec::new();
    assert!(text.ends_with('\n'), "the answer ends with a line feed");
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# HELP ") {
            let (name, help) = rest.split_once(' ').expect("HELP name text");
            assert!(!help.is_empty(), "{line}");
            assert!(helped.insert(name.to_string()), "HELP twice for {name}");
            continue;
        }
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').expect("TYPE name kind");
            assert!(helped.contains(name), "TYPE before HELP for {name}");
            assert!(["counter", "gauge", "histogram"].contains(&kind), "{line}");
            assert!(
                types.insert(name.into(), kind.into()).is_none(),
                "TYPE twice for {name}"
            );
            continue;
        }
        assert!(
            !line.starts_with('#') && !line.is_empty(),
            "stray line {line:?}"
        );
        let sample = parse_sample(line);
        let family = family_of(&sample.name, &types)
            .unwrap_or_else(|| panic!("sample of no declared family: {line}"));
        if types[&family] == "counter" {
            assert!(
                family.ends_with("_total"),
                "counter {family} ends in _total"
            );
        }
        samples.push(sample);
    }
    check_histograms(&samples, &types);
    samples
}

/// The declared family a sample belongs to (histograms add `_bucket`, `_sum`, `_count`).
fn family_of(name: &str, types: &BTreeMap<String, String>) -> Option<String> {
    if types.contains_key(name) {
        return Some(name.to_string());
    }
    ["_bucket", "_sum", "_count"].iter().find_map(|suffix| {
        let base = name.strip_suffix(suffix)?;
        (types.get(base).map(String::as_str) == Some("histogram")).then(|| base.to_string())
    })
}

fn parse_sample(line: &str) -> Sample {
    let name_end = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
        .unwrap_or_else(|| panic!("no value: {line}"));
    let name = &line[..name_end];
    assert!(
        name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_'),
        "{line}"
    );
    let mut rest = &line[name_end..];
    let mut labels = BTreeMap::new();
    if let Some(inner) = rest.strip_prefix('{') {
        let mut chars = inner.char_indices().peekable();
        let consumed = loop {
            // label name
            let start = chars.peek().map(|(i, _)| *i).expect("label");
            let mut eq = None;
            for (i, c) in chars.by_ref() {
                if c == '=' {
                    eq = Some(i);
                    break;
                }
                assert!(
                    c.is_ascii_alphanumeric() || c == '_',
                    "label name in {line}"
                );
            }
            let label = &inner[start..eq.expect("=")];
            assert_eq!(chars.next().map(|(_, c)| c), Some('"'), "quote in {line}");
            let mut value = String::new();
            loop {
                match chars.next().expect("closing quote").1 {
                    '\\' => match chars.next().expect("escape").1 {
                        'n' => value.push('\n'),
                        '\\' => value.push('\\'),
                        '"' => value.push('"'),
                        other => panic!("bad escape \\{other} in {line}"),
                    },
                    '"' => break,
                    '\n' => panic!("raw newline"),
                    c => value.push(c),
                }
            }
            assert!(
                labels.insert(label.to_string(), value).is_none(),
                "label {label} twice in {line}"
            );
            match chars.next().expect(", or }") {
                (_, ',') => continue,
                (i, '}') => break i + 1,
                (_, c) => panic!("unexpected {c} in {line}"),
            }
        };
        rest = &inner[consumed..];
    }
    let value = rest.strip_prefix(' ').unwrap_or_else(|| panic!("{line}"));
    let value = match value {
        "+Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        "NaN" => f64::NAN,
        v => v.parse().unwrap_or_else(|_| panic!("bad value in {line}")),
    };
    Sample {
        name: name.to_string(),
        labels,
        value,
    }
}

/// A histogram series: its labels other than `le`, in order.
type Series = Vec<(String, String)>;

fn check_histograms(samples: &[Sample], types: &BTreeMap<String, String>) {
    for (family, _) in types.iter().filter(|(_, kind)| *kind == "histogram") {
        // Series of the family: labels without `le`.
        let mut buckets: BTreeMap<Series, Vec<(f64, f64)>> = BTreeMap::new();
        let mut counts = BTreeMap::new();
        let mut sums = BTreeSet::new();
        for s in samples {
            let mut labels = s.labels.clone();
            if s.name == format!("{family}_bucket") {
                let le = labels.remove("le").expect("a bucket has le");
                let le = if le == "+Inf" {
                    f64::INFINITY
                } else {
                    le.parse().unwrap()
                };
                buckets
                    .entry(labels.into_iter().collect())
                    .or_default()
                    .push((le, s.value));
            } else if s.name == format!("{family}_count") {
                counts.insert(labels.into_iter().collect::<Series>(), s.value);
            } else if s.name == format!("{family}_sum") {
                sums.insert(labels.into_iter().collect::<Series>());
            }
        }
        assert_eq!(
            buckets.keys().collect::<BTreeSet<_>>(),
            counts.keys().collect::<BTreeSet<_>>(),
            "{family}: every series has buckets and a count"
        );
        assert_eq!(counts.keys().cloned().collect::<BTreeSet<_>>(), sums);
        for (series, list) in buckets {
            assert!(
                list.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 <= w[1].1),
                "{family}{series:?}: buckets ascend and are cumulative: {list:?}"
            );
            let last = list.last().unwrap();
            assert_eq!(last.0, f64::INFINITY, "{family}{series:?} ends with +Inf");
            assert_eq!(
                last.1, counts[&series],
                "{family}{series:?}: +Inf == _count"
            );
        }
    }
}

/// The value of the sample `name` with exactly these labels, if present.
fn value(samples: &[Sample], name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    let wanted: BTreeMap<String, String> = labels
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    samples
        .iter()
        .find(|s| s.name == name && s.labels == wanted)
        .map(|s| s.value)
}

async fn scrape(app: &TestApp) -> (String, Vec<Sample>) {
    let response = app.get("/metrics", "").await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(
        response.headers[header::CONTENT_TYPE],
        "text/plain; version=0.0.4; charset=utf-8"
    );
    let text = String::from_utf8(response.body.to_vec()).unwrap();
    let samples = parse_exposition(&text);
    (text, samples)
}

#[tokio::test]
async fn one_stored_one_duplicate_and_one_refused_batch_are_counted_exactly() {
    let app = TestApp::new().await;
    let body = batch(SESSION, 0, 1_000, 2);
    assert_eq!(
        app.ingest(body.clone(), &[]).await.json()["status"],
        "stored"
    );
    assert_eq!(
        app.ingest(body.clone(), &[]).await.json()["status"],
        "duplicate"
    );
    let not_json = "{not json";
    let refused = app.ingest(not_json, &[]).await;
    assert_eq!(refused.error_code(), "invalid_json");

    let (_, samples) = scrape(&app).await;
    let batches = |outcome| {
        value(
            &samples,
            "tapedeck_ingest_batches_total",
            &[("outcome", outcome)],
        )
    };
    assert_eq!(
        (batches("stored"), batches("duplicate"), batches("refused")),
        (Some(1.0), Some(1.0), Some(1.0))
    );
    let refused_codes: Vec<_> = samples
        .iter()
        .filter(|s| s.name == "tapedeck_ingest_refused_total")
        .map(|s| (s.labels["code"].clone(), s.value))
        .collect();
    assert_eq!(refused_codes, [("invalid_json".to_string(), 1.0)]);
    assert_eq!(
        value(&samples, "tapedeck_ingest_bytes_total", &[]),
        Some((2 * body.len() + not_json.len()) as f64),
        "every body read, as sent"
    );
    assert_eq!(
        value(&samples, "tapedeck_ingest_duration_seconds_count", &[]),
        Some(3.0)
    );
    assert_eq!(
        value(
            &samples,
            "tapedeck_http_requests_total",
            &[
                ("method", "POST"),
                ("route", "/api/v1/ingest"),
                ("status", "200")
            ]
        ),
        Some(2.0)
    );
    assert_eq!(
        value(&samples, "tapedeck_sessions_recording", &[]),
        Some(1.0),
        "read from the store at scrape time"
    );
    assert_eq!(
        value(&samples, "tapedeck_jobs", &[("state", "queued")]),
        Some(0.0)
    );
}

#[tokio::test]
async fn requests_count_under_their_route_template_and_never_show_an_id() {
    let app = TestApp::new().await;
    assert_eq!(
        app.ingest(batch(SESSION, 0, 1_000, 1), &[]).await.status,
        StatusCode::OK
    );
    let cookie = app.login("owner@example.test", "owner").await;
    let session = app
        .get(&format!("/api/v1/sessions/{SESSION}"), &cookie)
        .await;
    assert_eq!(session.status, StatusCode::OK);
    let missing = app.get("/api/v1/sessions/no-such-session", &cookie).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    // The web app's page for the session: answered by the fallback, no route template.
    let page = app.get(&format!("/sessions/{SESSION}?t=5"), &cookie).await;
    assert_ne!(page.status, StatusCode::METHOD_NOT_ALLOWED);

    let (text, samples) = scrape(&app).await;
    let requests = |method, route, status| {
        value(
            &samples,
            "tapedeck_http_requests_total",
            &[("method", method), ("route", route), ("status", status)],
        )
    };
    assert_eq!(requests("GET", "/api/v1/sessions/{id}", "200"), Some(1.0));
    assert_eq!(requests("GET", "/api/v1/sessions/{id}", "404"), Some(1.0));
    let page_status = page.status.as_u16().to_string();
    assert_eq!(requests("GET", "unmatched", &page_status), Some(1.0));
    assert_eq!(
        value(
            &samples,
            "tapedeck_http_request_duration_seconds_count",
            &[("route", "/api/v1/sessions/{id}")]
        ),
        Some(2.0)
    );
    for secret in [
        SESSION,
        "no-such-session",
        "owner@example.test",
        "shop.test",
    ] {
        assert!(!text.contains(secret), "{secret} in the scrape:\n{text}");
    }
    let routes: BTreeSet<&str> = samples
        .iter()
        .filter_map(|s| s.labels.get("route").map(String::as_str))
        .collect();
    for route in routes {
        assert!(
            route == "unmatched" || route.starts_with('/'),
            "route label {route}"
        );
    }
}

#[tokio::test]
async fn the_scrape_names_the_build_and_the_process() {
    let app = TestApp::new().await;
    let (_, samples) = scrape(&app).await;
    assert_eq!(
        value(
            &samples,
            "tapedeck_build_info",
            &[("version", env!("CARGO_PKG_VERSION"))]
        ),
        Some(1.0)
    );
    assert!(value(&samples, "tapedeck_uptime_seconds", &[]).is_some_and(|s| s >= 0.0));
    if cfg!(target_os = "linux") {
        assert!(value(&samples, "process_resident_memory_bytes", &[]).is_some_and(|b| b > 0.0));
        assert!(value(&samples, "process_start_time_seconds", &[]).is_some_and(|t| t > 1e9));
    }
    // The first scrape counts only after it answered: it is not in its own output.
    assert_eq!(
        value(
            &samples,
            "tapedeck_http_requests_total",
            &[("method", "GET"), ("route", "/metrics"), ("status", "200")]
        ),
        None
    );
    let (_, again) = scrape(&app).await;
    assert_eq!(
        value(
            &again,
            "tapedeck_http_requests_total",
            &[("method", "GET"), ("route", "/metrics"), ("status", "200")]
        ),
        Some(1.0)
    );
}

async fn get_with_authorization(app: &TestApp, authorization: Option<&str>) -> TestResponse {
    let mut request = Request::builder().method(Method::GET).uri("/metrics");
    if let Some(value) = authorization {
        request = request.header(header::AUTHORIZATION, value);
    }
    app.send(request.body(Body::empty()).unwrap()).await
}

#[tokio::test]
async fn with_a_metrics_token_only_its_bearer_may_scrape() {
    let mut app = TestApp::new().await;
    let config = ApiConfig {
        metrics_token: Some(MetricsToken::new(TOKEN).unwrap()),
        ..ApiConfig::default()
    };
    let state = AppState::new(app.meta.clone(), app.recordings.clone(), config);
    app.router = tapedeck_api::router(state);

    let wrong = format!("Bearer {TOKEN}x");
    for authorization in [None, Some("Bearer nope"), Some(wrong.as_str()), Some(TOKEN)] {
        let refused = get_with_authorization(&app, authorization).await;
        assert_eq!(
            refused.status,
            StatusCode::UNAUTHORIZED,
            "{authorization:?}"
        );
        assert_eq!(refused.error_code(), "unauthenticated");
        assert_eq!(
            refused.headers[header::WWW_AUTHENTICATE],
            "Bearer realm=\"metrics\""
        );
    }
    let right = format!("Bearer {TOKEN}");
    let allowed = get_with_authorization(&app, Some(&right)).await;
    assert_eq!(allowed.status, StatusCode::OK);
    let samples = parse_exposition(std::str::from_utf8(&allowed.body).unwrap());
    assert_eq!(
        value(
            &samples,
            "tapedeck_http_requests_total",
            &[("method", "GET"), ("route", "/metrics"), ("status", "401")]
        ),
        Some(4.0),
        "refused scrapes are counted too"
    );
    assert_eq!(app.get("/healthz", "").await.status, StatusCode::OK);
}

#[test]
fn the_checker_rejects_what_a_scraper_would() {
    let good = "# HELP a_total A.\n# TYPE a_total counter\na_total{x=\"1\\\"2\"} 3\n";
    assert_eq!(parse_exposition(good)[0].labels["x"], "1\"2");
    for bad in [
        "a_total 1\n",
        "# HELP a_total A.\na_total 1\n",
        "# HELP a_total A.\n# TYPE a_total counter\na_total{x=\"1} 3\n",
        "# HELP a_total A.\n# TYPE a_total counter\na_total three\n",
        "# HELP h H.\n# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n",
        "# HELP h H.\n# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n",
    ] {
        let outcome = std::panic::catch_unwind(|| parse_exposition(bad));
        assert!(outcome.is_err(), "accepted: {bad}");
    }
}
