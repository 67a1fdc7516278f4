//! Tapedeck's storage: metadata in a [`MetaStore`] (SQLite or PostgreSQL, chosen by URL
//! scheme) and recording bytes in a [`BlobStore`] (object_store: local directory, memory, or an
//! S3-compatible bucket; one per storage region). Handlers only ever see `Arc<dyn MetaStore>`
//! and `Arc<dyn BlobStore>`.

mod annotations;
mod api_keys;
mod blob;
mod compaction_meta;
pub mod erase;
mod error;
mod ingest_keys;
mod members;
mod meta;
mod postgres;
mod recording_store;
mod regions;
mod session_search;
mod sqlite;
mod timeline_rows;
mod vault;
mod window_reader;

pub use annotations::*;
pub use api_keys::{ApiKey, NewApiKey};
pub use blob::{
    BlobStore, ObjectBlobStore, S3Credentials, S3Location, check_blob_store_url, open_blob_store,
    open_blob_store_with, parse_s3_url,
};
pub use compaction_meta::*;
pub use error::StoreError;
pub use ingest_keys::{IngestKey, LiveIngestKey, NewIngestKey, RetireOutcome};
pub use members::*;
pub use meta::*;
pub use postgres::PgMetaStore;
pub use recording_store::{BlobOwner, RecordingStore};
pub use regions::{BlobRegions, DEFAULT_REGION, check_region_name};
pub use session_search::{LinkRef, SessionCounts, SessionListItem};
pub use sqlite::SqliteMetaStore;
pub use vault::{MasterKey, SEAL_OVERHEAD, Vault, rotate_master_key};
pub use window_reader::{
    MAX_SEGMENT_DECODED_BYTES, SessionWindow, StoredWindow, TimeRange, WindowEvents, heads_of,
    load_window, read_session_window, read_window, stored_windows,
};

use std::sync::Arc;

/// Opens the MetaStore a database URL names: `sqlite://path` (the file is created if needed) or
/// `postgres://user:password@host:port/database` (the database must exist). Migrations are not
/// applied here: call [`MetaStore::migrate`].
pub async fn open_meta_store(
    database_url: &str,
) -> std::result::Result<Arc<dyn MetaStore>, StoreError> {
    if database_url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteMetaStore::connect(database_url).await?))
    } else if database_url.starts_with("postgres:") || database_url.starts_with("postgresql:") {
        Ok(Arc::new(PgMetaStore::connect(database_url).await?))
    } else {
        Err(StoreError::Config(format!(
            "unsupported database_url scheme in {database_url:?}"
        )))
    }
}
