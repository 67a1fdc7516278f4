//! API keys, the same on every engine: stored by hash, listed per organization newest first with
//! their creator, found by hash only while unrevoked, revoked once, last use written at most once
//! per resolution.

use super::*;

fn new_key(id: &str, org: &str, creator: &User, hash: &str, at_ms: i64) -> NewApiKey {
    NewApiKey {
        id: id.into(),
        organization_id: org.into(),
        name: format!("key {id}"),
        role: "viewer".into(),
        hash: hash.into(),
        prefix: "tdk_0123abcd".into(),
        created_by: creator.id.clone(),
        created_at_ms: at_ms,
    }
}

pub(crate) async fn api_keys_are_found_by_hash_until_revoked(f: Fixture) {
    let s = f.store.as_ref();
    let org = s.create_organization("Org", 1).await.unwrap().id;
    let other = s.create_organization("Other", 1).await.unwrap().id;
    let ada = s.create_user("ada@test.test", "h", 1).await.unwrap();

    let created = s
        .create_api_key(&new_key("k1", &org, &ada, "hash-1", 1_000))
        .await
        .unwrap();
    let expected = ApiKey {
        id: "k1".into(),
        organization_id: org.clone(),
        name: "key k1".into(),
        role: "viewer".into(),
        prefix: "tdk_0123abcd".into(),
        created_by: Some(ada.clone()),
        created_at_ms: 1_000,
        last_used_at_ms: None,
        revoked_at_ms: None,
    };
    assert_eq!(created, expected);
    s.create_api_key(&new_key("k2", &org, &ada, "hash-2", 2_000))
        .await
        .unwrap();
    s.create_api_key(&new_key("k3", &other, &ada, "hash-3", 3_000))
        .await
        .unwrap();
    assert!(matches!(
        s.create_api_key(&new_key("k4", &org, &ada, "hash-1", 4_000))
            .await,
        Err(StoreError::Conflict(_))
    ));

    let ids = |keys: Vec<ApiKey>| keys.into_iter().map(|k| k.id).collect::<Vec<_>>();
    assert_eq!(
        ids(s.api_keys(std::slice::from_ref(&org)).await.unwrap()),
        ["k2", "k1"],
        "own organization, newest first"
    );
    assert_eq!(
        ids(s.api_keys(&[org.clone(), other.clone()]).await.unwrap()),
        ["k3", "k2", "k1"]
    );
    assert!(s.api_keys(&[]).await.unwrap().is_empty());
    assert_eq!(s.api_key("k1").await.unwrap(), Some(expected.clone()));
    assert_eq!(s.api_key("nope").await.unwrap(), None);
    assert_eq!(
        s.live_api_key_by_hash("hash-1").await.unwrap(),
        Some(expected)
    );
    assert_eq!(
        s.live_api_key_by_hash("k1").await.unwrap(),
        None,
        "by hash only"
    );

    assert!(s.revoke_api_key("k1", 5_000).await.unwrap());
    assert!(
        !s.revoke_api_key("k1", 6_000).await.unwrap(),
        "revoked once"
    );
    assert!(!s.revoke_api_key("nope", 6_000).await.unwrap());
    assert_eq!(s.live_api_key_by_hash("hash-1").await.unwrap(), None);
    let revoked = s.api_key("k1").await.unwrap().unwrap();
    assert_eq!(
        revoked.revoked_at_ms,
        Some(5_000),
        "the first revocation's time"
    );
    assert!(s.live_api_key_by_hash("hash-2").await.unwrap().is_some());
}

pub(crate) async fn api_key_use_is_recorded_at_most_once_per_resolution(f: Fixture) {
    let s = f.store.as_ref();
    let org = s.create_organization("Org", 1).await.unwrap().id;
    let ada = s.create_user("ada@test.test", "h", 1).await.unwrap();
    s.create_api_key(&new_key("k1", &org, &ada, "hash-1", 1_000))
        .await
        .unwrap();
    let last_use = || async { s.api_key("k1").await.unwrap().unwrap().last_used_at_ms };

    assert!(s.record_api_key_use("k1", 10_000, 60_000).await.unwrap());
    assert_eq!(last_use().await, Some(10_000));
    assert!(!s.record_api_key_use("k1", 69_999, 60_000).await.unwrap());
    assert_eq!(last_use().await, Some(10_000), "within the resolution");
    assert!(s.record_api_key_use("k1", 70_000, 60_000).await.unwrap());
    assert_eq!(last_use().await, Some(70_000));
    assert!(!s.record_api_key_use("nope", 70_000, 60_000).await.unwrap());
}
