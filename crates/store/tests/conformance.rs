//! The MetaStore conformance suite. Every backend runs every case through `conformance_suite!`:
//! SQLite on a temp file per test, PostgreSQL on a fresh database per test (on the server
//! `TAPEDECK_TEST_POSTGRES_URL` names: run under `scripts/with-postgres.sh`; without it the
//! PostgreSQL cases skip, or fail when `CI` / `TAPEDECK_REQUIRE_POSTGRES` is set).
//! A new case is an `async fn(Fixture)` here (or in `conformance/`) plus its name in the list
//! at the bottom.

#[path = "conformance/api_keys.rs"]
mod api_keys;
#[path = "conformance/compaction.rs"]
mod compaction;
#[path = "conformance/engines.rs"]
mod engines;
#[path = "conformance/erasure.rs"]
mod erasure;
#[path = "conformance/ingest_keys.rs"]
mod ingest_keys;
#[path = "conformance/keys_audit.rs"]
mod keys_audit;
#[path = "conformance/links.rs"]
mod links;
#[path = "conformance/members.rs"]
mod members;
#[path = "conformance/search.rs"]
mod search;
#[path = "conformance/tags.rs"]
mod tags;
#[path = "conformance/timeline.rs"]
mod timeline;
#[path = "conformance/views.rs"]
mod views;
// The testkit's helper, included by path: depending on the testkit crate would build the API.
#[path = "../../testkit/src/postgres.rs"]
mod pg_database;

use std::sync::Arc;

use tapedeck_core::project_settings::{PrivacyLevel, ProjectSettings, ProjectSettingsPatch};
use tapedeck_core::{BatchFacts, BatchMeta, PageVisit};
use tapedeck_store::*;

use api_keys::{
    api_key_use_is_recorded_at_most_once_per_resolution, api_keys_are_found_by_hash_until_revoked,
};
use compaction::{
    concurrent_claims_take_each_job_once, done_jobs_are_deleted_by_when_they_finished,
    idle_sessions_enqueue_their_compaction, jobs_are_leased_retried_and_completed_by_their_holder,
    operational_counts_follow_the_queue_and_live_sessions,
    recordings_replace_the_segments_they_fold_in,
};
use engines::{
    a_refused_batch_among_concurrent_ones_fails_alone,
    concurrent_batches_of_one_session_on_two_stores_all_land,
    nul_characters_from_the_recorder_do_not_fail_a_batch, text_orders_bytewise,
};
use erasure::retention_and_erasure_find_and_delete_sessions;
use ingest_keys::{
    a_new_project_has_one_primary_key_and_names_are_unique,
    keys_retire_now_except_the_primary_and_limits_are_per_key,
    rotation_keeps_old_keys_live_through_the_grace_only,
};
use keys_audit::{
    audit_log_filters_by_actor_action_target_and_time,
    audit_log_pages_newest_first_per_organization,
    data_keys_are_one_per_organization_and_rewrapped_in_place, users_are_found_by_ids,
};
use links::links_are_added_once_listed_and_deleted;
use members::{
    an_invitation_redeemed_twice_at_once_is_used_once,
    invitations_replace_each_other_and_are_redeemed_once,
    login_failures_are_counted_per_key_within_the_window,
    members_change_roles_and_leave_but_the_last_owner_stays,
    password_resets_and_changes_end_logins, two_owners_demoting_each_other_at_once_leave_one,
};
use search::{
    every_filter_alone_and_combined_lists_its_sessions,
    every_sort_pages_by_keyset_in_both_orders_while_sessions_arrive,
    later_batches_keep_the_search_current,
};
use tags::{
    a_tag_change_past_the_limit_changes_no_session, concurrent_tag_changes_and_batches_lose_no_tag,
    tag_changes_reach_only_the_given_organizations,
};
use timeline::{
    deleting_a_session_takes_its_timeline_and_notes, notes_are_added_listed_and_deleted,
    timeline_entries_and_activity_are_stored_with_their_batch,
};
use views::{
    saved_views_are_patched_and_deleted, saved_views_are_private_or_shared_and_unique_per_author,
};

struct Fixture {
    store: Arc<dyn MetaStore>,
    /// The database the store is on, for opening a second store (another node, the CLI).
    url: String,
    _dir: Option<tempfile::TempDir>,
}

async fn open_sqlite() -> Option<Fixture> {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("meta.db").display());
    let store = open_meta_store(&url).await.unwrap();
    store.migrate().await.unwrap();
    Some(Fixture {
        store,
        url,
        _dir: Some(dir),
    })
}

async fn open_postgres() -> Option<Fixture> {
    let url = pg_database::fresh_database_url().await?;
    let store = open_meta_store(&url).await.unwrap();
    store.migrate().await.unwrap();
    Some(Fixture {
        store,
        url,
        _dir: None,
    })
}

async fn project(store: &dyn MetaStore, org: &str, key: &str) -> Project {
    let org = match store.organization_by_name(org).await.unwrap() {
        Some(org) => org,
        None => store.create_organization(org, 1).await.unwrap(),
    };
    let new = NewProject {
        organization_id: org.id,
        name: key.into(),
        ingest_key: key.into(),
        allowed_origins: vec!["https://a.test".into()],
        region: tapedeck_store::DEFAULT_REGION.into(),
    };
    store.create_project(&new, 1).await.unwrap()
}

fn segment(project: &Project, session: &str, window: &str, seq: u32) -> NewSegment {
    NewSegment {
        project: project.clone(),
        session_id: session.into(),
        window_id: window.into(),
        seq,
        blob_key: format!(
            "recordings/{}/{session}/{window}/{seq:010}.json.zst",
            project.id
        ),
        size_bytes: 100,
        received_at_ms: 5_000,
    }
}

fn facts(first: i64, last: i64, url: &str) -> BatchFacts {
    BatchFacts {
        first_ts_ms: first,
        last_ts_ms: last,
        event_count: 3,
        visits: vec![PageVisit {
            url: url.into(),
            at_ms: first,
        }],
        viewport: Some((800, 600)),
        timeline: Default::default(),
    }
}

async fn projects_and_settings(f: Fixture) {
    let store = f.store.as_ref();
    let p = project(store, "Org", "tdp_1").await;
    assert_eq!(
        store
            .project_by_ingest_key("tdp_1", 1)
            .await
            .unwrap()
            .map(|live| live.project),
        Some(p.clone())
    );
    assert_eq!(store.project_by_id(&p.id).await.unwrap(), Some(p.clone()));
    assert_eq!(store.project_by_ingest_key("nope", 1).await.unwrap(), None);
    assert_eq!(store.count_organizations().await.unwrap(), 1);
    assert_eq!(store.get_setting("k").await.unwrap(), None);
    store.set_setting("k", "a").await.unwrap();
    store.set_setting("k", "b").await.unwrap();
    assert_eq!(store.get_setting("k").await.unwrap().as_deref(), Some("b"));
}

async fn project_settings_default_update_partially_and_list_by_organization(f: Fixture) {
    let store = f.store.as_ref();
    let p = project(store, "Org", "tdp_1").await;
    let defaults = ProjectSettings {
        allowed_origins: vec!["https://a.test".into()],
        ..Default::default()
    };
    assert_eq!(
        store.project_settings(&p.id).await.unwrap(),
        Some(defaults.clone())
    );
    assert_eq!(store.project_settings("nope").await.unwrap(), None);

    let first = ProjectSettingsPatch {
        privacy: Some(PrivacyLevel::Strict),
        mask_selectors: Some(vec![".card".into()]),
        ..Default::default()
    };
    let updated = store.update_project_settings(&p.id, &first).await.unwrap();
    assert_eq!(updated.privacy, PrivacyLevel::Strict);
    let second = ProjectSettingsPatch {
        sample_rate: Some(0.5),
        allowed_origins: Some(vec!["https://b.test".into()]),
        ..Default::default()
    };
    let updated = store.update_project_settings(&p.id, &second).await.unwrap();
    let expected = ProjectSettings {
        privacy: PrivacyLevel::Strict,
        mask_selectors: vec![".card".into()],
        sample_rate: 0.5,
        allowed_origins: vec!["https://b.test".into()],
        ..Default::default()
    };
    assert_eq!(
        updated, expected,
        "the second patch kept the first one's fields"
    );
    assert_eq!(
        store.project_settings(&p.id).await.unwrap(),
        Some(expected.clone())
    );
    assert_eq!(
        store
            .project_by_ingest_key("tdp_1", 1)
            .await
            .unwrap()
            .unwrap()
            .project
            .allowed_origins,
        ["https://b.test"],
        "ingest sees the new origins"
    );
    assert!(matches!(
        store.update_project_settings("nope", &first).await,
        Err(StoreError::NotFound)
    ));

    let sibling = project(store, "Org", "tdp_0").await;
    let foreign = project(store, "Other", "tdp_x").await;
    let listed = store
        .list_projects(std::slice::from_ref(&p.organization_id))
        .await
        .unwrap();
    let names: Vec<_> = listed.iter().map(|l| l.project.name.as_str()).collect();
    assert_eq!(names, ["tdp_0", "tdp_1"], "by name, own organization only");
    assert_eq!(listed[1].settings, expected);
    assert_eq!(listed[0].project, sibling);
    assert_eq!(
        store
            .list_projects(&[p.organization_id.clone(), foreign.organization_id.clone()])
            .await
            .unwrap()
            .len(),
        3
    );
    assert!(store.list_projects(&[]).await.unwrap().is_empty());
}

async fn users_logins_and_setup_tokens(f: Fixture) {
    let store = f.store.as_ref();
    let org = store.create_organization("Org", 1).await.unwrap();
    let user = store.create_user("Ada@Test.test", "hash", 1).await.unwrap();
    assert!(matches!(
        store.create_user("ada@test.test", "hash", 1).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        store
            .user_credentials("ada@test.test")
            .await
            .unwrap()
            .unwrap()
            .user,
        user
    );
    store
        .set_membership(&user.id, &org.id, "viewer", 1)
        .await
        .unwrap();
    store
        .set_membership(&user.id, &org.id, "admin", 1)
        .await
        .unwrap();
    assert_eq!(
        store.memberships(&user.id).await.unwrap(),
        vec![Membership {
            organization: org.clone(),
            role: "admin".into()
        }]
    );

    store.create_login("h1", &user.id, 1, 100).await.unwrap();
    assert_eq!(
        store.user_by_login("h1", 50).await.unwrap(),
        Some(user.clone())
    );
    assert_eq!(
        store.user_by_login("h1", 100).await.unwrap(),
        None,
        "expired"
    );
    store.delete_login("h1").await.unwrap();
    assert_eq!(store.user_by_login("h1", 50).await.unwrap(), None);

    store
        .create_setup_token("t1", &org.id, "owner", 100)
        .await
        .unwrap();
    assert_eq!(
        store
            .redeem_setup_token("t1", "late@test.test", "h", 100)
            .await
            .unwrap(),
        None,
        "expired"
    );
    let owner = store
        .redeem_setup_token("t1", "o@test.test", "h", 99)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(store.memberships(&owner.id).await.unwrap()[0].role, "owner");
    assert_eq!(
        store
            .redeem_setup_token("t1", "p@test.test", "h", 99)
            .await
            .unwrap(),
        None,
        "used once"
    );
    assert_eq!(store.count_users().await.unwrap(), 2);
}

async fn segments_are_idempotent_and_fold_into_the_session(f: Fixture) {
    let store = f.store.as_ref();
    let p = project(store, "Org", "tdp_1").await;
    let meta = BatchMeta {
        user_id: Some("u-1".into()),
        ..Default::default()
    };
    let first = segment(&p, "s1", "w1", 0);
    assert!(!store.segment_exists("s1", "w1", 0).await.unwrap());
    assert_eq!(
        store
            .store_segment(&first, &facts(1000, 2000, "https://a.test/"), &meta)
            .await
            .unwrap(),
        SegmentOutcome::Stored
    );
    assert!(store.segment_exists("s1", "w1", 0).await.unwrap());
    assert_eq!(
        store
            .store_segment(&first, &facts(1000, 2000, "https://a.test/"), &meta)
            .await
            .unwrap(),
        SegmentOutcome::Duplicate
    );
    store
        .store_segment(
            &segment(&p, "s1", "w1", 1),
            &facts(2500, 4000, "https://a.test/b"),
            &BatchMeta::default(),
        )
        .await
        .unwrap();
    store
        .store_segment(
            &segment(&p, "s1", "w0", 0),
            &facts(3000, 3500, "https://a.test/c"),
            &BatchMeta::default(),
        )
        .await
        .unwrap();

    let session = store.session("s1").await.unwrap().unwrap();
    assert_eq!(
        (
            session.summary.started_at_ms,
            session.summary.ended_at_ms,
            session.summary.event_count
        ),
        (1000, 4000, 9)
    );
    assert_eq!(session.summary.page_views(), 3);
    assert_eq!(session.summary.user_id.as_deref(), Some("u-1"));
    assert_eq!(session.storage_size_bytes, 300);
    assert_eq!(session.status, "recording");
    assert_eq!(session.storage_url, format!("recordings/{}/s1", p.id));
    let order: Vec<(String, u32)> = store
        .segments("s1")
        .await
        .unwrap()
        .into_iter()
        .map(|s| (s.window_id, s.seq))
        .collect();
    assert_eq!(
        order,
        [
            ("w1".to_string(), 0),
            ("w1".to_string(), 1),
            ("w0".to_string(), 0)
        ],
        "first-recorded window first"
    );

    let other = project(store, "Org", "tdp_2").await;
    assert!(matches!(
        store
            .store_segment(
                &segment(&other, "s1", "w1", 9),
                &facts(1, 2, "x"),
                &BatchMeta::default()
            )
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        store.segments("s1").await.unwrap().len(),
        3,
        "the refused batch changed nothing"
    );
}

async fn listing_pages_by_keyset_within_organizations(f: Fixture) {
    let store = f.store.as_ref();
    let mine = project(store, "Mine", "tdp_m").await;
    let theirs = project(store, "Theirs", "tdp_t").await;
    for i in 0..5 {
        store
            .store_segment(
                &segment(&mine, &format!("m{i}"), "w", 0),
                &facts(i * 10, i * 10 + 1, "u"),
                &BatchMeta::default(),
            )
            .await
            .unwrap();
    }
    store
        .store_segment(
            &segment(&theirs, "t0", "w", 0),
            &facts(100, 101, "u"),
            &BatchMeta::default(),
        )
        .await
        .unwrap();
    let query = |after| SessionQuery {
        organization_ids: vec![mine.organization_id.clone()],
        after,
        limit: 2,
        ..SessionQuery::default()
    };
    let ids =
        |items: Vec<SessionListItem>| items.into_iter().map(|i| i.record.id).collect::<Vec<_>>();
    assert_eq!(
        ids(store.list_sessions(&query(None)).await.unwrap()),
        ["m4", "m3"]
    );
    assert_eq!(
        ids(store
            .list_sessions(&query(Some((30, "m3".into()))))
            .await
            .unwrap()),
        ["m2", "m1"]
    );
    let none = SessionQuery {
        organization_ids: vec![],
        limit: 10,
        ..SessionQuery::default()
    };
    assert!(store.list_sessions(&none).await.unwrap().is_empty());
}

async fn idle_sessions_become_ready_and_wake_up_again(f: Fixture) {
    let store = f.store.as_ref();
    let p = project(store, "Org", "tdp_1").await;
    store
        .store_segment(
            &segment(&p, "s1", "w", 0),
            &facts(1, 2, "u"),
            &BatchMeta::default(),
        )
        .await
        .unwrap();
    assert_eq!(
        store.mark_idle_sessions(5_000, 9_000).await.unwrap(),
        0,
        "received at 5000 is not before 5000"
    );
    assert_eq!(store.mark_idle_sessions(5_001, 9_000).await.unwrap(), 1);
    assert_eq!(store.session("s1").await.unwrap().unwrap().status, "ready");
    store
        .store_segment(
            &segment(&p, "s1", "w", 1),
            &facts(3, 4, "u"),
            &BatchMeta::default(),
        )
        .await
        .unwrap();
    assert_eq!(
        store.session("s1").await.unwrap().unwrap().status,
        "recording"
    );
}

/// One test per case for a backend; `$open` yields `None` when the backend is not available
/// here (and may not be skipped), and then the cases return early.
macro_rules! conformance_suite {
    ($backend:ident, $open:expr) => {
        mod $backend {
            use super::*;
            conformance_suite!(@cases $open;
                projects_and_settings,
                a_new_project_has_one_primary_key_and_names_are_unique,
                rotation_keeps_old_keys_live_through_the_grace_only,
                keys_retire_now_except_the_primary_and_limits_are_per_key,
                project_settings_default_update_partially_and_list_by_organization,
                users_logins_and_setup_tokens,
                segments_are_idempotent_and_fold_into_the_session,
                listing_pages_by_keyset_within_organizations,
                idle_sessions_become_ready_and_wake_up_again,
                concurrent_batches_of_one_session_on_two_stores_all_land,
                a_refused_batch_among_concurrent_ones_fails_alone,
                text_orders_bytewise,
                nul_characters_from_the_recorder_do_not_fail_a_batch,
                recordings_replace_the_segments_they_fold_in,
                jobs_are_leased_retried_and_completed_by_their_holder,
                concurrent_claims_take_each_job_once,
                done_jobs_are_deleted_by_when_they_finished,
                idle_sessions_enqueue_their_compaction,
                operational_counts_follow_the_queue_and_live_sessions,
                data_keys_are_one_per_organization_and_rewrapped_in_place,
                audit_log_pages_newest_first_per_organization,
                audit_log_filters_by_actor_action_target_and_time,
                users_are_found_by_ids,
                retention_and_erasure_find_and_delete_sessions,
                timeline_entries_and_activity_are_stored_with_their_batch,
                notes_are_added_listed_and_deleted,
                deleting_a_session_takes_its_timeline_and_notes,
                every_filter_alone_and_combined_lists_its_sessions,
                later_batches_keep_the_search_current,
                every_sort_pages_by_keyset_in_both_orders_while_sessions_arrive,
                tag_changes_reach_only_the_given_organizations,
                a_tag_change_past_the_limit_changes_no_session,
                concurrent_tag_changes_and_batches_lose_no_tag,
                links_are_added_once_listed_and_deleted,
                saved_views_are_private_or_shared_and_unique_per_author,
                saved_views_are_patched_and_deleted,
                api_keys_are_found_by_hash_until_revoked,
                api_key_use_is_recorded_at_most_once_per_resolution,
                members_change_roles_and_leave_but_the_last_owner_stays,
                two_owners_demoting_each_other_at_once_leave_one,
                invitations_replace_each_other_and_are_redeemed_once,
                password_resets_and_changes_end_logins,
                login_failures_are_counted_per_key_within_the_window,
                an_invitation_redeemed_twice_at_once_is_used_once,
            );
        }
    };
    (@cases $open:expr; $($case:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $case() {
                if let Some(fixture) = $open.await {
                    super::$case(fixture).await
                }
            }
        )*
    };
}

conformance_suite!(sqlite, open_sqlite());
conformance_suite!(postgres, open_postgres());
