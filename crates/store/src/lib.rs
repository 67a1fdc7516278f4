//! Tapedeck's storage: metadata in a [`MetaStore`] (SQLite today, PostgreSQL next, chosen by URL
//! scheme) and recording bytes in a [`BlobStore`] (object_store: local directory or memory today,
//! S3-compatible next). Handlers only ever see `Arc<dyn MetaStore>` and `Arc<dyn BlobStore>`.

mod blob;
mod error;
mod meta;
mod sqlite;

pub use blob::{BlobStore, ObjectBlobStore, open_blob_store};
pub use error::StoreError;
pub use meta::*;
pub use sqlite::SqliteMetaStore;

use std::sync::Arc;

/// Opens the MetaStore a database URL names (`sqlite://path`), creating the database file if
/// needed. Migrations are not applied here: call [`MetaStore::migrate`].
pub async fn open_meta_store(
    database_url: &str,
) -> std::result::Result<Arc<dyn MetaStore>, StoreError> {
    if database_url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteMetaStore::connect(database_url).await?))
    } else if database_url.starts_with("postgres:") || database_url.starts_with("postgresql:") {
        Err(StoreError::Config(
            "the PostgreSQL MetaStore is not built yet; use sqlite://".into(),
        ))
    } else {
        Err(StoreError::Config(format!(
            "unsupported database_url scheme in {database_url:?}"
        )))
    }
}
