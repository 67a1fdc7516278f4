//! Round trips, range reads and corruption of the v1 format, on random event streams.

use proptest::prelude::*;
use serde_json::value::RawValue;

use super::*;
use crate::batch::EventHead;
use crate::seal::{PlainSealer, SealError, Sealer};

/// A sealer with overhead, so offsets that forget it show up: `SEAL` + plaintext + a sum.
struct FramingSealer;

impl Sealer for FramingSealer {
    fn seal(&self, plaintext: &[u8]) -> Vec<u8> {
        let mut out = b"SEAL".to_vec();
        out.extend_from_slice(plaintext);
        out.extend_from_slice(&sum(plaintext).to_le_bytes());
        out
    }
    fn open(&self, sealed: &[u8]) -> Result<Vec<u8>, SealError> {
        let body = sealed
            .strip_prefix(b"SEAL")
            .filter(|b| b.len() >= 4)
            .ok_or_else(|| SealError::Malformed("no frame".into()))?;
        let (plain, check) = body.split_at(body.len() - 4);
        if check != sum(plain).to_le_bytes() {
            return Err(SealError::Unauthentic);
        }
        Ok(plain.to_vec())
    }
    fn overhead(&self) -> usize {
        8
    }
}

fn sum(bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .fold(7u32, |acc, &b| acc.wrapping_mul(31).wrapping_add(b as u32))
}

fn event(kind: i64, timestamp: i64, payload: &str) -> Box<RawValue> {
    let json = serde_json::json!({"type": kind, "timestamp": timestamp, "data": {"p": payload}});
    RawValue::from_string(json.to_string()).unwrap()
}

fn heads(events: &[Box<RawValue>]) -> Vec<EventHead> {
    events.iter().map(|e| event_head(e).unwrap()).collect()
}

fn texts(events: &[Box<RawValue>]) -> Vec<String> {
    events.iter().map(|e| e.get().to_string()).collect()
}

/// Random windows: mostly incremental events, with keyframes (meta + full snapshot) now and
/// then, times mostly rising but sometimes stepping back (late console/network events do).
fn stream() -> impl Strategy<Value = Vec<Box<RawValue>>> {
    let step = (0usize..12, -3i64..40, "[a-z ]{0,60}");
    proptest::collection::vec(step, 0..120).prop_map(|steps| {
        let mut ts = 1_700_000_000_000i64;
        let mut out = Vec::new();
        for (pick, dt, payload) in steps {
            ts += dt;
            match pick {
                0 => {
                    out.push(event(4, ts, "meta"));
                    out.push(event(2, ts + 1, &payload));
                }
                1 => out.push(event(5, ts, &payload)),
                2 => out.push(event(2, ts, &payload)),
                _ => out.push(event(3, ts, &payload)),
            }
        }
        out
    })
}

fn write(events: &[Box<RawValue>], sealer: &dyn Sealer, target: usize) -> WrittenRecording {
    let options = WriteOptions {
        zstd_level: 3,
        block_target_bytes: target,
    };
    write_recording("s-1", "w-1", events, &heads(events), sealer, options).unwrap()
}

/// What a range read of a written blob returns, the way the server reads it.
fn read_range(
    written: &WrittenRecording,
    sealer: &dyn Sealer,
    from: Option<i64>,
    to: Option<i64>,
) -> Vec<String> {
    let Some(plan) = plan_range(&written.index, from, to) else {
        return Vec::new();
    };
    let fetched = &written.bytes[plan.bytes.start as usize..plan.bytes.end as usize];
    let events = decode_planned(&written.index, &plan, fetched, sealer).unwrap();
    let range = select_range(&heads(&events), from, to);
    texts(&events[range])
}

proptest! {
    #[test]
    fn random_streams_round_trip(events in stream(), target in 1usize..4000) {
        for sealer in [&PlainSealer as &dyn Sealer, &FramingSealer] {
            let written = write(&events, sealer, target);
            let (header, read) = read_all_events(&written.bytes, sealer).unwrap();
            prop_assert_eq!(texts(&read), texts(&events));
            prop_assert_eq!(header.event_count, events.len() as u64);
            let (_, index) = read_file(&written.bytes, sealer).unwrap();
            prop_assert_eq!(&index, &written.index);
            // Blocks begin exactly at the keyframes, and stay near the target otherwise.
            let starts = keyframe_starts(&heads(&events));
            let mut begin = 0;
            let mut block_starts = vec![false; events.len()];
            for block in &index.blocks {
                prop_assert_eq!(block.keyframe, starts[begin]);
                block_starts[begin] = true;
                prop_assert!(block.decoded_length as usize <= target + 400);
                begin += block.event_count as usize;
            }
            prop_assert!(starts.iter().zip(&block_starts).all(|(k, b)| !k || *b));
        }
    }

    #[test]
    fn a_range_read_equals_the_range_of_the_whole(
        events in stream(),
        target in 1usize..3000,
        from in proptest::option::of(0i64..3000),
        len in proptest::option::of(0i64..2000),
    ) {
        let base = 1_700_000_000_000i64;
        let from = from.map(|f| base + f);
        let to = len.map(|l| from.unwrap_or(base) + l);
        let written = write(&events, &FramingSealer, target);
        let whole = select_range(&heads(&events), from, to);
        prop_assert_eq!(read_range(&written, &FramingSealer, from, to), texts(&events[whole]));
    }

    #[test]
    fn an_after_read_equals_the_continuation_of_the_whole(
        events in stream(),
        target in 1usize..3000,
        after in 0i64..3000,
        len in proptest::option::of(0i64..2000),
    ) {
        let after = 1_700_000_000_000i64 + after;
        let to = len.map(|l| after + l);
        let written = write(&events, &FramingSealer, target);
        let whole = select_after(&heads(&events), after, to);
        let read = match plan_after(&written.index, after, to) {
            None => Vec::new(),
            Some(plan) => {
                let fetched = &written.bytes[plan.bytes.start as usize..plan.bytes.end as usize];
                let planned = decode_planned(&written.index, &plan, fetched, &FramingSealer).unwrap();
                texts(&planned[select_after(&heads(&planned), after, to)])
            }
        };
        prop_assert_eq!(read, texts(&events[whole]));
    }

    #[test]
    fn corrupt_blobs_never_panic(
        events in stream(),
        flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..6),
        cut in any::<usize>(),
    ) {
        let written = write(&events, &PlainSealer, 500);
        let mut bytes = written.bytes.clone();
        for (at, value) in flips {
            let len = bytes.len();
            bytes[at % len] ^= value | 1;
        }
        let _ = read_all_events(&bytes, &PlainSealer);
        let _ = read_all_events(&bytes, &FramingSealer);
        let truncated = &written.bytes[..cut % written.bytes.len()];
        prop_assert!(read_all_events(truncated, &PlainSealer).is_err());
        if let Some(plan) = plan_range(&written.index, None, None) {
            let fetched = &bytes[plan.bytes.start as usize..plan.bytes.end as usize];
            let _ = decode_planned(&written.index, &plan, fetched, &PlainSealer);
        }
    }

    #[test]
    fn arbitrary_bytes_are_refused_without_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let mut with_trailer = bytes.clone();
        with_trailer.extend_from_slice(&TRAILER_MAGIC);
        prop_assert!(read_all_events(&bytes, &PlainSealer).is_err());
        prop_assert!(read_all_events(&with_trailer, &PlainSealer).is_err());
        let _ = open_index(&bytes, &PlainSealer);
    }
}

#[test]
fn blocks_start_at_keyframes_and_carry_their_times() {
    let events = vec![
        event(4, 100, "meta"),
        event(2, 101, "snap"),
        event(3, 150, "a"),
        event(3, 140, "late console"),
        event(4, 200, "meta"),
        event(2, 201, "snap"),
        event(3, 260, "b"),
    ];
    let written = write(&events, &FramingSealer, 1 << 20);
    let blocks: Vec<_> = written
        .index
        .blocks
        .iter()
        .map(|b| (b.event_count, b.keyframe, b.first_ts, b.min_ts, b.max_ts))
        .collect();
    assert_eq!(blocks, [(4, true, 100, 100, 150), (3, true, 200, 200, 260)]);
    let first = written.index.blocks[0].offset as usize;
    assert!(
        written.bytes[first..].starts_with(b"SEAL"),
        "blocks follow the sealed header"
    );
    assert_eq!(
        read_range(&written, &FramingSealer, Some(230), Some(240)).len(),
        2
    );
}

#[test]
fn a_wrong_key_or_a_tampered_index_is_an_error() {
    let events = vec![event(4, 1, "m"), event(2, 2, "s"), event(3, 3, "x")];
    let written = write(&events, &FramingSealer, 1 << 20);
    assert!(matches!(
        read_all_events(&written.bytes, &PlainSealer),
        Err(FormatError::Corrupt(_))
    ));
    let mut index = written.index.clone();
    index.blocks[0].decoded_length = MAX_BLOCK_DECODED_BYTES + 1;
    assert!(matches!(index.validate(8), Err(FormatError::TooLarge(_))));
    let mut index = written.index.clone();
    index.blocks[0].event_count += 1;
    let plan = plan_range(&index, None, None).unwrap();
    let fetched = &written.bytes[plan.bytes.start as usize..plan.bytes.end as usize];
    assert!(matches!(
        decode_planned(&index, &plan, fetched, &FramingSealer),
        Err(FormatError::Corrupt(_))
    ));
    let mut index = written.index.clone();
    index.version = 2;
    assert_eq!(index.validate(8), Err(FormatError::UnsupportedVersion(2)));
}

#[test]
fn an_empty_window_is_a_valid_recording() {
    let written = write(&[], &FramingSealer, 1 << 20);
    let (header, events) = read_all_events(&written.bytes, &FramingSealer).unwrap();
    assert_eq!((header.block_count, events.len()), (0, 0));
    assert_eq!(plan_range(&written.index, Some(1), Some(2)), None);
}
