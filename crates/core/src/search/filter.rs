//! The sessions-list query string (docs/API.md "List sessions"), parsed from untrusted text into
//! a validated filter, sort, order, keyset cursor and page size. Every refusal names the
//! parameter (`QueryError::param`); unknown parameters are refused too, so a typo never widens
//! a search silently.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::words;
use crate::ids::is_valid_client_id;
use crate::limits::{MAX_QUERY_TAGS, MAX_QUERY_VALUE_CHARS, MAX_QUERY_WORDS};

/// Sessions per page unless `limit` says otherwise, and the most it may say.
pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 200;

/// A `tag` parameter: `key` (any value) or `key:value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagFilter {
    pub key: String,
    pub value: Option<String>,
}

/// A `status` parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFilter {
    /// One status, e.g. `500`.
    Code(u16),
    /// A class, e.g. `5xx` (the hundreds digit).
    Class(u16),
    /// `failed`: no answer (network error, status 0).
    Failed,
}

impl StatusFilter {
    /// The inclusive range of stored statuses it matches (0 stands for failed).
    pub fn range(self) -> (u16, u16) {
        match self {
            StatusFilter::Code(c) => (c, c),
            StatusFilter::Class(h) => (h * 100, h * 100 + 99),
            StatusFilter::Failed => (0, 0),
        }
    }
}

/// What the sessions must match; every field set narrows the list (AND).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SessionFilter {
    /// `q`: whole words that must all occur in the session's search text.
    pub text: Vec<String>,
    /// `user`: lowercase; the user id, email or name equals it or starts with it.
    pub user: Option<String>,
    pub user_id: Option<String>,
    pub project_id: Option<String>,
    pub organization_id: Option<String>,
    /// `url`: lowercase text some visited URL contains.
    pub url_contains: Option<String>,
    pub url_exact: Option<String>,
    /// Epoch ms: `from` ≤ started_at < `to`.
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
    /// Seconds, inclusive.
    pub min_duration: Option<f64>,
    pub max_duration: Option<f64>,
    /// Lowercase; compared case-insensitively.
    pub browser: Option<String>,
    pub os: Option<String>,
    pub device: Option<String>,
    pub min_width: Option<u32>,
    pub max_width: Option<u32>,
    pub tags: Vec<TagFilter>,
    pub has_errors: Option<bool>,
    pub has_rage_clicks: bool,
    /// A custom event name, exact.
    pub event: Option<String>,
    /// `console`: words that must all occur in the session's console messages.
    pub console: Vec<String>,
    pub status: Option<StatusFilter>,
    pub ticket: Option<String>,
    pub experiment: Option<String>,
    /// Only with `experiment`.
    pub variant: Option<String>,
    /// true: still recording; false: not.
    pub live: Option<bool>,
}

/// What the list is sorted by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SessionSort {
    #[default]
    StartedAt,
    Duration,
    EventCount,
    Errors,
}

impl SessionSort {
    pub const ALL: [SessionSort; 4] = [
        SessionSort::StartedAt,
        SessionSort::Duration,
        SessionSort::EventCount,
        SessionSort::Errors,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SessionSort::StartedAt => "started_at",
            SessionSort::Duration => "duration",
            SessionSort::EventCount => "event_count",
            SessionSort::Errors => "errors",
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SortOrder {
    #[default]
    Desc,
    Asc,
}

impl SortOrder {
    pub fn as_str(self) -> &'static str {
        match self {
            SortOrder::Desc => "desc",
            SortOrder::Asc => "asc",
        }
    }
}

/// A keyset position: the last listed session's sort key and id. The key is an integer for
/// every sort (`duration` in milliseconds) so it round-trips exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionCursor {
    pub sort: SessionSort,
    pub order: SortOrder,
    pub key: i64,
    pub id: String,
}

impl SessionCursor {
    /// The opaque text handed out as `next_cursor`.
    pub fn encode(&self) -> String {
        format!(
            "{}.{}.{}.{}",
            self.sort.as_str(),
            self.order.as_str(),
            self.key,
            self.id
        )
    }

    fn decode(text: &str) -> Option<Self> {
        let mut parts = text.splitn(4, '.');
        let sort = parts.next()?;
        let sort = SessionSort::ALL.into_iter().find(|s| s.as_str() == sort)?;
        let order = match parts.next()? {
            "desc" => SortOrder::Desc,
            "asc" => SortOrder::Asc,
            _ => return None,
        };
        let key = parts.next()?.parse().ok()?;
        let id = parts.next()?;
        is_valid_client_id(id).then(|| SessionCursor {
            sort,
            order,
            key,
            id: id.to_string(),
        })
    }
}

/// A parsed sessions-list request.
#[derive(Debug, Clone, PartialEq)]
pub struct ListRequest {
    pub filter: SessionFilter,
    pub sort: SessionSort,
    pub order: SortOrder,
    pub cursor: Option<SessionCursor>,
    pub limit: u32,
}

/// A refused parameter: `param` is its name as sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{param}` {problem}")]
pub struct QueryError {
    pub param: String,
    pub problem: String,
}

fn refuse(param: &str, problem: impl Into<String>) -> QueryError {
    QueryError {
        param: param.to_string(),
        problem: problem.into(),
    }
}

/// Parses the query string's pairs (decoded, in order). Every parameter may appear once,
/// except `tag`.
pub fn parse_list_query(pairs: &[(String, String)]) -> Result<ListRequest, QueryError> {
    let mut seen: Vec<&str> = Vec::new();
    let mut f = SessionFilter::default();
    let mut sort = SessionSort::default();
    let mut order = SortOrder::default();
    let mut cursor_text = None;
    let mut limit = DEFAULT_LIMIT;
    for (name, value) in pairs {
        let p = name.as_str();
        if p != "tag" {
            if seen.contains(&p) {
                return Err(refuse(p, "may be given once"));
            }
            seen.push(p);
        }
        if value.chars().count() > MAX_QUERY_VALUE_CHARS {
            return Err(refuse(
                p,
                format!("must be at most {MAX_QUERY_VALUE_CHARS} characters"),
            ));
        }
        let v = value.trim();
        match p {
            "q" => f.text = query_words(p, v)?,
            "console" => f.console = query_words(p, v)?,
            "user" => f.user = non_empty(p, v)?.map(|u| u.to_lowercase()),
            "user_id" => f.user_id = non_empty(p, v)?,
            "project_id" => f.project_id = non_empty(p, v)?,
            "organization_id" => f.organization_id = non_empty(p, v)?,
            "url" => f.url_contains = non_empty(p, v)?.map(|u| u.to_lowercase()),
            "url_exact" => f.url_exact = non_empty(p, v)?,
            "from" => f.from_ms = Some(time_ms(p, v)?),
            "to" => f.to_ms = Some(time_ms(p, v)?),
            "min_duration" => f.min_duration = Some(seconds(p, v)?),
            "max_duration" => f.max_duration = Some(seconds(p, v)?),
            "browser" => f.browser = non_empty(p, v)?.map(|b| b.to_lowercase()),
            "os" => f.os = non_empty(p, v)?.map(|o| o.to_lowercase()),
            "device" => f.device = non_empty(p, v)?.map(|d| d.to_lowercase()),
            "min_width" => f.min_width = Some(pixels(p, v)?),
            "max_width" => f.max_width = Some(pixels(p, v)?),
            "tag" => {
                if f.tags.len() == MAX_QUERY_TAGS {
                    return Err(refuse(
                        p,
                        format!("may be given at most {MAX_QUERY_TAGS} times"),
                    ));
                }
                f.tags.push(tag(p, value)?);
            }
            "has_errors" => f.has_errors = Some(boolean(p, v)?),
            "has_rage_clicks" => {
                if !boolean(p, v)? {
                    return Err(refuse(p, "can only be true"));
                }
                f.has_rage_clicks = true;
            }
            "event" => f.event = non_empty(p, v)?,
            "status" => f.status = Some(status(p, v)?),
            "ticket" => f.ticket = non_empty(p, v)?,
            "experiment" => f.experiment = non_empty(p, v)?,
            "variant" => f.variant = non_empty(p, v)?,
            "live" => f.live = Some(boolean(p, v)?),
            "sort" => {
                sort = SessionSort::ALL
                    .into_iter()
                    .find(|s| s.as_str() == v)
                    .ok_or_else(|| {
                        refuse(p, "must be started_at, duration, event_count or errors")
                    })?
            }
            "order" => {
                order = match v {
                    "desc" => SortOrder::Desc,
                    "asc" => SortOrder::Asc,
                    _ => return Err(refuse(p, "must be desc or asc")),
                }
            }
            "cursor" => cursor_text = Some(v),
            "limit" => {
                limit = v
                    .parse::<u32>()
                    .ok()
                    .filter(|l| (1..=MAX_LIMIT).contains(l))
                    .ok_or_else(|| refuse(p, format!("must be from 1 to {MAX_LIMIT}")))?
            }
            _ => return Err(refuse(p, "is not a parameter of the sessions list")),
        }
    }
    if f.variant.is_some() && f.experiment.is_none() {
        return Err(refuse("variant", "needs `experiment`"));
    }
    for (low, high, name) in [
        (f.min_duration, f.max_duration, "max_duration"),
        (
            f.min_width.map(f64::from),
            f.max_width.map(f64::from),
            "max_width",
        ),
        (f.from_ms.map(|v| v as f64), f.to_ms.map(|v| v as f64), "to"),
    ] {
        if let (Some(low), Some(high)) = (low, high)
            && high < low
        {
            return Err(refuse(name, "is before the lower bound"));
        }
    }
    let cursor = match cursor_text {
        None | Some("") => None,
        Some(text) => {
            let cursor = SessionCursor::decode(text)
                .ok_or_else(|| refuse("cursor", "is not one this server gave out"))?;
            if cursor.sort != sort || cursor.order != order {
                return Err(refuse(
                    "cursor",
                    "belongs to another sort or order; start again without it",
                ));
            }
            Some(cursor)
        }
    };
    Ok(ListRequest {
        filter: f,
        sort,
        order,
        cursor,
        limit,
    })
}

fn non_empty(_param: &str, v: &str) -> Result<Option<String>, QueryError> {
    // An empty value is the same as no parameter: a form sends its empty fields.
    Ok((!v.is_empty()).then(|| v.to_string()))
}

fn query_words(param: &str, v: &str) -> Result<Vec<String>, QueryError> {
    let out: Vec<String> = words(v).collect();
    if out.len() > MAX_QUERY_WORDS {
        return Err(refuse(
            param,
            format!("may hold at most {MAX_QUERY_WORDS} words"),
        ));
    }
    if out.is_empty() && v.chars().any(char::is_alphanumeric) {
        return Err(refuse(param, "holds no word short enough to search for"));
    }
    Ok(out)
}

/// RFC 3339, or milliseconds since the epoch (the audit log's `from`/`to` too).
pub(crate) fn time_ms(param: &str, v: &str) -> Result<i64, QueryError> {
    if let Ok(ms) = v.parse::<i64>()
        && (0..=253_402_300_799_999).contains(&ms)
    {
        return Ok(ms);
    }
    OffsetDateTime::parse(v, &Rfc3339)
        .ok()
        .and_then(|t| i64::try_from(t.unix_timestamp_nanos() / 1_000_000).ok())
        .ok_or_else(|| {
            refuse(
                param,
                "must be an RFC 3339 time or milliseconds since the epoch",
            )
        })
}

fn seconds(param: &str, v: &str) -> Result<f64, QueryError> {
    v.parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && (0.0..=1e9).contains(s))
        .ok_or_else(|| refuse(param, "must be a number of seconds from 0"))
}

fn pixels(param: &str, v: &str) -> Result<u32, QueryError> {
    v.parse::<u32>()
        .ok()
        .filter(|px| *px <= 100_000)
        .ok_or_else(|| refuse(param, "must be a whole number of pixels from 0 to 100000"))
}

fn boolean(param: &str, v: &str) -> Result<bool, QueryError> {
    match v {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(refuse(param, "must be true or false")),
    }
}

fn tag(param: &str, v: &str) -> Result<TagFilter, QueryError> {
    let (key, value) = match v.split_once(':') {
        Some((key, value)) => (key.trim(), Some(value.trim().to_string())),
        None => (v.trim(), None),
    };
    if key.is_empty() {
        return Err(refuse(param, "must be `key` or `key:value`"));
    }
    Ok(TagFilter {
        key: key.to_string(),
        value,
    })
}

fn status(param: &str, v: &str) -> Result<StatusFilter, QueryError> {
    let bad = || refuse(param, "must be a status (500), a class (5xx) or failed");
    if v == "failed" {
        return Ok(StatusFilter::Failed);
    }
    let lower = v.to_ascii_lowercase();
    if let Some(hundreds) = lower.strip_suffix("xx") {
        return match hundreds.parse::<u16>() {
            Ok(h) if (1..=9).contains(&h) && hundreds.len() == 1 => Ok(StatusFilter::Class(h)),
            _ => Err(bad()),
        };
    }
    match v.parse::<u16>() {
        Ok(code) if (100..=999).contains(&code) => Ok(StatusFilter::Code(code)),
        _ => Err(bad()),
    }
}
