//! `tapedeck admin export-end-user`: GDPR/CCPA access request from the command line. Writes the
//! same document as `GET /api/v1/end-users/{user_id}/data` (the API crate's function) for one
//! organization, through a temporary file renamed at the end; progress on stderr; audited with
//! actor `cli`.

use std::path::Path;

use anyhow::{Context, anyhow};
use tapedeck_api::end_user_data::{EndUserData, write_end_user_data};
use tapedeck_store::AuditEntry;

use crate::bootstrap::now_ms;
use crate::config::Config;
use crate::export_cmd::{open_state, write_atomically};

#[allow(clippy::print_stdout, reason = "the command's result is its output")]
pub async fn export_end_user(
    config: &Config,
    org_name: &str,
    user_id: &str,
    output: &Path,
) -> anyhow::Result<()> {
    let state = open_state(config).await?;
    let org = state
        .meta
        .organization_by_name(org_name)
        .await?
        .with_context(|| format!("no organization named {org_name:?}"))?;
    let data = EndUserData::find(&state, std::slice::from_ref(&org.id), user_id)
        .await
        .map_err(|e| anyhow!("{e} ({})", e.code()))?;
    let ids: Vec<String> = data.organizations[0]
        .sessions
        .iter()
        .map(|s| s.id.clone())
        .collect();
    eprintln!(
        "exporting {} session(s) of end user {user_id:?} in \"{}\" to {}",
        ids.len(),
        org.name,
        output.display()
    );
    state
        .meta
        .append_audit(&AuditEntry {
            id: tapedeck_core::ids::new_id(),
            organization_id: Some(org.id.clone()),
            at_ms: now_ms(),
            actor: "cli".into(),
            action: "end_user.export".into(),
            target: format!("end_user:{user_id}"),
            ip: None,
            details: serde_json::json!({ "sessions": ids }),
        })
        .await?;
    let progress = |done: usize, total: usize| eprintln!("wrote session {done}/{total}");
    let stats = write_atomically(output, async |file| {
        write_end_user_data(&state, &data, now_ms(), file, &progress)
            .await
            .map_err(|e| anyhow!("{e} ({})", e.code()))
    })
    .await?;
    println!(
        "Exported {} session(s), {} events of end user {user_id:?} to {} ({} bytes).",
        stats.sessions,
        stats.events,
        output.display(),
        stats.size_bytes
    );
    Ok(())
}
