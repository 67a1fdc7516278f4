//! A session's metadata, kept current batch by batch. `SessionSummary::absorb` is the one place
//! that decides how a new batch changes a session, so SQLite and PostgreSQL agree by construction.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::batch::BatchMeta;
use crate::facts::{BatchFacts, PageVisit};
use crate::limits::MAX_URL_HISTORY;
use crate::user_agent::{UserAgentInfo, parse_user_agent};

/// A viewport size in CSS pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewport {
    pub width: u32,
    pub height: u32,
}

/// Browser facts of a session: the parsed user agent and the raw string.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrowserInfo {
    #[serde(flatten)]
    pub parsed: UserAgentInfo,
    pub user_agent: String,
}

/// Everything the sessions list and the player's sidebar show about a session.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SessionSummary {
    pub started_at_ms: i64,
    pub ended_at_ms: i64,
    pub event_count: i64,
    /// Page visits in time order, consecutive repeats folded.
    pub urls: Vec<PageVisit>,
    pub viewport: Option<Viewport>,
    pub browser: BrowserInfo,
    pub user_id: Option<String>,
    pub user_email: Option<String>,
    pub user_name: Option<String>,
    pub tags: BTreeMap<String, String>,
}

impl SessionSummary {
    /// Returns the summary of a session whose first stored batch is this one.
    pub fn from_first_batch(facts: &BatchFacts, meta: &BatchMeta) -> Self {
        let mut summary = SessionSummary {
            started_at_ms: facts.first_ts_ms,
            ended_at_ms: facts.last_ts_ms,
            ..SessionSummary::default()
        };
        summary.absorb_inner(facts, meta, true);
        summary
    }

    /// Folds one more batch into the summary. Batches may arrive out of order (retries, several
    /// tabs): times take the min/max, visits are merged by time, identity keeps the latest known.
    pub fn absorb(&mut self, facts: &BatchFacts, meta: &BatchMeta) {
        self.absorb_inner(facts, meta, false);
    }

    fn absorb_inner(&mut self, facts: &BatchFacts, meta: &BatchMeta, first: bool) {
        if !first {
            self.started_at_ms = self.started_at_ms.min(facts.first_ts_ms);
            self.ended_at_ms = self.ended_at_ms.max(facts.last_ts_ms);
        }
        self.event_count += facts.event_count as i64;
        self.merge_visits(&facts.visits);
        if let Some((width, height)) = facts.viewport {
            self.viewport = Some(Viewport { width, height });
        }
        if let Some(ua) = meta
            .user_agent
            .as_deref()
            .filter(|ua| *ua != self.browser.user_agent)
        {
            self.browser = BrowserInfo {
                parsed: parse_user_agent(ua),
                user_agent: ua.to_string(),
            };
        }
        for (target, value) in [
            (&mut self.user_id, &meta.user_id),
            (&mut self.user_email, &meta.user_email),
            (&mut self.user_name, &meta.user_name),
        ] {
            if value.is_some() {
                target.clone_from(value);
            }
        }
        for (key, value) in &meta.tags {
            self.tags.insert(key.clone(), value.clone());
        }
    }

    fn merge_visits(&mut self, visits: &[PageVisit]) {
        if visits.is_empty() {
            return;
        }
        self.urls.extend(visits.iter().cloned());
        self.urls.sort_by_key(|v| v.at_ms);
        self.urls
            .dedup_by(|later, earlier| later.url == earlier.url);
        if self.urls.len() > MAX_URL_HISTORY {
            // Keep the first pages (how the session began) and the most recent ones.
            let excess = self.urls.len() - MAX_URL_HISTORY;
            self.urls
                .drain(MAX_URL_HISTORY / 2..MAX_URL_HISTORY / 2 + excess);
        }
    }

    /// Session length in seconds.
    pub fn duration_secs(&self) -> f64 {
        (self.ended_at_ms - self.started_at_ms).max(0) as f64 / 1000.0
    }

    /// Number of page views (folded URL visits).
    pub fn page_views(&self) -> i64 {
        self.urls.len() as i64
    }

    /// The URL the session began on.
    pub fn first_url(&self) -> Option<&str> {
        self.urls.first().map(|v| v.url.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(first: i64, last: i64, urls: &[(&str, i64)]) -> BatchFacts {
        BatchFacts {
            first_ts_ms: first,
            last_ts_ms: last,
            event_count: 10,
            visits: urls
                .iter()
                .map(|(u, t)| PageVisit {
                    url: u.to_string(),
                    at_ms: *t,
                })
                .collect(),
            viewport: None,
            timeline: Default::default(),
        }
    }

    #[test]
    fn out_of_order_batches_give_the_same_summary() {
        let meta = BatchMeta {
            user_agent: Some("Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0".into()),
            ..Default::default()
        };
        let a = facts(1000, 2000, &[("https://a.test/", 1000)]);
        let b = facts(
            2500,
            4000,
            &[("https://a.test/", 2500), ("https://a.test/cart", 3000)],
        );
        let mut in_order = SessionSummary::from_first_batch(&a, &meta);
        in_order.absorb(&b, &meta);
        let mut reversed = SessionSummary::from_first_batch(&b, &meta);
        reversed.absorb(&a, &meta);
        assert_eq!(in_order, reversed);
        assert_eq!(in_order.duration_secs(), 3.0);
        assert_eq!(in_order.page_views(), 2);
        assert_eq!(in_order.first_url(), Some("https://a.test/"));
        assert_eq!(in_order.event_count, 20);
        assert_eq!(in_order.browser.parsed.browser, "Firefox");
    }

    #[test]
    fn identity_keeps_latest_known_value() {
        let anon = BatchMeta::default();
        let known = BatchMeta {
            user_id: Some("u-1".into()),
            user_email: Some("a@b.test".into()),
            ..Default::default()
        };
        let mut s = SessionSummary::from_first_batch(&facts(0, 1, &[]), &known);
        s.absorb(&facts(2, 3, &[]), &anon);
        assert_eq!(s.user_id.as_deref(), Some("u-1"));
        assert_eq!(s.user_email.as_deref(), Some("a@b.test"));
    }

    #[test]
    fn url_history_is_bounded() {
        let mut s = SessionSummary::default();
        for i in 0..(MAX_URL_HISTORY as i64 + 100) {
            s.absorb(
                &facts(i, i, &[(&format!("https://a.test/{i}"), i)]),
                &BatchMeta::default(),
            );
        }
        assert_eq!(s.urls.len(), MAX_URL_HISTORY);
        assert_eq!(s.first_url(), Some("https://a.test/0"));
        assert_eq!(
            s.urls.last().unwrap().url,
            format!("https://a.test/{}", MAX_URL_HISTORY + 99)
        );
    }
}
