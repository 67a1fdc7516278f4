//! Tag changes, the same on every engine: a change reaches only the sessions of the
//! organizations given, keeps the SDK's tags, is refused as a whole when one session would hold
//! too many, and neither it nor a batch arriving at the same time loses the other's tags.

use std::collections::BTreeMap;

use serde_json::json;
use tapedeck_core::limits::MAX_TAGS;
use tapedeck_core::session_tags::{TagChange, check_tag_change};

use super::*;

fn change(body: serde_json::Value) -> TagChange {
    check_tag_change(&body).unwrap()
}

fn meta_with_tags(pairs: &[(&str, &str)]) -> BatchMeta {
    BatchMeta {
        tags: pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..Default::default()
    }
}

async fn tags_of(store: &dyn MetaStore, id: &str) -> BTreeMap<String, String> {
    store.session(id).await.unwrap().unwrap().summary.tags
}

fn ids(update: &TagUpdate) -> Vec<&str> {
    match update {
        TagUpdate::Updated(sessions) => sessions.iter().map(|s| s.id.as_str()).collect(),
        TagUpdate::TooManyTags { .. } => panic!("refused: {update:?}"),
    }
}

pub(crate) async fn tag_changes_reach_only_the_given_organizations(f: Fixture) {
    let s = f.store.as_ref();
    let mine = project(s, "Mine", "tdp_m").await;
    let theirs = project(s, "Theirs", "tdp_t").await;
    for (p, id) in [(&mine, "s1"), (&mine, "s2"), (&theirs, "t1")] {
        s.store_segment(
            &segment(p, id, "w", 0),
            &facts(1, 2, "https://a.test/"),
            &meta_with_tags(&[("plan", "pro")]),
        )
        .await
        .unwrap();
    }
    let orgs = vec![mine.organization_id.clone()];
    let asked: Vec<String> = ["s2", "t1", "gone", "s1"].map(String::from).into();
    let update = s
        .update_session_tags(&orgs, &asked, &change(json!({"add": {"vip": ""}})), 9_000)
        .await
        .unwrap();
    assert_eq!(ids(&update), ["s2", "s1"], "in the order asked");
    let TagUpdate::Updated(tagged) = &update else {
        unreachable!()
    };
    let expected: BTreeMap<String, String> = [("plan", "pro"), ("vip", "")]
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .into();
    assert_eq!(tagged[0].tags, expected);
    assert_eq!(tagged[0].organization_id, mine.organization_id);
    assert_eq!(tags_of(s, "s1").await, expected);
    let s1 = s.session("s1").await.unwrap().unwrap();
    assert_eq!(s1.updated_at_ms, 9_000);
    assert_eq!(
        tags_of(s, "t1").await.len(),
        1,
        "another organization's session"
    );

    // A later batch folds its tags into the stored ones: the API's tag stays.
    s.store_segment(
        &segment(&mine, "s1", "w", 1),
        &facts(3, 4, "https://a.test/"),
        &meta_with_tags(&[("plan", "team")]),
    )
    .await
    .unwrap();
    assert_eq!(tags_of(s, "s1").await["vip"], "");
    assert_eq!(tags_of(s, "s1").await["plan"], "team");

    let removed = s
        .update_session_tags(
            &orgs,
            &["s1".into()],
            &change(json!({"remove": ["plan", "nope"]})),
            9_500,
        )
        .await
        .unwrap();
    assert_eq!(ids(&removed), ["s1"]);
    assert_eq!(tags_of(s, "s1").await.keys().collect::<Vec<_>>(), ["vip"]);
    let nothing = s
        .update_session_tags(
            &[],
            &["s1".into()],
            &change(json!({"remove": ["vip"]})),
            9_600,
        )
        .await
        .unwrap();
    assert!(ids(&nothing).is_empty());
}

pub(crate) async fn a_tag_change_past_the_limit_changes_no_session(f: Fixture) {
    let s = f.store.as_ref();
    let p = project(s, "Org", "tdp_1").await;
    for id in ["s1", "s2"] {
        s.store_segment(
            &segment(&p, id, "w", 0),
            &facts(1, 2, "https://a.test/"),
            &BatchMeta::default(),
        )
        .await
        .unwrap();
    }
    let orgs = vec![p.organization_id.clone()];
    let fill: serde_json::Map<String, serde_json::Value> = (0..MAX_TAGS)
        .map(|i| (format!("k{i}"), json!("v")))
        .collect();
    s.update_session_tags(&orgs, &["s2".into()], &change(json!({"add": fill})), 2)
        .await
        .unwrap();
    let both: Vec<String> = vec!["s1".into(), "s2".into()];
    let refused = s
        .update_session_tags(&orgs, &both, &change(json!({"add": {"one": "more"}})), 3)
        .await
        .unwrap();
    assert_eq!(
        refused,
        TagUpdate::TooManyTags {
            session_id: "s2".into()
        }
    );
    assert!(
        tags_of(s, "s1").await.is_empty(),
        "s1 was not changed either"
    );
    assert_eq!(tags_of(s, "s2").await.len(), MAX_TAGS);
    let swap = change(json!({"add": {"one": "more"}, "remove": ["k0"]}));
    assert_eq!(
        ids(&s.update_session_tags(&orgs, &both, &swap, 4).await.unwrap()),
        ["s1", "s2"]
    );
    assert_eq!(tags_of(s, "s2").await["one"], "more");
}

/// Tag changes through the API and batches with tags arrive at once (on two stores: two nodes,
/// or the server and the CLI): every tag of each lands.
pub(crate) async fn concurrent_tag_changes_and_batches_lose_no_tag(f: Fixture) {
    let other = open_meta_store(&f.url).await.unwrap();
    let p = project(f.store.as_ref(), "Org", "tdp_1").await;
    f.store
        .store_segment(
            &segment(&p, "s1", "w", 0),
            &facts(1, 2, "https://a.test/"),
            &BatchMeta::default(),
        )
        .await
        .unwrap();
    const EACH: u32 = 8;
    let mut tasks = Vec::new();
    for i in 0..EACH {
        let (api, ingest) = if i % 2 == 0 {
            (f.store.clone(), other.clone())
        } else {
            (other.clone(), f.store.clone())
        };
        let orgs = vec![p.organization_id.clone()];
        let tag = change(json!({"add": {format!("api{i}"): ""}}));
        tasks.push(tokio::spawn(async move {
            api.update_session_tags(&orgs, &["s1".into()], &tag, 10)
                .await
                .map(|_| ())
        }));
        let segment = segment(&p, "s1", "w", i + 1);
        let key = format!("sdk{i}");
        tasks.push(tokio::spawn(async move {
            ingest
                .store_segment(
                    &segment,
                    &facts(3, 4, "https://a.test/"),
                    &meta_with_tags(&[(&key, "x")]),
                )
                .await
                .map(|_| ())
        }));
    }
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let tags = tags_of(other.as_ref(), "s1").await;
    assert_eq!(tags.len(), 2 * EACH as usize, "{tags:?}");
}
