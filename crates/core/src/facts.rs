//! Facts read from one batch's rrweb events: time span, event count, page visits, viewport, and
//! its timeline entries and activity (`timeline`).
//! rrweb event types: 2 full snapshot, 3 incremental, 4 meta (`data.href`, `width`, `height`).

use serde::Deserialize;

use crate::batch::IngestBatch;
use crate::limits::MAX_URL_CHARS;
use crate::timeline::{BatchTimeline, extract_timeline};

const META_EVENT: i64 = 4;

/// A page the user was on, from `at_ms` (epoch milliseconds).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PageVisit {
    pub url: String,
    pub at_ms: i64,
}

/// What one batch tells about its session.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchFacts {
    pub first_ts_ms: i64,
    pub last_ts_ms: i64,
    pub event_count: usize,
    /// Page loads (meta events) and SPA navigations (`meta.url`), in time order.
    pub visits: Vec<PageVisit>,
    /// The latest known viewport (width, height).
    pub viewport: Option<(u32, u32)>,
    /// Clicks, custom events, console calls, errors, network requests and user activity.
    pub timeline: BatchTimeline,
}

#[derive(Deserialize)]
struct MetaEventData {
    href: Option<String>,
    width: Option<u32>,
    height: Option<u32>,
}

#[derive(Deserialize)]
struct MetaEvent {
    data: MetaEventData,
}

/// Extracts the session facts of a validated batch. Ingest calls it after the server's scrub, so
/// nothing it keeps holds what the scrub masked.
pub fn extract_facts(batch: &IngestBatch) -> BatchFacts {
    debug_assert!(!batch.heads.is_empty(), "parse_batch refuses empty batches");
    let first_ts_ms = batch.heads.iter().map(|h| h.timestamp).min().unwrap_or(0);
    let last_ts_ms = batch.heads.iter().map(|h| h.timestamp).max().unwrap_or(0);
    let mut visits = Vec::new();
    let mut viewport = batch.meta.viewport;
    for (head, raw) in batch.heads.iter().zip(&batch.events) {
        if head.kind != META_EVENT {
            continue;
        }
        // A malformed meta event is still stored as sent; it just tells us nothing.
        let Ok(meta) = serde_json::from_str::<MetaEvent>(raw.get()) else {
            continue;
        };
        if let Some(href) = meta.data.href.filter(|h| !h.is_empty()) {
            visits.push(PageVisit {
                url: clip_url(&href),
                at_ms: head.timestamp,
            });
        }
        if let (Some(w), Some(h)) = (meta.data.width, meta.data.height) {
            viewport = Some((w, h));
        }
    }
    // A single-page app navigates without a new meta event; the recorder's `meta.url` says where
    // the user is now.
    if let Some(url) = &batch.meta.url
        && visits.last().is_none_or(|v| v.url != clip_url(url))
    {
        visits.push(PageVisit {
            url: clip_url(url),
            at_ms: last_ts_ms,
        });
    }
    visits.sort_by_key(|v| v.at_ms);
    BatchFacts {
        first_ts_ms,
        last_ts_ms,
        event_count: batch.events.len(),
        visits,
        viewport,
        timeline: extract_timeline(batch),
    }
}

fn clip_url(url: &str) -> String {
    url.chars().take(MAX_URL_CHARS).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::parse_batch;

    fn facts(body: &str) -> BatchFacts {
        extract_facts(&parse_batch(body.as_bytes()).unwrap())
    }

    #[test]
    fn reads_span_visits_and_viewport_from_meta_events() {
        let f = facts(
            r#"{"session_id":"s","window_id":"w","seq":0,"meta":{"url":"https://a.test/cart"},"events":[
            {"type":4,"timestamp":1000,"data":{"href":"https://a.test/","width":1280,"height":800}},
            {"type":2,"timestamp":1001,"data":{}},
            {"type":3,"timestamp":1500,"data":{}},
            {"type":4,"timestamp":2000,"data":{"href":"https://a.test/cart","width":1024,"height":700}}]}"#,
        );
        assert_eq!(
            (f.first_ts_ms, f.last_ts_ms, f.event_count),
            (1000, 2000, 4)
        );
        assert_eq!(
            f.visits,
            vec![
                PageVisit {
                    url: "https://a.test/".into(),
                    at_ms: 1000
                },
                PageVisit {
                    url: "https://a.test/cart".into(),
                    at_ms: 2000
                }
            ]
        );
        assert_eq!(f.viewport, Some((1024, 700)));
    }

    #[test]
    fn spa_navigation_comes_from_meta_url() {
        let f = facts(
            r#"{"session_id":"s","window_id":"w","seq":1,"meta":{"url":"https://a.test/spa/2","viewport":{"width":390,"height":844}},
            "events":[{"type":3,"timestamp":5000,"data":{}},{"type":3,"timestamp":5200,"data":{}}]}"#,
        );
        assert_eq!(
            f.visits,
            vec![PageVisit {
                url: "https://a.test/spa/2".into(),
                at_ms: 5200
            }]
        );
        assert_eq!(f.viewport, Some((390, 844)));
    }

    #[test]
    fn malformed_meta_event_is_ignored() {
        let f = facts(
            r#"{"session_id":"s","window_id":"w","seq":0,"events":[{"type":4,"timestamp":1,"data":"x"}]}"#,
        );
        assert!(f.visits.is_empty());
        assert_eq!(f.viewport, None);
    }
}
