//! The scheduled jobs: the retention sweep runs from the queue on a clock the test drives (a
//! session past its project's days goes, once, audited; the schedule renews itself; finished
//! jobs are pruned), and a page's `stopRecording` batch gets its session compacted without
//! waiting for it to go idle.

use std::time::{SystemTime, UNIX_EPOCH};

use axum::http::StatusCode;
use serde_json::Value;
use tapedeck_store::{AuditQuery, JOB_COMPACT};
use tapedeck_testkit::{TestApp, batch};
use tapedeck_worker::retention::{JOB_RETENTION, RETENTION_EVERY};
use tapedeck_worker::{JobOutcome, Worker, WorkerConfig};

const DAY_MS: i64 = 24 * 3600 * 1000;

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

fn worker(app: &TestApp) -> Worker {
    Worker::new(
        app.meta.clone(),
        app.recordings.clone(),
        WorkerConfig::default(),
    )
}

async fn retention_audits(app: &TestApp) -> usize {
    let query = AuditQuery {
        organization_ids: vec![app.project.organization_id.clone()],
        limit: 100,
        ..AuditQuery::default()
    };
    let entries = app.meta.audit_entries(&query).await.unwrap();
    entries
        .iter()
        .filter(|e| e.actor == "system:retention")
        .count()
}

async fn ingest(app: &TestApp, body: String) {
    assert_eq!(app.ingest(body, &[]).await.status, StatusCode::OK);
}

#[tokio::test]
async fn the_retention_sweep_runs_from_the_queue_hourly_and_deletes_expired_sessions_once() {
    let app = TestApp::new().await;
    ingest(&app, batch("s-old", 0, 1_000, 3)).await;
    let ingested_at = app
        .meta
        .session("s-old")
        .await
        .unwrap()
        .unwrap()
        .updated_at_ms;
    app.meta
        .mark_idle_sessions(i64::MAX, ingested_at)
        .await
        .unwrap();
    let w = worker(&app);
    // The idle sweep queued a compaction; run it first so only the retention job is left.
    assert_eq!(
        w.run_once(ingested_at).await.unwrap(),
        Some(JobOutcome::Done)
    );

    let start = ingested_at + DAY_MS;
    w.schedule_recurring(start).await.unwrap();
    w.schedule_recurring(start).await.unwrap(); // a second node starting: still one job
    assert_eq!(w.run_once(start).await.unwrap(), Some(JobOutcome::Done));
    assert_eq!(
        w.run_once(start).await.unwrap(),
        None,
        "one sweep queued, not two"
    );
    assert!(
        app.meta.session("s-old").await.unwrap().is_some(),
        "day 1 of 30"
    );

    let hour = RETENTION_EVERY.as_millis() as i64;
    assert_eq!(
        w.run_once(start + hour - 1).await.unwrap(),
        None,
        "not before the hour"
    );
    assert_eq!(
        w.run_once(start + hour).await.unwrap(),
        Some(JobOutcome::Done)
    );

    // The clock jumps past the 30 days: the next due run deletes the session and audits it.
    let day_31 = ingested_at + 31 * DAY_MS;
    assert_eq!(w.run_once(day_31).await.unwrap(), Some(JobOutcome::Done));
    assert!(app.meta.session("s-old").await.unwrap().is_none());
    assert_eq!(retention_audits(&app).await, 1);
    let next = day_31 + hour;
    assert_eq!(w.run_once(next).await.unwrap(), Some(JobOutcome::Done));
    assert_eq!(retention_audits(&app).await, 1, "audited once");

    // A week on, the finished jobs are gone: only the next sweep is left in the queue.
    let week_on = next + 8 * DAY_MS;
    assert_eq!(w.run_once(week_on).await.unwrap(), Some(JobOutcome::Done));
    let claim = app
        .meta
        .claim_job(&[JOB_RETENTION, JOB_COMPACT], "probe", i64::MAX / 2, 1)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(claim.kind, JOB_RETENTION);
    assert_eq!(
        app.meta.delete_done_jobs(week_on).await.unwrap(),
        0,
        "the sweep at week_on pruned everything older than a week; the rest is this week's"
    );
}

#[tokio::test]
async fn a_stopped_batch_gets_its_session_compacted_without_waiting_for_idle() {
    let app = TestApp::new().await;
    let w = worker(&app);
    ingest(&app, batch("s-live", 0, 1_000, 2)).await;
    assert_eq!(
        w.run_once(now_ms()).await.unwrap(),
        None,
        "no job for a live page"
    );

    let mut stopped: Value = serde_json::from_str(&batch("s-live", 1, 2_000, 2)).unwrap();
    stopped["meta"]["stopped"] = Value::Bool(true);
    ingest(&app, stopped.to_string()).await;
    assert_eq!(w.run_once(now_ms()).await.unwrap(), Some(JobOutcome::Done));
    assert!(
        app.meta.segments("s-live").await.unwrap().is_empty(),
        "all folded in"
    );
    let recordings = app.meta.recordings("s-live").await.unwrap();
    assert_eq!(recordings.len(), 1);
    assert_eq!(recordings[0].compacted_through_seq, 1);

    // The same batch retried is a duplicate: no second compaction.
    ingest(&app, stopped.to_string()).await;
    assert_eq!(w.run_once(now_ms()).await.unwrap(), None);
}
