//! The S3-compatible BlobStore (AWS S3, Cloudflare R2, MinIO, s3s-fs) on object_store's
//! `AmazonS3`, with timeouts and retries short enough that an unreachable store becomes
//! `StoreError::Unavailable` (ingest answers 503, the recorder retries) within seconds.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use object_store::aws::AmazonS3Builder;
use object_store::prefix::PrefixStore;
use object_store::{BackoffConfig, ClientOptions, ObjectStore, RetryConfig};

use super::ObjectBlobStore;
use super::s3_url::{S3Location, parse_s3_url};
use crate::StoreError;

/// Giving up on connecting after this long: a reachable store answers a connect in milliseconds.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// One request, body included: segments and recording blocks are small (a few MiB at most).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Retries of failed requests end after this long, so callers get an answer soon.
const RETRY_TIMEOUT: Duration = Duration::from_secs(5);
const MAX_RETRIES: usize = 3;

/// An access key pair (and optional session token) for an S3-compatible store. `Debug` hides
/// the secret and the token.
#[derive(Clone, PartialEq, Eq)]
pub struct S3Credentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
}

impl fmt::Debug for S3Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("S3Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"***")
            .field("session_token", &self.session_token.as_ref().map(|_| "***"))
            .finish()
    }
}

impl S3Credentials {
    /// From `TAPEDECK_S3_ACCESS_KEY_ID` / `TAPEDECK_S3_SECRET_ACCESS_KEY` /
    /// `TAPEDECK_S3_SESSION_TOKEN`, else the standard `AWS_*` variables; `None` when neither
    /// pair is set.
    pub fn from_env() -> Result<Option<Self>, StoreError> {
        Self::from_vars(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
    }

    /// [`Self::from_env`] over any variable lookup (tests pass a closure).
    pub fn from_vars(get: impl Fn(&str) -> Option<String>) -> Result<Option<Self>, StoreError> {
        for family in ["TAPEDECK_S3", "AWS"] {
            let id = get(&format!("{family}_ACCESS_KEY_ID"));
            let secret = get(&format!("{family}_SECRET_ACCESS_KEY"));
            let token = get(&format!("{family}_SESSION_TOKEN"));
            if let Some(credentials) = Self::pair(id, secret, token, family)? {
                return Ok(Some(credentials));
            }
        }
        Ok(None)
    }

    /// Both halves or neither: one alone is a configuration mistake, named by `source`.
    pub fn pair(
        access_key_id: Option<String>,
        secret_access_key: Option<String>,
        session_token: Option<String>,
        source: &str,
    ) -> Result<Option<Self>, StoreError> {
        match (access_key_id, secret_access_key) {
            (Some(access_key_id), Some(secret_access_key)) => Ok(Some(Self {
                access_key_id,
                secret_access_key,
                session_token,
            })),
            (None, None) if session_token.is_none() => Ok(None),
            _ => Err(StoreError::Config(format!(
                "{source}: S3 credentials need both the access key id and the secret access key"
            ))),
        }
    }
}

/// Opens the S3 store an `s3://` URL names, signing with `credentials`. Nothing is sent yet: a
/// wrong endpoint or key shows on the first request.
pub fn open_s3(
    url: &str,
    credentials: Option<&S3Credentials>,
) -> Result<ObjectBlobStore, StoreError> {
    let location = parse_s3_url(url)?;
    let credentials = credentials.ok_or_else(|| {
        StoreError::Config(format!(
            "{}: no credentials; set TAPEDECK_S3_ACCESS_KEY_ID and TAPEDECK_S3_SECRET_ACCESS_KEY \
             (or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, or the s3_* config keys)",
            location.describe()
        ))
    })?;
    let s3 = builder(&location, credentials)?
        .build()
        .map_err(|e| StoreError::Config(format!("{}: {e}", location.describe())))?;
    let store: Arc<dyn ObjectStore> = match &location.prefix {
        Some(prefix) => Arc::new(PrefixStore::new(s3, prefix.as_str())),
        None => Arc::new(s3),
    };
    Ok(ObjectBlobStore::new(store, location.describe()))
}

fn builder(
    location: &S3Location,
    credentials: &S3Credentials,
) -> Result<AmazonS3Builder, StoreError> {
    let client = ClientOptions::new()
        .with_connect_timeout(CONNECT_TIMEOUT)
        .with_timeout(REQUEST_TIMEOUT)
        .with_allow_http(
            location
                .endpoint
                .as_deref()
                .is_some_and(|e| e.starts_with("http://")),
        );
    let retry = RetryConfig {
        backoff: BackoffConfig {
            init_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(1),
            base: 2.0,
        },
        max_retries: MAX_RETRIES,
        retry_timeout: RETRY_TIMEOUT,
    };
    let mut builder = AmazonS3Builder::new()
        .with_bucket_name(&location.bucket)
        .with_region(&location.region)
        .with_access_key_id(&credentials.access_key_id)
        .with_secret_access_key(&credentials.secret_access_key)
        .with_virtual_hosted_style_request(!location.path_style)
        .with_client_options(client)
        .with_retry(retry);
    if let Some(token) = &credentials.session_token {
        builder = builder.with_token(token);
    }
    if let Some(endpoint) = &location.endpoint {
        builder = builder.with_endpoint(if location.path_style {
            endpoint.clone()
        } else {
            bucket_host(endpoint, &location.bucket)?
        });
    }
    Ok(builder)
}

/// `https://host:port` → `https://bucket.host:port`: object_store expects a virtual-hosted
/// endpoint to name the bucket already.
fn bucket_host(endpoint: &str, bucket: &str) -> Result<String, StoreError> {
    let mut url =
        url::Url::parse(endpoint).map_err(|e| StoreError::Config(format!("bad endpoint: {e}")))?;
    let host = format!("{bucket}.{}", url.host_str().unwrap_or_default());
    url.set_host(Some(&host))
        .map_err(|e| StoreError::Config(format!("bad endpoint host {host:?}: {e}")))?;
    Ok(url.origin().ascii_serialization())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        }
    }

    #[test]
    fn tapedeck_variables_win_over_aws_ones() {
        let found = S3Credentials::from_vars(vars(&[
            ("AWS_ACCESS_KEY_ID", "aws-id"),
            ("AWS_SECRET_ACCESS_KEY", "aws-secret"),
            ("TAPEDECK_S3_ACCESS_KEY_ID", "td-id"),
            ("TAPEDECK_S3_SECRET_ACCESS_KEY", "td-secret"),
        ]))
        .unwrap()
        .unwrap();
        assert_eq!(found.access_key_id, "td-id");
        let aws = S3Credentials::from_vars(vars(&[
            ("AWS_ACCESS_KEY_ID", "aws-id"),
            ("AWS_SECRET_ACCESS_KEY", "aws-secret"),
            ("AWS_SESSION_TOKEN", "tok"),
        ]))
        .unwrap()
        .unwrap();
        assert_eq!(
            (aws.access_key_id.as_str(), aws.session_token.as_deref()),
            ("aws-id", Some("tok"))
        );
        assert_eq!(S3Credentials::from_vars(vars(&[])).unwrap(), None);
    }

    #[test]
    fn half_a_key_pair_is_a_config_error() {
        let result =
            S3Credentials::from_vars(vars(&[("TAPEDECK_S3_ACCESS_KEY_ID", "only-the-id")]));
        assert!(matches!(result, Err(StoreError::Config(m)) if m.contains("TAPEDECK_S3")));
    }

    #[test]
    fn debug_and_describe_hide_secrets() {
        let credentials = S3Credentials {
            access_key_id: "id".into(),
            secret_access_key: "very-secret".into(),
            session_token: Some("token-secret".into()),
        };
        let debug = format!("{credentials:?}");
        assert!(!debug.contains("very-secret") && !debug.contains("token-secret"));
        let store = open_s3(
            "s3://bucket/p?endpoint=http://127.0.0.1:1",
            Some(&credentials),
        )
        .unwrap();
        let described = crate::BlobStore::describe(&store);
        assert!(described.contains("bucket/p"), "{described}");
        assert!(!described.contains("very-secret"), "{described}");
    }

    #[test]
    fn no_credentials_is_a_config_error() {
        assert!(matches!(
            open_s3("s3://bucket", None),
            Err(StoreError::Config(m)) if m.contains("no credentials")
        ));
    }

    #[test]
    fn virtual_hosted_endpoints_name_the_bucket() {
        assert_eq!(
            bucket_host("https://r2.example:8443", "b1").unwrap(),
            "https://b1.r2.example:8443"
        );
    }
}
