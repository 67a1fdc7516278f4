//! Projects, saved views and end users' data (docs/API.md "Projects", "Saved views", "End users").

use axum::http::Method;

use crate::error::ApiError;
use crate::openapi::errors::*;
use crate::openapi::operation::Op;
use crate::openapi::schema_dsl::*;

const PROJECTS: &str = "projects";
const VIEWS: &str = "views";
const END_USERS: &str = "end-users";

pub fn operations() -> Vec<Op> {
    let mut ops = projects();
    ops.extend(ingest_keys());
    ops.extend(views());
    ops.extend(end_users());
    ops
}

fn projects() -> Vec<Op> {
    vec![
        Op::new(
            Method::GET,
            "/api/v1/projects",
            "listProjects",
            "Lists the projects of the caller's organizations",
        )
        .tag(PROJECTS)
        .ok(
            200,
            "By organization, then name; `regions`: the storage regions a new project may be \
             pinned to.",
            object(vec![
                ("projects", array(r("Project"))),
                ("regions", array(string())),
            ]),
        ),
        Op::new(
            Method::POST,
            "/api/v1/projects",
            "createProject",
            "Creates a project in an organization",
        )
        .tag(PROJECTS)
        .describe("Needs role `owner` or `admin`. Audited as `project.create`.")
        .json_body(object_with(
            vec![
                ("organization_id", string()),
                (
                    "name",
                    describe(string_len(1, 100), "Unique in the organization."),
                ),
                (
                    "region",
                    describe(
                        string_len(1, 32),
                        "A storage region the server is configured with (default `default`); \
                         the project stays in it for good.",
                    ),
                ),
            ],
            &["organization_id", "name"],
        ))
        .ok(201, "The new project.", r("Project"))
        .errors([
            invalid_json(),
            invalid_request(),
            ApiError::Forbidden,
            ApiError::NotFound,
            conflict(),
        ]),
        Op::new(
            Method::GET,
            "/api/v1/projects/{id}",
            "getProject",
            "Returns one project",
        )
        .tag(PROJECTS)
        .path_param("id", "The project's id.")
        .ok(200, "The project.", r("Project"))
        .errors([ApiError::NotFound]),
        Op::new(
            Method::PATCH,
            "/api/v1/projects/{id}/settings",
            "updateProjectSettings",
            "Changes some of a project's settings",
        )
        .tag(PROJECTS)
        .describe(
            "Only the keys given change, in one transaction; `{}` changes nothing. Unknown \
                 keys are refused. Owners and admins.",
        )
        .path_param("id", "The project's id.")
        .json_body(object_with(
            vec![
                (
                    "privacy",
                    one_of_strings(&["strict", "balanced", "minimal"]),
                ),
                ("mask_selectors", array_max(string_len(1, 256), 100)),
                ("block_selectors", array_max(string_len(1, 256), 100)),
                ("ignore_selectors", array_max(string_len(1, 256), 100)),
                ("exclude_urls", array_max(string_len(1, 2048), 100)),
                ("sample_rate", number_in(0.0, 1.0)),
                ("capture_network", boolean()),
                ("capture_console", boolean()),
                ("retention_days", crate::openapi::schemas::retention_days()),
                (
                    "allowed_origins",
                    describe(
                        array_max(string(), 50),
                        "`scheme://host[:port]`; `[]` accepts every origin.",
                    ),
                ),
            ],
            &[],
        ))
        .ok(200, "The updated project.", r("Project"))
        .errors([
            invalid_json(),
            invalid_request(),
            invalid_settings(),
            ApiError::Forbidden,
            ApiError::NotFound,
        ]),
    ]
}

fn ingest_keys() -> Vec<Op> {
    let keys = "/api/v1/projects/{id}/ingest-keys/{key_id}";
    vec![
        Op::new(
            Method::GET,
            "/api/v1/projects/{id}/ingest-keys",
            "listIngestKeys",
            "Lists a project's ingest keys",
        )
        .tag(PROJECTS)
        .path_param("id", "The project's id.")
        .ok(
            200,
            "The keys, live and retired.",
            object(vec![("ingest_keys", array(r("IngestKey")))]),
        )
        .errors([ApiError::NotFound]),
        Op::new(
            Method::POST,
            "/api/v1/projects/{id}/ingest-keys/rotate",
            "rotateIngestKey",
            "Makes a new primary ingest key",
        )
        .tag(PROJECTS)
        .describe(
            "The earlier live keys retire after the grace period (recorders already running keep \
             sending with them until then). Owners and admins. Audited as `project.key_rotate`.",
        )
        .path_param("id", "The project's id.")
        .json_body(object_with(
            vec![("grace_hours", describe(integer_in(0, 720), "Default 24."))],
            &[],
        ))
        .ok(
            201,
            "The new primary key.",
            object(vec![("ingest_key", r("IngestKey"))]),
        )
        .errors([
            invalid_json(),
            invalid_request(),
            ApiError::Forbidden,
            ApiError::NotFound,
        ]),
        Op::new(
            Method::PATCH,
            keys,
            "updateIngestKey",
            "Sets an ingest key's rate limit",
        )
        .tag(PROJECTS)
        .describe("Owners and admins. Audited as `project.key_update`.")
        .path_param("id", "The project's id.")
        .path_param("key_id", "The key's id.")
        .json_body(object(vec![(
            "rate_limit_per_minute",
            nullable(describe(
                integer_in(1, 1_000_000),
                "`null`: the server's default.",
            )),
        )]))
        .ok(200, "The key.", r("IngestKey"))
        .errors([
            invalid_json(),
            invalid_request(),
            ApiError::Forbidden,
            ApiError::NotFound,
        ]),
        Op::new(
            Method::DELETE,
            keys,
            "retireIngestKey",
            "Retires an ingest key now",
        )
        .tag(PROJECTS)
        .describe(
            "Not the primary key (rotate first). Owners and admins. Audited as \
             `project.key_retire`.",
        )
        .path_param("id", "The project's id.")
        .path_param("key_id", "The key's id.")
        .empty(204, "Retired.")
        .errors([
            ApiError::Forbidden,
            ApiError::NotFound,
            ApiError::PrimaryKey,
        ]),
    ]
}

fn view_body(required: &[&str]) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    object_with(
        vec![
            ("name", describe(string_len(1, 100), "Trimmed.")),
            ("organization_id", string()),
            ("filters", r("ViewFilters")),
            ("shared", describe(boolean(), "Default `false`.")),
        ],
        required,
    )
}

fn views() -> Vec<Op> {
    vec![
        Op::new(Method::GET, "/api/v1/views", "listViews", "Lists the caller's and shared saved views")
            .tag(VIEWS)
            .ok(200, "By name.", object(vec![("views", array(r("View")))])),
        Op::new(Method::POST, "/api/v1/views", "createView", "Saves a view of the sessions list")
            .tag(VIEWS)
            .describe("Needs role `owner`, `admin` or `member` in the organization.")
            .json_body(view_body(&["name", "organization_id"]))
            .ok(201, "The new view.", r("View"))
            .errors([invalid_json(), invalid_request(), ApiError::Forbidden, ApiError::NotFound, conflict()]),
        Op::new(Method::PATCH, "/api/v1/views/{id}", "updateView", "Changes a saved view")
            .tag(VIEWS)
            .describe("Any of `name`, `filters` (replaced whole), `shared`; `organization_id` cannot change. By its author, or for a shared view an `owner` or `admin`.")
            .path_param("id", "The view's id.")
            .json_body(view_body(&[]))
            .ok(200, "The view.", r("View"))
            .errors([invalid_json(), invalid_request(), ApiError::Forbidden, ApiError::NotFound, conflict()]),
        Op::new(Method::DELETE, "/api/v1/views/{id}", "deleteView", "Deletes a saved view")
            .tag(VIEWS)
            .path_param("id", "The view's id.")
            .empty(204, "Deleted.")
            .errors([ApiError::Forbidden, ApiError::NotFound]),
    ]
}

fn end_users() -> Vec<Op> {
    let path = "/api/v1/end-users/{user_id}/data";
    vec![
        Op::new(Method::GET, path, "exportEndUserData", "Downloads everything recorded of an end user")
            .tag(END_USERS)
            .describe(
                "A JSON attachment, streamed session by session, over every organization where \
                 the caller is `owner` or `admin`. Audited as `end_user.export` per organization.",
            )
            .path_param("user_id", "The SDK's `identify` id (at most 256 characters).")
            .ok(
                200,
                "The end user's data (attachment).",
                object(vec![
                    ("format", one_of_strings(&["tapedeck.end-user-data"])),
                    ("version", integer()),
                    ("user_id", string()),
                    ("exported_at", time()),
                    (
                        "organizations",
                        array(object(vec![
                            ("organization_id", string()),
                            (
                                "sessions",
                                array(object(vec![
                                    ("session", r("Session")),
                                    (
                                        "windows",
                                        array(object(vec![
                                            ("window_id", string()),
                                            ("events", array(free_object())),
                                        ])),
                                    ),
                                ])),
                            ),
                        ])),
                    ),
                ]),
            )
            .errors([invalid_request(), ApiError::Forbidden, ApiError::StorageUnavailable]),
        Op::new(Method::DELETE, path, "eraseEndUserData", "Erases every session of an end user")
            .tag(END_USERS)
            .describe("In every organization where the caller is `owner` or `admin`. Audited as `end_user.erase` per organization.")
            .path_param("user_id", "The SDK's `identify` id.")
            .ok(
                200,
                "What was erased.",
                object(vec![
                    ("user_id", string()),
                    ("sessions_deleted", integer()),
                    ("blobs_deleted", integer()),
                ]),
            )
            .errors([invalid_request(), ApiError::Forbidden, ApiError::StorageUnavailable]),
    ]
}
