//! Security headers (docs/SECURITY.md "Security headers"): `X-Content-Type-Options: nosniff`
//! and `Referrer-Policy: same-origin` on every response, and the web app's
//! Content-Security-Policy, whose `frame-ancestors` is `'self'` except on `?embed=1` pages,
//! where it is the configured `embed_frame_ancestors` (support tools embed the replay).

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// Who may frame `?embed=1` pages unless configured: this server only. Embedding elsewhere is a
/// deliberate choice (a list of the support tools' origins), never a default.
pub const DEFAULT_EMBED_FRAME_ANCESTORS: &str = "'self'";

/// Returns the web app's policy. Scripts only from this server; inline styles, because the
/// replay rebuilds recorded `<style>` elements and `style` attributes in its iframe (which
/// inherits this policy); stylesheets, images, fonts and media from anywhere a recorded page
/// took them (a cross-origin stylesheet the recorder could not read stays a link); no
/// plugins; fetches only to this server.
pub fn web_app_csp(frame_ancestors: &str) -> String {
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline' https: http:",
        "img-src 'self' data: blob: https: http:",
        "font-src 'self' data: https: http:",
        "media-src 'self' data: blob: https: http:",
        "connect-src 'self'",
        "frame-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        &format!("frame-ancestors {frame_ancestors}"),
    ]
    .join("; ")
}

/// Checks a `frame-ancestors` source list (space-separated, CSP syntax) and returns it
/// normalised (single spaces). Accepts `'self'`, `'none'` (alone), `*`, scheme sources
/// (`https:`) and host sources (`https://support.example.com`, `https://*.example.com:8443`);
/// refuses anything that could end the directive or add another (`;`, `,`, quotes, controls).
pub fn check_frame_ancestors(sources: &str) -> Result<String, String> {
    let tokens: Vec<&str> = sources.split_whitespace().collect();
    if tokens.is_empty() {
        return Err("embed_frame_ancestors is empty; use 'none' to forbid embedding".into());
    }
    for token in &tokens {
        let keyword = matches!(*token, "'self'" | "'none'");
        let source = token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".:/*-_[]".contains(&b));
        if !keyword && !source {
            return Err(format!(
                "embed_frame_ancestors: {token:?} is not a source ('self', *, https:, or \
                 https://host[:port])"
            ));
        }
    }
    if tokens.contains(&"'none'") && tokens.len() > 1 {
        return Err("embed_frame_ancestors: 'none' must stand alone".into());
    }
    Ok(tokens.join(" "))
}

/// Returns true when a web app URL's query asks for the embeddable page (`embed=1`).
pub fn is_embed_query(query: Option<&str>) -> bool {
    query
        .unwrap_or_default()
        .split('&')
        .any(|pair| pair == "embed=1")
}

/// Adds the headers every response carries, unless the handler set its own.
pub async fn add_security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers
        .entry(header::X_CONTENT_TYPE_OPTIONS)
        .or_insert(HeaderValue::from_static("nosniff"));
    headers
        .entry(header::REFERRER_POLICY)
        .or_insert(HeaderValue::from_static("same-origin"));
    response
}

/// What browsers are told once they reached the server over HTTPS: use only HTTPS for a year.
/// No `includeSubDomains`: other hosts of the operator's domain are not ours to decide.
pub const HSTS: &str = "max-age=31536000";

/// Adds `Strict-Transport-Security` when users reach the server over HTTPS (its own TLS or an
/// `https://` `public_url` behind a proxy); browsers ignore it over plain HTTP anyway.
pub async fn add_hsts(
    axum::extract::State(state): axum::extract::State<crate::state::AppState>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    if state.config.users_reach_https() {
        response
            .headers_mut()
            .entry(header::STRICT_TRANSPORT_SECURITY)
            .or_insert(HeaderValue::from_static(HSTS));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_ancestor_lists_are_checked_and_normalised() {
        assert_eq!(
            check_frame_ancestors("  'self'   https://support.example.com ").unwrap(),
            "'self' https://support.example.com"
        );
        assert_eq!(check_frame_ancestors("*").unwrap(), "*");
        assert_eq!(
            check_frame_ancestors("https: https://*.example.com:8443").unwrap(),
            "https: https://*.example.com:8443"
        );
        assert!(check_frame_ancestors("").is_err());
        assert!(check_frame_ancestors("'self'; script-src *").is_err());
        assert!(check_frame_ancestors("https://a.test,https://b.test").is_err());
        assert!(check_frame_ancestors("'unsafe-inline'").is_err());
        assert!(check_frame_ancestors("'none' 'self'").is_err());
    }

    #[test]
    fn the_policy_ends_with_its_frame_ancestors() {
        let csp = web_app_csp("'self' https://support.example.com");
        assert!(csp.starts_with("default-src 'self'; script-src 'self';"));
        assert!(csp.ends_with("; frame-ancestors 'self' https://support.example.com"));
    }

    #[test]
    fn only_embed_1_is_the_embed_page() {
        assert!(is_embed_query(Some("t=5&embed=1")));
        assert!(!is_embed_query(Some("embed=0")));
        assert!(!is_embed_query(Some("xembed=1")));
        assert!(!is_embed_query(None));
    }
}
