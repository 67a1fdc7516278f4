//! The one way recording bytes are written and read: every blob is sealed with its
//! organization's data key (the [`Vault`]) and lives in its project's storage region
//! ([`BlobRegions`]). Handlers, the worker, export and retention all go through here, so no code
//! path can write plaintext or put a project's bytes in another region's store.

use std::sync::Arc;

use bytes::Bytes;
use tapedeck_core::seal::Sealer;

use crate::regions::BlobRegions;
use crate::vault::Vault;
use crate::{BlobStore, Project, StoreError};

/// Whose bytes these are: decides the data key (organization) and the store (region).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobOwner {
    pub organization_id: String,
    pub region: String,
}

impl BlobOwner {
    pub fn of(project: &Project) -> Self {
        Self {
            organization_id: project.organization_id.clone(),
            region: project.region.clone(),
        }
    }
}

/// Sealed, region-routed recording bytes.
#[derive(Clone)]
pub struct RecordingStore {
    regions: BlobRegions,
    vault: Arc<Vault>,
}

impl RecordingStore {
    pub fn new(regions: BlobRegions, vault: Arc<Vault>) -> Self {
        Self { regions, vault }
    }

    /// The names of the server's storage regions, sorted (`default` among them).
    pub fn region_names(&self) -> Vec<String> {
        self.regions.names()
    }

    /// Returns true when the server has a storage region of this name.
    pub fn has_region(&self, region: &str) -> bool {
        self.regions.get(region).is_ok()
    }

    /// The raw blob store of the owner's region (sealed bytes only: use for range reads and
    /// deletes; write with [`Self::put_sealed`] or after sealing with [`Self::sealer`]).
    pub fn blobs(&self, owner: &BlobOwner) -> Result<Arc<dyn BlobStore>, StoreError> {
        self.regions.get(&owner.region)
    }

    /// The sealer of the owner's organization (creates its data key on first use).
    pub async fn sealer(&self, owner: &BlobOwner) -> Result<Arc<dyn Sealer>, StoreError> {
        self.vault.sealer(&owner.organization_id).await
    }

    /// Seals `plaintext` as one part and writes it under `key`; returns the stored size.
    pub async fn put_sealed(
        &self,
        owner: &BlobOwner,
        key: &str,
        plaintext: &[u8],
    ) -> Result<u64, StoreError> {
        let sealed = self.sealer(owner).await?.seal(plaintext);
        let size = sealed.len() as u64;
        self.blobs(owner)?.put(key, Bytes::from(sealed)).await?;
        Ok(size)
    }

    /// Reads the blob under `key` and opens it (written by [`Self::put_sealed`]).
    pub async fn get_opened(&self, owner: &BlobOwner, key: &str) -> Result<Vec<u8>, StoreError> {
        let sealed = self.blobs(owner)?.get(key).await?;
        let sealer = self.sealer(owner).await?;
        sealer
            .open(&sealed)
            .map_err(|e| StoreError::Corrupt(format!("blob {key}: {e}")))
    }

    /// Deletes the blob under `key` (missing is fine).
    pub async fn delete(&self, owner: &BlobOwner, key: &str) -> Result<(), StoreError> {
        self.blobs(owner)?.delete(key).await
    }
}
