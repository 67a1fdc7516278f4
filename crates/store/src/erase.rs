//! Deleting recordings for good: one session (API delete, end-user erasure) and retention.
//!
//! Order matters for a crash: the blobs go first, the rows last. A crash in between leaves the
//! session row, so the next sweep or a repeated erase finds it and finishes; the other order
//! could leave recording bytes that nothing points at any more, which erasure must never do.
//! The audit entry is written only by the caller whose `delete_session` removed the row, so two
//! nodes sweeping at once still leave exactly one entry per deleted session.

use tapedeck_core::ids::new_id;

use crate::{AuditEntry, BlobOwner, MetaStore, RecordingStore, SessionRecord, StoreError};

/// What erasing one session removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Erased {
    /// False when another caller deleted the rows first (then it wrote the audit entry).
    pub rows_deleted: bool,
    pub blobs_deleted: usize,
}

/// Deletes every blob and row of `session`.
pub async fn erase_session(
    meta: &dyn MetaStore,
    recordings: &RecordingStore,
    session: &SessionRecord,
) -> Result<Erased, StoreError> {
    let project = meta
        .project_by_id(&session.project_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    let owner = BlobOwner::of(&project);
    let blobs = recordings.blobs(&owner)?;
    let prefix = format!("recordings/{}/{}", project.id, session.id);
    let keys = blobs.list_prefix(&prefix).await?;
    for key in &keys {
        blobs.delete(key).await?;
    }
    let rows_deleted = meta.delete_session(&session.id).await?;
    Ok(Erased {
        rows_deleted,
        blobs_deleted: keys.len(),
    })
}

/// What one retention sweep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RetentionReport {
    pub sessions_deleted: usize,
    pub blobs_deleted: usize,
}

/// How many expired sessions a sweep takes per project per round (bounded work per query).
const RETENTION_BATCH: u32 = 200;

/// Deletes every session past its project's retention at `now_ms`, auditing each deletion.
pub async fn sweep_retention(
    meta: &dyn MetaStore,
    recordings: &RecordingStore,
    now_ms: i64,
) -> Result<RetentionReport, StoreError> {
    let mut report = RetentionReport::default();
    for project in meta.all_projects().await? {
        let cutoff = project.settings.retention_cutoff_ms(now_ms);
        loop {
            let ids = meta
                .sessions_last_ingested_before(&project.project.id, cutoff, RETENTION_BATCH)
                .await?;
            for id in &ids {
                let Some(session) = meta.session(id).await? else {
                    continue; // deleted meanwhile by another node
                };
                let erased = erase_session(meta, recordings, &session).await?;
                report.blobs_deleted += erased.blobs_deleted;
                if erased.rows_deleted {
                    report.sessions_deleted += 1;
                    meta.append_audit(&retention_audit(&session, &project.settings, now_ms))
                        .await?;
                }
            }
            if ids.len() < RETENTION_BATCH as usize {
                break;
            }
        }
    }
    Ok(report)
}

fn retention_audit(
    session: &SessionRecord,
    settings: &tapedeck_core::project_settings::ProjectSettings,
    now_ms: i64,
) -> AuditEntry {
    AuditEntry {
        id: new_id(),
        organization_id: Some(session.organization_id.clone()),
        at_ms: now_ms,
        actor: "system:retention".into(),
        action: "session.delete".into(),
        target: format!("session:{}", session.id),
        ip: None,
        details: serde_json::json!({
            "reason": "retention",
            "retention_days": settings.retention_days,
            "project_id": session.project_id,
            "ended_at_ms": session.summary.ended_at_ms,
        }),
    }
}
