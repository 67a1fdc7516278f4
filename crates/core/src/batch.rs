//! The ingest batch (SPEC §3): parsed from untrusted JSON with every field checked, and errors
//! that name the offending field. Events stay as raw JSON so they are stored byte-for-byte as
//! sent; only their `type` and `timestamp` heads (and meta-event data) are read.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;

use crate::ids::is_valid_client_id;
use crate::limits::{
    MAX_EVENTS_PER_BATCH, MAX_EXPERIMENT_CHARS, MAX_EXPERIMENTS, MAX_META_STRING_CHARS, MAX_TAGS,
    MAX_TICKET_REF_CHARS, MAX_URL_CHARS,
};

/// A validated ingest batch.
#[derive(Debug)]
pub struct IngestBatch {
    pub session_id: String,
    pub window_id: String,
    pub seq: u32,
    pub meta: BatchMeta,
    /// The rrweb events exactly as sent.
    pub events: Vec<Box<RawValue>>,
    /// `type` and `timestamp` of each event, index-aligned with `events`.
    pub heads: Vec<EventHead>,
}

/// The parts of an rrweb event every consumer needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct EventHead {
    #[serde(rename = "type")]
    pub kind: i64,
    pub timestamp: i64,
}

/// What the recorder tells about the page and the end user; every field optional.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct BatchMeta {
    pub user_id: Option<String>,
    pub user_email: Option<String>,
    pub user_name: Option<String>,
    pub url: Option<String>,
    pub referrer: Option<String>,
    pub user_agent: Option<String>,
    pub viewport: Option<(u32, u32)>,
    pub sdk: Option<String>,
    pub tags: BTreeMap<String, String>,
    /// The session this one continues (the recorder splits sessions at 2 hours).
    pub previous_session_id: Option<String>,
    /// Batches the recorder had to drop (its queue was full) since its last report.
    pub dropped_batches: u64,
    /// The page called `stopRecording`: this is the window's last batch for now, so the
    /// session can be compacted without waiting for it to go idle.
    pub stopped: bool,
    /// A/B experiments the page is in: name → variant (`meta.experiments`).
    pub experiments: BTreeMap<String, String>,
    /// A support ticket the session belongs to (`meta.ticket`), stored as a `ticket` link.
    pub ticket: Option<String>,
    /// Where that ticket lives (`meta.ticket_url`, http or https).
    pub ticket_url: Option<String>,
}

/// Why a batch was refused. `InvalidBatch` names the field in its message.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BatchError {
    #[error("the body is not valid JSON: {0}")]
    InvalidJson(String),
    #[error("field `{field}` {problem}")]
    InvalidBatch { field: String, problem: String },
}

fn invalid(field: impl Into<String>, problem: impl Into<String>) -> BatchError {
    BatchError::InvalidBatch {
        field: field.into(),
        problem: problem.into(),
    }
}

/// Parses and validates one decoded ingest body.
pub fn parse_batch(body: &[u8]) -> Result<IngestBatch, BatchError> {
    let fields: BTreeMap<String, Box<RawValue>> = match serde_json::from_slice(body) {
        Ok(fields) => fields,
        Err(e) if e.is_data() => return Err(invalid("(body)", "must be a JSON object")),
        Err(e) => return Err(BatchError::InvalidJson(e.to_string())),
    };
    let session_id = client_id(&fields, "session_id")?;
    let window_id = client_id(&fields, "window_id")?;
    let seq = match fields
        .get("seq")
        .map(|raw| serde_json::from_str::<u32>(raw.get()))
    {
        Some(Ok(seq)) if seq < (1 << 31) => seq,
        Some(_) => return Err(invalid("seq", "must be an integer from 0 to 2^31-1")),
        None => return Err(invalid("seq", "is required")),
    };
    let meta = match fields.get("meta") {
        None => BatchMeta::default(),
        Some(raw) => parse_meta(raw)?,
    };
    let events: Vec<Box<RawValue>> = match fields
        .get("events")
        .map(|raw| serde_json::from_str(raw.get()))
    {
        Some(Ok(events)) => events,
        Some(Err(_)) => return Err(invalid("events", "must be an array of rrweb events")),
        None => return Err(invalid("events", "is required")),
    };
    if events.is_empty() {
        return Err(invalid("events", "must not be empty"));
    }
    if events.len() > MAX_EVENTS_PER_BATCH {
        return Err(invalid(
            "events",
            format!("holds more than {MAX_EVENTS_PER_BATCH} events"),
        ));
    }
    let heads = events
        .iter()
        .enumerate()
        .map(|(i, raw)| {
            serde_json::from_str::<EventHead>(raw.get()).map_err(|_| {
                invalid(
                    format!("events[{i}]"),
                    "must be an object with integer `type` and `timestamp`",
                )
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(IngestBatch {
        session_id,
        window_id,
        seq,
        meta,
        events,
        heads,
    })
}

fn client_id(fields: &BTreeMap<String, Box<RawValue>>, name: &str) -> Result<String, BatchError> {
    let raw = fields
        .get(name)
        .ok_or_else(|| invalid(name, "is required"))?;
    match serde_json::from_str::<String>(raw.get()) {
        Ok(id) if is_valid_client_id(&id) => Ok(id),
        _ => Err(invalid(
            name,
            "must be 1-64 characters of A-Z, a-z, 0-9, '-' or '_'",
        )),
    }
}

fn parse_meta(raw: &RawValue) -> Result<BatchMeta, BatchError> {
    let value: Value =
        serde_json::from_str(raw.get()).map_err(|_| invalid("meta", "must be an object"))?;
    let Value::Object(meta) = value else {
        return Err(invalid("meta", "must be an object"));
    };
    let mut out = BatchMeta {
        url: opt_string(meta.get("url"), "meta.url")?,
        referrer: opt_string(meta.get("referrer"), "meta.referrer")?,
        user_agent: opt_string(meta.get("user_agent"), "meta.user_agent")?,
        sdk: opt_string(meta.get("sdk"), "meta.sdk")?,
        ..BatchMeta::default()
    };
    match opt_string(meta.get("previous_session_id"), "meta.previous_session_id")? {
        Some(id) if !is_valid_client_id(&id) => {
            return Err(invalid(
                "meta.previous_session_id",
                "must be 1-64 characters of A-Z, a-z, 0-9, '-' or '_'",
            ));
        }
        id => out.previous_session_id = id,
    }
    out.dropped_batches = match meta.get("dropped_batches") {
        None | Some(Value::Null) => 0,
        Some(value) => value
            .as_u64()
            .ok_or_else(|| invalid("meta.dropped_batches", "must be a whole number"))?,
    };
    out.stopped = match meta.get("stopped") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(stopped)) => *stopped,
        Some(_) => return Err(invalid("meta.stopped", "must be true or false")),
    };
    match meta.get("user") {
        None | Some(Value::Null) => {}
        Some(Value::Object(user)) => {
            out.user_id = opt_string(user.get("id"), "meta.user.id")?;
            out.user_email = opt_string(user.get("email"), "meta.user.email")?;
            out.user_name = opt_string(user.get("name"), "meta.user.name")?;
        }
        Some(_) => return Err(invalid("meta.user", "must be an object")),
    }
    match meta.get("viewport") {
        None | Some(Value::Null) => {}
        Some(Value::Object(vp)) => {
            let dim = |key: &str| {
                vp.get(key)
                    .and_then(Value::as_u64)
                    .filter(|v| *v <= 100_000)
                    .map(|v| v as u32)
                    .ok_or_else(|| {
                        invalid(
                            format!("meta.viewport.{key}"),
                            "must be an integer from 0 to 100000",
                        )
                    })
            };
            out.viewport = Some((dim("width")?, dim("height")?));
        }
        Some(_) => return Err(invalid("meta.viewport", "must be an object")),
    }
    match meta.get("tags") {
        None | Some(Value::Null) => {}
        Some(Value::Object(tags)) => {
            for (key, value) in tags.iter().take(MAX_TAGS) {
                let field = format!("meta.tags.{key}");
                let value = match value {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    Value::Bool(b) => b.to_string(),
                    _ => return Err(invalid(field, "must be a string, number or boolean")),
                };
                out.tags.insert(truncate(key), truncate(&value));
            }
        }
        Some(_) => return Err(invalid("meta.tags", "must be an object")),
    }
    out.experiments = parse_experiments(meta.get("experiments"))?;
    out.ticket = match opt_string(meta.get("ticket"), "meta.ticket")? {
        Some(t) if t.chars().count() > MAX_TICKET_REF_CHARS || t.trim() != t => {
            return Err(invalid(
                "meta.ticket",
                format!(
                    "must be at most {MAX_TICKET_REF_CHARS} characters, without surrounding spaces"
                ),
            ));
        }
        t => t,
    };
    out.ticket_url = match opt_string(meta.get("ticket_url"), "meta.ticket_url")? {
        Some(u) if !is_http_url(&u) || u.chars().count() > MAX_URL_CHARS => {
            return Err(invalid(
                "meta.ticket_url",
                format!("must be an http(s) URL of at most {MAX_URL_CHARS} characters"),
            ));
        }
        u => u,
    };
    Ok(out)
}

/// `meta.experiments`: an object of name → variant (strings; numbers and booleans as text).
/// Past `MAX_EXPERIMENTS` the rest are ignored, like tags.
fn parse_experiments(value: Option<&Value>) -> Result<BTreeMap<String, String>, BatchError> {
    let mut out = BTreeMap::new();
    let experiments = match value {
        None | Some(Value::Null) => return Ok(out),
        Some(Value::Object(map)) => map,
        Some(_) => return Err(invalid("meta.experiments", "must be an object")),
    };
    for (name, variant) in experiments.iter().take(MAX_EXPERIMENTS) {
        let field = format!("meta.experiments.{name}");
        let variant = match variant {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            _ => return Err(invalid(field, "must be a string, number or boolean")),
        };
        if name.is_empty() || name.chars().count() > MAX_EXPERIMENT_CHARS {
            return Err(invalid(
                field,
                format!("needs a name of 1 to {MAX_EXPERIMENT_CHARS} characters"),
            ));
        }
        if variant.chars().count() > MAX_EXPERIMENT_CHARS {
            return Err(invalid(
                field,
                format!("must be at most {MAX_EXPERIMENT_CHARS} characters"),
            ));
        }
        out.insert(name.clone(), variant);
    }
    Ok(out)
}

/// Whether `url` starts with `http://` or `https://` (any case) and has more after it.
fn is_http_url(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    ["http://", "https://"]
        .iter()
        .any(|scheme| lower.starts_with(scheme) && lower.len() > scheme.len())
}

fn opt_string(value: Option<&Value>, field: &str) -> Result<Option<String>, BatchError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(truncate(s))),
        Some(_) => Err(invalid(field, "must be a string")),
    }
}

/// Cuts a string to `MAX_META_STRING_CHARS` characters (on a char boundary).
pub fn truncate(s: &str) -> String {
    s.chars().take(MAX_META_STRING_CHARS).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(body: &str) -> BatchError {
        parse_batch(body.as_bytes()).unwrap_err()
    }

    fn field_of(e: BatchError) -> String {
        match e {
            BatchError::InvalidBatch { field, .. } => field,
            other => panic!("expected invalid_batch, got {other:?}"),
        }
    }

    const OK: &str = r#"{"session_id":"s1","window_id":"w1","seq":3,
        "meta":{"url":"https://shop.test/a","user":{"id":"u-1","email":"a@b.test"},
                "viewport":{"width":800,"height":600},"tags":{"plan":"pro","n":3}},
        "events":[{"type":4,"timestamp":1000,"data":{"href":"https://shop.test/a","width":800,"height":600}},
                  {"type":2,"timestamp":1001,"data":{}}]}"#;

    #[test]
    fn parses_a_whole_batch() {
        let batch = parse_batch(OK.as_bytes()).unwrap();
        assert_eq!(
            (
                batch.session_id.as_str(),
                batch.window_id.as_str(),
                batch.seq
            ),
            ("s1", "w1", 3)
        );
        assert_eq!(batch.meta.user_id.as_deref(), Some("u-1"));
        assert_eq!(batch.meta.viewport, Some((800, 600)));
        assert_eq!(batch.meta.tags.get("n").map(String::as_str), Some("3"));
        assert_eq!(
            batch.heads,
            vec![
                EventHead {
                    kind: 4,
                    timestamp: 1000
                },
                EventHead {
                    kind: 2,
                    timestamp: 1001
                }
            ]
        );
        assert!(batch.events[1].get().contains("\"type\":2"));
        assert!(!batch.meta.stopped);
        let stopped = OK.replace(r#""meta":{"#, r#""meta":{"stopped":true,"#);
        assert!(parse_batch(stopped.as_bytes()).unwrap().meta.stopped);
    }

    #[test]
    fn not_json_is_invalid_json() {
        assert!(matches!(err("{nope"), BatchError::InvalidJson(_)));
        assert!(matches!(err(""), BatchError::InvalidJson(_)));
    }

    #[test]
    fn each_bad_field_is_named() {
        let base: Value = serde_json::from_str(OK).unwrap();
        let cases: &[(&str, Value, &str)] = &[
            ("session_id", Value::from("bad id!"), "session_id"),
            ("window_id", Value::from(7), "window_id"),
            ("seq", Value::from(-1), "seq"),
            ("seq", Value::from(1.5), "seq"),
            ("events", Value::from("x"), "events"),
            ("events", serde_json::json!([]), "events"),
            ("events", serde_json::json!([{"type": 2}]), "events[0]"),
            (
                "meta",
                serde_json::json!({"user": {"email": 5}}),
                "meta.user.email",
            ),
            (
                "meta",
                serde_json::json!({"viewport": {"width": -1, "height": 2}}),
                "meta.viewport.width",
            ),
            (
                "meta",
                serde_json::json!({"tags": {"a": [1]}}),
                "meta.tags.a",
            ),
            (
                "meta",
                serde_json::json!({"stopped": "yes"}),
                "meta.stopped",
            ),
            (
                "meta",
                serde_json::json!({"experiments": {"checkout": [1]}}),
                "meta.experiments.checkout",
            ),
            (
                "meta",
                serde_json::json!({"experiments": "x"}),
                "meta.experiments",
            ),
            (
                "meta",
                serde_json::json!({"ticket": " ZD-1"}),
                "meta.ticket",
            ),
            (
                "meta",
                serde_json::json!({"ticket": "ZD-1", "ticket_url": "javascript:alert(1)"}),
                "meta.ticket_url",
            ),
        ];
        for (key, value, expected) in cases {
            let mut body = base.clone();
            body[*key] = value.clone();
            assert_eq!(
                field_of(err(&body.to_string())),
                *expected,
                "{key} = {value}"
            );
        }
        for key in ["session_id", "window_id", "seq", "events"] {
            let mut body = base.clone();
            body.as_object_mut().unwrap().remove(key);
            assert_eq!(field_of(err(&body.to_string())), key);
        }
        assert_eq!(field_of(err("[1,2]")), "(body)");
    }

    #[test]
    fn experiments_and_ticket_are_read() {
        let body = OK.replace(
            r#""meta":{"#,
            r#""meta":{"experiments":{"checkout":"b","n":2},"ticket":"ZD-1234","ticket_url":"https://help.test/t/1234","#,
        );
        let meta = parse_batch(body.as_bytes()).unwrap().meta;
        assert_eq!(
            meta.experiments.get("checkout").map(String::as_str),
            Some("b")
        );
        assert_eq!(meta.experiments.get("n").map(String::as_str), Some("2"));
        assert_eq!(meta.ticket.as_deref(), Some("ZD-1234"));
        assert_eq!(meta.ticket_url.as_deref(), Some("https://help.test/t/1234"));
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..512)) {
            let _ = parse_batch(&bytes);
        }

        #[test]
        fn arbitrary_events_are_either_accepted_or_named(kind in -5i64..10, ts in proptest::num::i64::ANY, extra in "[a-z]{0,8}") {
            let body = format!(r#"{{"session_id":"s","window_id":"w","seq":0,"events":[{{"type":{kind},"timestamp":{ts},"{extra}x":1}}]}}"#);
            let batch = parse_batch(body.as_bytes()).unwrap();
            proptest::prop_assert_eq!(batch.heads[0], EventHead { kind, timestamp: ts });
        }
    }
}
