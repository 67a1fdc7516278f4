//! The records of API keys (migration 0010; rules in `core::api_keys`). The store keeps the
//! SHA-256 of each secret, never the secret. Times are epoch milliseconds.

use crate::meta::User;

/// An API key as listed: everything but its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    pub id: String,
    pub organization_id: String,
    pub name: String,
    /// The role it acts with (at most its creator's current role: the API checks on each use).
    pub role: String,
    /// The secret's first characters (`tdk_` and 8 more), to tell keys apart.
    pub prefix: String,
    /// Who created it; `None` once that account is gone.
    pub created_by: Option<User>,
    pub created_at_ms: i64,
    pub last_used_at_ms: Option<i64>,
    pub revoked_at_ms: Option<i64>,
}

/// What `create_api_key` stores; id and hash are chosen by the caller.
#[derive(Debug, Clone)]
pub struct NewApiKey {
    pub id: String,
    pub organization_id: String,
    pub name: String,
    pub role: String,
    /// SHA-256 of the secret, hex.
    pub hash: String,
    pub prefix: String,
    pub created_by: String,
    pub created_at_ms: i64,
}
