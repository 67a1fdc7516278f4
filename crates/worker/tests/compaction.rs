//! Compaction of a real recording (fixtures/recorded-form-session.json) and the worker loop:
//! a crash between any two steps leaves the old or the new state readable, never half; two
//! compactions of one session commit once; each job runs on one worker; failures retry.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::http::StatusCode;
use serde_json::Value;
use tapedeck_core::recording::WriteOptions;
use tapedeck_store::{JOB_COMPACT, MetaStore};
use tapedeck_testkit::{TestApp, fixture_path};
use tapedeck_worker::compact::{
    CompactError, commit_compaction, delete_unreferenced, prepare_compaction,
};
use tapedeck_worker::{JobOutcome, Worker, WorkerConfig, compact_session};

const SESSION: &str = "01a211fd-bed2-75d2-b1e0-d42658515974";

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// The fixture's batches ingested, and a viewer's cookie.
async fn recorded_app() -> (TestApp, String) {
    let app = TestApp::new().await;
    let text = std::fs::read_to_string(fixture_path("recorded-form-session.json")).unwrap();
    let fixture: Value = serde_json::from_str(&text).unwrap();
    for batch in fixture["batches"].as_array().unwrap() {
        let response = app.ingest(batch.to_string(), &[]).await;
        assert_eq!(response.status, StatusCode::OK);
    }
    let cookie = app.login("agent@test.test", "viewer").await;
    (app, cookie)
}

/// What the player gets: every event, and a range in the second page load.
async fn reads(app: &TestApp, cookie: &str) -> Vec<Value> {
    let mut answers = Vec::new();
    for query in ["", "from=400&to=450"] {
        let uri = format!("/api/v1/sessions/{SESSION}/events?{query}");
        let response = app.get(&uri, cookie).await;
        assert_eq!(response.status, StatusCode::OK, "{query}");
        answers.push(response.json());
    }
    answers
}

fn blob_exists(app: &TestApp, key: &str) -> bool {
    app.dir.path().join("blobs").join(key).exists()
}

async fn segment_keys(app: &TestApp) -> Vec<String> {
    let segments = app.meta.segments(SESSION).await.unwrap();
    segments.into_iter().map(|s| s.blob_key).collect()
}

#[tokio::test]
async fn a_crash_between_steps_leaves_the_old_or_the_new_state_readable() {
    let (app, cookie) = recorded_app().await;
    let baseline = reads(&app, &cookie).await;
    assert_eq!(baseline[0]["events"].as_array().unwrap().len(), 27);
    assert_eq!(
        baseline[1]["range"]["keyframe_ms"], 327,
        "the second page load"
    );
    let meta = app.meta.as_ref();
    let options = WriteOptions::default();
    let segments = segment_keys(&app).await;

    // Crash after step 1: the new blob is written, nothing references it.
    let prepared = prepare_compaction(meta, &app.recordings, SESSION, options, 1)
        .await
        .unwrap()
        .unwrap();
    let orphan = prepared.swap.windows[0].recording.blob_key.clone();
    drop(prepared);
    assert!(blob_exists(&app, &orphan));
    assert_eq!(reads(&app, &cookie).await, baseline);
    assert_eq!(segment_keys(&app).await, segments, "still the old state");
    assert!(meta.recordings(SESSION).await.unwrap().is_empty());

    // Crash after step 2: committed, the old blobs not deleted yet.
    let prepared = prepare_compaction(meta, &app.recordings, SESSION, options, 2)
        .await
        .unwrap()
        .unwrap();
    let owner = prepared.owner.clone();
    let unreferenced = commit_compaction(meta, &app.recordings, prepared)
        .await
        .unwrap();
    assert_eq!(reads(&app, &cookie).await, baseline, "the new state");
    assert!(segment_keys(&app).await.is_empty());
    assert_eq!(unreferenced, segments);
    assert!(segments.iter().all(|key| blob_exists(&app, key)));

    // Nothing is left to compact; step 3 removes the leftovers whenever it runs.
    let again = compact_session(meta, &app.recordings, SESSION, options, 3).await;
    assert_eq!(again.unwrap(), None);
    delete_unreferenced(&app.recordings, &owner, &unreferenced).await;
    assert!(segments.iter().all(|key| !blob_exists(&app, key)));
    assert_eq!(reads(&app, &cookie).await, baseline);
    let session = app
        .get(&format!("/api/v1/sessions/{SESSION}"), &cookie)
        .await
        .json();
    let recording = meta.recordings(SESSION).await.unwrap().remove(0);
    assert_eq!(session["storage_size_bytes"], recording.size_bytes);
    assert_eq!(recording.event_count, 27);
}

#[tokio::test]
async fn two_compactions_of_one_session_commit_once() {
    let (app, cookie) = recorded_app().await;
    let baseline = reads(&app, &cookie).await;
    let meta = app.meta.as_ref();
    let options = WriteOptions::default();
    let first = prepare_compaction(meta, &app.recordings, SESSION, options, 1);
    let second = prepare_compaction(meta, &app.recordings, SESSION, options, 1);
    let (first, second) = (
        first.await.unwrap().unwrap(),
        second.await.unwrap().unwrap(),
    );
    let loser_key = second.swap.windows[0].recording.blob_key.clone();
    commit_compaction(meta, &app.recordings, first)
        .await
        .unwrap();
    let lost = commit_compaction(meta, &app.recordings, second).await;
    assert!(matches!(lost, Err(CompactError::Conflict)), "{lost:?}");
    assert!(
        !blob_exists(&app, &loser_key),
        "the loser cleans up after itself"
    );
    assert_eq!(meta.recordings(SESSION).await.unwrap()[0].generation, 1);
    assert_eq!(reads(&app, &cookie).await, baseline);
}

#[tokio::test]
async fn a_session_deleted_during_its_compaction_leaves_no_blob() {
    let (app, _) = recorded_app().await;
    let meta = app.meta.as_ref();
    let prepared = prepare_compaction(meta, &app.recordings, SESSION, WriteOptions::default(), 1)
        .await
        .unwrap()
        .unwrap();
    let written = prepared.swap.windows[0].recording.blob_key.clone();
    assert!(blob_exists(&app, &written));
    assert!(meta.delete_session(SESSION).await.unwrap());
    let committed = commit_compaction(meta, &app.recordings, prepared).await;
    assert!(
        matches!(committed, Err(CompactError::SessionGone)),
        "{committed:?}"
    );
    assert!(!blob_exists(&app, &written));
}

fn worker(app: &TestApp, config: WorkerConfig) -> Worker {
    Worker::new(app.meta.clone(), app.recordings.clone(), config)
}

#[tokio::test]
async fn an_idle_sessions_compaction_runs_on_one_worker_once() {
    let (app, cookie) = recorded_app().await;
    let baseline = reads(&app, &cookie).await;
    let now = now_ms();
    assert_eq!(app.meta.mark_idle_sessions(now, now).await.unwrap(), 1);
    let (a, b) = (
        worker(&app, WorkerConfig::default()),
        worker(&app, WorkerConfig::default()),
    );
    assert_ne!(a.id(), b.id());
    let (ran_a, ran_b) = tokio::join!(a.run_once(now), b.run_once(now));
    let mut outcomes = vec![ran_a.unwrap(), ran_b.unwrap()];
    outcomes.sort_by_key(Option::is_some);
    assert_eq!(outcomes, [None, Some(JobOutcome::Done)]);
    assert_eq!(a.run_once(now).await.unwrap(), None, "done once");
    assert!(app.meta.segments(SESSION).await.unwrap().is_empty());
    assert_eq!(reads(&app, &cookie).await, baseline);
}

#[tokio::test]
async fn a_failing_compaction_is_retried_later_then_given_up() {
    let (app, _) = recorded_app().await;
    let missing = segment_keys(&app).await.remove(0);
    std::fs::remove_file(app.dir.path().join("blobs").join(&missing)).unwrap();
    let now = now_ms();
    app.meta
        .enqueue_job(JOB_COMPACT, SESSION, now, now)
        .await
        .unwrap();
    let config = WorkerConfig {
        max_attempts: 2,
        ..WorkerConfig::default()
    };
    let retry = config.retry_after.as_millis() as i64;
    let w = worker(&app, config);
    assert_eq!(w.run_once(now).await.unwrap(), Some(JobOutcome::Retrying));
    assert_eq!(
        w.run_once(now).await.unwrap(),
        None,
        "not before the retry time"
    );
    let later = now_ms() + retry;
    assert_eq!(w.run_once(later).await.unwrap(), Some(JobOutcome::GaveUp));
    assert_eq!(w.run_once(later + 10 * retry).await.unwrap(), None);
    assert_eq!(
        app.meta.segments(SESSION).await.unwrap().len(),
        2,
        "nothing changed"
    );
}

#[tokio::test]
async fn the_worker_loop_compacts_and_stops_on_shutdown() {
    let (app, _) = recorded_app().await;
    let now = now_ms();
    app.meta.mark_idle_sessions(now, now).await.unwrap();
    let config = WorkerConfig {
        poll_interval: Duration::from_millis(20),
        ..WorkerConfig::default()
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(worker(&app, config).run(async {
        let _ = stopped.await;
    }));
    let meta: Arc<dyn MetaStore> = app.meta.clone();
    let deadline = Instant::now() + Duration::from_secs(30);
    while meta.recordings(SESSION).await.unwrap().is_empty() {
        assert!(Instant::now() < deadline, "the worker never compacted");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    stop.send(()).unwrap();
    running.await.unwrap();
}
