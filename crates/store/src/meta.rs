//! The MetaStore trait and the records it reads and writes. Times are epoch milliseconds.

use async_trait::async_trait;
use tapedeck_core::project_settings::{ProjectSettings, ProjectSettingsPatch};
use tapedeck_core::saved_views::ViewPatch;
use tapedeck_core::search::{SessionFilter, SessionSort, SortOrder};
use tapedeck_core::session_tags::TagChange;
use tapedeck_core::timeline::{ActiveSpan, StoredEntry};
use tapedeck_core::{BatchFacts, BatchMeta, SessionSummary};

use crate::StoreError;
use crate::annotations::{NewLink, NewSavedView, SavedView, SessionLink, TagUpdate};
use crate::api_keys::{ApiKey, NewApiKey};
use crate::compaction_meta::{CompactionSwap, Job, RecordingRecord};
use crate::ingest_keys::{IngestKey, LiveIngestKey, NewIngestKey, RetireOutcome};
use crate::members::{
    AcceptedInvitation, Invitation, InvitationDetails, Invitee, Member, MembershipChange,
    NewInvitation,
};
use crate::session_search::SessionListItem;

pub type Result<T> = std::result::Result<T, StoreError>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organization {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    pub id: String,
    pub organization_id: String,
    pub name: String,
    pub ingest_key: String,
    /// Origins allowed to post recordings; empty means every origin.
    pub allowed_origins: Vec<String>,
    /// The storage region its recording bytes live in (fixed at creation: data residency).
    pub region: String,
}

/// A project with its privacy and recording settings (`settings.allowed_origins` equals
/// `project.allowed_origins`).
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectWithSettings {
    pub project: Project,
    pub settings: ProjectSettings,
}

/// What `create_project` needs; the ingest key is chosen by the caller.
#[derive(Debug, Clone)]
pub struct NewProject {
    pub organization_id: String,
    pub name: String,
    pub ingest_key: String,
    pub allowed_origins: Vec<String>,
    /// The storage region (`regions::DEFAULT_REGION` unless the project is pinned elsewhere).
    pub region: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: String,
    pub email: String,
}

/// A user with the password hash, for login checks only.
#[derive(Debug, Clone)]
pub struct UserCredentials {
    pub user: User,
    pub password_hash: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub organization: Organization,
    pub role: String,
}

/// One acknowledged ingest batch, already written to the blob store.
#[derive(Debug, Clone)]
pub struct NewSegment {
    pub project: Project,
    pub session_id: String,
    pub window_id: String,
    pub seq: u32,
    pub blob_key: String,
    pub size_bytes: i64,
    pub received_at_ms: i64,
}

/// The result of storing a segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SegmentOutcome {
    Stored,
    /// The same (session, window, seq) was stored before; nothing changed.
    Duplicate,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SessionRecord {
    pub id: String,
    pub project_id: String,
    pub organization_id: String,
    pub summary: SessionSummary,
    pub status: String,
    pub storage_url: String,
    pub storage_size_bytes: i64,
    pub metadata: serde_json::Value,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentRecord {
    pub window_id: String,
    pub seq: u32,
    pub blob_key: String,
    pub size_bytes: i64,
    pub first_ts_ms: i64,
    pub last_ts_ms: i64,
}

/// A page of the sessions list (`session_search.rs` builds its SQL): the sessions of
/// `organization_ids` that match `filter`, by `sort` in `order` with the id as tie-break,
/// after the keyset position `after` (the last seen sort key — duration in milliseconds — and
/// id). The default is the newest first.
#[derive(Debug, Clone, Default)]
pub struct SessionQuery {
    pub organization_ids: Vec<String>,
    pub filter: SessionFilter,
    pub sort: SessionSort,
    pub order: SortOrder,
    pub after: Option<(i64, String)>,
    pub limit: u32,
}

/// An organization's data key as stored: wrapped by the master key (see `vault`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrappedDataKey {
    /// Hex id, written into every part sealed with the key.
    pub id: String,
    pub organization_id: String,
    pub wrapped_key: Vec<u8>,
    pub master_key_id: String,
}

/// One audit log entry. The log is append-only: no method changes or removes entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: String,
    /// `None` for instance-wide actions.
    pub organization_id: Option<String>,
    pub at_ms: i64,
    /// Who: `user:<id>`, `api_key:<id>`, `system:<job>`, `cli`.
    pub actor: String,
    /// What: `session.view`, `session.export`, `session.delete`, `end_user.erase`, …
    pub action: String,
    /// On what: `session:<id>`, `end_user:<project>/<id>`, …
    pub target: String,
    pub ip: Option<String>,
    pub details: serde_json::Value,
}

/// A note on a session at a moment of its replay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub id: String,
    pub session_id: String,
    /// Player clock: milliseconds since the session's first event.
    pub at_ms: i64,
    pub text: String,
    /// `None` once the author's account is gone.
    pub author: Option<User>,
    pub created_at_ms: i64,
}

/// What `create_note` stores; the id is chosen by the caller.
#[derive(Debug, Clone)]
pub struct NewNote {
    pub id: String,
    pub session_id: String,
    pub author_id: String,
    pub at_ms: i64,
    pub text: String,
    pub created_at_ms: i64,
}

/// A page of the audit log, newest (highest id) first. Every filter set narrows it (AND).
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub organization_ids: Vec<String>,
    /// This action exactly, e.g. `session.view`.
    pub action: Option<String>,
    /// Actions starting with this text, e.g. `session.` (the API's `action=session.*`).
    pub action_prefix: Option<String>,
    /// This actor exactly, e.g. `user:<id>`.
    pub actor: Option<String>,
    /// This target exactly, e.g. `session:<id>`.
    pub target: Option<String>,
    /// Epoch ms: `from_ms` ≤ at < `to_ms`.
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
    /// Entries strictly older than this id (keyset cursor).
    pub before_id: Option<String>,
    pub limit: u32,
}

/// The smallest text greater than every text starting with `prefix` (its last character
/// incremented), so a prefix match is the index-friendly range `prefix ≤ x < upper`. Both engines
/// compare audit texts bytewise (SQLite BINARY, PostgreSQL `COLLATE "C"`), and UTF-8 byte order is
/// code point order. `None` when nothing bounds it (an empty prefix).
pub(crate) fn prefix_upper_bound(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        // The next scalar value; the surrogate gap and char::MAX are stepped over or carried.
        let next = (last as u32 + 1..=char::MAX as u32).find_map(char::from_u32);
        if let Some(next) = next {
            chars.push(next);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

/// Metadata storage. Every backend passes the same conformance suite (`tests/conformance.rs`).
#[async_trait]
pub trait MetaStore: Send + Sync {
    /// Applies pending migrations.
    async fn migrate(&self) -> Result<()>;
    /// Checks the database answers.
    async fn ping(&self) -> Result<()>;

    async fn create_organization(&self, name: &str, now_ms: i64) -> Result<Organization>;
    async fn organization_by_name(&self, name: &str) -> Result<Option<Organization>>;
    async fn count_organizations(&self) -> Result<i64>;
    /// Creates a project with `ingest_key` as its first (primary) ingest key; `Conflict` when
    /// the organization has a project of that name.
    async fn create_project(&self, project: &NewProject, now_ms: i64) -> Result<Project>;
    async fn project_by_id(&self, id: &str) -> Result<Option<Project>>;
    /// The ingest key `key` with its project, when the key is live at `now_ms` (not retired, or
    /// retiring later).
    async fn project_by_ingest_key(&self, key: &str, now_ms: i64) -> Result<Option<LiveIngestKey>>;
    /// A project's ingest keys, retired ones too, newest first.
    async fn ingest_keys(&self, project_id: &str) -> Result<Vec<IngestKey>>;
    /// Makes `new` the project's primary key in one transaction: every other key still live at
    /// `retire_at_ms` retires then (a key retiring sooner keeps its time). The new key takes the
    /// old primary's rate limit. `NotFound` when there is no such project.
    async fn rotate_ingest_key(
        &self,
        project_id: &str,
        new: &NewIngestKey,
        retire_at_ms: i64,
    ) -> Result<IngestKey>;
    /// Sets a key's own rate limit (`None`: the server's default); `NotFound` when the project
    /// has no such key.
    async fn set_ingest_key_rate_limit(
        &self,
        project_id: &str,
        key_id: &str,
        rate_limit_per_minute: Option<u32>,
    ) -> Result<IngestKey>;
    /// Retires a key at `now_ms`; the primary key is refused. `NotFound` when the project has no
    /// such key.
    async fn retire_ingest_key(
        &self,
        project_id: &str,
        key_id: &str,
        now_ms: i64,
    ) -> Result<RetireOutcome>;
    /// The projects of these organizations with their settings, by organization id then name.
    async fn list_projects(&self, organization_ids: &[String]) -> Result<Vec<ProjectWithSettings>>;
    /// A project's settings; `None` when there is no such project.
    async fn project_settings(&self, project_id: &str) -> Result<Option<ProjectSettings>>;
    /// Applies a validated patch to a project's settings in one transaction, so concurrent
    /// patches of different fields all land, and returns the new settings. Keys of the stored
    /// settings JSON this version does not know are kept. `NotFound` when there is no such
    /// project.
    async fn update_project_settings(
        &self,
        project_id: &str,
        patch: &ProjectSettingsPatch,
    ) -> Result<ProjectSettings>;
    async fn get_setting(&self, key: &str) -> Result<Option<String>>;
    async fn set_setting(&self, key: &str, value: &str) -> Result<()>;

    /// Creates a user; `Conflict` when the email is taken (case-insensitively).
    async fn create_user(&self, email: &str, password_hash: &str, now_ms: i64) -> Result<User>;
    async fn user_credentials(&self, email: &str) -> Result<Option<UserCredentials>>;
    async fn count_users(&self) -> Result<i64>;
    /// Adds or updates the user's role in an organization.
    async fn set_membership(
        &self,
        user_id: &str,
        organization_id: &str,
        role: &str,
        now_ms: i64,
    ) -> Result<()>;
    async fn memberships(&self, user_id: &str) -> Result<Vec<Membership>>;

    async fn create_setup_token(
        &self,
        token_hash: &str,
        organization_id: &str,
        role: &str,
        expires_at_ms: i64,
    ) -> Result<()>;
    /// Atomically uses a valid setup token to create a user with the token's role. Returns
    /// `None` when the token is unknown, used or expired (and then nothing changes).
    async fn redeem_setup_token(
        &self,
        token_hash: &str,
        email: &str,
        password_hash: &str,
        now_ms: i64,
    ) -> Result<Option<User>>;

    async fn create_login(
        &self,
        token_hash: &str,
        user_id: &str,
        now_ms: i64,
        expires_at_ms: i64,
    ) -> Result<()>;
    async fn user_by_login(&self, token_hash: &str, now_ms: i64) -> Result<Option<User>>;
    async fn delete_login(&self, token_hash: &str) -> Result<()>;

    /// Records an ingest batch whose blob is durable, and folds its facts into the session, in
    /// one transaction. A batch stored before returns `Duplicate` and changes nothing.
    async fn store_segment(
        &self,
        segment: &NewSegment,
        facts: &BatchFacts,
        meta: &BatchMeta,
    ) -> Result<SegmentOutcome>;
    /// Returns true when this (session, window, seq) batch is stored already.
    async fn segment_exists(&self, session_id: &str, window_id: &str, seq: u32) -> Result<bool>;
    async fn session(&self, id: &str) -> Result<Option<SessionRecord>>;
    /// A page of the sessions list, with each session's counters, experiments and links.
    async fn list_sessions(&self, query: &SessionQuery) -> Result<Vec<SessionListItem>>;
    /// A session's segments ordered by window (first recorded first), then seq.
    async fn segments(&self, session_id: &str) -> Result<Vec<SegmentRecord>>;
    /// Every project with its settings (retention sweeps them all).
    async fn all_projects(&self) -> Result<Vec<ProjectWithSettings>>;
    /// Ids of the project's sessions, no longer recording, whose last batch arrived before
    /// `ingested_before_ms` (server time: a recorder's clock cannot make a session expire early
    /// or never); oldest first, at most `limit`.
    async fn sessions_last_ingested_before(
        &self,
        project_id: &str,
        ingested_before_ms: i64,
        limit: u32,
    ) -> Result<Vec<String>>;
    /// The sessions of one end user (by the id the SDK's `identify` gave) in an organization.
    async fn end_user_sessions(
        &self,
        organization_id: &str,
        user_id: &str,
    ) -> Result<Vec<SessionRecord>>;
    /// The earliest `limit` timeline entries of a session (of one window when `window_id` is
    /// given), by time then id. Rows stored before entries had a window match no window.
    async fn timeline_entries(
        &self,
        session_id: &str,
        window_id: Option<&str>,
        limit: u32,
    ) -> Result<Vec<StoredEntry>>;
    /// The activity spans of a session's batches (of one window's when given); `None` when
    /// no batch of it has an activity row (stored before activity was extracted).
    async fn activity(
        &self,
        session_id: &str,
        window_id: Option<&str>,
    ) -> Result<Option<Vec<ActiveSpan>>>;
    /// Adds a note; `NotFound` when the session is gone.
    async fn create_note(&self, note: &NewNote) -> Result<Note>;
    /// A session's notes by `at_ms`, then creation, then id.
    async fn notes(&self, session_id: &str) -> Result<Vec<Note>>;
    async fn note(&self, session_id: &str, note_id: &str) -> Result<Option<Note>>;
    /// Deletes a note of the session; false when there was none.
    async fn delete_note(&self, session_id: &str, note_id: &str) -> Result<bool>;

    /// Deletes a session's rows (segments, searchable events, notes, recordings with it); returns
    /// false when there was no such session. Its blobs are the caller's to delete first.
    async fn delete_session(&self, id: &str) -> Result<bool>;

    /// The organization's data key, if it has one.
    async fn data_key(&self, organization_id: &str) -> Result<Option<WrappedDataKey>>;
    /// Stores `key` unless the organization has a data key already; returns the one stored.
    async fn insert_data_key_if_absent(&self, key: &WrappedDataKey) -> Result<WrappedDataKey>;
    async fn all_data_keys(&self) -> Result<Vec<WrappedDataKey>>;
    /// Replaces the wrapping of these keys (by id) in one transaction (master key rotation).
    async fn replace_wrapped_keys(&self, keys: &[WrappedDataKey]) -> Result<()>;

    /// Appends to the audit log.
    async fn append_audit(&self, entry: &AuditEntry) -> Result<()>;
    async fn audit_entries(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>>;
    /// The users with these ids that still exist, in no particular order (the audit log names
    /// its `user:` actors by email).
    async fn users_by_ids(&self, ids: &[String]) -> Result<Vec<User>>;

    /// Marks `recording` sessions with no batch since `idle_before_ms` as `ready` and enqueues a
    /// `compact` job for each, in one transaction; returns how many.
    async fn mark_idle_sessions(&self, idle_before_ms: i64, now_ms: i64) -> Result<u64>;

    // Compaction (format v1) and background jobs: `compaction_meta.rs` has the records.

    /// A session's compacted windows (their recordings), in no particular order.
    async fn recordings(&self, session_id: &str) -> Result<Vec<RecordingRecord>>;
    /// Commits a compaction in one transaction: upserts each window's recording, marks the
    /// folded segments compacted, and sets the session's stored size. Returns the blob keys no
    /// longer referenced (the replaced recordings, the compacted segments), for the caller to
    /// delete after the commit. `Conflict` (and no change) when a window's generation is not the
    /// one the compaction read; `NotFound` when the session is gone.
    async fn replace_segments_with_recording(&self, swap: &CompactionSwap) -> Result<Vec<String>>;
    /// Enqueues a job unless one of this kind and target is waiting (not claimed, not done);
    /// returns whether it was enqueued.
    async fn enqueue_job(
        &self,
        kind: &str,
        target: &str,
        run_after_ms: i64,
        now_ms: i64,
    ) -> Result<bool>;
    /// Claims the oldest due job of these kinds that is waiting or whose lease expired, for
    /// `lease_ms`: no other worker gets it until then.
    async fn claim_job(
        &self,
        kinds: &[&str],
        worker_id: &str,
        now_ms: i64,
        lease_ms: i64,
    ) -> Result<Option<Job>>;
    /// Marks a job this worker holds done; false when it holds it no longer (lease lost).
    async fn complete_job(&self, id: i64, worker_id: &str, now_ms: i64) -> Result<bool>;
    /// Deletes the jobs done (completed or given up) before `done_before_ms`; returns how many.
    /// Waiting and claimed jobs stay.
    async fn delete_done_jobs(&self, done_before_ms: i64) -> Result<u64>;
    /// Records a failure of a job this worker holds: it runs again from `retry_at_ms`, or never
    /// (`None`: it is done, with the error kept). False when the worker holds it no longer.
    async fn fail_job(
        &self,
        id: i64,
        worker_id: &str,
        error: &str,
        retry_at_ms: Option<i64>,
        now_ms: i64,
    ) -> Result<bool>;
    /// Counts the queued and claimed jobs and the recording sessions, in one cheap query, for
    /// `/metrics` (a lease that ran out by `now_ms` counts as queued).
    async fn operational_counts(
        &self,
        now_ms: i64,
    ) -> Result<crate::compaction_meta::OperationalCounts>;

    // Tags, links and saved views (issue 7): `annotations.rs` has the records.

    /// Applies a tag change to each of these sessions that is in one of `organization_ids`, in
    /// one transaction that ingest's writes of those sessions queue behind (the tag filter and
    /// text index follow `sessions.tags` by trigger); sessions not found there are skipped.
    /// `TooManyTags` (and no change at all) when a session would end up over the limit.
    async fn update_session_tags(
        &self,
        organization_ids: &[String],
        session_ids: &[String],
        change: &TagChange,
        now_ms: i64,
    ) -> Result<TagUpdate>;
    /// A session's links, oldest first.
    async fn list_links(&self, session_id: &str) -> Result<Vec<SessionLink>>;
    /// Adds a link, or returns the one with the same (session, kind, ref) — given a `url`, it
    /// takes that url. True when the link is new. `NotFound` when the session is gone.
    async fn add_link(&self, link: &NewLink) -> Result<(SessionLink, bool)>;
    /// Deletes a link of the session and returns it; `None` when there was none.
    async fn delete_link(&self, session_id: &str, link_id: &str) -> Result<Option<SessionLink>>;
    /// The views `user_id` may see in these organizations: their own and the shared ones, by
    /// name then id.
    async fn saved_views(
        &self,
        user_id: &str,
        organization_ids: &[String],
    ) -> Result<Vec<SavedView>>;
    async fn saved_view(&self, id: &str) -> Result<Option<SavedView>>;
    /// Stores a new view; `Conflict` when its author has a view of that name in the
    /// organization.
    async fn create_saved_view(&self, view: &NewSavedView) -> Result<SavedView>;
    /// Applies a checked patch; `NotFound` when the view is gone, `Conflict` when the new name
    /// is taken.
    async fn update_saved_view(
        &self,
        id: &str,
        patch: &ViewPatch,
        now_ms: i64,
    ) -> Result<SavedView>;
    /// Deletes a view; false when there was none.
    async fn delete_saved_view(&self, id: &str) -> Result<bool>;

    // API keys (issue 8): `api_keys.rs` has the records.

    /// Stores a new key; `Conflict` when its hash is taken.
    async fn create_api_key(&self, key: &NewApiKey) -> Result<ApiKey>;
    /// The keys of these organizations, revoked ones too, newest first.
    async fn api_keys(&self, organization_ids: &[String]) -> Result<Vec<ApiKey>>;
    async fn api_key(&self, id: &str) -> Result<Option<ApiKey>>;
    /// The unrevoked key whose secret hashes to `hash`.
    async fn live_api_key_by_hash(&self, hash: &str) -> Result<Option<ApiKey>>;
    /// Revokes a key; true when this call revoked it (false: unknown or revoked before), so
    /// concurrent revocations are audited once.
    async fn revoke_api_key(&self, id: &str, now_ms: i64) -> Result<bool>;
    /// Sets a key's `last_used_at` to `now_ms` unless it was set less than `resolution_ms`
    /// before; true when it wrote.
    async fn record_api_key_use(&self, id: &str, now_ms: i64, resolution_ms: i64) -> Result<bool>;

    // Members, invitations, password resets, login throttling (issue 8): `members.rs` has the
    // records.

    /// The members of an organization, by email.
    async fn members(&self, organization_id: &str) -> Result<Vec<Member>>;
    /// Moves a member whose role is `expected_role` (what the caller authorized against) to
    /// `role`, in one transaction that refuses to leave the organization without an owner.
    async fn change_member_role(
        &self,
        organization_id: &str,
        user_id: &str,
        expected_role: &str,
        role: &str,
    ) -> Result<MembershipChange>;
    /// Removes a member whose role is `expected_role`, in one transaction that refuses to leave
    /// the organization without an owner.
    async fn remove_member(
        &self,
        organization_id: &str,
        user_id: &str,
        expected_role: &str,
    ) -> Result<MembershipChange>;
    /// Stores an invitation and revokes the pending ones for the same email and organization;
    /// `Conflict` when a user with that email is a member already.
    async fn create_invitation(&self, invitation: &NewInvitation) -> Result<Invitation>;
    /// The organization's invitations neither used, revoked nor expired at `now_ms`, newest
    /// first.
    async fn pending_invitations(
        &self,
        organization_id: &str,
        now_ms: i64,
    ) -> Result<Vec<Invitation>>;
    /// One invitation, if it is pending at `now_ms`.
    async fn pending_invitation(&self, id: &str, now_ms: i64) -> Result<Option<Invitation>>;
    /// Revokes a pending invitation; true when this call revoked it.
    async fn revoke_invitation(&self, id: &str, now_ms: i64) -> Result<bool>;
    /// The invitation a token opens, when it is pending at `now_ms`, with its organization and
    /// whether its email has an account.
    async fn invitation_by_token(
        &self,
        token_hash: &str,
        now_ms: i64,
    ) -> Result<Option<InvitationDetails>>;
    /// Atomically uses a pending invitation: marks it used, creates the account (`Conflict` when
    /// the email has one) or checks the existing one has the invited email, and adds the
    /// membership (a member already keeps their role). `None` when the token is not valid or the
    /// account not the invited one, and then nothing changes.
    async fn redeem_invitation(
        &self,
        token_hash: &str,
        invitee: &Invitee,
        now_ms: i64,
    ) -> Result<Option<AcceptedInvitation>>;
    /// Stores a one-time reset link for a user, replacing their earlier unused ones.
    async fn create_password_reset(
        &self,
        token_hash: &str,
        user_id: &str,
        created_by: &str,
        now_ms: i64,
        expires_at_ms: i64,
    ) -> Result<()>;
    /// Atomically uses a valid reset link: marks it used, sets the password and ends all the
    /// user's logins. `None` when the token is unknown, used or expired.
    async fn redeem_password_reset(
        &self,
        token_hash: &str,
        password_hash: &str,
        now_ms: i64,
    ) -> Result<Option<User>>;
    /// Sets a user's password and, in the same transaction, ends all their logins but
    /// `keep_login_hash` and drops their unused reset links. `None` when there is no such user.
    async fn set_password(
        &self,
        user_id: &str,
        password_hash: &str,
        keep_login_hash: Option<&str>,
    ) -> Result<Option<User>>;
    /// Records a failed login under each throttling key (`email:…`, `ip:…`) and prunes every
    /// failure older than `prune_before_ms`.
    async fn record_login_failure(
        &self,
        keys: &[String],
        at_ms: i64,
        prune_before_ms: i64,
    ) -> Result<()>;
    /// The times of a key's failures after `since_ms`, newest first, at most `limit`.
    async fn recent_login_failures(&self, key: &str, since_ms: i64, limit: u32)
    -> Result<Vec<i64>>;
    /// Forgets a key's failures (a successful login clears its email's).
    async fn clear_login_failures(&self, key: &str) -> Result<()>;
}

#[cfg(test)]
mod tests {
    use super::prefix_upper_bound;

    #[test]
    fn a_prefix_is_bounded_by_its_last_character_incremented() {
        assert_eq!(prefix_upper_bound("session.").as_deref(), Some("session/"));
        assert_eq!(prefix_upper_bound("a").as_deref(), Some("b"));
        assert_eq!(prefix_upper_bound(""), None);
        // The surrogate gap is stepped over; the last scalar value carries into the one before.
        assert_eq!(
            prefix_upper_bound("x\u{d7ff}").as_deref(),
            Some("x\u{e000}")
        );
        assert_eq!(prefix_upper_bound("x\u{10ffff}").as_deref(), Some("y"));
        assert_eq!(prefix_upper_bound("\u{10ffff}"), None);
        // Every text with the prefix sorts below the bound, bytewise as both engines compare.
        for text in ["session.", "session.view", "session.\u{10ffff}"] {
            assert!(text < "session/", "{text:?}");
        }
    }
}
