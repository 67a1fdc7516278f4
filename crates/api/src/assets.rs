//! Files served by the binary: the web app (packages/web/dist), the recorder SDK
//! (packages/recorder/dist) and the `/demo` shop page. In release builds they are embedded; in
//! debug builds rust-embed reads them from disk, so a rebuilt web app shows without recompiling.

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Response};
use rust_embed::RustEmbed;

use crate::DEMO_PROJECT_SETTING;
use crate::security_headers::{is_embed_query, web_app_csp};
use crate::state::AppState;

#[derive(RustEmbed)]
#[folder = "$CARGO_MANIFEST_DIR/../../packages/web/dist"]
#[allow_missing = true]
struct WebAssets;

#[derive(RustEmbed)]
#[folder = "$CARGO_MANIFEST_DIR/../../packages/recorder/dist"]
#[include = "*.js"]
#[allow_missing = true]
struct SdkAssets;

const DEMO_PAGE: &str = include_str!("../assets/demo.html");
const NOT_BUILT_PAGE: &str = "<!doctype html><title>Tapedeck</title><p>The web app is not built into this binary. \
    Run <code>make build</code> (or <code>npm run build</code>) and restart.</p>";

fn file_response(bytes: Vec<u8>, path: &str, cache_control: &'static str) -> Response {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(mime.as_ref()) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// `GET /sdk/{file}`: the recorder bundles.
pub async fn sdk_file(axum::extract::Path(file): axum::extract::Path<String>) -> Response {
    match SdkAssets::get(&file) {
        Some(content) => {
            let mut response =
                file_response(content.data.into_owned(), &file, "public, max-age=300");
            response.headers_mut().insert(
                header::ACCESS_CONTROL_ALLOW_ORIGIN,
                HeaderValue::from_static("*"),
            );
            response
        }
        None => (
            StatusCode::NOT_FOUND,
            "no such SDK file (is the recorder built?)",
        )
            .into_response(),
    }
}

/// Any other `GET`: a file of the web app, or its `index.html` for client-side routes, under the
/// web app's Content-Security-Policy.
pub async fn web_app(State(state): State<AppState>, uri: Uri) -> Response {
    let mut response = web_app_file(&uri);
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_html {
        let frame_ancestors = if is_embed_query(uri.query()) {
            state.config.embed_frame_ancestors.as_str()
        } else {
            "'self'"
        };
        if let Ok(csp) = HeaderValue::from_str(&web_app_csp(frame_ancestors)) {
            response
                .headers_mut()
                .insert(header::CONTENT_SECURITY_POLICY, csp);
        }
    }
    response
}

fn web_app_file(uri: &Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    if !path.is_empty()
        && let Some(content) = WebAssets::get(path)
    {
        // Vite names assets by content hash, so they never change under the same name.
        let cache = if path.starts_with("assets/") {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        return file_response(content.data.into_owned(), path, cache);
    }
    if path.starts_with("api/") || path.starts_with("assets/") {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    }
    match WebAssets::get("index.html") {
        Some(index) => file_response(index.data.into_owned(), "index.html", "no-cache"),
        None => Html(NOT_BUILT_PAGE).into_response(),
    }
}

/// `GET /demo`: a small shop that records itself into the instance's demo project.
pub async fn demo(State(state): State<AppState>) -> Response {
    let project = match state.meta.get_setting(DEMO_PROJECT_SETTING).await {
        Ok(Some(id)) => state.meta.project_by_id(&id).await.ok().flatten(),
        _ => None,
    };
    match project {
        Some(project) => {
            let page = DEMO_PAGE.replace("{{INGEST_KEY}}", &project.ingest_key);
            ([(header::CACHE_CONTROL, "no-store")], Html(page)).into_response()
        }
        None => (
            StatusCode::NOT_FOUND,
            Html("<p>This instance has no demo project.</p>"),
        )
            .into_response(),
    }
}
