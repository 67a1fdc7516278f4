//! Rage clicks: at least `RAGE_CLICK_MIN_CLICKS` clicks in one window within
//! `RAGE_CLICK_WITHIN_MS` of the first and `RAGE_CLICK_RADIUS_PX` of it. Each burst is reported
//! once, at its first click; a click belongs to one burst at most.

use super::{RAGE_CLICK_MIN_CLICKS, RAGE_CLICK_RADIUS_PX, RAGE_CLICK_WITHIN_MS};

/// A click as the detector needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Click {
    /// The click entry's id (the rage click's id derives from its first click's).
    pub id: String,
    pub window_id: Option<String>,
    /// Player clock.
    pub at: i64,
    pub x: f64,
    pub y: f64,
    pub node_id: Option<i64>,
}

/// One burst of clicks.
#[derive(Debug, Clone, PartialEq)]
pub struct RageClick {
    pub first: Click,
    pub count: usize,
    /// Time of the burst's last click.
    pub until: i64,
}

/// Finds the bursts among `clicks` (any order).
pub fn rage_clicks(clicks: &[Click]) -> Vec<RageClick> {
    let mut order: Vec<&Click> = clicks.iter().collect();
    order.sort_by(|a, b| (&a.window_id, a.at, &a.id).cmp(&(&b.window_id, b.at, &b.id)));
    let mut taken = vec![false; order.len()];
    let mut out = Vec::new();
    for i in 0..order.len() {
        if taken[i] {
            continue;
        }
        let first = order[i];
        let members: Vec<usize> = (i + 1..order.len())
            .take_while(|&j| {
                order[j].window_id == first.window_id
                    && order[j].at - first.at <= RAGE_CLICK_WITHIN_MS
            })
            .filter(|&j| !taken[j] && near(first, order[j]))
            .collect();
        if members.len() + 1 >= RAGE_CLICK_MIN_CLICKS {
            let until = members
                .iter()
                .map(|&j| order[j].at)
                .max()
                .unwrap_or(first.at);
            for &j in &members {
                taken[j] = true;
            }
            taken[i] = true;
            out.push(RageClick {
                first: first.clone(),
                count: members.len() + 1,
                until,
            });
        }
    }
    out
}

fn near(a: &Click, b: &Click) -> bool {
    (a.x - b.x).hypot(a.y - b.y) <= RAGE_CLICK_RADIUS_PX
}

#[cfg(test)]
mod tests {
    use super::*;

    fn click(id: &str, window: &str, at: i64, x: f64, y: f64) -> Click {
        Click {
            id: id.into(),
            window_id: Some(window.into()),
            at,
            x,
            y,
            node_id: None,
        }
    }

    #[test]
    fn three_quick_close_clicks_are_one_rage_click() {
        let clicks = [
            click("a", "w", 100, 10.0, 10.0),
            click("b", "w", 400, 20.0, 20.0),
            click("c", "w", 1_100, 30.0, 30.0), // 1,000 ms and 28 px from the first
            click("d", "w", 1_150, 12.0, 12.0), // too late
        ];
        let found = rage_clicks(&clicks);
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].first.id.as_str(), found[0].count, found[0].until),
            ("a", 3, 1_100)
        );
    }

    #[test]
    fn far_slow_or_other_window_clicks_are_not_rage() {
        let far = [
            click("a", "w", 0, 0.0, 0.0),
            click("b", "w", 10, 31.0, 0.0),
            click("c", "w", 20, 0.0, 0.0),
        ];
        assert!(rage_clicks(&far).is_empty(), "one click is 31 px away");
        let slow = [
            click("a", "w", 0, 0.0, 0.0),
            click("b", "w", 600, 0.0, 0.0),
            click("c", "w", 1_001, 0.0, 0.0),
        ];
        assert!(rage_clicks(&slow).is_empty());
        let split = [
            click("a", "w1", 0, 0.0, 0.0),
            click("b", "w2", 10, 0.0, 0.0),
            click("c", "w1", 20, 0.0, 0.0),
        ];
        assert!(rage_clicks(&split).is_empty(), "two windows");
    }

    #[test]
    fn a_long_burst_is_reported_once_and_a_later_one_again() {
        let mut clicks: Vec<Click> = (0..5)
            .map(|i| click(&format!("a{i}"), "w", i * 100, 50.0, 50.0))
            .collect();
        clicks.extend((0..3).map(|i| click(&format!("b{i}"), "w", 5_000 + i * 100, 50.0, 50.0)));
        clicks.reverse();
        let found = rage_clicks(&clicks);
        let summary: Vec<_> = found
            .iter()
            .map(|r| (r.first.id.as_str(), r.count, r.until))
            .collect();
        assert_eq!(summary, [("a0", 5, 400), ("b0", 3, 5_200)]);
    }
}
