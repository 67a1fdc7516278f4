//! Recording format v1: one window's events as a seekable blob of sealed, zstd-compressed blocks
//! cut at keyframes, with an index, so a reader fetches only the blocks a time range needs.
//! Pure: bytes in, bytes out (docs/FORMAT.md is the byte-level contract).
//!
//! ```text
//! [sealed header][sealed block 0]…[sealed block n-1][sealed index][trailer: 32 plain bytes]
//! ```
//!
//! Every part is sealed on its own (`seal::Sealer`), so a range read opens just the blocks it
//! fetched. The trailer is plain so a file alone says where its index is; the index is also kept
//! in the MetaStore row, so the server needs no extra round trip before a range read.

mod cut;
mod events;
mod index;
mod range_query;
mod reader;
mod segment;
mod writer;

#[cfg(test)]
mod tests;

pub use cut::{BlockSpan, cut_blocks, keyframe_starts};
pub use events::{event_head, merge_by_time, select_after, select_range};
pub use index::{BlockEntry, RecordingHeader, RecordingIndex, Trailer};
pub use range_query::{MAX_RANGE_OFFSET_MS, RangeQuery, parse_range_query};
pub use reader::{
    BlockPlan, decode_block, decode_planned, open_header, open_index, plan_after, plan_range,
    read_all_events, read_file,
};
pub use segment::{decode_segment, decode_segment_json};
pub use writer::{WriteOptions, WrittenRecording, write_recording};

use crate::seal::SealError;

/// The format version this build writes (and the newest it reads).
pub const FORMAT_VERSION: u16 = 1;
/// Last 8 bytes of every v1 blob.
pub const TRAILER_MAGIC: [u8; 8] = *b"TAPEDECK";
/// Size of the plain trailer at the end of a blob.
pub const TRAILER_LEN: usize = 32;
/// First bytes of the header part's plaintext.
pub const HEADER_MAGIC: [u8; 4] = *b"TDRH";
/// First bytes of the index part's plaintext.
pub const INDEX_MAGIC: [u8; 4] = *b"TDRI";

/// Target raw JSON size of a block in a long stretch without keyframes.
pub const DEFAULT_BLOCK_TARGET_BYTES: usize = 1024 * 1024;
/// zstd level of blocks (docs/FORMAT.md has the measurements behind it).
pub const DEFAULT_ZSTD_LEVEL: i32 = 17;

/// Largest header part read back, in plaintext bytes.
pub const MAX_HEADER_BYTES: usize = 64 * 1024;
/// Largest index part read back, in plaintext bytes.
pub const MAX_INDEX_BYTES: usize = 16 * 1024 * 1024;
/// Most blocks in one recording.
pub const MAX_BLOCKS: usize = 100_000;
/// Largest decoded block (a block holds at most the target plus one event, and one reassembled
/// event is at most `chunks::MAX_REASSEMBLED_BYTES`).
pub const MAX_BLOCK_DECODED_BYTES: u64 = 128 * 1024 * 1024;
/// Most events in one block.
pub const MAX_EVENTS_PER_BLOCK: u32 = 1_000_000;
/// Largest total of decoded bytes one read may decode (a whole long session fits).
pub const MAX_READ_DECODED_BYTES: u64 = 2 * 1024 * 1024 * 1024;

/// Why a recording could not be written or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    #[error("not a Tapedeck recording: {0}")]
    NotARecording(String),
    #[error(
        "recording format version {0} is not supported (this build reads up to {FORMAT_VERSION})"
    )]
    UnsupportedVersion(u16),
    #[error("the recording is corrupt: {0}")]
    Corrupt(String),
    #[error("the recording exceeds a limit: {0}")]
    TooLarge(String),
    #[error("a sealed part does not open: {0}")]
    Seal(#[from] SealError),
    #[error("the events cannot be written: {0}")]
    InvalidInput(String),
}

fn corrupt(why: impl Into<String>) -> FormatError {
    FormatError::Corrupt(why.into())
}
