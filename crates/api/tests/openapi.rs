//! Keeps the OpenAPI document (`tapedeck_api::openapi`) true: it is well-formed and every
//! operation is described; it lists exactly the routes of `routes.rs` and each documented
//! operation reaches that route through the real router, refusing a request without
//! credentials exactly when it documents a security requirement; its error codes are
//! `ApiError`'s; real answers fit its schemas (`openapi/real_answers.rs`). Also the public
//! `/api/v1/openapi.json` and the Swagger UI page under the web app's CSP.

use std::collections::{BTreeMap, BTreeSet};

use axum::body::Body;
use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::Value;
use tapedeck_api::openapi;
use tapedeck_testkit::TestApp;
use tower::ServiceExt;

#[path = "openapi/answers.rs"]
mod answers;
#[path = "openapi/real_answers.rs"]
mod real_answers;

const ROUTES_RS: &str = include_str!("../src/routes.rs");
const ERROR_RS: &str = include_str!("../src/error.rs");

/// Operations that answer nothing but success: there is no error to document.
const NEVER_FAIL: [(&str, &str); 5] = [
    ("GET", "/healthz"),
    ("OPTIONS", "/api/v1/ingest"),
    ("OPTIONS", "/api/v1/recorder-config"),
    ("GET", "/api/v1/openapi.json"),
    ("GET", "/api/docs"),
];

fn document_json() -> Value {
    serde_json::to_value(openapi::document()).unwrap()
}

/// Returns the (METHOD, path) pairs registered with `.route("…", get(…).post(…))` in routes.rs.
fn routes_in_routes_rs() -> BTreeSet<(String, String)> {
    const METHODS: [&str; 7] = ["get", "post", "put", "patch", "delete", "options", "head"];
    let mut routes = BTreeSet::new();
    let mut rest = ROUTES_RS;
    while let Some(start) = rest.find(".route(") {
        let call = &rest[start + ".route(".len()..];
        // The call's text, up to its closing parenthesis.
        let mut depth = 1;
        let end = call
            .char_indices()
            .find_map(|(i, c)| {
                match c {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                (depth == 0).then_some(i)
            })
            .expect("balanced .route(");
        let call = &call[..end];
        let path = call.split('"').nth(1).expect("a path literal");
        let (_, handlers) = call.split_once(',').expect("a method router");
        let mut found = 0;
        for (i, _) in handlers.match_indices('(') {
            let before = &handlers[..i];
            let word_start = before
                .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .map_or(0, |p| p + 1);
            let word = &before[word_start..];
            let preceded_by_path = before[..word_start].ends_with("::");
            if METHODS.contains(&word) && !preceded_by_path {
                routes.insert((word.to_ascii_uppercase(), path.to_string()));
                found += 1;
            }
        }
        assert!(found > 0, "no method found in .route({call})");
        rest = &rest[start + 1..];
    }
    routes
}

fn documented() -> BTreeSet<(String, String)> {
    openapi::operations()
        .into_iter()
        .map(|(method, path)| (method.to_string(), path))
        .collect()
}

#[test]
fn the_route_parser_reads_chained_methods() {
    let routes = routes_in_routes_rs();
    assert!(routes.contains(&("POST".into(), "/api/v1/ingest".into())));
    assert!(routes.contains(&("OPTIONS".into(), "/api/v1/ingest".into())));
    assert!(routes.contains(&("DELETE".into(), "/api/v1/sessions/{id}".into())));
    assert!(routes.len() > 40, "{routes:?}");
}

#[test]
fn every_route_is_documented_and_every_operation_is_routed() {
    let routed = routes_in_routes_rs();
    let documented = documented();
    let undocumented: Vec<_> = routed.difference(&documented).collect();
    let unrouted: Vec<_> = documented.difference(&routed).collect();
    assert!(
        undocumented.is_empty(),
        "routes missing from the OpenAPI document (crates/api/src/openapi/paths/): {undocumented:?}"
    );
    assert!(
        unrouted.is_empty(),
        "documented operations with no route in routes.rs: {unrouted:?}"
    );
}

#[test]
fn the_document_parses_as_openapi_3_1_and_every_operation_is_described() {
    let json = openapi::document().to_json().unwrap();
    let parsed: utoipa::openapi::OpenApi = serde_json::from_str(&json).expect("OpenAPI");
    assert_eq!(serde_json::to_string(&parsed).unwrap(), json, "round trip");
    let doc = document_json();
    assert_eq!(doc["openapi"], "3.1.0");

    let mut ids = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let name = format!("{} {path}", method.to_uppercase());
            let id = op["operationId"].as_str().unwrap_or_default();
            assert!(!id.is_empty(), "{name}: no operationId");
            assert!(ids.insert(id.to_string()), "{name}: operationId {id} twice");
            let summary = op["summary"].as_str().unwrap_or_default();
            assert!(!summary.is_empty(), "{name}: no summary");
            let responses = op["responses"].as_object().unwrap();
            assert!(
                responses.keys().any(|s| s.starts_with('2')),
                "{name}: no success response"
            );
            let never_fails = NEVER_FAIL
                .iter()
                .any(|(m, p)| m.eq_ignore_ascii_case(method) && p == path);
            let has_error = responses
                .keys()
                .any(|s| s.starts_with('4') || s.starts_with('5'));
            assert_eq!(
                has_error, !never_fails,
                "{name}: documented error responses (NEVER_FAIL lists those that have none)"
            );
            // Every `{param}` of the template is declared as a path parameter, and only those.
            let in_template: BTreeSet<&str> = path
                .split('/')
                .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
                .collect();
            let declared: BTreeSet<&str> = op["parameters"]
                .as_array()
                .map(|ps| {
                    ps.iter()
                        .filter(|p| p["in"] == "path")
                        .map(|p| p["name"].as_str().unwrap())
                        .collect()
                })
                .unwrap_or_default();
            assert_eq!(in_template, declared, "{name}: path parameters");
        }
    }
    assert!(ids.len() > 40);

    // Every `$ref` points at a component that exists.
    let mut refs = Vec::new();
    collect_refs(&doc, &mut refs);
    assert!(!refs.is_empty());
    for reference in refs {
        let pointer = reference
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("external $ref {reference}"));
        assert!(doc.pointer(pointer).is_some(), "dangling $ref {reference}");
    }
}

fn collect_refs(value: &Value, refs: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                refs.push(r.clone());
            }
            map.values().for_each(|v| collect_refs(v, refs));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, refs)),
        _ => {}
    }
}

#[test]
fn the_security_schemes_are_the_cookie_the_bearer_key_and_the_ingest_key() {
    let doc = document_json();
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["session_cookie"]["in"], "cookie");
    assert_eq!(schemes["session_cookie"]["name"], "tapedeck_session");
    assert_eq!(schemes["api_key"]["scheme"], "bearer");
    assert_eq!(schemes["ingest_key"]["name"], "X-Tapedeck-Project");
    let ingest = &doc["paths"]["/api/v1/ingest"]["post"]["security"];
    assert_eq!(ingest[0], serde_json::json!({"ingest_key": []}));
    let list = &doc["paths"]["/api/v1/sessions"]["get"]["security"];
    assert_eq!(list[0], serde_json::json!({"session_cookie": []}));
    assert_eq!(list[1], serde_json::json!({"api_key": []}));
    assert!(doc["paths"]["/healthz"]["get"].get("security").is_none());
}

/// Returns the codes `ApiError::code` answers, read from error.rs.
fn api_error_codes() -> BTreeSet<String> {
    let body = ERROR_RS
        .split("pub fn code(&self)")
        .nth(1)
        .expect("ApiError::code");
    let body = &body[..body.find("\n    }\n").expect("end of code()")];
    body.split("=> \"")
        .skip(1)
        .map(|s| s[..s.find('"').unwrap()].to_string())
        .collect()
}

/// Returns the error codes the document lists, with the statuses they are listed under.
fn documented_codes() -> BTreeMap<String, BTreeSet<String>> {
    let doc = document_json();
    let mut codes: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for item in doc["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            for (status, response) in op["responses"].as_object().unwrap() {
                let schema = &response["content"]["application/json"]["schema"];
                let Some(list) = schema.pointer("/allOf/1/properties/error/properties/code/enum")
                else {
                    continue;
                };
                for code in list.as_array().unwrap() {
                    codes
                        .entry(code.as_str().unwrap().to_string())
                        .or_default()
                        .insert(status.clone());
                }
            }
        }
    }
    codes
}

#[test]
fn documented_error_codes_are_the_codes_of_api_error() {
    let real = api_error_codes();
    assert!(
        real.contains("not_found") && real.contains("invalid_query"),
        "{real:?}"
    );
    let documented = documented_codes();
    for code in documented.keys() {
        assert!(
            real.contains(code),
            "documented code {code} is not in ApiError::code"
        );
    }
    // `internal` can answer anywhere (a bug) and is documented in the API description instead.
    for code in real.iter().filter(|c| *c != "internal") {
        assert!(
            documented.contains_key(code),
            "ApiError code {code} is answered by no documented operation"
        );
    }
    assert_eq!(documented["not_found"], BTreeSet::from(["404".to_string()]));
    assert_eq!(
        documented["unauthenticated"],
        BTreeSet::from(["401".to_string()])
    );
}

/// Adds the route axum matched (none for the fallback) to the response, for the test below.
async fn tell_matched_path(request: Request, next: Next) -> Response {
    let matched = request
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string());
    let mut response = next.run(request).await;
    if let Some(matched) = matched {
        response
            .headers_mut()
            .insert("x-matched-path", HeaderValue::from_str(&matched).unwrap());
    }
    response
}

#[tokio::test]
async fn every_documented_operation_reaches_its_route() {
    let app = TestApp::new().await;
    let doc = document_json();
    let router = app
        .router
        .clone()
        .layer(axum::middleware::from_fn(tell_matched_path));
    for (method, path) in openapi::operations() {
        let uri: String = path
            .split('/')
            .map(|s| if s.starts_with('{') { "x" } else { s })
            .collect::<Vec<_>>()
            .join("/");
        let request = axum::http::Request::builder()
            .method(method.clone())
            .uri(&uri)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::empty())
            .unwrap();
        let response = router.clone().oneshot(request).await.unwrap();
        let name = format!("{method} {path}");
        assert_ne!(response.status(), StatusCode::METHOD_NOT_ALLOWED, "{name}");
        let matched = response
            .headers()
            .get("x-matched-path")
            .and_then(|v| v.to_str().ok());
        assert_eq!(
            matched,
            Some(path.as_str()),
            "{name} ({uri}) answered {}",
            response.status()
        );
        // Sent without credentials: an operation documented with a security requirement
        // refuses it, a public one does not ask for any.
        let operation = &doc["paths"][&path][method.as_str().to_ascii_lowercase()];
        let status = response.status();
        if operation.get("security").is_some() {
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{name} needs credentials");
        } else {
            assert_ne!(
                status,
                StatusCode::UNAUTHORIZED,
                "{name} is documented as public"
            );
        }
    }
}

#[tokio::test]
async fn the_document_is_served_publicly_as_json() {
    let app = TestApp::new().await;
    let response = app.get("/api/v1/openapi.json", "").await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.headers[header::CONTENT_TYPE], "application/json");
    assert_eq!(response.json(), document_json());
}

#[tokio::test]
async fn the_docs_page_loads_swagger_ui_from_this_server_under_the_web_app_csp() {
    let app = TestApp::new().await;
    let page = app.get("/api/docs", "").await;
    assert_eq!(page.status, StatusCode::OK);
    let csp = page.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    assert!(csp.contains("script-src 'self';"), "{csp}");
    let html = String::from_utf8(page.body.to_vec()).unwrap();
    let scripts: Vec<&str> = html.split("<script").skip(1).collect();
    assert_eq!(scripts.len(), 3, "{html}");
    for script in scripts {
        assert!(
            script.starts_with(" src=\"/api/docs/"),
            "inline or foreign script: {script}"
        );
    }
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no CDN: {html}"
    );

    let init = app.get("/api/docs/swagger-initializer.js", "").await;
    assert_eq!(init.status, StatusCode::OK);
    let init = String::from_utf8(init.body.to_vec()).unwrap();
    assert!(init.contains("\"/api/v1/openapi.json\""), "{init}");
    let bundle = app.get("/api/docs/swagger-ui-bundle.js", "").await;
    assert_eq!(bundle.status, StatusCode::OK);
    assert!(bundle.body.len() > 100_000);
    assert_eq!(
        app.get("/api/docs/oauth2-redirect.html", "").await.status,
        StatusCode::NOT_FOUND
    );
}

#[test]
fn operations_lists_methods_and_templates() {
    let ops = openapi::operations();
    assert!(ops.contains(&(Method::GET, "/api/v1/sessions/{id}".to_string())));
    assert!(ops.contains(&(Method::DELETE, "/api/v1/sessions/{id}".to_string())));
}
