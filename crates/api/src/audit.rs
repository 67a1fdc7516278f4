//! Writing the audit log from handlers: who did what to which recording, when, from where.
//! Issue 8 adds reading and filtering it in the API and the web app.

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
    Ok(())
}

/// The client address a reverse proxy reports (the first `X-Forwarded-For` hop), if any.
fn client_ip(headers: &HeaderMap) -> Option<String> {
    let forwarded = headers.get("x-forwarded-for")?.to_str().ok()?;
    let first = forwarded.split(',').next()?.trim();
    first
        .parse::<std::net::IpAddr>()
        .ok()
        .map(|ip| ip.to_string())
}
