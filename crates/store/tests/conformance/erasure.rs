//! What retention and end-user erasure read and delete, the same on every engine.

use super::*;

async fn store_as(store: &dyn MetaStore, p: &Project, session: &str, user: Option<&str>, at: i64) {
    let meta = BatchMeta {
        user_id: user.map(str::to_string),
        ..Default::default()
    };
    let new = NewSegment {
        received_at_ms: at,
        ..segment(p, session, "w", 0)
    };
    store
        .store_segment(&new, &facts(1_000, 2_000, "https://a.test/"), &meta)
        .await
        .unwrap();
}

/// Expired sessions are found by the server time of their last batch, never while recording;
/// end users' sessions by organization; deleting takes the segments along, once.
pub(crate) async fn retention_and_erasure_find_and_delete_sessions(f: Fixture) {
    let store = f.store.as_ref();
    let p = project(store, "Org", "tdp_r").await;
    let q = project(store, "Other org", "tdp_q").await;
    store_as(store, &p, "s-old", Some("u-ada"), 1_000).await;
    store_as(store, &p, "s-mid", Some("u-ada"), 2_000).await;
    store_as(store, &p, "s-new", Some("u-bob"), 9_000).await;
    store_as(store, &q, "s-q", Some("u-ada"), 1_000).await;

    let names: Vec<String> = store
        .all_projects()
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.project.name)
        .collect();
    assert_eq!(names.len(), 2);
    assert!(names.contains(&"tdp_r".to_string()) && names.contains(&"tdp_q".to_string()));

    let expired = store
        .sessions_last_ingested_before(&p.id, 5_000, 10)
        .await
        .unwrap();
    assert!(expired.is_empty(), "recording sessions are never expired");
    store.mark_idle_sessions(i64::MAX, 10_000).await.unwrap();
    let expired = store
        .sessions_last_ingested_before(&p.id, 5_000, 10)
        .await
        .unwrap();
    assert_eq!(
        expired,
        ["s-old", "s-mid"],
        "oldest first, only this project"
    );
    let first = store
        .sessions_last_ingested_before(&p.id, 5_000, 1)
        .await
        .unwrap();
    assert_eq!(first, ["s-old"]);

    let ada: Vec<String> = store
        .end_user_sessions(&p.organization_id, "u-ada")
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(
        ada,
        ["s-mid", "s-old"],
        "only this organization's, by start then id"
    );
    assert!(
        store
            .end_user_sessions(&p.organization_id, "u-nobody")
            .await
            .unwrap()
            .is_empty()
    );

    assert!(store.delete_session("s-old").await.unwrap());
    assert!(!store.delete_session("s-old").await.unwrap(), "once");
    assert!(store.session("s-old").await.unwrap().is_none());
    assert!(store.segments("s-old").await.unwrap().is_empty());
    assert!(
        !store.segment_exists("s-old", "w", 0).await.unwrap(),
        "its segments went with it"
    );
    assert!(store.session("s-mid").await.unwrap().is_some());
}
