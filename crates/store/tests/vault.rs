//! The vault over a real database: data keys are created once per organization (even by two
//! vaults racing, as two nodes would), survive a restart, and master-key rotation re-wraps them
//! so recordings sealed before the rotation open after it.

use std::sync::Arc;

use tapedeck_store::{MasterKey, MetaStore, StoreError, Vault, open_meta_store, rotate_master_key};

async fn sqlite() -> (Arc<dyn MetaStore>, String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("meta.db").display());
    let meta = open_meta_store(&url).await.unwrap();
    meta.migrate().await.unwrap();
    let org = meta.create_organization("Org", 0).await.unwrap();
    (meta, org.id, dir)
}

fn key(byte: u8) -> MasterKey {
    MasterKey::parse(&hex_of(byte)).unwrap()
}

fn hex_of(byte: u8) -> String {
    format!("{byte:02x}").repeat(32)
}

#[tokio::test]
async fn two_vaults_racing_agree_on_one_data_key() {
    let (meta, org, _dir) = sqlite().await;
    let a = Vault::new(meta.clone(), key(1));
    let b = Vault::new(meta.clone(), key(1));
    let (sa, sb) = tokio::join!(a.sealer(&org), b.sealer(&org));
    let (sa, sb) = (sa.unwrap(), sb.unwrap());
    assert_eq!(sb.open(&sa.seal(b"from a")).unwrap(), b"from a");
    assert_eq!(sa.open(&sb.seal(b"from b")).unwrap(), b"from b");
    assert_eq!(meta.all_data_keys().await.unwrap().len(), 1);
}

#[tokio::test]
async fn rotation_rewraps_so_old_recordings_still_open() {
    let (meta, org, _dir) = sqlite().await;
    let sealed = Vault::new(meta.clone(), key(1))
        .sealer(&org)
        .await
        .unwrap()
        .seal(b"recorded before the rotation");

    assert_eq!(
        rotate_master_key(meta.as_ref(), &key(1), &key(2))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        rotate_master_key(meta.as_ref(), &key(1), &key(2))
            .await
            .unwrap(),
        0,
        "a repeated rotation finds nothing left to do"
    );

    let after = Vault::new(meta.clone(), key(2));
    assert_eq!(
        after.sealer(&org).await.unwrap().open(&sealed).unwrap(),
        b"recorded before the rotation"
    );
    let stale = Vault::new(meta.clone(), key(1));
    match stale.sealer(&org).await {
        Err(StoreError::Config(why)) => assert!(why.contains("rotate-key"), "{why}"),
        other => panic!(
            "the old key must be refused clearly, got {:?}",
            other.map(|_| ())
        ),
    }
    let stored = meta.data_key(&org).await.unwrap().unwrap();
    assert_eq!(stored.master_key_id, key(2).id());
}

#[tokio::test]
async fn the_database_alone_does_not_hold_a_usable_key() {
    let (meta, org, _dir) = sqlite().await;
    Vault::new(meta.clone(), key(3)).sealer(&org).await.unwrap();
    let stored = meta.data_key(&org).await.unwrap().unwrap();
    // Wrapped: nonce (24) + sealed 32-byte key (32 + 16 tag).
    assert_eq!(stored.wrapped_key.len(), 72);
    let other = Vault::new(meta.clone(), MasterKey::generate());
    assert!(other.sealer(&org).await.is_err());
}
