//! The SQLite MetaStore: the embedded default. WAL mode with `synchronous=FULL`, so a committed
//! batch survives a crash or power loss; writers take `BEGIN IMMEDIATE` so concurrent writers
//! (ingest, the admin CLI in another process) queue on the busy timeout instead of failing.

mod accounts;
mod api_keys;
mod compaction;
mod erasure;
mod group_commit;
mod ingest_keys;
mod jobs;
mod keys_audit;
mod links;
mod members;
mod projects;
mod search;
mod sessions;
mod tags;
mod timeline;
mod views;

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use tapedeck_core::project_settings::{ProjectSettings, ProjectSettingsPatch};
use tapedeck_core::saved_views::ViewPatch;
use tapedeck_core::session_tags::TagChange;
use tapedeck_core::timeline::{ActiveSpan, StoredEntry};
use tapedeck_core::{BatchFacts, BatchMeta};

use crate::annotations::{NewLink, NewSavedView, SavedView, SessionLink, TagUpdate};
use crate::api_keys::{ApiKey, NewApiKey};
use crate::compaction_meta::{CompactionSwap, Job, RecordingRecord};
use crate::ingest_keys::{IngestKey, LiveIngestKey, NewIngestKey, RetireOutcome};
use crate::members::{
    AcceptedInvitation, Invitation, InvitationDetails, Invitee, Member, MembershipChange,
    NewInvitation,
};
use crate::meta::*;
use crate::session_search::SessionListItem;

/// How long a writer waits for another writer (possibly another process) before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(15);
const MAX_CONNECTIONS: u32 = 8;

pub struct SqliteMetaStore {
    pool: SqlitePool,
    /// Ingest batches are written in groups, one transaction and one sync per group.
    segments: group_commit::GroupCommitter,
}

impl SqliteMetaStore {
    /// Connects to (and creates, if missing) the database at `sqlite://path`.
    pub async fn connect(url: &str) -> Result<Self> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(BUSY_TIMEOUT)
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .connect_with(options)
            .await?;
        let segments = group_commit::GroupCommitter::start(pool.clone());
        Ok(Self { pool, segments })
    }

    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }
}

#[async_trait]
impl MetaStore for SqliteMetaStore {
    async fn migrate(&self) -> Result<()> {
        sqlx::migrate!("./migrations/sqlite")
            .run(&self.pool)
            .await?;
        Ok(())
    }

    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn create_organization(&self, name: &str, now_ms: i64) -> Result<Organization> {
        accounts::create_organization(&self.pool, name, now_ms).await
    }
    async fn organization_by_name(&self, name: &str) -> Result<Option<Organization>> {
        accounts::organization_by_name(&self.pool, name).await
    }
    async fn count_organizations(&self) -> Result<i64> {
        accounts::count(&self.pool, "organizations").await
    }
    async fn create_project(&self, project: &NewProject, now_ms: i64) -> Result<Project> {
        let mut tx = self.begin_write().await?;
        let project = ingest_keys::create_project(&mut tx, project, now_ms).await?;
        tx.commit().await?;
        Ok(project)
    }
    async fn project_by_id(&self, id: &str) -> Result<Option<Project>> {
        accounts::project_where(&self.pool, "id", id).await
    }
    async fn project_by_ingest_key(&self, key: &str, now_ms: i64) -> Result<Option<LiveIngestKey>> {
        ingest_keys::live_key(&mut *self.pool.acquire().await?, key, now_ms).await
    }
    async fn ingest_keys(&self, project_id: &str) -> Result<Vec<IngestKey>> {
        ingest_keys::ingest_keys(&mut *self.pool.acquire().await?, project_id).await
    }
    async fn rotate_ingest_key(
        &self,
        project_id: &str,
        new: &NewIngestKey,
        retire_at_ms: i64,
    ) -> Result<IngestKey> {
        let mut tx = self.begin_write().await?;
        let key = ingest_keys::rotate(&mut tx, project_id, new, retire_at_ms).await?;
        tx.commit().await?;
        Ok(key)
    }
    async fn set_ingest_key_rate_limit(
        &self,
        project_id: &str,
        key_id: &str,
        rate_limit_per_minute: Option<u32>,
    ) -> Result<IngestKey> {
        ingest_keys::set_rate_limit(
            &mut *self.pool.acquire().await?,
            project_id,
            key_id,
            rate_limit_per_minute,
        )
        .await
    }
    async fn retire_ingest_key(
        &self,
        project_id: &str,
        key_id: &str,
        now_ms: i64,
    ) -> Result<RetireOutcome> {
        let mut tx = self.begin_write().await?;
        let outcome = ingest_keys::retire(&mut tx, project_id, key_id, now_ms).await?;
        tx.commit().await?;
        Ok(outcome)
    }
    async fn list_projects(&self, organization_ids: &[String]) -> Result<Vec<ProjectWithSettings>> {
        projects::list_projects(&self.pool, organization_ids).await
    }
    async fn project_settings(&self, project_id: &str) -> Result<Option<ProjectSettings>> {
        projects::project_settings(&mut *self.pool.acquire().await?, project_id).await
    }
    async fn update_project_settings(
        &self,
        project_id: &str,
        patch: &ProjectSettingsPatch,
    ) -> Result<ProjectSettings> {
        let mut tx = self.begin_write().await?;
        let settings = projects::update_project_settings(&mut tx, project_id, patch).await?;
        tx.commit().await?;
        Ok(settings)
    }
    async fn get_setting(&self, key: &str) -> Result<Option<String>> {
        accounts::get_setting(&self.pool, key).await
    }
    async fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        accounts::set_setting(&self.pool, key, value).await
    }

    async fn create_user(&self, email: &str, password_hash: &str, now_ms: i64) -> Result<User> {
        let mut tx = self.begin_write().await?;
        let user = accounts::insert_user(&mut tx, email, password_hash, now_ms).await?;
        tx.commit().await?;
        Ok(user)
    }
    async fn user_credentials(&self, email: &str) -> Result<Option<UserCredentials>> {
        accounts::user_credentials(&self.pool, email).await
    }
    async fn count_users(&self) -> Result<i64> {
        accounts::count(&self.pool, "users").await
    }
    async fn set_membership(
        &self,
        user_id: &str,
        organization_id: &str,
        role: &str,
        now_ms: i64,
    ) -> Result<()> {
        accounts::set_membership(&self.pool, user_id, organization_id, role, now_ms).await
    }
    async fn memberships(&self, user_id: &str) -> Result<Vec<Membership>> {
        accounts::memberships(&self.pool, user_id).await
    }

    async fn create_setup_token(
        &self,
        token_hash: &str,
        organization_id: &str,
        role: &str,
        expires_at_ms: i64,
    ) -> Result<()> {
        accounts::create_setup_token(&self.pool, token_hash, organization_id, role, expires_at_ms)
            .await
    }
    async fn redeem_setup_token(
        &self,
        token_hash: &str,
        email: &str,
        password_hash: &str,
        now_ms: i64,
    ) -> Result<Option<User>> {
        let mut tx = self.begin_write().await?;
        let redeemed =
            accounts::redeem_setup_token(&mut tx, token_hash, email, password_hash, now_ms).await?;
        if redeemed.is_some() {
            tx.commit().await?;
        }
        Ok(redeemed)
    }

    async fn create_login(
        &self,
        token_hash: &str,
        user_id: &str,
        now_ms: i64,
        expires_at_ms: i64,
    ) -> Result<()> {
        accounts::create_login(&self.pool, token_hash, user_id, now_ms, expires_at_ms).await
    }
    async fn user_by_login(&self, token_hash: &str, now_ms: i64) -> Result<Option<User>> {
        accounts::user_by_login(&self.pool, token_hash, now_ms).await
    }
    async fn delete_login(&self, token_hash: &str) -> Result<()> {
        accounts::delete_login(&self.pool, token_hash).await
    }

    async fn store_segment(
        &self,
        segment: &NewSegment,
        facts: &BatchFacts,
        meta: &BatchMeta,
    ) -> Result<SegmentOutcome> {
        self.segments.store(segment, facts, meta).await
    }
    async fn segment_exists(&self, session_id: &str, window_id: &str, seq: u32) -> Result<bool> {
        sessions::segment_exists(&mut *self.pool.acquire().await?, session_id, window_id, seq).await
    }
    async fn session(&self, id: &str) -> Result<Option<SessionRecord>> {
        sessions::session(&self.pool, id).await
    }
    async fn list_sessions(&self, query: &SessionQuery) -> Result<Vec<SessionListItem>> {
        search::list_sessions(&self.pool, query).await
    }
    async fn segments(&self, session_id: &str) -> Result<Vec<SegmentRecord>> {
        sessions::segments(&self.pool, session_id).await
    }
    async fn all_projects(&self) -> Result<Vec<ProjectWithSettings>> {
        erasure::all_projects(&self.pool).await
    }
    async fn sessions_last_ingested_before(
        &self,
        project_id: &str,
        ingested_before_ms: i64,
        limit: u32,
    ) -> Result<Vec<String>> {
        erasure::sessions_last_ingested_before(&self.pool, project_id, ingested_before_ms, limit)
            .await
    }
    async fn end_user_sessions(
        &self,
        organization_id: &str,
        user_id: &str,
    ) -> Result<Vec<SessionRecord>> {
        erasure::end_user_sessions(&self.pool, organization_id, user_id).await
    }
    async fn timeline_entries(
        &self,
        session_id: &str,
        window_id: Option<&str>,
        limit: u32,
    ) -> Result<Vec<StoredEntry>> {
        timeline::timeline_entries(&self.pool, session_id, window_id, limit).await
    }
    async fn activity(
        &self,
        session_id: &str,
        window_id: Option<&str>,
    ) -> Result<Option<Vec<ActiveSpan>>> {
        timeline::activity(&self.pool, session_id, window_id).await
    }
    async fn create_note(&self, note: &NewNote) -> Result<Note> {
        let mut tx = self.begin_write().await?;
        let note = timeline::create_note(&mut tx, note).await?;
        tx.commit().await?;
        Ok(note)
    }
    async fn notes(&self, session_id: &str) -> Result<Vec<Note>> {
        timeline::notes(&self.pool, session_id).await
    }
    async fn note(&self, session_id: &str, note_id: &str) -> Result<Option<Note>> {
        timeline::note(&self.pool, session_id, note_id).await
    }
    async fn delete_note(&self, session_id: &str, note_id: &str) -> Result<bool> {
        timeline::delete_note(&self.pool, session_id, note_id).await
    }
    async fn delete_session(&self, id: &str) -> Result<bool> {
        erasure::delete_session(&mut *self.pool.acquire().await?, id).await
    }
    async fn data_key(&self, organization_id: &str) -> Result<Option<WrappedDataKey>> {
        keys_audit::data_key(&self.pool, organization_id).await
    }
    async fn insert_data_key_if_absent(&self, key: &WrappedDataKey) -> Result<WrappedDataKey> {
        let now_ms = time::OffsetDateTime::now_utc().unix_timestamp() * 1000;
        keys_audit::insert_data_key_if_absent(&self.pool, key, now_ms).await
    }
    async fn all_data_keys(&self) -> Result<Vec<WrappedDataKey>> {
        keys_audit::all_data_keys(&self.pool).await
    }
    async fn replace_wrapped_keys(&self, keys: &[WrappedDataKey]) -> Result<()> {
        let mut tx = self.begin_write().await?;
        keys_audit::replace_wrapped_keys(&mut tx, keys).await?;
        tx.commit().await?;
        Ok(())
    }
    async fn append_audit(&self, entry: &AuditEntry) -> Result<()> {
        keys_audit::append_audit(&self.pool, entry).await
    }
    async fn audit_entries(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>> {
        keys_audit::audit_entries(&self.pool, query).await
    }
    async fn users_by_ids(&self, ids: &[String]) -> Result<Vec<User>> {
        keys_audit::users_by_ids(&self.pool, ids).await
    }

    async fn mark_idle_sessions(&self, idle_before_ms: i64, now_ms: i64) -> Result<u64> {
        let mut tx = self.begin_write().await?;
        let count = sessions::mark_idle_sessions(&mut tx, idle_before_ms, now_ms).await?;
        tx.commit().await?;
        Ok(count)
    }

    async fn recordings(&self, session_id: &str) -> Result<Vec<RecordingRecord>> {
        compaction::recordings(&self.pool, session_id).await
    }
    async fn replace_segments_with_recording(&self, swap: &CompactionSwap) -> Result<Vec<String>> {
        let mut tx = self.begin_write().await?;
        let unreferenced = compaction::replace_segments_with_recording(&mut tx, swap).await?;
        tx.commit().await?;
        Ok(unreferenced)
    }
    async fn enqueue_job(
        &self,
        kind: &str,
        target: &str,
        run_after_ms: i64,
        now_ms: i64,
    ) -> Result<bool> {
        jobs::enqueue_job(&self.pool, kind, target, run_after_ms, now_ms).await
    }
    async fn claim_job(
        &self,
        kinds: &[&str],
        worker_id: &str,
        now_ms: i64,
        lease_ms: i64,
    ) -> Result<Option<Job>> {
        let mut tx = self.begin_write().await?;
        let job = jobs::claim_job(&mut tx, kinds, worker_id, now_ms, lease_ms).await?;
        tx.commit().await?;
        Ok(job)
    }
    async fn complete_job(&self, id: i64, worker_id: &str, now_ms: i64) -> Result<bool> {
        jobs::complete_job(&self.pool, id, worker_id, now_ms).await
    }
    async fn delete_done_jobs(&self, done_before_ms: i64) -> Result<u64> {
        jobs::delete_done_jobs(&self.pool, done_before_ms).await
    }
    async fn operational_counts(
        &self,
        now_ms: i64,
    ) -> Result<crate::compaction_meta::OperationalCounts> {
        jobs::operational_counts(&self.pool, now_ms).await
    }
    async fn fail_job(
        &self,
        id: i64,
        worker_id: &str,
        error: &str,
        retry_at_ms: Option<i64>,
        now_ms: i64,
    ) -> Result<bool> {
        jobs::fail_job(&self.pool, id, worker_id, error, retry_at_ms, now_ms).await
    }

    async fn update_session_tags(
        &self,
        organization_ids: &[String],
        session_ids: &[String],
        change: &TagChange,
        now_ms: i64,
    ) -> Result<TagUpdate> {
        let mut tx = self.begin_write().await?;
        let update =
            tags::update_session_tags(&mut tx, organization_ids, session_ids, change, now_ms)
                .await?;
        if matches!(update, TagUpdate::Updated(_)) {
            tx.commit().await?;
        }
        Ok(update)
    }
    async fn list_links(&self, session_id: &str) -> Result<Vec<SessionLink>> {
        links::list_links(&self.pool, session_id).await
    }
    async fn add_link(&self, link: &NewLink) -> Result<(SessionLink, bool)> {
        let mut tx = self.begin_write().await?;
        let added = links::add_link(&mut tx, link).await?;
        tx.commit().await?;
        Ok(added)
    }
    async fn delete_link(&self, session_id: &str, link_id: &str) -> Result<Option<SessionLink>> {
        links::delete_link(&self.pool, session_id, link_id).await
    }
    async fn saved_views(
        &self,
        user_id: &str,
        organization_ids: &[String],
    ) -> Result<Vec<SavedView>> {
        views::saved_views(&self.pool, user_id, organization_ids).await
    }
    async fn saved_view(&self, id: &str) -> Result<Option<SavedView>> {
        views::saved_view(&mut *self.pool.acquire().await?, id).await
    }
    async fn create_saved_view(&self, view: &NewSavedView) -> Result<SavedView> {
        let mut tx = self.begin_write().await?;
        let view = views::create_saved_view(&mut tx, view).await?;
        tx.commit().await?;
        Ok(view)
    }
    async fn update_saved_view(
        &self,
        id: &str,
        patch: &ViewPatch,
        now_ms: i64,
    ) -> Result<SavedView> {
        let mut tx = self.begin_write().await?;
        let view = views::update_saved_view(&mut tx, id, patch, now_ms).await?;
        tx.commit().await?;
        Ok(view)
    }
    async fn delete_saved_view(&self, id: &str) -> Result<bool> {
        views::delete_saved_view(&self.pool, id).await
    }

    async fn create_api_key(&self, key: &NewApiKey) -> Result<ApiKey> {
        api_keys::create_api_key(&self.pool, key).await
    }
    async fn api_keys(&self, organization_ids: &[String]) -> Result<Vec<ApiKey>> {
        api_keys::api_keys(&self.pool, organization_ids).await
    }
    async fn api_key(&self, id: &str) -> Result<Option<ApiKey>> {
        api_keys::api_key_where(&self.pool, "k.id", id).await
    }
    async fn live_api_key_by_hash(&self, hash: &str) -> Result<Option<ApiKey>> {
        let key = api_keys::api_key_where(&self.pool, "k.hash", hash).await?;
        Ok(key.filter(|k| k.revoked_at_ms.is_none()))
    }
    async fn revoke_api_key(&self, id: &str, now_ms: i64) -> Result<bool> {
        api_keys::revoke_api_key(&self.pool, id, now_ms).await
    }
    async fn record_api_key_use(&self, id: &str, now_ms: i64, resolution_ms: i64) -> Result<bool> {
        api_keys::record_api_key_use(&self.pool, id, now_ms, resolution_ms).await
    }

    async fn members(&self, organization_id: &str) -> Result<Vec<Member>> {
        members::members(&self.pool, organization_id).await
    }
    async fn change_member_role(
        &self,
        organization_id: &str,
        user_id: &str,
        expected_role: &str,
        role: &str,
    ) -> Result<MembershipChange> {
        let mut tx = self.begin_write().await?;
        let change = members::change_membership(
            &mut tx,
            organization_id,
            user_id,
            expected_role,
            Some(role),
        )
        .await?;
        tx.commit().await?;
        Ok(change)
    }
    async fn remove_member(
        &self,
        organization_id: &str,
        user_id: &str,
        expected_role: &str,
    ) -> Result<MembershipChange> {
        let mut tx = self.begin_write().await?;
        let change =
            members::change_membership(&mut tx, organization_id, user_id, expected_role, None)
                .await?;
        tx.commit().await?;
        Ok(change)
    }
    async fn create_invitation(&self, invitation: &NewInvitation) -> Result<Invitation> {
        let mut tx = self.begin_write().await?;
        let created = members::create_invitation(&mut tx, invitation).await?;
        tx.commit().await?;
        Ok(created)
    }
    async fn pending_invitations(
        &self,
        organization_id: &str,
        now_ms: i64,
    ) -> Result<Vec<Invitation>> {
        members::pending_invitations(&self.pool, Some(organization_id), None, now_ms).await
    }
    async fn pending_invitation(&self, id: &str, now_ms: i64) -> Result<Option<Invitation>> {
        let found = members::pending_invitations(&self.pool, None, Some(id), now_ms).await?;
        Ok(found.into_iter().next())
    }
    async fn revoke_invitation(&self, id: &str, now_ms: i64) -> Result<bool> {
        members::revoke_invitation(&self.pool, id, now_ms).await
    }
    async fn invitation_by_token(
        &self,
        token_hash: &str,
        now_ms: i64,
    ) -> Result<Option<InvitationDetails>> {
        members::invitation_by_token(&self.pool, token_hash, now_ms).await
    }
    async fn redeem_invitation(
        &self,
        token_hash: &str,
        invitee: &Invitee,
        now_ms: i64,
    ) -> Result<Option<AcceptedInvitation>> {
        let mut tx = self.begin_write().await?;
        let accepted = members::redeem_invitation(&mut tx, token_hash, invitee, now_ms).await?;
        if accepted.is_some() {
            tx.commit().await?;
        }
        Ok(accepted)
    }
    async fn create_password_reset(
        &self,
        token_hash: &str,
        user_id: &str,
        created_by: &str,
        now_ms: i64,
        expires_at_ms: i64,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        members::create_password_reset(
            &mut tx,
            token_hash,
            user_id,
            created_by,
            now_ms,
            expires_at_ms,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
    async fn redeem_password_reset(
        &self,
        token_hash: &str,
        password_hash: &str,
        now_ms: i64,
    ) -> Result<Option<User>> {
        let mut tx = self.begin_write().await?;
        let user =
            members::redeem_password_reset(&mut tx, token_hash, password_hash, now_ms).await?;
        if user.is_some() {
            tx.commit().await?;
        }
        Ok(user)
    }
    async fn set_password(
        &self,
        user_id: &str,
        password_hash: &str,
        keep_login_hash: Option<&str>,
    ) -> Result<Option<User>> {
        let mut tx = self.begin_write().await?;
        let user = members::set_password(&mut tx, user_id, password_hash, keep_login_hash).await?;
        tx.commit().await?;
        Ok(user)
    }
    async fn record_login_failure(
        &self,
        keys: &[String],
        at_ms: i64,
        prune_before_ms: i64,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        members::record_login_failure(&mut tx, keys, at_ms, prune_before_ms).await?;
        tx.commit().await?;
        Ok(())
    }
    async fn recent_login_failures(
        &self,
        key: &str,
        since_ms: i64,
        limit: u32,
    ) -> Result<Vec<i64>> {
        members::recent_login_failures(&self.pool, key, since_ms, limit).await
    }
    async fn clear_login_failures(&self, key: &str) -> Result<()> {
        members::clear_login_failures(&self.pool, key).await
    }
}
