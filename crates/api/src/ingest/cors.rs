//! CORS for the public recorder endpoints. Preflights are answered for any origin (a preflight
//! carries no project key); the real request is then checked against the project's allowed
//! origins, and answers echo the origin so the SDK can read error codes.

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use tapedeck_store::Project;

/// Returns true when `origin` may post to the project (no list means every origin).
pub fn origin_allowed(project: &Project, origin: Option<&str>) -> bool {
    match origin {
        _ if project.allowed_origins.is_empty() => true,
        // Same-origin and non-browser clients send no Origin header.
        None => true,
        Some(origin) => project
            .allowed_origins
            .iter()
            .any(|allowed| allowed.trim_end_matches('/') == origin),
    }
}

/// Adds the CORS headers of a recorder endpoint answer for this request's origin.
pub fn with_cors(request_headers: &HeaderMap, response: impl IntoResponse) -> Response {
    let mut response = response.into_response();
    if let Some(origin) = request_headers.get(header::ORIGIN) {
        let headers = response.headers_mut();
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
        headers.insert(header::VARY, HeaderValue::from_static("Origin"));
        headers.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static("Retry-After"),
        );
    }
    response
}

/// Answers a CORS preflight for a recorder endpoint.
pub async fn preflight(headers: HeaderMap) -> Response {
    let mut response = with_cors(&headers, axum::http::StatusCode::NO_CONTENT);
    let out = response.headers_mut();
    out.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, POST, OPTIONS"),
    );
    out.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("Content-Type, Content-Encoding, X-Tapedeck-Project"),
    );
    out.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("86400"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(origins: &[&str]) -> Project {
        Project {
            id: "p".into(),
            organization_id: "o".into(),
            name: "n".into(),
            ingest_key: "k".into(),
            allowed_origins: origins.iter().map(|o| o.to_string()).collect(),
            region: tapedeck_store::DEFAULT_REGION.into(),
        }
    }

    #[test]
    fn empty_list_allows_everyone_and_a_list_is_exact() {
        assert!(origin_allowed(&project(&[]), Some("https://evil.test")));
        let p = project(&["https://shop.test/"]);
        assert!(origin_allowed(&p, Some("https://shop.test")));
        assert!(!origin_allowed(&p, Some("https://shop.test.evil.test")));
        assert!(!origin_allowed(&p, Some("http://shop.test")));
        assert!(origin_allowed(&p, None));
    }
}
