//! The audit log's query string (`GET /api/v1/audit` and `/audit/export`), parsed from untrusted
//! text. Every refusal names its parameter (`QueryError::param`, as the sessions list does);
//! unknown and repeated parameters are refused, so a typo never widens what an auditor reads.

use serde_json::{Map, Value};

use crate::ids::is_valid_client_id;
use crate::limits::MAX_QUERY_VALUE_CHARS;
use crate::search::{QueryError, time_ms};

use super::export::ExportFormat;

/// Entries per page unless `limit` says otherwise, and the most it may say.
pub const DEFAULT_LIMIT: u32 = 100;
pub const MAX_LIMIT: u32 = 500;

/// The kinds of actor the log writes with an id (`user:<id>`, `api_key:<id>`, `system:<job>`).
const ACTOR_KINDS: [&str; 3] = ["user", "api_key", "system"];
/// The actors without one: the command line, and a failed login with an unknown password.
const PLAIN_ACTORS: [&str; 2] = ["cli", "anonymous"];

/// `action`: one action, or every action under a prefix (`session.*`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionFilter {
    Exact(String),
    /// The text every matching action starts with, with its dot: `session.`.
    Prefix(String),
}

/// What the entries must match; every field set narrows the log (AND).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditFilter {
    pub organization_id: String,
    pub actor: Option<String>,
    pub action: Option<ActionFilter>,
    pub target: Option<String>,
    /// Epoch ms: `from` ≤ at < `to`.
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
}

impl AuditFilter {
    /// The filters as given, for the `audit.export` entry's details.
    pub fn to_json(&self) -> Value {
        let mut out = Map::new();
        out.insert(
            "organization_id".into(),
            self.organization_id.clone().into(),
        );
        if let Some(actor) = &self.actor {
            out.insert("actor".into(), actor.clone().into());
        }
        match &self.action {
            Some(ActionFilter::Exact(a)) => {
                out.insert("action".into(), a.clone().into());
            }
            Some(ActionFilter::Prefix(p)) => {
                out.insert("action".into(), format!("{p}*").into());
            }
            None => {}
        }
        if let Some(target) = &self.target {
            out.insert("target".into(), target.clone().into());
        }
        for (name, ms) in [("from", self.from_ms), ("to", self.to_ms)] {
            if let Some(ms) = ms {
                out.insert(name.into(), super::rfc3339(ms).into());
            }
        }
        Value::Object(out)
    }
}

/// Which endpoint the query string is for: the list pages (`cursor`, `limit`), the export
/// takes everything at once in a `format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryKind {
    List,
    Export,
}

/// A parsed audit request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRequest {
    pub filter: AuditFilter,
    /// List: entries strictly older than this id (the last id of the previous page).
    pub cursor: Option<String>,
    pub limit: u32,
    /// Export: CSV unless `format=ndjson`.
    pub format: ExportFormat,
}

fn refuse(param: &str, problem: impl Into<String>) -> QueryError {
    QueryError {
        param: param.to_string(),
        problem: problem.into(),
    }
}

/// Parses the query string's pairs (decoded, in order); each parameter may appear once.
pub fn parse_audit_query(
    pairs: &[(String, String)],
    kind: QueryKind,
) -> Result<AuditRequest, QueryError> {
    let mut seen: Vec<&str> = Vec::new();
    let mut organization_id = None;
    let mut actor = None;
    let mut action = None;
    let mut target = None;
    let mut from_ms = None;
    let mut to_ms = None;
    let mut cursor = None;
    let mut limit = DEFAULT_LIMIT;
    let mut format = ExportFormat::Csv;
    for (name, value) in pairs {
        let p = name.as_str();
        if seen.contains(&p) {
            return Err(refuse(p, "may be given once"));
        }
        seen.push(p);
        if value.chars().count() > MAX_QUERY_VALUE_CHARS {
            return Err(refuse(
                p,
                format!("must be at most {MAX_QUERY_VALUE_CHARS} characters"),
            ));
        }
        // An empty value is the same as no parameter: a form sends its empty fields.
        let v = value.trim();
        if v.is_empty() {
            continue;
        }
        match (p, kind) {
            ("organization_id", _) => organization_id = Some(v.to_string()),
            ("actor", _) => actor = Some(parse_actor(p, v)?),
            ("action", _) => action = Some(parse_action(p, v)?),
            ("target", _) => target = Some(v.to_string()),
            ("from", _) => from_ms = Some(time_ms(p, v)?),
            ("to", _) => to_ms = Some(time_ms(p, v)?),
            ("cursor", QueryKind::List) => {
                if !is_valid_client_id(v) {
                    return Err(refuse(p, "is not one this server gave out"));
                }
                cursor = Some(v.to_string());
            }
            ("limit", QueryKind::List) => {
                limit = v
                    .parse::<u32>()
                    .ok()
                    .filter(|l| (1..=MAX_LIMIT).contains(l))
                    .ok_or_else(|| refuse(p, format!("must be from 1 to {MAX_LIMIT}")))?;
            }
            ("format", QueryKind::Export) => {
                format =
                    ExportFormat::parse(v).ok_or_else(|| refuse(p, "must be csv or ndjson"))?;
            }
            (_, QueryKind::List) => return Err(refuse(p, "is not a parameter of the audit log")),
            (_, QueryKind::Export) => {
                return Err(refuse(p, "is not a parameter of the audit export"));
            }
        }
    }
    let organization_id =
        organization_id.ok_or_else(|| refuse("organization_id", "is required"))?;
    if let (Some(from), Some(to)) = (from_ms, to_ms)
        && to < from
    {
        return Err(refuse("to", "is before `from`"));
    }
    Ok(AuditRequest {
        filter: AuditFilter {
            organization_id,
            actor,
            action,
            target,
            from_ms,
            to_ms,
        },
        cursor,
        limit,
        format,
    })
}

/// `cli`, `anonymous`, or `<kind>:<id>` for a kind the log writes.
fn parse_actor(param: &str, v: &str) -> Result<String, QueryError> {
    let known = PLAIN_ACTORS.contains(&v)
        || v.split_once(':')
            .is_some_and(|(kind, id)| ACTOR_KINDS.contains(&kind) && !id.is_empty());
    if known {
        Ok(v.to_string())
    } else {
        Err(refuse(
            param,
            "must be user:<id>, api_key:<id>, system:<job>, cli or anonymous",
        ))
    }
}

/// `session.view` exactly, or `session.*` for every action under `session.`.
fn parse_action(param: &str, v: &str) -> Result<ActionFilter, QueryError> {
    let (name, prefix) = match v.strip_suffix(".*") {
        Some(head) => (head, true),
        None => (v, false),
    };
    let well_formed = !name.is_empty()
        && name.split('.').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        });
    if !well_formed {
        return Err(refuse(
            param,
            "must be an action such as session.view, or a prefix such as session.*",
        ));
    }
    Ok(if prefix {
        ActionFilter::Prefix(format!("{name}."))
    } else {
        ActionFilter::Exact(name.to_string())
    })
}
