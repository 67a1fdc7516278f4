//! What people add to a session: notes, tags and links (docs/API.md "Notes", "Tags", "Links").

use axum::http::Method;

use crate::error::ApiError;
use crate::openapi::errors::*;
use crate::openapi::operation::{Auth, Op};
use crate::openapi::schema_dsl::*;

const TAG: &str = "annotations";
const WRITERS: &str = "Needs role `owner`, `admin` or `member`.";

fn session_op(method: Method, path: &'static str, id: &str, summary: &str) -> Op {
    Op::new(method, path, id, summary)
        .tag(TAG)
        .auth(Auth::User)
        .path_param("id", "The session's id.")
}

pub fn operations() -> Vec<Op> {
    vec![
        session_op(Method::GET, "/api/v1/sessions/{id}/notes", "listNotes", "Lists a session's notes")
            .ok(200, "By `at`, then creation.", object(vec![("notes", array(r("Note")))]))
            .errors([ApiError::NotFound]),
        session_op(Method::POST, "/api/v1/sessions/{id}/notes", "createNote", "Adds a note at a time")
            .describe(WRITERS)
            .json_body(object(vec![
                ("at", describe(integer_in(0, 1 << 40), "Milliseconds since the session's first event.")),
                ("text", describe(string_len(1, 2000), "Trimmed.")),
            ]))
            .ok(201, "The new note.", r("Note"))
            .errors([invalid_json(), invalid_request(), ApiError::Forbidden, ApiError::NotFound]),
        session_op(Method::DELETE, "/api/v1/sessions/{id}/notes/{note_id}", "deleteNote", "Deletes a note")
            .describe("By its author, or an `owner` or `admin`.")
            .path_param("note_id", "The note's id.")
            .empty(204, "Deleted.")
            .errors([ApiError::Forbidden, ApiError::NotFound]),
        session_op(Method::PUT, "/api/v1/sessions/{id}/tags", "updateSessionTags", "Adds and removes a session's tags")
            .describe("Either of `add` and `remove` may be left out, not both. A session keeps at most 50 tags. Audited as `session.tag`.")
            .json_body(r("TagChange"))
            .ok(200, "The session's tags after the change.", object(vec![("tags", map(string()))]))
            .errors([invalid_json(), invalid_request(), ApiError::Forbidden, ApiError::NotFound]),
        Op::new(Method::POST, "/api/v1/sessions/tags", "bulkUpdateSessionTags", "Tags many sessions at once")
            .tag(TAG)
            .describe(
                "Sessions the caller may not tag are skipped, so `updated` may be less than the \
                 ids sent. One transaction: nothing changes if a session would go over 50 tags.",
            )
            .json_body(all_of_with(
                r("TagChange"),
                object(vec![("session_ids", describe(array_max(string(), 500), "1–500 ids."))]),
            ))
            .ok(200, "How many sessions changed.", object(vec![("updated", integer())]))
            .errors([invalid_json(), invalid_request(), ApiError::Forbidden]),
        session_op(Method::GET, "/api/v1/sessions/{id}/links", "listSessionLinks", "Lists a session's ticket and issue links")
            .ok(200, "Oldest first.", object(vec![("links", array(r("SessionLink")))]))
            .errors([ApiError::NotFound]),
        session_op(Method::POST, "/api/v1/sessions/{id}/links", "createSessionLink", "Links a session to a ticket or issue")
            .describe("The same `kind` and `ref` again answers `200` with the stored link (its `url` replaced when given). Audited as `session.link`.")
            .json_body(object_with(
                vec![
                    ("kind", one_of_strings(&["ticket", "issue", "link"])),
                    ("ref", string_len(1, 128)),
                    ("url", nullable(describe(string_len(1, 2048), "An http(s) URL with a host."))),
                ],
                &["kind", "ref"],
            ))
            .ok(201, "The new link.", r("SessionLink"))
            .ok(200, "The link existed; returned (and its `url` updated).", r("SessionLink"))
            .errors([invalid_json(), invalid_request(), ApiError::Forbidden, ApiError::NotFound]),
        session_op(Method::DELETE, "/api/v1/sessions/{id}/links/{link_id}", "deleteSessionLink", "Deletes a link")
            .describe("Audited as `session.unlink`.")
            .path_param("link_id", "The link's id.")
            .empty(204, "Deleted.")
            .errors([ApiError::Forbidden, ApiError::NotFound]),
    ]
}
