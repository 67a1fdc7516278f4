//! Tapedeck's HTTP surface: the axum router (all routes in `routes.rs`), one module per resource,
//! one error policy (`error.rs`), and the web app and SDK files embedded at build time.

mod api_keys;
mod assets;
mod audit;
mod audit_log;
mod auth;
mod client_ip;
pub mod end_user_data;
mod erasure;
mod error;
pub mod export;
mod health;
mod ingest;
mod ingest_keys;
mod invitations;
mod json_array;
mod json_body;
mod members;
mod metrics;
mod notes;
pub mod openapi;
mod projects;
mod recorder_config;
mod routes;
mod saved_views;
mod security_headers;
mod session_links;
mod session_list;
mod session_tags;
mod sessions;
mod state;
mod timeline;

pub use auth::password::{hash_password, password_problem};
pub use error::ApiError;
pub use metrics::MetricsToken;
pub use routes::router;
pub use security_headers::{DEFAULT_EMBED_FRAME_ANCESTORS, check_frame_ancestors};
pub use state::{
    ApiConfig, AppState, Clock, DEFAULT_INGEST_RATE_LIMIT_PER_MINUTE, MAX_CONCURRENT_DECODES,
    SystemClock,
};

/// The name of the instance setting holding the project the `/demo` page records into.
pub const DEMO_PROJECT_SETTING: &str = "demo_project_id";

/// Returns a new random secret of `bytes` bytes as lowercase hex (ingest keys, tokens).
pub fn new_secret(bytes: usize) -> String {
    use rand::RngCore;
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    hex::encode(buf)
}

/// Returns the SHA-256 of a secret token as hex: what the database keeps instead of the token.
pub fn hash_token(token: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(token.as_bytes()))
}
