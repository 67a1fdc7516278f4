//! `GET /api/v1/sessions`: the sessions list with filters, sorts and keyset pages (docs/API.md
//! "List sessions"). Thin: the query string is parsed by `core::search`, the page is read by the
//! store (`session_search`), and each session is the Session JSON plus its counters, links and
//! experiments. Only the caller's organizations are searched; an `organization_id` or
//! `project_id` outside them lists nothing (no 403: nothing to probe).

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use serde_json::{Value, json};
use tapedeck_core::search::{SessionCursor, parse_list_query};
use tapedeck_store::{SessionListItem, SessionQuery};

use crate::auth::session::AuthUser;
use crate::error::ApiError;
use crate::sessions::session_json;
use crate::state::AppState;

/// URLs a list item carries at most (the session answers them all).
const MAX_LIST_URLS: usize = 20;

pub async fn list_sessions(
    State(state): State<AppState>,
    auth: AuthUser,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(pairs) =
        query.map_err(|_| ApiError::InvalidQuery("the query string does not parse".into()))?;
    let request = parse_list_query(&pairs).map_err(ApiError::InvalidQueryParam)?;
    let items = state
        .meta
        .list_sessions(&SessionQuery {
            organization_ids: auth.organization_ids(),
            filter: request.filter,
            sort: request.sort,
            order: request.order,
            after: request.cursor.map(|c| (c.key, c.id)),
            // One more than asked tells whether a next page exists.
            limit: request.limit + 1,
        })
        .await?;
    let has_more = items.len() > request.limit as usize;
    let page = &items[..items.len().min(request.limit as usize)];
    let next_cursor = page.last().filter(|_| has_more).map(|last| {
        SessionCursor {
            sort: request.sort,
            order: request.order,
            key: last.sort_key(request.sort),
            id: last.record.id.clone(),
        }
        .encode()
    });
    Ok(Json(json!({
        "sessions": page.iter().map(list_item_json).collect::<Vec<_>>(),
        "next_cursor": next_cursor,
    })))
}

/// The JSON of one list item (docs/API.md `SessionListItem`).
fn list_item_json(item: &SessionListItem) -> Value {
    let mut value = session_json(&item.record, None);
    if let Some(urls) = value["urls"].as_array_mut() {
        urls.truncate(MAX_LIST_URLS);
    }
    let links: Vec<Value> = item
        .links
        .iter()
        .map(|l| json!({ "kind": l.kind, "ref": l.reference, "url": l.url }))
        .collect();
    value["error_count"] = json!(item.counts.errors);
    value["console_error_count"] = json!(item.counts.console_errors);
    value["failed_request_count"] = json!(item.counts.failed_requests);
    value["rage_click_count"] = json!(item.counts.rage_clicks);
    value["live"] = json!(item.live());
    value["links"] = json!(links);
    value["experiments"] = json!(item.experiments);
    value
}
