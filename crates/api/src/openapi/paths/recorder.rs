//! What the recorder calls: ingest and its remote config (docs/API.md "Ingest", "Recorder config").

use axum::http::Method;

use crate::error::ApiError;
use crate::openapi::errors::*;
use crate::openapi::operation::{Auth, Op};
use crate::openapi::schema_dsl::*;

const TAG: &str = "recorder";

pub fn operations() -> Vec<Op> {
    vec![
        Op::new(
            Method::POST,
            "/api/v1/ingest",
            "ingestBatch",
            "Stores one batch of rrweb events",
        )
        .tag(TAG)
        .auth(Auth::IngestKey)
        .describe(
            "The body is JSON, optionally gzip or zstd (`Content-Encoding`, or detected from \
                 the magic bytes): at most 1 MiB as sent and 16 MiB decoded. A 2xx means the \
                 batch is durable. The same (session, window, seq) again answers `duplicate` and \
                 changes nothing. Events too large for one batch travel as `tapedeck.chunk` \
                 custom events. Any live key of the project works (not retired, or \
                 retiring later); each has a rate limit, checked before the body is read. CORS: \
                 `Access-Control-Allow-Origin` echoes an allowed origin.",
        )
        .header("Content-Encoding", "`gzip`, `zstd` or `identity`.")
        .json_body(r("IngestBatch"))
        .ok(
            200,
            "Stored durably, or already stored.",
            object(vec![("status", one_of_strings(&["stored", "duplicate"]))]),
        )
        .errors([
            invalid_json(),
            invalid_batch(),
            ApiError::UnknownProject,
            ApiError::OriginNotAllowed,
            rate_limited(),
            batch_too_large(),
            unsupported_encoding(),
            ApiError::StorageUnavailable,
        ]),
        preflight("/api/v1/ingest", "ingestPreflight"),
        Op::new(
            Method::GET,
            "/api/v1/recorder-config",
            "getRecorderConfig",
            "Returns the project's recording settings for the SDK",
        )
        .tag(TAG)
        .auth(Auth::IngestKey)
        .describe(
            "The project's saved settings (the defaults for a new project). Any live key of the \
             project works. The SDK caches the answer for 10 minutes; code options never lower \
             the privacy level.",
        )
        .ok(200, "The project's settings.", r("ProjectSettings"))
        .errors([
            ApiError::UnknownProject,
            ApiError::OriginNotAllowed,
            ApiError::StorageUnavailable,
        ]),
        preflight("/api/v1/recorder-config", "recorderConfigPreflight"),
    ]
}

fn preflight(path: &'static str, id: &str) -> Op {
    Op::new(Method::OPTIONS, path, id, "Answers the CORS preflight")
        .tag(TAG)
        .auth(Auth::Public)
        .empty(
            204,
            "Allowed methods (GET, POST, OPTIONS) and headers (Content-Type, Content-Encoding, \
             X-Tapedeck-Project), cached for a day.",
        )
}
