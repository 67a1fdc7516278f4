//! Where blocks begin. A block starts at every keyframe, the point replay can start from: an
//! rrweb Meta event (4) followed by a FullSnapshot (2) before any IncrementalSnapshot (3), or a
//! FullSnapshot without such a Meta. Inside long stretches without keyframes, a block also ends
//! once it holds the target size of raw JSON, but never between a keyframe's Meta and its
//! FullSnapshot (so every keyframe stays whole in one block).

use std::ops::Range;

use crate::batch::EventHead;

const FULL_SNAPSHOT: i64 = 2;
const INCREMENTAL_SNAPSHOT: i64 = 3;
const META: i64 = 4;

/// The events of one block, and whether it starts at a keyframe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockSpan {
    pub events: Range<usize>,
    pub keyframe: bool,
}

/// For each event: does a keyframe start there?
pub fn keyframe_starts(heads: &[EventHead]) -> Vec<bool> {
    let (starts, _) = keyframe_groups(heads);
    starts
}

/// Keyframe starts, and for each event whether it lies strictly inside a keyframe group (after
/// the Meta, up to and including its FullSnapshot): no size cut may fall there.
fn keyframe_groups(heads: &[EventHead]) -> (Vec<bool>, Vec<bool>) {
    let mut starts = vec![false; heads.len()];
    let mut inside = vec![false; heads.len()];
    let mut pending_meta: Option<usize> = None;
    for (i, head) in heads.iter().enumerate() {
        match head.kind {
            META => pending_meta = Some(i),
            FULL_SNAPSHOT => {
                let start = pending_meta.take().unwrap_or(i);
                starts[start] = true;
                for flag in &mut inside[start + 1..=i] {
                    *flag = true;
                }
            }
            INCREMENTAL_SNAPSHOT => pending_meta = None,
            _ => {}
        }
    }
    (starts, inside)
}

/// Cuts events into blocks. `sizes[i]` is the raw JSON length of event `i`; `target_bytes` the
/// size after which a keyframe-less stretch is cut. Returns no blocks for no events.
pub fn cut_blocks(heads: &[EventHead], sizes: &[usize], target_bytes: usize) -> Vec<BlockSpan> {
    debug_assert_eq!(heads.len(), sizes.len());
    let (starts, inside) = keyframe_groups(heads);
    let mut blocks = Vec::new();
    let mut begin = 0;
    let mut size = 0usize;
    for i in 0..heads.len() {
        let cut_here = i > begin && (starts[i] || (size >= target_bytes && !inside[i]));
        if cut_here {
            blocks.push(BlockSpan {
                events: begin..i,
                keyframe: starts[begin],
            });
            begin = i;
            size = 0;
        }
        size += sizes[i] + 1;
    }
    if begin < heads.len() {
        blocks.push(BlockSpan {
            events: begin..heads.len(),
            keyframe: starts[begin],
        });
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn heads(kinds: &[i64]) -> Vec<EventHead> {
        kinds
            .iter()
            .enumerate()
            .map(|(i, &kind)| EventHead {
                kind,
                timestamp: i as i64,
            })
            .collect()
    }

    #[test]
    fn a_keyframe_is_meta_then_full_snapshot_before_any_incremental() {
        // 0 domcontentloaded, 1 load, 4 meta, 5 custom, 2 full snapshot: the meta starts it.
        let h = heads(&[0, 1, 4, 5, 2, 3, 3, 4, 3, 2, 3, 2]);
        let starts = keyframe_starts(&h);
        let at: Vec<usize> = (0..h.len()).filter(|&i| starts[i]).collect();
        // The meta at 7 is followed by an incremental first, so the snapshot at 9 starts alone;
        // so does the lone snapshot at 11.
        assert_eq!(at, [2, 9, 11]);
    }

    #[test]
    fn blocks_begin_at_keyframes_and_split_long_stretches_outside_groups() {
        let h = heads(&[0, 4, 2, 3, 3, 3, 3, 4, 3, 3, 2, 3]);
        let sizes = vec![10; h.len()];
        let blocks = cut_blocks(&h, &sizes, 1000);
        let spans: Vec<_> = blocks
            .iter()
            .map(|b| (b.events.clone(), b.keyframe))
            .collect();
        assert_eq!(spans, [(0..1, false), (1..10, true), (10..12, true)]);

        // Small target: every event would be cut, except inside the meta..snapshot group.
        let h = heads(&[4, 5, 5, 2, 3, 3]);
        let blocks = cut_blocks(&h, &[10; 6], 5);
        let spans: Vec<_> = blocks
            .iter()
            .map(|b| (b.events.clone(), b.keyframe))
            .collect();
        assert_eq!(spans, [(0..4, true), (4..5, false), (5..6, false)]);
    }

    #[test]
    fn no_events_no_blocks() {
        assert!(cut_blocks(&[], &[], 10).is_empty());
    }
}
