//! Sessions: the list, one session, its events and timeline, delete, export and import
//! (docs/API.md "Sessions", "Timeline", "Export and import").

use axum::http::Method;

use crate::error::ApiError;
use crate::openapi::errors::*;
use crate::openapi::operation::Op;
use crate::openapi::schema_dsl::*;

const TAG: &str = "sessions";
const MS_MAX: i64 = 1 << 40;

pub fn operations() -> Vec<Op> {
    vec![
        list_sessions(),
        Op::new(Method::GET, "/api/v1/sessions/{id}", "getSession", "Returns one session")
            .tag(TAG)
            .path_param("id", "The session's id.")
            .ok(200, "The session, with its `windows`.", r("Session"))
            .errors([ApiError::NotFound]),
        Op::new(Method::DELETE, "/api/v1/sessions/{id}", "deleteSession", "Deletes a session")
            .tag(TAG)
            .describe("Deletes its blobs, then its rows (a repeat finishes an interrupted delete). Owners and admins. Audited as `session.delete`.")
            .path_param("id", "The session's id.")
            .empty(204, "Deleted.")
            .errors([ApiError::Forbidden, ApiError::NotFound, ApiError::StorageUnavailable]),
        session_events(),
        Op::new(
            Method::GET,
            "/api/v1/sessions/{id}/timeline",
            "getSessionTimeline",
            "Returns the session's timeline markers and inactive spans",
        )
        .tag(TAG)
        .describe("Entries sorted by `at`, then `id`; at most 20,000 (then `truncated`). Times in milliseconds since the session's first event.")
        .path_param("id", "The session's id.")
        .query("window", string_len(1, 64), "Keep this window's entries (and the notes).")
        .ok(
            200,
            "The timeline.",
            object(vec![
                ("session_id", string()),
                ("duration_ms", integer()),
                ("entries", array(r("TimelineEntry"))),
                ("inactive", array(object(vec![("from", integer()), ("to", integer())]))),
                ("truncated", boolean()),
            ]),
        )
        .errors([invalid_query(), ApiError::NotFound]),
        Op::new(
            Method::GET,
            "/api/v1/sessions/{id}/export",
            "exportSession",
            "Downloads a session as a .tapedeck file or an offline HTML replay",
        )
        .tag(TAG)
        .describe("Streams every window (no `Content-Length`; a failure part-way aborts the body). Audited as `session.export`.")
        .path_param("id", "The session's id.")
        .query("format", one_of_strings(&["tapedeck", "html"]), "Default `tapedeck`.")
        .answers(
            200,
            "The file as an attachment: `.tapedeck` (docs/FORMAT.md), or one HTML page that \
             replays offline (sent with `Content-Security-Policy: sandbox`).",
            vec![("application/vnd.tapedeck", binary()), ("text/html", string())],
        )
        .errors([invalid_query(), ApiError::NotFound, ApiError::StorageUnavailable]),
        Op::new(
            Method::POST,
            "/api/v1/sessions/import",
            "importSession",
            "Imports a .tapedeck file into a project",
        )
        .tag(TAG)
        .describe(
            "The raw file as the body with `Content-Type: application/octet-stream`. Caps: 64 MiB \
             as sent, 512 MiB decompressed, 2,000,000 events, 64 windows, 32 MiB in one event. \
             The session keeps its id unless this server has it. Owners and admins. Audited as \
             `session.import`.",
        )
        .query_required("project_id", string(), "The project to import into.")
        .body("application/octet-stream", binary())
        .ok(
            201,
            "Imported.",
            object(vec![
                ("session_id", string()),
                ("original_session_id", string()),
                ("id_kept", boolean()),
                ("windows", integer()),
                ("events", integer()),
            ]),
        )
        .errors([
            invalid_import(),
            invalid_request(),
            invalid_query(),
            ApiError::Forbidden,
            ApiError::NotFound,
            import_too_large(),
            ApiError::StorageUnavailable,
        ]),
    ]
}

fn binary() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .content_media_type("application/octet-stream")
        .into()
}

fn list_sessions() -> Op {
    let text_filter = |op: Op, name: &str, description: &str| op.query(name, string(), description);
    let mut op = Op::new(
        Method::GET,
        "/api/v1/sessions",
        "listSessions",
        "Lists sessions, filtered and sorted",
    )
    .tag(TAG)
    .describe(
        "The sessions of the caller's organizations, newest first unless sorted otherwise. \
             Parameters combine (AND); an empty value counts as absent; each may appear once \
             except `tag`. An unknown, repeated or bad parameter is `400 invalid_query` with \
             `error.param`. Keyset pages: pass `next_cursor` back as `cursor` with the same \
             filters, sort and order.",
    );
    for (name, description) in [
        (
            "q",
            "Every word in the search text (URLs, custom events, errors, console, end user, tags, …); up to 16 words.",
        ),
        (
            "user",
            "End user id, email or name equal to or starting with this (case-insensitive).",
        ),
        ("user_id", "This end user id (exact)."),
        ("organization_id", "This organization."),
        ("project_id", "This project."),
        ("url", "Visited a URL containing this (case-insensitive)."),
        ("url_exact", "Visited exactly this URL."),
        (
            "from",
            "Started at or after (RFC 3339, or ms since the epoch).",
        ),
        ("to", "Started before (RFC 3339, or ms since the epoch)."),
        ("browser", "This browser (`Chrome`, `Firefox`, …)."),
        ("os", "This OS (`Windows`, `iOS`, …)."),
        ("event", "With a custom event of this name."),
        ("console", "Console messages hold every word."),
        ("ticket", "Linked to this ref (exact)."),
        ("experiment", "In this experiment."),
        ("variant", "In this variant of `experiment`."),
        ("cursor", "The page after this `next_cursor` (opaque)."),
    ] {
        op = text_filter(op, name, description);
    }
    op.query(
        "min_duration",
        number(),
        "Lasting at least this many seconds.",
    )
    .query(
        "max_duration",
        number(),
        "Lasting at most this many seconds.",
    )
    .query(
        "device",
        one_of_strings(&["desktop", "mobile", "tablet", "bot"]),
        "Device type.",
    )
    .query(
        "min_width",
        integer(),
        "Viewport at least this many CSS px wide.",
    )
    .query(
        "max_width",
        integer(),
        "Viewport at most this many CSS px wide.",
    )
    .query(
        "tag",
        array_max(string(), 10),
        "`key` or `key:value`; repeatable, all must match.",
    )
    .query(
        "has_errors",
        boolean(),
        "With (true) or without (false) errors.",
    )
    .query("has_rage_clicks", boolean(), "`true`: with a rage click.")
    .query(
        "status",
        string(),
        "A network answer: `500`, `5xx`, `4xx` or `failed`.",
    )
    .query("live", boolean(), "Still recording (true) or not.")
    .query(
        "sort",
        one_of_strings(&["started_at", "duration", "event_count", "errors"]),
        "Default `started_at`.",
    )
    .query("order", one_of_strings(&["desc", "asc"]), "Default `desc`.")
    .query("limit", integer_in(1, 200), "Default 50.")
    .ok(
        200,
        "A page of sessions.",
        object(vec![
            ("sessions", array(r("SessionListItem"))),
            ("next_cursor", nullable(string())),
        ]),
    )
    .errors([invalid_query()])
}

fn session_events() -> Op {
    Op::new(
        Method::GET,
        "/api/v1/sessions/{id}/events",
        "getSessionEvents",
        "Returns a window's events for a time range",
    )
    .tag(TAG)
    .describe(
        "Times are milliseconds since the session's first event. The events start at the last \
         keyframe at or before `from` and end at the last event at or before `to`; `after` \
         continues a range already held, without the keyframe rewind. Compressed when the \
         client accepts it.",
    )
    .path_param("id", "The session's id.")
    .query(
        "window",
        string_len(1, 64),
        "The window (default: the first one recorded).",
    )
    .query(
        "from",
        integer_in(0, MS_MAX),
        "Start of the range (not with `after`).",
    )
    .query(
        "after",
        integer_in(0, MS_MAX),
        "Continue after this time (not with `from`).",
    )
    .query("to", integer_in(0, MS_MAX), "End of the range.")
    .ok(
        200,
        "The events of the range.",
        object(vec![
            ("session_id", string()),
            ("window_id", string()),
            ("windows", array(string())),
            (
                "range",
                object(vec![
                    ("from", nullable(integer())),
                    ("to", nullable(integer())),
                    ("start_ms", nullable(integer())),
                    ("keyframe_ms", nullable(integer())),
                    ("end_ms", nullable(integer())),
                    ("has_more", boolean()),
                ]),
            ),
            (
                "events",
                describe(array(free_object()), "rrweb events in replay order."),
            ),
        ]),
    )
    .errors([
        invalid_query(),
        ApiError::NotFound,
        ApiError::StorageUnavailable,
    ])
}
