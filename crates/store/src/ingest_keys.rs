//! The records of projects' ingest keys (migration 0012; rules in `core::ingest_keys`). Ingest
//! keys are public by nature (every recorded page carries one), so they are stored in clear.
//! Times are epoch milliseconds.

use crate::meta::Project;

/// One ingest key of a project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngestKey {
    pub id: String,
    pub project_id: String,
    pub key: String,
    /// True for the project's primary key: the newest, the one `projects.ingest_key` holds and
    /// new recorder snippets show. It never retires while primary.
    pub primary: bool,
    pub created_at_ms: i64,
    /// When it stops being accepted; `None`: never (until retired).
    pub retires_at_ms: Option<i64>,
    /// Its own limit of ingest requests per minute; `None`: the server's default.
    pub rate_limit_per_minute: Option<u32>,
}

/// What `rotate_ingest_key` stores; id and key are chosen by the caller.
#[derive(Debug, Clone)]
pub struct NewIngestKey {
    pub id: String,
    pub key: String,
    pub created_at_ms: i64,
}

/// A live key found by its value, with its project.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveIngestKey {
    pub project: Project,
    pub key: IngestKey,
}

/// What `retire_ingest_key` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RetireOutcome {
    /// This call retired it (as it is now).
    Retired(IngestKey),
    /// It was retired before; nothing changed.
    AlreadyRetired(IngestKey),
    /// It is the project's primary key: refused, nothing changed (rotate first).
    Primary,
}
