//! The text-walking scrub of `events` against the obvious one: parse each event into a
//! `serde_json::Value`, scrub every string value, serialize again. Events are generated with
//! personal data, look-alikes, `data:` URIs and every kind of JSON escape, written with random
//! escapes and whitespace, so the two must agree on each event and on the report.

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use serde_json::Value;
use serde_json::value::RawValue;

use super::events::{ScrubReport, scrub_events};
use super::text::scrub_text_counting;

/// The scrub as it was before `events` read JSON text: the specification.
fn reference_scrub_events(events: Vec<Box<RawValue>>) -> (Vec<Box<RawValue>>, ScrubReport) {
    let mut report = ScrubReport::default();
    let events = events
        .into_iter()
        .map(|raw| {
            let mut value: Value = serde_json::from_str(raw.get()).unwrap();
            let before = report.total();
            scrub_value(&mut value, &mut report);
            if report.total() == before {
                return raw;
            }
            report.events_changed += 1;
            serde_json::value::to_raw_value(&value).unwrap()
        })
        .collect();
    (events, report)
}

fn scrub_value(value: &mut Value, report: &mut ScrubReport) {
    match value {
        Value::String(s) if s.starts_with("data:") => {}
        Value::String(s) => {
            let mut found = |kind| *report.masked.entry(kind).or_insert(0) += 1;
            if let std::borrow::Cow::Owned(masked) = scrub_text_counting(s, &mut found) {
                *s = masked;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| scrub_value(item, report)),
        Value::Object(map) => map.values_mut().for_each(|item| scrub_value(item, report)),
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

const PERSONAL: &[&str] = &[
    "ada@example.com",
    "Ünal@example.co.uk",
    "4242 4242 4242 4242",
    "4111-1111-1111-1111",
    "378282246310005",
    "123-45-6789",
    "+44 20 7946 0958",
    "(555) 123-4567",
    "415.555.0132",
    "GB82 WEST 1234 5698 7654 32",
    "DE89370400440532013000",
    "Bearer abcDEF123456789xyz",
    "bearer\nabc/def+123456==",
    "Authorization: BEARER\t\tzz.yy_xx-ww~vv",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
    "eyJhbGciOiJIUzI.eyJzdWIiOiJhZGEi.signature",
    "x١٢٣-٤٥-٦٧٨٩y",
    "１２３-４５-６７８９",
];

const LOOK_ALIKES: &[&str] = &[
    "4242 4242 4242 4241",
    "GB82 WEST 1234 5698 7654 33",
    "v1.2.3 2026-11-25",
    "a@b",
    "1732530000000",
    "+1 2",
    "bearer short",
];

const TRICKY: &[&str] = &[
    "say \"hi\"",
    "C:\\path\\to",
    "line\nbreak\ttab\r",
    "naïve café ✓ 😀",
    "\u{1}\u{1f}\u{7f}\u{2028}\u{8}\u{c}",
    "/",
    "@",
    "",
    "data:",
];

const DATA_URIS: &[&str] = &[
    "data:image/png;base64,4242424242424242",
    "data:text/plain,ada@example.com",
];

/// Returns `prefix` followed by the digit that makes the whole pass the Luhn check.
fn luhn_number(prefix: &[u32]) -> String {
    let sum: u32 = prefix
        .iter()
        .rev()
        .enumerate()
        // The check digit comes last, so the prefix's last digit is the first one doubled.
        .map(|(i, &d)| match (i % 2, d * 2) {
            (0, doubled) if doubled > 9 => doubled - 9,
            (0, doubled) => doubled,
            _ => d,
        })
        .sum();
    let mut digits: Vec<u32> = prefix.to_vec();
    digits.push((10 - sum % 10) % 10);
    digits
        .iter()
        .map(|d| char::from_digit(*d, 10).unwrap())
        .collect()
}

fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[a-z]{1,8}",
        2 => proptest::sample::select(PERSONAL).prop_map(String::from),
        1 => proptest::sample::select(LOOK_ALIKES).prop_map(String::from),
        2 => proptest::sample::select(TRICKY).prop_map(String::from),
        1 => proptest::sample::select(DATA_URIS).prop_map(String::from),
        1 => proptest::collection::vec(0u32..10, 12..=18).prop_map(|p| luhn_number(&p)),
        1 => "[0-9]{3}[ -]?[0-9]{3}[ -]?[0-9]{4,9}",
    ]
}

/// A string of fragments: words, personal data, look-alikes, escapes, `data:` URIs.
pub(super) fn text_with_personal_data() -> impl Strategy<Value = String> {
    let separator = proptest::sample::select(&["", " ", "\n", ", ", "\t", "/", "\""][..]);
    proptest::collection::vec((fragment(), separator), 1..4).prop_map(|parts| {
        parts
            .into_iter()
            .flat_map(|(fragment, separator)| [fragment, separator.to_string()])
            .collect()
    })
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => text_with_personal_data().prop_map(Value::from),
        1 => prop_oneof![
            Just(Value::from(1_732_530_000_000_i64)),
            any::<i32>().prop_map(Value::from),
            Just(Value::from(-1.5)),
            any::<bool>().prop_map(Value::from),
            Just(Value::Null),
        ],
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[a-zA-Z]{1,10}",
        1 => proptest::sample::select(PERSONAL).prop_map(String::from),
        1 => proptest::sample::select(TRICKY).prop_map(String::from),
    ]
}

fn event() -> impl Strategy<Value = Value> {
    let data = leaf().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
            proptest::collection::btree_map(key(), inner, 0..6)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    });
    (0i64..7, data).prop_map(|(kind, data)| {
        serde_json::json!({"type": kind, "data": data, "timestamp": 1_732_530_000_000_i64})
    })
}

/// A small deterministic generator of choices for how to write the JSON (splitmix64).
struct Choices(u64);

impl Choices {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % n
    }
}

/// Writes `value` as JSON with random whitespace and, in some strings, random escapes (`\/`,
/// `\uXXXX` in either case, surrogate pairs); control characters get their short escape
/// (`\n`) or a `\u` one.
fn write_json(value: &Value, choices: &mut Choices, out: &mut String) {
    let space = |choices: &mut Choices, out: &mut String| {
        out.push_str(["", "", "", " ", "\n  ", "\t", "\r\n"][choices.below(7) as usize]);
    };
    match value {
        Value::String(text) => write_string(text, choices, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                space(choices, out);
                write_json(item, choices, out);
                space(choices, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                space(choices, out);
                write_string(key, choices, out);
                space(choices, out);
                out.push(':');
                space(choices, out);
                write_json(item, choices, out);
            }
            space(choices, out);
            out.push('}');
        }
        other => out.push_str(&other.to_string()),
    }
}

fn write_string(text: &str, choices: &mut Choices, out: &mut String) {
    let escape_freely = choices.below(3) == 0;
    out.push('"');
    for c in text.chars() {
        let unicode = escape_freely && choices.below(4) == 0;
        let short = match c {
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            '\u{8}' => "\\b",
            '\u{c}' => "\\f",
            _ => "",
        };
        match c {
            _ if !short.is_empty() && !unicode => out.push_str(short),
            _ if unicode || c < ' ' => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    if choices.below(2) == 0 {
                        out.push_str(&format!("\\u{unit:04x}"));
                    } else {
                        out.push_str(&format!("\\u{unit:04X}"));
                    }
                }
            }
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '/' if escape_freely => out.push_str("\\/"),
            _ => out.push(c),
        }
    }
    out.push('"');
}

fn written(events: &[Value], seed: u64) -> Vec<Box<RawValue>> {
    let mut choices = Choices(seed);
    events
        .iter()
        .map(|event| {
            let mut text = String::new();
            write_json(event, &mut choices, &mut text);
            RawValue::from_string(text).unwrap()
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn scrubbing_event_text_masks_exactly_what_scrubbing_parsed_events_does(
        events in proptest::collection::vec(event(), 1..4),
        seed in any::<u64>(),
    ) {
        let raws = written(&events, seed);
        let (ours, our_report) = scrub_events(raws.clone());
        let (reference, reference_report) = reference_scrub_events(raws.clone());
        prop_assert_eq!(&our_report, &reference_report);
        for ((ours, reference), raw) in ours.iter().zip(&reference).zip(&raws) {
            let parsed = |event: &RawValue| serde_json::from_str::<Value>(event.get()).unwrap();
            prop_assert_eq!(parsed(ours), parsed(reference), "from {}", raw.get());
            if reference.get() == raw.get() {
                prop_assert_eq!(ours.get(), raw.get(), "an event without a match keeps its bytes");
            }
        }
    }
}

#[test]
fn the_generated_events_hold_matches_and_escapes() {
    // Guards the generator itself: a property that never meets a match proves nothing.
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = (proptest::collection::vec(event(), 1..4), any::<u64>());
    let (mut masked, mut escaped_matches, mut total) = (0, 0, 0);
    let mut cards = 0;
    for _ in 0..200 {
        let (events, seed) = strategy.new_tree(&mut runner).unwrap().current();
        for raw in written(&events, seed) {
            total += 1;
            let (_, report) = scrub_events(vec![raw.clone()]);
            cards += report
                .masked
                .get(&super::text::PiiKind::CardNumber)
                .unwrap_or(&0);
            if report.total() > 0 {
                masked += 1;
                if !super::text::may_contain_pii(&raw.get().replace("1732530000000", "0")) {
                    escaped_matches += 1;
                }
            }
        }
    }
    assert!(masked * 3 > total, "{masked} of {total} events had a match");
    assert!(escaped_matches > 0, "no match hid behind an escape");
    assert!(cards > 0, "no generated card number passed the Luhn check");
}
