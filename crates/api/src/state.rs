//! What every handler can reach: the stores, the API config and the clock.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tapedeck_store::{MetaStore, RecordingStore};
use tokio::sync::Semaphore;

use crate::ingest::rate_limit::IngestRateLimiter;

/// How many ingest bodies may be decoded at once. Each may grow to the decoded-size cap, so this
/// bounds ingest's decode memory at `MAX_CONCURRENT_DECODES × MAX_BATCH_DECODED_BYTES` however
/// many requests (or compression bombs) arrive together; the rest wait their turn.
pub const MAX_CONCURRENT_DECODES: usize = 8;

/// Settings of the HTTP layer.
#[derive(Debug, Clone)]
pub struct ApiConfig {
    /// The URL users reach the server at (links; `Secure` cookies when https).
    pub public_url: String,
    /// How long a web login lasts.
    pub login_ttl: Duration,
    /// True when this process serves HTTPS itself (`--tls-cert`): cookies are `Secure`.
    pub served_over_tls: bool,
    /// Who may frame `?embed=1` pages: a checked CSP source list
    /// (`security_headers::check_frame_ancestors`).
    pub embed_frame_ancestors: String,
    /// Ingest requests a minute one ingest key may make on this server process, unless the key
    /// has its own limit (`DEFAULT_INGEST_RATE_LIMIT_PER_MINUTE`).
    pub ingest_rate_limit_per_minute: u32,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`client_ip.rs`).
    pub trusted_proxies: tapedeck_core::client_ip::TrustedProxies,
    /// When set, `/metrics` answers only `Authorization: Bearer <this token>`.
    pub metrics_token: Option<crate::metrics::MetricsToken>,
}

/// The default per-key ingest limit: 200 batches a second. A recorder sends a batch every 3 s
/// at most while the page changes, so this lets about 600 pages record at full pace through
/// one key on one node — far above a typical site, while a leaked key used as a firehose is
/// held to a rate the server shrugs off. Big sites raise it (config or per key).
pub const DEFAULT_INGEST_RATE_LIMIT_PER_MINUTE: u32 = 12_000;

impl Default for ApiConfig {
    fn default() -> Self {
        Self {
            public_url: "http://127.0.0.1:7070".into(),
            login_ttl: Duration::from_secs(14 * 24 * 3600),
            served_over_tls: false,
            embed_frame_ancestors: crate::security_headers::DEFAULT_EMBED_FRAME_ANCESTORS.into(),
            ingest_rate_limit_per_minute: DEFAULT_INGEST_RATE_LIMIT_PER_MINUTE,
            trusted_proxies: tapedeck_core::client_ip::TrustedProxies::default(),
            metrics_token: None,
        }
    }
}

impl ApiConfig {
    /// Returns true when users reach the server over HTTPS: it serves TLS itself, or a
    /// TLS-terminating proxy sits in front (`public_url` is `https://`). Cookies are then
    /// `Secure` and responses carry HSTS.
    pub fn users_reach_https(&self) -> bool {
        self.served_over_tls || self.public_url.starts_with("https://")
    }
}

/// A source of "now", so tests can pin time.
pub trait Clock: Send + Sync {
    fn now_ms(&self) -> i64;
}

/// The wall clock.
#[derive(Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0)
    }
}

#[derive(Clone)]
pub struct AppState {
    pub meta: Arc<dyn MetaStore>,
    /// Recording bytes: sealed with the organization's data key, in the project's region.
    pub recordings: RecordingStore,
    pub config: Arc<ApiConfig>,
    pub clock: Arc<dyn Clock>,
    /// Permits for decoding ingest bodies (see `MAX_CONCURRENT_DECODES`).
    pub decode_permits: Arc<Semaphore>,
    /// Per-key ingest rate limits of this process (`ingest::rate_limit`).
    pub(crate) ingest_limiter: Arc<IngestRateLimiter>,
    /// This process's counters and histograms (`/metrics`).
    pub(crate) metrics: Arc<crate::metrics::Metrics>,
}

impl AppState {
    pub fn new(meta: Arc<dyn MetaStore>, recordings: RecordingStore, config: ApiConfig) -> Self {
        Self {
            meta,
            recordings,
            config: Arc::new(config),
            clock: Arc::new(SystemClock),
            decode_permits: Arc::new(Semaphore::new(MAX_CONCURRENT_DECODES)),
            ingest_limiter: Arc::new(IngestRateLimiter::default()),
            metrics: Arc::new(crate::metrics::Metrics::new()),
        }
    }

    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }
}
