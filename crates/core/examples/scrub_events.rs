//! Measures the event scrub (`scrub::scrub_events`, which reads each event's JSON text) against
//! the walk it replaced (parse each event into a `serde_json::Value`, scrub every string, write
//! it again) on generated rrweb events: a full snapshot of a few hundred KB with one email in its
//! footer, DOM mutations, mouse moves and inputs (a few typing an email). Run:
//! `cargo run --release -p tapedeck-core --example scrub_events [ROUNDS]`.
//! The walk here calls today's `scrub_text_counting`, which is faster than it was before the
//! rewrite, so the ratio it prints understates the gain; the report of the change that
//! introduced this example gives the ratio against the old code as well.

#![allow(clippy::print_stdout, reason = "a measuring tool prints its table")]

use std::borrow::Cow;
use std::time::{Duration, Instant};

use serde_json::value::RawValue;
use serde_json::{Value, json};
use tapedeck_core::scrub::text::{may_contain_pii, scrub_text_counting};
use tapedeck_core::scrub::{ScrubReport, scrub_events};

fn main() {
    let rounds: u32 = std::env::args()
        .nth(1)
        .and_then(|r| r.parse().ok())
        .unwrap_or(20);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let snapshot = vec![event(
        json!({"type": 2, "data": page(&mut rng, 420), "timestamp": TS}),
    )];
    let mutations: Vec<_> = (0..300).map(|i| mutation(&mut rng, i)).collect();
    let moves: Vec<_> = (0..1000).map(|i| mouse_move(&mut rng, i)).collect();
    let inputs: Vec<_> = (0..200).map(|i| input(&mut rng, i)).collect();
    println!("rounds: {rounds}; times per round; old = Value walk, new = scrub_events");
    let mut totals = (Duration::ZERO, Duration::ZERO);
    for (name, events) in [
        ("full snapshot", &snapshot),
        ("300 mutations", &mutations),
        ("1000 mouse moves", &moves),
        ("200 inputs", &inputs),
    ] {
        let (old, new) = measure(events, rounds);
        totals = (totals.0 + old, totals.1 + new);
        print_row(name, events, old, new, rounds);
    }
    let all: Vec<_> = [snapshot, mutations, moves, inputs].concat();
    print_row("all of the above", &all, totals.0, totals.1, rounds);
}

fn print_row(name: &str, events: &[Box<RawValue>], old: Duration, new: Duration, rounds: u32) {
    let bytes: usize = events.iter().map(|e| e.get().len()).sum();
    println!(
        "{name:>18}: {:>5} events, {:>7} bytes: old {:>9.1} µs, new {:>8.1} µs, old ÷ new {:>5.1}",
        events.len(),
        bytes,
        old.as_secs_f64() * 1e6 / f64::from(rounds),
        new.as_secs_f64() * 1e6 / f64::from(rounds),
        old.as_secs_f64() / new.as_secs_f64()
    );
}

/// Checks both agree, then times `rounds` alternating runs of each (the clones outside).
fn measure(events: &[Box<RawValue>], rounds: u32) -> (Duration, Duration) {
    let (ours, our_report) = scrub_events(events.to_vec());
    let (theirs, their_report) = walk_scrub_events(events.to_vec());
    assert_eq!(our_report, their_report);
    for (ours, theirs) in ours.iter().zip(&theirs) {
        let parse = |e: &RawValue| serde_json::from_str::<Value>(e.get()).expect("JSON");
        assert_eq!(parse(ours), parse(theirs));
    }
    let (mut old, mut new) = (Duration::ZERO, Duration::ZERO);
    for _ in 0..rounds {
        let batch = events.to_vec();
        let started = Instant::now();
        let out = walk_scrub_events(batch);
        old += started.elapsed();
        drop(out);
        let batch = events.to_vec();
        let started = Instant::now();
        let out = scrub_events(batch);
        new += started.elapsed();
        drop(out);
    }
    (old, new)
}

/// The scrub as it was: an event passing the prefilter is parsed whole and walked.
fn walk_scrub_events(events: Vec<Box<RawValue>>) -> (Vec<Box<RawValue>>, ScrubReport) {
    let mut report = ScrubReport::default();
    let events = events
        .into_iter()
        .map(|raw| {
            if !raw.get().contains("\\u") && !may_contain_pii(raw.get()) {
                return raw;
            }
            let Ok(mut value) = serde_json::from_str::<Value>(raw.get()) else {
                return raw;
            };
            let before = report.total();
            walk(&mut value, &mut report);
            if report.total() == before {
                return raw;
            }
            report.events_changed += 1;
            serde_json::value::to_raw_value(&value).unwrap_or(raw)
        })
        .collect();
    (events, report)
}

fn walk(value: &mut Value, report: &mut ScrubReport) {
    match value {
        Value::String(s) if s.starts_with("data:") => {}
        Value::String(s) => {
            let mut found = |kind| *report.masked.entry(kind).or_insert(0) += 1;
            if let Cow::Owned(masked) = scrub_text_counting(s, &mut found) {
                *s = masked;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| walk(item, report)),
        Value::Object(map) => map.values_mut().for_each(|item| walk(item, report)),
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

const TS: i64 = 1_795_000_000_000;

fn event(value: Value) -> Box<RawValue> {
    RawValue::from_string(value.to_string()).expect("event")
}

/// A deterministic pseudo-random source (xorshift), so runs compare.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
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

/// Multi-line CSS, as pages inline it: its newlines are `\n` escapes in the JSON.
fn stylesheet(rng: &mut Rng, rules: u64) -> String {
    (0..rules)
        .map(|r| {
            format!(
                ".c{r} {{\n  margin: {}px {}px;\n  color: #{:06x};\n  font: 400 14px/1.4 \"Inter\", sans-serif;\n}}\n",
                rng.below(40),
                rng.below(40),
                rng.below(0xff_ffff)
            )
        })
        .collect()
}

/// A shop page of `products` cards with inline CSS and one email in its footer.
fn page(rng: &mut Rng, products: u64) -> Value {
    let mut next_id = 0;
    let mut id = || {
        next_id += 1;
        next_id
    };
    let cards: Vec<_> = (0..products)
        .map(|p| {
            json!({"type": 2, "tagName": "article", "attributes": {"class": "card grid-item", "data-sku": format!("SKU-{p:05}")}, "id": id(), "childNodes": [
                {"type": 2, "tagName": "a", "attributes": {"href": format!("/products/{p}-{}", sentence(rng, 2).replace(' ', "-"))}, "id": id(), "childNodes": [
                    {"type": 2, "tagName": "img", "attributes": {"src": format!("https://cdn.shop.test/img/{p}.webp"), "alt": sentence(rng, 3), "width": "320", "height": "240", "loading": "lazy"}, "childNodes": [], "id": id()}]},
                {"type": 2, "tagName": "h3", "attributes": {"class": "title"}, "id": id(), "childNodes": [{"type": 3, "textContent": sentence(rng, 4), "id": id()}]},
                {"type": 2, "tagName": "p", "attributes": {"class": "blurb"}, "id": id(), "childNodes": [{"type": 3, "textContent": sentence(rng, 14), "id": id()}]},
                {"type": 2, "tagName": "p", "attributes": {"class": "price"}, "id": id(), "childNodes": [{"type": 3, "textContent": format!("€{}.{:02} · ships 2026-12-0{}", rng.below(300), rng.below(100), rng.below(9)), "id": id()}]},
                {"type": 2, "tagName": "button", "attributes": {"class": "add", "type": "button", "aria-label": "Add to basket"}, "id": id(), "childNodes": [{"type": 3, "textContent": "Add to basket", "id": id()}]}
            ]})
        })
        .collect();
    json!({"node": {"type": 0, "id": id(), "childNodes": [
        {"type": 2, "tagName": "html", "attributes": {"lang": "en"}, "id": id(), "childNodes": [
            {"type": 2, "tagName": "head", "attributes": {}, "id": id(), "childNodes": [
                {"type": 2, "tagName": "style", "attributes": {}, "id": id(), "childNodes": [{"type": 3, "textContent": stylesheet(rng, 150), "isStyle": true, "id": id()}]}
            ]},
            {"type": 2, "tagName": "body", "attributes": {}, "id": id(), "childNodes": [
                {"type": 2, "tagName": "main", "attributes": {"class": "grid"}, "id": id(), "childNodes": cards},
                {"type": 2, "tagName": "footer", "attributes": {}, "id": id(), "childNodes": [{"type": 3, "textContent": "Questions? Write to help@shop.test", "id": id()}]}
            ]}
        ]}
    ]}, "initialOffset": {"left": 0, "top": 0}})
}

fn mutation(rng: &mut Rng, i: i64) -> Box<RawValue> {
    let parent = rng.below(5000);
    event(json!({"type": 3, "data": {"source": 0,
        "texts": [{"id": rng.below(5000), "value": format!("{} items · €{}", rng.below(9), rng.below(500))}],
        "attributes": [{"id": rng.below(5000), "attributes": {"class": "card grid-item is-visible", "style": {"opacity": "1"}}}],
        "removes": [{"parentId": parent, "id": rng.below(5000)}],
        "adds": [
            {"parentId": parent, "nextId": null, "node": {"type": 2, "tagName": "li", "attributes": {"class": "toast"}, "childNodes": [], "id": 6000 + 2 * i}},
            {"parentId": 6000 + 2 * i, "nextId": null, "node": {"type": 3, "textContent": sentence(rng, 6), "id": 6001 + 2 * i}}
        ]}, "timestamp": TS + 40 * i}))
}

fn mouse_move(rng: &mut Rng, i: i64) -> Box<RawValue> {
    let positions: Vec<_> = (0..1 + rng.below(10))
        .map(|p| json!({"x": rng.below(1280), "y": rng.below(800), "id": rng.below(5000), "timeOffset": -(p as i64) * 50}))
        .collect();
    event(
        json!({"type": 3, "data": {"source": 1, "positions": positions}, "timestamp": TS + 50 * i}),
    )
}

fn input(rng: &mut Rng, i: i64) -> Box<RawValue> {
    let text = if i % 40 == 39 {
        "ada.lovelace@example.com".to_string()
    } else {
        sentence(rng, 2)
    };
    event(
        json!({"type": 3, "data": {"source": 5, "text": text, "isChecked": false, "id": rng.below(5000)}, "timestamp": TS + 30 * i}),
    )
}
