//! `GET /metrics`: the process's counters and histograms in the Prometheus text format, for an
//! operator's scraper (docs/API.md "Metrics").
//!
//! Everything here is aggregate: label values come from closed sets (route templates, status
//! codes, `ApiError` codes, ingest outcomes), never from ids, emails or URLs, because whoever can
//! scrape the endpoint reads them (docs/SECURITY.md). Counters live in this process (one
//! `Metrics` per `AppState`) and start at zero when it starts; the queue and live-session gauges
//! are read from the MetaStore at scrape time.

pub mod http;
pub mod process;
pub mod registry;
mod scrape;
mod token;

use std::time::{Duration, Instant};

pub use scrape::metrics;
pub use token::MetricsToken;

use tapedeck_store::OperationalCounts;

use crate::error::ApiError;
use registry::{Counter, Family, Histogram, Kind, TextWriter};

/// Ingest takes < 50 ms at p99 (SPEC §9): fine buckets below that, a few above to see how far.
pub const INGEST_BUCKETS: &[f64] = &[0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0];

/// Other requests range from a health probe to a session export: Prometheus's usual buckets.
pub const HTTP_BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The `route` label of requests no route matched (the web app's pages, unknown paths).
pub const UNMATCHED_ROUTE: &str = "unmatched";

/// What one ingest request ended as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IngestOutcome {
    Stored,
    Duplicate,
    /// Any error answer; its `ApiError` code says why.
    Refused(&'static str),
}

impl IngestOutcome {
    /// Reads the outcome from what `ingest_batch` returned.
    pub fn of(result: &Result<&'static str, ApiError>) -> Self {
        match result {
            Ok("duplicate") => IngestOutcome::Duplicate,
            Ok(_) => IngestOutcome::Stored,
            Err(e) => IngestOutcome::Refused(e.code()),
        }
    }
}

/// The counters of the ingest endpoint.
#[derive(Debug)]
pub struct IngestMetrics {
    stored: Counter,
    duplicate: Counter,
    refused: Counter,
    refused_by_code: Family<&'static str, Counter>,
    bytes: Counter,
    duration: Histogram,
}

impl IngestMetrics {
    fn new() -> Self {
        Self {
            stored: Counter::default(),
            duplicate: Counter::default(),
            refused: Counter::default(),
            refused_by_code: Family::new(Counter::default),
            bytes: Counter::default(),
            duration: Histogram::new(INGEST_BUCKETS),
        }
    }

    /// Counts one ingest request: its outcome, the body bytes it read (as sent, compressed) and
    /// how long it took.
    pub fn record(&self, outcome: IngestOutcome, body_bytes: u64, elapsed: Duration) {
        match outcome {
            IngestOutcome::Stored => self.stored.inc(),
            IngestOutcome::Duplicate => self.duplicate.inc(),
            IngestOutcome::Refused(code) => {
                self.refused.inc();
                if let Some(counter) = self.refused_by_code.get(&code) {
                    counter.inc();
                }
            }
        }
        self.bytes.add(body_bytes);
        self.duration.observe(elapsed.as_secs_f64());
    }

    fn render(&self, w: &mut TextWriter) {
        let name = "tapedeck_ingest_batches_total";
        w.family(
            name,
            "Ingest requests by outcome: stored, duplicate (stored before), refused (an error answer).",
            Kind::Counter,
        );
        for (outcome, counter) in [
            ("stored", &self.stored),
            ("duplicate", &self.duplicate),
            ("refused", &self.refused),
        ] {
            w.sample(name, &[("outcome", outcome)], counter.get() as f64);
        }
        let name = "tapedeck_ingest_refused_total";
        w.family(
            name,
            "Refused ingest requests by error code (docs/API.md lists the codes).",
            Kind::Counter,
        );
        for (code, counter) in self.refused_by_code.entries() {
            w.sample(name, &[("code", code)], counter.get() as f64);
        }
        let name = "tapedeck_ingest_bytes_total";
        w.family(
            name,
            "Ingest body bytes received (as sent, compressed), every outcome.",
            Kind::Counter,
        )
        .sample(name, &[], self.bytes.get() as f64);
        let name = "tapedeck_ingest_duration_seconds";
        w.family(
            name,
            "Time from an ingest request's arrival to its answer, every outcome.",
            Kind::Histogram,
        )
        .histogram(name, &[], &self.duration.snapshot());
    }
}

/// The counters of every HTTP request, by route template.
#[derive(Debug)]
pub struct HttpMetrics {
    /// (method, route template, status) → requests.
    requests: Family<(&'static str, String, u16), Counter>,
    /// route template → durations.
    duration: Family<String, Histogram>,
}

impl HttpMetrics {
    fn new() -> Self {
        Self {
            requests: Family::new(Counter::default),
            duration: Family::new(|| Histogram::new(HTTP_BUCKETS)),
        }
    }

    /// Counts one request. `route` is the template axum matched (`/api/v1/sessions/{id}`) or
    /// `UNMATCHED_ROUTE`, never the path itself: paths carry ids.
    pub fn record(&self, method: &'static str, route: &str, status: u16, elapsed: Duration) {
        if let Some(counter) = self.requests.get(&(method, route.to_string(), status)) {
            counter.inc();
        }
        if let Some(histogram) = self.duration.get(&route.to_string()) {
            histogram.observe(elapsed.as_secs_f64());
        }
    }

    fn render(&self, w: &mut TextWriter) {
        let name = "tapedeck_http_requests_total";
        w.family(
            name,
            "HTTP requests by method, route template and status.",
            Kind::Counter,
        );
        for ((method, route, status), counter) in self.requests.entries() {
            let status = status.to_string();
            let labels = [
                ("method", method),
                ("route", route.as_str()),
                ("status", status.as_str()),
            ];
            w.sample(name, &labels, counter.get() as f64);
        }
        let name = "tapedeck_http_request_duration_seconds";
        w.family(
            name,
            "Time from a request's arrival to its response head, by route template.",
            Kind::Histogram,
        );
        for (route, histogram) in self.duration.entries() {
            w.histogram(name, &[("route", route.as_str())], &histogram.snapshot());
        }
    }
}

/// Every metric of this process.
#[derive(Debug)]
pub struct Metrics {
    started: Instant,
    pub ingest: IngestMetrics,
    pub http: HttpMetrics,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        Self {
            started: Instant::now(),
            ingest: IngestMetrics::new(),
            http: HttpMetrics::new(),
        }
    }

    /// Renders everything in the text format.
    /// `store`: the MetaStore's counts, `None` when they could not be read (left out).
    pub fn render(
        &self,
        store: Option<OperationalCounts>,
        process: &process::ProcessFigures,
    ) -> String {
        let mut w = TextWriter::new();
        let name = "tapedeck_build_info";
        w.family(name, "The running version; always 1.", Kind::Gauge)
            .sample(name, &[("version", env!("CARGO_PKG_VERSION"))], 1.0);
        let name = "tapedeck_uptime_seconds";
        w.family(
            name,
            "Seconds since this process started serving.",
            Kind::Gauge,
        )
        .sample(name, &[], self.started.elapsed().as_secs_f64());
        if let Some(bytes) = process.resident_memory_bytes {
            let name = "process_resident_memory_bytes";
            w.family(name, "Resident memory size in bytes.", Kind::Gauge)
                .sample(name, &[], bytes as f64);
        }
        if let Some(start) = process.start_time_seconds {
            let name = "process_start_time_seconds";
            w.family(
                name,
                "Start time of the process since the Unix epoch in seconds.",
                Kind::Gauge,
            )
            .sample(name, &[], start);
        }
        self.ingest.render(&mut w);
        self.http.render(&mut w);
        if let Some(store) = store {
            let name = "tapedeck_jobs";
            w.family(
                name,
                "Background jobs not done: queued (waiting, or their lease expired) and claimed \
                 (running, or held by a worker until a retry).",
                Kind::Gauge,
            )
            .sample(name, &[("state", "queued")], store.jobs_queued as f64)
            .sample(name, &[("state", "claimed")], store.jobs_claimed as f64);
            let name = "tapedeck_sessions_recording";
            w.family(
                name,
                "Sessions still recording (live: a batch within session_idle_secs), all projects.",
                Kind::Gauge,
            )
            .sample(name, &[], store.sessions_recording as f64);
        }
        w.finish()
    }
}
