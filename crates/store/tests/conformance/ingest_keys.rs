//! Conformance cases for projects' ingest keys (migration 0012): creation, rotation with a
//! grace period, per-key rate limits, retirement, and the lookup ingest uses.

use tapedeck_store::*;

use super::{Fixture, project};

fn new_key(id: &str, key: &str, at: i64) -> NewIngestKey {
    NewIngestKey {
        id: id.into(),
        key: key.into(),
        created_at_ms: at,
    }
}

async fn live_project(store: &dyn MetaStore, key: &str, now: i64) -> Option<String> {
    store
        .project_by_ingest_key(key, now)
        .await
        .unwrap()
        .map(|live| live.project.id)
}

pub async fn a_new_project_has_one_primary_key_and_names_are_unique(f: Fixture) {
    let store = f.store.as_ref();
    let p = project(store, "Org", "tdp_a").await;
    let keys = store.ingest_keys(&p.id).await.unwrap();
    assert_eq!(keys.len(), 1);
    let first = &keys[0];
    assert!(first.primary);
    assert_eq!(
        (first.key.as_str(), first.project_id.as_str()),
        ("tdp_a", p.id.as_str())
    );
    assert_eq!(
        (
            first.created_at_ms,
            first.retires_at_ms,
            first.rate_limit_per_minute
        ),
        (1, None, None)
    );
    let live = store
        .project_by_ingest_key("tdp_a", 5)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(live.project, p);
    assert_eq!(&live.key, first);

    let again = NewProject {
        organization_id: p.organization_id.clone(),
        name: p.name.clone(),
        ingest_key: "tdp_other".into(),
        allowed_origins: Vec::new(),
        region: DEFAULT_REGION.into(),
    };
    let Err(StoreError::Conflict(message)) = store.create_project(&again, 2).await else {
        panic!("a second project of the same name was created");
    };
    assert!(
        !message.contains("UNIQUE"),
        "the database's words: {message}"
    );
    assert!(
        store
            .project_by_ingest_key("tdp_other", 5)
            .await
            .unwrap()
            .is_none(),
        "the refused project left no key behind"
    );
    assert!(store.ingest_keys("nope").await.unwrap().is_empty());
}

pub async fn rotation_keeps_old_keys_live_through_the_grace_only(f: Fixture) {
    let store = f.store.as_ref();
    let p = project(store, "Org", "tdp_a").await;
    let other = project(store, "Org", "tdp_b").await;
    store
        .set_ingest_key_rate_limit(
            &p.id,
            &store.ingest_keys(&p.id).await.unwrap()[0].id,
            Some(7),
        )
        .await
        .unwrap();

    let rotated = store
        .rotate_ingest_key(&p.id, &new_key("k2", "tdp_a2", 100), 1_000)
        .await
        .unwrap();
    assert!(rotated.primary);
    assert_eq!(
        rotated.rate_limit_per_minute,
        Some(7),
        "the limit carries over"
    );
    assert_eq!(
        store
            .project_by_id(&p.id)
            .await
            .unwrap()
            .unwrap()
            .ingest_key,
        "tdp_a2",
        "projects.ingest_key follows the primary"
    );
    let keys = store.ingest_keys(&p.id).await.unwrap();
    let summary: Vec<_> = keys
        .iter()
        .map(|k| (k.key.as_str(), k.primary, k.retires_at_ms))
        .collect();
    assert_eq!(
        summary,
        [("tdp_a2", true, None), ("tdp_a", false, Some(1_000))],
        "newest first"
    );
    assert_eq!(live_project(store, "tdp_a", 999).await, Some(p.id.clone()));
    assert_eq!(live_project(store, "tdp_a", 1_000).await, None, "retired");
    assert_eq!(
        live_project(store, "tdp_a2", 5_000).await,
        Some(p.id.clone())
    );

    // A second rotation with a longer grace does not revive or extend the first key.
    store
        .rotate_ingest_key(&p.id, &new_key("k3", "tdp_a3", 200), 9_000)
        .await
        .unwrap();
    let retires: Vec<_> = store
        .ingest_keys(&p.id)
        .await
        .unwrap()
        .iter()
        .map(|k| (k.key.clone(), k.retires_at_ms))
        .collect();
    assert_eq!(
        retires,
        [
            ("tdp_a3".to_string(), None),
            ("tdp_a2".to_string(), Some(9_000)),
            ("tdp_a".to_string(), Some(1_000)),
        ]
    );
    assert_eq!(
        store.ingest_keys(&other.id).await.unwrap()[0].retires_at_ms,
        None,
        "another project's key is untouched"
    );
    assert!(matches!(
        store
            .rotate_ingest_key("nope", &new_key("k4", "tdp_x", 1), 1)
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(live_project(store, "tdp_x", 0).await.is_none());
}

pub async fn keys_retire_now_except_the_primary_and_limits_are_per_key(f: Fixture) {
    let store = f.store.as_ref();
    let p = project(store, "Org", "tdp_a").await;
    let other = project(store, "Org", "tdp_b").await;
    let old = store.ingest_keys(&p.id).await.unwrap().remove(0);
    let new = store
        .rotate_ingest_key(&p.id, &new_key("k2", "tdp_a2", 100), 10_000)
        .await
        .unwrap();

    assert_eq!(
        store.retire_ingest_key(&p.id, &new.id, 50).await.unwrap(),
        RetireOutcome::Primary
    );
    assert_eq!(live_project(store, "tdp_a2", 50).await, Some(p.id.clone()));
    assert!(matches!(
        store.retire_ingest_key(&other.id, &old.id, 50).await,
        Err(StoreError::NotFound)
    ));
    let RetireOutcome::Retired(retired) =
        store.retire_ingest_key(&p.id, &old.id, 50).await.unwrap()
    else {
        panic!("not retired");
    };
    assert_eq!(retired.retires_at_ms, Some(50));
    assert_eq!(live_project(store, "tdp_a", 49).await, Some(p.id.clone()));
    assert_eq!(live_project(store, "tdp_a", 50).await, None);
    assert!(matches!(
        store.retire_ingest_key(&p.id, &old.id, 60).await.unwrap(),
        RetireOutcome::AlreadyRetired(k) if k.retires_at_ms == Some(50)
    ));

    let limited = store
        .set_ingest_key_rate_limit(&p.id, &new.id, Some(1_000_000))
        .await
        .unwrap();
    assert_eq!(limited.rate_limit_per_minute, Some(1_000_000));
    assert_eq!(
        store
            .project_by_ingest_key("tdp_a2", 60)
            .await
            .unwrap()
            .unwrap()
            .key
            .rate_limit_per_minute,
        Some(1_000_000)
    );
    let cleared = store
        .set_ingest_key_rate_limit(&p.id, &new.id, None)
        .await
        .unwrap();
    assert_eq!(cleared.rate_limit_per_minute, None);
    assert!(matches!(
        store
            .set_ingest_key_rate_limit(&other.id, &new.id, Some(5))
            .await,
        Err(StoreError::NotFound)
    ));
}
