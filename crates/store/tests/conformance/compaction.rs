//! Cases about compaction: recordings replacing segments in one transaction, and the job queue
//! (idempotent enqueue, leased claims, retries, exclusive claims under concurrency).

use std::collections::HashSet;

use serde_json::value::RawValue;
use tapedeck_core::recording::{RecordingIndex, WriteOptions, event_head, write_recording};
use tapedeck_core::seal::PlainSealer;

use super::*;

fn index_of(timestamps: &[i64]) -> RecordingIndex {
    let events: Vec<Box<RawValue>> = timestamps
        .iter()
        .map(|ts| RawValue::from_string(format!(r#"{{"type":3,"timestamp":{ts}}}"#)).unwrap())
        .collect();
    let heads: Vec<_> = events.iter().map(|e| event_head(e).unwrap()).collect();
    let options = WriteOptions::default();
    write_recording("s1", "w1", &events, &heads, &PlainSealer, options)
        .unwrap()
        .index
}

fn compacted(generation: i64, replaces: Option<i64>, seqs: &[u32]) -> CompactedWindow {
    CompactedWindow {
        recording: RecordingRecord {
            session_id: "s1".into(),
            window_id: "w1".into(),
            blob_key: format!("recordings/p/s1/w1/rec-{generation}.tdr"),
            format_version: 1,
            generation,
            size_bytes: 40 * generation,
            index: index_of(&[1_000, 1_500, 2_000]),
            first_ts_ms: 1_000,
            last_ts_ms: 2_000,
            event_count: 3,
            compacted_through_seq: seqs.iter().copied().max().map_or(-1, i64::from),
            created_at_ms: 9_000,
        },
        replaces_generation: replaces,
        segment_seqs: seqs.to_vec(),
    }
}

fn swap(window: CompactedWindow) -> CompactionSwap {
    CompactionSwap {
        session_id: "s1".into(),
        windows: vec![window],
        now_ms: 9_000,
    }
}

async fn seqs_of(store: &dyn MetaStore, session: &str) -> Vec<(String, u32)> {
    let segments = store.segments(session).await.unwrap();
    let mut seqs: Vec<_> = segments.into_iter().map(|s| (s.window_id, s.seq)).collect();
    seqs.sort();
    seqs
}

/// A compaction replaces exactly the segments it read (a batch arriving meanwhile stays live),
/// keeps their rows so a retried batch is still a duplicate, and commits only over the
/// generation it read.
pub(crate) async fn recordings_replace_the_segments_they_fold_in(f: Fixture) {
    let store = f.store.as_ref();
    let p = project(store, "Org", "tdp_1").await;
    for (window, seq) in [("w1", 0), ("w1", 1), ("w1", 2), ("w2", 0)] {
        let first = 1_000 + i64::from(seq) * 500;
        let new = segment(&p, "s1", window, seq);
        let facts = facts(first, first + 100, "https://a.test/");
        store
            .store_segment(&new, &facts, &BatchMeta::default())
            .await
            .unwrap();
    }
    assert!(store.recordings("s1").await.unwrap().is_empty());

    let first = compacted(1, None, &[0, 1]);
    let mut unreferenced = store
        .replace_segments_with_recording(&swap(first.clone()))
        .await
        .unwrap();
    unreferenced.sort();
    let key = |w: &str, seq: u32| segment(&p, "s1", w, seq).blob_key;
    assert_eq!(unreferenced, [key("w1", 0), key("w1", 1)]);
    assert_eq!(
        store.recordings("s1").await.unwrap(),
        std::slice::from_ref(&first.recording)
    );
    assert_eq!(
        seqs_of(store, "s1").await,
        [("w1".to_string(), 2), ("w2".to_string(), 0)],
        "the segment the compaction did not read stays live"
    );
    let session = store.session("s1").await.unwrap().unwrap();
    assert_eq!(session.storage_size_bytes, 40 + 2 * 100);
    assert!(store.segment_exists("s1", "w1", 0).await.unwrap());
    let retried = store
        .store_segment(
            &segment(&p, "s1", "w1", 0),
            &facts(1_000, 1_100, "https://a.test/"),
            &BatchMeta::default(),
        )
        .await
        .unwrap();
    assert_eq!(
        retried,
        SegmentOutcome::Duplicate,
        "a compacted batch retried"
    );

    // Another worker that read the window before this compaction loses, and changes nothing.
    let stale = store
        .replace_segments_with_recording(&swap(compacted(1, None, &[2])))
        .await;
    assert!(matches!(stale, Err(StoreError::Conflict(_))), "{stale:?}");
    assert_eq!(store.recordings("s1").await.unwrap(), [first.recording]);
    assert_eq!(seqs_of(store, "s1").await.len(), 2);

    let second = compacted(2, Some(1), &[2]);
    let mut unreferenced = store
        .replace_segments_with_recording(&swap(second.clone()))
        .await
        .unwrap();
    unreferenced.sort();
    assert_eq!(
        unreferenced,
        [key("w1", 2), "recordings/p/s1/w1/rec-1.tdr".to_string()]
    );
    assert_eq!(store.recordings("s1").await.unwrap(), [second.recording]);
    assert_eq!(seqs_of(store, "s1").await, [("w2".to_string(), 0)]);
    let session = store.session("s1").await.unwrap().unwrap();
    assert_eq!(session.storage_size_bytes, 80 + 100);

    let mut gone = swap(compacted(3, Some(2), &[]));
    gone.session_id = "deleted-meanwhile".into();
    let gone = store.replace_segments_with_recording(&gone).await;
    assert!(matches!(gone, Err(StoreError::NotFound)), "{gone:?}");
}

/// Enqueueing is idempotent while a job waits; a claim hides the job until its lease expires;
/// only the holder completes it; a failure retries at the given time or ends the job.
pub(crate) async fn jobs_are_leased_retried_and_completed_by_their_holder(f: Fixture) {
    let store = f.store.as_ref();
    let compact = &[JOB_COMPACT][..];
    assert!(
        store
            .enqueue_job(JOB_COMPACT, "s1", 100, 100)
            .await
            .unwrap()
    );
    assert!(
        !store
            .enqueue_job(JOB_COMPACT, "s1", 100, 100)
            .await
            .unwrap()
    );
    assert!(store.enqueue_job("other", "s1", 100, 100).await.unwrap());
    assert!(
        store
            .enqueue_job(JOB_COMPACT, "s2", 5_000, 100)
            .await
            .unwrap()
    );

    assert_eq!(
        store.claim_job(compact, "w1", 99, 1_000).await.unwrap(),
        None,
        "not due"
    );
    let job = store
        .claim_job(compact, "w1", 100, 1_000)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (job.kind.as_str(), job.target.as_str(), job.attempts),
        (JOB_COMPACT, "s1", 1)
    );
    assert_eq!(
        store.claim_job(compact, "w2", 500, 1_000).await.unwrap(),
        None,
        "leased"
    );
    // A claimed job is no longer waiting: the same work may be enqueued again.
    assert!(
        store
            .enqueue_job(JOB_COMPACT, "s1", 2_000, 200)
            .await
            .unwrap()
    );

    let again = store
        .claim_job(compact, "w2", 1_100, 1_000)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((again.id, again.attempts), (job.id, 2), "the lease expired");
    assert!(
        !store.complete_job(job.id, "w1", 1_200).await.unwrap(),
        "w1 lost it"
    );
    assert!(store.complete_job(job.id, "w2", 1_200).await.unwrap());
    assert!(
        !store.complete_job(job.id, "w2", 1_300).await.unwrap(),
        "done once"
    );

    let requeued = store
        .claim_job(compact, "w1", 2_000, 1_000)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(requeued.target, "s1");
    assert!(
        store
            .fail_job(requeued.id, "w1", "boom", Some(2_500), 2_100)
            .await
            .unwrap()
    );
    assert_eq!(
        store.claim_job(compact, "w2", 2_400, 1_000).await.unwrap(),
        None
    );
    let retried = store
        .claim_job(compact, "w2", 2_500, 1_000)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (retried.id, retried.attempts, retried.last_error.as_deref()),
        (requeued.id, 2, Some("boom"))
    );
    assert!(
        !store
            .fail_job(retried.id, "w1", "late", None, 2_600)
            .await
            .unwrap()
    );
    assert!(
        store
            .fail_job(retried.id, "w2", "gave up", None, 2_600)
            .await
            .unwrap()
    );
    assert_eq!(
        store.claim_job(compact, "w2", 4_999, 1_000).await.unwrap(),
        None
    );

    let s2 = store
        .claim_job(compact, "w2", 5_000, 1_000)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(s2.target, "s2");
    let other = store
        .claim_job(&["other"], "w3", 5_000, 1_000)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (other.kind.as_str(), other.target.as_str()),
        ("other", "s1")
    );
}

/// Several nodes claiming at once: every job is claimed exactly once.
pub(crate) async fn concurrent_claims_take_each_job_once(f: Fixture) {
    const JOBS: usize = 30;
    let other = open_meta_store(&f.url).await.unwrap();
    for i in 0..JOBS {
        assert!(
            f.store
                .enqueue_job(JOB_COMPACT, &format!("s{i}"), 0, 0)
                .await
                .unwrap()
        );
    }
    let mut tasks = Vec::new();
    for worker in 0..6 {
        let store = if worker % 2 == 0 {
            f.store.clone()
        } else {
            other.clone()
        };
        tasks.push(tokio::spawn(async move {
            let id = format!("worker-{worker}");
            let mut claimed = Vec::new();
            while let Some(job) = store
                .claim_job(&[JOB_COMPACT], &id, 10, 60_000)
                .await
                .unwrap()
            {
                claimed.push(job.target);
            }
            claimed
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.unwrap());
    }
    let unique: HashSet<_> = all.iter().cloned().collect();
    assert_eq!(
        (all.len(), unique.len()),
        (JOBS, JOBS),
        "each job claimed once"
    );
}

/// Stores one small batch (seq 0, window `w`) of each session.
async fn store_first_batches(store: &dyn MetaStore, project: &Project, sessions: &[&str]) {
    for session in sessions {
        let new = segment(project, session, "w", 0);
        store
            .store_segment(&new, &facts(1, 2, "u"), &BatchMeta::default())
            .await
            .unwrap();
    }
}

/// A session going idle gets its compaction enqueued with it, once.
pub(crate) async fn idle_sessions_enqueue_their_compaction(f: Fixture) {
    let store = f.store.as_ref();
    let p = project(store, "Org", "tdp_1").await;
    store_first_batches(store, &p, &["s1", "s2"]).await;
    assert_eq!(store.mark_idle_sessions(5_001, 9_000).await.unwrap(), 2);
    assert_eq!(store.mark_idle_sessions(5_001, 9_500).await.unwrap(), 0);
    let mut targets = Vec::new();
    while let Some(job) = store
        .claim_job(&[JOB_COMPACT], "w", 9_000, 1_000)
        .await
        .unwrap()
    {
        targets.push(job.target);
    }
    targets.sort();
    assert_eq!(targets, ["s1", "s2"]);
}

/// Finished jobs (completed or given up) are pruned by the time they finished; waiting and
/// claimed ones stay.
pub(crate) async fn done_jobs_are_deleted_by_when_they_finished(f: Fixture) {
    let store = f.store.as_ref();
    let compact = &[JOB_COMPACT][..];
    for target in ["done", "gave-up", "claimed", "waiting"] {
        store.enqueue_job(JOB_COMPACT, target, 0, 0).await.unwrap();
    }
    let done = store
        .claim_job(compact, "w", 10, 60_000)
        .await
        .unwrap()
        .unwrap();
    assert!(store.complete_job(done.id, "w", 1_000).await.unwrap());
    let gave_up = store
        .claim_job(compact, "w", 10, 60_000)
        .await
        .unwrap()
        .unwrap();
    assert!(
        store
            .fail_job(gave_up.id, "w", "boom", None, 2_000)
            .await
            .unwrap()
    );
    let claimed = store
        .claim_job(compact, "w", 10, 60_000)
        .await
        .unwrap()
        .unwrap();

    assert_eq!(
        store.delete_done_jobs(1_000).await.unwrap(),
        0,
        "strictly before"
    );
    assert_eq!(store.delete_done_jobs(1_001).await.unwrap(), 1);
    assert_eq!(store.delete_done_jobs(1_001).await.unwrap(), 0);
    assert_eq!(store.delete_done_jobs(i64::MAX).await.unwrap(), 1);

    assert!(
        store.complete_job(claimed.id, "w", 3_000).await.unwrap(),
        "claimed one kept"
    );
    let waiting = store
        .claim_job(compact, "w2", 10, 60_000)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(waiting.target, "waiting");
}

/// `/metrics`' counts: jobs waiting (or whose lease ran out) are queued, jobs under a live
/// lease claimed, done ones neither; sessions count while recording.
pub(crate) async fn operational_counts_follow_the_queue_and_live_sessions(f: Fixture) {
    let store = f.store.as_ref();
    let counts = |now| async move { store.operational_counts(now).await.unwrap() };
    assert_eq!(counts(0).await, OperationalCounts::default());

    let p = project(store, "Org", "tdp_1").await;
    store_first_batches(store, &p, &["s1", "s2"]).await;
    for target in ["a", "b", "c"] {
        store.enqueue_job(JOB_COMPACT, target, 0, 0).await.unwrap();
    }
    let compact = &[JOB_COMPACT][..];
    let held = store
        .claim_job(compact, "w", 10, 1_000)
        .await
        .unwrap()
        .unwrap();
    let done = store
        .claim_job(compact, "w", 10, 1_000)
        .await
        .unwrap()
        .unwrap();
    assert!(store.complete_job(done.id, "w", 20).await.unwrap());
    let expected = |queued, claimed, recording| OperationalCounts {
        jobs_queued: queued,
        jobs_claimed: claimed,
        sessions_recording: recording,
    };
    assert_eq!(counts(500).await, expected(1, 1, 2));
    assert_eq!(counts(1_010).await, expected(2, 0, 2), "the lease ran out");

    assert!(store.complete_job(held.id, "w", 600).await.unwrap());
    // Both sessions go idle: no longer recording, and their compactions are queued.
    assert_eq!(store.mark_idle_sessions(5_001, 9_000).await.unwrap(), 2);
    assert_eq!(counts(9_000).await, expected(3, 0, 0));
}
