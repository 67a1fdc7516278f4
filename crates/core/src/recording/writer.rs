//! Writes one window's events as a v1 blob: blocks cut at keyframes, each zstd-compressed and
//! sealed, then the sealed index and the plain trailer. Deterministic: the same events, level
//! and sealer (one without random nonces) give the same bytes.

use serde_json::value::RawValue;

use super::cut::cut_blocks;
use super::index::{BlockEntry, RecordingHeader, RecordingIndex, Trailer};
use super::{
    DEFAULT_BLOCK_TARGET_BYTES, DEFAULT_ZSTD_LEVEL, FORMAT_VERSION, FormatError, HEADER_MAGIC,
    INDEX_MAGIC, MAX_BLOCK_DECODED_BYTES, MAX_BLOCKS, MAX_EVENTS_PER_BLOCK,
};
use crate::batch::EventHead;
use crate::seal::Sealer;

/// How blocks are cut and compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteOptions {
    pub zstd_level: i32,
    pub block_target_bytes: usize,
}

impl Default for WriteOptions {
    fn default() -> Self {
        Self {
            zstd_level: DEFAULT_ZSTD_LEVEL,
            block_target_bytes: DEFAULT_BLOCK_TARGET_BYTES,
        }
    }
}

/// A written blob with the header and index it holds (the index goes into the MetaStore too).
#[derive(Debug, Clone)]
pub struct WrittenRecording {
    pub bytes: Vec<u8>,
    pub header: RecordingHeader,
    pub index: RecordingIndex,
}

/// Writes the events of one window, in replay order; `heads[i]` is the type and timestamp of
/// `events[i]`.
pub fn write_recording(
    session_id: &str,
    window_id: &str,
    events: &[Box<RawValue>],
    heads: &[EventHead],
    sealer: &dyn Sealer,
    options: WriteOptions,
) -> Result<WrittenRecording, FormatError> {
    if events.len() != heads.len() {
        return Err(FormatError::InvalidInput(
            "one head per event is needed".into(),
        ));
    }
    let sizes: Vec<usize> = events.iter().map(|e| e.get().len()).collect();
    let spans = cut_blocks(heads, &sizes, options.block_target_bytes.max(1));
    if spans.len() > MAX_BLOCKS {
        return Err(FormatError::TooLarge(format!(
            "{} blocks, at most {MAX_BLOCKS}",
            spans.len()
        )));
    }
    let header = RecordingHeader {
        version: FORMAT_VERSION,
        session_id: session_id.to_string(),
        window_id: window_id.to_string(),
        block_count: spans.len() as u32,
        event_count: events.len() as u64,
        compression: "zstd".into(),
    };
    let mut bytes = sealer.seal(&tagged(HEADER_MAGIC, &header)?);
    let header_length = bytes.len() as u32;
    let mut compressor = zstd::bulk::Compressor::new(options.zstd_level)
        .and_then(|mut c| c.include_checksum(true).map(|()| c))
        .map_err(|e| {
            FormatError::InvalidInput(format!("zstd level {}: {e}", options.zstd_level))
        })?;
    let mut blocks = Vec::with_capacity(spans.len());
    for span in spans {
        let json = json_array(&events[span.events.clone()]);
        let count = span.events.len();
        if json.len() as u64 > MAX_BLOCK_DECODED_BYTES || count > MAX_EVENTS_PER_BLOCK as usize {
            return Err(FormatError::TooLarge(format!(
                "a block of {count} events and {} bytes",
                json.len()
            )));
        }
        let compressed = compressor
            .compress(&json)
            .map_err(|e| FormatError::InvalidInput(format!("zstd: {e}")))?;
        let sealed = sealer.seal(&compressed);
        let block_heads = &heads[span.events];
        blocks.push(BlockEntry {
            offset: bytes.len() as u64,
            length: sealed.len() as u64,
            decoded_length: json.len() as u64,
            event_count: count as u32,
            keyframe: span.keyframe,
            first_ts: block_heads[0].timestamp,
            min_ts: block_heads.iter().map(|h| h.timestamp).min().unwrap_or(0),
            max_ts: block_heads.iter().map(|h| h.timestamp).max().unwrap_or(0),
        });
        bytes.extend_from_slice(&sealed);
    }
    let index = RecordingIndex {
        version: FORMAT_VERSION,
        blocks,
    };
    let index_offset = bytes.len() as u64;
    let sealed_index = sealer.seal(&tagged(INDEX_MAGIC, &index)?);
    bytes.extend_from_slice(&sealed_index);
    let trailer = Trailer {
        index_offset,
        index_length: sealed_index.len() as u64,
        header_length,
        version: FORMAT_VERSION,
    };
    bytes.extend_from_slice(&trailer.to_bytes());
    Ok(WrittenRecording {
        bytes,
        header,
        index,
    })
}

/// `magic` followed by the JSON of `value`.
fn tagged(magic: [u8; 4], value: &impl serde::Serialize) -> Result<Vec<u8>, FormatError> {
    let mut out = magic.to_vec();
    serde_json::to_writer(&mut out, value).map_err(|e| FormatError::InvalidInput(e.to_string()))?;
    Ok(out)
}

/// `[e0,e1,…]` from the events' bytes as they are.
fn json_array(events: &[Box<RawValue>]) -> Vec<u8> {
    let len: usize = events.iter().map(|e| e.get().len() + 1).sum::<usize>() + 1;
    let mut out = Vec::with_capacity(len);
    out.push(b'[');
    for (i, event) in events.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(event.get().as_bytes());
    }
    out.push(b']');
    out
}
