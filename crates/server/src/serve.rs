//! `tapedeck serve`: opens the stores, bootstraps a first run, serves HTTP, runs the background
//! ticker, and shuts down gracefully on Ctrl-C or SIGTERM (in-flight batches finish first).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use tapedeck_api::{ApiConfig, AppState};
use tapedeck_store::{MetaStore, RecordingStore, Vault, open_meta_store};
use tapedeck_worker::{Worker, WorkerConfig};

use crate::config::Config;
use crate::{bootstrap, keys, tls};

/// How often idle sessions are looked for, at most (less when sessions go idle sooner).
const IDLE_SWEEP_INTERVAL: Duration = Duration::from_secs(15);

/// Looks for idle sessions twice per idle period, but at least once a second and at most every
/// `IDLE_SWEEP_INTERVAL`, so a short idle time (tests, demos) is noticed promptly.
fn idle_sweep_interval(idle_secs: u64) -> Duration {
    Duration::from_millis(idle_secs.saturating_mul(500))
        .clamp(Duration::from_secs(1), IDLE_SWEEP_INTERVAL)
}

/// Opens and migrates the configured stores.
pub async fn open_stores(config: &Config) -> anyhow::Result<(Arc<dyn MetaStore>, RecordingStore)> {
    let meta = open_meta(config).await?;
    let regions = config.blob_regions()?;
    tracing::info!(regions = %regions.describe(), "blob stores");
    let vault = Arc::new(Vault::new(meta.clone(), keys::master_key(config)?));
    Ok((meta, RecordingStore::new(regions, vault)))
}

/// Opens and migrates the configured database.
pub async fn open_meta(config: &Config) -> anyhow::Result<Arc<dyn MetaStore>> {
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("cannot create data_dir {}", config.data_dir.display()))?;
    let meta = open_meta_store(&config.database_url)
        .await
        .context("opening the database")?;
    meta.migrate().await.context("migrating the database")?;
    Ok(meta)
}

pub async fn run(config: Config) -> anyhow::Result<()> {
    let (meta, recordings) = open_stores(&config).await?;
    tracing::info!(database = %redact_url(&config.database_url), blobs = %config.blob_store, "stores ready");
    bootstrap::first_run(meta.as_ref(), &config.public_url).await?;

    let api_config = ApiConfig {
        public_url: config.public_url.clone(),
        served_over_tls: config.tls.is_some(),
        embed_frame_ancestors: config.embed_frame_ancestors.clone(),
        ingest_rate_limit_per_minute: config.ingest_rate_limit_per_minute,
        trusted_proxies: config.trusted_proxies.clone(),
        metrics_token: config.metrics_token.clone(),
        ..ApiConfig::default()
    };
    // Load the certificate before listening, so a bad file fails the start, not a request.
    let tls_config = match &config.tls {
        Some(files) => Some(tls::rustls_config(files).await?),
        None => None,
    };
    let state = AppState::new(meta.clone(), recordings.clone(), api_config);
    let sweeper = tokio::spawn(sweep_idle_sessions(state.clone(), config.session_idle_secs));
    // Background jobs (compaction): stopped after the last request, releasing a job cut short.
    let (stop_worker, worker_stop) = tokio::sync::oneshot::channel::<()>();
    let worker = Worker::new(meta.clone(), recordings, WorkerConfig::default());
    let worker = tokio::spawn(worker.run(async move {
        let _ = worker_stop.await;
    }));

    let listener = tokio::net::TcpListener::bind(&config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let address = listener.local_addr()?;
    tracing::info!(listen = %address, "tapedeck is serving");
    #[allow(
        clippy::print_stdout,
        reason = "the startup banner is for the person who ran the command"
    )]
    {
        println!(
            "Tapedeck is running at {}  (demo shop: {}/demo)",
            config.public_url, config.public_url
        );
    }
    // Handlers see the TCP peer (ConnectInfo) for the client address (`client_ip.rs`).
    let service = tapedeck_api::router(state).into_make_service_with_connect_info::<SocketAddr>();
    match tls_config {
        Some(tls_config) => {
            let handle = axum_server::Handle::new();
            let stopper = handle.clone();
            tokio::spawn(async move {
                shutdown_signal().await;
                stopper.graceful_shutdown(None);
            });
            axum_server::from_tcp_rustls(listener.into_std()?, tls_config)?
                .handle(handle)
                .serve(service)
                .await?;
        }
        None => {
            axum::serve(listener, service)
                .with_graceful_shutdown(shutdown_signal())
                .await?;
        }
    }
    sweeper.abort();
    let _ = stop_worker.send(());
    let _ = worker.await;
    tracing::info!("tapedeck stopped");
    Ok(())
}

async fn sweep_idle_sessions(state: AppState, idle_secs: u64) {
    let mut tick = tokio::time::interval(idle_sweep_interval(idle_secs));
    loop {
        tick.tick().await;
        let now = state.now_ms();
        match state
            .meta
            .mark_idle_sessions(now - idle_secs as i64 * 1000, now)
            .await
        {
            Ok(0) => {}
            Ok(count) => tracing::info!(count, "sessions went idle"),
            Err(e) => tracing::warn!(error = %e, "marking idle sessions failed"),
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

/// Hides a password in a database URL for logs.
fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            format!("{}://***@{}", &url[..scheme_end], &url[at + 1..])
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn idle_sweeps_follow_the_idle_time_within_bounds() {
        use std::time::Duration;
        assert_eq!(super::idle_sweep_interval(300), Duration::from_secs(15));
        assert_eq!(super::idle_sweep_interval(4), Duration::from_secs(2));
        assert_eq!(super::idle_sweep_interval(0), Duration::from_secs(1));
    }

    #[test]
    fn redacts_credentials() {
        assert_eq!(
            super::redact_url("postgres://u:secret@db:5432/x"),
            "postgres://***@db:5432/x"
        );
        assert_eq!(super::redact_url("sqlite:///a/b.db"), "sqlite:///a/b.db");
    }
}
