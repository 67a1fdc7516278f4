//! Named storage regions (data residency): each region is a blob store of its own, and a
//! project's recording bytes live only in its region's store.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::{BlobStore, StoreError, open_blob_store};

/// The region every project uses unless it is pinned to another one.
pub const DEFAULT_REGION: &str = "default";

/// The blob store of each region.
#[derive(Clone)]
pub struct BlobRegions {
    stores: BTreeMap<String, Arc<dyn BlobStore>>,
}

impl BlobRegions {
    /// Only the default region, on `store`.
    pub fn single(store: Arc<dyn BlobStore>) -> Self {
        Self {
            stores: BTreeMap::from([(DEFAULT_REGION.to_string(), store)]),
        }
    }

    /// The default region on `default` plus the named ones; names are checked with
    /// [`check_region_name`] and must be unique.
    pub fn new(
        default: Arc<dyn BlobStore>,
        named: impl IntoIterator<Item = (String, Arc<dyn BlobStore>)>,
    ) -> Result<Self, StoreError> {
        let mut regions = Self::single(default);
        for (name, store) in named {
            check_region_name(&name)?;
            if name == DEFAULT_REGION {
                return Err(StoreError::Config(format!(
                    "region name {DEFAULT_REGION:?} is taken by blob_store itself"
                )));
            }
            if regions.stores.insert(name.clone(), store).is_some() {
                return Err(StoreError::Config(format!(
                    "storage region {name:?} is configured twice"
                )));
            }
        }
        Ok(regions)
    }

    /// Opens the default region's store from `default_url` and each named region's from its URL
    /// (S3 credentials from the environment, see [`crate::S3Credentials::from_env`]).
    pub fn open(default_url: &str, named: &[(String, String)]) -> Result<Self, StoreError> {
        let named = named
            .iter()
            .map(|(name, url)| {
                check_region_name(name)?;
                Ok((name.clone(), open_blob_store(url)?))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Self::new(open_blob_store(default_url)?, named)
    }

    /// The store of `region`; a region the config does not name is a configuration error.
    pub fn get(&self, region: &str) -> Result<Arc<dyn BlobStore>, StoreError> {
        self.stores.get(region).cloned().ok_or_else(|| {
            StoreError::Config(format!("storage region {region:?} is not configured"))
        })
    }

    /// The configured region names, sorted.
    pub fn names(&self) -> Vec<String> {
        self.stores.keys().cloned().collect()
    }

    /// `name: store description` of every region, for logs (no credentials).
    pub fn describe(&self) -> String {
        self.stores
            .iter()
            .map(|(name, store)| format!("{name}: {}", store.describe()))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// A region name is 1 to 32 of `a-z`, `0-9`, `-` (it is stored with each project and shown in
/// the UI and CLI, so it stays short and plain).
pub fn check_region_name(name: &str) -> Result<(), StoreError> {
    let ok = (1..=32).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(StoreError::Config(format!(
            "bad storage region name {name:?}: 1 to 32 of a-z, 0-9, '-'"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_names_are_short_and_plain() {
        for good in ["eu", "us-east-1", "default", "a", &"x".repeat(32)] {
            assert!(check_region_name(good).is_ok(), "{good}");
        }
        for bad in ["", "EU", "eu_west", "eu.west", "é", &"x".repeat(33)] {
            assert!(check_region_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn named_regions_are_checked() {
        let open = |named: &[(&str, &str)]| {
            let named: Vec<(String, String)> = named
                .iter()
                .map(|(n, u)| (n.to_string(), u.to_string()))
                .collect();
            BlobRegions::open("memory://", &named)
        };
        let regions = open(&[("eu", "memory://"), ("us", "memory://")]).unwrap();
        assert_eq!(regions.names(), ["default", "eu", "us"]);
        assert!(regions.get("eu").is_ok());
        assert!(matches!(regions.get("asia"), Err(StoreError::Config(_))));
        assert!(matches!(
            open(&[("Bad", "memory://")]),
            Err(StoreError::Config(_))
        ));
        assert!(matches!(
            open(&[("default", "memory://")]),
            Err(StoreError::Config(m)) if m.contains("taken")
        ));
        assert!(matches!(
            open(&[("eu", "memory://"), ("eu", "memory://")]),
            Err(StoreError::Config(m)) if m.contains("twice")
        ));
        assert!(matches!(
            open(&[("eu", "ftp://x")]),
            Err(StoreError::Config(_))
        ));
    }
}
