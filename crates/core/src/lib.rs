//! Tapedeck's pure domain: no I/O, no clocks, no async. Everything here is deterministic and
//! unit-tested; the `api`, `store` and `server` crates call into it.

pub mod accounts;
pub mod api_keys;
pub mod audit;
pub mod batch;
pub mod chunks;
pub mod client_ip;
pub mod export;
pub mod facts;
pub mod field_error;
pub mod ids;
pub mod ingest_keys;
pub mod limits;
pub mod notes;
pub mod policy;
pub mod project_settings;
pub mod rate_limit;
pub mod recording;
pub mod saved_views;
pub mod scrub;
pub mod seal;
pub mod search;
pub mod session_links;
pub mod session_metadata;
pub mod session_tags;
pub mod summary;
pub mod timeline;
pub mod user_agent;

pub use batch::{BatchError, BatchMeta, IngestBatch, parse_batch};
pub use facts::{BatchFacts, PageVisit, extract_facts};
pub use summary::{BrowserInfo, SessionSummary, Viewport};
