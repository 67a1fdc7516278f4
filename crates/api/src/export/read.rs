//! Writing a session as an export file, window by window: each window is read through the same
//! reader the events API uses (`tapedeck_store::read_session_window`: a compacted window's v1
//! recording plus its live segments, chunked events joined), then written out before the next is
//! read, so a long session streams to the client (or the CLI's file) as it goes and only one
//! window is held in memory at a time.

use std::io::{self, Write};

use tapedeck_core::export::{
    ExportWindow, FileHeader, HtmlExport, HtmlWriter, TapedeckWriter, exported_metadata,
};
use tapedeck_store::{BlobOwner, SessionRecord, TimeRange, read_session_window, stored_windows};

use super::player_bundle;
use super::{ExportFormat, Progress};
use crate::error::ApiError;
use crate::sessions::{blob_owner, session_json};
use crate::state::AppState;

/// What made an export file.
pub const GENERATOR: &str = concat!("tapedeck ", env!("CARGO_PKG_VERSION"));

/// A session about to be exported: its metadata and the windows to read.
#[derive(Debug, Clone)]
pub struct ExportSource {
    session_id: String,
    owner: BlobOwner,
    /// The session object of `GET /api/v1/sessions/{id}` without server-only ids.
    metadata: serde_json::Value,
    /// Every window, first recorded first.
    window_ids: Vec<String>,
}

impl ExportSource {
    /// Looks up what `session` holds; `404 not_found` when it has no recorded window.
    pub async fn open(state: &AppState, session: &SessionRecord) -> Result<Self, ApiError> {
        let owner = blob_owner(state, session).await?;
        let window_ids: Vec<String> = stored_windows(state.meta.as_ref(), &session.id)
            .await?
            .into_iter()
            .map(|w| w.window_id)
            .collect();
        if window_ids.is_empty() {
            return Err(ApiError::NotFound);
        }
        let metadata = exported_metadata(&session_json(session, Some(window_ids.clone())));
        Ok(Self {
            session_id: session.id.clone(),
            owner,
            metadata,
            window_ids,
        })
    }

    pub fn windows(&self) -> usize {
        self.window_ids.len()
    }
}

/// What an export wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportStats {
    pub windows: usize,
    pub events: usize,
    pub size_bytes: u64,
}

/// Writes the export of `source` in `format` to `out`, window by window, flushing it at the end;
/// returns `out`. Reading and encoding alternate: the encoding (zstd, gzip) runs off the async
/// runtime, so `out` may block (a file, or a channel to the client).
pub async fn write_export<W: Write + Send + 'static>(
    state: &AppState,
    source: &ExportSource,
    format: ExportFormat,
    exported_at_ms: i64,
    out: W,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<(W, ExportStats), ApiError> {
    let player = match format {
        ExportFormat::Tapedeck => None,
        ExportFormat::Html => Some(player_bundle::player_files().ok_or_else(|| {
            tracing::error!("the standalone player is not built into this binary (npm run build)");
            ApiError::Internal
        })?),
    };
    let metadata = source.metadata.clone();
    let windows = source.window_ids.len();
    let counted = Counting {
        inner: out,
        bytes: 0,
    };
    let mut writer = off_runtime(move || {
        FileWriter::new(counted, format, metadata, windows, player, exported_at_ms)
    })
    .await?;
    let mut events = 0;
    for (i, window_id) in source.window_ids.iter().enumerate() {
        let window = read_whole_window(state, source, window_id).await?;
        let count = window.events.len();
        writer = off_runtime(move || {
            writer.write_window(&window)?;
            Ok(writer)
        })
        .await?;
        events += count;
        progress(Progress::WindowWritten {
            window: i + 1,
            windows,
            events: count,
            bytes: writer.bytes(),
        });
    }
    let counted = off_runtime(move || {
        let mut counted = writer.finish()?;
        counted.flush()?;
        Ok(counted)
    })
    .await?;
    let stats = ExportStats {
        windows,
        events,
        size_bytes: counted.bytes,
    };
    Ok((counted.inner, stats))
}

/// Every event of one window. A window gone since the listing means the session was deleted.
async fn read_whole_window(
    state: &AppState,
    source: &ExportSource,
    window_id: &str,
) -> Result<ExportWindow, ApiError> {
    let read = read_session_window(
        state.meta.as_ref(),
        &state.recordings,
        &source.owner,
        &source.session_id,
        Some(window_id),
        TimeRange::default(),
    )
    .await?
    .ok_or(ApiError::NotFound)?;
    Ok(ExportWindow {
        window_id: read.window_id,
        events: read.events.events,
    })
}

/// Runs a blocking step of writing a download (encoding, writing to a file or to the response's
/// channel) on the blocking pool.
pub(crate) async fn off_runtime<T: Send + 'static>(
    step: impl FnOnce() -> io::Result<T> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(step)
        .await
        .map_err(|_| ApiError::Internal)?
        .map_err(|e| {
            // Also how a client that went away shows up (the stream's channel closed).
            tracing::warn!(error = %e, "writing a download stopped");
            ApiError::Internal
        })
}

/// The writer of either format.
enum FileWriter<W: Write> {
    Tapedeck(TapedeckWriter<Counting<W>>),
    Html(HtmlWriter<Counting<W>>),
}

impl<W: Write> FileWriter<W> {
    fn new(
        out: Counting<W>,
        format: ExportFormat,
        metadata: serde_json::Value,
        windows: usize,
        player: Option<(String, String)>,
        exported_at_ms: i64,
    ) -> io::Result<Self> {
        match (format, player) {
            (ExportFormat::Html, Some((js, css))) => {
                let export = HtmlExport {
                    session: &metadata,
                    player_js: &js,
                    player_css: &css,
                    generator: GENERATOR,
                    exported_at_ms,
                };
                Ok(Self::Html(HtmlWriter::new(out, &export)?))
            }
            _ => {
                let header = FileHeader {
                    generator: GENERATOR.into(),
                    exported_at: rfc3339(exported_at_ms),
                    session: metadata,
                    windows,
                };
                Ok(Self::Tapedeck(TapedeckWriter::new(out, &header)?))
            }
        }
    }

    fn write_window(&mut self, window: &ExportWindow) -> io::Result<()> {
        match self {
            Self::Tapedeck(w) => w.write_window(window),
            Self::Html(w) => w.write_window(window),
        }
    }

    /// Bytes written out so far (the encoders hold back a little until they finish).
    fn bytes(&self) -> u64 {
        match self {
            Self::Tapedeck(w) => w.get_ref().bytes,
            Self::Html(w) => w.get_ref().bytes,
        }
    }

    fn finish(self) -> io::Result<Counting<W>> {
        match self {
            Self::Tapedeck(w) => w.finish(),
            Self::Html(w) => w.finish(),
        }
    }
}

/// Counts the bytes written through it, for progress and the audit entry.
struct Counting<W> {
    inner: W,
    bytes: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
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
