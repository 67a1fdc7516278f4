//! Optional HTTPS in the binary (rustls through axum-server): `serve --tls-cert --tls-key`.
//! Without them the server speaks plain HTTP, for a TLS-terminating proxy in front.

use anyhow::Context;
use axum_server::tls_rustls::RustlsConfig;

use crate::config::TlsFiles;

/// Loads the certificate chain and key into a rustls server config (TLS 1.2 and 1.3, HTTP/1.1
/// and HTTP/2 by ALPN). Fails with the file names when either is unreadable or not PEM.
pub async fn rustls_config(files: &TlsFiles) -> anyhow::Result<RustlsConfig> {
    // One process-wide crypto provider (aws-lc-rs, as the PostgreSQL client's TLS uses), so
    // rustls never has to guess between two linked in. Installing twice is harmless.
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    RustlsConfig::from_pem_file(&files.cert, &files.key)
        .await
        .with_context(|| {
            format!(
                "cannot load the TLS certificate {} and key {}",
                files.cert.display(),
                files.key.display()
            )
        })
}
