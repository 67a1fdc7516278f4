//! Cases about what differs underneath the engines: concurrent writers (several nodes on one
//! PostgreSQL; the server and the CLI on one SQLite file), the order of text, and characters
//! PostgreSQL cannot store.

use super::*;

/// Stores a segment on its own task, with the facts of batch `seq` (events from
/// `1_000 + seq × 100` ms for 50 ms, on page `/seq`).
fn spawn_batch(
    store: Arc<dyn MetaStore>,
    segment: NewSegment,
) -> tokio::task::JoinHandle<Result<SegmentOutcome>> {
    let first = 1_000 + i64::from(segment.seq) * 100;
    let facts = facts(
        first,
        first + 50,
        &format!("https://a.test/{}", segment.seq),
    );
    tokio::spawn(async move {
        store
            .store_segment(&segment, &facts, &BatchMeta::default())
            .await
    })
}

/// Several nodes receive batches of one session at once (the recorder retries on another node,
/// several tabs share a session): every batch lands once, none is lost from the summary, and
/// a batch arriving twice at the same time is stored once and reported `Duplicate` once.
pub(crate) async fn concurrent_batches_of_one_session_on_two_stores_all_land(f: Fixture) {
    let other = open_meta_store(&f.url).await.unwrap();
    // A node starting next to a running one migrates too: nothing to do, and no error.
    let (a, b) = tokio::join!(f.store.migrate(), other.migrate());
    a.unwrap();
    b.unwrap();
    let p = project(f.store.as_ref(), "Org", "tdp_1").await;

    const BATCHES: u32 = 12;
    let mut tasks = Vec::new();
    for seq in 0..BATCHES {
        for copy in 0..2 {
            let store = if (seq + copy) % 2 == 0 {
                f.store.clone()
            } else {
                other.clone()
            };
            tasks.push(spawn_batch(store, segment(&p, "s1", "w1", seq)));
        }
    }
    let mut stored = 0;
    for task in tasks {
        if task.await.unwrap().unwrap() == SegmentOutcome::Stored {
            stored += 1;
        }
    }
    assert_eq!(
        stored, BATCHES,
        "each batch stored once, its copy a Duplicate"
    );

    let session = other.session("s1").await.unwrap().unwrap();
    let last = 1_000 + i64::from(BATCHES - 1) * 100 + 50;
    assert_eq!(
        (
            session.summary.started_at_ms,
            session.summary.ended_at_ms,
            session.summary.event_count
        ),
        (1_000, last, 3 * i64::from(BATCHES)),
        "no batch lost from the summary"
    );
    assert_eq!(session.storage_size_bytes, 100 * i64::from(BATCHES));
    assert_eq!(session.summary.page_views(), i64::from(BATCHES));
    let seqs: Vec<u32> = f
        .store
        .segments("s1")
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.seq)
        .collect();
    assert_eq!(seqs, (0..BATCHES).collect::<Vec<_>>());
}

/// Many batches of many sessions at once (SQLite commits them in groups, one transaction each):
/// every batch is stored, and the one refused (its session belongs to another project) fails
/// alone — the batches committed beside it are all there, and its own session is unchanged.
pub(crate) async fn a_refused_batch_among_concurrent_ones_fails_alone(f: Fixture) {
    let mine = project(f.store.as_ref(), "Org", "tdp_1").await;
    let theirs = project(f.store.as_ref(), "Other", "tdp_2").await;
    f.store
        .store_segment(
            &segment(&theirs, "taken", "w", 0),
            &facts(10, 20, "https://b.test/"),
            &BatchMeta::default(),
        )
        .await
        .unwrap();

    const SESSIONS: u32 = 8;
    const BATCHES: u32 = 8;
    let mut tasks = Vec::new();
    for s in 0..SESSIONS {
        for seq in 0..BATCHES {
            tasks.push(spawn_batch(
                f.store.clone(),
                segment(&mine, &format!("s{s}"), "w", seq),
            ));
        }
        if s == SESSIONS / 2 {
            tasks.push(spawn_batch(
                f.store.clone(),
                segment(&mine, "taken", "w", 1),
            ));
        }
    }
    let mut stored = 0;
    let mut conflicts = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(SegmentOutcome::Stored) => stored += 1,
            Err(StoreError::Conflict(_)) => conflicts += 1,
            other => panic!("unexpected outcome {other:?}"),
        }
    }
    assert_eq!((stored, conflicts), (SESSIONS * BATCHES, 1));
    for s in 0..SESSIONS {
        let session = f.store.session(&format!("s{s}")).await.unwrap().unwrap();
        assert_eq!(
            session.summary.event_count,
            3 * i64::from(BATCHES),
            "session s{s} has all its batches"
        );
        assert_eq!(
            f.store.segments(&format!("s{s}")).await.unwrap().len(),
            BATCHES as usize
        );
    }
    let taken = f.store.session("taken").await.unwrap().unwrap();
    assert_eq!(taken.project_id, theirs.id);
    assert_eq!(taken.summary.event_count, 3);
    assert!(!f.store.segment_exists("taken", "w", 1).await.unwrap());
}

/// Text sorts by bytes (SQLite's BINARY), whatever the PostgreSQL server's locale: names in
/// lists, and the id tie-break of the sessions keyset, so pages neither skip nor repeat.
pub(crate) async fn text_orders_bytewise(f: Fixture) {
    let store = f.store.as_ref();
    let mut projects = Vec::new();
    for name in ["b", "B", "a", "_z"] {
        projects.push(project(store, "Org", name).await);
    }
    let org = projects[0].organization_id.clone();
    let listed = store
        .list_projects(std::slice::from_ref(&org))
        .await
        .unwrap();
    let names: Vec<_> = listed.iter().map(|l| l.project.name.as_str()).collect();
    assert_eq!(names, ["B", "_z", "a", "b"]);

    for id in ["s-b", "s-B", "s_a", "s-a"] {
        store
            .store_segment(
                &segment(&projects[0], id, "w", 0),
                &facts(10, 20, "u"),
                &BatchMeta::default(),
            )
            .await
            .unwrap();
    }
    let mut after = None;
    let mut pages = Vec::new();
    loop {
        let query = SessionQuery {
            organization_ids: vec![org.clone()],
            after: after.clone(),
            limit: 1,
            ..SessionQuery::default()
        };
        let Some(item) = store.list_sessions(&query).await.unwrap().pop() else {
            break;
        };
        let record = item.record;
        after = Some((record.summary.started_at_ms, record.id.clone()));
        pages.push(record.id);
    }
    assert_eq!(pages, ["s_a", "s-b", "s-a", "s-B"]);
}

/// A recorder may send NUL in any meta string. SQLite stores it; PostgreSQL cannot (TEXT and
/// JSONB refuse it) and stores U+FFFD instead. Either way the batch is stored, never refused
/// (a refused batch is retried by the recorder forever).
pub(crate) async fn nul_characters_from_the_recorder_do_not_fail_a_batch(f: Fixture) {
    let store = f.store.as_ref();
    let p = project(store, "Org", "tdp_1").await;
    let meta = BatchMeta {
        user_name: Some("Ada\0".into()),
        referrer: Some("https://r.test/\0".into()),
        tags: [("k\0".to_string(), "v\0".to_string())].into(),
        ..Default::default()
    };
    for seq in 0..2 {
        let outcome = store
            .store_segment(
                &segment(&p, "s1", "w", seq),
                &facts(1 + i64::from(seq), 2 + i64::from(seq), "https://a.test/\0"),
                &meta,
            )
            .await
            .unwrap();
        assert_eq!(outcome, SegmentOutcome::Stored);
    }
    let kept = |stored: &str, sent: &str| {
        assert!(
            stored == sent || stored == sent.replace('\0', "\u{FFFD}"),
            "{stored:?} is not {sent:?}"
        )
    };
    let session = store.session("s1").await.unwrap().unwrap();
    kept(session.summary.user_name.as_deref().unwrap(), "Ada\0");
    kept(&session.summary.urls[0].url, "https://a.test/\0");
    let (key, value) = session.summary.tags.iter().next().unwrap();
    kept(key, "k\0");
    kept(value, "v\0");
    kept(
        session.metadata["referrer"].as_str().unwrap(),
        "https://r.test/\0",
    );
    assert_eq!(session.summary.event_count, 6);
}
