//! `/api/docs`: Swagger UI over `/api/v1/openapi.json`, from files vendored in the
//! `utoipa-swagger-ui` crate (no CDN: it works offline). The page is ours rather than Swagger
//! UI's `index.html`, with absolute asset paths and no inline script; the UI starts from
//! `swagger-initializer.js`, a file, so the web app's Content-Security-Policy (`script-src
//! 'self'`) applies unchanged.

use std::sync::{Arc, LazyLock};

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use utoipa_swagger_ui::Config;

use crate::security_headers::web_app_csp;

const INDEX: &str = include_str!("docs_index.html");

/// The files the page loads; nothing else of the vendored bundle is served.
const FILES: [&str; 6] = [
    "swagger-ui.css",
    "index.css",
    "swagger-ui-bundle.js",
    "swagger-ui-standalone-preset.js",
    "swagger-initializer.js",
    "favicon-32x32.png",
];

static CONFIG: LazyLock<Arc<Config<'static>>> = LazyLock::new(|| {
    Arc::new(
        // The base layout: without the top bar that loads any other document by URL.
        Config::new(["/api/v1/openapi.json"])
            .use_base_layout()
            .try_it_out_enabled(false)
            .display_operation_id(true),
    )
});

fn with_page_headers(mut response: Response, cache_control: &'static str) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control),
    );
    if let Ok(csp) = HeaderValue::from_str(&web_app_csp("'self'")) {
        headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    response
}

/// `GET /api/docs`: the page.
pub async fn docs_index() -> Response {
    with_page_headers(axum::response::Html(INDEX).into_response(), "no-cache")
}

/// `GET /api/docs/{file}`: Swagger UI's scripts, styles and the initializer pointing it at
/// this server's document.
pub async fn docs_file(Path(file): Path<String>) -> Response {
    if !FILES.contains(&file.as_str()) {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    }
    match utoipa_swagger_ui::serve(&file, CONFIG.clone()) {
        Ok(Some(found)) => {
            let content_type = HeaderValue::from_str(&found.content_type)
                .unwrap_or(HeaderValue::from_static("application/octet-stream"));
            let response = (
                [(header::CONTENT_TYPE, content_type)],
                found.bytes.into_owned(),
            )
                .into_response();
            with_page_headers(response, "public, max-age=3600")
        }
        Ok(None) => (StatusCode::NOT_FOUND, "not found").into_response(),
        Err(e) => {
            tracing::error!(error = %e, file = %file, "swagger ui file failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}
