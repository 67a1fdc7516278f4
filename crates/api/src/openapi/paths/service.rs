//! Probes, static files and this documentation (docs/API.md "Static and other").

use axum::http::Method;

use crate::error::ApiError;
use crate::openapi::operation::{Auth, Op};
use crate::openapi::schema_dsl::*;

const TAG: &str = "service";

fn public(method: Method, path: &'static str, id: &str, summary: &str) -> Op {
    Op::new(method, path, id, summary)
        .tag(TAG)
        .auth(Auth::Public)
}

pub fn operations() -> Vec<Op> {
    vec![
        public(Method::GET, "/healthz", "healthz", "Liveness probe").answer(
            200,
            "`ok`.",
            "text/plain",
            string(),
        ),
        public(
            Method::GET,
            "/readyz",
            "readyz",
            "Readiness probe: the database answers",
        )
        .answer(200, "`ready`.", "text/plain", string())
        .plain_error(503, "text/plain", "`database unavailable`."),
        public(
            Method::GET,
            "/metrics",
            "metrics",
            "Counters and histograms for Prometheus",
        )
        .describe(
            "The Prometheus text format (version 0.0.4): ingest outcomes, refusals by error \
             code, bytes and latency; HTTP requests by method, route template and status; job \
             queue and live-session gauges; build, uptime and process figures. Aggregate only: \
             no ids, emails or URLs. Public unless the server sets `metrics_token`; then it \
             needs `Authorization: Bearer <metrics_token>`.",
        )
        .answer(
            200,
            "The metrics (`text/plain; version=0.0.4`).",
            "text/plain",
            string(),
        )
        .errors([ApiError::MetricsTokenRequired]),
        public(
            Method::GET,
            "/sdk/{file}",
            "getSdkFile",
            "Returns a recorder bundle",
        )
        .path_param(
            "file",
            "`tapedeck.js` (IIFE), `tapedeck-capture.js` or `tapedeck.esm.js`.",
        )
        .answer(200, "The script (CORS `*`).", "text/javascript", string())
        .plain_error(404, "text/plain", "No such file."),
        public(
            Method::GET,
            "/demo",
            "getDemo",
            "A demo shop page that records itself",
        )
        .answer(200, "The page.", "text/html", string())
        .plain_error(404, "text/html", "No demo project on this instance."),
        public(
            Method::GET,
            "/api/v1/openapi.json",
            "getOpenApi",
            "This document",
        )
        .answer(200, "OpenAPI 3.1.", "application/json", free_object()),
        public(
            Method::GET,
            "/api/docs",
            "getApiDocs",
            "The API reference page (Swagger UI)",
        )
        .answer(
            200,
            "The page; its scripts and styles are served under `/api/docs/`.",
            "text/html",
            string(),
        ),
        public(
            Method::GET,
            "/api/docs/{file}",
            "getApiDocsFile",
            "A file of the API reference page",
        )
        .path_param(
            "file",
            "`swagger-ui-bundle.js`, `swagger-ui.css`, `swagger-initializer.js`, ….",
        )
        .answer(200, "The file.", "text/javascript", string())
        .plain_error(404, "text/plain", "No such file."),
    ]
}
