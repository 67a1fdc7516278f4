//! The S3 test server `scripts/with-s3.sh` starts (s3s-fs on loopback): a fresh store under a
//! unique prefix per call, so tests sharing the server never see each other's objects.

use std::sync::Arc;

use tapedeck_store::{BlobStore, S3Credentials, open_blob_store_with};

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// A blob store on the test S3 server, or `None` (with a printed notice) when there is none.
/// Panics when there is none but `CI` or `TAPEDECK_REQUIRE_S3` says there must be.
pub fn test_blob_store() -> Option<Arc<dyn BlobStore>> {
    let Some(endpoint) = var("TAPEDECK_TEST_S3_ENDPOINT") else {
        assert!(
            var("CI").is_none() && var("TAPEDECK_REQUIRE_S3").is_none(),
            "TAPEDECK_TEST_S3_ENDPOINT is unset but CI / TAPEDECK_REQUIRE_S3 requires the S3 \
             tests: run them under scripts/with-s3.sh"
        );
        eprintln!("skipped: no S3 server (run under scripts/with-s3.sh to include the S3 cases)");
        return None;
    };
    let required = |name: &str| var(name).unwrap_or_else(|| panic!("{name} is unset"));
    let credentials = S3Credentials {
        access_key_id: required("TAPEDECK_TEST_S3_ACCESS_KEY_ID"),
        secret_access_key: required("TAPEDECK_TEST_S3_SECRET_ACCESS_KEY"),
        session_token: None,
    };
    let url = format!(
        "s3://{}/testkit-{}?endpoint={endpoint}&region=us-east-1&path_style=true",
        required("TAPEDECK_TEST_S3_BUCKET"),
        tapedeck_core::ids::new_id()
    );
    Some(open_blob_store_with(&url, Some(&credentials)).expect("the test S3 store opens"))
}
