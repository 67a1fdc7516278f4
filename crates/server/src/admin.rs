//! `tapedeck admin …`: user and project administration from the command line. It opens the same
//! database as a running server (SQLite in WAL mode with a busy timeout lets both write).

use std::io::Read;
use std::path::PathBuf;

use anyhow::{Context, bail};
use tapedeck_store::erase::erase_session;
use tapedeck_store::{
    AuditEntry, MasterKey, MetaStore, NewProject, Organization, rotate_master_key,
};

use crate::bootstrap::{new_ingest_key, now_ms};
use crate::config::Config;
use crate::keys;
use crate::serve::{open_meta, open_stores};

const ROLES: &[&str] = &["owner", "admin", "member", "viewer"];

#[derive(Debug, clap::Subcommand)]
pub enum AdminCommand {
    /// Creates a user in an organization (the organization is created if new).
    CreateUser {
        #[arg(long)]
        email: String,
        /// Read the password from standard input (required: passwords never go in arguments).
        #[arg(long)]
        password_stdin: bool,
        #[arg(long, default_value = "Default")]
        org: String,
        #[arg(long, default_value = "owner")]
        role: String,
    },
    /// Creates a project and prints its ingest key alone on the last line.
    CreateProject {
        #[arg(long, default_value = "Default")]
        org: String,
        #[arg(long)]
        name: String,
        /// An origin allowed to send recordings (repeatable; none means every origin).
        #[arg(long = "allowed-origin")]
        allowed_origins: Vec<String>,
        /// The storage region its recordings live in, for good (a configured region name).
        #[arg(long, default_value = tapedeck_store::DEFAULT_REGION)]
        region: String,
    },
    /// Deletes every session (blobs and rows) of one end user in an organization (GDPR/CCPA
    /// erasure), and audits it.
    EraseEndUser {
        #[arg(long, default_value = "Default")]
        org: String,
        /// The end user's id, as the SDK's `identify` gave it.
        #[arg(long)]
        user_id: String,
    },
    /// Writes everything recorded of one end user in an organization to one JSON file (GDPR/CCPA
    /// access request; the format of `GET /api/v1/end-users/{id}/data`), and audits it.
    ExportEndUser {
        #[arg(long, default_value = "Default")]
        org: String,
        /// The end user's id, as the SDK's `identify` gave it.
        #[arg(long)]
        user_id: String,
        /// The file to write (replaced if it exists).
        #[arg(short = 'o', long)]
        output: PathBuf,
    },
    /// Re-wraps every organization's data key with a new master key. Recordings are not
    /// rewritten. Afterwards point `encryption_key_file` (or TAPEDECK_ENCRYPTION_KEY) at the new
    /// key and restart the servers; until then running servers keep working.
    RotateKey {
        /// The new key file (64 hex characters).
        #[arg(long)]
        new_key_file: PathBuf,
        /// Create the new key file with a fresh random key (it must not exist).
        #[arg(long)]
        generate: bool,
    },
}

#[allow(
    clippy::print_stdout,
    reason = "admin commands print their results for scripts"
)]
pub async fn run(command: AdminCommand, config: &Config) -> anyhow::Result<()> {
    let meta = open_meta(config).await?;
    match command {
        AdminCommand::CreateUser {
            email,
            password_stdin,
            org,
            role,
        } => {
            if !password_stdin {
                bail!("give the password on standard input with --password-stdin");
            }
            if !ROLES.contains(&role.as_str()) {
                bail!("unknown role {role:?}: use one of {}", ROLES.join(", "));
            }
            let mut password = String::new();
            std::io::stdin()
                .read_to_string(&mut password)
                .context("reading the password from stdin")?;
            let password = password.trim_end_matches(['\n', '\r']);
            if let Some(problem) = tapedeck_api::password_problem(password) {
                bail!("{problem}");
            }
            let hash = tapedeck_api::hash_password(password)?;
            let org = organization(meta.as_ref(), &org).await?;
            let user = meta
                .create_user(email.trim(), &hash, now_ms())
                .await
                .context("creating the user")?;
            meta.set_membership(&user.id, &org.id, &role, now_ms())
                .await?;
            println!("Created user {} ({role} of \"{}\")", user.email, org.name);
            println!("{}", user.id);
        }
        AdminCommand::CreateProject {
            org,
            name,
            allowed_origins,
            region,
        } => {
            config.check_region(&region)?;
            let org = organization(meta.as_ref(), &org).await?;
            let project = NewProject {
                organization_id: org.id.clone(),
                name,
                ingest_key: new_ingest_key(),
                allowed_origins,
                region,
            };
            let project = meta
                .create_project(&project, now_ms())
                .await
                .context("creating the project")?;
            println!(
                "Created project \"{}\" in \"{}\" (storage region {}). Ingest key:",
                project.name, org.name, project.region
            );
            println!("{}", project.ingest_key);
        }
        AdminCommand::EraseEndUser { org, user_id } => {
            let org = meta
                .organization_by_name(&org)
                .await?
                .with_context(|| format!("no organization named {org:?}"))?;
            let (_, recordings) = open_stores(config).await?;
            let sessions = meta.end_user_sessions(&org.id, &user_id).await?;
            let mut erased_ids = Vec::new();
            for (i, session) in sessions.iter().enumerate() {
                eprintln!(
                    "erasing session {} ({}/{})",
                    session.id,
                    i + 1,
                    sessions.len()
                );
                if erase_session(meta.as_ref(), &recordings, session)
                    .await?
                    .rows_deleted
                {
                    erased_ids.push(session.id.clone());
                }
            }
            meta.append_audit(&AuditEntry {
                id: tapedeck_core::ids::new_id(),
                organization_id: Some(org.id.clone()),
                at_ms: now_ms(),
                actor: "cli".into(),
                action: "end_user.erase".into(),
                target: format!("end_user:{user_id}"),
                ip: None,
                details: serde_json::json!({ "sessions": erased_ids }),
            })
            .await?;
            println!(
                "Erased {} session(s) of end user {user_id:?} in \"{}\".",
                erased_ids.len(),
                org.name
            );
        }
        AdminCommand::ExportEndUser {
            org,
            user_id,
            output,
        } => {
            crate::end_user_cmd::export_end_user(config, &org, &user_id, &output).await?;
        }
        AdminCommand::RotateKey {
            new_key_file,
            generate,
        } => {
            let old = keys::master_key(config)?;
            let new = if generate {
                MasterKey::create_file(&new_key_file)?
            } else {
                MasterKey::load_file(&new_key_file)?
            };
            if new.id() == old.id() {
                bail!(
                    "the new key is the key in use ({}): nothing to rotate",
                    old.id()
                );
            }
            let count = rotate_master_key(meta.as_ref(), &old, &new).await?;
            println!(
                "Re-wrapped {count} data key(s) from master key {} to {}.",
                old.id(),
                new.id()
            );
            println!(
                "Now set encryption_key_file = {:?} (or TAPEDECK_ENCRYPTION_KEY) on every node and restart.",
                new_key_file.display()
            );
        }
    }
    Ok(())
}

async fn organization(meta: &dyn MetaStore, name: &str) -> anyhow::Result<Organization> {
    match meta.organization_by_name(name).await? {
        Some(org) => Ok(org),
        None => Ok(meta.create_organization(name, now_ms()).await?),
    }
}
