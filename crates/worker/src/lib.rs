//! Tapedeck's background jobs, run by every `tapedeck serve` node on the MetaStore's job queue
//! (SPEC §1, §6). Two kinds: `compact`, enqueued when a session goes idle (or its page stops
//! recording), which turns its segments into one seekable recording per window
//! (docs/FORMAT.md); and `retention`, the hourly sweep of sessions past their project's
//! retention.

pub mod compact;
pub mod retention;
mod runner;

pub use compact::{CompactError, CompactReport, compact_session};
pub use retention::{JOB_RETENTION, RetentionRun};
pub use runner::{JobOutcome, Worker, WorkerConfig};
