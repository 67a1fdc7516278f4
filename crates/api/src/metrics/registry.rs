//! The building blocks of `/metrics`: counters and histograms made of atomics, labelled
//! families of them, and a writer of the Prometheus text exposition format (version 0.0.4).
//!
//! Why not the `prometheus` or `metrics` crates: the server needs a dozen series, and the format
//! is a few lines of text per family; a registry of our own is smaller than either dependency
//! tree and keeps label values under our control (no ids can sneak in through a macro).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

/// The content type of the text format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// How many label combinations one family keeps at most. Every label value comes from a closed
/// set (route templates, status codes, error codes), so real families stay far below this; the
/// cap is there so a bug can never grow memory or the scrape without bound.
pub const MAX_SERIES_PER_FAMILY: usize = 1_000;

/// A number that only goes up.
#[derive(Debug, Default)]
pub struct Counter(AtomicU64);

impl Counter {
    pub fn inc(&self) {
        self.add(1);
    }

    pub fn add(&self, n: u64) {
        self.0.fetch_add(n, Ordering::Relaxed);
    }

    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// Observations counted into fixed buckets, with their sum.
#[derive(Debug)]
pub struct Histogram {
    /// Upper bounds, ascending; `+Inf` is implied after the last.
    bounds: &'static [f64],
    /// Per-bucket (not cumulative) counts: one per bound, then the `+Inf` overflow.
    buckets: Vec<AtomicU64>,
    /// The sum of observations, as `f64` bits (updated by compare-and-swap).
    sum_bits: AtomicU64,
}

/// What a histogram held at one moment.
#[derive(Debug, Clone, PartialEq)]
pub struct HistogramSnapshot {
    /// `(upper bound, cumulative count)`, ending with `(+Inf, count)`.
    pub buckets: Vec<(f64, u64)>,
    pub sum: f64,
    pub count: u64,
}

impl Histogram {
    pub fn new(bounds: &'static [f64]) -> Self {
        debug_assert!(
            bounds.windows(2).all(|w| w[0] < w[1]),
            "bucket bounds must ascend"
        );
        Self {
            bounds,
            buckets: (0..=bounds.len()).map(|_| AtomicU64::new(0)).collect(),
            sum_bits: AtomicU64::new(0f64.to_bits()),
        }
    }

    pub fn observe(&self, value: f64) {
        // `le` is inclusive: a value equal to a bound counts in that bound's bucket.
        let index = self.bounds.partition_point(|bound| *bound < value);
        self.buckets[index].fetch_add(1, Ordering::Relaxed);
        let _ = self
            .sum_bits
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |bits| {
                Some((f64::from_bits(bits) + value).to_bits())
            });
    }

    /// Returns the cumulative buckets; the count is the `+Inf` bucket's, so the two always agree
    /// even while observations arrive.
    pub fn snapshot(&self) -> HistogramSnapshot {
        let mut cumulative = 0;
        let mut buckets = Vec::with_capacity(self.buckets.len());
        for (i, bucket) in self.buckets.iter().enumerate() {
            cumulative += bucket.load(Ordering::Relaxed);
            let bound = self.bounds.get(i).copied().unwrap_or(f64::INFINITY);
            buckets.push((bound, cumulative));
        }
        HistogramSnapshot {
            buckets,
            sum: f64::from_bits(self.sum_bits.load(Ordering::Relaxed)),
            count: cumulative,
        }
    }
}

/// Label values → one metric each, created on first use.
#[derive(Debug)]
pub struct Family<K, M> {
    series: RwLock<BTreeMap<K, Arc<M>>>,
    make: fn() -> M,
}

impl<K: Ord + Clone, M> Family<K, M> {
    pub fn new(make: fn() -> M) -> Self {
        Self {
            series: RwLock::new(BTreeMap::new()),
            make,
        }
    }

    /// Returns the metric of these label values; `None` once the family holds
    /// `MAX_SERIES_PER_FAMILY` others (the observation is then dropped).
    pub fn get(&self, key: &K) -> Option<Arc<M>> {
        if let Some(metric) = self.read().get(key) {
            return Some(metric.clone());
        }
        let mut series = self.series.write().unwrap_or_else(|e| e.into_inner());
        if let Some(metric) = series.get(key) {
            return Some(metric.clone());
        }
        if series.len() >= MAX_SERIES_PER_FAMILY {
            return None;
        }
        let metric = Arc::new((self.make)());
        series.insert(key.clone(), metric.clone());
        Some(metric)
    }

    /// Returns every series, ordered by label values.
    pub fn entries(&self) -> Vec<(K, Arc<M>)> {
        self.read()
            .iter()
            .map(|(k, m)| (k.clone(), m.clone()))
            .collect()
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, BTreeMap<K, Arc<M>>> {
        // A panic while holding the lock leaves the map whole (inserts are single calls).
        self.series.read().unwrap_or_else(|e| e.into_inner())
    }
}

/// The kind of a metric family, as its `# TYPE` line names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Counter,
    Gauge,
    Histogram,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Counter => "counter",
            Kind::Gauge => "gauge",
            Kind::Histogram => "histogram",
        }
    }
}

/// Writes the text format: a family's `# HELP` and `# TYPE` lines, then its samples.
#[derive(Debug, Default)]
pub struct TextWriter {
    out: String,
}

impl TextWriter {
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts a family. `name` must be a valid metric name (a constant in our code).
    pub fn family(&mut self, name: &str, help: &str, kind: Kind) -> &mut Self {
        debug_assert!(is_metric_name(name), "bad metric name {name}");
        let _ = writeln!(self.out, "# HELP {name} {}", escape_help(help));
        let _ = writeln!(self.out, "# TYPE {name} {}", kind.as_str());
        self
    }

    /// Writes one sample line: `name{label="value",…} value`.
    pub fn sample(&mut self, name: &str, labels: &[(&str, &str)], value: f64) -> &mut Self {
        self.out.push_str(name);
        if !labels.is_empty() {
            self.out.push('{');
            for (i, (label, value)) in labels.iter().enumerate() {
                debug_assert!(is_label_name(label), "bad label name {label}");
                if i > 0 {
                    self.out.push(',');
                }
                let _ = write!(self.out, "{label}=\"{}\"", escape_label_value(value));
            }
            self.out.push('}');
        }
        let _ = writeln!(self.out, " {}", format_value(value));
        self
    }

    /// Writes a histogram's `_bucket` lines (cumulative, ending with `le="+Inf"`), `_sum` and
    /// `_count`, each with `labels` (plus `le` on the buckets).
    pub fn histogram(
        &mut self,
        name: &str,
        labels: &[(&str, &str)],
        snapshot: &HistogramSnapshot,
    ) -> &mut Self {
        let bucket = format!("{name}_bucket");
        for (bound, cumulative) in &snapshot.buckets {
            let le = format_value(*bound);
            let mut with_le = labels.to_vec();
            with_le.push(("le", &le));
            self.sample(&bucket, &with_le, *cumulative as f64);
        }
        self.sample(&format!("{name}_sum"), labels, snapshot.sum);
        self.sample(&format!("{name}_count"), labels, snapshot.count as f64)
    }

    pub fn finish(self) -> String {
        self.out
    }
}

/// Escapes a label value: backslash, double quote and line feed.
pub fn escape_label_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes a `# HELP` text: backslash and line feed (quotes stay as they are).
pub fn escape_help(help: &str) -> String {
    help.replace('\\', "\\\\").replace('\n', "\\n")
}

/// Formats a sample value as Prometheus parses it: `+Inf`, `-Inf`, `NaN`, or a decimal number
/// (whole numbers without a fraction).
pub fn format_value(value: f64) -> String {
    if value.is_nan() {
        "NaN".into()
    } else if value == f64::INFINITY {
        "+Inf".into()
    } else if value == f64::NEG_INFINITY {
        "-Inf".into()
    } else {
        // Rust's `Display` never uses an exponent and drops a zero fraction (`1`, `0.005`).
        format!("{value}")
    }
}

/// `[a-zA-Z_:][a-zA-Z0-9_:]*`
pub fn is_metric_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

/// `[a-zA-Z_][a-zA-Z0-9_]*`, not starting with `__` (reserved).
pub fn is_label_name(name: &str) -> bool {
    let mut chars = name.chars();
    !name.starts_with("__")
        && chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const BOUNDS: &[f64] = &[0.01, 0.1, 1.0];

    /// Reverses `escape_label_value`, as Prometheus's parser reads a quoted label value.
    fn unescape(escaped: &str) -> String {
        let mut out = String::new();
        let mut chars = escaped.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('n') => out.push('\n'),
                    Some(other) => out.push(other),
                    None => panic!("dangling backslash"),
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    #[test]
    fn label_values_escape_backslash_quote_and_newline() {
        assert_eq!(escape_label_value(r#"a\b"c"#), r#"a\\b\"c"#);
        assert_eq!(escape_label_value("two\nlines"), "two\\nlines");
        assert_eq!(
            escape_label_value("/api/v1/sessions/{id}"),
            "/api/v1/sessions/{id}"
        );
    }

    #[test]
    fn help_escapes_backslash_and_newline_but_not_quotes() {
        assert_eq!(escape_help("say \"hi\"\\\nnow"), "say \"hi\"\\\\\\nnow");
    }

    #[test]
    fn values_format_as_prometheus_reads_them() {
        assert_eq!(format_value(1.0), "1");
        assert_eq!(format_value(0.005), "0.005");
        assert_eq!(format_value(12_345_678.0), "12345678");
        assert_eq!(format_value(f64::INFINITY), "+Inf");
        assert_eq!(format_value(f64::NEG_INFINITY), "-Inf");
        assert_eq!(format_value(f64::NAN), "NaN");
    }

    #[test]
    fn a_family_starts_with_help_and_type() {
        let mut w = TextWriter::new();
        w.family("tapedeck_x_total", "Things.\nMore", Kind::Counter)
            .sample("tapedeck_x_total", &[("code", "a\"b")], 3.0)
            .sample("tapedeck_x_total", &[], 0.0);
        assert_eq!(
            w.finish(),
            "# HELP tapedeck_x_total Things.\\nMore\n\
             # TYPE tapedeck_x_total counter\n\
             tapedeck_x_total{code=\"a\\\"b\"} 3\n\
             tapedeck_x_total 0\n"
        );
    }

    #[test]
    fn histograms_render_cumulative_buckets_sum_and_count() {
        let h = Histogram::new(BOUNDS);
        for v in [0.005, 0.01, 0.5, 7.0] {
            h.observe(v);
        }
        let mut w = TextWriter::new();
        w.family("t_seconds", "T.", Kind::Histogram).histogram(
            "t_seconds",
            &[("route", "/x")],
            &h.snapshot(),
        );
        let sum = 0.005 + 0.01 + 0.5 + 7.0;
        assert_eq!(
            w.finish(),
            format!(
                "# HELP t_seconds T.\n# TYPE t_seconds histogram\n\
             t_seconds_bucket{{route=\"/x\",le=\"0.01\"}} 2\n\
             t_seconds_bucket{{route=\"/x\",le=\"0.1\"}} 2\n\
             t_seconds_bucket{{route=\"/x\",le=\"1\"}} 3\n\
             t_seconds_bucket{{route=\"/x\",le=\"+Inf\"}} 4\n\
             t_seconds_sum{{route=\"/x\"}} {sum}\n\
             t_seconds_count{{route=\"/x\"}} 4\n"
            )
        );
    }

    #[test]
    fn a_family_stops_growing_at_its_cap() {
        let family: Family<u32, Counter> = Family::new(Counter::default);
        for key in 0..MAX_SERIES_PER_FAMILY as u32 {
            family.get(&key).unwrap().inc();
        }
        assert!(family.get(&u32::MAX).is_none());
        family.get(&0).unwrap().inc();
        assert_eq!(family.entries().len(), MAX_SERIES_PER_FAMILY);
        assert_eq!(family.entries()[0].1.get(), 2);
    }

    #[test]
    fn names_follow_the_format() {
        assert!(is_metric_name("tapedeck_http_requests_total"));
        assert!(!is_metric_name("9lives") && !is_metric_name("a-b") && !is_metric_name(""));
        assert!(is_label_name("le") && is_label_name("route"));
        assert!(!is_label_name("__name__") && !is_label_name("a b"));
    }

    proptest! {
        #[test]
        fn escaped_label_values_round_trip_and_stay_on_one_line(value in ".*") {
            let escaped = escape_label_value(&value);
            prop_assert!(!escaped.contains('\n'));
            // No unescaped quote can end the value early.
            let mut backslashes = 0;
            for c in escaped.chars() {
                if c == '"' {
                    prop_assert!(backslashes % 2 == 1, "bare quote in {escaped:?}");
                }
                backslashes = if c == '\\' { backslashes + 1 } else { 0 };
            }
            prop_assert_eq!(unescape(&escaped), value);
        }

        #[test]
        fn histogram_buckets_are_cumulative_and_end_at_the_count(
            values in proptest::collection::vec(0.0f64..5.0, 0..50)
        ) {
            let h = Histogram::new(BOUNDS);
            for v in &values {
                h.observe(*v);
            }
            let s = h.snapshot();
            prop_assert!(s.buckets.windows(2).all(|w| w[0].1 <= w[1].1));
            prop_assert_eq!(s.buckets.last().copied(), Some((f64::INFINITY, values.len() as u64)));
            prop_assert_eq!(s.count, values.len() as u64);
            for (bound, cumulative) in &s.buckets {
                let expected = values.iter().filter(|v| **v <= *bound).count() as u64;
                prop_assert_eq!(*cumulative, expected);
            }
            prop_assert!((s.sum - values.iter().sum::<f64>()).abs() < 1e-9);
        }
    }
}
