//! Pins format v1 (docs/FORMAT.md): the committed blob in fixtures/format/ reads back as the
//! committed events, and writing those events again gives the same bytes (zstd is deterministic
//! at a fixed level and library version). If a change breaks this, the format changed: bump the
//! version and keep reading v1, don't re-bless. Re-bless only for a zstd upgrade that changes
//! the output, with `TAPEDECK_BLESS=1 cargo test -p tapedeck-core --test format_fixture`.

use std::path::PathBuf;

use serde_json::value::RawValue;
use tapedeck_core::recording::{
    RecordingIndex, WriteOptions, event_head, read_all_events, read_file, write_recording,
};
use tapedeck_core::seal::PlainSealer;

const SESSION: &str = "01a211fd-bed2-75d2-b1e0-d42658515974";
const WINDOW: &str = "w-dd7377ed66ce447a";

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

fn write(events: &[Box<RawValue>]) -> Vec<u8> {
    let heads: Vec<_> = events
        .iter()
        .map(|e| event_head(e).expect("head"))
        .collect();
    write_recording(
        SESSION,
        WINDOW,
        events,
        &heads,
        &PlainSealer,
        WriteOptions::default(),
    )
    .expect("write")
    .bytes
}

fn texts(events: &[Box<RawValue>]) -> Vec<String> {
    events.iter().map(|e| e.get().to_string()).collect()
}

/// Writes the fixture files from the recorded session (events one per line, as recorded).
fn bless() {
    let text = std::fs::read_to_string(fixtures().join("recorded-form-session.json")).unwrap();
    let recorded: serde_json::Value = serde_json::from_str(&text).unwrap();
    let events: Vec<Box<RawValue>> = recorded["batches"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|b| b["events"].as_array().unwrap().clone())
        .map(|e| RawValue::from_string(e.to_string()).unwrap())
        .collect();
    let dir = fixtures().join("format");
    std::fs::create_dir_all(&dir).unwrap();
    let events_text = format!("[\n{}\n]\n", texts(&events).join(",\n"));
    std::fs::write(dir.join("events.json"), events_text).unwrap();
    let bytes = write(&events);
    let (_, index) = read_file(&bytes, &PlainSealer).unwrap();
    std::fs::write(dir.join("recording-v1.tdr"), &bytes).unwrap();
    let index_json = serde_json::to_string_pretty(&index).unwrap() + "\n";
    std::fs::write(dir.join("recording-v1.index.json"), index_json).unwrap();
}

#[test]
fn the_committed_v1_blob_reads_back_and_rewrites_byte_for_byte() {
    if std::env::var_os("TAPEDECK_BLESS").is_some() {
        bless();
    }
    let dir = fixtures().join("format");
    let blob = std::fs::read(dir.join("recording-v1.tdr")).expect("the committed blob");
    let events: Vec<Box<RawValue>> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("events.json")).unwrap()).unwrap();
    let index: RecordingIndex = serde_json::from_str(
        &std::fs::read_to_string(dir.join("recording-v1.index.json")).unwrap(),
    )
    .unwrap();

    let (header, read) = read_all_events(&blob, &PlainSealer).expect("the fixture reads");
    assert_eq!(texts(&read), texts(&events));
    assert_eq!(
        (header.session_id.as_str(), header.window_id.as_str()),
        (SESSION, WINDOW)
    );
    assert_eq!(read_file(&blob, &PlainSealer).unwrap().1, index);

    // Two page loads: the load events before the first keyframe, then one block per keyframe.
    let shape: Vec<_> = index
        .blocks
        .iter()
        .map(|b| (b.event_count, b.keyframe))
        .collect();
    assert_eq!(shape, [(2, false), (14, true), (11, true)]);

    assert!(
        write(&events) == blob,
        "writing the fixture's events changed the bytes"
    );
}
