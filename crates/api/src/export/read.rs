//! Reading a session for export, through the same reader the events API uses
//! (`tapedeck_store::read_session_window`), and writing it as a `.tapedeck` file or an HTML page.

use std::io::Write;

use tapedeck_core::export::{
    ExportWindow, FileHeader, HtmlExport, TapedeckWriter, exported_metadata, render_html,
};
use tapedeck_store::{SessionRecord, TimeRange, read_session_window, stored_windows};

use super::player_bundle;
use super::{ExportFormat, Progress};
use crate::error::ApiError;
use crate::sessions::{blob_owner, session_json};
use crate::state::AppState;

/// What made an export file.
pub const GENERATOR: &str = concat!("tapedeck ", env!("CARGO_PKG_VERSION"));

/// A session read for export: its metadata and every window's events.
#[derive(Debug)]
pub struct SessionExport {
    /// The session object of `GET /api/v1/sessions/{id}` without server-only ids.
    pub metadata: serde_json::Value,
    pub windows: Vec<ExportWindow>,
}

impl SessionExport {
    pub fn event_count(&self) -> usize {
        self.windows.iter().map(|w| w.events.len()).sum()
    }
}

/// Reads every window of `session` in full, first recorded first.
pub async fn read_session_export(
    state: &AppState,
    session: &SessionRecord,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<SessionExport, ApiError> {
    let owner = blob_owner(state, session).await?;
    let stored = stored_windows(state.meta.as_ref(), &session.id).await?;
    let window_ids: Vec<String> = stored.into_iter().map(|w| w.window_id).collect();
    let mut windows = Vec::with_capacity(window_ids.len());
    for (i, window_id) in window_ids.iter().enumerate() {
        let read = read_session_window(
            state.meta.as_ref(),
            &state.recordings,
            &owner,
            &session.id,
            Some(window_id),
            TimeRange::default(),
        )
        .await?;
        // A window compacted away between the listing and the read has nothing left to export.
        let Some(read) = read else { continue };
        if read.events.events.is_empty() {
            continue;
        }
        progress(Progress::WindowRead {
            window: i + 1,
            windows: window_ids.len(),
            events: read.events.events.len(),
        });
        windows.push(ExportWindow {
            window_id: read.window_id,
            events: read.events.events,
        });
    }
    if windows.is_empty() {
        return Err(ApiError::NotFound);
    }
    let metadata = exported_metadata(&session_json(session, Some(window_ids)));
    Ok(SessionExport { metadata, windows })
}

/// Writes the export in `format` to `out`; returns `out`.
pub fn write_export<W: Write>(
    export: &SessionExport,
    format: ExportFormat,
    exported_at_ms: i64,
    out: W,
) -> Result<W, ApiError> {
    match format {
        ExportFormat::Tapedeck => write_tapedeck(export, exported_at_ms, out).map_err(|e| {
            tracing::error!(error = %e, "writing an export file failed");
            ApiError::Internal
        }),
        ExportFormat::Html => {
            let (js, css) = player_bundle::player_files().ok_or_else(|| {
                tracing::error!("the standalone player is not built (npm run build)");
                ApiError::Internal
            })?;
            let html = render_html(&HtmlExport {
                session: &export.metadata,
                windows: &export.windows,
                player_js: &js,
                player_css: &css,
                generator: GENERATOR,
                exported_at_ms,
            });
            let mut out = out;
            out.write_all(html.as_bytes()).map_err(|e| {
                tracing::error!(error = %e, "writing an HTML export failed");
                ApiError::Internal
            })?;
            Ok(out)
        }
    }
}

fn write_tapedeck<W: Write>(
    export: &SessionExport,
    exported_at_ms: i64,
    out: W,
) -> std::io::Result<W> {
    let header = FileHeader {
        generator: GENERATOR.into(),
        exported_at: rfc3339(exported_at_ms),
        session: export.metadata.clone(),
        windows: export.windows.len(),
    };
    let mut writer = TapedeckWriter::new(out, &header)?;
    for window in &export.windows {
        writer.write_window(window)?;
    }
    writer.finish()
}

fn rfc3339(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}
