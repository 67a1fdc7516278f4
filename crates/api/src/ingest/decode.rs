//! Decoding of ingest bodies: gzip, zstd or plain, chosen by `Content-Encoding` or, when a
//! beacon could not set that header, by the body's magic bytes. Decompression stops one byte past
//! the decoded-size cap, so a compression bomb costs at most the cap in memory.

use std::io::Read;

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];

#[derive(Debug, PartialEq, Eq)]
pub enum DecodeError {
    TooLarge { limit_bytes: usize },
    Corrupt(String),
    Unsupported(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Identity,
    Gzip,
    Zstd,
}

fn encoding_of(body: &[u8], header: Option<&str>) -> Result<Encoding, DecodeError> {
    match header.map(|h| h.trim().to_ascii_lowercase()).as_deref() {
        Some("gzip" | "x-gzip") => Ok(Encoding::Gzip),
        Some("zstd") => Ok(Encoding::Zstd),
        None | Some("" | "identity") if body.starts_with(&GZIP_MAGIC) => Ok(Encoding::Gzip),
        None | Some("" | "identity") if body.starts_with(&ZSTD_MAGIC) => Ok(Encoding::Zstd),
        None | Some("" | "identity") => Ok(Encoding::Identity),
        Some(other) => Err(DecodeError::Unsupported(other.to_string())),
    }
}

/// Returns the decoded body, refusing anything that decodes to more than `max_decoded` bytes.
pub fn decode_body(
    body: &[u8],
    content_encoding: Option<&str>,
    max_decoded: usize,
) -> Result<Vec<u8>, DecodeError> {
    let too_large = DecodeError::TooLarge {
        limit_bytes: max_decoded,
    };
    match encoding_of(body, content_encoding)? {
        Encoding::Identity if body.len() > max_decoded => Err(too_large),
        Encoding::Identity => Ok(body.to_vec()),
        Encoding::Gzip => read_capped(
            flate2::read::MultiGzDecoder::new(body),
            body.len(),
            max_decoded,
        ),
        Encoding::Zstd => {
            let decoder = zstd::stream::read::Decoder::new(body)
                .map_err(|e| DecodeError::Corrupt(e.to_string()))?;
            read_capped(decoder, body.len(), max_decoded)
        }
    }
}

fn read_capped(
    reader: impl Read,
    compressed_len: usize,
    max_decoded: usize,
) -> Result<Vec<u8>, DecodeError> {
    let mut out = Vec::with_capacity((compressed_len * 4).min(max_decoded));
    reader
        .take(max_decoded as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| DecodeError::Corrupt(e.to_string()))?;
    if out.len() > max_decoded {
        return Err(DecodeError::TooLarge {
            limit_bytes: max_decoded,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(bytes).unwrap();
        enc.finish().unwrap()
    }

    #[test]
    fn decodes_by_header_and_by_magic() {
        let json = br#"{"a":1}"#;
        let gz = gzip(json);
        let zs = zstd::encode_all(&json[..], 3).unwrap();
        for (body, header) in [
            (&gz, Some("gzip")),
            (&gz, None),
            (&zs, Some("zstd")),
            (&zs, None),
            (&json.to_vec(), None),
        ] {
            assert_eq!(decode_body(body, header, 1024).unwrap(), json, "{header:?}");
        }
    }

    #[test]
    fn bombs_stop_at_the_cap() {
        let bomb = gzip(&vec![b' '; 10 * 1024 * 1024]);
        assert!(bomb.len() < 64 * 1024);
        assert_eq!(
            decode_body(&bomb, None, 1024 * 1024),
            Err(DecodeError::TooLarge {
                limit_bytes: 1024 * 1024
            })
        );
        let zbomb = zstd::encode_all(&vec![0u8; 10 * 1024 * 1024][..], 3).unwrap();
        assert!(matches!(
            decode_body(&zbomb, Some("zstd"), 1024),
            Err(DecodeError::TooLarge { .. })
        ));
    }

    #[test]
    fn corrupt_and_unknown_encodings_are_refused() {
        assert!(matches!(
            decode_body(&[0x1f, 0x8b, 1, 2, 3], None, 1024),
            Err(DecodeError::Corrupt(_))
        ));
        assert!(matches!(
            decode_body(b"{}", Some("br"), 1024),
            Err(DecodeError::Unsupported(_))
        ));
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_bodies_never_panic(body in proptest::collection::vec(proptest::num::u8::ANY, 0..256), gz in proptest::bool::ANY) {
            let mut body = body;
            if gz { body.splice(0..0, GZIP_MAGIC); }
            let _ = decode_body(&body, None, 4096);
        }
    }
}
