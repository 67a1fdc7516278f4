//! The header, the index and the trailer of a v1 blob, and the checks that make what is read
//! back safe to use (every count and size capped, offsets consistent).

use serde::{Deserialize, Serialize};

use super::{
    FORMAT_VERSION, FormatError, MAX_BLOCK_DECODED_BYTES, MAX_BLOCKS, MAX_EVENTS_PER_BLOCK,
    TRAILER_LEN, TRAILER_MAGIC, corrupt,
};

/// What the sealed header part says about the recording.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordingHeader {
    pub version: u16,
    pub session_id: String,
    pub window_id: String,
    pub block_count: u32,
    pub event_count: u64,
    /// Compression of every block: `zstd`.
    pub compression: String,
}

/// One block: where its sealed bytes are in the blob and what it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockEntry {
    /// Byte offset of the sealed block in the blob.
    pub offset: u64,
    /// Length of the sealed block in bytes.
    pub length: u64,
    /// Length of the block's decoded JSON array in bytes.
    pub decoded_length: u64,
    pub event_count: u32,
    /// Whether the block starts at a keyframe (replay can start at its first event).
    pub keyframe: bool,
    /// Timestamp of the block's first event (the keyframe's time, for keyframe blocks).
    pub first_ts: i64,
    /// Smallest and largest event timestamp in the block.
    pub min_ts: i64,
    pub max_ts: i64,
}

/// The blocks of a recording, in replay order. Stored in the blob and in the MetaStore row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordingIndex {
    pub version: u16,
    pub blocks: Vec<BlockEntry>,
}

impl RecordingIndex {
    /// Total events of the recording.
    pub fn event_count(&self) -> u64 {
        self.blocks.iter().map(|b| b.event_count as u64).sum()
    }

    /// Smallest and largest event timestamp, `None` for no blocks.
    pub fn time_span(&self) -> Option<(i64, i64)> {
        let min = self.blocks.iter().map(|b| b.min_ts).min()?;
        let max = self.blocks.iter().map(|b| b.max_ts).max()?;
        Some((min, max))
    }

    /// Checks an index read back (from a blob or a database row): version, counts and sizes
    /// within the caps, blocks contiguous and in order, each at least `seal_overhead` long.
    pub fn validate(&self, seal_overhead: usize) -> Result<(), FormatError> {
        if self.version != FORMAT_VERSION {
            return Err(FormatError::UnsupportedVersion(self.version));
        }
        if self.blocks.len() > MAX_BLOCKS {
            return Err(FormatError::TooLarge(format!(
                "{} blocks, at most {MAX_BLOCKS}",
                self.blocks.len()
            )));
        }
        let mut next_offset: Option<u64> = None;
        for (i, b) in self.blocks.iter().enumerate() {
            if next_offset.is_some_and(|o| o != b.offset) {
                return Err(corrupt(format!(
                    "block {i} does not follow block {}",
                    i.wrapping_sub(1)
                )));
            }
            if b.length < seal_overhead as u64 || b.length > MAX_BLOCK_DECODED_BYTES * 2 {
                return Err(corrupt(format!("block {i} has length {}", b.length)));
            }
            if b.decoded_length > MAX_BLOCK_DECODED_BYTES {
                return Err(FormatError::TooLarge(format!(
                    "block {i} decodes to {} bytes, at most {MAX_BLOCK_DECODED_BYTES}",
                    b.decoded_length
                )));
            }
            if b.event_count == 0 || b.event_count > MAX_EVENTS_PER_BLOCK {
                return Err(corrupt(format!("block {i} holds {} events", b.event_count)));
            }
            if b.min_ts > b.max_ts || b.first_ts < b.min_ts || b.first_ts > b.max_ts {
                return Err(corrupt(format!("block {i} has inconsistent timestamps")));
            }
            next_offset = Some(
                b.offset
                    .checked_add(b.length)
                    .ok_or_else(|| corrupt(format!("block {i} ends past 2^64")))?,
            );
        }
        Ok(())
    }

    /// End offset of the last block (where the index part begins), `None` for no blocks.
    pub fn blocks_end(&self) -> Option<u64> {
        self.blocks.last().map(|b| b.offset + b.length)
    }
}

/// The plain fixed-size end of a blob: where the header and the index are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Trailer {
    pub index_offset: u64,
    pub index_length: u64,
    pub header_length: u32,
    pub version: u16,
}

impl Trailer {
    /// `index_offset u64 | index_length u64 | header_length u32 | version u16 | 0u16 | magic`,
    /// integers little-endian.
    pub fn to_bytes(&self) -> [u8; TRAILER_LEN] {
        let mut out = [0u8; TRAILER_LEN];
        out[0..8].copy_from_slice(&self.index_offset.to_le_bytes());
        out[8..16].copy_from_slice(&self.index_length.to_le_bytes());
        out[16..20].copy_from_slice(&self.header_length.to_le_bytes());
        out[20..22].copy_from_slice(&self.version.to_le_bytes());
        out[24..32].copy_from_slice(&TRAILER_MAGIC);
        out
    }

    /// Reads the trailer from the last `TRAILER_LEN` bytes of a blob of `blob_length` bytes and
    /// checks that the parts it names lie inside the blob.
    pub fn parse(bytes: &[u8], blob_length: u64) -> Result<Self, FormatError> {
        let bytes: &[u8; TRAILER_LEN] = bytes
            .try_into()
            .map_err(|_| FormatError::NotARecording("too short".into()))?;
        if bytes[24..32] != TRAILER_MAGIC {
            return Err(FormatError::NotARecording("no trailer magic".into()));
        }
        let u64_at =
            |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap_or_default());
        let trailer = Trailer {
            index_offset: u64_at(0),
            index_length: u64_at(8),
            header_length: u32::from_le_bytes([bytes[16], bytes[17], bytes[18], bytes[19]]),
            version: u16::from_le_bytes([bytes[20], bytes[21]]),
        };
        if trailer.version != FORMAT_VERSION {
            return Err(FormatError::UnsupportedVersion(trailer.version));
        }
        let index_end = trailer.index_offset.checked_add(trailer.index_length);
        let body_end = blob_length.checked_sub(TRAILER_LEN as u64);
        match (index_end, body_end) {
            (Some(end), Some(body_end))
                if end == body_end && trailer.index_offset >= trailer.header_length as u64 =>
            {
                Ok(trailer)
            }
            _ => Err(corrupt("the trailer points outside the blob")),
        }
    }
}
