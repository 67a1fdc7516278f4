//! Configuration of `tapedeck serve` and the admin commands: defaults < `tapedeck.toml` (or
//! `--config FILE`) < `TAPEDECK_*` environment variables < command-line flags. Every key is
//! documented in docs/CONFIG.md and printed, annotated, by `tapedeck config print`.

mod storage;
#[cfg(test)]
mod storage_tests;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Deserialize;
use tapedeck_core::client_ip::TrustedProxies;
use tapedeck_store::{BlobRegions, DEFAULT_REGION, S3Credentials};

pub use storage::RegionConfig;
use storage::{RegionLayer, S3Layer, Secret};

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
    /// PEM file of the TLS certificate chain: serve HTTPS (with --tls-key) [default: plain HTTP]
    #[arg(long, global = true)]
    pub tls_cert: Option<PathBuf>,
    /// PEM file of the TLS private key (with --tls-cert)
    #[arg(long, global = true)]
    pub tls_key: Option<PathBuf>,
    /// Who may frame `?embed=1` replay pages: a CSP source list [default: 'self']
    #[arg(long, global = true)]
    pub embed_frame_ancestors: Option<String>,
    /// Ingest requests a minute one ingest key may make on this node, unless the key has its own limit [default: 12000]
    #[arg(long, global = true)]
    pub ingest_rate_limit_per_minute: Option<u32>,
    /// Reverse proxies whose X-Forwarded-For names the client: IPs or CIDR networks, comma-separated [default: 127.0.0.1,::1]
    #[arg(long, value_delimiter = ',', global = true)]
    pub trusted_proxies: Option<Vec<String>>,
    /// Access key id for s3:// blob stores [default: AWS_ACCESS_KEY_ID]
    #[arg(long, global = true)]
    pub s3_access_key_id: Option<String>,
    /// Secret key for s3:// blob stores: file or env only (a flag would show in `ps`).
    #[arg(skip)]
    pub s3_secret_access_key: Option<Secret>,
    /// Session token for temporary S3 credentials: file or env only.
    #[arg(skip)]
    pub s3_session_token: Option<Secret>,
    /// Bearer token `/metrics` requires: file or env only [default: none, /metrics is public]
    #[arg(skip)]
    pub metrics_token: Option<Secret>,
    /// Named storage regions: `[regions.NAME]` tables.
    #[arg(skip)]
    #[serde(default)]
    pub regions: BTreeMap<String, RegionLayer>,
    /// A named storage region's blob store (repeatable) [file: [regions.NAME] blob_store]
    #[arg(long = "region-blob-store", value_name = "NAME=URL", value_parser = storage::parse_region_flag, global = true)]
    #[serde(skip)]
    pub region_blob_stores: Vec<(String, String)>,
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
            tls_cert: get("TAPEDECK_TLS_CERT").map(PathBuf::from),
            tls_key: get("TAPEDECK_TLS_KEY").map(PathBuf::from),
            embed_frame_ancestors: get("TAPEDECK_EMBED_FRAME_ANCESTORS"),
            ingest_rate_limit_per_minute: get("TAPEDECK_INGEST_RATE_LIMIT_PER_MINUTE")
                .map(|v| {
                    v.parse()
                        .context("TAPEDECK_INGEST_RATE_LIMIT_PER_MINUTE must be a whole number")
                })
                .transpose()?,
            trusted_proxies: get("TAPEDECK_TRUSTED_PROXIES").map(|v| comma_list(&v)),
            s3_access_key_id: get("TAPEDECK_S3_ACCESS_KEY_ID"),
            s3_secret_access_key: get("TAPEDECK_S3_SECRET_ACCESS_KEY").map(Secret),
            s3_session_token: get("TAPEDECK_S3_SESSION_TOKEN").map(Secret),
            metrics_token: get("TAPEDECK_METRICS_TOKEN").map(Secret),
            regions: BTreeMap::new(),
            region_blob_stores: Vec::new(),
        })
    }

    /// The `AWS_*` credential variables, the layer under the config file.
    fn from_aws_env(get: impl Fn(&str) -> Option<String>) -> Self {
        let s3 = S3Layer::from_aws_env(&get);
        Self {
            s3_access_key_id: s3.s3_access_key_id,
            s3_secret_access_key: s3.s3_secret_access_key,
            s3_session_token: s3.s3_session_token,
            ..Self::default()
        }
    }

    /// The region flags folded into the region tables.
    fn regions(&mut self) -> BTreeMap<String, RegionLayer> {
        let mut regions = std::mem::take(&mut self.regions);
        for (name, url) in self.region_blob_stores.drain(..) {
            regions.entry(name).or_default().blob_store = Some(url);
        }
        regions
    }

    /// Returns this layer with the gaps filled from `lower`.
    fn over(mut self, mut lower: ConfigLayer) -> ConfigLayer {
        let regions = storage::merge_regions(self.regions(), lower.regions());
        ConfigLayer {
            listen: self.listen.or(lower.listen),
            data_dir: self.data_dir.or(lower.data_dir),
            database_url: self.database_url.or(lower.database_url),
            blob_store: self.blob_store.or(lower.blob_store),
            encryption_key_file: self.encryption_key_file.or(lower.encryption_key_file),
            public_url: self.public_url.or(lower.public_url),
            session_idle_secs: self.session_idle_secs.or(lower.session_idle_secs),
            tls_cert: self.tls_cert.or(lower.tls_cert),
            tls_key: self.tls_key.or(lower.tls_key),
            embed_frame_ancestors: self.embed_frame_ancestors.or(lower.embed_frame_ancestors),
            ingest_rate_limit_per_minute: self
                .ingest_rate_limit_per_minute
                .or(lower.ingest_rate_limit_per_minute),
            trusted_proxies: self.trusted_proxies.or(lower.trusted_proxies),
            s3_access_key_id: self.s3_access_key_id.or(lower.s3_access_key_id),
            s3_secret_access_key: self.s3_secret_access_key.or(lower.s3_secret_access_key),
            s3_session_token: self.s3_session_token.or(lower.s3_session_token),
            metrics_token: self.metrics_token.or(lower.metrics_token),
            regions,
            region_blob_stores: Vec::new(),
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
    /// Serve HTTPS with these PEM files; `None`: plain HTTP (behind a TLS-terminating proxy).
    pub tls: Option<TlsFiles>,
    /// Who may frame `?embed=1` pages (a checked CSP source list).
    pub embed_frame_ancestors: String,
    /// The default per-key ingest rate limit of this node (requests a minute).
    pub ingest_rate_limit_per_minute: u32,
    /// Proxies whose `X-Forwarded-For` is believed (the audit log's client address).
    pub trusted_proxies: TrustedProxies,
    /// Credentials for `s3://` blob stores (every region that names none of its own).
    pub s3_credentials: Option<S3Credentials>,
    /// The named storage regions beside `default` (which is `blob_store`).
    pub regions: BTreeMap<String, RegionConfig>,
    /// When set, `/metrics` answers only this bearer token (kept as a digest).
    pub metrics_token: Option<tapedeck_api::MetricsToken>,
}

impl Config {
    /// Opens the blob store of every storage region (no request is sent yet).
    pub fn blob_regions(&self) -> anyhow::Result<BlobRegions> {
        storage::open_regions(
            &self.blob_store,
            self.s3_credentials.as_ref(),
            &self.regions,
        )
    }

    /// `Ok` when `region` is configured; else an error naming the configured ones.
    pub fn check_region(&self, region: &str) -> anyhow::Result<()> {
        if region == DEFAULT_REGION || self.regions.contains_key(region) {
            return Ok(());
        }
        let mut names = vec![DEFAULT_REGION.to_string()];
        names.extend(self.regions.keys().cloned());
        anyhow::bail!(
            "unknown storage region {region:?}: configured are {} (add one with [regions.NAME] \
             blob_store in the config file)",
            names.join(", ")
        )
    }
}

/// The certificate chain and private key `serve` answers HTTPS with (PEM files).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// Resolves the configuration from the flags, the environment and the config file.
pub fn load(flags: ConfigLayer, config_file: Option<&Path>) -> anyhow::Result<Config> {
    let get = |key: &str| std::env::var(key).ok().filter(|v| !v.is_empty());
    let mut env = ConfigLayer::from_env(get)?;
    env.regions = storage::regions_from_env(
        std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?))),
    )?;
    let file = match config_file {
        Some(path) => read_file(path)?,
        None if Path::new("tapedeck.toml").exists() => read_file(Path::new("tapedeck.toml"))?,
        None => ConfigLayer::default(),
    };
    let aws = ConfigLayer::from_aws_env(get);
    resolve(flags.over(env).over(file).over(aws))
}

/// `a, b,c` → `["a", "b", "c"]`; empty items dropped (so an empty value is an empty list).
fn comma_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_string)
        .collect()
}

fn read_file(path: &Path) -> anyhow::Result<ConfigLayer> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read config file {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("config file {} is not valid", path.display()))
}

fn resolve(mut layer: ConfigLayer) -> anyhow::Result<Config> {
    let regions = storage::resolve_regions(layer.regions())?;
    let s3_credentials = storage::resolve_s3(S3Layer {
        s3_access_key_id: layer.s3_access_key_id,
        s3_secret_access_key: layer.s3_secret_access_key,
        s3_session_token: layer.s3_session_token,
    })?;
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
    tapedeck_store::check_blob_store_url(&blob_store).context("blob_store")?;
    let tls = match (layer.tls_cert, layer.tls_key) {
        (Some(cert), Some(key)) => Some(TlsFiles { cert, key }),
        (None, None) => None,
        _ => anyhow::bail!("tls_cert and tls_key go together: give both or neither"),
    };
    let embed_frame_ancestors = tapedeck_api::check_frame_ancestors(
        layer
            .embed_frame_ancestors
            .as_deref()
            .unwrap_or(tapedeck_api::DEFAULT_EMBED_FRAME_ANCESTORS),
    )
    .map_err(anyhow::Error::msg)?;
    let ingest_rate_limit_per_minute = layer
        .ingest_rate_limit_per_minute
        .unwrap_or(tapedeck_api::DEFAULT_INGEST_RATE_LIMIT_PER_MINUTE);
    if !(1..=1_000_000).contains(&ingest_rate_limit_per_minute) {
        anyhow::bail!("ingest_rate_limit_per_minute must be from 1 to 1000000");
    }
    let trusted_proxies = match &layer.trusted_proxies {
        Some(list) => {
            TrustedProxies::parse(list).map_err(|e| anyhow::anyhow!("trusted_proxies: {e}"))?
        }
        None => TrustedProxies::default(),
    };
    let metrics_token = layer
        .metrics_token
        .map(|token| tapedeck_api::MetricsToken::new(&token.0))
        .transpose()
        .map_err(anyhow::Error::msg)?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    let public_url = layer
        .public_url
        .unwrap_or_else(|| format!("{scheme}://{listen}"))
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
        tls,
        embed_frame_ancestors,
        ingest_rate_limit_per_minute,
        trusted_proxies,
        s3_credentials,
        regions,
        metrics_token,
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

# Where recordings are stored (the "default" storage region). Default: file://<data_dir>/blobs.
# S3-compatible (AWS S3, Cloudflare R2, MinIO): s3://BUCKET[/PREFIX]?endpoint=URL&region=NAME&path_style=BOOL
# (endpoint: omit for AWS; path_style: default true with an endpoint, false without).
# blob_store = "file:///var/lib/tapedeck/blobs"
# blob_store = "s3://recordings?endpoint=https://minio.internal:9000&region=us-east-1"

# S3 credentials: never in the URL. The TAPEDECK_S3_ACCESS_KEY_ID / _SECRET_ACCESS_KEY /
# _SESSION_TOKEN env vars override these; AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
# AWS_SESSION_TOKEN are used when neither sets them. No flag takes the secret.
# s3_access_key_id = "AKIA…"
# s3_secret_access_key = "…"
# s3_session_token = "…"

# The master encryption key (64 hex characters, e.g. `openssl rand -hex 32 > master.key`).
# Recordings are always encrypted at rest with per-organization data keys wrapped by this key.
# Default: the TAPEDECK_ENCRYPTION_KEY env var if set, else <data_dir>/master.key, created on
# first run when the database is SQLite. With PostgreSQL (several nodes) set it explicitly, the
# same on every node. Keep it out of backups of the data: the key alone unlocks them.
# encryption_key_file = "/etc/tapedeck/master.key"

# The URL users reach this server at; used in links, and https here makes cookies Secure.
# Default: http://<listen> (https://<listen> with tls_cert)
# public_url = "https://replay.example.com"

# Serve HTTPS directly (rustls) with these PEM files: the certificate chain and its private key
# (PKCS#8, PKCS#1 or SEC1). Without them the server speaks plain HTTP, for a TLS-terminating
# proxy in front. Login cookies are Secure with TLS on.
# tls_cert = "/etc/tapedeck/fullchain.pem"
# tls_key = "/etc/tapedeck/privkey.pem"

# Who may show replays in a frame: the Content-Security-Policy frame-ancestors sources of
# `?embed=1` pages (space-separated: 'self', https://support.example.com, https://*.example.com,
# 'none'). Every other page of the web app may be framed only by this server.
# embed_frame_ancestors = "'self' https://support.example.com"

# Seconds without a new batch after which a session is no longer shown as live.
session_idle_secs = 300

# Ingest requests a minute one ingest key may make on this node (a token bucket: a minute's
# allowance may come as a burst). Over it, ingest answers 429 rate_limited with Retry-After and
# the recorder sends the batch again later. 12000 lets ~600 pages record at full pace (a batch
# every 3 s) through one key; a key can have its own limit (web app, PATCH …/ingest-keys/{id}).
ingest_rate_limit_per_minute = 12000

# Reverse proxies (IP addresses or CIDR networks) whose X-Forwarded-For header names the client
# in the audit log and for login throttling. From any other peer the header is ignored and the
# TCP peer address counts. Default: this machine only. [] trusts no proxy.
# Env: TAPEDECK_TRUSTED_PROXIES=10.0.0.0/8,::1   Flag: --trusted-proxies 10.0.0.0/8,::1
trusted_proxies = ["127.0.0.1", "::1"]

# GET /metrics (Prometheus) shows aggregate counts only, and is public like /healthz. With a
# token set, a scrape must send `Authorization: Bearer <token>` (at least 16 printable
# characters, e.g. `openssl rand -hex 32`). File or env (TAPEDECK_METRICS_TOKEN) only: no flag.
# metrics_token = "…"

# Named storage regions (data residency), beside "default" = blob_store. A project is pinned to
# one at creation (`tapedeck admin create-project --region eu`) and its recordings never leave
# it. Names: 1 to 32 of a-z, 0-9, '-'. Each may carry its own s3_* credentials. Tables go last.
# Env: TAPEDECK_REGIONS__EU__BLOB_STORE=s3://…   Flag: --region-blob-store eu=s3://…
# [regions.eu]
# blob_store = "s3://recordings-eu?region=eu-central-1"
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
    fn tls_needs_both_files_and_makes_the_default_url_https() {
        let tls = resolve(ConfigLayer {
            tls_cert: Some("/c.pem".into()),
            tls_key: Some("/k.pem".into()),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(tls.public_url, "https://127.0.0.1:7070");
        assert_eq!(
            tls.tls,
            Some(TlsFiles {
                cert: "/c.pem".into(),
                key: "/k.pem".into()
            })
        );
        let half = ConfigLayer {
            tls_cert: Some("/c.pem".into()),
            ..Default::default()
        };
        assert!(resolve(half).is_err());
    }

    #[test]
    fn ingest_rate_limit_defaults_generous_and_is_bounded() {
        let config = resolve(ConfigLayer::default()).unwrap();
        assert_eq!(config.ingest_rate_limit_per_minute, 12_000);
        let file: ConfigLayer = toml::from_str("ingest_rate_limit_per_minute = 60").unwrap();
        assert_eq!(resolve(file).unwrap().ingest_rate_limit_per_minute, 60);
        for bad in [0, 1_000_001] {
            let layer = ConfigLayer {
                ingest_rate_limit_per_minute: Some(bad),
                ..Default::default()
            };
            assert!(resolve(layer).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn embed_frame_ancestors_default_to_self_and_are_checked() {
        let config = resolve(ConfigLayer::default()).unwrap();
        assert_eq!(config.embed_frame_ancestors, "'self'");
        let file: ConfigLayer =
            toml::from_str("embed_frame_ancestors = \"'self'  https://help.test\"").unwrap();
        assert_eq!(
            resolve(file).unwrap().embed_frame_ancestors,
            "'self' https://help.test"
        );
        let injected = ConfigLayer {
            embed_frame_ancestors: Some("*; script-src *".into()),
            ..Default::default()
        };
        assert!(resolve(injected).is_err());
    }

    #[test]
    fn trusted_proxies_default_to_loopback_and_are_checked() {
        let config = resolve(ConfigLayer::default()).unwrap();
        assert_eq!(config.trusted_proxies, TrustedProxies::default());
        let file: ConfigLayer =
            toml::from_str("trusted_proxies = [\"10.0.0.0/8\", \"fd00::1\"]").unwrap();
        let trusted = resolve(file).unwrap().trusted_proxies;
        assert!(trusted.contains("10.9.8.7".parse().unwrap()));
        assert!(!trusted.contains("127.0.0.1".parse().unwrap()));
        let env = ConfigLayer::from_env(|k| {
            (k == "TAPEDECK_TRUSTED_PROXIES").then(|| "192.0.2.1, 198.51.100.0/24".to_string())
        })
        .unwrap();
        let trusted = resolve(env).unwrap().trusted_proxies;
        assert_eq!(trusted.networks().len(), 2);
        let none: ConfigLayer = toml::from_str("trusted_proxies = []").unwrap();
        assert!(resolve(none).unwrap().trusted_proxies.networks().is_empty());
        let bad: ConfigLayer = toml::from_str("trusted_proxies = [\"proxy.local\"]").unwrap();
        let error = resolve(bad).unwrap_err().to_string();
        assert!(error.contains("trusted_proxies"), "{error}");
    }

    #[test]
    fn the_metrics_token_comes_from_file_or_env_is_checked_and_never_printed() {
        assert_eq!(resolve(ConfigLayer::default()).unwrap().metrics_token, None);
        let token = "0123456789abcdef0123";
        let env =
            ConfigLayer::from_env(|k| (k == "TAPEDECK_METRICS_TOKEN").then(|| token.to_string()))
                .unwrap();
        let config = resolve(env).unwrap();
        assert!(config.metrics_token.as_ref().unwrap().matches(token));
        assert!(!format!("{config:?}").contains(token));
        let file: ConfigLayer = toml::from_str(&format!("metrics_token = \"{token}\"")).unwrap();
        assert!(!format!("{file:?}").contains(token));
        assert!(resolve(file).unwrap().metrics_token.is_some());
        let short: ConfigLayer = toml::from_str("metrics_token = \"short\"").unwrap();
        let error = resolve(short).unwrap_err().to_string();
        assert!(error.contains("metrics_token"), "{error}");
    }

    #[test]
    fn the_printed_defaults_parse_and_unknown_keys_are_refused() {
        assert!(toml::from_str::<ConfigLayer>(ANNOTATED_DEFAULTS).is_ok());
        assert!(toml::from_str::<ConfigLayer>("lisen = 1").is_err());
    }
}
