//! `tapedeck export SESSION -o FILE [--format tapedeck|html]` and `tapedeck import FILE
//! [--project ID]`: portable recordings from the command line. Both open the stores like
//! `admin` does (they work while a server runs on the same data) and call the API crate's
//! export/import functions, so a file made here equals one downloaded from the web app.
//! Progress goes to stderr; the result (for scripts: the new session id, alone on the last
//! line) to stdout. Both are audited with actor `cli`.

use std::io::BufWriter;
use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow, bail};
use tapedeck_api::export::{
    ExportFormat, ExportSource, Progress, import_session_file, write_export,
};
use tapedeck_api::{ApiConfig, ApiError, AppState};
use tapedeck_core::export::ImportLimits;
use tapedeck_core::ids::new_id;
use tapedeck_store::{AuditEntry, MetaStore, Project};

use crate::bootstrap::now_ms;
use crate::config::Config;
use crate::serve::open_stores;

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The session id.
    session: String,
    /// The file to write (replaced if it exists).
    #[arg(short = 'o', long)]
    output: PathBuf,
    /// `tapedeck` (portable, for `tapedeck import`) or `html` (replays offline in a browser).
    #[arg(long, default_value = "tapedeck", value_parser = ["tapedeck", "html"])]
    format: String,
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// A `.tapedeck` file written by `tapedeck export` or the web app's download.
    file: PathBuf,
    /// The project to import into [default: the only project, when there is one].
    #[arg(long)]
    project: Option<String>,
}

fn print_progress(progress: Progress) {
    match progress {
        Progress::WindowWritten {
            window,
            windows,
            events,
            bytes,
        } => eprintln!("wrote window {window}/{windows} ({events} events, {bytes} bytes so far)"),
        Progress::BatchStored {
            batch,
            batches,
            events,
        } => eprintln!("stored batch {batch}/{batches} ({events} events so far)"),
    }
}

/// API errors carry a stable code; the CLI shows it with the sentence.
fn cli_error(e: ApiError) -> anyhow::Error {
    anyhow!("{} ({})", e, e.code())
}

#[allow(clippy::print_stdout, reason = "the command's result is its output")]
pub async fn export(args: ExportArgs, config: &Config) -> anyhow::Result<()> {
    let format = ExportFormat::parse(&args.format).context("unknown format")?;
    let state = open_state(config).await?;
    let session = state
        .meta
        .session(&args.session)
        .await?
        .with_context(|| format!("no session {:?}", args.session))?;
    let source = ExportSource::open(&state, &session)
        .await
        .map_err(cli_error)?;
    eprintln!(
        "exporting session {} ({} window(s), {} events) as {} to {}",
        session.id,
        source.windows(),
        session.summary.event_count,
        format.name(),
        args.output.display()
    );
    let stats = write_atomically(&args.output, async |file| {
        let (file, stats) = write_export(&state, &source, format, now_ms(), file, &print_progress)
            .await
            .map_err(cli_error)?;
        Ok((file, stats))
    })
    .await?;
    audit(
        state.meta.as_ref(),
        &session.organization_id,
        "session.export",
        &session.id,
        serde_json::json!({ "format": format.name(), "windows": stats.windows, "events": stats.events, "size_bytes": stats.size_bytes }),
    )
    .await?;
    println!(
        "Exported session {} ({} window(s), {} events) to {} ({} bytes).",
        session.id,
        stats.windows,
        stats.events,
        args.output.display(),
        stats.size_bytes
    );
    Ok(())
}

#[allow(clippy::print_stdout, reason = "the command's result is its output")]
pub async fn import(args: ImportArgs, config: &Config) -> anyhow::Result<()> {
    let max = ImportLimits::DEFAULT.max_file_bytes;
    let size = std::fs::metadata(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?
        .len();
    if size > max as u64 {
        bail!("the file is over {max} bytes (import_too_large)");
    }
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let state = open_state(config).await?;
    let project = target_project(state.meta.as_ref(), args.project.as_deref()).await?;
    eprintln!(
        "importing {} ({size} bytes) into project \"{}\"",
        args.file.display(),
        project.name
    );
    let imported = import_session_file(&state, &project, bytes.into(), &print_progress)
        .await
        .map_err(cli_error)?;
    audit(
        state.meta.as_ref(),
        &project.organization_id,
        "session.import",
        &imported.session_id,
        serde_json::json!({
            "project_id": project.id, "original_session_id": imported.original_session_id,
            "windows": imported.windows, "events": imported.events, "size_bytes": size,
        }),
    )
    .await?;
    let id_note = if imported.id_kept() {
        "its original id".to_string()
    } else {
        format!(
            "a new id; it was {} where exported",
            imported.original_session_id
        )
    };
    println!(
        "Imported {} window(s), {} events as session (with {id_note}):",
        imported.windows, imported.events
    );
    println!("{}", imported.session_id);
    Ok(())
}

pub(crate) async fn open_state(config: &Config) -> anyhow::Result<AppState> {
    let (meta, recordings) = open_stores(config).await?;
    Ok(AppState::new(meta, recordings, ApiConfig::default()))
}

async fn target_project(meta: &dyn MetaStore, id: Option<&str>) -> anyhow::Result<Project> {
    if let Some(id) = id {
        return meta
            .project_by_id(id)
            .await?
            .with_context(|| format!("no project {id:?}"));
    }
    let mut projects = meta.all_projects().await?;
    match projects.len() {
        1 => Ok(projects.remove(0).project),
        0 => bail!(
            "there is no project to import into; create one with `tapedeck admin create-project`"
        ),
        _ => {
            let ids: Vec<String> = projects
                .iter()
                .map(|p| format!("{} ({})", p.project.id, p.project.name))
                .collect();
            bail!(
                "there are several projects; choose one with --project: {}",
                ids.join(", ")
            )
        }
    }
}

/// Writes through a temporary file renamed over `path` at the end, so a failed export never
/// leaves half a file under the name asked for.
pub(crate) async fn write_atomically<T>(
    path: &Path,
    write: impl AsyncFnOnce(BufWriter<std::fs::File>) -> anyhow::Result<(BufWriter<std::fs::File>, T)>,
) -> anyhow::Result<T> {
    let partial = path.with_extension(format!("partial-{}", new_id()));
    let file = std::fs::File::create(&partial)
        .with_context(|| format!("cannot create {}", partial.display()))?;
    let result = match write(BufWriter::new(file)).await {
        Ok((out, value)) => out
            .into_inner()
            .map_err(|e| anyhow::Error::from(e.into_error()))
            .and_then(|file| Ok(file.sync_all()?))
            .and_then(|()| Ok(std::fs::rename(&partial, path)?))
            .map(|()| value),
        Err(e) => Err(e),
    };
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    result.with_context(|| format!("writing {}", path.display()))
}

async fn audit(
    meta: &dyn MetaStore,
    organization_id: &str,
    action: &str,
    session_id: &str,
    details: serde_json::Value,
) -> anyhow::Result<()> {
    meta.append_audit(&AuditEntry {
        id: new_id(),
        organization_id: Some(organization_id.to_string()),
        at_ms: now_ms(),
        actor: "cli".into(),
        action: action.into(),
        target: format!("session:{session_id}"),
        ip: None,
        details,
    })
    .await?;
    Ok(())
}
