//! Reads v1 blobs: the parts named by the trailer, the blocks a time range needs, and their
//! events. Everything read is untrusted: sizes are checked against the caps before anything is
//! allocated, and malformed bytes are errors, never panics.

use std::ops::Range;

use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use super::index::{BlockEntry, RecordingHeader, RecordingIndex, Trailer};
use super::{
    FORMAT_VERSION, FormatError, HEADER_MAGIC, INDEX_MAGIC, MAX_HEADER_BYTES, MAX_INDEX_BYTES,
    MAX_READ_DECODED_BYTES, TRAILER_LEN, corrupt,
};
use crate::seal::Sealer;

/// Which blocks to fetch for a time range, and the one byte range that holds them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockPlan {
    pub blocks: Range<usize>,
    pub bytes: Range<u64>,
}

/// Plans the read of a time range (epoch milliseconds, both optional): from the last keyframe
/// block starting at or before `from` (the first block when there is none) through the last
/// block holding an event at or before `to`. `None` when the recording has no blocks.
///
/// Every keyframe starts a block, so these blocks hold every event `select_range` would pick
/// from the whole event list for the same range.
pub fn plan_range(index: &RecordingIndex, from: Option<i64>, to: Option<i64>) -> Option<BlockPlan> {
    let blocks = &index.blocks;
    if blocks.is_empty() {
        return None;
    }
    let start = match from {
        Some(from) => blocks
            .iter()
            .rposition(|b| b.keyframe && b.first_ts <= from)
            .unwrap_or(0),
        None => 0,
    };
    let end = match to {
        Some(to) => blocks[start..]
            .iter()
            .rposition(|b| b.min_ts <= to)
            .map_or(start, |i| start + i),
        None => blocks.len() - 1,
    };
    Some(BlockPlan {
        blocks: start..end + 1,
        bytes: blocks[start].offset..blocks[end].offset + blocks[end].length,
    })
}

/// Plans the read of the events after `after` (`events::select_after`): from the last block
/// holding an event at or before `after` (it holds the last such event of the whole recording;
/// the first block when there is none) through the last block holding an event at or before
/// `to`. `None` when the recording has no blocks.
pub fn plan_after(index: &RecordingIndex, after: i64, to: Option<i64>) -> Option<BlockPlan> {
    let blocks = &index.blocks;
    if blocks.is_empty() {
        return None;
    }
    let start = blocks.iter().rposition(|b| b.min_ts <= after).unwrap_or(0);
    let end = match to {
        Some(to) => blocks[start..]
            .iter()
            .rposition(|b| b.min_ts <= to)
            .map_or(start, |i| start + i),
        None => blocks.len() - 1,
    };
    Some(BlockPlan {
        blocks: start..end + 1,
        bytes: blocks[start].offset..blocks[end].offset + blocks[end].length,
    })
}

/// Decodes the events of the planned blocks from `fetched`, the bytes of `plan.bytes`.
pub fn decode_planned(
    index: &RecordingIndex,
    plan: &BlockPlan,
    fetched: &[u8],
    sealer: &dyn Sealer,
) -> Result<Vec<Box<RawValue>>, FormatError> {
    let entries = index
        .blocks
        .get(plan.blocks.clone())
        .ok_or_else(|| corrupt("the plan names blocks the index does not have"))?;
    if fetched.len() as u64 != plan.bytes.end.saturating_sub(plan.bytes.start) {
        return Err(corrupt("the fetched bytes do not match the plan"));
    }
    let total: u64 = entries.iter().map(|b| b.decoded_length).sum();
    if total > MAX_READ_DECODED_BYTES {
        return Err(FormatError::TooLarge(format!(
            "the range decodes to {total} bytes, at most {MAX_READ_DECODED_BYTES}"
        )));
    }
    let mut events = Vec::new();
    for entry in entries {
        let start = entry
            .offset
            .checked_sub(plan.bytes.start)
            .ok_or_else(|| corrupt("a block lies before the fetched range"))?;
        let part = usize::try_from(start)
            .ok()
            .and_then(|s| fetched.get(s..s.checked_add(entry.length as usize)?))
            .ok_or_else(|| corrupt("a block lies past the fetched range"))?;
        events.extend(decode_block(entry, part, sealer)?);
    }
    Ok(events)
}

/// Opens, decompresses and parses one sealed block.
pub fn decode_block(
    entry: &BlockEntry,
    sealed: &[u8],
    sealer: &dyn Sealer,
) -> Result<Vec<Box<RawValue>>, FormatError> {
    if sealed.len() as u64 != entry.length {
        return Err(corrupt("a block's length differs from its index entry"));
    }
    let compressed = sealer.open(sealed)?;
    let capacity = usize::try_from(entry.decoded_length)
        .map_err(|_| FormatError::TooLarge("a block larger than memory".into()))?;
    let json = zstd::bulk::Decompressor::new()
        .and_then(|mut d| d.decompress(&compressed, capacity))
        .map_err(|e| corrupt(format!("a block does not decompress: {e}")))?;
    if json.len() as u64 != entry.decoded_length {
        return Err(corrupt(
            "a block's decoded length differs from its index entry",
        ));
    }
    let events: Vec<Box<RawValue>> = serde_json::from_slice(&json)
        .map_err(|e| corrupt(format!("a block is not a JSON array of events: {e}")))?;
    if events.len() != entry.event_count as usize {
        return Err(corrupt(
            "a block's event count differs from its index entry",
        ));
    }
    Ok(events)
}

/// Opens the sealed header part.
pub fn open_header(sealed: &[u8], sealer: &dyn Sealer) -> Result<RecordingHeader, FormatError> {
    let header: RecordingHeader = open_tagged(sealed, sealer, HEADER_MAGIC, MAX_HEADER_BYTES)?;
    if header.version != FORMAT_VERSION {
        return Err(FormatError::UnsupportedVersion(header.version));
    }
    if header.compression != "zstd" {
        return Err(corrupt(format!(
            "unknown compression {:?}",
            header.compression
        )));
    }
    Ok(header)
}

/// Opens the sealed index part and validates it.
pub fn open_index(sealed: &[u8], sealer: &dyn Sealer) -> Result<RecordingIndex, FormatError> {
    let index: RecordingIndex = open_tagged(sealed, sealer, INDEX_MAGIC, MAX_INDEX_BYTES)?;
    index.validate(sealer.overhead())?;
    Ok(index)
}

/// Reads the header and index of a whole blob (a file alone: exports, imports, checks), and
/// checks they agree with each other and with the trailer.
pub fn read_file(
    blob: &[u8],
    sealer: &dyn Sealer,
) -> Result<(RecordingHeader, RecordingIndex), FormatError> {
    let trailer_at = blob
        .len()
        .checked_sub(TRAILER_LEN)
        .ok_or_else(|| FormatError::NotARecording("too short".into()))?;
    let trailer = Trailer::parse(&blob[trailer_at..], blob.len() as u64)?;
    let header_end = trailer.header_length as usize;
    let header = open_header(&blob[..header_end], sealer)?;
    // The trailer check bounds both offsets by the blob length, so these casts are exact.
    let index_at = trailer.index_offset as usize;
    let index = open_index(&blob[index_at..trailer_at], sealer)?;
    let first = index.blocks.first().map_or(header_end as u64, |b| b.offset);
    let end = index.blocks_end().unwrap_or(header_end as u64);
    if first != header_end as u64 || end != trailer.index_offset {
        return Err(corrupt(
            "the blocks do not fill the space between header and index",
        ));
    }
    if header.block_count as usize != index.blocks.len()
        || header.event_count != index.event_count()
    {
        return Err(corrupt("the header's counts differ from the index"));
    }
    Ok((header, index))
}

fn open_tagged<T: DeserializeOwned>(
    sealed: &[u8],
    sealer: &dyn Sealer,
    magic: [u8; 4],
    max_bytes: usize,
) -> Result<T, FormatError> {
    if sealed.len() > max_bytes + sealer.overhead() {
        return Err(FormatError::TooLarge(format!(
            "a part of {} bytes, at most {max_bytes}",
            sealed.len()
        )));
    }
    let plain = sealer.open(sealed)?;
    let body = plain
        .strip_prefix(&magic)
        .ok_or_else(|| corrupt("a part lacks its magic"))?;
    serde_json::from_slice(body).map_err(|e| corrupt(format!("a part does not parse: {e}")))
}

/// Reads every event of a whole blob, in replay order.
pub fn read_all_events(
    blob: &[u8],
    sealer: &dyn Sealer,
) -> Result<(RecordingHeader, Vec<Box<RawValue>>), FormatError> {
    let (header, index) = read_file(blob, sealer)?;
    let Some(plan) = plan_range(&index, None, None) else {
        return Ok((header, Vec::new()));
    };
    // `read_file` checked that the blocks lie inside the blob.
    let fetched = &blob[plan.bytes.start as usize..plan.bytes.end as usize];
    let events = decode_planned(&index, &plan, fetched, sealer)?;
    Ok((header, events))
}
