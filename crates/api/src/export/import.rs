//! Storing an imported `.tapedeck` file: checked in full first (`core::export`, under hard
//! caps), then written batch by batch through the path ingest uses — a sealed segment blob, then
//! `MetaStore::store_segment` folding it into the session — so the session lists, replays,
//! compacts and expires like any recording. A failure half-way erases what was written: a bad
//! or failed import leaves nothing behind.

use bytes::Bytes;
use tapedeck_core::export::{
    ImportError, ImportLimits, ImportedMetadata, import_batches, read_session_file,
};
use tapedeck_core::ids::new_id;
use tapedeck_core::{IngestBatch, extract_facts};
use tapedeck_store::erase::erase_session;
use tapedeck_store::{BlobOwner, NewSegment, Project, SegmentOutcome};

use super::Progress;
use crate::error::ApiError;
use crate::ingest::{compress_segment, seal_timeline, segment_blob_key};
use crate::state::AppState;

/// What an import stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    pub session_id: String,
    /// The id the session had where it was exported.
    pub original_session_id: String,
    pub windows: usize,
    pub events: usize,
}

impl Imported {
    /// True when the session kept its original id (it was free on this server).
    pub fn id_kept(&self) -> bool {
        self.session_id == self.original_session_id
    }
}

/// A checked import, ready to store.
struct Prepared {
    original_id: String,
    meta: ImportedMetadata,
    file: tapedeck_core::export::SessionFile,
}

/// Checks a whole file (CPU-bound; run it off the async runtime).
fn prepare(bytes: &[u8], limits: &ImportLimits) -> Result<Prepared, ImportError> {
    let file = read_session_file(bytes, limits)?;
    let meta = ImportedMetadata::parse(&file.header.session)?;
    Ok(Prepared {
        original_id: meta.id.clone(),
        meta,
        file,
    })
}

/// Imports `bytes` into `project`. The session keeps its original id when this server has no
/// session with that id, and gets a new one otherwise.
pub async fn import_session_file(
    state: &AppState,
    project: &Project,
    bytes: Bytes,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<Imported, ApiError> {
    let prepared = tokio::task::spawn_blocking(move || prepare(&bytes, &ImportLimits::DEFAULT))
        .await
        .map_err(|_| ApiError::Internal)??;
    let session_id = match state.meta.session(&prepared.original_id).await? {
        None => prepared.original_id.clone(),
        Some(_) => new_id(),
    };
    let windows = prepared
        .file
        .windows
        .iter()
        .filter(|w| !w.events.is_empty())
        .count();
    let events = prepared.file.event_count();
    let batch_session = session_id.clone();
    let batches = tokio::task::spawn_blocking(move || {
        import_batches(prepared.file.windows, &prepared.meta, &batch_session)
    })
    .await
    .map_err(|_| ApiError::Internal)?;
    let mut stored = 0;
    if let Err(e) = store_batches(state, project, &batches, &mut stored, progress).await {
        // Erase only a session this import created: with nothing stored, the id may be
        // another request's by now.
        if stored > 0 {
            discard_partial(state, &session_id).await;
        }
        return Err(e);
    }
    Ok(Imported {
        session_id,
        original_session_id: prepared.original_id,
        windows,
        events,
    })
}

async fn store_batches(
    state: &AppState,
    project: &Project,
    batches: &[IngestBatch],
    stored: &mut usize,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<(), ApiError> {
    let owner = BlobOwner::of(project);
    let mut events_stored = 0;
    for (i, batch) in batches.iter().enumerate() {
        if state
            .meta
            .segment_exists(&batch.session_id, &batch.window_id, batch.seq)
            .await?
        {
            return Err(ApiError::Conflict(
                "this session is being imported by another request".into(),
            ));
        }
        let mut facts = extract_facts(batch);
        seal_timeline(state, &owner, &mut facts).await?;
        let compressed = compress_segment(batch)?;
        let blob_key = segment_blob_key(project, batch);
        let size_bytes = state
            .recordings
            .put_sealed(&owner, &blob_key, &compressed)
            .await? as i64;
        let segment = NewSegment {
            project: project.clone(),
            session_id: batch.session_id.clone(),
            window_id: batch.window_id.clone(),
            seq: batch.seq,
            blob_key,
            size_bytes,
            received_at_ms: state.now_ms(),
        };
        match state
            .meta
            .store_segment(&segment, &facts, &batch.meta)
            .await?
        {
            SegmentOutcome::Stored => *stored += 1,
            // Only another import of the same file racing this one can get here.
            SegmentOutcome::Duplicate => {
                return Err(ApiError::Conflict(
                    "this session is being imported by another request".into(),
                ));
            }
        }
        events_stored += batch.events.len();
        progress(Progress::BatchStored {
            batch: i + 1,
            batches: batches.len(),
            events: events_stored,
        });
    }
    Ok(())
}

/// Erases what a failed import wrote, so nothing half-imported is ever listed.
async fn discard_partial(state: &AppState, session_id: &str) {
    let session = match state.meta.session(session_id).await {
        Ok(Some(session)) => session,
        Ok(None) => return,
        Err(e) => {
            tracing::error!(session.id = %session_id, error = %e, "a failed import could not be cleaned up");
            return;
        }
    };
    if let Err(e) = erase_session(state.meta.as_ref(), &state.recordings, &session).await {
        tracing::error!(session.id = %session_id, error = %e, "a failed import could not be cleaned up");
    }
}

impl From<ImportError> for ApiError {
    fn from(e: ImportError) -> Self {
        match e {
            ImportError::TooLarge(_) => ApiError::ImportTooLarge(e.to_string()),
            _ => ApiError::InvalidImport(e.to_string()),
        }
    }
}
