//! The audit log as the API shows it (docs/API.md "Audit log"): its query string parsed into a
//! validated filter and page (`query`), one entry's JSON, and the export formats, CSV safe to
//! open in a spreadsheet and NDJSON (`export`). Pure: the store reads what `query` decides.

mod export;
mod query;
#[cfg(test)]
mod tests;

pub use export::{CSV_HEADER, ExportFormat, csv_cell, csv_line, ndjson_line};
pub use query::{
    ActionFilter, AuditFilter, AuditRequest, DEFAULT_LIMIT, MAX_LIMIT, QueryKind, parse_audit_query,
};

use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// One entry as listed and exported, with its actor resolved for people.
#[derive(Debug, Clone, Copy)]
pub struct AuditView<'a> {
    pub id: &'a str,
    pub at_ms: i64,
    pub actor: &'a str,
    /// The email of a `user:` actor (`None` once the account is gone).
    pub actor_email: Option<&'a str>,
    /// The name of an `api_key:` actor.
    pub actor_name: Option<&'a str>,
    pub action: &'a str,
    pub target: &'a str,
    pub ip: Option<&'a str>,
    pub details: &'a Value,
}

impl AuditView<'_> {
    /// The JSON object of the list, and each line of the NDJSON export.
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "at": rfc3339(self.at_ms),
            "actor": self.actor,
            "actor_email": self.actor_email,
            "actor_name": self.actor_name,
            "action": self.action,
            "target": self.target,
            "ip": self.ip,
            "details": self.details,
        })
    }
}

/// An epoch-milliseconds time as RFC 3339 (UTC); `None` outside the representable years.
pub fn rfc3339(ms: i64) -> Option<String> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()?
        .format(&Rfc3339)
        .ok()
}

/// The id behind an actor of this kind: `user_id("user:u1")` is `Some("u1")`.
pub fn actor_id<'a>(actor: &'a str, kind: &str) -> Option<&'a str> {
    actor
        .strip_prefix(kind)?
        .strip_prefix(':')
        .filter(|id| !id.is_empty())
}
