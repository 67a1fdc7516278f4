//! The BlobStore: recording bytes by key, on any `object_store` backend. A successful `put` is
//! durable: the local directory backend fsyncs the file and its directories before returning.

use std::sync::Arc;

use async_trait::async_trait;
use bytes::Bytes;
use object_store::local::LocalFileSystem;
use object_store::memory::InMemory;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

use crate::StoreError;

/// Where recording bytes live.
#[async_trait]
pub trait BlobStore: Send + Sync {
    /// Writes `bytes` under `key`, replacing what was there; durable once it returns `Ok`.
    async fn put(&self, key: &str, bytes: Bytes) -> Result<(), StoreError>;
    /// Reads the whole blob under `key`.
    async fn get(&self, key: &str) -> Result<Bytes, StoreError>;
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

/// Opens the BlobStore a URL names: `file:///abs/dir` (created if missing) or `memory://`.
pub fn open_blob_store(url: &str) -> Result<Arc<dyn BlobStore>, StoreError> {
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
    } else {
        Err(StoreError::Config(format!(
            "unsupported blob_store {url:?}: use file:///path or memory://"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn round_trip(store: Arc<dyn BlobStore>) {
        store
            .put("a/b/1.bin", Bytes::from_static(b"hello"))
            .await
            .unwrap();
        assert_eq!(
            store.get("a/b/1.bin").await.unwrap(),
            Bytes::from_static(b"hello")
        );
        store
            .put("a/b/1.bin", Bytes::from_static(b"again"))
            .await
            .unwrap();
        assert_eq!(
            store.get("a/b/1.bin").await.unwrap(),
            Bytes::from_static(b"again")
        );
        assert!(matches!(
            store.get("a/b/missing").await,
            Err(StoreError::NotFound)
        ));
        store.delete("a/b/1.bin").await.unwrap();
        store.delete("a/b/1.bin").await.unwrap();
        assert!(matches!(
            store.get("a/b/1.bin").await,
            Err(StoreError::NotFound)
        ));
    }

    #[tokio::test]
    async fn local_directory_conforms() {
        let dir = tempfile::tempdir().unwrap();
        let store =
            open_blob_store(&format!("file://{}", dir.path().join("blobs").display())).unwrap();
        round_trip(store).await;
    }

    #[tokio::test]
    async fn memory_conforms() {
        round_trip(open_blob_store("memory://").unwrap()).await;
    }

    #[test]
    fn unknown_scheme_is_a_config_error() {
        assert!(matches!(
            open_blob_store("ftp://x"),
            Err(StoreError::Config(_))
        ));
    }
}
