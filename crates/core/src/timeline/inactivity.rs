//! Inactivity: ingest folds each batch's user interactions into spans of activity (two
//! interactions less than `INACTIVE_MIN_MS` apart belong to one span, so nothing an inactive span
//! needs is lost), and the timeline API turns the spans of a session (or one window) into the
//! stretches of at least `INACTIVE_MIN_MS` without any interaction — including before the first
//! and after the last one — that the player can skip.

use serde::{Deserialize, Serialize};

use super::{INACTIVE_MIN_MS, MAX_ACTIVITY_SPANS_PER_BATCH};

/// A stretch with user interaction, epoch milliseconds, `from_ms <= to_ms`. Stored as `[from, to]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(from = "(i64, i64)", into = "(i64, i64)")]
pub struct ActiveSpan {
    pub from_ms: i64,
    pub to_ms: i64,
}

impl From<(i64, i64)> for ActiveSpan {
    fn from((a, b): (i64, i64)) -> Self {
        ActiveSpan {
            from_ms: a.min(b),
            to_ms: a.max(b),
        }
    }
}

impl From<ActiveSpan> for (i64, i64) {
    fn from(span: ActiveSpan) -> Self {
        (span.from_ms, span.to_ms)
    }
}

/// An inactive stretch on the player clock (milliseconds since the session's first event).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct InactiveSpan {
    pub from: i64,
    pub to: i64,
}

/// Folds interaction times (epoch milliseconds, any order) into activity spans, at most
/// `MAX_ACTIVITY_SPANS_PER_BATCH` (the last one covers the rest: a hostile batch cannot make
/// its row large, and only hides inactivity inside itself).
pub fn activity_spans(mut times: Vec<i64>) -> Vec<ActiveSpan> {
    times.sort_unstable();
    let spans = times.into_iter().map(|t| ActiveSpan {
        from_ms: t,
        to_ms: t,
    });
    let mut merged = merge(spans);
    if merged.len() > MAX_ACTIVITY_SPANS_PER_BATCH {
        let last_to = merged.last().map_or(0, |s| s.to_ms);
        merged.truncate(MAX_ACTIVITY_SPANS_PER_BATCH);
        if let Some(last) = merged.last_mut() {
            last.to_ms = last_to;
        }
    }
    merged
}

/// Merges spans sorted by `from_ms` whose gap is shorter than `INACTIVE_MIN_MS`.
fn merge(spans: impl IntoIterator<Item = ActiveSpan>) -> Vec<ActiveSpan> {
    let mut out: Vec<ActiveSpan> = Vec::new();
    for span in spans {
        match out.last_mut() {
            Some(last) if span.from_ms.saturating_sub(last.to_ms) < INACTIVE_MIN_MS => {
                last.to_ms = last.to_ms.max(span.to_ms);
            }
            _ => out.push(span),
        }
    }
    out
}

/// The inactive stretches of `[start_ms, end_ms]` (epoch milliseconds) given its activity
/// spans (any order, any batches), on the player clock of a session starting at `start_ms`.
pub fn inactive_spans(
    mut activity: Vec<ActiveSpan>,
    start_ms: i64,
    end_ms: i64,
) -> Vec<InactiveSpan> {
    activity.sort_unstable();
    let mut out = Vec::new();
    let mut cursor = start_ms;
    let gap = |from: i64, to: i64, out: &mut Vec<InactiveSpan>| {
        if to.saturating_sub(from) >= INACTIVE_MIN_MS {
            out.push(InactiveSpan {
                from: from.saturating_sub(start_ms),
                to: to.saturating_sub(start_ms),
            });
        }
    };
    for span in merge(activity) {
        let from = span.from_ms.min(end_ms);
        gap(cursor, from, &mut out);
        cursor = cursor.max(span.to_ms);
    }
    gap(cursor, end_ms, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(from_ms: i64, to_ms: i64) -> ActiveSpan {
        ActiveSpan { from_ms, to_ms }
    }

    #[test]
    fn interactions_closer_than_the_threshold_share_a_span() {
        assert_eq!(
            activity_spans(vec![1_000, 3_000, 7_999, 13_000, 12_999 + 5_000]),
            vec![span(1_000, 7_999), span(13_000, 17_999)]
        );
        assert_eq!(
            activity_spans(vec![0, 5_000]),
            vec![span(0, 0), span(5_000, 5_000)],
            "exactly the threshold apart is a gap"
        );
        assert!(activity_spans(Vec::new()).is_empty());
    }

    #[test]
    fn a_batch_keeps_a_bounded_number_of_spans() {
        let times = (0..1_000).map(|i| i * 10_000).collect();
        let spans = activity_spans(times);
        assert_eq!(spans.len(), MAX_ACTIVITY_SPANS_PER_BATCH);
        assert_eq!(spans.last().unwrap().to_ms, 999 * 10_000);
    }

    #[test]
    fn gaps_head_and_tail_are_inactive_on_the_player_clock() {
        let t0 = 1_700_000_000_000;
        let activity = vec![
            span(t0 + 70_000, t0 + 71_000),
            span(t0 + 6_000, t0 + 10_000),
            span(t0 + 12_000, t0 + 60_000),
        ];
        assert_eq!(
            inactive_spans(activity, t0, t0 + 200_000),
            vec![
                InactiveSpan { from: 0, to: 6_000 },
                InactiveSpan {
                    from: 60_000,
                    to: 70_000
                },
                InactiveSpan {
                    from: 71_000,
                    to: 200_000
                },
            ]
        );
    }

    #[test]
    fn short_gaps_are_not_inactive_and_no_activity_is_all_inactive() {
        let t0 = 10_000;
        assert_eq!(
            inactive_spans(vec![span(t0 + 4_999, t0 + 8_000)], t0, t0 + 12_999),
            vec![]
        );
        assert_eq!(
            inactive_spans(Vec::new(), t0, t0 + 9_000),
            vec![InactiveSpan { from: 0, to: 9_000 }]
        );
        assert_eq!(inactive_spans(Vec::new(), t0, t0 + 4_000), vec![]);
    }

    #[test]
    fn stored_spans_read_back_as_pairs() {
        let spans = vec![span(1, 2), span(5, 9)];
        let text = serde_json::to_string(&spans).unwrap();
        assert_eq!(text, "[[1,2],[5,9]]");
        let back: Vec<ActiveSpan> = serde_json::from_str("[[1,2],[9,5]]").unwrap();
        assert_eq!(back, vec![span(1, 2), span(5, 9)]);
    }
}
