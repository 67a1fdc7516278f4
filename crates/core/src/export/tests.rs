//! Export files: round trips, every refusal with its code, caps, and property tests that random,
//! truncated or corrupted input gives an error and never a panic.

use proptest::prelude::*;
use serde_json::json;
use serde_json::value::RawValue;

use super::*;
use crate::facts::extract_facts;
use crate::summary::SessionSummary;

fn raw(value: serde_json::Value) -> Box<RawValue> {
    serde_json::value::to_raw_value(&value).unwrap()
}

fn window(id: &str, first_ts: i64, count: usize) -> ExportWindow {
    window_at(id, "https://a.test/", first_ts, count)
}

fn window_at(id: &str, href: &str, first_ts: i64, count: usize) -> ExportWindow {
    let mut events = vec![
        raw(
            json!({"type": 4, "timestamp": first_ts, "data": {"href": href, "width": 800, "height": 600}}),
        ),
        raw(
            json!({"type": 2, "timestamp": first_ts + 1, "data": {"node": {"type": 0, "childNodes": []}}}),
        ),
    ];
    for i in 0..count.saturating_sub(2) {
        events.push(raw(
            json!({"type": 3, "timestamp": first_ts + 2 + i as i64, "data": {"source": 1, "text": "a\nb </script>"}}),
        ));
    }
    events.truncate(count);
    ExportWindow {
        window_id: id.into(),
        events,
    }
}

fn session() -> serde_json::Value {
    json!({
        "id": "s-1", "user_id": "u-1", "user_email": "ada@a.test", "user_name": "Ada",
        "user_agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0",
        "tags": {"plan": "pro"}, "viewport": {"width": 800, "height": 600},
        "urls": [{"url": "https://a.test/", "at": "1970-01-01T00:00:01Z"},
                 {"url": "https://a.test/spa", "at": "1970-01-01T00:00:01.005Z"}],
        "duration": 1.5, "started_at": "1970-01-01T00:00:01Z", "first_url": "https://a.test/",
        "metadata": {"sdk": "tapedeck-js/0.1.0", "referrer": "https://search.test/", "dropped_batches": 2},
    })
}

fn file_of(windows: &[ExportWindow]) -> Vec<u8> {
    let header = FileHeader {
        generator: "test".into(),
        exported_at: "1970-01-01T00:00:00Z".into(),
        session: session(),
        windows: windows.len(),
    };
    let mut writer = TapedeckWriter::new(Vec::new(), &header).unwrap();
    for w in windows {
        writer.write_window(w).unwrap();
    }
    writer.finish().unwrap()
}

fn read(bytes: &[u8]) -> Result<SessionFile, ImportError> {
    read_session_file(bytes, &ImportLimits::DEFAULT)
}

#[test]
fn a_written_file_reads_back_event_for_event() {
    let windows = [window("w-1", 1000, 50), window("w-2", 1200, 3)];
    let bytes = file_of(&windows);
    assert!(bytes.starts_with(b"TAPEDECK-SESSION 1\n"));
    let file = read(&bytes).unwrap();
    assert_eq!(file.header.session, session());
    assert_eq!(file.event_count(), 53);
    for (written, read) in windows.iter().zip(&file.windows) {
        assert_eq!(written.window_id, read.window_id);
        let as_values = |events: &[Box<RawValue>]| -> Vec<serde_json::Value> {
            events
                .iter()
                .map(|e| serde_json::from_str(e.get()).unwrap())
                .collect()
        };
        assert_eq!(as_values(&written.events), as_values(&read.events));
        assert_eq!(read.heads.len(), read.events.len());
    }
}

#[test]
fn an_empty_window_reads_back_and_imports_as_nothing() {
    let windows = [window("w-1", 1000, 5), window("w-2", 2000, 0)];
    let file = read(&file_of(&windows)).unwrap();
    assert_eq!(file.windows.len(), 2);
    assert!(file.windows[1].events.is_empty());
    let meta = ImportedMetadata::parse(&file.header.session).unwrap();
    let batches = import_batches(file.windows, &meta, "s");
    assert!(batches.iter().all(|b| b.window_id == "w-1"));
    let nothing = read(&file_of(&[window("w-1", 0, 0)])).unwrap_err();
    assert!(
        matches!(&nothing, ImportError::Invalid { field, .. } if field == "windows"),
        "{nothing:?}"
    );
}

#[test]
fn pretty_printed_events_keep_one_event_per_line() {
    let pretty =
        RawValue::from_string("{\n  \"type\": 3,\r\n  \"timestamp\": 5\n}".into()).unwrap();
    let mut w = window("w-1", 1, 2);
    w.events.push(pretty);
    let file = read(&file_of(&[w])).unwrap();
    assert_eq!(file.windows[0].events.len(), 3);
    assert_eq!(file.windows[0].heads[2].timestamp, 5);
}

#[test]
fn refusals_name_the_problem_and_carry_stable_codes() {
    let good = file_of(&[window("w-1", 1, 5)]);
    assert_eq!(
        read(b"PK\x03\x04zip").unwrap_err(),
        ImportError::NotTapedeckFile
    );
    let v2 = [b"TAPEDECK-SESSION 2\n".as_slice(), &good[19..]].concat();
    assert_eq!(
        read(&v2).unwrap_err(),
        ImportError::UnsupportedVersion("2".into())
    );
    let truncated = read(&good[..good.len() - 10]).unwrap_err();
    assert!(
        matches!(truncated, ImportError::Corrupt(_)),
        "{truncated:?}"
    );
    assert_eq!(truncated.code(), "invalid_import");

    let limits = ImportLimits {
        max_events: 4,
        ..ImportLimits::DEFAULT
    };
    let too_many = read_session_file(&good, &limits).unwrap_err();
    assert_eq!(too_many.code(), "import_too_large", "{too_many}");
    let limits = ImportLimits {
        max_decoded_bytes: 100,
        ..ImportLimits::DEFAULT
    };
    assert_eq!(
        read_session_file(&good, &limits).unwrap_err().code(),
        "import_too_large"
    );
    let limits = ImportLimits {
        max_line_bytes: 40,
        ..ImportLimits::DEFAULT
    };
    assert_eq!(
        read_session_file(&good, &limits).unwrap_err().code(),
        "import_too_large"
    );
    let limits = ImportLimits {
        max_file_bytes: 10,
        ..ImportLimits::DEFAULT
    };
    assert_eq!(
        read_session_file(&good, &limits).unwrap_err().code(),
        "import_too_large"
    );
}

/// Builds a file from raw lines, for shapes the writer never produces.
fn file_of_lines(lines: &[&str]) -> Vec<u8> {
    let mut text = lines.join("\n");
    text.push('\n');
    let mut out = b"TAPEDECK-SESSION 1\n".to_vec();
    out.extend(zstd::encode_all(text.as_bytes(), 3).unwrap());
    out
}

#[test]
fn malformed_lines_are_refused_with_the_field_named() {
    let header = json!({"session": session(), "windows": 1}).to_string();
    let cases: &[(&[&str], &str)] = &[
        (&["{}"], "header"),
        (&[r#"{"session": [], "windows": 1}"#], "header.session"),
        (
            &[&header, r#"{"window_id": "bad id!", "events": 1}"#],
            "windows[0].window_id",
        ),
        (&[&header, r#"{"window_id": "w", "events": 0}"#], "windows"),
        (
            &[
                &header,
                r#"{"window_id": "w", "events": 1}"#,
                r#"{"type": "x"}"#,
            ],
            "windows[0].events[0]",
        ),
        (
            &[&header, r#"{"window_id": "w", "events": 1}"#, "not json"],
            "windows[0].events[0]",
        ),
    ];
    for (lines, field) in cases {
        match read(&file_of_lines(lines)) {
            Err(ImportError::Invalid { field: got, .. }) => assert_eq!(&got, field, "{lines:?}"),
            other => panic!("{lines:?}: {other:?}"),
        }
    }
    let extra = file_of_lines(&[
        &header,
        r#"{"window_id": "w", "events": 1}"#,
        r#"{"type":2,"timestamp":1}"#,
        "{}",
    ]);
    assert!(matches!(read(&extra), Err(ImportError::Corrupt(_))));
    let repeated = json!({"session": session(), "windows": 2}).to_string();
    let twice = file_of_lines(&[
        &repeated,
        r#"{"window_id": "w", "events": 1}"#,
        r#"{"type":2,"timestamp":1}"#,
        r#"{"window_id": "w", "events": 1}"#,
        r#"{"type":2,"timestamp":1}"#,
    ]);
    assert!(matches!(read(&twice), Err(ImportError::Invalid { .. })));
}

#[test]
fn metadata_keeps_recorder_facts_under_the_ingest_caps() {
    let meta = ImportedMetadata::parse(&session()).unwrap();
    assert_eq!(meta.id, "s-1");
    assert_eq!(meta.user_email.as_deref(), Some("ada@a.test"));
    assert_eq!(meta.viewport, Some((800, 600)));
    assert_eq!(meta.urls.len(), 2);
    assert_eq!(meta.urls[1].at_ms, 1005);
    assert_eq!(meta.dropped_batches, 2);
    let mut long = session();
    long["user_name"] = json!("x".repeat(600));
    assert!(
        matches!(ImportedMetadata::parse(&long), Err(ImportError::Invalid { field, .. }) if field == "session.user_name")
    );
    let mut bad_id = session();
    bad_id["id"] = json!("../etc");
    assert!(ImportedMetadata::parse(&bad_id).is_err());
    let mut bad_at = session();
    bad_at["urls"][0]["at"] = json!("yesterday");
    assert!(ImportedMetadata::parse(&bad_at).is_err());
    let exported = exported_metadata(
        &json!({"id": "s", "organization_id": "o", "project_id": "p", "user_id": "u"}),
    );
    assert_eq!(exported, json!({"id": "s", "user_id": "u"}));
}

#[test]
fn imported_batches_rebuild_the_same_summary() {
    // The second tab opened on the page the first had navigated to.
    let windows = [
        window("w-1", 1000, 30),
        window_at("w-2", "https://a.test/spa", 1010, 5),
    ];
    let file = read(&file_of(&windows)).unwrap();
    let meta = ImportedMetadata::parse(&file.header.session).unwrap();
    let batches = import_batches(file.windows, &meta, "s-new");
    assert!(
        batches
            .iter()
            .all(|b| !b.events.is_empty() && b.session_id == "s-new")
    );
    assert_eq!(batches.iter().map(|b| b.events.len()).sum::<usize>(), 35);
    let w1: Vec<u32> = batches
        .iter()
        .filter(|b| b.window_id == "w-1")
        .map(|b| b.seq)
        .collect();
    assert_eq!(
        w1,
        (0..w1.len() as u32).collect::<Vec<_>>(),
        "seq counts from 0 per window"
    );
    let mut summary: Option<SessionSummary> = None;
    for batch in &batches {
        let facts = extract_facts(batch);
        match &mut summary {
            None => summary = Some(SessionSummary::from_first_batch(&facts, &batch.meta)),
            Some(s) => s.absorb(&facts, &batch.meta),
        }
    }
    let summary = summary.unwrap();
    let urls: Vec<(&str, i64)> = summary
        .urls
        .iter()
        .map(|v| (v.url.as_str(), v.at_ms))
        .collect();
    assert_eq!(
        urls,
        [("https://a.test/", 1000), ("https://a.test/spa", 1005)],
        "the SPA visit comes back at its time"
    );
    assert_eq!((summary.started_at_ms, summary.ended_at_ms), (1000, 1029));
    assert_eq!(summary.user_email.as_deref(), Some("ada@a.test"));
    assert_eq!(summary.browser.parsed.browser, "Firefox");
    assert_eq!(summary.tags.get("plan").map(String::as_str), Some("pro"));
    assert_eq!(summary.event_count, 35);
}

#[test]
fn large_windows_are_cut_into_bounded_batches() {
    let file = read(&file_of(&[window("w-1", 0, IMPORT_BATCH_MAX_EVENTS + 5)])).unwrap();
    let meta = ImportedMetadata::parse(&file.header.session).unwrap();
    let batches = import_batches(file.windows, &meta, "s");
    assert!(batches.len() >= 2);
    assert!(
        batches
            .iter()
            .all(|b| b.events.len() <= IMPORT_BATCH_MAX_EVENTS)
    );
}

fn html_of(session: &serde_json::Value, windows: &[ExportWindow]) -> String {
    let export = HtmlExport {
        session,
        player_js: "var TapedeckPlayer={replayExport:function(){return Promise.resolve()}};var s='</script>';",
        player_css: ".td-player{color:red}",
        generator: "tapedeck test",
        exported_at_ms: 0,
    };
    let mut writer = HtmlWriter::new(Vec::new(), &export).unwrap();
    for w in windows {
        writer.write_window(w).unwrap();
    }
    String::from_utf8(writer.finish().unwrap()).unwrap()
}

/// The events payload of an HTML export, decoded as the player decodes it.
fn html_payload(html: &str) -> serde_json::Value {
    use base64::Engine;
    use std::io::Read;
    let start = html.find("data-encoding=\"gzip+base64\">").unwrap();
    let body = &html[start..];
    let body = &body[body.find('>').unwrap() + 1..body.find("</script>").unwrap()];
    let text: String = body.split_whitespace().collect();
    let gzip = base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap();
    let mut json = String::new();
    flate2::read::GzDecoder::new(&gzip[..])
        .read_to_string(&mut json)
        .unwrap();
    serde_json::from_str(&json).unwrap()
}

#[test]
fn html_payload_holds_every_window_in_lines_of_base64() {
    let windows = [window("w-1", 1000, 300), window("w-2", 2000, 0)];
    let html = html_of(&exported_metadata(&session()), &windows);
    let payload = html_payload(&html);
    assert_eq!(payload[0]["window_id"], "w-1");
    assert_eq!(payload[0]["events"].as_array().unwrap().len(), 300);
    assert_eq!(payload[0]["events"][299]["timestamp"], 1000 + 299);
    assert_eq!(payload[1], json!({"window_id": "w-2", "events": []}));
    let start = html.find("data-encoding").unwrap();
    let lines: Vec<&str> = html[start..]
        .lines()
        .skip(1)
        .take_while(|l| !l.starts_with("</script>"))
        .collect();
    assert!(lines.len() > 2, "a long payload spans lines");
    let (last, full) = lines.split_last().unwrap();
    assert!(
        full.iter().all(|l| l.len() == 120),
        "full lines are 120 characters"
    );
    assert!(!last.is_empty() && last.len() <= 120);
}

#[test]
fn html_export_inlines_everything_and_escapes_script_ends() {
    let windows = [window("w-1", 1000, 10)];
    let session = exported_metadata(&session());
    let html = html_of(&session, &windows);
    assert_eq!(
        html.matches("</script>").count(),
        4,
        "only the four script elements end"
    );
    assert!(html.contains("var s='\\x3C/script>'"));
    assert!(
        html.contains("Ada") && html.contains("0:01") && html.contains("1970-01-01 00:00:01 UTC")
    );
    assert!(html.contains("data-encoding=\"gzip+base64\""));
    assert!(html.contains("Content-Security-Policy") && html.contains("script-src &#39;sha256-"));
    assert!(!html.contains("allow-scripts"));
}

/// One valid two-window file for the property tests (written once: level 12 is slow).
static GOOD_FILE: std::sync::LazyLock<Vec<u8>> =
    std::sync::LazyLock::new(|| file_of(&[window("w-1", 1, 20), window("w-2", 5, 3)]));

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = read(&bytes);
        let with_magic = [b"TAPEDECK-SESSION 1\n".as_slice(), &bytes].concat();
        prop_assert!(read(&with_magic).is_err());
    }

    #[test]
    fn truncated_files_are_refused(cut in 0usize..1000) {
        let good = &*GOOD_FILE;
        let cut = cut % good.len();
        prop_assert!(read(&good[..cut]).is_err());
    }

    #[test]
    fn flipped_bytes_never_panic(at in 0usize..1000, bit in 0u8..8) {
        let mut bytes = GOOD_FILE.clone();
        let at = at % bytes.len();
        bytes[at] ^= 1 << bit;
        // The zstd checksum catches damage the JSON would not.
        let _ = read(&bytes);
    }

    #[test]
    fn random_session_objects_never_panic(value in arbitrary_json()) {
        let _ = ImportedMetadata::parse(&value);
        let _ = ImportedMetadata::parse(&json!({"id": "s", "urls": value.clone(), "tags": value.clone(), "viewport": value}));
    }
}

fn arbitrary_json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        ".{0,20}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(3, 32, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::from),
            proptest::collection::btree_map("[a-z_]{1,10}", inner, 0..6)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}
