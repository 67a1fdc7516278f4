//! The component schemas: the objects docs/API.md names (`Session`, `Project`, `Note`, …), with
//! their limits. Written by hand: most handlers answer `serde_json::json!` values, so there is
//! no Rust type to derive them from (docs/ARCHITECTURE.md "OpenAPI").

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::Schema;

use super::schema_dsl::*;

/// Returns every component schema with its name.
pub fn all() -> Vec<(&'static str, RefOr<Schema>)> {
    let mut schemas = vec![
        ("Error", error()),
        ("User", object(vec![("id", string()), ("email", string())])),
        ("UserOrNull", nullable(r("User"))),
        (
            "Role",
            one_of_strings(&["owner", "admin", "member", "viewer"]),
        ),
        ("LoginAnswer", object(vec![("user", r("User"))])),
        ("Me", me()),
        ("ApiKey", api_key()),
        ("Session", session()),
        ("SessionListItem", session_list_item()),
        ("SessionLink", session_link()),
        ("Note", note()),
        ("View", view()),
        ("ViewFilters", view_filters()),
        ("Project", project()),
        ("ProjectSettings", project_settings()),
        ("IngestKey", ingest_key()),
        ("Member", member()),
        ("Invitation", invitation()),
        ("AuditEntry", audit_entry()),
        ("TimelineEntry", timeline_entry()),
        ("IngestBatch", ingest_batch()),
        ("TagChange", tag_change()),
    ];
    schemas.sort_by_key(|(name, _)| *name);
    schemas
}

fn error() -> RefOr<Schema> {
    describe(
        object(vec![(
            "error",
            object_with(
                vec![
                    ("code", text("A stable code clients match on.")),
                    ("message", text("A sentence for people.")),
                    (
                        "param",
                        text("The refused query parameter (sessions list)."),
                    ),
                    ("field", text("The refused setting (project settings).")),
                ],
                &["code", "message"],
            ),
        )]),
        "Every error answer: `{\"error\": {\"code\", \"message\"}}`.",
    )
}

fn me() -> RefOr<Schema> {
    object(vec![
        ("user", r("User")),
        (
            "organizations",
            array(object(vec![
                ("id", string()),
                ("name", string()),
                ("role", r("Role")),
            ])),
        ),
        (
            "api_key_id",
            nullable(text("The API key acting, when called with one.")),
        ),
    ])
}

fn api_key() -> RefOr<Schema> {
    object(vec![
        ("id", string()),
        ("organization_id", string()),
        ("name", string_len(1, 100)),
        ("role", r("Role")),
        (
            "prefix",
            text("The secret's first 12 characters (`tdk_3f9a0c1e`)."),
        ),
        ("created_by", r("UserOrNull")),
        ("created_at", time()),
        ("last_used_at", nullable(time())),
        ("revoked_at", nullable(time())),
    ])
}

fn session_fields() -> Vec<(&'static str, RefOr<Schema>)> {
    vec![
        ("id", string()),
        ("project_id", string()),
        ("organization_id", string()),
        (
            "user_id",
            nullable(text("The end user's id (the SDK's `identify`).")),
        ),
        ("user_email", nullable(string())),
        ("user_name", nullable(string())),
        ("started_at", time()),
        ("ended_at", time()),
        ("duration", describe(number(), "Seconds.")),
        ("event_count", integer()),
        ("page_views", integer()),
        ("first_url", nullable(string())),
        (
            "urls",
            array(object(vec![("url", string()), ("at", time())])),
        ),
        ("status", one_of_strings(&["recording", "ready"])),
        ("tags", map(string())),
        ("browser", nullable(string())),
        ("browser_version", nullable(string())),
        ("os", nullable(string())),
        (
            "device_type",
            nullable(one_of_strings(&["desktop", "mobile", "tablet", "bot"])),
        ),
        (
            "viewport",
            nullable(object(vec![("width", integer()), ("height", integer())])),
        ),
        ("user_agent", nullable(string())),
        ("storage_size_bytes", integer()),
        ("metadata", free_object()),
        ("created_at", time()),
        ("updated_at", time()),
    ]
}

fn session() -> RefOr<Schema> {
    let mut fields = session_fields();
    let required: Vec<&str> = fields.iter().map(|(name, _)| *name).collect();
    fields.push((
        "windows",
        describe(
            array(string()),
            "The window ids; on `GET /api/v1/sessions/{id}` only.",
        ),
    ));
    object_with(fields, &required)
}

fn session_list_item() -> RefOr<Schema> {
    let mut fields = session_fields();
    fields.extend([
        ("error_count", integer()),
        ("console_error_count", integer()),
        ("failed_request_count", integer()),
        ("rage_click_count", integer()),
        ("live", boolean()),
        (
            "links",
            array(object(vec![
                ("kind", string()),
                ("ref", string()),
                ("url", nullable(string())),
            ])),
        ),
        ("experiments", map(string())),
    ]);
    describe(
        object(fields),
        "A `Session` (`urls` cut to the first 20) with its counters.",
    )
}

fn session_link() -> RefOr<Schema> {
    object(vec![
        ("id", string()),
        ("session_id", string()),
        ("kind", one_of_strings(&["ticket", "issue", "link"])),
        ("ref", string_len(1, 128)),
        ("url", nullable(uri())),
        (
            "created_by",
            nullable(text("A user id; `null` for links from the SDK.")),
        ),
        ("created_at", time()),
    ])
}

fn note() -> RefOr<Schema> {
    object(vec![
        ("id", string()),
        ("session_id", string()),
        (
            "at",
            describe(
                integer_in(0, 1 << 40),
                "Milliseconds since the session's first event.",
            ),
        ),
        ("text", string_len(1, 2000)),
        ("author", r("UserOrNull")),
        ("created_at", time()),
    ])
}

fn view_filters() -> RefOr<Schema> {
    describe(
        map(super::schema_dsl::one_of_string_or_strings()),
        "The sessions list's query parameters (not `cursor`) to a string, or to an array of \
         strings for one given more than once (`tag`); at most 8 KiB as JSON.",
    )
}

fn view() -> RefOr<Schema> {
    object(vec![
        ("id", string()),
        ("name", string_len(1, 100)),
        ("organization_id", string()),
        ("filters", r("ViewFilters")),
        ("shared", boolean()),
        (
            "author",
            nullable(object(vec![
                ("id", string()),
                ("email", string()),
                ("name", nullable(string())),
            ])),
        ),
        ("created_at", time()),
        ("updated_at", time()),
    ])
}

fn project() -> RefOr<Schema> {
    object(vec![
        ("id", string()),
        ("organization_id", string()),
        ("name", string()),
        (
            "ingest_key",
            text("The project's primary ingest key (`tdp_…`)."),
        ),
        (
            "region",
            text("The storage region its recordings live in (`default` unless pinned elsewhere)."),
        ),
        ("allowed_origins", array_max(string(), 50)),
        ("settings", r("ProjectSettings")),
        (
            "can_manage",
            describe(boolean(), "Whether the caller's role may change it."),
        ),
    ])
}

fn ingest_key() -> RefOr<Schema> {
    object(vec![
        ("id", string()),
        ("key", text("The key itself (`tdp_…`).")),
        ("primary", describe(boolean(), "The key new recorders get.")),
        ("created_at", time()),
        (
            "retires_at",
            nullable(describe(time(), "Live until then; `null`: no end.")),
        ),
        (
            "rate_limit_per_minute",
            nullable(describe(
                integer_in(1, 1_000_000),
                "`null`: the server's default.",
            )),
        ),
    ])
}

/// Days a project's sessions are kept before the retention job deletes them.
pub fn retention_days() -> RefOr<Schema> {
    use tapedeck_core::project_settings::{DEFAULT_RETENTION_DAYS, MAX_RETENTION_DAYS};
    describe(
        integer_in(1, i64::from(MAX_RETENTION_DAYS)),
        &format!("Default {DEFAULT_RETENTION_DAYS}."),
    )
}

fn selectors() -> RefOr<Schema> {
    array_max(string_len(1, 256), 100)
}

fn project_settings() -> RefOr<Schema> {
    describe(
        object(vec![
            (
                "privacy",
                one_of_strings(&["strict", "balanced", "minimal"]),
            ),
            ("mask_selectors", selectors()),
            ("block_selectors", selectors()),
            ("ignore_selectors", selectors()),
            ("exclude_urls", array_max(string_len(1, 2048), 100)),
            ("sample_rate", number_in(0.0, 1.0)),
            ("capture_network", boolean()),
            ("capture_console", boolean()),
            ("retention_days", retention_days()),
        ]),
        "What the recorder applies (also the answer of `recorder-config`), and how long the \
         project's recordings are kept.",
    )
}

fn timeline_entry() -> RefOr<Schema> {
    object(vec![
        ("id", string()),
        ("window_id", nullable(string())),
        (
            "at",
            describe(integer(), "Milliseconds since the session's first event."),
        ),
        (
            "kind",
            one_of_strings(&[
                "click",
                "rage_click",
                "navigation",
                "custom",
                "console",
                "error",
                "network",
                "note",
            ]),
        ),
        ("label", string_len(0, 200)),
        ("data", describe(free_object(), "At most 16 KiB as JSON.")),
    ])
}

fn ingest_batch() -> RefOr<Schema> {
    let id = || string_len(1, 64);
    object_with(
        vec![
            ("session_id", id()),
            ("window_id", id()),
            ("seq", integer_in(0, (1 << 31) - 1)),
            (
                "meta",
                describe(
                    free_object(),
                    "Optional: `user`, `url`, `referrer`, `user_agent`, `viewport`, `sdk`, \
                     `tags`, `previous_session_id`, `dropped_batches`, `stopped`, \
                     `experiments`, `ticket`, `ticket_url` (docs/API.md \"Ingest\").",
                ),
            ),
            (
                "events",
                describe(
                    array_max(free_object(), 50_000),
                    "rrweb events (objects with integer `type` and `timestamp`), in order.",
                ),
            ),
        ],
        &["session_id", "window_id", "seq", "events"],
    )
}

fn tag_change() -> RefOr<Schema> {
    object_with(
        vec![
            (
                "add",
                describe(
                    map(string_len(0, 256)),
                    "Keys (1–64 characters, no `:`) to values; a label has the value `\"\"`. At most 50.",
                ),
            ),
            ("remove", array_max(string(), 100)),
        ],
        &[],
    )
}

fn member() -> RefOr<Schema> {
    object(vec![
        ("user_id", string()),
        ("email", string()),
        ("role", r("Role")),
        ("joined_at", time()),
        ("is_you", boolean()),
    ])
}

fn invitation() -> RefOr<Schema> {
    object(vec![
        ("id", string()),
        ("email", string()),
        ("role", r("Role")),
        ("created_at", time()),
        ("expires_at", time()),
        ("invited_by", r("UserOrNull")),
    ])
}

fn audit_entry() -> RefOr<Schema> {
    object(vec![
        ("id", string()),
        ("at", time()),
        (
            "actor",
            text("`user:<id>`, `api_key:<id>`, `system:retention` or `cli`."),
        ),
        ("actor_email", nullable(string())),
        (
            "actor_name",
            nullable(text("The name of an `api_key:` actor.")),
        ),
        ("action", text("E.g. `session.view`, `member.invite`.")),
        ("target", string()),
        ("ip", nullable(string())),
        ("details", free_object()),
    ])
}
