//! The OpenAPI 3.1 document of the whole HTTP API, served at `GET /api/v1/openapi.json`, and
//! the Swagger UI page that reads it at `/api/docs` (`docs_page.rs`).
//!
//! The document is built once, in code, with utoipa's types: the operations in `paths/` (one
//! `Op` per route of `routes.rs`), the shapes of docs/API.md in `schemas.rs`. Most handlers
//! answer `serde_json::json!` values, so nothing can be derived from them; what keeps the
//! document true is `tests/openapi.rs`, which compares it with `routes.rs` both ways, requests
//! every operation through the router, and checks its error codes against `ApiError`
//! (docs/ARCHITECTURE.md "OpenAPI").

mod docs_page;
mod errors;
mod operation;
mod paths;
mod schema_dsl;
mod schemas;

use std::sync::LazyLock;

use axum::http::{HeaderValue, Method, header};
use axum::response::{IntoResponse, Response};
use utoipa::openapi::path::PathItem;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::tag::TagBuilder;
use utoipa::openapi::{ComponentsBuilder, InfoBuilder, OpenApi, OpenApiBuilder, Paths};

pub(crate) use docs_page::{docs_file, docs_index};

static DOCUMENT: LazyLock<OpenApi> = LazyLock::new(build);
static DOCUMENT_JSON: LazyLock<String> =
    LazyLock::new(|| DOCUMENT.to_json().expect("the document serializes"));

/// Returns the OpenAPI document (built on first use).
pub fn document() -> &'static OpenApi {
    &DOCUMENT
}

/// Returns every documented operation as (method, path template), e.g.
/// `(GET, "/api/v1/sessions/{id}")`: for tests that must cover every endpoint.
pub fn operations() -> Vec<(Method, String)> {
    document()
        .paths
        .paths
        .iter()
        .flat_map(|(path, item)| {
            path_item_methods(item)
                .into_iter()
                .map(move |method| (method, path.clone()))
        })
        .collect()
}

fn path_item_methods(item: &PathItem) -> Vec<Method> {
    [
        (Method::GET, item.get.is_some()),
        (Method::POST, item.post.is_some()),
        (Method::PUT, item.put.is_some()),
        (Method::PATCH, item.patch.is_some()),
        (Method::DELETE, item.delete.is_some()),
        (Method::OPTIONS, item.options.is_some()),
        (Method::HEAD, item.head.is_some()),
    ]
    .into_iter()
    .filter_map(|(method, present)| present.then_some(method))
    .collect()
}

/// `GET /api/v1/openapi.json`: public, as it documents the API and reveals no data.
pub(crate) async fn openapi_json() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        DOCUMENT_JSON.as_str(),
    )
        .into_response()
}

const DESCRIPTION: &str = "REST + JSON. Errors are `{\"error\": {\"code\", \"message\"}}` with \
    a stable code. Times in JSON objects are RFC 3339, inside rrweb events milliseconds since the \
    epoch; durations are seconds. The web app authenticates with the login cookie \
    (`POST /api/v1/auth/login`); its writes must be `application/json` from the same origin. \
    Integrations send an API key as `Authorization: Bearer tdk_…`. The recorder sends the \
    project's ingest key. The prose reference is docs/API.md.";

fn build() -> OpenApi {
    let mut paths = Paths::new();
    for op in paths::all() {
        let (path, method, operation) = op.finish();
        paths.add_path_operation(path, vec![method], operation);
    }
    let mut components = ComponentsBuilder::new()
        .security_scheme(
            "session_cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "tapedeck_session",
                "The login cookie (HttpOnly, SameSite=Lax) set by login, setup and accepting an \
                 invitation.",
            ))),
        )
        .security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("tdk_<64 hex>")
                    .description(Some(
                        "An API key: acts in its one organization with the weaker of its role \
                         and its creator's.",
                    ))
                    .build(),
            ),
        )
        .security_scheme(
            "ingest_key",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-Tapedeck-Project",
                "The project's ingest key (`tdp_…`).",
            ))),
        )
        .security_scheme(
            "ingest_key_query",
            SecurityScheme::ApiKey(ApiKey::Query(ApiKeyValue::with_description(
                "project",
                "The ingest key as `?project=` (for `sendBeacon`, which cannot set headers).",
            ))),
        );
    for (name, schema) in schemas::all() {
        components = components.schema(name, schema);
    }
    let tags = [
        (
            "recorder",
            "What the recorder SDK calls, with the project's ingest key.",
        ),
        ("auth", "Login, first-run setup and the caller."),
        ("api-keys", "Keys for integrations."),
        (
            "sessions",
            "Recorded sessions: list, read, delete, export, import.",
        ),
        (
            "annotations",
            "Notes, tags and links people add to sessions.",
        ),
        ("projects", "Projects and their recording settings."),
        ("views", "Saved views of the sessions list."),
        (
            "members",
            "Members of an organization, invitations and password resets.",
        ),
        ("audit", "The audit log of an organization."),
        (
            "end-users",
            "An end user's data (GDPR / CCPA export and erasure).",
        ),
        ("service", "Probes, static files and this documentation."),
    ];
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("Tapedeck API")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(DESCRIPTION))
                .build(),
        )
        .paths(paths)
        .components(Some(components.build()))
        .tags(Some(tags.into_iter().map(|(name, description)| {
            TagBuilder::new()
                .name(name)
                .description(Some(description))
                .build()
        })))
        .build()
}
