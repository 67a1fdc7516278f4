//! First run on an empty database: a default organization and project (which the `/demo` page
//! records into), and a one-time setup link for the first owner, all printed. While no user
//! exists, every start prints a fresh setup link, so a lost terminal never locks anyone out.

use tapedeck_api::{Clock, DEMO_PROJECT_SETTING, SystemClock, hash_token, new_secret};
use tapedeck_store::{MetaStore, NewProject, StoreError};

pub const DEFAULT_ORGANIZATION: &str = "Default";
const DEFAULT_PROJECT: &str = "Default";
/// How long a setup link stays valid.
const SETUP_LINK_TTL_MS: i64 = 7 * 24 * 3600 * 1000;

/// The wall clock in epoch milliseconds, as the server's request handlers read it.
pub fn now_ms() -> i64 {
    SystemClock.now_ms()
}

/// Returns a new project ingest key (the shape the API's rotation gives too).
pub fn new_ingest_key() -> String {
    use tapedeck_core::ingest_keys::{KEY_PREFIX, KEY_RANDOM_BYTES};
    format!("{KEY_PREFIX}{}", new_secret(KEY_RANDOM_BYTES))
}

#[allow(
    clippy::print_stdout,
    reason = "first-run instructions are for the person who ran the command"
)]
pub async fn first_run(meta: &dyn MetaStore, public_url: &str) -> anyhow::Result<()> {
    let now = now_ms();
    if meta.count_organizations().await? == 0 {
        let org = match meta.create_organization(DEFAULT_ORGANIZATION, now).await {
            Ok(org) => org,
            // Another node of the same database is bootstrapping at this very moment; the
            // organization name is unique, so it won and does the rest.
            Err(StoreError::Conflict(_)) => return Ok(()),
            Err(e) => return Err(e.into()),
        };
        let project = NewProject {
            organization_id: org.id.clone(),
            name: DEFAULT_PROJECT.into(),
            ingest_key: new_ingest_key(),
            allowed_origins: Vec::new(),
            region: tapedeck_store::DEFAULT_REGION.into(),
        };
        let project = meta.create_project(&project, now).await?;
        meta.set_setting(DEMO_PROJECT_SETTING, &project.id).await?;
        tracing::info!(organization.id = %org.id, project.id = %project.id, "created the default organization and project");
        println!(
            "First run: created organization \"{DEFAULT_ORGANIZATION}\" and project \"{DEFAULT_PROJECT}\"."
        );
        println!(
            "  Ingest key of project \"{DEFAULT_PROJECT}\": {}",
            project.ingest_key
        );
        println!(
            "  Record a site with: <script src=\"{public_url}/sdk/tapedeck.js\" data-project=\"{}\" async></script>",
            project.ingest_key
        );
    }
    if meta.count_users().await? == 0 {
        let Some(org) = meta.organization_by_name(DEFAULT_ORGANIZATION).await? else {
            return Ok(());
        };
        let token = new_secret(24);
        meta.create_setup_token(
            &hash_token(&token),
            &org.id,
            "owner",
            now + SETUP_LINK_TTL_MS,
        )
        .await?;
        println!(
            "No account exists yet. Create the first owner account (link valid 7 days, once):"
        );
        println!("  {public_url}/setup?token={token}");
    }
    Ok(())
}
