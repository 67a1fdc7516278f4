//! The storage part of the configuration: S3 credentials and named storage regions.
//!
//! A region is a blob store of its own (data residency: `eu` in an EU bucket); `blob_store` is
//! the `default` region. In a file: `[regions.eu] blob_store = "s3://…"`; in the environment:
//! `TAPEDECK_REGIONS__EU__BLOB_STORE` (the name upper-cased, `-` written `_`); as a flag:
//! `--region-blob-store eu=s3://…`. S3 secrets come from the file or the environment only, never
//! from a flag or the URL (both end up in `ps` listings and logs).

use std::collections::BTreeMap;
use std::fmt;

use anyhow::{Context, bail};
use serde::Deserialize;
use tapedeck_store::{
    BlobRegions, DEFAULT_REGION, S3Credentials, check_blob_store_url, check_region_name,
    open_blob_store_with,
};

/// A secret config value: `Debug` never shows it.
#[derive(Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(pub String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"***\"")
    }
}

/// The S3 credential keys, at the top level (every region) or in one region's table.
#[derive(Debug, Default, Clone)]
pub struct S3Layer {
    pub s3_access_key_id: Option<String>,
    pub s3_secret_access_key: Option<Secret>,
    pub s3_session_token: Option<Secret>,
}

impl S3Layer {
    /// `TAPEDECK_S3_*` (or `TAPEDECK_REGIONS__NAME__S3_*`: `prefix` is what comes before `S3_`).
    pub fn from_env(prefix: &str, get: &impl Fn(&str) -> Option<String>) -> Self {
        Self {
            s3_access_key_id: get(&format!("{prefix}S3_ACCESS_KEY_ID")),
            s3_secret_access_key: get(&format!("{prefix}S3_SECRET_ACCESS_KEY")).map(Secret),
            s3_session_token: get(&format!("{prefix}S3_SESSION_TOKEN")).map(Secret),
        }
    }

    /// The standard `AWS_*` variables: the lowest layer, under the config file.
    pub fn from_aws_env(get: &impl Fn(&str) -> Option<String>) -> Self {
        Self {
            s3_access_key_id: get("AWS_ACCESS_KEY_ID"),
            s3_secret_access_key: get("AWS_SECRET_ACCESS_KEY").map(Secret),
            s3_session_token: get("AWS_SESSION_TOKEN").map(Secret),
        }
    }

    fn is_empty(&self) -> bool {
        self.s3_access_key_id.is_none()
            && self.s3_secret_access_key.is_none()
            && self.s3_session_token.is_none()
    }

    fn resolve(self, source: &str) -> anyhow::Result<Option<S3Credentials>> {
        Ok(S3Credentials::pair(
            self.s3_access_key_id,
            self.s3_secret_access_key.map(|s| s.0),
            self.s3_session_token.map(|s| s.0),
            source,
        )?)
    }
}

/// One `[regions.NAME]` table as a layer gives it. (Fields spelled out rather than a flattened
/// `S3Layer`: serde cannot refuse unknown keys through `flatten`.)
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionLayer {
    pub blob_store: Option<String>,
    pub s3_access_key_id: Option<String>,
    pub s3_secret_access_key: Option<Secret>,
    pub s3_session_token: Option<Secret>,
}

impl RegionLayer {
    fn over(self, lower: RegionLayer) -> RegionLayer {
        RegionLayer {
            blob_store: self.blob_store.or(lower.blob_store),
            s3_access_key_id: self.s3_access_key_id.or(lower.s3_access_key_id),
            s3_secret_access_key: self.s3_secret_access_key.or(lower.s3_secret_access_key),
            s3_session_token: self.s3_session_token.or(lower.s3_session_token),
        }
    }

    fn s3(&self) -> S3Layer {
        S3Layer {
            s3_access_key_id: self.s3_access_key_id.clone(),
            s3_secret_access_key: self.s3_secret_access_key.clone(),
            s3_session_token: self.s3_session_token.clone(),
        }
    }
}

/// Merges region tables name by name, `upper`'s keys winning.
pub fn merge_regions(
    mut upper: BTreeMap<String, RegionLayer>,
    lower: BTreeMap<String, RegionLayer>,
) -> BTreeMap<String, RegionLayer> {
    for (name, layer) in lower {
        let merged = match upper.remove(&name) {
            Some(high) => high.over(layer),
            None => layer,
        };
        upper.insert(name, merged);
    }
    upper
}

const REGION_ENV_PREFIX: &str = "TAPEDECK_REGIONS__";

/// The regions the environment names: `TAPEDECK_REGIONS__<NAME>__<KEY>`.
pub fn regions_from_env(
    vars: impl IntoIterator<Item = (String, String)>,
) -> anyhow::Result<BTreeMap<String, RegionLayer>> {
    let mut regions: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for (name, value) in vars {
        let Some(rest) = name.strip_prefix(REGION_ENV_PREFIX) else {
            continue;
        };
        if value.is_empty() {
            continue;
        }
        let Some((region, key)) = rest.split_once("__") else {
            bail!("{name}: use {REGION_ENV_PREFIX}<NAME>__BLOB_STORE (or __S3_…)");
        };
        let region = region.to_ascii_lowercase().replace('_', "-");
        regions
            .entry(region)
            .or_default()
            .insert(key.to_string(), value);
    }
    regions
        .into_iter()
        .map(|(region, mut keys)| {
            let prefix = format!(
                "{REGION_ENV_PREFIX}{}__",
                region.to_uppercase().replace('-', "_")
            );
            let s3 = S3Layer::from_env("", &|name: &str| keys.get(name).cloned());
            let layer = RegionLayer {
                blob_store: keys.remove("BLOB_STORE"),
                s3_access_key_id: s3.s3_access_key_id,
                s3_secret_access_key: s3.s3_secret_access_key,
                s3_session_token: s3.s3_session_token,
            };
            for known in [
                "S3_ACCESS_KEY_ID",
                "S3_SECRET_ACCESS_KEY",
                "S3_SESSION_TOKEN",
            ] {
                keys.remove(known);
            }
            if let Some(unknown) = keys.keys().next() {
                bail!(
                    "{prefix}{unknown}: unknown key; use BLOB_STORE, S3_ACCESS_KEY_ID, \
                     S3_SECRET_ACCESS_KEY or S3_SESSION_TOKEN"
                );
            }
            Ok((region, layer))
        })
        .collect()
}

/// `--region-blob-store NAME=URL`.
pub fn parse_region_flag(value: &str) -> Result<(String, String), String> {
    let (name, url) = value
        .split_once('=')
        .ok_or_else(|| "expected NAME=URL, e.g. eu=s3://bucket?region=eu-west-1".to_string())?;
    check_region_name(name).map_err(|e| e.to_string())?;
    Ok((name.to_string(), url.to_string()))
}

/// A named region, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionConfig {
    pub blob_store: String,
    /// This region's own credentials; `None` uses the top-level ones.
    pub s3_credentials: Option<S3Credentials>,
}

/// Checks every region and resolves its keys.
pub fn resolve_regions(
    layers: BTreeMap<String, RegionLayer>,
) -> anyhow::Result<BTreeMap<String, RegionConfig>> {
    layers
        .into_iter()
        .map(|(name, layer)| {
            check_region_name(&name)?;
            if name == DEFAULT_REGION {
                bail!(
                    "region {DEFAULT_REGION:?} is blob_store itself: name the other regions \
                     differently"
                );
            }
            let s3 = layer.s3();
            let blob_store = layer
                .blob_store
                .with_context(|| format!("region {name:?} has no blob_store"))?;
            check_blob_store_url(&blob_store)
                .with_context(|| format!("regions.{name}.blob_store"))?;
            let s3_credentials = if s3.is_empty() {
                None
            } else {
                s3.resolve(&format!("regions.{name}"))?
            };
            Ok((
                name,
                RegionConfig {
                    blob_store,
                    s3_credentials,
                },
            ))
        })
        .collect()
}

/// Resolves the top-level S3 credential keys.
pub fn resolve_s3(layer: S3Layer) -> anyhow::Result<Option<S3Credentials>> {
    layer.resolve("s3_access_key_id / s3_secret_access_key")
}

/// Opens the blob store of every region: `default` on `blob_store`, the others on theirs.
pub fn open_regions(
    blob_store: &str,
    credentials: Option<&S3Credentials>,
    regions: &BTreeMap<String, RegionConfig>,
) -> anyhow::Result<BlobRegions> {
    let default = open_blob_store_with(blob_store, credentials).context("opening blob_store")?;
    let named = regions
        .iter()
        .map(|(name, region)| {
            let credentials = region.s3_credentials.as_ref().or(credentials);
            let store = open_blob_store_with(&region.blob_store, credentials)
                .with_context(|| format!("opening the blob store of region {name:?}"))?;
            Ok((name.clone(), store))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(BlobRegions::new(default, named)?)
}
