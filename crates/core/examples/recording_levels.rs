//! Measures format v1 on a recorded session and on a generated long one: blob size and write
//! time per zstd level, against zstd-19 of the whole raw JSON and the v0 segments (level 3 per
//! batch), and whether a trained dictionary pays. Run:
//! `cargo run --release -p tapedeck-core --example recording_levels [MINUTES]`.
//! The figures in docs/FORMAT.md come from here.

#![allow(clippy::print_stdout, reason = "a measuring tool prints its table")]

use std::time::Instant;

use serde_json::json;
use serde_json::value::RawValue;
use tapedeck_core::recording::{WriteOptions, event_head, write_recording};
use tapedeck_core::seal::PlainSealer;

fn main() {
    let minutes: u64 = std::env::args()
        .nth(1)
        .and_then(|m| m.parse().ok())
        .unwrap_or(30);
    let fixture = fixture_events();
    measure("fixtures/recorded-form-session.json", &fixture, 1);
    let generated = generated_session(minutes, 1);
    measure(
        &format!("generated {minutes}-minute session"),
        &generated,
        minutes,
    );
    dictionary(&generated_session(minutes, 2), &generated);
}

fn fixture_events() -> Vec<Box<RawValue>> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/recorded-form-session.json"
    );
    let text = std::fs::read_to_string(path).expect("fixture");
    let value: serde_json::Value = serde_json::from_str(&text).expect("fixture JSON");
    value["batches"]
        .as_array()
        .expect("batches")
        .iter()
        .flat_map(|b| b["events"].as_array().expect("events").clone())
        .map(|e| RawValue::from_string(e.to_string()).expect("event"))
        .collect()
}

fn raw_json(events: &[Box<RawValue>]) -> Vec<u8> {
    let parts: Vec<&str> = events.iter().map(|e| e.get()).collect();
    format!("[{}]", parts.join(",")).into_bytes()
}

fn measure(name: &str, events: &[Box<RawValue>], minutes: u64) {
    let heads: Vec<_> = events
        .iter()
        .map(|e| event_head(e).expect("head"))
        .collect();
    let raw = raw_json(events);
    println!(
        "\n{name}: {} events, {} bytes raw JSON",
        events.len(),
        raw.len()
    );
    let whole = zstd::bulk::compress(&raw, 19).expect("zstd");
    println!("  zstd-19 of the whole JSON: {} bytes", whole.len());
    // v0: one zstd-3 segment per ~3 s batch (about 60 events here).
    let segments: usize = events
        .chunks(60)
        .map(|c| zstd::bulk::compress(&raw_json(c), 3).expect("zstd").len())
        .sum();
    println!("  v0 segments (zstd-3 per 60-event batch): {segments} bytes");
    println!("  level | blob bytes | bytes/min | blocks | write ms");
    for level in [1, 3, 6, 9, 12, 15, 17, 19] {
        let options = WriteOptions {
            zstd_level: level,
            ..WriteOptions::default()
        };
        let started = Instant::now();
        let written =
            write_recording("s", "w", events, &heads, &PlainSealer, options).expect("write");
        let elapsed = started.elapsed().as_millis();
        println!(
            "  {level:>5} | {:>10} | {:>9} | {:>6} | {elapsed:>8}",
            written.bytes.len(),
            written.bytes.len() as u64 / minutes.max(1),
            written.index.blocks.len()
        );
    }
}

/// Trains a dictionary on one session's blocks and compresses another's with it.
fn dictionary(train: &[Box<RawValue>], test: &[Box<RawValue>]) {
    let blocks = |events: &[Box<RawValue>]| -> Vec<Vec<u8>> {
        let heads: Vec<_> = events
            .iter()
            .map(|e| event_head(e).expect("head"))
            .collect();
        let sizes: Vec<usize> = events.iter().map(|e| e.get().len()).collect();
        tapedeck_core::recording::cut_blocks(&heads, &sizes, 1 << 20)
            .into_iter()
            .map(|b| raw_json(&events[b.events]))
            .collect()
    };
    let samples: Vec<Vec<u8>> = blocks(train)
        .into_iter()
        .flat_map(|b| b.chunks(16 * 1024).map(<[u8]>::to_vec).collect::<Vec<_>>())
        .collect();
    let dict = zstd::dict::from_samples(&samples, 112 * 1024).expect("train");
    let test_blocks = blocks(test);
    let plain: usize = test_blocks
        .iter()
        .map(|b| zstd::bulk::compress(b, 19).expect("zstd").len())
        .sum();
    let mut with_dict = zstd::bulk::Compressor::with_dictionary(19, &dict).expect("dict");
    let dicted: usize = test_blocks
        .iter()
        .map(|b| with_dict.compress(b).expect("zstd").len())
        .sum();
    println!(
        "\ndictionary ({} bytes, trained on another generated session): blocks at level 19 {plain} bytes without, {dicted} with ({:+.1} %)",
        dict.len(),
        (dicted as f64 - plain as f64) * 100.0 / plain as f64
    );
}

/// A deterministic pseudo-random source (xorshift), so runs compare.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const WORDS: &[&str] = &[
    "order", "basket", "shipping", "wool", "linen", "jacket", "blue", "size", "return", "price",
    "discount", "delivery", "account", "address", "coffee", "mug", "lamp", "desk", "garden",
    "summer", "winter", "sale", "new", "classic", "organic", "cotton", "leather", "small",
];

fn sentence(rng: &mut Rng, words: u64) -> String {
    (0..words)
        .map(|_| WORDS[rng.below(WORDS.len() as u64) as usize])
        .collect::<Vec<_>>()
        .join(" ")
}

/// A shop page: header, nav and a product grid of `products` cards, as an rrweb snapshot node.
fn page(rng: &mut Rng, products: u64, next_id: &mut u64) -> serde_json::Value {
    let mut id = || {
        *next_id += 1;
        *next_id
    };
    let cards: Vec<_> = (0..products)
        .map(|p| {
            json!({"type": 2, "tagName": "article", "attributes": {"class": "card", "data-sku": format!("SKU-{p:05}")}, "id": id(), "childNodes": [
                {"type": 2, "tagName": "img", "attributes": {"src": format!("/img/{p}.webp"), "alt": sentence(rng, 3)}, "childNodes": [], "id": id()},
                {"type": 2, "tagName": "h3", "attributes": {}, "id": id(), "childNodes": [{"type": 3, "textContent": sentence(rng, 4), "id": id()}]},
                {"type": 2, "tagName": "p", "attributes": {"class": "price"}, "id": id(), "childNodes": [{"type": 3, "textContent": format!("€{}.{:02}", rng.below(300), rng.below(100)), "id": id()}]},
                {"type": 2, "tagName": "button", "attributes": {"class": "add"}, "id": id(), "childNodes": [{"type": 3, "textContent": "Add to basket", "id": id()}]}
            ]})
        })
        .collect();
    json!({"node": {"type": 0, "id": id(), "childNodes": [
        {"type": 2, "tagName": "html", "attributes": {"lang": "en"}, "id": id(), "childNodes": [
            {"type": 2, "tagName": "head", "attributes": {}, "id": id(), "childNodes": [
                {"type": 2, "tagName": "style", "attributes": {"_cssText": ".card{display:grid;gap:8px;padding:12px;border:1px solid #ddd}.price{font-weight:600}"}, "childNodes": [], "id": id()}
            ]},
            {"type": 2, "tagName": "body", "attributes": {}, "id": id(), "childNodes": cards}
        ]}
    ]}, "initialOffset": {"left": 0, "top": 0}})
}

/// A long browsing session: a page load every few minutes (meta + full snapshot), mouse moves,
/// scrolls, clicks, typing and DOM mutations in between.
fn generated_session(minutes: u64, seed: u64) -> Vec<Box<RawValue>> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ seed);
    let mut ts: i64 = 1_795_000_000_000;
    let end = ts + minutes as i64 * 60_000;
    let mut events = Vec::new();
    let mut push = |v: serde_json::Value| {
        events.push(RawValue::from_string(v.to_string()).expect("event"));
    };
    let mut next_page = ts;
    let mut next_id = 0;
    while ts < end {
        if ts >= next_page {
            let href = format!(
                "https://shop.test/{}",
                sentence(&mut rng, 2).replace(' ', "/")
            );
            push(
                json!({"type": 4, "data": {"href": href, "width": 1280, "height": 800}, "timestamp": ts}),
            );
            let products = 40 + rng.below(80);
            push(
                json!({"type": 2, "data": page(&mut rng, products, &mut next_id), "timestamp": ts + 12}),
            );
            next_page = ts + 60_000 * (2 + rng.below(5) as i64);
        }
        ts += 100 + rng.below(900) as i64;
        let positions: Vec<_> = (0..1 + rng.below(10))
            .map(|i| json!({"x": rng.below(1280), "y": rng.below(800), "id": rng.below(next_id + 1), "timeOffset": -(i as i64) * 50}))
            .collect();
        push(json!({"type": 3, "data": {"source": 1, "positions": positions}, "timestamp": ts}));
        match rng.below(10) {
            0 => push(
                json!({"type": 3, "data": {"source": 3, "id": 1, "x": 0, "y": rng.below(5000)}, "timestamp": ts + 3}),
            ),
            1 => push(
                json!({"type": 3, "data": {"source": 2, "type": 2, "id": rng.below(next_id + 1), "x": rng.below(1280), "y": rng.below(800), "pointerType": 0}, "timestamp": ts + 4}),
            ),
            2 => push(
                json!({"type": 3, "data": {"source": 5, "text": sentence(&mut rng, 2), "isChecked": false, "id": rng.below(next_id + 1)}, "timestamp": ts + 5}),
            ),
            3 => {
                next_id += 2;
                push(
                    json!({"type": 3, "data": {"source": 0, "texts": [], "attributes": [], "removes": [], "adds": [
                    {"parentId": rng.below(next_id), "nextId": null, "node": {"type": 2, "tagName": "li", "attributes": {"class": "toast"}, "childNodes": [], "id": next_id - 1}},
                    {"parentId": next_id - 1, "nextId": null, "node": {"type": 3, "textContent": sentence(&mut rng, 6), "id": next_id}}
                ]}, "timestamp": ts + 6}),
                );
            }
            _ => {}
        }
    }
    events
}
