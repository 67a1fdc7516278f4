//! Event-level rules shared by every reader: an event's head, which events a time range needs
//! (`select_range`, the same answer whether the window is read from segments or from blocks),
//! and how events that arrived after compaction join the compacted ones (`merge_by_time`).

use std::ops::Range;

use serde_json::value::RawValue;

use super::cut::keyframe_starts;
use crate::batch::EventHead;

/// The `type` and `timestamp` of an event; `None` when it has no integer ones.
pub fn event_head(event: &RawValue) -> Option<EventHead> {
    serde_json::from_str(event.get()).ok()
}

/// The events the player needs to render `[from, to]` (epoch milliseconds, both optional): from
/// the last keyframe at or before `from` (the first event when there is none) through the last
/// event at or before `to`. Returns an index range into `heads`.
pub fn select_range(heads: &[EventHead], from: Option<i64>, to: Option<i64>) -> Range<usize> {
    let start = match from {
        Some(from) => {
            let starts = keyframe_starts(heads);
            (0..heads.len())
                .rev()
                .find(|&i| starts[i] && heads[i].timestamp <= from)
                .unwrap_or(0)
        }
        None => 0,
    };
    let end = match to {
        Some(to) => heads[start..]
            .iter()
            .rposition(|h| h.timestamp <= to)
            .map_or(start, |i| start + i + 1),
        None => heads.len(),
    };
    start.min(heads.len())..end
}

/// The events after a range already held: from the first event after the last one at or before
/// `after` (epoch milliseconds; no keyframe rewind) through the last event at or before `to`.
/// A range that ended at its last event `e` and this one with `after = e.timestamp` meet without
/// a gap or an overlap, like `to` picks its end. Returns an index range into `heads`.
pub fn select_after(heads: &[EventHead], after: i64, to: Option<i64>) -> Range<usize> {
    let start = heads
        .iter()
        .rposition(|h| h.timestamp <= after)
        .map_or(0, |i| i + 1);
    let end = match to {
        Some(to) => heads[start..]
            .iter()
            .rposition(|h| h.timestamp <= to)
            .map_or(start, |i| start + i + 1),
        None => heads.len(),
    };
    start..end
}

/// Merges two event lists, each kept in its own order, by timestamp; on a tie the event of `a`
/// comes first. `a` is the compacted recording, `b` the segments that came later: a late batch
/// lands where its time says, however late it arrived.
pub fn merge_by_time(
    a: Vec<(EventHead, Box<RawValue>)>,
    b: Vec<(EventHead, Box<RawValue>)>,
) -> Vec<(EventHead, Box<RawValue>)> {
    if b.is_empty() {
        return a;
    }
    let mut out = Vec::with_capacity(a.len() + b.len());
    let mut b = b.into_iter().peekable();
    for event in a {
        while let Some(late) = b.next_if(|late| late.0.timestamp < event.0.timestamp) {
            out.push(late);
        }
        out.push(event);
    }
    out.extend(b);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(kind: i64, timestamp: i64) -> EventHead {
        EventHead { kind, timestamp }
    }

    #[test]
    fn a_range_starts_at_the_keyframe_before_it_and_ends_at_its_last_event() {
        let heads = [
            h(4, 10),
            h(2, 10),
            h(3, 20),
            h(4, 30),
            h(2, 31),
            h(3, 40),
            h(3, 50),
        ];
        assert_eq!(select_range(&heads, Some(35), Some(45)), 3..6);
        assert_eq!(select_range(&heads, Some(30), None), 3..7);
        assert_eq!(select_range(&heads, Some(29), Some(20)), 0..3);
        assert_eq!(
            select_range(&heads, Some(5), Some(5)),
            0..0,
            "nothing before 10"
        );
        assert_eq!(select_range(&heads, None, None), 0..7);
        assert_eq!(select_range(&[], Some(1), Some(2)), 0..0);
    }

    #[test]
    fn a_continuation_starts_right_after_the_last_event_held() {
        let heads = [h(4, 10), h(2, 10), h(3, 20), h(3, 30), h(3, 30), h(3, 40)];
        assert_eq!(select_after(&heads, 20, Some(35)), 3..5);
        assert_eq!(select_after(&heads, 25, None), 3..6, "no keyframe rewind");
        assert_eq!(select_after(&heads, 5, Some(10)), 0..2);
        assert_eq!(select_after(&heads, 40, None), 6..6);
        assert_eq!(select_after(&heads, 30, Some(30)), 5..5);
        // A range ending at `to` and its continuation from its last event cover the window.
        let first = select_range(&heads, Some(10), Some(30));
        let last_held = heads[first.end - 1].timestamp;
        assert_eq!(
            select_after(&heads, last_held, None),
            first.end..heads.len()
        );
    }

    #[test]
    fn late_events_land_by_time_and_ties_keep_the_recording_first() {
        let raw = |s: &str| RawValue::from_string(s.to_string()).unwrap();
        let a = vec![
            (h(3, 10), raw("1")),
            (h(3, 20), raw("2")),
            (h(3, 30), raw("3")),
        ];
        let b = vec![
            (h(3, 5), raw("0")),
            (h(3, 20), raw("25")),
            (h(3, 40), raw("4")),
        ];
        let merged: Vec<String> = merge_by_time(a, b)
            .into_iter()
            .map(|(_, e)| e.get().to_string())
            .collect();
        assert_eq!(merged, ["0", "1", "2", "25", "3", "4"]);
    }
}
