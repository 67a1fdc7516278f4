//! Export and import of one session (SPEC §2, docs/API.md "Export and import"):
//! `GET /api/v1/sessions/{id}/export?format=tapedeck|html` and
//! `POST /api/v1/sessions/import?project_id=…`. The CLI (`tapedeck export` / `tapedeck import`)
//! calls the same functions, so both agree byte for byte. The formats are in `core::export`.

mod import;
mod player_bundle;
mod read;
pub(crate) mod stream;

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde::Deserialize;
use serde_json::json;
use tapedeck_core::export::ImportLimits;
use tapedeck_core::policy::Action;
use tokio::sync::Semaphore;

pub use import::{Imported, import_session_file};
pub(crate) use read::off_runtime;
pub use read::{ExportSource, ExportStats, GENERATOR, write_export};

use crate::audit::{self, AuditAction};
use crate::auth::session::{AuthUser, require_same_origin};
use crate::error::ApiError;
use crate::sessions::readable_session;
use crate::state::AppState;

/// The content type an import body must carry. A form cannot send it, so a cross-site page
/// cannot make a logged-in browser import a file (the `Origin` check is the second guard).
pub const IMPORT_CONTENT_TYPE: &str = "application/octet-stream";

/// Imports are checked in memory (up to `ImportLimits::DEFAULT.max_decoded_bytes`); one at a
/// time per server bounds that memory.
static IMPORT_PERMITS: Semaphore = Semaphore::const_new(1);

/// The two export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// The portable `.tapedeck` file (docs/FORMAT.md), for `tapedeck import`.
    Tapedeck,
    /// One self-contained HTML page that replays offline.
    Html,
}

impl ExportFormat {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "tapedeck" => Some(Self::Tapedeck),
            "html" => Some(Self::Html),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Tapedeck => "tapedeck",
            Self::Html => "html",
        }
    }

    /// The file name extension (without the dot).
    pub fn extension(self) -> &'static str {
        self.name()
    }

    fn content_type(self) -> &'static str {
        match self {
            Self::Tapedeck => "application/vnd.tapedeck",
            Self::Html => "text/html; charset=utf-8",
        }
    }
}

/// How far a long export or import is, for progress displays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// Window `window` of `windows` was written, with `events` events; `bytes` went out so far.
    WindowWritten {
        window: usize,
        windows: usize,
        events: usize,
        bytes: u64,
    },
    /// Batch `batch` of `batches` was stored; `events` events stored so far.
    BatchStored {
        batch: usize,
        batches: usize,
        events: usize,
    },
}

#[derive(Debug, Deserialize)]
pub struct ExportQuery {
    format: Option<String>,
}

/// `GET /api/v1/sessions/{id}/export`: the session as a download. Any member who may watch the
/// session may export it. The export is audited before its first byte goes out; the file then
/// streams window by window (no `Content-Length`), and a failure part-way aborts the body.
pub async fn export_session(
    State(state): State<AppState>,
    auth: AuthUser,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(query): Query<ExportQuery>,
) -> Result<Response, ApiError> {
    let format = match query.format.as_deref() {
        None => ExportFormat::Tapedeck,
        Some(text) => ExportFormat::parse(text).ok_or_else(|| {
            ApiError::InvalidQuery("`format` must be `tapedeck` or `html`".into())
        })?,
    };
    let session = readable_session(&state, &auth, &id).await?;
    let source = ExportSource::open(&state, &session).await?;
    let action = AuditAction {
        organization_id: &session.organization_id,
        actor: auth.actor(),
        action: "session.export",
        target: format!("session:{}", session.id),
        details: json!({ "format": format.name(), "windows": source.windows(), "events": session.summary.event_count }),
    };
    audit::record(&state, &headers, action).await?;

    let (writer, body) = stream::channel_body();
    let aborter = writer.aborter();
    let now = state.now_ms();
    tokio::spawn(async move {
        match write_export(&state, &source, format, now, writer, &|_| {}).await {
            Ok((_, stats)) => {
                tracing::info!(session.id = %id, format = format.name(), events = stats.events, size_bytes = stats.size_bytes, "session exported");
            }
            Err(e) => {
                tracing::warn!(session.id = %id, error = %e, "an export failed part-way; the download is aborted");
                aborter.abort().await;
            }
        }
    });

    let disposition = format!(
        "attachment; filename=\"tapedeck-{}.{}\"",
        session.id,
        format.extension()
    );
    let mut response = body.into_response();
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
    out.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Should a browser ever show the page instead of saving it, it must not run in this
    // server's origin.
    out.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox"),
    );
    Ok(response)
}

#[derive(Debug, Deserialize)]
pub struct ImportQuery {
    project_id: Option<String>,
}

/// `POST /api/v1/sessions/import?project_id=…`: stores a `.tapedeck` file (the raw body) as a
/// new session of the project. Needs a role that manages the project's organization.
pub async fn import_session(
    State(state): State<AppState>,
    auth: AuthUser,
    headers: HeaderMap,
    Query(query): Query<ImportQuery>,
    body: Body,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    require_same_origin(&headers)?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    if content_type != Some(IMPORT_CONTENT_TYPE) {
        return Err(ApiError::InvalidRequest(format!(
            "send the .tapedeck file as the raw body with Content-Type: {IMPORT_CONTENT_TYPE}"
        )));
    }
    let project_id = query
        .project_id
        .ok_or_else(|| ApiError::InvalidQuery("`project_id` is required".into()))?;
    let project = state
        .meta
        .project_by_id(&project_id)
        .await?
        .filter(|p| auth.can_read_org(&p.organization_id))
        .ok_or(ApiError::NotFound)?;
    auth.require(&project.organization_id, Action::ImportRecording)?;
    let bytes = read_capped_body(&headers, body, ImportLimits::DEFAULT.max_file_bytes).await?;
    let size_bytes = bytes.len();
    let _permit = IMPORT_PERMITS
        .acquire()
        .await
        .map_err(|_| ApiError::Internal)?;
    let imported = import_session_file(&state, &project, bytes, &|_| {}).await?;
    let action = AuditAction {
        organization_id: &project.organization_id,
        actor: auth.actor(),
        action: "session.import",
        target: format!("session:{}", imported.session_id),
        details: json!({
            "project_id": project.id, "original_session_id": imported.original_session_id,
            "windows": imported.windows, "events": imported.events, "size_bytes": size_bytes,
        }),
    };
    audit::record(&state, &headers, action).await?;
    Ok((StatusCode::CREATED, Json(imported_json(&imported))))
}

/// The answer to an import (docs/API.md).
pub fn imported_json(imported: &Imported) -> serde_json::Value {
    json!({
        "session_id": imported.session_id,
        "original_session_id": imported.original_session_id,
        "id_kept": imported.id_kept(),
        "windows": imported.windows,
        "events": imported.events,
    })
}

/// Reads the body, refusing it as soon as it passes `max_bytes`.
async fn read_capped_body(
    headers: &HeaderMap,
    body: Body,
    max_bytes: usize,
) -> Result<Bytes, ApiError> {
    let too_large = || ApiError::ImportTooLarge(format!("the file is over {max_bytes} bytes"));
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    if declared.is_some_and(|len| len > max_bytes) {
        return Err(too_large());
    }
    match Limited::new(body, max_bytes).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.is::<LengthLimitError>() => Err(too_large()),
        Err(_) => Err(ApiError::InvalidRequest(
            "the request body could not be read".into(),
        )),
    }
}
