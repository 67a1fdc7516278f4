//! The BlobStore: recording bytes by key, on any `object_store` backend: a local directory,
//! memory (tests), or an S3-compatible bucket (`blob/s3.rs`). A successful `put` is durable: the
//! local directory backend fsyncs the file and its directories before returning, and an object
//! store acknowledges a PUT only once it has stored the object.

use std::ops::Range;
use std::sync::Arc;

use async_trait::async_trait;
use bytes::Bytes;
use futures::TryStreamExt;
use object_store::local::LocalFileSystem;
use object_store::memory::InMemory;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

use crate::StoreError;

mod s3;
mod s3_url;

pub use s3::S3Credentials;
pub use s3_url::{S3Location, parse_s3_url};

/// Where recording bytes live.
#[async_trait]
pub trait BlobStore: Send + Sync {
    /// Writes `bytes` under `key`, replacing what was there; durable once it returns `Ok`.
    async fn put(&self, key: &str, bytes: Bytes) -> Result<(), StoreError>;
    /// Reads the whole blob under `key`.
    async fn get(&self, key: &str) -> Result<Bytes, StoreError>;
    /// Reads bytes `range` of the blob under `key` (a ranged GET on object stores).
    async fn get_range(&self, key: &str, range: Range<u64>) -> Result<Bytes, StoreError>;
    /// The keys of every blob under `prefix` (a folder: `a/b` lists `a/b/…`).
    async fn list_prefix(&self, prefix: &str) -> Result<Vec<String>, StoreError>;
    /// Deletes the blob under `key`; deleting a missing blob is not an error.
    async fn delete(&self, key: &str) -> Result<(), StoreError>;
    /// A short description for logs (never contains credentials).
    fn describe(&self) -> String;
}

/// A BlobStore on an `object_store` backend.
pub struct ObjectBlobStore {
    inner: Arc<dyn ObjectStore>,
    description: String,
}

impl ObjectBlobStore {
    pub fn new(inner: Arc<dyn ObjectStore>, description: impl Into<String>) -> Self {
        Self {
            inner,
            description: description.into(),
        }
    }
}

#[async_trait]
impl BlobStore for ObjectBlobStore {
    async fn put(&self, key: &str, bytes: Bytes) -> Result<(), StoreError> {
        self.inner
            .put(&Path::from(key), PutPayload::from(bytes))
            .await?;
        Ok(())
    }

    async fn get(&self, key: &str) -> Result<Bytes, StoreError> {
        Ok(self.inner.get(&Path::from(key)).await?.bytes().await?)
    }

    async fn get_range(&self, key: &str, range: Range<u64>) -> Result<Bytes, StoreError> {
        Ok(self.inner.get_range(&Path::from(key), range).await?)
    }

    async fn list_prefix(&self, prefix: &str) -> Result<Vec<String>, StoreError> {
        let prefix = Path::from(prefix);
        let metas: Vec<_> = self.inner.list(Some(&prefix)).try_collect().await?;
        Ok(metas.into_iter().map(|m| m.location.to_string()).collect())
    }

    async fn delete(&self, key: &str) -> Result<(), StoreError> {
        match self.inner.delete(&Path::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    fn describe(&self) -> String {
        self.description.clone()
    }
}

/// Opens the BlobStore a URL names: `file:///abs/dir` (created if missing), `memory://`, or
/// `s3://bucket[/prefix]?endpoint=…&region=…&path_style=…` signed with the credentials of
/// [`S3Credentials::from_env`].
pub fn open_blob_store(url: &str) -> Result<Arc<dyn BlobStore>, StoreError> {
    let credentials = if url.starts_with("s3:") {
        S3Credentials::from_env()?
    } else {
        None
    };
    open_blob_store_with(url, credentials.as_ref())
}

/// Checks a blob store URL without opening anything (config loading reports mistakes early).
pub fn check_blob_store_url(url: &str) -> Result<(), StoreError> {
    if url.starts_with("file://") || url == "memory://" {
        Ok(())
    } else if url.starts_with("s3:") {
        parse_s3_url(url).map(|_| ())
    } else {
        Err(unsupported(url))
    }
}

/// Names only the scheme: the rest of an unknown URL might hold a secret.
fn unsupported(url: &str) -> StoreError {
    let scheme = url.split_once("://").map_or("(none)", |(scheme, _)| scheme);
    StoreError::Config(format!(
        "unsupported blob_store scheme {scheme:?}: use file:///path, s3://bucket?… or memory://"
    ))
}

/// [`open_blob_store`] with the S3 credentials given (ignored by the other schemes).
pub fn open_blob_store_with(
    url: &str,
    s3_credentials: Option<&S3Credentials>,
) -> Result<Arc<dyn BlobStore>, StoreError> {
    if let Some(dir) = url.strip_prefix("file://") {
        std::fs::create_dir_all(dir)
            .map_err(|e| StoreError::Config(format!("cannot create blob directory {dir}: {e}")))?;
        let local = LocalFileSystem::new_with_prefix(dir)
            .map_err(|e| StoreError::Config(format!("blob directory {dir}: {e}")))?
            .with_fsync(true);
        Ok(Arc::new(ObjectBlobStore::new(
            Arc::new(local),
            format!("local directory {dir}"),
        )))
    } else if url == "memory://" {
        Ok(Arc::new(ObjectBlobStore::new(
            Arc::new(InMemory::new()),
            "memory",
        )))
    } else if url.starts_with("s3:") {
        Ok(Arc::new(s3::open_s3(url, s3_credentials)?))
    } else {
        Err(unsupported(url))
    }
}
