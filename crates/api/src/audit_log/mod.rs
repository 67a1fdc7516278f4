//! Reading the audit log (docs/API.md "Audit log"): `GET /api/v1/audit`, newest first in keyset
//! pages, and `GET /api/v1/audit/export` (`export.rs`), every matching entry as CSV or NDJSON.
//! Thin: `core::audit` parses the query string and shapes the entries, the store filters.
//! Owners and admins only (`Action::ViewAudit`); another organization is "not found".

mod export;

pub use export::export_audit;

use std::collections::HashMap;

use axum::Json;
use axum::extract::Query;
use axum::extract::State;
use axum::extract::rejection::QueryRejection;
use serde_json::{Value, json};
use tapedeck_core::audit::{
    ActionFilter, AuditFilter, AuditRequest, AuditView, QueryKind, actor_id, parse_audit_query,
};
use tapedeck_core::policy::Action;
use tapedeck_store::{AuditEntry, AuditQuery};

use crate::auth::session::AuthUser;
use crate::error::ApiError;
use crate::state::AppState;

pub async fn list_audit(
    State(state): State<AppState>,
    auth: AuthUser,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let request = authorized_request(&auth, query, QueryKind::List)?;
    let limit = request.limit as usize;
    // One more than asked tells whether a next page exists.
    let mut entries = state
        .meta
        .audit_entries(&store_query(
            &request.filter,
            request.cursor.clone(),
            request.limit + 1,
        ))
        .await?;
    let has_more = entries.len() > limit;
    entries.truncate(limit);
    let mut names = ActorNames::default();
    names
        .resolve(&state, &request.filter.organization_id, &entries)
        .await?;
    let next_cursor = entries.last().filter(|_| has_more).map(|e| e.id.clone());
    Ok(Json(json!({
        "entries": entries.iter().map(|e| names.view(e).to_json()).collect::<Vec<_>>(),
        "next_cursor": next_cursor,
    })))
}

/// Parses the query string and checks the caller may read the organization's log.
fn authorized_request(
    auth: &AuthUser,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
    kind: QueryKind,
) -> Result<AuditRequest, ApiError> {
    let Query(pairs) =
        query.map_err(|_| ApiError::InvalidQuery("the query string does not parse".into()))?;
    let request = parse_audit_query(&pairs, kind).map_err(ApiError::InvalidQueryParam)?;
    auth.require(&request.filter.organization_id, Action::ViewAudit)?;
    Ok(request)
}

/// The store's query for one page of the filtered log.
fn store_query(filter: &AuditFilter, before_id: Option<String>, limit: u32) -> AuditQuery {
    let (action, action_prefix) = match &filter.action {
        Some(ActionFilter::Exact(a)) => (Some(a.clone()), None),
        Some(ActionFilter::Prefix(p)) => (None, Some(p.clone())),
        None => (None, None),
    };
    AuditQuery {
        organization_ids: vec![filter.organization_id.clone()],
        action,
        action_prefix,
        actor: filter.actor.clone(),
        target: filter.target.clone(),
        from_ms: filter.from_ms,
        to_ms: filter.to_ms,
        before_id,
        limit,
    }
}

/// Who the actors are: users' emails and API keys' names, looked up once per page (keys once
/// per request: an organization has few).
#[derive(Default)]
struct ActorNames {
    emails: HashMap<String, String>,
    key_names: Option<HashMap<String, String>>,
}

impl ActorNames {
    /// Looks up the actors of `entries` not known yet.
    async fn resolve(
        &mut self,
        state: &AppState,
        organization_id: &str,
        entries: &[AuditEntry],
    ) -> Result<(), ApiError> {
        let mut user_ids: Vec<String> = entries
            .iter()
            .filter_map(|e| actor_id(&e.actor, "user"))
            .filter(|id| !self.emails.contains_key(*id))
            .map(str::to_string)
            .collect();
        user_ids.sort();
        user_ids.dedup();
        for user in state.meta.users_by_ids(&user_ids).await? {
            self.emails.insert(user.id, user.email);
        }
        let any_key = entries
            .iter()
            .any(|e| actor_id(&e.actor, "api_key").is_some());
        if any_key && self.key_names.is_none() {
            let keys = state.meta.api_keys(&[organization_id.to_string()]).await?;
            self.key_names = Some(keys.into_iter().map(|k| (k.id, k.name)).collect());
        }
        Ok(())
    }

    fn view<'a>(&'a self, entry: &'a AuditEntry) -> AuditView<'a> {
        let email = actor_id(&entry.actor, "user").and_then(|id| self.emails.get(id));
        let key_name =
            actor_id(&entry.actor, "api_key").and_then(|id| self.key_names.as_ref()?.get(id));
        AuditView {
            id: &entry.id,
            at_ms: entry.at_ms,
            actor: &entry.actor,
            actor_email: email.map(String::as_str),
            actor_name: key_name.map(String::as_str),
            action: &entry.action,
            target: &entry.target,
            ip: entry.ip.as_deref(),
            details: &entry.details,
        }
    }
}
