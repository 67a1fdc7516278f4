//! Tapedeck's background jobs, run by every `tapedeck serve` node on the MetaStore's job queue
//! (SPEC §1, §6). Today one kind: `compact`, enqueued when a session goes idle, which turns its
//! segments into one seekable recording per window (docs/FORMAT.md).

pub mod compact;
mod runner;

pub use compact::{CompactError, CompactReport, compact_session};
pub use runner::{JobOutcome, Worker, WorkerConfig};
