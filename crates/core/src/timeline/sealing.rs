//! Encryption at rest of timeline details. The `data` of console, error, network and custom
//! entries (messages, stacks, headers, bodies, payloads) is recording content, so it is stored
//! sealed with the organization's data key, like the recording blobs (docs/SECURITY.md). Clicks
//! keep coordinates and navigations their URL in clear (the session row holds its URLs anyway),
//! and every entry's short `label` and search text stay in clear for listing and search.
//!
//! A sealed `data` is the JSON string `"sealed:v1:" + base64(sealer.seal(compact JSON))`.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;

use super::{EntryKind, TimelineFact};
use crate::seal::Sealer;

const SEALED_PREFIX: &str = "sealed:v1:";

/// Whether entries of this kind have their details sealed.
pub fn is_sealed_kind(kind: EntryKind) -> bool {
    matches!(
        kind,
        EntryKind::Console | EntryKind::Error | EntryKind::Network | EntryKind::Custom
    )
}

/// Seals the details of the entries that hold recording content, in place.
pub fn seal_entries(entries: &mut [TimelineFact], sealer: &dyn Sealer) {
    for entry in entries.iter_mut().filter(|e| is_sealed_kind(e.kind)) {
        let plain = entry.data.to_string();
        let sealed = STANDARD.encode(sealer.seal(plain.as_bytes()));
        entry.data = Value::String(format!("{SEALED_PREFIX}{sealed}"));
    }
}

/// Why sealed details could not be opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("timeline details do not open: {0}")]
pub struct OpenError(String);

/// Opens `data` sealed by [`seal_entries`]; data stored in clear comes back as it is.
pub fn open_data(data: Value, sealer: &dyn Sealer) -> Result<Value, OpenError> {
    let Some(encoded) = data.as_str().and_then(|s| s.strip_prefix(SEALED_PREFIX)) else {
        return Ok(data);
    };
    let sealed = STANDARD
        .decode(encoded)
        .map_err(|e| OpenError(e.to_string()))?;
    let plain = sealer.open(&sealed).map_err(|e| OpenError(e.to_string()))?;
    serde_json::from_slice(&plain).map_err(|e| OpenError(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seal::PlainSealer;
    use serde_json::json;

    /// A toy sealer that visibly changes the bytes (xor) and checks a tag, for the round trip.
    struct Xor;
    impl Sealer for Xor {
        fn seal(&self, plain: &[u8]) -> Vec<u8> {
            let mut out: Vec<u8> = plain.iter().map(|b| b ^ 0x5a).collect();
            out.push(0xee);
            out
        }
        fn open(&self, sealed: &[u8]) -> Result<Vec<u8>, crate::seal::SealError> {
            match sealed.split_last() {
                Some((0xee, body)) => Ok(body.iter().map(|b| b ^ 0x5a).collect()),
                _ => Err(crate::seal::SealError::Unauthentic),
            }
        }
        fn overhead(&self) -> usize {
            1
        }
    }

    fn fact(kind: EntryKind, data: Value) -> TimelineFact {
        TimelineFact {
            kind,
            at_ms: 1,
            label: "l".into(),
            data,
            search: String::new(),
        }
    }

    #[test]
    fn details_of_content_kinds_are_sealed_and_open_back() {
        let console = json!({"level": "error", "args": ["card 4111 secret-text"]});
        let click = json!({"x": 1, "y": 2, "node_id": 3});
        let mut entries = vec![
            fact(EntryKind::Console, console.clone()),
            fact(EntryKind::Click, click.clone()),
        ];
        seal_entries(&mut entries, &Xor);
        let sealed = entries[0].data.as_str().unwrap();
        assert!(sealed.starts_with(SEALED_PREFIX));
        assert!(!sealed.contains("secret-text"));
        assert_eq!(entries[1].data, click, "clicks stay in clear");
        assert_eq!(open_data(entries[0].data.clone(), &Xor).unwrap(), console);
        assert_eq!(open_data(click.clone(), &Xor).unwrap(), click);
    }

    #[test]
    fn tampered_or_foreign_details_are_refused() {
        let mut entries = vec![fact(EntryKind::Network, json!({"url": "u"}))];
        seal_entries(&mut entries, &Xor);
        assert!(open_data(entries[0].data.clone(), &PlainSealer).is_err());
        let garbage = Value::String(format!("{SEALED_PREFIX}!!notbase64"));
        assert!(open_data(garbage, &Xor).is_err());
    }
}
