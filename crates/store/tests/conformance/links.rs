//! Links from sessions to tickets and issues, the same on every engine: adding is idempotent on
//! (session, kind, ref) and a later url wins, links list oldest first, carry their session's
//! organization, are deleted one by one and go with their session.

use super::*;

fn link(
    id: &str,
    session: &str,
    kind: &str,
    reference: &str,
    url: Option<&str>,
    at: i64,
) -> NewLink {
    NewLink {
        id: id.into(),
        session_id: session.into(),
        kind: kind.into(),
        reference: reference.into(),
        url: url.map(String::from),
        created_by: None,
        created_at_ms: at,
    }
}

pub(crate) async fn links_are_added_once_listed_and_deleted(f: Fixture) {
    let s = f.store.as_ref();
    let p = project(s, "Org", "tdp_1").await;
    s.store_segment(
        &segment(&p, "s1", "w", 0),
        &facts(1, 2, "https://a.test/"),
        &BatchMeta::default(),
    )
    .await
    .unwrap();
    let user = s.create_user("ada@test.test", "h", 1).await.unwrap();

    let mut first = link("l1", "s1", "ticket", "ZD-1234", None, 100);
    first.created_by = Some(user.id.clone());
    let (added, created) = s.add_link(&first).await.unwrap();
    assert!(created);
    assert_eq!(
        added,
        SessionLink {
            id: "l1".into(),
            session_id: "s1".into(),
            organization_id: p.organization_id.clone(),
            kind: "ticket".into(),
            reference: "ZD-1234".into(),
            url: None,
            created_by: Some(user.id.clone()),
            created_at_ms: 100,
        }
    );
    // The same (session, kind, ref) again: the stored link, now with the url given.
    let url = "https://x.zendesk.com/agent/tickets/1234";
    let (again, created) = s
        .add_link(&link("l2", "s1", "ticket", "ZD-1234", Some(url), 200))
        .await
        .unwrap();
    assert!(!created);
    assert_eq!((again.id.as_str(), again.url.as_deref()), ("l1", Some(url)));
    assert_eq!(again.created_at_ms, 100);
    let (kept, _) = s
        .add_link(&link("l3", "s1", "ticket", "ZD-1234", None, 300))
        .await
        .unwrap();
    assert_eq!(
        kept.url.as_deref(),
        Some(url),
        "no url keeps the stored one"
    );

    s.add_link(&link("l4", "s1", "issue", "ZD-1234", None, 50))
        .await
        .unwrap();
    s.add_link(&link("l5", "s1", "link", "zd-1234", None, 400))
        .await
        .unwrap();
    let listed = s.list_links("s1").await.unwrap();
    let refs: Vec<_> = listed
        .iter()
        .map(|l| (l.id.as_str(), l.kind.as_str(), l.reference.as_str()))
        .collect();
    assert_eq!(
        refs,
        [
            ("l4", "issue", "ZD-1234"),
            ("l1", "ticket", "ZD-1234"),
            ("l5", "link", "zd-1234")
        ]
    );

    assert!(matches!(
        s.add_link(&link("l6", "gone", "ticket", "ZD-1", None, 1))
            .await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        s.delete_link("other", "l1").await.unwrap(),
        None,
        "another session's id"
    );
    assert_eq!(
        s.delete_link("s1", "l1")
            .await
            .unwrap()
            .map(|l| l.reference),
        Some("ZD-1234".into())
    );
    assert_eq!(s.delete_link("s1", "l1").await.unwrap(), None);
    assert_eq!(s.list_links("s1").await.unwrap().len(), 2);

    assert!(s.delete_session("s1").await.unwrap());
    assert!(
        s.list_links("s1").await.unwrap().is_empty(),
        "links go with their session"
    );
}
