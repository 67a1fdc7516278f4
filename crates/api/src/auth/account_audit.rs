//! Audit entries of account events (logins, password changes): one per organization of the user,
//! since each organization reads its own log; a user in no organization (or an unknown email)
//! gets one instance-wide entry (`organization_id` none).

use axum::http::HeaderMap;
use tapedeck_core::ids::new_id;
use tapedeck_store::AuditEntry;

use crate::audit::{self, AuditAction};
use crate::error::ApiError;
use crate::state::AppState;

/// One account event to record.
pub struct AccountEvent<'a> {
    /// The organizations the event concerns (the user's).
    pub organization_ids: &'a [String],
    pub actor: String,
    pub action: &'static str,
    pub target: String,
    pub details: serde_json::Value,
}

/// Records the event once per organization, or once instance-wide when there is none.
pub async fn record(
    state: &AppState,
    headers: &HeaderMap,
    event: AccountEvent<'_>,
) -> Result<(), ApiError> {
    if event.organization_ids.is_empty() {
        let entry = AuditEntry {
            id: new_id(),
            organization_id: None,
            at_ms: state.now_ms(),
            actor: event.actor,
            action: event.action.to_string(),
            target: event.target,
            ip: audit::client_ip(headers),
            details: event.details,
        };
        state.meta.append_audit(&entry).await?;
        return Ok(());
    }
    for organization_id in event.organization_ids {
        audit::record(
            state,
            headers,
            AuditAction {
                organization_id,
                actor: event.actor.clone(),
                action: event.action,
                target: event.target.clone(),
                details: event.details.clone(),
            },
        )
        .await?;
    }
    Ok(())
}

/// The ids of a user's organizations.
pub async fn organizations_of(state: &AppState, user_id: &str) -> Result<Vec<String>, ApiError> {
    Ok(state
        .meta
        .memberships(user_id)
        .await?
        .into_iter()
        .map(|m| m.organization.id)
        .collect())
}
