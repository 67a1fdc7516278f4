//! Configuration of `tapedeck serve` and the admin commands: defaults < `tapedeck.toml` (or
//! `--config FILE`) < `TAPEDECK_*` environment variables < command-line flags. Every key is
//! documented in docs/CONFIG.md and printed, annotated, by `tapedeck config print`.

use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Deserialize;

/// Every key, as a file, the environment or flags may give it.
#[derive(Debug, Default, Clone, Deserialize, clap::Args)]
#[serde(deny_unknown_fields)]
pub struct ConfigLayer {
    /// Address to listen on [default: 127.0.0.1:7070]
    #[arg(long, global = true)]
    pub listen: Option<String>,
    /// Directory for the embedded database and blobs [default: ./tapedeck-data]
    #[arg(long, global = true)]
    pub data_dir: Option<PathBuf>,
    /// Metadata database URL [default: sqlite://<data_dir>/tapedeck.db]
    #[arg(long, global = true)]
    pub database_url: Option<String>,
    /// Blob store URL [default: file://<data_dir>/blobs]
    #[arg(long, global = true)]
    pub blob_store: Option<String>,
    /// File holding the master encryption key, 64 hex characters [default: TAPEDECK_ENCRYPTION_KEY, else <data_dir>/master.key, created on first run with SQLite]
    #[arg(long, global = true)]
    pub encryption_key_file: Option<PathBuf>,
    /// URL users reach this server at [default: http://<listen>]
    #[arg(long, global = true)]
    pub public_url: Option<String>,
    /// Seconds without a batch after which a session stops being live [default: 300]
    #[arg(long, global = true)]
    pub session_idle_secs: Option<u64>,
}

impl ConfigLayer {
    fn from_env(get: impl Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        Ok(Self {
            listen: get("TAPEDECK_LISTEN"),
            data_dir: get("TAPEDECK_DATA_DIR").map(PathBuf::from),
            database_url: get("TAPEDECK_DATABASE_URL"),
            blob_store: get("TAPEDECK_BLOB_STORE"),
            encryption_key_file: get("TAPEDECK_ENCRYPTION_KEY_FILE").map(PathBuf::from),
            public_url: get("TAPEDECK_PUBLIC_URL"),
            session_idle_secs: get("TAPEDECK_SESSION_IDLE_SECS")
                .map(|v| {
                    v.parse()
                        .context("TAPEDECK_SESSION_IDLE_SECS must be a whole number")
                })
                .transpose()?,
        })
    }

    /// Returns this layer with the gaps filled from `lower`.
    fn over(self, lower: ConfigLayer) -> ConfigLayer {
        ConfigLayer {
            listen: self.listen.or(lower.listen),
            data_dir: self.data_dir.or(lower.data_dir),
            database_url: self.database_url.or(lower.database_url),
            blob_store: self.blob_store.or(lower.blob_store),
            encryption_key_file: self.encryption_key_file.or(lower.encryption_key_file),
            public_url: self.public_url.or(lower.public_url),
            session_idle_secs: self.session_idle_secs.or(lower.session_idle_secs),
        }
    }
}

/// The resolved configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub listen: String,
    pub data_dir: PathBuf,
    pub database_url: String,
    pub blob_store: String,
    /// Where the master key comes from (see `keys::master_key`).
    pub encryption_key_file: Option<PathBuf>,
    pub public_url: String,
    pub session_idle_secs: u64,
}

/// Resolves the configuration from the flags, the environment and the config file.
pub fn load(flags: ConfigLayer, config_file: Option<&Path>) -> anyhow::Result<Config> {
    let env = ConfigLayer::from_env(|key| std::env::var(key).ok().filter(|v| !v.is_empty()))?;
    let file = match config_file {
        Some(path) => read_file(path)?,
        None if Path::new("tapedeck.toml").exists() => read_file(Path::new("tapedeck.toml"))?,
        None => ConfigLayer::default(),
    };
    resolve(flags.over(env).over(file))
}

fn read_file(path: &Path) -> anyhow::Result<ConfigLayer> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read config file {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("config file {} is not valid", path.display()))
}

fn resolve(layer: ConfigLayer) -> anyhow::Result<Config> {
    let listen = layer.listen.unwrap_or_else(|| "127.0.0.1:7070".into());
    let data_dir = layer
        .data_dir
        .unwrap_or_else(|| PathBuf::from("./tapedeck-data"));
    // Absolute paths, so URLs built from them do not depend on the working directory later.
    let data_dir = std::path::absolute(&data_dir)
        .with_context(|| format!("bad data_dir {}", data_dir.display()))?;
    let database_url = layer
        .database_url
        .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("tapedeck.db").display()));
    let blob_store = layer
        .blob_store
        .unwrap_or_else(|| format!("file://{}", data_dir.join("blobs").display()));
    let public_url = layer
        .public_url
        .unwrap_or_else(|| format!("http://{listen}"))
        .trim_end_matches('/')
        .to_string();
    Ok(Config {
        listen,
        data_dir,
        database_url,
        blob_store,
        encryption_key_file: layer.encryption_key_file,
        public_url,
        session_idle_secs: layer.session_idle_secs.unwrap_or(300),
    })
}

/// The annotated default configuration, as `tapedeck config print` shows it.
pub const ANNOTATED_DEFAULTS: &str = r#"# tapedeck.toml — every key is optional; TAPEDECK_<KEY> env vars and --<key> flags override it.

# Address the server listens on.
listen = "127.0.0.1:7070"

# Directory of the embedded default: the SQLite database and the recording blobs.
data_dir = "./tapedeck-data"

# Metadata database. Default: sqlite://<data_dir>/tapedeck.db (postgres://… for scale-out, coming).
# database_url = "sqlite://./tapedeck-data/tapedeck.db"

# Where recordings are stored. Default: file://<data_dir>/blobs (s3://… coming).
# blob_store = "file:///var/lib/tapedeck/blobs"

# The master encryption key (64 hex characters, e.g. `openssl rand -hex 32 > master.key`).
# Recordings are always encrypted at rest with per-organization data keys wrapped by this key.
# Default: the TAPEDECK_ENCRYPTION_KEY env var if set, else <data_dir>/master.key, created on
# first run when the database is SQLite. With PostgreSQL (several nodes) set it explicitly, the
# same on every node. Keep it out of backups of the data: the key alone unlocks them.
# encryption_key_file = "/etc/tapedeck/master.key"

# The URL users reach this server at; used in links, and https here makes cookies Secure.
# Default: http://<listen>
# public_url = "https://replay.example.com"

# Seconds without a new batch after which a session is no longer shown as live.
session_idle_secs = 300
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_derive_from_data_dir_and_listen() {
        let config = resolve(ConfigLayer {
            data_dir: Some("/srv/td".into()),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(config.database_url, "sqlite:///srv/td/tapedeck.db");
        assert_eq!(config.blob_store, "file:///srv/td/blobs");
        assert_eq!(config.public_url, "http://127.0.0.1:7070");
        assert_eq!(config.session_idle_secs, 300);
    }

    #[test]
    fn flags_beat_env_beat_file() {
        let file: ConfigLayer = toml::from_str(
            "listen = \"0.0.0.0:1\"\nsession_idle_secs = 5\npublic_url = \"https://f/\"",
        )
        .unwrap();
        let env =
            ConfigLayer::from_env(|k| (k == "TAPEDECK_LISTEN").then(|| "127.0.0.1:2".to_string()))
                .unwrap();
        let flags = ConfigLayer {
            session_idle_secs: Some(9),
            ..Default::default()
        };
        let config = resolve(flags.over(env).over(file)).unwrap();
        assert_eq!(
            (config.listen.as_str(), config.session_idle_secs),
            ("127.0.0.1:2", 9)
        );
        assert_eq!(config.public_url, "https://f");
    }

    #[test]
    fn the_printed_defaults_parse_and_unknown_keys_are_refused() {
        assert!(toml::from_str::<ConfigLayer>(ANNOTATED_DEFAULTS).is_ok());
        assert!(toml::from_str::<ConfigLayer>("lisen = 1").is_err());
    }
}
