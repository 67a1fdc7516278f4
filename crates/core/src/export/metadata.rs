//! The session metadata an export carries, and what an import keeps of it. An export holds the
//! object `GET /api/v1/sessions/{id}` answers, minus the ids that only mean something on the
//! server it came from. An import reads back the facts a recorder would have sent (identity,
//! browser, tags, page visits, SDK), under the same length caps as ingest; the rest (times,
//! counts, duration) is computed again from the events, as for any recording.

use std::collections::BTreeMap;

use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{ImportError, invalid};
use crate::facts::PageVisit;
use crate::ids::is_valid_client_id;
use crate::limits::{MAX_META_STRING_CHARS, MAX_TAGS, MAX_URL_CHARS, MAX_URL_HISTORY};

/// Keys of the session object that name things of the exporting server only.
const SERVER_ONLY_KEYS: &[&str] = &["organization_id", "project_id"];

/// Returns the metadata an export carries: the session object without server-only ids.
pub fn exported_metadata(session: &Value) -> Value {
    let mut object = session.as_object().cloned().unwrap_or_default();
    for key in SERVER_ONLY_KEYS {
        object.remove(*key);
    }
    Value::Object(object)
}

/// What an import keeps of an exported session's metadata.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportedMetadata {
    /// The session id it had where it was exported.
    pub id: String,
    pub user_id: Option<String>,
    pub user_email: Option<String>,
    pub user_name: Option<String>,
    pub user_agent: Option<String>,
    pub tags: BTreeMap<String, String>,
    pub viewport: Option<(u32, u32)>,
    /// Page visits, in time order.
    pub urls: Vec<PageVisit>,
    pub sdk: Option<String>,
    pub referrer: Option<String>,
    pub previous_session_id: Option<String>,
    pub dropped_batches: u64,
}

impl ImportedMetadata {
    /// Reads and checks the exported session object. Unknown keys are ignored; a known key
    /// with a wrong type or over its length cap is refused, naming it.
    pub fn parse(session: &Value) -> Result<Self, ImportError> {
        let object = session
            .as_object()
            .ok_or_else(|| invalid("session", "must be an object"))?;
        let id = match object.get("id").and_then(Value::as_str) {
            Some(id) if is_valid_client_id(id) => id.to_string(),
            _ => {
                return Err(invalid(
                    "session.id",
                    "must be 1-64 characters of A-Z, a-z, 0-9, '-' or '_'",
                ));
            }
        };
        let metadata = match object.get("metadata") {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(m)) => m.clone(),
            Some(_) => return Err(invalid("session.metadata", "must be an object")),
        };
        let text = |key: &str| string(object, "session", key, MAX_META_STRING_CHARS);
        Ok(ImportedMetadata {
            id,
            user_id: text("user_id")?,
            user_email: text("user_email")?,
            user_name: text("user_name")?,
            user_agent: text("user_agent")?,
            tags: tags(object)?,
            viewport: viewport(object)?,
            urls: urls(object)?,
            sdk: string(&metadata, "session.metadata", "sdk", MAX_META_STRING_CHARS)?,
            referrer: string(&metadata, "session.metadata", "referrer", MAX_URL_CHARS)?,
            previous_session_id: string(
                &metadata,
                "session.metadata",
                "previous_session_id",
                MAX_META_STRING_CHARS,
            )?,
            dropped_batches: match metadata.get("dropped_batches") {
                None | Some(Value::Null) => 0,
                Some(v) => v.as_u64().ok_or_else(|| {
                    invalid(
                        "session.metadata.dropped_batches",
                        "must be a non-negative integer",
                    )
                })?,
            },
        })
    }
}

/// An optional string of at most `max_chars` characters; `null` and absence are `None`.
fn string(
    object: &Map<String, Value>,
    parent: &str,
    key: &str,
    max_chars: usize,
) -> Result<Option<String>, ImportError> {
    match object.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.chars().count() <= max_chars => Ok(Some(s.clone())),
        Some(Value::String(_)) => Err(invalid(
            format!("{parent}.{key}"),
            format!("is longer than {max_chars} characters"),
        )),
        Some(_) => Err(invalid(format!("{parent}.{key}"), "must be a string")),
    }
}

fn tags(object: &Map<String, Value>) -> Result<BTreeMap<String, String>, ImportError> {
    let Some(value) = object.get("tags").filter(|v| !v.is_null()) else {
        return Ok(BTreeMap::new());
    };
    let tags = value
        .as_object()
        .ok_or_else(|| invalid("session.tags", "must be an object of strings"))?;
    if tags.len() > MAX_TAGS {
        return Err(invalid(
            "session.tags",
            format!("holds more than {MAX_TAGS} tags"),
        ));
    }
    let mut out = BTreeMap::new();
    for key in tags.keys() {
        if key.chars().count() > MAX_META_STRING_CHARS {
            return Err(invalid(
                "session.tags",
                format!("has a key longer than {MAX_META_STRING_CHARS} characters"),
            ));
        }
        if let Some(value) = string(tags, "session.tags", key, MAX_META_STRING_CHARS)? {
            out.insert(key.clone(), value);
        }
    }
    Ok(out)
}

fn viewport(object: &Map<String, Value>) -> Result<Option<(u32, u32)>, ImportError> {
    let Some(value) = object.get("viewport").filter(|v| !v.is_null()) else {
        return Ok(None);
    };
    let side = |key: &str| {
        value
            .get(key)
            .and_then(Value::as_u64)
            .and_then(|n| u32::try_from(n).ok())
    };
    match (side("width"), side("height")) {
        (Some(w), Some(h)) => Ok(Some((w, h))),
        _ => Err(invalid(
            "session.viewport",
            "must be {\"width\": N, \"height\": N}",
        )),
    }
}

fn urls(object: &Map<String, Value>) -> Result<Vec<PageVisit>, ImportError> {
    let Some(value) = object.get("urls").filter(|v| !v.is_null()) else {
        return Ok(Vec::new());
    };
    let list = value
        .as_array()
        .ok_or_else(|| invalid("session.urls", "must be an array"))?;
    if list.len() > MAX_URL_HISTORY {
        return Err(invalid(
            "session.urls",
            format!("holds more than {MAX_URL_HISTORY} visits"),
        ));
    }
    let mut visits = Vec::with_capacity(list.len());
    for (i, visit) in list.iter().enumerate() {
        let field = format!("session.urls[{i}]");
        let entry = visit
            .as_object()
            .ok_or_else(|| invalid(&field, "must be {\"url\", \"at\"}"))?;
        let url = string(entry, &field, "url", MAX_URL_CHARS)?
            .ok_or_else(|| invalid(format!("{field}.url"), "is required"))?;
        let at = entry
            .get("at")
            .and_then(Value::as_str)
            .and_then(|at| OffsetDateTime::parse(at, &Rfc3339).ok())
            .ok_or_else(|| invalid(format!("{field}.at"), "must be an RFC 3339 time"))?;
        let at_ms = i64::try_from(at.unix_timestamp_nanos() / 1_000_000)
            .map_err(|_| invalid(format!("{field}.at"), "is out of range"))?;
        visits.push(PageVisit { url, at_ms });
    }
    visits.sort_by_key(|v| v.at_ms);
    Ok(visits)
}
