//! Where the master encryption key comes from: the configured key file, else the
//! `TAPEDECK_ENCRYPTION_KEY` env var, else `<data_dir>/master.key` — created on first run, but
//! only on the embedded default (SQLite), because scale-out nodes must all hold the same key and
//! a key made up by one node would make the others' data unreadable.

use std::path::PathBuf;

use anyhow::Context;
use tapedeck_store::MasterKey;
use zeroize::Zeroizing;

use crate::config::Config;

/// The env var that may hold the master key itself (64 hex characters).
pub const KEY_ENV: &str = "TAPEDECK_ENCRYPTION_KEY";

pub fn master_key(config: &Config) -> anyhow::Result<MasterKey> {
    if let Some(path) = &config.encryption_key_file {
        return Ok(MasterKey::load_file(path)?);
    }
    if let Some(text) = std::env::var(KEY_ENV).ok().filter(|v| !v.is_empty()) {
        let text = Zeroizing::new(text);
        return MasterKey::parse(&text).with_context(|| format!("{KEY_ENV} is not a valid key"));
    }
    let path = default_key_path(config);
    if path.exists() {
        return Ok(MasterKey::load_file(&path)?);
    }
    if !config.database_url.starts_with("sqlite:") {
        anyhow::bail!(
            "no encryption key configured: with a shared database every node needs the same \
             master key; set encryption_key_file or {KEY_ENV} (create one with \
             `openssl rand -hex 32 > master.key`)"
        );
    }
    let key = MasterKey::create_file(&path)?;
    tracing::info!(path = %path.display(), key.id = key.id(), "created a master encryption key");
    Ok(key)
}

pub fn default_key_path(config: &Config) -> PathBuf {
    config.data_dir.join("master.key")
}
