//! The audit log (issue 8): list and export with the same filters.

use axum::http::Method;

use crate::error::ApiError;
use crate::openapi::errors::*;
use crate::openapi::operation::Op;
use crate::openapi::schema_dsl::*;

const TAG: &str = "audit";

fn filters(op: Op) -> Op {
    op.query_required("organization_id", string(), "The organization.")
        .query(
            "actor",
            string(),
            "Exactly this actor (`user:<id>`, `api_key:<id>`, `system:retention`, `cli`).",
        )
        .query(
            "action",
            string(),
            "This action, or a prefix as `session.*`.",
        )
        .query(
            "target",
            string(),
            "Exactly this target (`session:<id>`, …).",
        )
        .query(
            "from",
            string(),
            "At or after (RFC 3339, or ms since the epoch).",
        )
        .query("to", string(), "Before (RFC 3339, or ms since the epoch).")
}

pub fn operations() -> Vec<Op> {
    vec![
        filters(Op::new(
            Method::GET,
            "/api/v1/audit",
            "listAuditEntries",
            "Lists an organization's audit log",
        ))
        .tag(TAG)
        .describe(
            "Newest first, keyset pages (pass `next_cursor` back as `cursor`). A bad value is \
             `400 invalid_query` naming the parameter.",
        )
        .query("cursor", string(), "The page after this `next_cursor`.")
        .query("limit", integer_in(1, 500), "Default 100.")
        .ok(
            200,
            "A page of entries.",
            object(vec![
                ("entries", array(r("AuditEntry"))),
                ("next_cursor", nullable(string())),
            ]),
        )
        .errors([invalid_query(), ApiError::Forbidden, ApiError::NotFound]),
        filters(Op::new(
            Method::GET,
            "/api/v1/audit/export",
            "exportAuditEntries",
            "Downloads every matching audit entry",
        ))
        .tag(TAG)
        .describe("Streamed as an attachment. Audited itself as `audit.export`.")
        .query(
            "format",
            one_of_strings(&["csv", "ndjson"]),
            "Default `csv`.",
        )
        .answers(
            200,
            "The entries (attachment), newest first.",
            vec![("text/csv", string()), ("application/x-ndjson", string())],
        )
        .errors([
            invalid_query(),
            ApiError::Forbidden,
            ApiError::NotFound,
            ApiError::StorageUnavailable,
        ]),
    ]
}
