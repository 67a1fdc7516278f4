//! The BlobStore conformance suite: every backend runs every case through `blob_suite!`: a local
//! directory, memory, and S3 on a real s3s-fs server (which checks request signatures).
//!
//! S3 cases need the server `scripts/with-s3.sh` starts (`TAPEDECK_TEST_S3_*`); without it they
//! are skipped with a notice, unless `CI` or `TAPEDECK_REQUIRE_S3` is set, when they fail.

use std::sync::Arc;

use bytes::Bytes;
use tapedeck_store::{
    BlobRegions, BlobStore, S3Credentials, StoreError, open_blob_store, open_blob_store_with,
};

struct Fixture {
    store: Arc<dyn BlobStore>,
    _dir: Option<tempfile::TempDir>,
}

/// The s3s-fs server of `scripts/with-s3.sh`.
struct S3Server {
    endpoint: String,
    credentials: S3Credentials,
    bucket: String,
    bucket_2: String,
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// The test S3 server, or `None` (with a notice) when there is none and none is required.
fn s3_server() -> Option<S3Server> {
    let Some(endpoint) = var("TAPEDECK_TEST_S3_ENDPOINT") else {
        if var("CI").is_some() || var("TAPEDECK_REQUIRE_S3").is_some() {
            panic!(
                "TAPEDECK_TEST_S3_ENDPOINT is unset but CI / TAPEDECK_REQUIRE_S3 requires the S3 \
                 tests: run them under scripts/with-s3.sh"
            );
        }
        eprintln!("skipped: no S3 server (run under scripts/with-s3.sh to include the S3 cases)");
        return None;
    };
    let required = |name: &str| var(name).unwrap_or_else(|| panic!("{name} is unset"));
    Some(S3Server {
        endpoint,
        credentials: S3Credentials {
            access_key_id: required("TAPEDECK_TEST_S3_ACCESS_KEY_ID"),
            secret_access_key: required("TAPEDECK_TEST_S3_SECRET_ACCESS_KEY"),
            session_token: None,
        },
        bucket: required("TAPEDECK_TEST_S3_BUCKET"),
        bucket_2: required("TAPEDECK_TEST_S3_BUCKET_2"),
    })
}

impl S3Server {
    /// A fresh prefix of `bucket` per call, so tests sharing the server never see each other.
    fn url(&self, bucket: &str) -> String {
        format!(
            "s3://{bucket}/test-{}?endpoint={}&region=us-east-1&path_style=true",
            uuid::Uuid::new_v4().simple(),
            self.endpoint
        )
    }

    fn open(&self, bucket: &str, credentials: &S3Credentials) -> Arc<dyn BlobStore> {
        open_blob_store_with(&self.url(bucket), Some(credentials)).unwrap()
    }
}

fn open_local() -> Option<Fixture> {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("file://{}", dir.path().join("blobs").display());
    Some(Fixture {
        store: open_blob_store(&url).unwrap(),
        _dir: Some(dir),
    })
}

fn open_memory() -> Option<Fixture> {
    Some(Fixture {
        store: open_blob_store("memory://").unwrap(),
        _dir: None,
    })
}

fn open_s3() -> Option<Fixture> {
    let server = s3_server()?;
    Some(Fixture {
        store: server.open(&server.bucket, &server.credentials),
        _dir: None,
    })
}

fn bytes(s: &'static str) -> Bytes {
    Bytes::from_static(s.as_bytes())
}

async fn round_trip_and_overwrite(f: Fixture) {
    let store = f.store.as_ref();
    let key = "recordings/p1/s1/w1/0000000001.json.zst";
    store.put(key, bytes("hello")).await.unwrap();
    assert_eq!(store.get(key).await.unwrap(), bytes("hello"));
    store.put(key, bytes("again!")).await.unwrap();
    assert_eq!(store.get(key).await.unwrap(), bytes("again!"));
    // Every byte value, and more than one network packet, survives the trip.
    let binary: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 256) as u8).collect();
    store.put("bin", Bytes::from(binary.clone())).await.unwrap();
    assert_eq!(store.get("bin").await.unwrap(), binary);
}

async fn missing_is_not_found(f: Fixture) {
    let store = f.store.as_ref();
    assert!(matches!(
        store.get("nope/x").await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.get_range("nope/x", 0..1).await,
        Err(StoreError::NotFound)
    ));
}

async fn get_range_reads_only_the_range(f: Fixture) {
    let store = f.store.as_ref();
    store.put("r", bytes("0123456789")).await.unwrap();
    assert_eq!(store.get_range("r", 1..4).await.unwrap(), bytes("123"));
    assert_eq!(
        store.get_range("r", 0..10).await.unwrap(),
        bytes("0123456789")
    );
    assert_eq!(store.get_range("r", 9..10).await.unwrap(), bytes("9"));
}

async fn list_prefix_lists_a_folder(f: Fixture) {
    let store = f.store.as_ref();
    for key in ["a/b/1.bin", "a/b/2.bin", "a/c/3.bin", "ab/4.bin"] {
        store.put(key, bytes("x")).await.unwrap();
    }
    let mut keys = store.list_prefix("a").await.unwrap();
    keys.sort();
    assert_eq!(keys, ["a/b/1.bin", "a/b/2.bin", "a/c/3.bin"]);
    assert_eq!(store.list_prefix("a/c").await.unwrap(), ["a/c/3.bin"]);
    assert!(store.list_prefix("zzz").await.unwrap().is_empty());
}

async fn delete_twice_is_fine(f: Fixture) {
    let store = f.store.as_ref();
    store.put("d/1", bytes("x")).await.unwrap();
    store.put("d/2", bytes("y")).await.unwrap();
    store.delete("d/1").await.unwrap();
    store.delete("d/1").await.unwrap();
    assert!(matches!(store.get("d/1").await, Err(StoreError::NotFound)));
    assert_eq!(store.list_prefix("d").await.unwrap(), ["d/2"]);
    assert_eq!(store.get("d/2").await.unwrap(), bytes("y"));
}

macro_rules! blob_suite {
    ($backend:ident, $open:expr) => {
        mod $backend {
            use super::*;
            #[tokio::test]
            async fn round_trip_and_overwrite() {
                let Some(f) = $open else { return };
                super::round_trip_and_overwrite(f).await
            }
            #[tokio::test]
            async fn missing_is_not_found() {
                let Some(f) = $open else { return };
                super::missing_is_not_found(f).await
            }
            #[tokio::test]
            async fn get_range_reads_only_the_range() {
                let Some(f) = $open else { return };
                super::get_range_reads_only_the_range(f).await
            }
            #[tokio::test]
            async fn list_prefix_lists_a_folder() {
                let Some(f) = $open else { return };
                super::list_prefix_lists_a_folder(f).await
            }
            #[tokio::test]
            async fn delete_twice_is_fine() {
                let Some(f) = $open else { return };
                super::delete_twice_is_fine(f).await
            }
        }
    };
}

blob_suite!(local, open_local());
blob_suite!(memory, open_memory());
blob_suite!(s3, open_s3());

/// s3s-fs checks signatures: a wrong secret is refused, and not mistaken for a missing blob.
#[tokio::test]
async fn s3_refuses_a_wrong_secret() {
    let Some(server) = s3_server() else { return };
    let wrong = S3Credentials {
        secret_access_key: "not-the-secret".into(),
        ..server.credentials.clone()
    };
    let url = server.url(&server.bucket);
    let forged = open_blob_store_with(&url, Some(&wrong)).unwrap();
    let refused = forged.put("k", bytes("forged")).await.unwrap_err();
    assert!(!matches!(refused, StoreError::NotFound), "put: {refused:?}");
    let refused = forged.get("k").await.unwrap_err();
    assert!(!matches!(refused, StoreError::NotFound), "get: {refused:?}");
    // Nothing was written by the refused put.
    let honest = open_blob_store_with(&url, Some(&server.credentials)).unwrap();
    assert!(matches!(honest.get("k").await, Err(StoreError::NotFound)));
    honest.put("k", bytes("real")).await.unwrap();
    assert_eq!(honest.get("k").await.unwrap(), bytes("real"));
}

/// A blob put through one region's store is absent from every other region's.
async fn regions_keep_blobs_apart(regions: BlobRegions) {
    let eu = regions.get("eu").unwrap();
    let default = regions.get(tapedeck_store::DEFAULT_REGION).unwrap();
    eu.put("recordings/p/s/w/1", bytes("eu bytes"))
        .await
        .unwrap();
    assert_eq!(
        eu.get("recordings/p/s/w/1").await.unwrap(),
        bytes("eu bytes")
    );
    assert!(matches!(
        default.get("recordings/p/s/w/1").await,
        Err(StoreError::NotFound)
    ));
    assert!(default.list_prefix("recordings").await.unwrap().is_empty());
    default
        .put("recordings/p/s/w/2", bytes("home"))
        .await
        .unwrap();
    assert_eq!(
        eu.list_prefix("recordings").await.unwrap(),
        ["recordings/p/s/w/1"]
    );
}

#[tokio::test]
async fn regions_route_to_their_own_directories() {
    let dir = tempfile::tempdir().unwrap();
    let url = |name: &str| format!("file://{}", dir.path().join(name).display());
    let regions = BlobRegions::open(&url("home"), &[("eu".into(), url("eu"))]).unwrap();
    assert_eq!(regions.names(), ["default", "eu"]);
    regions_keep_blobs_apart(regions).await;
    assert!(dir.path().join("eu/recordings/p/s/w/1").is_file());
    assert!(!dir.path().join("home/recordings/p/s/w/1").exists());
}

#[tokio::test]
async fn regions_route_to_their_own_buckets() {
    let Some(server) = s3_server() else { return };
    let regions = BlobRegions::new(
        server.open(&server.bucket, &server.credentials),
        [(
            "eu".to_string(),
            server.open(&server.bucket_2, &server.credentials),
        )],
    )
    .unwrap();
    regions_keep_blobs_apart(regions).await;
}

/// Nothing listens on the endpoint: the answer is `Unavailable` (ingest's 503), not a hang.
#[tokio::test]
async fn an_unreachable_s3_is_unavailable() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let credentials = S3Credentials {
        access_key_id: "k".into(),
        secret_access_key: "s".into(),
        session_token: None,
    };
    let url = format!("s3://bucket?endpoint=http://127.0.0.1:{port}");
    let store = open_blob_store_with(&url, Some(&credentials)).unwrap();
    // A guard against a hang only (the retry budget is seconds); not a timing assertion.
    let guard = std::time::Duration::from_secs(120);
    let put = tokio::time::timeout(guard, store.put("k", bytes("x")))
        .await
        .expect("put hung");
    assert!(matches!(put, Err(StoreError::Unavailable(_))), "{put:?}");
    let get = tokio::time::timeout(guard, store.get("k"))
        .await
        .expect("get hung");
    assert!(matches!(get, Err(StoreError::Unavailable(_))), "{get:?}");
}
