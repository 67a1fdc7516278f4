//! Format v0, the ingest segment: zstd of one JSON array of events (docs/FORMAT.md). Segments
//! stay the format of a window until it is compacted, and of batches that arrive after that, so
//! every reader keeps reading them.

use std::io::Read;

use serde_json::value::RawValue;

use super::{FormatError, corrupt};

/// Decompresses an (opened) segment under `max_decoded_bytes` and returns its JSON array's bytes.
pub fn decode_segment_json(
    compressed: &[u8],
    max_decoded_bytes: usize,
) -> Result<Vec<u8>, FormatError> {
    let mut out = Vec::new();
    zstd::stream::read::Decoder::new(compressed)
        .map_err(|e| corrupt(format!("a segment does not decompress: {e}")))?
        .take(max_decoded_bytes as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| corrupt(format!("a segment does not decompress: {e}")))?;
    if out.len() > max_decoded_bytes {
        return Err(FormatError::TooLarge(format!(
            "a segment decodes to more than {max_decoded_bytes} bytes"
        )));
    }
    Ok(out)
}

/// Decompresses and parses an (opened) segment.
pub fn decode_segment(
    compressed: &[u8],
    max_decoded_bytes: usize,
) -> Result<Vec<Box<RawValue>>, FormatError> {
    let json = decode_segment_json(compressed, max_decoded_bytes)?;
    serde_json::from_slice(&json)
        .map_err(|e| corrupt(format!("a segment is not a JSON array: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_decode_under_a_cap() {
        let json = br#"[{"type":4,"timestamp":1},{"type":2,"timestamp":2}]"#;
        let compressed = zstd::encode_all(&json[..], 3).unwrap();
        assert_eq!(decode_segment(&compressed, 1024).unwrap().len(), 2);
        assert!(matches!(
            decode_segment(&compressed, 10),
            Err(FormatError::TooLarge(_))
        ));
        assert!(matches!(
            decode_segment(b"not zstd", 1024),
            Err(FormatError::Corrupt(_))
        ));
    }
}
