//! `GET /api/v1/audit/export?…filters…&format=csv|ndjson`: every matching entry as a download.
//! The export is audited (`audit.export`) before its first byte, and covers the log up to that
//! entry, so what it holds does not depend on how long the client takes to read it. Pages of
//! `EXPORT_PAGE` entries are read one at a time as the client reads: memory stays bounded
//! however long the log; a failure part-way aborts the body (no short file that looks whole).

use std::io;

use axum::body::{Body, Bytes};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use tapedeck_core::audit::{AuditFilter, ExportFormat, QueryKind};

use super::{ActorNames, authorized_request, store_query};
use crate::audit::{self, AuditAction};
use crate::auth::session::AuthUser;
use crate::error::ApiError;
use crate::state::AppState;

/// Entries read from the store per page.
const EXPORT_PAGE: u32 = 500;

pub async fn export_audit(
    State(state): State<AppState>,
    auth: AuthUser,
    headers: HeaderMap,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let request = authorized_request(&auth, query, QueryKind::Export)?;
    let filter = request.filter;
    let format = request.format;
    let organization_id = filter.organization_id.clone();
    let own_id = audit::record_returning_id(
        &state,
        &headers,
        AuditAction {
            organization_id: &organization_id,
            actor: auth.actor(),
            action: "audit.export",
            target: format!("organization:{organization_id}"),
            details: json!({ "filters": filter.to_json(), "format": format.name() }),
        },
    )
    .await?;

    let pages = Pages {
        state,
        filter,
        format,
        before_id: own_id,
        names: ActorNames::default(),
        first: true,
        done: false,
    };
    // Fused: the compression layer polls again after the end, which a bare unfold forbids.
    let stream = futures::StreamExt::fuse(futures::stream::unfold(pages, |mut pages| async move {
        let chunk = pages.next_chunk().await?;
        Some((chunk, pages))
    }));
    let mut response = Body::from_stream(stream).into_response();
    let disposition = format!(
        "attachment; filename=\"tapedeck-audit-{organization_id}.{}\"",
        format.name()
    );
    let out = response.headers_mut();
    out.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    out.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).map_err(|_| ApiError::Internal)?,
    );
    out.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// The export's position in the log.
struct Pages {
    state: AppState,
    filter: AuditFilter,
    format: ExportFormat,
    /// Entries strictly older than this id are still to come.
    before_id: String,
    names: ActorNames,
    first: bool,
    done: bool,
}

impl Pages {
    /// The next chunk of the file: the head with the first page, then a page at a time; `None`
    /// once every entry went out.
    async fn next_chunk(&mut self) -> Option<io::Result<Bytes>> {
        if self.done {
            return None;
        }
        let mut chunk = String::new();
        if std::mem::take(&mut self.first) {
            chunk.push_str(self.format.head());
        }
        match self.read_page(&mut chunk).await {
            Ok(()) => {}
            Err(e) => {
                self.done = true;
                tracing::warn!(error = %e, "an audit export failed part-way; the download is aborted");
                return Some(Err(io::Error::other("the audit export failed")));
            }
        }
        if chunk.is_empty() {
            return None;
        }
        Some(Ok(Bytes::from(chunk)))
    }

    /// Appends the next page's lines to `chunk`; marks the export done after the last page.
    async fn read_page(&mut self, chunk: &mut String) -> Result<(), ApiError> {
        let query = store_query(&self.filter, Some(self.before_id.clone()), EXPORT_PAGE);
        let entries = self.state.meta.audit_entries(&query).await?;
        if entries.len() < EXPORT_PAGE as usize {
            self.done = true;
        }
        let Some(last) = entries.last() else {
            return Ok(());
        };
        self.before_id = last.id.clone();
        self.names
            .resolve(&self.state, &self.filter.organization_id, &entries)
            .await?;
        for entry in &entries {
            chunk.push_str(&self.format.line(&self.names.view(entry)));
        }
        Ok(())
    }
}
