//! Reassembly of events the recorder had to split. A single rrweb event too large for one batch
//! (a full snapshot of a huge page) travels as several custom events, each in its own batch:
//! `{"type":5,"timestamp":T,"data":{"tag":"tapedeck.chunk","payload":{"id","index","count","type","data"}}}`
//! where the `data` strings, joined in `index` order, are the original event's JSON. Storage keeps
//! the chunks as sent; readers call [`reassemble`] to get the original event back, in the place of
//! its last chunk.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::value::RawValue;

/// The custom-event tag of a chunk.
pub const CHUNK_TAG: &str = "tapedeck.chunk";
/// Most chunks one event may be split into.
pub const MAX_CHUNKS_PER_EVENT: usize = 1024;
/// Largest event reassembled from chunks, in bytes of JSON.
pub const MAX_REASSEMBLED_BYTES: usize = 64 * 1024 * 1024;

#[derive(Deserialize)]
struct ChunkEvent {
    #[serde(rename = "type")]
    kind: i64,
    data: ChunkData,
}

#[derive(Deserialize)]
struct ChunkData {
    tag: String,
    payload: ChunkPayload,
}

#[derive(Deserialize)]
struct ChunkPayload {
    id: String,
    index: usize,
    count: usize,
    data: String,
}

/// What reassembly found beside whole events.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ReassemblyReport {
    /// Events rebuilt from their chunks.
    pub reassembled: usize,
    /// Chunked events left out: parts missing, inconsistent, too large, or not JSON when joined.
    pub incomplete: usize,
}

struct Pending {
    parts: Vec<Option<String>>,
    received: usize,
    size_bytes: usize,
    broken: bool,
    /// The chunk events themselves and their places in the output, kept for
    /// [`reassemble_keeping_partial`].
    chunks: Vec<(usize, Box<RawValue>)>,
}

/// Returns true when `bytes` may hold a chunk (a cheap test before parsing anything).
pub fn may_contain_chunks(bytes: &[u8]) -> bool {
    bytes
        .windows(CHUNK_TAG.len())
        .any(|w| w == CHUNK_TAG.as_bytes())
}

fn as_chunk(raw: &RawValue) -> Option<ChunkPayload> {
    if !raw.get().contains(CHUNK_TAG) {
        return None;
    }
    let event: ChunkEvent = serde_json::from_str(raw.get()).ok()?;
    (event.kind == 5 && event.data.tag == CHUNK_TAG).then_some(event.data.payload)
}

/// Replaces complete chunk sequences by the events they carry; other events pass unchanged.
/// Chunks of incomplete sequences are left out (and counted).
pub fn reassemble(events: Vec<Box<RawValue>>) -> (Vec<Box<RawValue>>, ReassemblyReport) {
    reassemble_inner(events, false)
}

/// Like [`reassemble`], but keeps the chunks of sequences that may still complete (parts
/// missing, nothing inconsistent) in their places: compaction uses it, so a part that arrives
/// after a session was compacted still finds the others.
pub fn reassemble_keeping_partial(
    events: Vec<Box<RawValue>>,
) -> (Vec<Box<RawValue>>, ReassemblyReport) {
    reassemble_inner(events, true)
}

fn reassemble_inner(
    events: Vec<Box<RawValue>>,
    keep_partial: bool,
) -> (Vec<Box<RawValue>>, ReassemblyReport) {
    let mut out: Vec<Option<Box<RawValue>>> = Vec::with_capacity(events.len());
    let mut pending: HashMap<String, Pending> = HashMap::new();
    let mut report = ReassemblyReport::default();
    for raw in events {
        let Some(chunk) = as_chunk(&raw) else {
            out.push(Some(raw));
            continue;
        };
        if chunk.count == 0 || chunk.count > MAX_CHUNKS_PER_EVENT {
            report.incomplete += 1;
            continue;
        }
        let entry = pending.entry(chunk.id.clone()).or_insert_with(|| Pending {
            parts: vec![None; chunk.count],
            received: 0,
            size_bytes: 0,
            broken: false,
            chunks: Vec::new(),
        });
        let place = out.len();
        out.push(None);
        if keep_partial {
            entry.chunks.push((place, raw));
        }
        if chunk.count != entry.parts.len() || chunk.index >= entry.parts.len() {
            entry.broken = true;
            continue;
        }
        if entry.parts[chunk.index].is_none() {
            entry.size_bytes += chunk.data.len();
            entry.received += 1;
            entry.parts[chunk.index] = Some(chunk.data);
        }
        if entry.size_bytes > MAX_REASSEMBLED_BYTES {
            entry.broken = true;
        }
        if entry.received < entry.parts.len() {
            continue;
        }
        let Some(done) = pending.remove(&chunk.id) else {
            continue;
        };
        match join(done) {
            Some(event) => {
                out[place] = Some(event);
                report.reassembled += 1;
            }
            None => report.incomplete += 1,
        }
    }
    report.incomplete += pending.len();
    for partial in pending.into_values().filter(|p| !p.broken) {
        for (place, raw) in partial.chunks {
            out[place] = Some(raw);
        }
    }
    (out.into_iter().flatten().collect(), report)
}

fn join(done: Pending) -> Option<Box<RawValue>> {
    if done.broken {
        return None;
    }
    let json: String = done
        .parts
        .into_iter()
        .map(Option::unwrap_or_default)
        .collect();
    RawValue::from_string(json)
        .ok()
        .filter(|raw| raw.get().starts_with('{'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(json: &str) -> Box<RawValue> {
        RawValue::from_string(json.to_string()).unwrap()
    }

    fn chunks_of(id: &str, event: &str, size: usize) -> Vec<Box<RawValue>> {
        let pieces: Vec<String> = event
            .chars()
            .collect::<Vec<_>>()
            .chunks(size)
            .map(|c| c.iter().collect())
            .collect();
        pieces
            .iter()
            .enumerate()
            .map(|(i, piece)| {
                let payload = serde_json::json!({"id": id, "index": i, "count": pieces.len(), "type": 2, "data": piece});
                raw(&serde_json::json!({"type": 5, "timestamp": 10, "data": {"tag": CHUNK_TAG, "payload": payload}}).to_string())
            })
            .collect()
    }

    const BIG: &str =
        r#"{"type":2,"timestamp":10,"data":{"node":{"text":"héllo ✓ wörld, \"quoted\""}}}"#;

    #[test]
    fn chunks_become_the_original_event_in_place() {
        let mut events = vec![raw(r#"{"type":4,"timestamp":9,"data":{}}"#)];
        events.extend(chunks_of("c1", BIG, 7));
        events.push(raw(r#"{"type":3,"timestamp":11,"data":{}}"#));
        let (out, report) = reassemble(events);
        let texts: Vec<&str> = out.iter().map(|r| r.get()).collect();
        assert_eq!(
            texts,
            [
                r#"{"type":4,"timestamp":9,"data":{}}"#,
                BIG,
                r#"{"type":3,"timestamp":11,"data":{}}"#
            ]
        );
        assert_eq!(
            report,
            ReassemblyReport {
                reassembled: 1,
                incomplete: 0
            }
        );
    }

    #[test]
    fn out_of_order_and_repeated_chunks_still_join() {
        let mut parts = chunks_of("c1", BIG, 5);
        parts.reverse();
        let repeat = parts[0].clone();
        parts.insert(1, repeat);
        let (out, report) = reassemble(parts);
        assert_eq!(out.iter().map(|r| r.get()).collect::<Vec<_>>(), [BIG]);
        assert_eq!(report.reassembled, 1);
    }

    #[test]
    fn missing_or_corrupt_chunks_are_left_out_and_counted() {
        let mut parts = chunks_of("c1", BIG, 5);
        parts.remove(2);
        let (out, report) = reassemble(parts);
        assert!(out.is_empty());
        assert_eq!(
            report,
            ReassemblyReport {
                reassembled: 0,
                incomplete: 1
            }
        );

        let not_json = chunks_of("c2", "{not json at all", 4);
        let (out, report) = reassemble(not_json);
        assert!(out.is_empty());
        assert_eq!(report.incomplete, 1);
    }

    #[test]
    fn partial_sequences_can_be_kept_for_a_later_part() {
        let mut parts = chunks_of("c1", BIG, 5);
        let last = parts.pop().unwrap();
        let mut events = vec![raw(r#"{"type":3,"timestamp":1,"data":{}}"#)];
        events.extend(parts.iter().cloned());
        let (kept, report) = reassemble_keeping_partial(events);
        assert_eq!(
            kept.len(),
            parts.len() + 1,
            "the partial chunks stay in place"
        );
        assert_eq!(report.incomplete, 1);
        let mut later = kept;
        later.push(last);
        let (out, report) = reassemble_keeping_partial(later);
        assert_eq!(out.iter().map(|r| r.get()).collect::<Vec<_>>()[1], BIG);
        assert_eq!((out.len(), report.reassembled), (2, 1));
    }

    #[test]
    fn look_alikes_are_ordinary_events() {
        let custom = raw(
            r#"{"type":5,"timestamp":1,"data":{"tag":"checkout","payload":{"note":"tapedeck.chunk"}}}"#,
        );
        let (out, report) = reassemble(vec![custom]);
        assert_eq!(out.len(), 1);
        assert_eq!(report, ReassemblyReport::default());
        assert!(may_contain_chunks(br#"..."tapedeck.chunk"..."#));
        assert!(!may_contain_chunks(b"[]"));
    }
}
