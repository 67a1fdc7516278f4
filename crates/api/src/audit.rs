//! Writing the audit log from handlers: who did what to which recording, when, from where.
//! Reading it: `audit_log.rs`.

use axum::http::HeaderMap;
use tapedeck_core::ids::new_id;
use tapedeck_store::AuditEntry;

use crate::error::ApiError;
use crate::state::AppState;

/// One action to record.
pub struct AuditAction<'a> {
    pub organization_id: &'a str,
    pub actor: String,
    pub action: &'static str,
    pub target: String,
    pub details: serde_json::Value,
}

/// Appends the action to the audit log. A failure fails the request: an action that cannot be
/// audited must not look done.
pub async fn record(
    state: &AppState,
    headers: &HeaderMap,
    action: AuditAction<'_>,
) -> Result<(), ApiError> {
    record_returning_id(state, headers, action).await.map(drop)
}

/// [`record`], returning the new entry's id (the audit export reads the log up to its own entry).
pub(crate) async fn record_returning_id(
    state: &AppState,
    headers: &HeaderMap,
    action: AuditAction<'_>,
) -> Result<String, ApiError> {
    let entry = AuditEntry {
        id: new_id(),
        organization_id: Some(action.organization_id.to_string()),
        at_ms: state.now_ms(),
        actor: action.actor,
        action: action.action.to_string(),
        target: action.target,
        ip: client_ip(headers),
        details: action.details,
    };
    state.meta.append_audit(&entry).await?;
    Ok(entry.id)
}

/// The client address of the request (`client_ip.rs`: the TCP peer, or what a trusted proxy
/// reports), if known.
pub(crate) fn client_ip(headers: &HeaderMap) -> Option<String> {
    crate::client_ip::client_ip(headers)
}
